"""The project's own metadata rules, on top of the Frictionless profiles.

Errors make a package unpublishable; warnings mark metadata a reader would miss (an English title,
a unit, a slide reference) and become fatal with ``--strict``.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from .errors import Problem, Severity
from .load import RawPackage

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
POLICY_AREAS = {0, 1, 2, 3, 4}
CHART_TYPES = {"line", "bar", "stacked-bar", "grouped-bar", "horizontal-bar"}
NUMERIC = {"integer", "number"}
TO_FILL = re.compile(r"TODO|要記入|FIXME")


def check_unique_names(packages: list[RawPackage]) -> list[Problem]:
    names = Counter(str(p.descriptor.get("name", "")).lower() for p in packages)
    return [
        Problem(p.display_path, None, "name", f'package name "{p.descriptor.get("name")}" is used by another package')
        for p in packages
        if names[str(p.descriptor.get("name", "")).lower()] > 1
    ]


def check_package(package: RawPackage) -> list[Problem]:
    path = package.display_path
    d = package.descriptor
    problems: list[Problem] = []

    def add(field: str | None, message: str, severity: Severity = "error") -> None:
        problems.append(Problem(path, None, field, message, severity))

    for where in _unfilled(d, ""):
        add(where, "still marked to fill in", "warning")
    from frictionless import Package  # imported here: the CLI imports this module for its constants

    for error in Package.validate_descriptor(_profile_view(d)).flatten(["note"]):
        add(None, f"not a valid Data Package descriptor: {error[0]}")
    name = d.get("name")
    if not isinstance(name, str) or not SLUG.match(name):
        add("name", "required: a lower-case slug of a-z, 0-9 and '-'")
    elif name != package.folder:
        add("name", f'"{name}" must equal the folder name "{package.folder}"')
    _require_text(d, "title", add, "error")
    _require_text(d, "title_en", add, "warning")
    _require_text(d, "description", add, "warning")
    if d.get("policy_area") not in POLICY_AREAS:
        add("policy_area", "required: 0 (施策目標全体), 1, 2, 3 or 4 (参照データ)")
    if not _str_list(d.get("topics")):
        add("topics", "should list the Japanese topics of the package", "warning")
    if not isinstance(d.get("version"), str):
        add("version", 'should give the data version, e.g. "1.0.0"', "warning")
    if not (isinstance(d.get("updated"), str) and ISO_DATE.match(d["updated"])):
        add("updated", "should give the date of the last data change as YYYY-MM-DD", "warning")
    changelog = d.get("changelog", [])
    if not isinstance(changelog, list) or not all(
        isinstance(e, dict)
        and isinstance(e.get("version"), str)
        and ISO_DATE.match(str(e.get("date", "")))
        and isinstance(e.get("changes"), str)
        for e in changelog
    ):
        add("changelog", 'each entry needs "version", "date" (YYYY-MM-DD) and "changes"', "warning")
    for key in ("licenses", "sources"):
        if not (isinstance(d.get(key), list) and d[key]):
            add(key, "required: at least one entry")
    resources = d.get("resources")
    if not (isinstance(resources, list) and resources):
        add("resources", "required: at least one resource")
        return problems
    seen: set[str] = set()
    for index, resource in enumerate(resources):
        if not isinstance(resource, dict):
            add(f"resources[{index}]", "must be an object")
            continue
        problems.extend(_check_resource(path, index, resource, seen))
    return problems


def _check_resource(path: str, index: int, r: dict[str, Any], seen: set[str]) -> list[Problem]:
    problems: list[Problem] = []
    where = f"resources[{index}]"

    def add(field: str | None, message: str, severity: Severity = "error") -> None:
        label = f"{where}.{field}" if field else where
        problems.append(Problem(path, None, label, message, severity))

    name = r.get("name")
    if not isinstance(name, str) or not SLUG.match(name):
        add("name", "required: a lower-case slug of a-z, 0-9 and '-'")
    elif name in seen:
        add("name", f'"{name}" is used by another resource of this package')
    else:
        seen.add(name)
    if not isinstance(r.get("path"), str):
        add("path", "required: the CSV's path relative to the package folder (inline data is not published)")
    _require_text(r, "title", add, "error")
    _require_text(r, "title_en", add, "warning")
    _require_text(r, "description", add, "warning")
    sources = r.get("sources")
    if not (isinstance(sources, list) and sources):
        add("sources", "should name the slide and survey the table comes from", "warning")
    else:
        for s_index, source in enumerate(sources):
            if not (isinstance(source, dict) and isinstance(source.get("title"), str)):
                add(f"sources[{s_index}]", "each source needs a title")
    schema = r.get("schema")
    if not (isinstance(schema, dict) and isinstance(schema.get("fields"), list) and schema["fields"]):
        add("schema", "required: a Table Schema with fields")
        return problems
    key = schema.get("primaryKey")
    key_fields = set([key] if isinstance(key, str) else key if isinstance(key, list) else [])
    if not key_fields:
        add("schema.primaryKey", "should be declared", "warning")
    if "missingValues" not in schema:
        add("schema.missingValues", 'should be declared (e.g. [""])', "warning")
    for field in schema["fields"]:
        if not isinstance(field, dict) or not isinstance(field.get("name"), str):
            add("schema.fields", "each field needs a name")
            continue
        if field.get("type") in NUMERIC and field["name"] not in key_fields and not field.get("unit"):
            problems.append(Problem(path, None, field["name"], f'{where}: numeric field needs a "unit"', "warning"))
    return problems


def check_charts(path: str, r: dict[str, Any], rows: list[dict[str, Any]] | None = None) -> list[Problem]:
    charts = r.get("charts", [])
    where = f'resources "{r.get("name")}" charts'
    if not isinstance(charts, list):
        return [Problem(path, None, "charts", f"{where}: must be a list")]
    fields = {f["name"]: f.get("type", "string") for f in r["schema"]["fields"]}
    problems: list[Problem] = []
    names: set[str] = set()
    for index, chart in enumerate(charts):
        label = f"{where}[{index}]"
        if not isinstance(chart, dict):
            problems.append(Problem(path, None, "charts", f"{label}: must be an object"))
            continue
        name = chart.get("name")
        if not isinstance(name, str) or not SLUG.match(name) or name in names:
            problems.append(Problem(path, None, "name", f"{label}: needs a unique lower-case slug name"))
        else:
            names.add(name)
        if chart.get("type") not in CHART_TYPES:
            allowed = ", ".join(sorted(CHART_TYPES))
            problems.append(Problem(path, None, "type", f'{label}: "{chart.get("type")}" is not one of {allowed}'))
        for role in ("x", "y", "color"):
            value = chart.get(role)
            if value is None and role == "color":
                continue
            if value not in fields:
                problems.append(Problem(path, None, role, f'{label}: "{value}" is not a field of the table'))
        if chart.get("y") in fields and fields[chart["y"]] not in NUMERIC:
            problems.append(Problem(path, None, "y", f'{label}: "{chart["y"]}" is not numeric'))
        exclude = chart.get("exclude", {})
        if not isinstance(exclude, dict) or any(k not in fields or not isinstance(v, list) for k, v in exclude.items()):
            problems.append(Problem(path, None, "exclude", f"{label}: must map field names to lists of values"))
        if not isinstance(chart.get("title"), str):
            problems.append(Problem(path, None, "title", f"{label}: required"))
        problems.extend(_check_breaks(path, label, chart, rows))
        if not isinstance(chart.get("description"), str):
            problems.append(
                Problem(path, None, "description", f"{label}: a one-sentence text alternative is needed", "warning")
            )
    return problems


def _check_breaks(path: str, label: str, chart: dict[str, Any], rows: list[dict[str, Any]] | None) -> list[Problem]:
    """``breaks``: each names a value of the chart's x field before which the counting changed, a short label
    drawn on the chart and a note saying what changed."""
    breaks = chart.get("breaks", [])
    if not isinstance(breaks, list):
        return [Problem(path, None, "breaks", f"{label}: must be a list")]
    problems: list[Problem] = []
    x_name = str(chart.get("x"))
    x_values = {str(row.get(x_name)) for row in rows} if rows is not None else None
    for index, entry in enumerate(breaks):
        where = f"{label}.breaks[{index}]"
        if not isinstance(entry, dict):
            problems.append(Problem(path, None, "breaks", f"{where}: must be an object"))
            continue
        for key in ("label", "note"):
            if not (isinstance(entry.get(key), str) and entry[key].strip()):
                problems.append(Problem(path, None, key, f"{where}: required text"))
        before = entry.get("before")
        if not isinstance(before, (str, int, float)) or isinstance(before, bool):
            problems.append(Problem(path, None, "before", f"{where}: required: a value of the x field"))
        elif x_values is not None and str(before) not in x_values:
            problems.append(Problem(path, None, "before", f'{where}: "{before}" is not a value of "{chart.get("x")}"'))
    return problems


def _require_text(d: dict[str, Any], key: str, add: Any, severity: Severity) -> None:
    value = d.get(key)
    if not (isinstance(value, str) and value.strip()):
        add(key, "required" if severity == "error" else "should be given", severity)


def _unfilled(value: Any, where: str) -> list[str]:
    """JSON paths of every string in the descriptor still marked to fill in (TODO, 要記入)."""
    if isinstance(value, str):
        return [where or "descriptor"] if TO_FILL.search(value) else []
    if isinstance(value, dict):
        return [found for key, item in value.items() for found in _unfilled(item, f"{where}.{key}".lstrip("."))]
    if isinstance(value, list):
        return [found for index, item in enumerate(value) for found in _unfilled(item, f"{where}[{index}]")]
    return []


def _str_list(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, str) for v in value)


def _profile_view(d: dict[str, Any]) -> dict[str, Any]:
    """The descriptor as the Data Package profile should see it: resource paths and schemas are
    checked elsewhere (paths by ``load``, schemas by frictionless on the table itself)."""
    view = {k: v for k, v in d.items() if k != "resources"}
    view["resources"] = [{"name": "placeholder", "path": "placeholder.csv"}]
    return view
