"""Which sheet column is which field, and every row checked against the rules."""

from __future__ import annotations

import unicodedata
from collections.abc import Collection, Mapping

from competition.rules.attributes import FALSE_WORDS, TRUE_WORDS
from competition.rules.messages import N_, Message, msg
from competition.rules.ruleset import RuleSet
from competition.services.entrant_sheets import (
    CODE_LENGTH,
    MAX_PROBLEMS,
    NAME_LENGTH,
    PROGRESS_EVERY,
    EntrantRow,
    Field,
    Progress,
    Sheet,
    SheetError,
    SheetProblem,
    Value,
    decimal_text,
    import_fields,
)
from competition.services.person_ids import id_problem, normalised

_CODE_WORDS = ["code", "entrant", "entrant code", "id", "no", "编号", "选手编号", "参赛编号"]
_CODE_WORDS += ["果园编号", "参赛号", "参赛证号", "单位编号", "队伍编号", "代码"]
_NAME_WORDS = ["name", "entrant name", "full name", "姓名", "名称", "选手姓名", "果园名称"]
_NAME_WORDS += ["单位名称", "参赛单位", "队伍名称", "参赛果园"]
SYNONYMS: dict[str, tuple[str, ...]] = {
    "unit": ("工作单位", "单位", "所在单位", "work unit", "employer"),
    "is_worker": ("是否职工", "职工身份", "职工", "worker"),
    "county": ("县区", "县(市、区)", "县市区", "区县", "县", "所在县区"),
    "operator": ("经营主体", "经营者", "负责人"),
    "variety": ("品种", "主栽品种"),
    "phone": ("电话", "联系电话", "手机", "手机号", "手机号码", "联系方式", "telephone"),
    "gender": ("性别", "sex"),
    "age": ("年龄",),
    "team": ("队伍", "团队", "代表队", "参赛队"),
    "group": ("组别", "分组"),
    "id_number": ("身份证", "身份证号码", "公民身份号码", "证件号码", "id card", "id card number"),
}


