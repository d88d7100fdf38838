"""`competition demo`: check the shipped rule files, then load the demo contests."""

from __future__ import annotations

import os

import click
import flask_migrate

from competition import create_app
from competition.config import scoring_rules_dir
from competition.realtime import live
from competition.rules.messages import N_, translate
from competition.services.demo import load_demo
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
    the apple-orchard championship and a welding contest, their judges and accounts."""
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
        report = load_demo(root, base_url.rstrip("/"))
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
