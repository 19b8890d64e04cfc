"""Stage 2: check every package, collect every problem, and return typed rows.

Three layers, each adding problems rather than stopping: the descriptor's shape and the project's
metadata rules (``rules``), frictionless's table validation on the bytes ``load`` read, and the
integrity rules each resource declares (``integrity``). Nothing here touches the disk or network.

A foreign key may point into another package: ``"externalForeignKeys": [{"fields": [...], "reference":
{"package": "<another package>", "resource": ..., "fields": [...]}}]`` in the schema. frictionless cannot
resolve those, so they are kept out of the schema it sees and checked here, across all packages, by
``check_foreign_keys``.
"""

from __future__ import annotations

import csv
import io
import math
import re
import sys
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

import regex
import requests
from frictionless import Checklist, Dialect, FrictionlessException, Package, Resource, Schema, formats, system

from . import integrity, limits, rules
from .errors import Problem, coded
from .load import RawPackage, RawResource
from .pages import downloads

EXTERNAL_KEYS = "externalForeignKeys"
PLACEHOLDERS = {"－", "-", "—", "―", "…", "...", "x", "X", "×", "*", "**", "***", "ー", "‐", "N/A", "NA", "n/a"}

Row = dict[str, Any]
# The lexical forms the build publishes: what spreadsheets and other programs read alike. No "1_000",
# "NaN" or "INF", which Python reads as numbers and others do not.
INTEGER_TEXT = re.compile(r"[+-]?[0-9]+")
NUMBER_TEXT = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
NUMBER_OPTIONS = ("decimalChar", "groupChar", "bareNumber")  # a schema that declares these reads other forms

csv.field_size_limit(sys.maxsize)  # cells are limited by MAX_CELL_CHARS, with a line, not by the csv module


class _Offline(requests.Session):
    """The only HTTP session frictionless gets: it refuses every request."""

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> requests.Response:
        raise requests.ConnectionError(f"the build never reads from the network ({url!r} was not fetched)")


@dataclass(frozen=True)
class ValidResource:
    descriptor: dict[str, Any]
    display_path: str
    text: str  # the CSV decoded, without BOM: downloads are re-encoded from this
    rows: tuple[Row, ...]
    row_numbers: tuple[int, ...]
    findings: tuple[integrity.Finding, ...]


@dataclass(frozen=True)
class ValidPackage:
    folder: str
    display_path: str
    descriptor: dict[str, Any]
    resources: tuple[ValidResource, ...]


def validate(packages: list[RawPackage]) -> tuple[list[ValidPackage], list[Problem]]:
    problems = coded(rules.check_unique_names(packages), "descriptor")
    valid: list[ValidPackage] = []
    for package in packages:
        result, found = validate_package(package)
        problems.extend(found)
        if result is not None:
            valid.append(result)
    problems.extend(
        coded(check_foreign_keys(valid, [str(p.descriptor.get("name", "")) for p in packages]), "foreign-key")
    )
    return valid, problems


def validate_package(package: RawPackage) -> tuple[ValidPackage | None, list[Problem]]:
    """The package's problems, and the package when it can be published. A package that cannot be
    published always comes with at least one error: no package is ever dropped without a line."""
    with system.use_context(http_session=_Offline(), trusted=False):
        valid, problems = _validate_package(package)
    declared = package.descriptor.get("resources")
    unloaded = isinstance(declared, list) and len(package.resources) < len(declared)  # load said why
    if valid is None and not unloaded and not any(p.severity == "error" for p in problems):
        problems.append(Problem(package.display_path, None, None, "the package could not be validated"))
    return valid, coded(problems, "table")


