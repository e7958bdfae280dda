"""Every statistics table as a CSV or an Excel (XLSX) file: the same rows the page shows.

CSV is written by the csv module. A cell that a spreadsheet would read as a formula (one that
begins =, +, -, @, a tab or a carriage return: a child's name can be typed so) is written with
a ' before it, so that opening the file runs nothing (OWASP's CSV injection advice). Excel files
are written by XlsxWriter, with dates as real Excel dates and shares as percentages.
"""

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime

import xlsxwriter
from flask import Response

#: What a spreadsheet reads as the start of a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Share:
    """A fraction shown as a percentage (None: nothing to take a share of)."""

    value: float | None


@dataclass
class Table:
    """A table to download: its name (the file's and the sheet's), what it is about, its columns
    and rows (str, int, date, Share or None)."""

    name: str
    title: str
    columns: list[str]
    rows: list[list] = field(default_factory=list)
    #: What the figures are (period, team, report date), as (label, value) pairs.
    about: list[tuple[str, object]] = field(default_factory=list)


def neutralise(text: str) -> str:
    """A CSV cell's text that no spreadsheet will run as a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Share):
        return "" if value.value is None else f"{value.value * 100:.1f}"
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int | float):
        return str(value)
    return neutralise(str(value))


def to_csv(table: Table) -> bytes:
    """The table as CSV in UTF-8 (with a byte-order mark, so that Excel reads names rightly)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([neutralise(column) for column in table.columns])
    for row in table.rows:
        writer.writerow([_csv_cell(value) for value in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(table: Table) -> bytes:
    """The table as an Excel workbook: the table on its first sheet, what it is about on a second."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
                                     "strings_to_numbers": False})
    bold = book.add_format({"bold": True})
    day = book.add_format({"num_format": "yyyy-mm-dd"})
    percent = book.add_format({"num_format": "0.0%"})
    sheet = book.add_worksheet(table.name[:31])
    widths = [len(column) for column in table.columns]
    for column, heading in enumerate(table.columns):
        sheet.write_string(0, column, heading, bold)
    for number, row in enumerate(table.rows, start=1):
        for column, value in enumerate(row):
            if value is None or isinstance(value, Share) and value.value is None:
                sheet.write_blank(number, column, None)
            elif isinstance(value, Share):
                sheet.write_number(number, column, value.value, percent)
            elif isinstance(value, date):
                sheet.write_datetime(number, column, value, day)
                widths[column] = max(widths[column], 10)
            elif isinstance(value, int | float) and not isinstance(value, bool):
                sheet.write_number(number, column, value)
            else:
                sheet.write_string(number, column, str(value))
                widths[column] = max(widths[column], min(len(str(value)), 60))
    for column, width in enumerate(widths):
        sheet.set_column(column, column, width + 2)
    sheet.freeze_panes(1, 0)
    about = book.add_worksheet("About")
    about.write_string(0, 0, table.title, bold)
    for number, (label, value) in enumerate(table.about, start=1):
        about.write_string(number, 0, label, bold)
        if isinstance(value, date):
            about.write_datetime(number, 1, value, day)
        else:
            about.write_string(number, 1, str(value))
    about.set_column(0, 1, 30)
    book.close()
    return out.getvalue()


def respond(table: Table, file_format: str, filename: str) -> Response:
    """The table as a download named `filename` plus .csv or .xlsx."""
    if file_format == "xlsx":
        body, mimetype = to_xlsx(table), XLSX_TYPE
    else:
        body, mimetype, file_format = to_csv(table), "text/csv; charset=utf-8", "csv"
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}.{file_format}"'
    response.headers["Cache-Control"] = "no-store"
    return response
