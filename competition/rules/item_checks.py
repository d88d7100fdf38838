"""Checks of the items section: ids, counts an event may choose, groups of items of different
kinds, items not taken; and which items each per-item criterion is given for."""

from __future__ import annotations

from collections.abc import Set as AbstractSet

from competition.rules.check_base import CheckerBase
from competition.rules.messages import N_
from competition.rules.model import Items
from competition.rules.ruleset import numbered


class ItemChecks(CheckerBase):
    """The items and their groups; the group of each per-item criterion (``item_groups``)."""

    def check_items(self) -> list[str] | None:
        items = self.rule.items
        if items is None:
            return None
        given = [items.count is not None, items.ids is not None, items.groups is not None]
        if sum(given) > 1:
            self.problem("items", N_("give one of count, ids or groups"))
        if items.groups is not None:
            return self._check_groups(items)
        if items.ids is not None:
            if len(set(items.ids)) != len(items.ids):
                self.problem("items.ids", N_("item ids must be unique"))
            return list(items.ids)
        if isinstance(items.count, list) and len(set(items.count)) != len(items.count):
            self.problem("items.count", N_("give each count once"))
        counts = self.item_counts()
        return numbered(max(counts)) if counts else None

    def item_counts(self) -> list[int]:
        """The item counts an event may choose (one, or the listed ones), smallest first."""
        items = self.rule.items
        if items is None or items.count is None:
            return []
        return [items.count] if isinstance(items.count, int) else sorted(set(items.count))

    def _check_groups(self, items: Items) -> list[str]:
        assert items.groups is not None
        every: list[str] = []
        for name, group in items.groups.items():
            where = f"items.groups.{name}"
            if (group.count is None) == (group.ids is None):
                self.problem(where, N_("give either count or ids"))
            if group.ids is None and group.prefix == "" and len(items.groups) > 1:
                self.problem(
                    f"{where}.prefix",
                    N_("numbered items of several groups need a prefix to tell them apart"),
                )
            ids = list(group.ids or numbered(group.count or 0, group.prefix))
            self.groups[name] = ids
            every += ids
        repeated = sorted({i for i in every if every.count(i) > 1})
        if repeated:
            self.problem(
                "items.groups",
                N_("item ids must be unique across the groups: {ids}"),
                ids=", ".join(repeated),
            )
        return list(dict.fromkeys(every))

    def check_item_group(self, name: str, declared: str | None, uses: AbstractSet[str]) -> None:
        """The group of the per-item criterion ``name``: declared, or that of the per-item
        values it uses (one group at most); a use given for another group is an error."""
        where = f"criteria.{name}.item_group"
        if declared is not None and not self.groups:
            self.problem(where, N_("item_group needs items.groups in the file"))
            return
        if declared is not None and declared not in self.groups:
            self.problem(
                where,
                N_("no item group named '{name}'; groups: {groups}"),
                name=declared,
                groups=", ".join(self.groups),
            )
            return
        if self.level_of(name) != "item":
            if declared is not None:
                self.problem(where, N_("item_group is given only for values given per item"))
            return
        used = {self.criterion_groups[u] for u in uses if u in self.criterion_groups}
        if declared is None and len(used) > 1:
            self.problem(
                f"criteria.{name}",
                N_("it uses values of the item groups {groups}: give it item_group or split it"),
                groups=", ".join(f"'{g}'" for g in sorted(used)),
            )
            return
        group = declared or (next(iter(used)) if used else None)
        for use in sorted(uses):
            other = self.criterion_groups.get(use)
            if other is not None and other != group:
                self.problem(
                    f"criteria.{name}",
                    N_("it uses '{use}', which is given only for the items of '{other}'"),
                    use=use,
                    other=other,
                )
        if group is not None:
            self.criterion_groups[name] = group
