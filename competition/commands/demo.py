"""`competition demo`: check the shipped rule files, then load the demo contests."""

from __future__ import annotations

import os
from collections.abc import Callable

import click
import flask_migrate

from competition import create_app
from competition.config import scoring_rules_dir
from competition.realtime import live
from competition.rules.messages import N_, translate
from competition.services.demo import load_demo
from competition.services.demo_programme import ProgrammeReport
from competition.services.rulebook import list_rule_files


@click.command()
@click.option("--check-only", is_flag=True, help="Only check the shipped rule files.")
@click.option(
    "--base-url",
    default="http://127.0.0.1:5000",
    show_default=True,
    help="Where the server is reached, for the judges' links.",
)
@click.pass_context
def demo(ctx: click.Context, check_only: bool, base_url: str) -> None:
    """Check every rule file (exit 1 if one is invalid), then create the demo contests:
    the apple-orchard championship and a welding contest, their judges and accounts, in
    the city union's programme of the year with its other contests, qualifiers and people."""
    locale: str = ctx.obj["locale"]

    def _(text: str) -> str:
        return translate(text, locale)

    root = scoring_rules_dir(os.environ)
    summaries = list_rule_files(root, locale=locale)
    if not summaries:
        click.echo(_(N_("No rule files in %(folder)s")) % {"folder": root})
    for summary in summaries:
        status = _(N_("ok")) if summary.valid else "; ".join(summary.problems)
        click.echo(f"{summary.contest or '-'}\t{summary.path}\t{status}")
    if not all(summary.valid for summary in summaries):
        ctx.exit(1)
    if check_only:
        return
    app = create_app()
    with app.app_context():
        flask_migrate.upgrade()
        report = load_demo(root, base_url.rstrip("/"), programme=True)
    live.shutdown(app)  # nobody watches a board from the command line
    click.echo()
    for contest in report.contests:
        click.echo(_(N_("Contest: %(name)s")) % {"name": contest})
    click.echo(_(N_("Sign in at %(url)s/login")) % {"url": base_url.rstrip("/")})
    for username, password, role in report.accounts:
        click.echo(
            _(N_("  user %(user)s, password %(password)s — %(role)s"))
            % {"user": username, "password": password, "role": _(role)}
        )
    click.echo(_(N_("Live boards (phone view; add /screen for the big screen):")))
    for contest, url in report.live_boards:
        click.echo(f"# {contest}")
        click.echo(url)
    click.echo(_(N_("Judges' links (each opens that judge's scoring page):")))
    for contest, judge, url in report.judge_links:
        click.echo(f"# {judge} · {contest}")
        click.echo(url)
    if report.programme is not None:
        _echo_programme(report.programme, _)


def _echo_programme(programme: ProgrammeReport, _: Callable[[str], str]) -> None:
    click.echo(_(N_("The union's programme (sign in as union):")))
    click.echo(programme.dashboard_url)
    click.echo(
        _(N_("A worker's public record (%(name)s: enterprise round, county round, city final):"))
        % {"name": programme.worker}
    )
    click.echo(programme.record_url)
    click.echo(_(N_("Their county round's certificates (each QR code opens its verification):")))
    click.echo(programme.certificates_url)
    click.echo(
        _(
            N_(
                "Judges page of %(contest)s: assigning %(judge)s is refused, "
                "his own unit's welders are in the final (回避)"
            )
        )
        % {"contest": programme.final, "judge": programme.conflicted_judge}
    )
