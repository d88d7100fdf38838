"""The rule-file schema: what an organiser may write in ``scoring_rules/*.yaml``.

Pydantic checks shapes and types (unknown keys are errors); :mod:`loader` then checks what
shapes cannot express (names that exist, weights that add up, formulas that parse).
"""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

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
    count: ItemCount | list[ItemCount] | None = Field(
        None, description="Items are named 1..count; a list: each event chooses one count."
    )
    ids: list[str] | None = Field(None, min_length=1, description="Named items, in order.")
    groups: dict[Name, ItemGroup] | None = Field(
        None, min_length=1, description="Items of different kinds, each with its criteria."
    )
    points: Name | None = Field(None, description="The per-item value listed as its points.")
    not_taken: NotTaken | None = Field(None, description="Items an entrant may leave out.")


class Panel(Strict):
    judges: int = Field(ge=1, le=99)
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
    judges: int | None = Field(None, ge=1, le=99)
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
    drop_high: int = Field(0, ge=0)
    drop_low: int = Field(0, ge=0)
    penalty: Name | None = Field(None, description="Measured points off each mark first.")
    tolerance: Tolerance | None = None
    rescale: Rescale | None = Field(None, description="With zscore: mean + sd × mean z.")


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
    key: Name
    order: Literal["desc", "asc"] = "desc"


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