def _key(text: str) -> str:
    """Headers compare without case, spaces, punctuation or full-width forms."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", text).casefold() if ch.isalnum())


def _vocabulary(ruleset: RuleSet) -> dict[str, str]:
    """Normalised header → field; names and labels win over synonyms."""
    columns = import_fields(ruleset)
    label = ruleset.rule.entrants.label or ""
    exact = [(w, f.key) for f in columns for w in (f.key, f.header, f.english)]
    made = [(label + "编号", "code"), (label + "名称", "name"), (label + "姓名", "name")]
    common = [(w, "code") for w in _CODE_WORDS] + [(w, "name") for w in _NAME_WORDS]
    common += [(w, f.key) for f in columns for w in SYNONYMS.get(f.key, ())]
    vocabulary: dict[str, str] = {}
    for word, key in [*exact, *made, *common]:
        vocabulary.setdefault(_key(word), key)
    return vocabulary


def suggest_mapping(headers: list[str], ruleset: RuleSet) -> dict[str, str | None]:
    """Each header → the field it most likely holds (None: ignored); a field goes to the first
    header that names it, so a suggestion never maps two columns to one field."""
    vocabulary = _vocabulary(ruleset)
    taken: set[str] = set()
    mapping: dict[str, str | None] = {}
    for header in headers:
        key = vocabulary.get(_key(header))
        mapping[header] = key if key not in taken else None
        if key is not None:
            taken.add(key)
    return mapping


# --- checking --------------------------------------------------------------------------------


def validate(
    sheet: Sheet,
    mapping: Mapping[str, str | None],
    ruleset: RuleSet,
    existing_codes: Collection[str],
    progress: Progress | None = None,
) -> list[EntrantRow]:
    """Every row checked and typed, or :class:`SheetError` with every problem (at most
    :data:`MAX_PROBLEMS`): the caller imports all rows or none."""
    columns = import_fields(ruleset)
    by_key = {field.key: field for field in columns}
    problems = _mapping_problems(sheet, mapping, by_key)
    if problems:
        raise SheetError(problems)
    chosen = [(header, by_key[key]) for header, key in mapping.items() if key]
    checker = _RowChecker(chosen, existing_codes)
    total = len(sheet.rows)
    for done, (number, cells) in enumerate(zip(sheet.row_numbers, sheet.rows, strict=True), 1):
        checker.check(number, cells)
        if progress is not None and (done % PROGRESS_EVERY == 0 or done == total):
            progress(done, total)
    if checker.problems:
        raise SheetError(_capped(checker.problems))
    return checker.rows


def _capped(problems: list[SheetProblem]) -> list[SheetProblem]:
    if len(problems) <= MAX_PROBLEMS:
        return problems
    more = len(problems) - MAX_PROBLEMS
    return [
        *problems[:MAX_PROBLEMS],
        SheetProblem(None, "", msg(N_("… and {count} more problems"), count=more)),
    ]


def _mapping_problems(
    sheet: Sheet, mapping: Mapping[str, str | None], by_key: dict[str, Field]
) -> list[SheetProblem]:
    """A mapping names columns of this sheet, fields of these rules, each field once, and
    covers the code, the name and every required attribute."""
    row = sheet.header_row
    problems: list[SheetProblem] = []
    first: dict[str, str] = {}
    for header, key in mapping.items():
        if header not in sheet.headers:
            problems.append(SheetProblem(row, header, msg(N_("the sheet has no such column"))))
        elif key is not None and key not in by_key:
            text = N_("'{field}' is not a field of this event")
            problems.append(SheetProblem(row, header, msg(text, field=key)))
        elif key is not None and key in first:
            text = N_("'{first}' is already mapped to {field}: map one column to each field")
            problems.append(SheetProblem(row, header, msg(text, first=first[key], field=key)))
        elif key is not None:
            first[key] = header
    for field in by_key.values():
        if field.required and field.key not in first:
            text = N_("no column is mapped to {field} ({header}), which is required")
            problems.append(SheetProblem(row, "", msg(text, field=field.key, header=field.header)))
    return problems


class _RowChecker:
    """Checks rows one by one, remembering codes seen, the rows kept and the problems."""

    def __init__(self, columns: list[tuple[str, Field]], existing: Collection[str]) -> None:
        self.columns = columns
        self.existing = existing
        self.seen: dict[str, int] = {}
        self.rows: list[EntrantRow] = []
        self.problems: list[SheetProblem] = []

    def check(self, number: int, cells: Mapping[str, str]) -> None:
        before = len(self.problems)
        values: dict[str, Value] = {}
        for header, field in self.columns:
            value = self._cell(number, header, field, cells.get(header, "").strip())
            if value is not None:
                values[field.key] = value
        if len(self.problems) == before:
            code, name = str(values.pop("code")), str(values.pop("name"))
            id_number = values.pop("id_number", None)
            id_text = normalised(str(id_number)) if id_number else None
            self.rows.append(EntrantRow(number, code, name, values, id_text))

    def _cell(self, number: int, header: str, field: Field, text: str) -> Value | None:
        problem = _problem(field, text) if field.key != "code" else self._code_problem(text)
        if problem is not None:
            self.problems.append(SheetProblem(number, header, problem))
            return None
        if field.key == "code":
            self.seen[text] = number
        if not text:
            return None
        if field.type == "bool":
            return text.lower() in TRUE_WORDS
        if field.type == "number":
            return str(decimal_text(text))
        return text

    def _code_problem(self, code: str) -> Message | None:
        if not code:
            return msg(N_("the code is empty"))
        if len(code) > CODE_LENGTH:
            return msg(N_("longer than {limit} characters"), limit=CODE_LENGTH)
        if code in self.seen:
            return msg(
                N_("'{code}' is listed twice (first on row {first})"),
                code=code,
                first=self.seen[code],
            )
        if code in self.existing:
            return msg(N_("'{code}' is already registered in this event"), code=code)
        return None


def _problem(field: Field, text: str) -> Message | None:
    """What is wrong with one cell of a name or attribute column (None: nothing)."""
    if not text and field.key == "name":
        return msg(N_("the name is empty"))
    if not text:
        return msg(N_("required, but empty")) if field.required else None
    if field.key == "id_number":
        return id_problem(text)
    if field.key == "name" and len(text) > NAME_LENGTH:
        return msg(N_("longer than {limit} characters"), limit=NAME_LENGTH)
    if field.type == "number" and decimal_text(text) is None:
        return msg(N_("expected a number, found '{value}'"), value=text)
    if field.type == "bool" and text.lower() not in TRUE_WORDS | FALSE_WORDS:
        text_id = N_("expected yes or no (1/0, true/false, 是/否), found '{value}'")
        return msg(text_id, value=text)
    if field.type == "text" and field.values and text not in field.values:
        return msg(
            N_("'{value}' is not one of: {values}"), value=text, values=", ".join(field.values)
        )
    return None
