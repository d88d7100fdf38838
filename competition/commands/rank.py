"""`competition rank RULES --marks MARKS.csv`: standings from a rule file and raw marks."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from competition.rules import ProblemsError, RuleSet, load_rule_file
from competition.rules.datafiles import read_entrants_csv, read_marks_csv
from competition.rules.engine import compute_standings
from competition.rules.errors import Problem
from competition.rules.messages import N_, msg, translate
from competition.rules.report_json import standings_json
from competition.rules.standings import Standings
from competition.services.exports import standings_csv, standings_text, write_standings_xlsx

FORMATS = ("table", "csv", "json", "xlsx")


@click.command()
@click.argument("rules_file", metavar="RULES", type=click.Path(dir_okay=False))
@click.option(
    "--marks",
    "marks_file",
    required=True,
    type=click.Path(dir_okay=False),
    help="MARKS.csv: entrant,item,criterion,judge,value — one row per value.",
)
@click.option(
    "--entrants",
    "entrants_file",
    type=click.Path(dir_okay=False),
    help="ENTRANTS.csv: entrant,name, then the attribute columns.",
)
@click.option(
    "--format", "output_format", type=click.Choice(FORMATS), default="table", show_default=True
)
@click.option(
    "--output",
    "output",
    type=click.Path(dir_okay=False),
    help="Write to this file instead of standard output.",
)
@click.option(
    "--provisional",
    is_flag=True,
    help="Rank although marks are missing (incomplete panels count as pending).",
)
@click.option(
    "--items",
    "item_count",
    type=click.IntRange(min=1),
    help="The event's item count, where the rule file offers several (count: [5, 6]).",
)
@click.pass_context
def rank(
    ctx: click.Context,
    rules_file: str,
    marks_file: str,
    entrants_file: str | None,
    output_format: str,
    output: str | None,
    provisional: bool,
    item_count: int | None,
) -> None:
    """Rank the entrants of MARKS by the rule file RULES."""
    locale: str = ctx.obj["locale"]
    if output_format == "xlsx" and output is None:
        raise click.UsageError(translate(N_("--format xlsx needs --output FILE"), locale))
    try:
        ruleset = for_item_count(load_rule_file(rules_file), rules_file, item_count)
        entrants = read_entrants_csv(entrants_file) if entrants_file else None
        marks = read_marks_csv(marks_file)
        standings = compute_standings(
            ruleset,
            marks,
            entrants,
            provisional=provisional,
            marks_source=marks_file,
            entrants_source=entrants_file or "entrants",
        )
    except ProblemsError as error:
        for problem in error.problems:
            click.echo(problem.render(locale), err=True)
        ctx.exit(1)
    try:
        _write(standings, output_format, output, locale)
    except OSError as error:
        reason = msg(N_("cannot write the file: {detail}"), detail=error.strerror or error)
        click.echo(f"{output}: {reason.render(locale)}", err=True)
        ctx.exit(1)


def for_item_count(ruleset: RuleSet, source: str, count: int | None) -> RuleSet:
    """The rule set for ``--items count`` (none given: the file's own, or the count the marks
    show where the file offers several)."""
    if count is None:
        return ruleset
    offered = ruleset.item_counts or []
    if count not in offered:
        choices = ", ".join(map(str, offered)) or "—"
        problem = msg(
            N_("--items {count}: the rule file offers the item counts {choices}"),
            count=count,
            choices=choices,
        )
        raise ProblemsError([Problem(source, None, "items.count", problem)])
    return ruleset.with_item_count(count)


def _write(standings: Standings, output_format: str, output: str | None, locale: str) -> None:
    if output_format == "xlsx":
        assert output is not None
        write_standings_xlsx(standings, Path(output), locale)
        return
    if output_format == "json":
        text = standings_json(standings, locale)
    elif output_format == "csv":
        text = standings_csv(standings)
    else:
        text = standings_text(standings, locale)
    if output is None:
        sys.stdout.write(text)
    else:
        Path(output).write_text(text, encoding="utf-8")
