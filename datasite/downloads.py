"""The two CSV files of each table: UTF-8 for programs, exact; and for spreadsheets (Excel), made safe.

* ``program_csv``: the table's text as validated, with line ends made ``\\n`` (a file saved with
  Windows or old Mac line ends is rewritten record by record; the values are unchanged).
* ``excel_csv``: UTF-8 with a byte-order mark and ``\\r\\n`` line ends, which Excel opens as UTF-8; a
  text cell that a spreadsheet would run as a formula (one starting with ``=``, ``+``, ``-``, ``@``, a tab
  or a carriage return) is written with a leading ``'``, as OWASP advises against CSV injection.
  Numeric columns are never changed: ``-5`` is a number, and validation allows nothing else there.
  ``validate.formula_cells`` names the cells so changed, as warnings.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Collection

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_MAYBE_FORMULA = re.compile(r'(?:^|[,\r\n])"?[=+\-@\t\r]')
BOM = "\ufeff"


def is_formula_like(cell: str) -> bool:
    return cell.startswith(FORMULA_START)


def program_csv(text: str) -> bytes:
    """The CSV for programs: the text as published, line ends ``\\n``."""
    if "\r" not in text:
        return text.encode("utf-8")
    return _rewrite(text, "\n", ()).encode("utf-8")


def excel_csv(text: str, numeric_columns: Collection[str]) -> bytes:
    """The CSV for spreadsheets: BOM, ``\\r\\n`` line ends, formula-like text cells prefixed with ``'``."""
    if "\r" not in text and not _MAYBE_FORMULA.search(text):
        return (BOM + text.replace("\n", "\r\n")).encode("utf-8")
    return (BOM + _rewrite(text, "\r\n", numeric_columns, neutralise=True)).encode("utf-8")


def _rewrite(text: str, line_end: str, numeric_columns: Collection[str], *, neutralise: bool = False) -> str:
    records = list(csv.reader(io.StringIO(text, newline="")))
    header = records[0] if records else []
    keep = {index for index, name in enumerate(header) if name in numeric_columns}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator=line_end)
    for number, record in enumerate(records):
        if neutralise and number > 0:
            record = [
                "'" + cell if index not in keep and is_formula_like(cell) else cell for index, cell in enumerate(record)
            ]
        writer.writerow(record)
    return out.getvalue()
