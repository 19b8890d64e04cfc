"""The project's own metadata rules, on top of the Frictionless profiles.

Errors make a package unpublishable; warnings mark metadata a reader would miss (an English title,
a unit, a slide reference) and become fatal with ``--strict``.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections import Counter
from collections.abc import Iterator
from typing import Any

from . import limits
from .errors import Problem, Severity
from .load import RawPackage
from .standing import FIELD as STANDING_FIELD
from .standing import STANDINGS

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
CHART_TYPES = {"line", "bar", "stacked-bar", "grouped-bar", "horizontal-bar"}
NUMERIC = {"integer", "number"}
TO_FILL = re.compile(r"TODO|要記入|FIXME")

# Characters that no text of a data package may hold: C0 controls but tab, line feed and carriage
# return; DEL and the C1 controls; lone surrogates (from JSON escapes); Unicode noncharacters. They are
# invisible or invalid in HTML and XML, and one of them made vl-convert abort (issue 19).
CONTROL = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef"
    + "".join(f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}" for plane in range(17))
    + "]"
)
# Embedding, override and isolate controls: they reorder how the text around them is shown.
BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
# Names that Windows cannot use for a file or folder, whatever the extension.
RESERVED_NAMES = {"con", "prn", "aux", "nul"} | {f"{d}{n}" for d in ("com", "lpt") for n in range(10)}
# Package names that the site's own files use under charts/ (the indicators' progress charts).
RESERVED_PACKAGES = {"indicators"}
# Profiles that frictionless knows without fetching anything; any other value is a path or an address.
STANDARD_PROFILES = {"data-package", "tabular-data-package", "data-resource", "tabular-data-resource"}
STANDARD_SCHEMA = re.compile(
    r"https://datapackage\.org/profiles/[12]\.0/(datapackage|dataresource|tableschema|tabledialect)\.json"
)


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

    references = check_references(path, d)
    if references:  # frictionless would fetch or read them: nothing else is checked
        return references
    for where, message, severity in text_problems(d):
        add(where, message, severity)
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
    elif name in RESERVED_PACKAGES:
        add("name", f'"{name}" is the name of the site\'s own folder charts/{name}/; choose another name')
    elif problem := file_name_problem(name):
        add("name", problem)
    _require_text(d, "title", add, "error")
    _require_text(d, "title_en", add, "warning")
    _require_text(d, "description", add, "warning")
    area = d.get("policy_area")
    if not isinstance(area, int) or isinstance(area, bool) or area < 0:
        add("policy_area", "required: the number of one of the site's policy areas (the areas of site.toml)")
    if not _str_list(d.get("topics")):
        add("topics", "should list the Japanese topics of the package", "warning")
    if not isinstance(d.get("version"), str):
        add("version", 'should give the data version, e.g. "1.0.0"', "warning")
    if "updated" not in d:
        add("updated", "should give the date of the last data change as YYYY-MM-DD", "warning")
    elif not is_date(d["updated"]):
        add("updated", f"{json_text(d['updated'])} is not a date of the calendar written YYYY-MM-DD")
    changelog = d.get("changelog", [])
    if not isinstance(changelog, list) or not all(
        isinstance(e, dict)
        and isinstance(e.get("version"), str)
        and ISO_DATE.match(str(e.get("date", "")))
        and isinstance(e.get("changes"), str)
        for e in changelog
    ):
        add("changelog", 'each entry needs "version", "date" (YYYY-MM-DD) and "changes"', "warning")
    for index, entry in enumerate(changelog if isinstance(changelog, list) else []):
        if isinstance(entry, dict) and "date" in entry and not is_date(entry["date"]):
            add(f"changelog[{index}].date", f"{json_text(entry['date'])} is not a date of the calendar (YYYY-MM-DD)")
    for key in ("topics", "keywords"):
        if key in d and not (isinstance(d[key], list) and all(isinstance(v, str) for v in d[key])):
            add(key, "must be a list of texts")
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
    elif problem := file_name_problem(name):
        add("name", problem)
    else:
        seen.add(name)
    if "notes" in r and not (isinstance(r["notes"], list) and all(isinstance(n, str) for n in r["notes"])):
        add("notes", "must be a list of texts")
    if "reconstruction" in r and not isinstance(r["reconstruction"], str):
        add("reconstruction", "must be a text (Markdown)")
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
    for f_index, field in enumerate(schema["fields"]):
        if not isinstance(field, dict) or not isinstance(field.get("name"), str):
            add("schema.fields", "each field needs a name")
            continue
        for key in ("title", "description", "unit"):
            if key in field and not isinstance(field[key], str):
                add(f"schema.fields[{f_index}].{key}", "must be a text")
        if "constraints" in field and not isinstance(field["constraints"], dict):
            add(f"schema.fields[{f_index}].constraints", "must be an object")
        if field.get("type") in NUMERIC and field["name"] not in key_fields and not field.get("unit"):
            problems.append(Problem(path, None, field["name"], f'{where}: numeric field needs a "unit"', "warning"))
        if field["name"] == STANDING_FIELD:
            problems += _standing_problems(path, where, field)
    return problems


def _standing_problems(path: str, where: str, field: dict[str, Any]) -> list[Problem]:
    """A ``standing`` field holds one of the three standings, on every row (docs: "Standing")."""
    constraints: dict[str, Any] = field["constraints"] if isinstance(field.get("constraints"), dict) else {}
    enum = constraints.get("enum")
    if (
        field.get("type", "string") == "string"
        and isinstance(enum, list)
        and enum
        and set(enum) <= set(STANDINGS)
        and constraints.get("required") is True
    ):
        return []
    allowed = " / ".join(STANDINGS)
    return [Problem(path, None, STANDING_FIELD, f"{where}: a required string whose enum is drawn from {allowed}")]


def check_charts(path: str, r: dict[str, Any], rows: list[dict[str, Any]] | None = None) -> list[Problem]:
    charts = r.get("charts", [])
    where = f'resources "{r.get("name")}" charts'
    if not isinstance(charts, list):
        return [Problem(path, None, "charts", f"{where}: must be a list")]
    fields = {f["name"]: f.get("type", "string") for f in r["schema"]["fields"]}
    declared = {f["name"]: f for f in r["schema"]["fields"]}
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
        elif problem := file_name_problem(name):
            problems.append(Problem(path, None, "name", f"{label}: {problem}"))
        else:
            names.add(name)
        for role in ("x", "y", "color"):
            value = chart.get(role)
            if isinstance(value, str) and value in fields and FIELD_PATH.search(value):
                problems.append(
                    Problem(
                        path,
                        None,
                        role,
                        f'{label}: the field name "{value}" cannot be charted: charts read . [ ] \\ " \' in a '
                        "field name as a path into the data; rename the field (letters, digits and _)",
                    )
                )
            if isinstance(value, str) and value in declared:
                for key in ("title", "unit"):
                    text = declared[value].get(key)
                    if isinstance(text, str) and len(text) > limits.MAX_LABEL_CHARS:
                        message = f"{label}: the {key} of the charted field {value!r} is {len(text):,} characters"
                        problems.append(Problem(path, None, role, f"{message}; {_label_limit()}"))
        title = chart.get("title")
        if isinstance(title, str) and len(title) > limits.MAX_LABEL_CHARS:
            problems.append(Problem(path, None, "title", f"{label}: is {len(title):,} characters; {_label_limit()}"))
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
        if "description" in chart and not isinstance(chart["description"], str):
            problems.append(Problem(path, None, "description", f"{label}: must be a text (one sentence)"))
        elif not chart.get("description"):
            problems.append(
                Problem(path, None, "description", f"{label}: a one-sentence text alternative is needed", "warning")
            )
    return problems


FIELD_PATH = re.compile("[.\\[\\]\\\\\"']")


def _label_limit() -> str:
    return f"a chart draws texts of at most {limits.MAX_LABEL_CHARS:,} characters"


def file_name_problem(name: str) -> str | None:
    """Why ``name`` cannot be part of an output file's name on common systems, or None."""
    if len(name) > limits.MAX_NAME_CHARS:
        return f"is {len(name):,} characters; names become file names and may have at most {limits.MAX_NAME_CHARS}"
    if name.split(".")[0].lower() in RESERVED_NAMES:
        return f'"{name}" cannot be a file name on Windows (CON, PRN, AUX, NUL, COM0-9 and LPT0-9 are reserved)'
    return None


