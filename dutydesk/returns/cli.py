"""`flask --app dutydesk export ...`: the statutory returns written to files, with progress on a
terminal and a summary at the end."""

import re
from datetime import datetime

import click

from dutydesk.returns import annex_a
from dutydesk.statistics import reporting
from dutydesk.statistics.rec29 import Period

DAY = click.DateTime(formats=["%Y-%m-%d"])


@click.group("export", help="Write a statutory return to a file.")
def export():
    """The group each return's command joins."""


def _progress(length: int, label: str):
    """click's progress bar on a terminal; nothing drawn when the output goes to a file or a pipe."""
    return click.progressbar(length=length, label=label, show_pos=True, file=None)


@export.command("cin-census")
@click.option("--year", type=click.IntRange(2000, 2100), required=True,
              help="The collection year by its first April: 2025 for 1 April 2025 to 31 March 2026")
@click.option("--la", "la_code", required=True, help="The local authority's three-digit DfE code")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), required=True,
              help="The XML file to write")
@click.option("--problems", type=click.Path(dir_okay=False, writable=True), default=None,
              help="Also write the data-quality problems to this CSV file")
def cin_census(year, la_code, output, problems):
    """The DfE Children in Need census XML for a collection year."""
    import csv
    from importlib.metadata import version

    from dutydesk.clock import now_utc
    from dutydesk.extensions import db
    from dutydesk.returns.census import CensusYear, children_in_need, count_children, write_xml

    if not re.fullmatch(r"\d{3}", la_code):
        raise click.BadParameter("the DfE code of a local authority is three digits, e.g. 202", param_hint="--la")
    census_year = CensusYear(year)
    total = count_children(db.session, census_year)
    if total == 0:
        raise click.ClickException(f"No child was in need in {census_year.label}: the census would be empty, "
                                   f"and the DfE's schema needs at least one child. Nothing written.")
    problem_file = open(problems, "w", newline="", encoding="utf-8") if problems else None
    writer = csv.writer(problem_file) if problem_file else None
    if writer:
        writer.writerow(["Child", "Rule", "Problem", "What to do"])

    def children(bar):
        for child in children_in_need(db.session, census_year):
            bar.update(1)
            if writer:
                writer.writerows([child.reference, problem.rule, problem.what, problem.fix]
                                 for problem in child.problems)
            yield child

    try:
        with open(output, "wb") as out, _progress(total, f"CIN census {census_year.label}") as bar:
            summary = write_xml(out, children(bar), census_year, la_code, release=version("dutydesk"),
                                produced_at=now_utc())
    finally:
        if problem_file:
            problem_file.close()
    click.echo(f"Wrote {output}: the CIN census {census_year.label} for LA {la_code}: "
               f"{summary.children:,} children, {summary.episodes:,} episodes; "
               f"{summary.children_with_problems:,} children with data-quality problems "
               f"({summary.problems:,} problems)"
               + (f", listed in {problems}." if problems else
                  ": list them with --problems FILE, or on the statistics page's data-quality report."
                  if summary.problems else "."))


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