def _validate_package(package: RawPackage) -> tuple[ValidPackage | None, list[Problem]]:
    problems = coded(rules.check_package(package), "descriptor")
    if any(p.severity == "error" for p in problems):
        return None, problems
    descriptors: list[dict[str, Any]] = package.descriptor["resources"]
    raws = {raw.index: raw for raw in package.resources}
    tables: list[tuple[dict[str, Any], RawResource, Resource]] = []
    for index, descriptor in enumerate(descriptors):
        raw = raws.get(index)
        if raw is None:
            continue  # load reported why
        text_problems = check_cells(descriptor, raw)
        problems.extend(text_problems)
        if any(p.severity == "error" for p in text_problems):
            continue  # frictionless never reads a table that holds control characters or huge cells
        table, schema_problems = _to_frictionless(package, descriptor, raw)
        problems.extend(coded(schema_problems, "descriptor"))
        if table is not None:
            tables.append((descriptor, raw, table))
    if len(tables) != len(descriptors):
        return None, problems

    checklist, counts = _counting_checklist(limits.MAX_PROBLEMS_PER_TABLE)
    report = Package(resources=[table for _, _, table in tables]).validate(checklist=checklist, limit_errors=0)
    by_name = {descriptor["name"]: raw for descriptor, raw, _ in tables}
    keys = {descriptor["name"]: descriptor["schema"].get("primaryKey") for descriptor, _, _ in tables}
    # Package-level errors (a resource property of the wrong type, say) belong to the descriptor.
    problems.extend(
        Problem(package.display_path, None, None, _note(error), code="descriptor") for error in report.errors
    )
    for task in report.tasks:
        raw = by_name[task.name]
        problems.extend(_problem(raw, error, keys[task.name]) for error in task.errors)
        unlisted = counts.get(task.name, 0) - limits.MAX_PROBLEMS_PER_TABLE
        if unlisted > 0:
            problems.append(
                Problem(
                    raw.display_path,
                    None,
                    None,
                    f"{unlisted:,} more problem(s) in this table are not listed "
                    f"(only the first {limits.MAX_PROBLEMS_PER_TABLE:,} are)",
                )
            )
    if not report.valid:
        return None, problems

    resources: list[ValidResource] = []
    for descriptor, raw, table in tables:
        rows, numbers, cell_problems = _read_rows(table, raw, descriptor)
        problems.extend(cell_problems)
        if not rows:
            problems.append(Problem(raw.display_path, None, None, "the table has no data rows"))
            continue
        chart_problems = coded(rules.check_charts(package.display_path, descriptor, rows), "chart")
        problems.extend(chart_problems)
        if not chart_problems:
            problems.extend(coded(check_chart_data(package.display_path, descriptor, raw, rows, numbers), "chart"))
        problems.extend(formula_cells(descriptor, raw, rows, numbers))
        if any(p.severity == "error" for p in cell_problems):
            continue  # the integrity rules compute with the values: only with readable ones
        findings, integrity_problems = integrity.check(descriptor, raw.display_path, rows, numbers)
        problems.extend(coded(integrity_problems, "integrity-check"))
        text = raw.data.decode(table.encoding or "utf-8").removeprefix("\ufeff")
        resources.append(
            ValidResource(descriptor, raw.display_path, text, tuple(rows), tuple(numbers), tuple(findings))
        )
    if any(p.severity == "error" for p in problems):
        return None, problems
    return ValidPackage(package.folder, package.display_path, package.descriptor, tuple(resources)), problems


def _to_frictionless(
    package: RawPackage, descriptor: dict[str, Any], raw: RawResource
) -> tuple[Resource | None, list[Problem]]:
    where = f'resources[{raw.index}] "{descriptor.get("name")}"'
    pattern_problems = [
        Problem(
            package.display_path, None, f"resources[{raw.index}].schema.fields[{index}].constraints.pattern", message
        )
        for index, _, _, message in _patterns(descriptor)
        if message
    ]
    if pattern_problems:
        return None, pattern_problems
    try:
        schema = Schema.from_descriptor(
            without_patterns(local_schema(descriptor["schema"], package.descriptor.get("name")))
        )
        dialect = Dialect.from_descriptor(descriptor["dialect"]) if "dialect" in descriptor else None
    except FrictionlessException as exception:
        notes = [reason.note for reason in exception.reasons] or [exception.error.note]
        return None, [Problem(package.display_path, None, None, f"{where}: schema: {note}") for note in notes]
    if dialect is None:
        # No sniffing: an undeclared dialect means plain comma-separated CSV.
        dialect = Dialect(controls=[formats.CsvControl(delimiter=",")])
    table = Resource(
        raw.data,
        name=descriptor["name"],
        format="csv",
        encoding=descriptor.get("encoding", "utf-8"),
        dialect=dialect,
        schema=schema,
    )
    return table, []


