"""The rule-file schema: what an organiser may write in ``scoring_rules/*.yaml``.

Pydantic checks shapes and types (unknown keys are errors); :mod:`loader` then checks what
shapes cannot express (names that exist, weights that add up, formulas that parse).
"""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag

from competition.rules.numbers import RoundingMode

# at most 30 digits, counting the zeros an exponent adds: `1e309` or a number of thousands of
# digits is refused before any arithmetic (the YAML reader refuses the same in number syntax)
Number = Annotated[Decimal, Field(max_digits=30)]
Name = Annotated[str, Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$", max_length=64)]
DURATION_PATTERN = r"^\d+(\.\d+)?\s*(min|h|d)$"
Duration = Annotated[str, Field(pattern=DURATION_PATTERN)]
_DURATION_UNITS = {"min": "minutes", "h": "hours", "d": "days"}


def duration_of(text: str) -> timedelta:
    """A rule file's Duration (``"7d"``, ``"48h"``, ``"30min"``) as a timedelta."""
    found = re.match(DURATION_PATTERN, text.strip())
    if found is None:
        raise ValueError(f"not a duration: {text!r}")
    amount = text.strip()[: found.start(2)].strip()
    return timedelta(**{_DURATION_UNITS[found.group(2)]: float(amount)})


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Rounding(Strict):
    ndigits: int = Field(2, ge=-6, le=12, description="Digits after the decimal point.")
    mode: RoundingMode = RoundingMode.half_up


class Clamp(Strict):
    min: Number | None = None
    max: Number | None = None


# --- entrants ----------------------------------------------------------------------------


class Attribute(Strict):
    type: Literal["text", "number", "bool"] = "text"
    label: str | None = None
    required: bool = False
    values: list[str] | None = Field(None, description="Allowed values of a text attribute.")
    public: bool = Field(True, description="Shown on public pages once names are revealed.")


class Team(Strict):
    attribute: Name = Field("team", description="The members' attribute naming their team.")
    score: Literal["sum", "mean", "best_k"] = "sum"
    k: int | None = Field(None, ge=1, description="With score best_k: how many members count.")
    members: int | None = Field(None, ge=1, description="Members a complete team has.")


class Blind(Strict):
    draw: Literal["single", "two_stage"] = "two_stage"
    codes: list[Literal["contestant_no", "station_no"]] = ["contestant_no", "station_no"]
    reveal: Literal["after_lock", "after_signoff"] = "after_lock"


class Entrants(Strict):
    kind: Literal["individual", "team", "orchard", "unit"] = "individual"
    label: str | None = None
    attributes: dict[Name, Attribute] = {}
    group_by: Name | None = Field(None, description="Attribute whose values rank separately.")
    team: Team | None = None
    blind: Blind | None = None


ItemCount = Annotated[int, Field(ge=1, le=1000)]

# the branches of a field written either as a number or as a mapping (or a list): validated
# as the one the text chose, so an error names the field, not each branch pydantic tried
NUMBER_BRANCH, MAPPING_BRANCH, LIST_BRANCH = "number", "mapping", "list"
UNION_BRANCHES = frozenset({NUMBER_BRANCH, MAPPING_BRANCH, LIST_BRANCH})


def _branch(value: object) -> str:
    if isinstance(value, list):
        return LIST_BRANCH
    return MAPPING_BRANCH if isinstance(value, dict | PanelSize) else NUMBER_BRANCH


ItemCounts = Annotated[
    Annotated[ItemCount, Tag(NUMBER_BRANCH)]
    | Annotated[list[ItemCount], Field(min_length=1), Tag(LIST_BRANCH)],
    Discriminator(_branch),
]


class ItemGroup(Strict):
    """Items of one kind (elements, components; modules; tasks), with criteria of their own."""

    label: str | None = None
    count: ItemCount | None = Field(None, description="Items are named prefix1..prefixN.")
    prefix: str = Field("", max_length=32, description="Put before the numbers of count.")
    ids: list[str] | None = Field(None, min_length=1, description="Named items, in order.")


class NotTaken(Strict):
    """Items an entrant may leave out (a run not taken): the value entered for such an item,
    and what it counts in a combination over the items."""

    codes: list[Annotated[str, Field(pattern=r"^[A-Z][A-Z0-9]{0,7}$")]] = Field(
        ["DNS", "DNI"], min_length=1, description="Values that say an item was not taken."
    )
    counts: Literal["nothing", "zero"] = Field(
        "nothing", description="A combination leaves the item out, or counts it 0."
    )


class Items(Strict):
    label: str = "item"
    count: ItemCounts | None = Field(
        None, description="Items are named 1..count; a list: each event chooses one count."
    )
    ids: list[str] | None = Field(None, min_length=1, description="Named items, in order.")
    groups: dict[Name, ItemGroup] | None = Field(
        None, min_length=1, description="Items of different kinds, each with its criteria."
    )
    points: Name | None = Field(None, description="The per-item value listed as its points.")
    not_taken: NotTaken | None = Field(None, description="Items an entrant may leave out.")


JudgeCount = Annotated[int, Field(ge=1, le=99)]
DropCount = Annotated[int, Field(ge=0)]


class PanelSize(Strict):
    """A panel that may sit short: complete with any number of judges from min to max."""

    min: JudgeCount
    max: JudgeCount


Judges = Annotated[
    Annotated[JudgeCount, Tag(NUMBER_BRANCH)] | Annotated[PanelSize, Tag(MAPPING_BRANCH)],
    Discriminator(_branch),
    Field(description="Judges on the panel: N exactly, or {min: M, max: N}."),
]
# marks dropped: the same for every panel size, or given for each size of the panel's range
Drops = Annotated[
    Annotated[DropCount, Tag(NUMBER_BRANCH)]
    | Annotated[dict[JudgeCount, DropCount], Tag(MAPPING_BRANCH)],
    Discriminator(_branch),
    Field(description="Marks dropped: N for every panel size, or {size: N, ...}."),
]


class Panel(Strict):
    judges: Judges
    label: str | None = None


# --- criteria ----------------------------------------------------------------------------


class Scale(Strict):
    min: Number
    max: Number
    step: Number | None = None


class Tolerance(Strict):
    max_spread: Number | None = Field(None, gt=0, description="Largest gap among counted marks.")
    max_deviation: Number | None = Field(None, gt=0, description="Largest gap from the median.")
    on_violation: Literal["flag", "fallback_mean"] = "flag"


class Rescale(Strict):
    mean: Number = Number(0)
    sd: Number = Field(Number(1), gt=0)


# panel methods that compare an entrant's marks with the rest of the field
FIELD_METHODS = frozenset({"zscore", "borda", "pairwise", "skating"})


class CriterionBase(Strict):
    label: str | None = None
    level: Literal["item", "entrant"] | None = None
    item_group: Name | None = Field(None, description="Given only for the items of this group.")
    round: Rounding | None = None
    clamp: Clamp | None = None


class Judged(CriterionBase):
    kind: Literal["judged"]
    scale: Scale
    panel: Name | None = None
    judges: Judges | None = None
    aggregate: Literal[
        "mean",
        "median",
        "sum",
        "trimmed_mean",
        "trimmed_sum",
        "zscore",
        "borda",
        "pairwise",
        "skating",
    ] = "mean"
    drop_high: Drops = 0
    drop_low: Drops = 0
    penalty: Name | None = Field(None, description="Measured points off each mark first.")
    tolerance: Tolerance | None = None
    rescale: Rescale | None = Field(None, description="With zscore: mean + sd × mean z.")
    absent: Number | None = Field(None, description="The value of a cell no judge marked.")

    def dropped(self, size: int) -> tuple[int, int]:
        """The lowest and highest marks a trimmed aggregate drops from ``size`` marks."""
        if not self.aggregate.startswith("trimmed"):
            return 0, 0
        return _drops_at(self.drop_low, size), _drops_at(self.drop_high, size)


def _drops_at(drops: int | dict[int, int], size: int) -> int:
    return drops if isinstance(drops, int) else drops.get(size, 0)


class Measured(CriterionBase):
    kind: Literal["measured"]
    type: Literal["number", "duration"] = "number"
    unit: str | None = None
    min: Number | None = None
    max: Number | None = None
    step: Number | None = None
    default: Number | None = Field(None, description="Used when nothing was entered.")


class Derived(CriterionBase):
    kind: Literal["derived"]
    formula: str


class MinMax(Strict):
    lo: Number | None = None
    hi: Number | None = None
    weight: Number = Number(1)
    invert: bool = False


class RelativeToBest(Strict):
    weight: Number = Number(1)
    order: Literal["desc", "asc"] = "desc"


class Benchmark(Strict):
    value: Number
    weight: Number = Number(1)
    cap: Number | None = Field(None, gt=0)


class Band(Strict):
    min: Number
    points: Number


class Bands(Strict):
    steps: list[Band] = Field(min_length=1)
    otherwise: Number = Field(Number(0), alias="else")


class ToleranceBand(Strict):
    within: Number = Field(ge=0)
    points: Number


class ToleranceBands(Strict):
    target: Number
    bands: list[ToleranceBand] = Field(min_length=1)
    otherwise: Number = Field(Number(0), alias="else")


class Deduct(Strict):
    start: Number = Field(alias="from")
    per: Number = Field(Number(1), gt=0)
    points: Number = Field(gt=0)
    count: Literal["ceil", "floor", "exact"] = "ceil"
    zero_above: Number | None = None


class Points(CriterionBase):
    kind: Literal["points"]
    of: Name
    minmax: MinMax | None = None
    relative_to_best: RelativeToBest | None = None
    benchmark: Benchmark | None = None
    bands: Bands | None = None
    tolerance: ToleranceBands | None = None
    deduct: Deduct | None = None


class Weighted(CriterionBase):
    kind: Literal["weighted"]
    weights: dict[Name, Number] = Field(min_length=1)


class OverItems(CriterionBase):
    kind: Literal["items"]
    of: Name
    combine: Literal["sum", "mean", "best", "worst", "best_k"] = "sum"
    k: int | None = Field(None, ge=1)
    order: Literal["desc", "asc"] = Field("desc", description="Which end is best.")


Criterion = Annotated[
    Judged | Measured | Derived | Points | Weighted | OverItems, Field(discriminator="kind")
]


# --- total, penalties, ranking, awards -----------------------------------------------------


class Total(Strict):
    formula: str | None = None
    weights: dict[Name, Number] | None = None
    round: Rounding = Rounding()


class Penalty(Strict):
    when: str
    label: str | None = None
    deduct: Number | str | None = None
    disqualify: bool = False
    withdraw: bool = False


class TieBreak(Strict):
    """One step of the chain: an entrant's single value (``key``), or a countback over a
    per-item value (``countback``) that compares the best item, then the next best."""

    key: Name | None = Field(None, description="A value with one number per entrant.")
    countback: Name | None = Field(
        None, description="A per-item value: best item first, then the next best, and so on."
    )
    order: Literal["desc", "asc"] | None = Field(
        None, description="Which end is best: desc for key, the ranking's order for countback."
    )
    items: int | None = Field(
        None, ge=1, le=1000, description="With countback: compare only the best N items."
    )

    @property
    def name(self) -> str:
        """The value this step compares (the loader makes sure there is exactly one)."""
        return self.key or self.countback or ""

    def sense(self, ranking_order: Literal["desc", "asc"]) -> Literal["desc", "asc"]:
        """Which end is best: as written, else desc for a key (as it always was) and the
        ranking's own order for a countback (times count back from the fastest run)."""
        if self.order is not None:
            return self.order
        return ranking_order if self.countback is not None else "desc"


class Ranking(Strict):
    order: Literal["desc", "asc"] = "desc"
    method: Literal["competition", "dense", "modified", "ordinal"] = "competition"
    tiebreak: list[TieBreak] = []


class Tier(Strict):
    name: str
    count: int | None = Field(None, ge=0)
    proportion: Number | None = Field(None, ge=0, le=1)
    when: str | None = None
    require: list[Name] = []
    rounding: RoundingMode | None = None
    prize: Number | None = Field(None, ge=0)


class Awards(Strict):
    base: Literal["entrants", "ranked", "eligible"] = "ranked"
    rounding: RoundingMode = RoundingMode.half_up
    ties: Literal["higher", "lower"] = "higher"
    per_group: bool = True
    budget: Number | None = Field(None, ge=0)
    currency: str = "元"
    tiers: list[Tier] = Field(min_length=1)


class Check(Strict):
    when: str
    label: str


class Title(Strict):
    name: str
    when: str
    needs_approval: bool = False
    valid_years: int | None = Field(
        None,
        ge=1,
        le=100,
        description="Years the title is valid from its award (the publication); none: for life.",
    )


class Lifecycle(Strict):
    publicity_window: Duration | None = None
    appeal_window: Duration | None = None
    appeal_body: str | None = None


class RuleFile(Strict):
    """A whole rule file."""

    contest: str = Field(min_length=1)
    version: int = Field(1, ge=1)
    description: str | None = None
    entrants: Entrants = Entrants()
    items: Items | None = None
    panels: dict[Name, Panel] = {}
    criteria: dict[Name, Criterion] = Field(min_length=1)
    total: Total
    penalties: list[Penalty] = []
    eligibility: dict[Name, str] = {}
    checks: list[Check] = []
    ranking: Ranking = Ranking()
    awards: Awards | None = None
    titles: list[Title] = []
    lifecycle: Lifecycle | None = None
