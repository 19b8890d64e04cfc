"""Stage 2: check every package, collect every problem, and return typed rows.

Three layers, each adding problems rather than stopping: the descriptor's shape and the project's
metadata rules (``rules``), frictionless's table validation on the bytes ``load`` read, and the
integrity rules each resource declares (``integrity``). Nothing here touches the disk or network.

A foreign key may point into another package: ``"externalForeignKeys": [{"fields": [...], "reference":
{"package": "ref-local-governments", "resource": ..., "fields": [...]}}]`` in the schema. frictionless cannot
resolve those, so they are kept out of the schema it sees and checked here, across all packages, by
``check_foreign_keys``.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from frictionless import Dialect, FrictionlessException, Package, Resource, Schema, formats

from . import integrity, rules
from .errors import Problem
from .load import RawPackage, RawResource

EXTERNAL_KEYS = "externalForeignKeys"
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
    problems.extend(check_foreign_keys(valid, [str(p.descriptor.get("name", "")) for p in packages]))
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
        problems.extend(rules.check_charts(package.display_path, descriptor, rows))
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
        schema = Schema.from_descriptor(local_schema(descriptor["schema"], package.descriptor.get("name")))
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