def cross_package_keys(schema: dict[str, Any], package_name: Any) -> list[dict[str, Any]]:
    """The schema's foreign keys whose reference names another package.

    They are declared under ``externalForeignKeys`` (a custom property that the official validator
    ignores, so every package still passes ``frictionless validate`` on its own); a ``package``
    reference inside ``foreignKeys`` is accepted too."""
    keys: list[Any] = []
    for name in ("foreignKeys", EXTERNAL_KEYS):
        declared = schema.get(name)
        keys += declared if isinstance(declared, list) else []
    return [
        key
        for key in keys
        if isinstance(key, dict)
        and isinstance(key.get("reference"), dict)
        and key["reference"].get("package") not in (None, "", package_name)
    ]


def local_schema(schema: dict[str, Any], package_name: Any) -> dict[str, Any]:
    """The schema as frictionless should see it: without foreign keys into other packages (checked by
    ``check_foreign_keys``), and with a reference to the package itself written as a plain one."""
    if not isinstance(schema, dict) or not isinstance(schema.get("foreignKeys"), list):
        return schema  # frictionless reports a malformed foreignKeys itself
    crossing = cross_package_keys(schema, package_name)
    keys = []
    for key in schema["foreignKeys"]:
        if any(key is other for other in crossing):
            continue
        if isinstance(key, dict) and isinstance(key.get("reference"), dict) and "package" in key["reference"]:
            key = {**key, "reference": {k: v for k, v in key["reference"].items() if k != "package"}}
        keys.append(key)
    local = {k: v for k, v in schema.items() if k != "foreignKeys"}
    return {**local, "foreignKeys": keys} if keys else local


def check_foreign_keys(packages: list[ValidPackage], loaded: Iterable[str] = ()) -> list[Problem]:
    """Foreign keys into other packages, checked across all valid packages (cheap: run on every build).

    A key into a package that was loaded but is itself invalid is not checked: that package's own
    problems are reported, and every row here would otherwise be reported too.
    """
    by_name = {str(p.descriptor.get("name")): p for p in packages}
    loaded_names = set(loaded)
    problems: list[Problem] = []
    for package in packages:
        own = package.descriptor.get("name")
        for index, resource in enumerate(package.resources):
            schema = resource.descriptor.get("schema", {})
            for key in cross_package_keys(schema, own):
                problems.extend(_check_key(package, index, resource, key, by_name, loaded_names))
    return problems


