"""``build.py new``: start a data package from a CSV, with every metadata field left to fill in marked.

The CSV is copied as UTF-8 (a Shift_JIS file from Excel is converted), its header row is replaced by
ASCII field names and the original headers become the fields' Japanese ``title``. The types come from
frictionless. Everything a person must write — titles, descriptions, sources, licence, topics, units —
is either the text ``要記入（TODO）`` or an empty value, and each of those is something the build already
reports, so ``build.py --check --strict`` fails on a fresh package and passes once it is filled in.
The words written for that person (the mark, the placeholder texts, the hints) are the catalogue's
(templates/strings.toml, ``new_*``); the Japanese headers and units recognised in the CSV are data, here.
Only :func:`scaffold` touches the disk; the rest are pure functions.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import sys
import tempfile
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from frictionless import Detector, Resource

from . import limits
from .load import display
from .rules import SLUG, TO_FILL, character_problem
from .strings import Strings

csv.field_size_limit(sys.maxsize)  # a long cell gets a line (MAX_CELL_CHARS), not the csv module's error

DEFAULT_AREA = 1
VERSION = "0.1.0"
TYPES = {"string", "integer", "number", "boolean", "date"}
NUMERIC = {"integer", "number"}

# The vocabulary of a Japanese CSV that ``new`` recognises (input, not words it writes). Exact headers (after NFKC
# and without a unit in brackets) with an obvious English field name:
KNOWN_NAMES = {
    "年度": "fiscal_year",
    "和暦": "era_label",
    "年度(和暦)": "era_label",
    "都道府県": "prefecture",
    "市区町村": "municipality",
    "市町村": "municipality",
    "自治体": "municipality",
    "団体コード": "code",
    "コード": "code",
    "区分": "category",
    "項目": "item",
    "件数": "count",
    "人数": "persons",
    "金額": "amount",
    "割合": "percent",
    "備考": "note",
    "注": "note",
}
# Units recognised at the end of a header, as in 件数（件） or 割合(%).
UNITS = {"件", "人", "%", "千円", "百万円", "億円", "円", "回", "世帯", "か所", "箇所"}
UNITS |= {"市町村", "市区町村", "自治体", "都道府県", "団体"}
# A bracketed unit at the end; the base is what precedes it. (``^(.*?)\s*[(\[]…`` took quadratic time
# on a header of many spaces.)
_UNIT = re.compile(r"[(\[](?P<unit>[^()\[\]]+)[)\]]$")

# The fields left empty that ``build.py new`` prints a hint for (the catalogue's new_hint_<field>).
HINTS = ("licenses", "sources", "topics", "unit")


def mark(words: Strings) -> str:
    """The text of every field a person must write; one of the markers the build reports (rules.TO_FILL)."""
    return words("new_mark")


class ScaffoldError(Exception):
    """Why no package was created; ``usage`` marks a bad command line (exit 2) rather than bad input (exit 1)."""

    def __init__(self, message: str, *, usage: bool = False) -> None:
        super().__init__(message)
        self.usage = usage


@dataclass(frozen=True)
class Table:
    headers: list[str]
    rows: list[list[str]]
    blank_rows: int  # wholly empty rows (as Excel leaves at the end), dropped


@dataclass(frozen=True)
class Created:
    descriptor_path: Path
    csv_path: Path
    rows: int
    encoding: str  # of the input: "UTF-8" or "Shift_JIS (cp932)"
    blank_rows: int
    to_fill: list[str]
    area: int  # the package's policy_area


def check_name(name: str) -> None:
    if not SLUG.match(name):
        raise ScaffoldError(
            f'"{name}" is not a package name: use lower-case a-z, 0-9 and "-" (for example consultations-2024)',
            usage=True,
        )


def decode(data: bytes) -> tuple[str, str]:
    """The text of a CSV and the encoding it was in: UTF-8 (with or without BOM), else Shift_JIS (cp932)."""
    try:
        return data.decode("utf-8-sig"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp932"), "Shift_JIS (cp932)"
    except UnicodeDecodeError as error:
        raise ScaffoldError(f"not readable as UTF-8 or Shift_JIS (cp932) at byte {error.start}") from error


def parse(text: str) -> Table:
    records = list(csv.reader(io.StringIO(text, newline="")))
    for number, record in enumerate(records, start=1):
        for column, cell in enumerate(record, start=1):
            found = character_problem(cell)
            if found is not None and found[1] == "error":
                raise ScaffoldError(f"row {number}, column {column}: {found[0]}")
            if len(cell) > limits.MAX_CELL_CHARS:
                raise ScaffoldError(
                    f"row {number}, column {column}: the cell is {len(cell):,} characters, "
                    f"over the limit of {limits.MAX_CELL_CHARS:,} for a cell"
                )
    rows = [row for row in records[1:] if any(cell.strip() for cell in row)]
    if not records or not any(cell.strip() for cell in records[0]):
        raise ScaffoldError("the file is empty: the first row must hold the column headers")
    headers = [cell.strip() for cell in records[0]]
    for index, header in enumerate(headers, start=1):
        if not header:
            raise ScaffoldError(f"column {index} has no header: give every column a name in the first row")
    if not rows:
        raise ScaffoldError("the file has a header row but no data rows")
    return Table(headers, rows, len(records) - 1 - len(rows))


def split_unit(header: str) -> tuple[str, str]:
    """``件数（件）`` → (``件数``, ``件``); the unit only when it is a known one."""
    normal = unicodedata.normalize("NFKC", header).strip()
    match = _UNIT.search(normal)
    base = normal[: match.start()].rstrip() if match else ""
    if match and match["unit"].strip() in UNITS and base:
        return base, match["unit"].strip()
    return normal, ""


def field_name(header: str, index: int, field_type: str) -> str:
    """An ASCII snake_case name: a known header's English name, an ASCII header as a slug, else ``col_N``."""
    base, _ = split_unit(header)
    known = KNOWN_NAMES.get(base)
    if known == "fiscal_year" and field_type != "integer":
        known = "era_label"  # 年度 written as 令和5年度
    if known:
        return known
    if base.isascii():
        slug = re.sub(r"[^a-z0-9]+", "_", base.lower()).strip("_")
        if slug:
            return slug if slug[0].isalpha() else f"col_{slug}"
    return f"col_{index}"


