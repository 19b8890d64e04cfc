"""The two CSV files of each table: UTF-8 for programs, exact; and for people in a spreadsheet (Excel), made safe.

* ``program_csv``: the table's text as validated, comma-separated, with line ends made ``\\n`` (a file saved
  with Windows or old Mac line ends is rewritten record by record; the values are unchanged). A table whose
  package declares another CSV dialect (a ``;`` or tab delimiter, another quote character) is rewritten as plain
  comma-separated CSV, since the published ``datapackage.json`` describes it so.
* ``excel_csv``: UTF-8 with a byte-order mark and ``\\r\\n`` line ends, which Excel opens as UTF-8. Its header
  row is the fields' Japanese titles with their units (``相談件数（件）``); a boolean cell reads ``○`` or blank
  (or the package's own words, its field's first ``trueValues`` and ``falseValues``); a last column
  ``合計の行`` marks with ``○`` the rows that are totals of other rows (the ``total`` rows of the table's
  ``sum`` and ``share`` checks, and rows keyed ``計``, ``合計`` or ``総計``), so that a sum over a column can
  leave them out instead of counting every figure twice. These words (the column title, the unit's brackets, the
  mark) are the catalogue's (``[charts]`` excel_*). A text cell that a spreadsheet would run as a formula
  (one starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) is written with a leading ``'``,
  as OWASP advises against CSV injection. Numeric columns are never changed: ``-5`` is a number, and
  validation allows nothing else there. ``validate.formula_cells`` names the cells so changed, as warnings.
  Both files have the same data rows, in the same order.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..strings import Strings

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"
# How a Japanese source labels a total row, recognised in a table's primary-key column (the convention of
# docs/datapackage-conventions.md): values of the data, not words the file writes. A table whose totals read
# otherwise names its label as the ``total`` of a ``sum`` or ``share`` check, which marks it too.
TOTAL_LABELS = ("計", "合計", "総計")
DEFAULT_TRUE = ("true", "True", "TRUE", "1")  # Table Schema's defaults
DEFAULT_FALSE = ("false", "False", "FALSE", "0")


@dataclass(frozen=True)
class Table:
    """What the two CSV files of a table are made from: its text and what its descriptor says about it."""

    text: str
    dialect: Mapping[str, Any] | None = None  # the descriptor's ``dialect``, when it declares one
    fields: tuple[Mapping[str, Any], ...] = ()  # the schema's field descriptors
    checks: tuple[Mapping[str, Any], ...] = ()  # the descriptor's integrity checks
    primary_key: tuple[str, ...] = ()
    numeric_columns: frozenset[str] = field(default_factory=frozenset)

    @staticmethod
    def of(text: str, descriptor: Mapping[str, Any]) -> Table:
        schema = descriptor.get("schema") or {}
        fields = tuple(f for f in schema.get("fields", []) if isinstance(f, Mapping))
        key = schema.get("primaryKey") or []
        checks = descriptor.get("checks") or []
        dialect = descriptor.get("dialect")
        return Table(
            text,
            dialect if isinstance(dialect, Mapping) else None,
            fields,
            tuple(c for c in checks if isinstance(c, Mapping)),
            (key,) if isinstance(key, str) else tuple(str(k) for k in key),
            frozenset(str(f.get("name")) for f in fields if f.get("type") in {"integer", "number"}),
        )


def is_formula_like(cell: str) -> bool:
    return cell.startswith(FORMULA_START)


def program_csv(table: Table | str) -> bytes:
    """The CSV for programs: the text as published, comma-separated, line ends ``\\n``."""
    table = table if isinstance(table, Table) else Table(table)
    if table.dialect is None and "\r" not in table.text:
        return table.text.encode("utf-8")
    return _write(records(table), "\n").encode("utf-8")


def excel_csv(table: Table | str, words: Strings, numeric_columns: Collection[str] = ()) -> bytes:
    """The CSV for spreadsheets: BOM, ``\\r\\n`` line ends, Japanese titles, ○ for true, totals marked,
    formula-like text cells prefixed with ``'``."""
    table = table if isinstance(table, Table) else Table(table, numeric_columns=frozenset(numeric_columns))
    rows = records(table)
    header, body = (rows[0], rows[1:]) if rows else ([], [])
    by_name = {str(f.get("name")): f for f in table.fields}
    mark = words("charts.excel_true_mark")
    labels = {name: _boolean_labels(f, mark) for name, f in by_name.items() if f.get("type") == "boolean"}
    totals = total_rows(table, header, body)
    titles = [_title(by_name.get(name), name, words) for name in header]
    out: list[list[str]] = [titles + ([words("charts.excel_total_column")] if totals else [])]
    for number, record in enumerate(body):
        cells = []
        for index, cell in enumerate(record):
            name = header[index] if index < len(header) else ""
            if name in labels:
                cell = _boolean_cell(cell, *labels[name])
            elif name not in table.numeric_columns and is_formula_like(cell):
                cell = "'" + cell
            cells.append(cell)
        out.append(cells + ([mark if number in totals else ""] if totals else []))
    out[0] = ["'" + cell if is_formula_like(cell) else cell for cell in out[0]]
    return (BOM + _write(out, "\r\n")).encode("utf-8")