def _check_key(
    package: ValidPackage,
    index: int,
    resource: ValidResource,
    key: dict[str, Any],
    by_name: dict[str, ValidPackage],
    loaded: set[str],
) -> list[Problem]:
    reference = key["reference"]
    fields = _names(key.get("fields"))
    target_fields = _names(reference.get("fields"))
    target_package, target_name = str(reference["package"]), str(reference.get("resource", ""))
    target = f"{target_package}/{target_name}"
    where = f'resources[{index}] "{resource.descriptor.get("name")}": foreign key to {target}'

    def problem(message: str) -> list[Problem]:
        return [Problem(package.display_path, None, None, f"{where}: {message}")]

    own_fields = {f.get("name") for f in resource.descriptor["schema"]["fields"] if isinstance(f, dict)}
    if not fields or len(fields) != len(target_fields):
        return problem('"fields" and "reference.fields" must name the same number of fields')
    if missing := [f for f in fields if f not in own_fields]:
        return problem(f'"{missing[0]}" is not a field of this table')
    # Optional display hints read by the local-government pages (docs/local-governments.md).
    if "measure" in key and key["measure"] not in own_fields:
        return problem(f'"measure": "{key["measure"]}" is not a field of this table')
    presence = key.get("presence", {})
    if not isinstance(presence, dict) or any(
        k not in {"listed", "unlisted"} or not isinstance(v, str) or not v.strip() for k, v in presence.items()
    ):
        return problem('"presence" must be {"listed": "…", "unlisted": "…"} with non-empty labels')
    other = by_name.get(target_package)
    if other is None:
        return [] if target_package in loaded else problem(f'there is no package "{target_package}"')
    table = next((r for r in other.resources if r.descriptor.get("name") == target_name), None)
    if table is None:
        return problem(f'package "{target_package}" has no resource "{target_name}"')
    target_own = {f.get("name") for f in table.descriptor["schema"]["fields"] if isinstance(f, dict)}
    if missing := [f for f in target_fields if f not in target_own]:
        return problem(f'"{missing[0]}" is not a field of {target}')
    present = {tuple(_key_text(row.get(f)) for f in target_fields) for row in table.rows}
    problems: list[Problem] = []
    for row, number in zip(resource.rows, resource.row_numbers, strict=True):
        values = [row.get(f) for f in fields]
        if any(v is None for v in values):
            continue  # an empty key refers to nothing, as in frictionless
        if tuple(_key_text(v) for v in values) not in present:
            shown = ", ".join(str(v) for v in values)
            problems.append(
                Problem(
                    resource.display_path,
                    number,
                    ",".join(fields),
                    f'"{shown}" is not in {target}.{",".join(target_fields)} (dangling foreign key)',
                )
            )
    return problems


def _names(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value] if isinstance(value, list) else []


def _key_text(value: Any) -> str:
    return f"{type(value).__name__}:{value}"


def _read_rows(
    table: Resource, raw: RawResource, descriptor: dict[str, Any]
) -> tuple[list[Row], list[int], list[Problem]]:
    rows: list[Row] = []
    numbers: list[int] = []
    problems: list[Problem] = []
    numeric = [
        (i, f.name, f.type, not any(option in f.to_descriptor() for option in NUMBER_OPTIONS))
        for i, f in enumerate(table.schema.fields)
        if f.type in {"integer", "number"}
    ]
    patterns = [(name, compiled) for _, name, compiled, _ in _patterns(descriptor) if compiled is not None]
    slow: set[str] = set()
    for row in table.read_rows():  # type: ignore[attr-defined]
        values = row.to_dict()
        rows.append({name: _plain(value) for name, value in values.items()})
        numbers.append(row.row_number)
        for index, name, kind, plain in numeric:
            cell = row.cells[index] if index < len(row.cells) else None
            if isinstance(cell, str) and values.get(name) is not None:
                message = _number_problem(cell, values[name], kind, plain)
                if message:
                    problems.append(Problem(raw.display_path, row.row_number, name, message))
        for name, compiled in patterns:
            value = values.get(name)
            if name in slow or not isinstance(value, str):
                continue
            try:
                matched = compiled.fullmatch(value, timeout=limits.PATTERN_SECONDS) is not None
            except TimeoutError:
                slow.add(name)  # one line per field, and no more time spent on it
                message = (
                    f'the pattern "{compiled.pattern}" took over {limits.PATTERN_SECONDS} s on this cell; '
                    "write a pattern that cannot backtrack this much"
                )
                problems.append(Problem(raw.display_path, row.row_number, name, message))
                continue
            if not matched:
                message = f'"{value}" breaks the constraint: constraint "pattern" is "{compiled.pattern}"'
                problems.append(Problem(raw.display_path, row.row_number, name, message))
    return rows, numbers, problems