def field_names(headers: list[str], types: list[str]) -> list[str]:
    names: list[str] = []
    for index, (header, field_type) in enumerate(zip(headers, types, strict=True), start=1):
        name = candidate = field_name(header, index, field_type)
        suffix = 2
        while name in names:
            name, suffix = f"{candidate}_{suffix}", suffix + 1
        names.append(name)
    return names


def infer_types(table: Table) -> list[str]:
    """Field types inferred by frictionless from every row; codes with leading zeros stay strings."""
    placeholder = [f"col_{i}" for i in range(1, len(table.headers) + 1)]
    data = csv_text(placeholder, table.rows).encode("utf-8")
    detector = Detector(sample_size=len(table.rows) + 1, field_confidence=1.0)
    resource = Resource(data, format="csv", encoding="utf-8", detector=detector)
    resource.infer()
    inferred = [field.type for field in resource.schema.fields]
    types: list[str] = []
    for index in range(len(table.headers)):
        field_type = inferred[index] if index < len(inferred) else "string"
        column = [_cell(row, index) for row in table.rows]
        if field_type not in TYPES or (field_type in NUMERIC and any(_leading_zero(cell) for cell in column)):
            field_type = "string"
        types.append(field_type)
    return types


def primary_key(names: list[str], types: list[str], rows: list[list[str]]) -> list[str]:
    """Leading columns that together identify every row, each kept only if it tells rows apart further
    (so 和暦 beside 年度 is skipped); never the last column, a decimal measure or a column with empty
    cells. Empty when there is no such key."""
    key: list[int] = []
    distinct = 1
    for column in range(len(names) - 1):
        if types[column] == "number" or any(_cell(row, column) == "" for row in rows):
            return []
        count = len({tuple(_cell(row, i) for i in [*key, column]) for row in rows})
        if count > distinct:
            key, distinct = [*key, column], count
        if distinct == len(rows):
            return [names[i] for i in key]
    return []


def descriptor(
    name: str,
    table: Table,
    types: list[str],
    area: int | None,
    updated: str,
    words: Strings,
    areas: Sequence[int] = (),
) -> dict[str, Any]:
    names = field_names(table.headers, types)
    key = primary_key(names, types, table.rows)
    fields: list[dict[str, Any]] = []
    for field, header, field_type in zip(names, table.headers, types, strict=True):
        entry: dict[str, Any] = {"name": field, "type": field_type, "title": header}
        if field in key:
            entry["constraints"] = {"required": True}
        elif field_type in NUMERIC:
            entry["unit"] = split_unit(header)[1]
        fields.append(entry)
    schema: dict[str, Any] = {"fields": fields}
    if key:
        schema["primaryKey"] = key
    schema["missingValues"] = [""]
    area_note = ""
    default = areas[0] if areas else DEFAULT_AREA
    if area is None:
        numbers = words("list_separator_short").join(str(number) for number in sorted(set(areas)))
        choices = numbers if areas else words("new_area_numbers")
        area_note = words("new_area_note", area=default, choices=choices)
    marked = mark(words)
    return {
        "name": name,
        "title": words("new_title", mark=marked),
        "title_en": words("new_title_en", mark=marked),
        "description": words("new_description", mark=marked, area_note=area_note),
        "policy_area": default if area is None else area,
        "topics": [],
        "version": VERSION,
        "updated": updated,
        "licenses": [],
        "sources": [],
        "resources": [
            {
                "name": name,
                "path": f"data/{name}.csv",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "title": words("new_table_title", mark=marked),
                "title_en": words("new_table_title_en", mark=marked),
                "description": words("new_table_description", mark=marked),
                "sources": [],
                "schema": schema,
            }
        ],
    }