def records(table: Table) -> list[list[str]]:
    """The table's records, its header first, read with its declared dialect (comma-separated CSV when it declares
    none): comment rows left out, extra header rows joined, a missing header row given the fields' names."""
    dialect: dict[str, Any] = dict(table.dialect or {})
    controls = dialect.get("csv")
    options = {**dialect, **(controls if isinstance(controls, Mapping) else {})}

    def option(name: str, default: Any) -> Any:
        value = options.get(name, default)
        return value if isinstance(value, type(default)) else default

    reader = csv.reader(
        io.StringIO(table.text, newline=""),
        delimiter=_char(option("delimiter", ","), ",") or ",",
        quotechar=_char(option("quoteChar", '"'), '"'),
        doublequote=option("doubleQuote", True),
        escapechar=_char(option("escapeChar", ""), None),
        skipinitialspace=option("skipInitialSpace", False),
    )
    comment = option("commentChar", "")
    comment_rows = {int(n) for n in options.get("commentRows", []) if isinstance(n, int)}
    null = option("nullSequence", "")
    rows = [
        [("" if null and cell == null else cell) for cell in record]
        for number, record in enumerate(reader, start=1)
        if number not in comment_rows and not (comment and record and record[0].startswith(comment))
    ]
    if option("header", True) is False:
        return [[str(f.get("name")) for f in table.fields], *rows]
    header_rows = options.get("headerRows", [1])
    count = len(header_rows) if isinstance(header_rows, list) and header_rows else 1
    if count > 1:  # several header rows are joined into one, as frictionless reads them
        joiner = option("headerJoin", " ")
        header = [joiner.join(part for part in parts if part) for parts in zip(*rows[:count], strict=False)]
        return [header, *rows[count:]]
    return rows


def total_rows(table: Table, header: list[str], body: list[list[str]]) -> dict[int, str]:
    """The rows (positions in ``body``) that total other rows, each with the label that makes it one (合計)."""
    columns = {name: index for index, name in enumerate(header)}
    marks: list[tuple[int, set[str]]] = []  # a column, and the values that make its row a total
    for check in table.checks:
        category, total = check.get("category"), check.get("total")
        if check.get("type") in {"sum", "share", "sum_to_100"} and category in columns and total is not None:
            marks.append((columns[str(category)], {str(total)}))
    for name in table.primary_key:
        if name in columns:
            marks.append((columns[name], set(TOTAL_LABELS)))
    found: dict[int, str] = {}
    for number, record in enumerate(body):
        for index, values in marks:
            if index < len(record) and record[index] in values:
                found.setdefault(number, record[index])
    return found


def total_labels(table: Table) -> list[str]:
    """How the table's total rows are labelled (``合計``, ``計``), for its README."""
    rows = records(table)
    found = total_rows(table, rows[0], rows[1:]) if rows else {}
    return list(dict.fromkeys(found.values()))


def _title(field: Mapping[str, Any] | None, name: str, words: Strings) -> str:
    if field is None:
        return name
    title = str(field.get("title") or name)
    unit = field.get("unit")
    return words("charts.excel_column", title=title, unit=unit) if unit else title


def _boolean_labels(field: Mapping[str, Any], true_mark: str) -> tuple[set[str], set[str], str, str]:
    declared_true, declared_false = field.get("trueValues"), field.get("falseValues")
    true_values = [str(v) for v in declared_true] if isinstance(declared_true, list) and declared_true else None
    false_values = [str(v) for v in declared_false] if isinstance(declared_false, list) and declared_false else None
    return (
        set(true_values or DEFAULT_TRUE),
        set(false_values or DEFAULT_FALSE),
        true_values[0] if true_values else true_mark,
        false_values[0] if false_values else "",
    )


def _boolean_cell(cell: str, true_values: set[str], false_values: set[str], true_label: str, false_label: str) -> str:
    if cell in true_values:
        return true_label
    if cell in false_values:
        return false_label
    return cell  # empty (missing), or a missing-value marker: as published


def _char(value: str, default: str | None) -> str | None:
    return value if isinstance(value, str) and len(value) == 1 else default


def _write(rows: list[list[str]], line_end: str) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator=line_end)
    writer.writerows(rows)
    return out.getvalue()
