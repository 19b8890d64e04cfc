"""Stage 2: check every package, collect every problem, and return typed rows.

Three layers, each adding problems rather than stopping: the descriptor's shape and the project's
metadata rules (``rules``), frictionless's table validation on the bytes ``load`` read, and the
integrity rules each resource declares (``integrity``). Nothing here touches the disk or network.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from frictionless import Dialect, FrictionlessException, Package, Resource, Schema, formats

from . import integrity, rules
from .errors import Problem
from .load import RawPackage, RawResource

PLACEHOLDERS = {"－", "-", "—", "―", "…", "...", "x", "X", "×", "*", "**", "***", "ー", "‐", "N/A", "NA", "n/a"}

Row = dict[str, Any]


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
    problems = rules.check_unique_names(packages)
    valid: list[ValidPackage] = []
    for package in packages:
        result, found = validate_package(package)
        problems.extend(found)
        if result is not None:
            valid.append(result)
    return valid, problems


def validate_package(package: RawPackage) -> tuple[ValidPackage | None, list[Problem]]:
    problems = rules.check_package(package)
    if any(p.severity == "error" for p in problems):
        return None, problems
    descriptors: list[dict[str, Any]] = package.descriptor["resources"]
    raws = {raw.index: raw for raw in package.resources}
    tables: list[tuple[dict[str, Any], RawResource, Resource]] = []
    for index, descriptor in enumerate(descriptors):
        raw = raws.get(index)
        if raw is None:
            continue  # load reported why
        table, schema_problems = _to_frictionless(package, descriptor, raw)
        problems.extend(schema_problems)
        if table is not None:
            tables.append((descriptor, raw, table))
    if len(tables) != len(descriptors):
        return None, problems

    report = Package(resources=[table for _, _, table in tables]).validate()
    by_name = {descriptor["name"]: raw for descriptor, raw, _ in tables}
    keys = {descriptor["name"]: descriptor["schema"].get("primaryKey") for descriptor, _, _ in tables}
    for task in report.tasks:
        raw = by_name[task.name]
        problems.extend(_problem(raw, error, keys[task.name]) for error in task.errors)
    if not report.valid:
        return None, problems

    resources: list[ValidResource] = []
    for descriptor, raw, table in tables:
        rows, numbers, cell_problems = _read_rows(table, raw)
        problems.extend(cell_problems)
        if not rows:
            problems.append(Problem(raw.display_path, None, None, "the table has no data rows"))
            continue
        findings, integrity_problems = integrity.check(descriptor, raw.display_path, rows, numbers)
        problems.extend(integrity_problems)
        problems.extend(rules.check_charts(package.display_path, descriptor))
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
    try:
        schema = Schema.from_descriptor(descriptor["schema"])
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


def _read_rows(table: Resource, raw: RawResource) -> tuple[list[Row], list[int], list[Problem]]:
    rows: list[Row] = []
    numbers: list[int] = []
    problems: list[Problem] = []
    numeric = [(i, f.name) for i, f in enumerate(table.schema.fields) if f.type in {"integer", "number"}]
    for row in table.read_rows():  # type: ignore[attr-defined]
        rows.append({name: _plain(value) for name, value in row.to_dict().items()})
        numbers.append(row.row_number)
        # Python reads full-width digits as numbers; other tools do not, so the CSV must not hold them.
        for index, name in numeric:
            cell = row.cells[index] if index < len(row.cells) else None
            if isinstance(cell, str) and not cell.isascii():
                problems.append(Problem(raw.display_path, row.row_number, name, _type_message(cell, "not half-width")))
    return rows, numbers, problems


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() and "." not in str(value) else float(value)
    return value


def _problem(raw: RawResource, error: Any, primary_key: list[str] | str | None) -> Problem:
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
        return Problem(raw.display_path, row, field, f'"{cell}" breaks the constraint: {note}')
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