def _number_problem(cell: str, value: Any, kind: str, plain: bool) -> str | None:
    """Why a numeric cell cannot be published as it is, or None."""
    # Python reads full-width digits as numbers; other tools do not, so the CSV must not hold them.
    if not cell.isascii():
        return _type_message(cell, "not half-width")
    if plain and not (INTEGER_TEXT if kind == "integer" else NUMBER_TEXT).fullmatch(cell.strip()):
        if cell.strip().lstrip("+-").lower() in {"nan", "inf", "infinity"}:
            return (
                f'"{cell}" is not a finite number; leave the cell empty (a declared missing value) and say why in notes'
            )
        example = "write digits only: 1000" if kind == "integer" else "write digits, with a '.' for decimals: 12.5"
        return _type_message(cell, example)
    if isinstance(value, Decimal) and not value.is_finite():
        return f'"{cell}" is not a finite number; leave the cell empty (a declared missing value) and say why in notes'
    if kind == "integer" and isinstance(value, int) and abs(value) > limits.MAX_SAFE_INTEGER:
        return (
            f'"{_cut(cell)}" is beyond ±{limits.MAX_SAFE_INTEGER:,} (2^53 - 1), where charts and spreadsheets '
            "stop keeping integers exact; publish it as text"
        )
    if isinstance(value, Decimal) and math.isinf(float(value)):
        return f'"{_cut(cell)}" is too large for a number (the largest is about 1.8e308)'
    return None


