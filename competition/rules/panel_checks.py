"""Checks of a judged criterion's panel: its size range, and the drops at every size."""

from __future__ import annotations

from competition.rules.check_base import CheckerBase
from competition.rules.messages import N_
from competition.rules.model import Judged, PanelSize
from competition.rules.ruleset import PanelRange


class PanelChecks(CheckerBase):
    """What the schema cannot say about panel sizes and trimming."""

    def check_panels(self) -> None:
        for name, panel in self.rule.panels.items():
            self.check_size_range(f"panels.{name}.judges", panel.judges)

    def check_size_range(self, where: str, judges: int | PanelSize) -> bool:
        if not _ordered(judges):
            assert isinstance(judges, PanelSize)
            self.problem(
                where,
                N_("min ({min}) must not be above max ({max})"),
                min=judges.min,
                max=judges.max,
            )
            return False
        return True

    def panel_range(self, name: str, c: Judged) -> PanelRange | None:
        """The criterion's range of panel sizes, its own or its named panel's."""
        where = f"criteria.{name}"
        own = None
        if c.judges is not None and self.check_size_range(f"{where}.judges", c.judges):
            own = PanelRange.of(c.judges)
        if c.panel is None:
            if c.judges is None:
                self.problem(where, N_("give the number of judges: judges: N, or panel: NAME"))
            return own
        panel = self.rule.panels.get(c.panel)
        if panel is None:
            self.problem(f"{where}.panel", N_("no panel named '{name}' in panels"), name=c.panel)
            return own
        if not _ordered(panel.judges):  # refused where the panel is declared
            return own
        named = PanelRange.of(panel.judges)
        if own is not None and own != named:
            self.problem(
                f"{where}.judges",
                N_("{count} judges, but panel '{panel}' has {size}"),
                count=str(own),
                panel=c.panel,
                size=str(named),
            )
        return named

    def check_drops(self, name: str, c: Judged, sizes: PanelRange | None) -> None:
        where = f"criteria.{name}"
        if not c.aggregate.startswith("trimmed"):
            if c.drop_high or c.drop_low:
                self.problem(
                    f"{where}.aggregate",
                    N_("drop_high and drop_low need trimmed_mean or trimmed_sum"),
                )
            if c.aggregate == "sum" and sizes is not None:
                self.check_same_count(where, c, sizes)
            return
        if sizes is None:
            return
        for side in ("drop_low", "drop_high"):
            self.check_drops_by_size(f"{where}.{side}", getattr(c, side), sizes)
        for size in sizes.sizes:
            low, high = c.dropped(size)
            if low + high >= size:
                self.problem(
                    where,
                    N_("dropping {dropped} of {size} judges leaves no mark to count"),
                    dropped=low + high,
                    size=size,
                )
        if c.aggregate == "trimmed_sum":
            self.check_same_count(where, c, sizes)

    def check_drops_by_size(
        self, where: str, drops: int | dict[int, int], sizes: PanelRange
    ) -> None:
        if isinstance(drops, int):
            return
        for size in sorted(set(drops) - set(sizes.sizes)):
            self.problem(
                f"{where}.{size}",
                N_("a panel of {size} judges is outside the panel's {range} judges"),
                size=size,
                range=str(sizes),
            )
        missing = [str(size) for size in sizes.sizes if size not in drops]
        if missing:
            self.problem(
                where,
                N_("give the marks dropped for every panel size: {sizes} missing"),
                sizes=", ".join(missing),
            )

    def check_same_count(self, where: str, c: Judged, sizes: PanelRange) -> None:
        """A sum over panels that count different numbers of marks would put a short panel
        below a full one for the same marks: the checker refuses it."""
        counts = [(size, size - sum(c.dropped(size))) for size in sizes.sizes]
        first, fewer = counts[0]
        other = next(((size, n) for size, n in counts if n != fewer), None)
        if other is not None:
            self.problem(
                f"{where}.aggregate",
                N_(
                    "{method} adds up the counted marks, but a panel of {small} judges counts "
                    "{fewer} and one of {large} counts {more}: count as many at every size, "
                    "or use a mean"
                ),
                method=c.aggregate,
                small=first,
                fewer=fewer,
                large=other[0],
                more=other[1],
            )


def _ordered(judges: int | PanelSize) -> bool:
    return not isinstance(judges, PanelSize) or judges.min <= judges.max