def csv_text(names: list[str], rows: list[list[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(names)
    writer.writerows(rows)
    return out.getvalue()


def unfilled(value: Any, path: str = "") -> list[str]:
    """Where a descriptor still needs a person: strings marked TODO/要記入, and empty strings or lists
    given as an object's value (``missingValues: [""]`` is a list item, so it is not one of them)."""
    found: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            where = f"{path}.{key}" if path else key
            if item == "" or item == []:
                found.append(where)
            else:
                found.extend(unfilled(item, where))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found.extend(unfilled(item, f"{path}[{index}]"))
    elif isinstance(value, str) and TO_FILL.search(value):
        found.append(path)
    return found


def checklist(package: dict[str, Any], words: Strings) -> list[str]:
    """:func:`unfilled`, with the column's title for a unit and a hint for each empty value."""
    lines: list[str] = []
    for path in unfilled(package):
        last = re.split(r"[.\[]", path)[-1]
        line = path
        match = re.match(r"resources\[(\d+)\]\.schema\.fields\[(\d+)\]\.", path)
        if match:
            field = package["resources"][int(match[1])]["schema"]["fields"][int(match[2])]
            line += f" ({field['title']})"
        if last in HINTS:
            line += f" — {words(f'new_hint_{last}')}"
        lines.append(line)
    return lines


def updated_date(csv_path: Path, source_date_epoch: int | None) -> str:
    """The data's date: SOURCE_DATE_EPOCH (UTC) when set, else the day the CSV was last saved (local time)."""
    if source_date_epoch is not None:
        return datetime.fromtimestamp(source_date_epoch, tz=UTC).strftime("%Y-%m-%d")
    return datetime.fromtimestamp(csv_path.stat().st_mtime).strftime("%Y-%m-%d")


def scaffold(
    name: str,
    csv_path: Path,
    data_dir: Path,
    *,
    area: int | None = None,
    source_date_epoch: int | None = None,
    areas: Sequence[int] = (),
    words: Strings,
) -> Created:
    """Create ``data_dir/name/`` with ``datapackage.json`` and ``data/name.csv``, or raise :class:`ScaffoldError`.

    ``areas``: the numbers of the site's policy areas (its configuration), in their order; the first is the
    default. Empty when the site has no configuration yet: any number of 0 or more is taken. ``words``: the
    catalogue, whose ``new_*`` texts are written into the descriptor."""
    check_name(name)
    if not TO_FILL.search(mark(words)):
        markers = TO_FILL.pattern.replace("|", ", ")
        raise ScaffoldError(
            f'the catalogue\'s new_mark "{mark(words)}" must contain one of {markers}: the markers by which the '
            "build reports a field still to fill in"
        )
    if area is not None and (area not in areas if areas else area < 0):
        allowed = ", ".join(map(str, sorted(set(areas)))) if areas else "a number of 0 or more"
        raise ScaffoldError(f"--area must be one of the site's policy areas: {allowed}", usage=True)
    if not data_dir.is_dir():
        raise ScaffoldError(f"{display(data_dir)}: data folder not found", usage=True)
    if not csv_path.is_file():
        raise ScaffoldError(f"{display(csv_path)}: file not found", usage=True)
    folder = data_dir / name
    if folder.exists():
        raise ScaffoldError(f"{display(folder)}: already exists; nothing was changed (choose another name)")
    try:
        text, encoding = decode(csv_path.read_bytes())
        table = parse(text)
    except ScaffoldError as error:
        raise ScaffoldError(f"{display(csv_path)}: {error}") from error
    types = infer_types(table)
    package = descriptor(name, table, types, area, updated_date(csv_path, source_date_epoch), words, areas)
    names = [field["name"] for field in package["resources"][0]["schema"]["fields"]]
    staging = Path(tempfile.mkdtemp(prefix=f".new-{name}-", dir=data_dir))  # hidden: builds skip it
    try:
        (staging / "data").mkdir()
        (staging / "data" / f"{name}.csv").write_text(csv_text(names, table.rows), encoding="utf-8", newline="")
        (staging / "datapackage.json").write_text(
            json.dumps(package, ensure_ascii=False, indent=2) + "\n", encoding="utf-8", newline=""
        )
        staging.chmod(0o755)
        staging.rename(folder)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return Created(
        folder / "datapackage.json",
        folder / "data" / f"{name}.csv",
        len(table.rows),
        encoding,
        table.blank_rows,
        checklist(package, words),
        package["policy_area"],
    )


def _cell(row: list[str], index: int) -> str:
    return row[index] if index < len(row) else ""


def _leading_zero(cell: str) -> bool:
    return len(cell) > 1 and cell.startswith("0") and cell[1].isdigit()
