"""`flask --app dutydesk export ...`: the statutory returns written to files, with progress on a
terminal and a summary at the end."""

from datetime import datetime

import click

from dutydesk.returns import annex_a
from dutydesk.statistics import reporting
from dutydesk.statistics.rec29 import Period

DAY = click.DateTime(formats=["%Y-%m-%d"])


@click.group("export", help="Write a statutory return to a file.")
def export():
    """The group each return's command joins."""


@export.command("annex-a")
@click.option("--from", "first", type=DAY, required=True, help="The period's first day, like 2025-04-01")
@click.option("--to", "last", type=DAY, required=True, help="The period's last day, included, like 2026-03-31")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), required=True,
              help="The Excel workbook to write, like annex-a.xlsx")
def annex_a_command(first: datetime, last: datetime, output: str):
    """Write Ofsted's Annex A lists 1, 3, 4, 5 and 6 for the period to an Excel workbook."""
    period = Period(first.date(), last.date())
    if period.last < period.first:
        raise click.BadParameter("the last day must be the same as the first day or after it", param_hint="--to")
    session = reporting.session()
    total = annex_a.count_rows(session, period)
    with click.progressbar(length=total, label="Writing Annex A", show_pos=True) as bar:
        summary = annex_a.write_workbook(session, period, output, progress=bar.update)
    click.echo(f"Annex A, {period.first:%-d %B %Y} to {period.last:%-d %B %Y}: written to {output}")
    click.echo(f"Children: {len(summary.children):,}")
    for found in summary.lists:
        click.echo(f"{found.sheet} ({found.what}): {found.rows:,} rows, "
                   f"{found.missing:,} with a required value missing")
    click.echo(f"In all: {summary.rows:,} rows, {summary.missing:,} with a required value missing")