def _cut(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        if not value.is_finite() or "." in str(value) or value != value.to_integral_value():
            return float(value)  # non-finite values are reported, never published
        return int(value)
    return value


def _patterns(descriptor: dict[str, Any]) -> Iterator[tuple[int, str, Any, str]]:
    """(field index, name, compiled pattern or None, problem or "") for each ``pattern`` constraint.

    frictionless checks patterns with Python's ``re``, which can take exponential time (``(a|aa)+$``);
    they are checked here instead, with the ``regex`` module and a time limit per cell."""
    schema = descriptor.get("schema")
    for index, field in enumerate(schema.get("fields", []) if isinstance(schema, dict) else []):
        constraints = field.get("constraints") if isinstance(field, dict) else None
        if not isinstance(constraints, dict) or "pattern" not in constraints:
            continue
        pattern, name = constraints["pattern"], str(field.get("name"))
        if not isinstance(pattern, str):
            yield index, name, None, "must be a text"
            continue
        try:
            yield index, name, regex.compile(pattern), ""
        except (regex.error, TypeError, ValueError, OverflowError, RecursionError) as error:
            yield index, name, None, f"cannot be read as a regular expression ({error})"


def without_patterns(schema: Any) -> Any:
    """The schema without its ``pattern`` constraints (checked by ``_read_rows`` with a time limit)."""
    if not isinstance(schema, dict) or not isinstance(schema.get("fields"), list):
        return schema
    fields = []
    for field in schema["fields"]:
        if isinstance(field, dict) and isinstance(field.get("constraints"), dict) and "pattern" in field["constraints"]:
            constraints = {k: v for k, v in field["constraints"].items() if k != "pattern"}
            field = {**field, "constraints": constraints}
        fields.append(field)
    return {**schema, "fields": fields}


def _counting_checklist(listed: int) -> tuple[Checklist, dict[str, int]]:
    """A checklist that keeps the first ``listed`` errors of each table and counts all of them: the
    report stays small whatever the table, and the rest are said to exist."""
    counts: dict[str, int] = {}
    current = [""]

    class Counting(Checklist):
        def connect(self, resource: Resource) -> Any:
            current[0] = str(resource.name)
            return super().connect(resource)

        def match(self, error: Any) -> bool:
            if not super().match(error):
                return False
            counts[current[0]] = counts.get(current[0], 0) + 1
            return counts[current[0]] <= listed

    return Counting(), counts


def check_cells(descriptor: dict[str, Any], raw: RawResource) -> list[Problem]:
    """Control characters (errors), bidirectional controls (warnings) and over-long cells, located by
    row and field, before frictionless reads the table (a NUL or a 10 MB cell must never reach a chart)."""
    encoding = descriptor.get("encoding", "utf-8")
    try:
        text = raw.data.decode(encoding if isinstance(encoding, str) else "utf-8").removeprefix("\ufeff")
    except (LookupError, UnicodeDecodeError):
        return []  # frictionless says why the table cannot be read
    if len(text) <= limits.MAX_CELL_CHARS and not rules.CONTROL.search(text) and not rules.BIDI.search(text):
        return []
    dialect = descriptor.get("dialect")
    delimiter = dialect.get("delimiter", ",") if isinstance(dialect, dict) else ","
    delimiter = delimiter if isinstance(delimiter, str) and len(delimiter) == 1 else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header: list[str] = []
    problems: list[Problem] = []
    for number, record in enumerate(reader, start=1):
        if number == 1:
            header = record
        for column, cell in enumerate(record):
            field = header[column] if column < len(header) and number > 1 else None
            found = rules.character_problem(cell)
            if found is not None:
                problems.append(Problem(raw.display_path, number, field, found[0], found[1]))
            elif len(cell) > limits.MAX_CELL_CHARS:
                problems.append(
                    Problem(
                        raw.display_path,
                        number,
                        field,
                        f"the cell is {len(cell):,} characters, over the limit of {limits.MAX_CELL_CHARS:,}",
                    )
                )
    return problems


def check_content_texts(files: dict[str, str]) -> list[Problem]:
    """Control characters (errors) and bidirectional controls (warnings) in the Markdown pages and the
    glossary, by line, as in the tables."""
    problems: list[Problem] = []
    for path, text in sorted(files.items()):
        if not rules.CONTROL.search(text) and not rules.BIDI.search(text):
            continue
        for number, line in enumerate(text.split("\n"), start=1):
            found = rules.character_problem(line.replace("\r", ""))
            if found is not None:
                problems.append(Problem(path, number, None, found[0], found[1]))
    return problems


def check_chart_data(
    path: str, descriptor: dict[str, Any], raw: RawResource, rows: list[Row], numbers: list[int]
) -> list[Problem]:
    """A table with a chart has at most MAX_CHART_ROWS rows, and the texts the chart draws (the values of
    its x and color fields) at most MAX_LABEL_CHARS characters: vl-convert's time grows with both."""
    charts = [c for c in descriptor.get("charts", []) if isinstance(c, dict)]
    if not charts:
        return []
    name = descriptor.get("name")
    if len(rows) > limits.MAX_CHART_ROWS:
        return [
            Problem(
                path,
                None,
                "charts",
                f'resources "{name}": the table has {len(rows):,} rows and a chart draws at most '
                f"{limits.MAX_CHART_ROWS:,}; chart a summary table instead",
            )
        ]
    problems: list[Problem] = []
    drawn = sorted({c[role] for c in charts for role in ("x", "color") if isinstance(c.get(role), str)})
    for field in drawn:
        for row, number in zip(rows, numbers, strict=True):
            value = row.get(field)
            text = "" if value is None else str(value)
            if len(text) > limits.MAX_LABEL_CHARS:
                problems.append(
                    Problem(
                        raw.display_path,
                        number,
                        field,
                        f"the value is {len(text):,} characters and the field is charted; "
                        f"a chart draws texts of at most {limits.MAX_LABEL_CHARS:,} characters",
                    )
                )
    return problems


def formula_cells(descriptor: dict[str, Any], raw: RawResource, rows: list[Row], numbers: list[int]) -> list[Problem]:
    """A warning for each text cell that a spreadsheet would run as a formula: the Excel CSV writes it
    with a leading ' (downloads.excel_csv); the CSV for programs keeps it as it is."""
    fields = descriptor["schema"]["fields"]
    texts = [f["name"] for f in fields if f.get("type", "string") not in {"integer", "number"}]
    problems: list[Problem] = []
    for row, number in zip(rows, numbers, strict=True):
        for name in texts:
            value = row.get(name)
            if isinstance(value, str) and downloads.is_formula_like(value):
                problems.append(
                    Problem(
                        raw.display_path,
                        number,
                        name,
                        f"starts with {value[0]!r}, which spreadsheets run as a formula: the Excel CSV "
                        "writes it with a leading ' (the CSV for programs keeps it as it is)",
                        "warning",
                    )
                )
    return problems


def _note(error: Any) -> str:
    note: str = getattr(error, "note", "") or getattr(error, "message", "") or str(error)
    return f"not a valid Data Package descriptor: {note}"


def _problem(raw: RawResource, error: Any, primary_key: list[str] | str | None) -> Problem:
    """frictionless' error as a problem line, with frictionless' error type as its code."""
    return replace(_described(raw, error, primary_key), code=str(error.type))


def _described(raw: RawResource, error: Any, primary_key: list[str] | str | None) -> Problem:
    kind: str = error.type
    row = getattr(error, "row_number", None)
    field = getattr(error, "field_name", None) or None
    note: str = getattr(error, "note", "") or ""
    if kind.endswith("-label"):
        row = 1
        label = getattr(error, "label", "")
        message = {
            "missing-label": "the header lacks this column",
            "incorrect-label": f'the header has "{label}" where the schema expects this field',
            "extra-label": f'the header has an extra column "{label}"',
            "duplicate-label": f'the header repeats "{label}"',
            "blank-label": "the header has a blank column name",
        }.get(kind, note or error.message)
        return Problem(raw.display_path, row, field, message)
    if kind == "type-error":
        cell = str(getattr(error, "cell", ""))
        return Problem(raw.display_path, row, field, _type_message(cell, note))
    if kind == "constraint-error":
        cell = str(getattr(error, "cell", ""))
        return Problem(raw.display_path, row, field, f'"{_cut(cell, 200)}" breaks the constraint: {note}')
    if kind == "primary-key":
        key = ",".join(primary_key) if isinstance(primary_key, list) else primary_key
        return Problem(raw.display_path, row, key, f"duplicate primary key: {note}")
    if kind == "foreign-key":
        names = ",".join(getattr(error, "field_names", []) or []) or None
        target = f"{error.reference_name or 'this resource'}.{','.join(error.reference_field_names)}"
        values = ", ".join(error.field_cells)
        return Problem(raw.display_path, row, names, f'"{values}" is not in {target} (dangling foreign key)')
    if kind == "missing-cell":
        return Problem(raw.display_path, row, field, "the row has fewer cells than the header")
    if kind == "extra-cell":
        return Problem(raw.display_path, row, None, "the row has more cells than the header")
    if kind == "blank-row":
        return Problem(raw.display_path, row, None, "blank row")
    if kind == "encoding-error":
        return Problem(
            raw.display_path,
            None,
            None,
            f'not readable as the declared encoding ({note}); save as UTF-8 or declare "encoding" '
            '(for example "cp932" for Shift_JIS files from Excel)',
        )
    if kind == "source-error" and "empty" in note:
        return Problem(raw.display_path, None, None, "the file is empty")
    return Problem(raw.display_path, row, field, f"{kind}: {note or error.message}")


def _type_message(cell: str, note: str) -> str:
    message = f'cannot read "{cell}" ({note})'
    if cell.strip() in PLACEHOLDERS:
        return message + "; a placeholder for a missing value must be declared in schema.missingValues"
    if unicodedata.normalize("NFKC", cell) != cell:
        return message + "; write half-width digits without separators (1234, not １，２３４)"
    if "," in cell:
        return message + "; write the number without thousands separators (1234, not 1,234)"
    return message