def character_problem(text: str) -> tuple[str, Severity] | None:
    """A control character (an error) or a bidirectional control (a warning) in ``text``, or None."""
    found = CONTROL.search(text)
    if found is not None:
        code = ord(found.group())
        return (
            f"contains the control character U+{code:04X} at character {found.start() + 1:,}; remove it "
            "(it cannot be shown, and breaks pages, feeds and charts)",
            "error",
        )
    found = BIDI.search(text)
    if found is not None:
        code = ord(found.group())
        return (
            f"contains U+{code:04X} {unicodedata.name(found.group())}, which reorders how the text around it "
            "is shown; remove it unless the text needs it",
            "warning",
        )
    return None


def text_problems(value: Any) -> Iterator[tuple[str, str, Severity]]:
    """(JSON path, message, severity) for each text of a descriptor, key or value, holding a control character."""
    stack: list[tuple[str, Any]] = [("", value)]
    while stack:
        where, item = stack.pop()
        if isinstance(item, str):
            found = character_problem(item)
            if found is not None:
                yield where or "descriptor", *found
        elif isinstance(item, dict):
            for key, child in reversed(list(item.items())):
                inner = f"{where}.{key}".lstrip(".")
                found = character_problem(key)
                if found is not None:
                    yield inner, f"the property name {found[0]}", found[1]
                stack.append((inner, child))
        elif isinstance(item, list):
            stack.extend((f"{where}[{index}]", child) for index, child in reversed(list(enumerate(item))))


