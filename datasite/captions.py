"""Chart captions written with data directives, so that no figure is typed into a caption.

A chart's ``description`` (its caption and text alternative) may hold ``{{value …}}`` directives, as in the
Markdown pages (see content.py):

* ``{{value <field> key=value …}}`` — a cell of the chart's own table;
* ``{{value <package>/<resource> <field> key=value …}}`` — a cell of any table.

The filters must match exactly one row. Each directive becomes the cell as the tables show it, with the
field's unit (``49,017件``, ``2019年度（令和元年度）``). A directive that does not resolve is a build error
naming the package, the resource and the chart. Pure: the site in, a site with resolved captions out.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from markupsafe import Markup

from .content import resolve_directive
from .errors import Problem
from .formatting import format_cell
from .model import Chart, Field, Package, Resource, Site
from .strings import Strings

CAPTION_DIRECTIVE = re.compile(r"\{\{value\s+([^{}]*?)\}\}")


def resolve(site: Site, paths: Mapping[str, str], words: Strings) -> tuple[Site, list[Problem]]:
    """The site with every chart caption's directives replaced by the values they name (as the tables show them,
    in the catalogue's year style: ``words``).

    ``paths`` maps a package name to its ``datapackage.json`` as the build shows it.
    """
    resources = {f"{r.package}/{r.name}": r for r in site.resources}
    problems: list[Problem] = []
    packages: list[Package] = []
    for package in site.packages:
        changed = False
        new_resources: list[Resource] = []
        for resource in package.resources:
            charts: list[Chart] = []
            for index, chart in enumerate(resource.charts):
                if "{{" not in chart.description:
                    charts.append(chart)
                    continue
                where = f'resources "{resource.name}" charts[{index}] ("{chart.name}")'
                text, found = caption_text(chart.description, resource, resources, words)
                path = paths.get(package.name, package.name)
                problems += [Problem(path, None, "description", f"{where}: {message}") for message in found]
                charts.append(replace(chart, description=text))
                changed = True
            new_resources.append(replace(resource, charts=tuple(charts)) if changed else resource)
        packages.append(replace(package, resources=tuple(new_resources)) if changed else package)
    return replace(site, packages=tuple(packages)), problems


def caption_text(text: str, own: Resource, resources: Mapping[str, Resource], words: Strings) -> tuple[str, list[str]]:
    """``text`` with its directives resolved (a directive that fails is left as written) and the failures."""
    problems: list[str] = []
    tables = {**resources, f"{own.package}/{own.name}": own}

    def value(match: re.Match[str]) -> str:
        arguments = match.group(1).strip()
        first = arguments.split(maxsplit=1)[0] if arguments else ""
        if "/" not in first:
            arguments = f"{own.package}/{own.name} {arguments}"
        directive, message = resolve_directive("value", arguments, tables)
        if directive is None:
            problems.append(f"{match.group(0)}: {message}")
            return match.group(0)
        return shown(directive.row[directive.field_name], directive.resource.field(directive.field_name), words)

    resolved = CAPTION_DIRECTIVE.sub(value, text)
    if "{{" in resolved and not problems:
        problems.append("only {{value …}} directives are allowed in a chart caption")
    return resolved, problems


def shown(value: Any, field: Field, words: Strings) -> str:
    """A cell as a caption shows it: as the tables show it, with its unit (a fiscal year is its own label)."""
    cell = format_cell(value, field, words=words)
    text = cell.striptags() if isinstance(cell, Markup) else cell  # a caption is plain text: no table markup
    return text if field.name == "fiscal_year" else f"{text}{field.unit or ''}"


def typed_figures(text: str) -> list[str]:
    """Digits written into a caption outside its directives (a caption should have none)."""
    return re.findall(r"[0-9０-９][0-9０-９,，.．]*", CAPTION_DIRECTIVE.sub("", text))
