"""One owner per output path: the files named after the input, known before anything is rendered.

Packages, their tables and charts, the indicators' and measures' pages, the Markdown pages and the
site's own pages all become files whose names come from the input. Two of them with one name would
silently overwrite each other (a resource ``a-b`` with a chart ``c`` and a resource ``a`` with a chart
``b-c`` both make ``charts/<package>/a-b-c.svg``; ``content/index.md`` would replace the home page), so
every such path is listed with its source first, and a path with two sources is a problem naming both.
Paths are compared without case, as Windows and macOS compare file names. A name that cannot be a file
on common systems (``con``, ``..``, over 100 characters) is refused here too, with its source.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from . import limits, rules, urls
from .errors import Problem

if TYPE_CHECKING:
    from .content import Content
    from .model import Site
    from .policy.logic import LogicModel
    from .validate import ValidPackage

SAFE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")

# The site's own pages, whose paths no input may take (see render, pages.listings, policy.pages, pages.prose).
BUILT_IN = {
    "index.html": "the home page",
    "404.html": "the page shown for a missing page",
    urls.DATASETS: "the list of data",
    urls.CATALOGUE_JSON: "the catalogue of data",
    urls.PROGRAMMES: "the list of programme pages",
    "glossary/index.html": "the glossary",
    "logic-model/index.html": "the logic model page",
    "review/index.html": "the review page",
    "review.json": "the review",
    urls.LOCAL_GOVERNMENTS: "the list of local governments",
    urls.MAPS: "the list of maps",
    "feed.xml": "the Atom feed",
    "catalog.jsonld": "the DCAT catalogue",
    "robots.txt": "robots.txt",
    "sitemap.xml": "the sitemap",
    "downloads/all-data.zip": "the zip of all data",
    ".datasite-manifest.json": "the list of files the build wrote",
}


@dataclass(frozen=True)
class Owner:
    path: str  # the source file, as problem lines show it
    row: int | None
    field: str | None
    what: str  # how another problem line names this source

    def problem(self, message: str) -> Problem:
        return Problem(self.path, self.row, self.field, message)


def check(
    site: Site, logic_models: Sequence[LogicModel], content: Content, valid: list[ValidPackage]
) -> tuple[list[Problem], dict[str, Owner]]:
    """The problems of the output paths, and the source of each path named after the input (lower case)."""
    owners: dict[str, list[tuple[str, Owner]]] = {}
    problems: list[Problem] = []

    def own(path: str, owner: Owner) -> None:
        owners.setdefault(path.lower(), []).append((path, owner))

    for path, label in BUILT_IN.items():
        own(path, Owner("", None, None, f"{label} (built in)"))
    if site.config.several_goals:
        own(urls.GOALS, Owner("", None, None, "the list of goals (built in)"))
        for goal in site.config.goals:
            own(f"{goal.path}index.html", Owner(site.config.source, None, "goals.slug", f'the goal "{goal.slug}"'))
    shown = {p.folder: p.display_path for p in valid}
    for package in site.packages:
        descriptor = shown.get(package.name, package.name)
        own(urls.dataset(package.name), Owner(descriptor, None, "name", f'the package "{package.name}"'))
        own(urls.dataset_file(package.name, "datapackage.json"), Owner(descriptor, None, "name", f'"{package.name}"'))
        for index, resource in enumerate(package.resources):
            where = Owner(descriptor, None, f"resources[{index}].name", f'{descriptor} resource "{resource.name}"')
            for suffix in (".csv", ".excel.csv"):
                own(urls.dataset_file(package.name, resource.name + suffix), where)
            for number, chart in enumerate(resource.charts):
                field = f"resources[{index}].charts[{number}].name"
                what = f'{descriptor} resource "{resource.name}" chart "{chart.name}"'
                own(
                    urls.chart_image(package.name, f"{resource.name}-{chart.name}", ".*"),
                    Owner(descriptor, None, field, what),
                )
    for logic in logic_models:
        prefix = logic.goal.path if logic.goal is not None else ""
        for kind, items in (("indicators", logic.indicators), ("measures", logic.measures)):
            for item in items:
                owner = _row_owner(valid, logic.package.name, kind, item.id)
                problem = _id_problem(item.id)
                if problem:
                    problems.append(owner.problem(problem))
                    continue
                own(f"{prefix}{kind}/{item.id}.html", owner)
        for indicator in logic.indicators:
            if (
                indicator.baseline_value is not None
                and indicator.target_value is not None
                and SAFE_ID.fullmatch(indicator.id)
            ):
                owner = _row_owner(valid, logic.package.name, "indicators", indicator.id)
                own(urls.progress_chart(logic.progress_folder, indicator.id) + ".*", owner)
    for page in content.pages:
        owner = Owner(page.source, None, None, page.source)
        if page.kind == "page" and page.slug == "home":
            continue  # shown on the home page itself
        problem = rules.file_name_problem(page.slug)
        if problem:
            problems.append(owner.problem(problem))
            continue
        own(urls.prose_page(page.kind, page.slug), owner)

    for group in owners.values():
        if len(group) < 2:
            continue
        path, first = group[0]
        claimants = [owner for _, owner in group]
        # Report on an input (a built-in page cannot be renamed), naming every other source.
        reported = next((owner for owner in claimants if owner.path), first)
        others = "; ".join(owner.what for owner in claimants if owner is not reported)
        problems.append(
            reported.problem(f"{path} is also made from {others}; two sources cannot share one file: rename one")
        )
    sources = {key: group[0][1] for key, group in owners.items()}
    return sorted(set(problems)), sources


def _id_problem(identifier: str) -> str | None:
    if not SAFE_ID.fullmatch(identifier):
        return f'"{identifier}" cannot be part of a file name: use letters, digits, "-" and "_"'
    return rules.file_name_problem(identifier)


def _row_owner(valid: list[ValidPackage], package: str, resource: str, identifier: str) -> Owner:
    """The row that declares ``identifier`` in the logic model's table ``resource``."""
    for candidate in valid:
        if candidate.folder != package:
            continue
        for table in candidate.resources:
            if table.descriptor.get("name") != resource:
                continue
            for row, number in zip(table.rows, table.row_numbers, strict=True):
                if str(row.get("id")) == identifier:
                    return Owner(table.display_path, number, "id", f'{table.display_path}:{number} "{identifier}"')
            return Owner(table.display_path, None, "id", f'{table.display_path} "{identifier}"')
    return Owner(package, None, "id", f'"{identifier}"')


def page_sizes(outputs: dict[str, bytes], sources: dict[str, Owner]) -> list[Problem]:
    """HTML pages over the budget (a warning: slow on phones) or over the limit (an error), named by
    their source when the input made them (a package's page, a Markdown page)."""
    problems: list[Problem] = []
    for name, data in sorted(outputs.items()):
        if not name.endswith(".html") or len(data) <= limits.PAGE_BUDGET_BYTES:
            continue
        owner = sources.get(name.lower())
        where = f"the page {name}" if owner is not None and owner.path else None
        place = owner.path if owner is not None and owner.path else name
        size = f"{where + ' ' if where else ''}is {len(data):,} bytes"
        if len(data) > limits.MAX_PAGE_BYTES:
            message = f"{size}, over the limit of {limits.MAX_PAGE_BYTES:,}: shorten its texts or split the table"
            problems.append(Problem(place, None, None, message))
        else:
            message = f"{size}, over the budget of {limits.PAGE_BUDGET_BYTES:,} that keeps pages quick on phones"
            problems.append(Problem(place, None, None, message, "warning"))
    return problems