def check_references(path: str, d: dict[str, Any]) -> list[Problem]:
    """Properties that frictionless would resolve by fetching an address or reading a file: refused.

    A build or check never touches the network, and reads nothing outside the data, content and
    templates folders; only the standard profile names, which frictionless knows by heart, are kept."""
    problems: list[Problem] = []
    never = "the build never fetches from the network nor reads files outside the package"
    stack: list[tuple[str, Any]] = [("", d)]
    while stack:
        where, item = stack.pop()
        if isinstance(item, list):
            stack.extend((f"{where}[{index}]", child) for index, child in enumerate(item))
            continue
        if not isinstance(item, dict):
            continue
        for key, value in item.items():
            inner = f"{where}.{key}".lstrip(".")
            if key == "$ref":
                problems.append(Problem(path, None, inner, f'references ("$ref") are not followed: {never}'))
            elif key == "profile" and value not in STANDARD_PROFILES:
                standard = ", ".join(sorted(STANDARD_PROFILES))
                problems.append(
                    Problem(path, None, inner, f"{json_text(value)} is not a standard profile ({standard}): {never}")
                )
            elif key == "profiles" and not (
                isinstance(value, list) and all(isinstance(v, str) and v in STANDARD_PROFILES for v in value)
            ):
                problems.append(Problem(path, None, inner, f"only the standard profile names are accepted: {never}"))
            elif key == "$schema" and not (isinstance(value, str) and STANDARD_SCHEMA.fullmatch(value)):
                problems.append(
                    Problem(path, None, inner, f"{json_text(value)} is not a datapackage.org profile: {never}")
                )
            else:
                stack.append((inner, value))
    resources = d.get("resources")
    for index, resource in enumerate(resources if isinstance(resources, list) else []):
        if not isinstance(resource, dict):
            continue
        for key in ("schema", "dialect"):
            if isinstance(resource.get(key), str):
                problems.append(
                    Problem(
                        path,
                        None,
                        f"resources[{index}].{key}",
                        f"{json_text(resource[key])} names a file or an address: {never}; "
                        f"write the {key} in the descriptor, as an object",
                    )
                )
    return sorted(problems)


def json_text(value: Any, limit: int = 80) -> str:
    """A value as it reads in the descriptor, cut to ``limit`` characters for a problem line."""
    import json

    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def is_date(value: Any) -> bool:
    """A real calendar date written YYYY-MM-DD (2026-13-45 is not)."""
    if not isinstance(value, str) or not ISO_DATE.fullmatch(value):
        return False
    try:
        datetime.date.fromisoformat(value)
    except ValueError:
        return False
    return True


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
        if "source" in entry and not isinstance(entry["source"], str):
            problems.append(Problem(path, None, "source", f"{where}: must be a text (where the source says so)"))
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
    placeholder: dict[str, Any] = {"name": "placeholder", "path": "placeholder.csv"}
    if d.get("profile") == "tabular-data-package":
        placeholder.update(profile="tabular-data-resource", schema={"fields": []})
    view["resources"] = [placeholder]
    return view
