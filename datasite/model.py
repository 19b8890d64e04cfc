"""Stage 3: the site as typed data, derived from validated packages. Pure functions only."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from . import standing
from .config import Area, SiteConfig
from .integrity import Finding, Row
from .typeset import era_label, fiscal_year_label

__all__ = ["Area", "era_label", "fiscal_year_label"]  # defined elsewhere; these names stay importable here

if TYPE_CHECKING:  # frictionless, which validate imports, is slow to import: chart workers need only the model
    from .validate import ValidPackage, ValidResource


@dataclass(frozen=True)
class Source:
    title: str
    path: str = ""
    slide: str = ""
    survey: str = ""
    reference_date: str = ""


@dataclass(frozen=True)
class License:
    name: str
    title: str
    path: str


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    title: str
    unit: str | None
    description: str
    constraints: dict[str, Any]
    is_key: bool


@dataclass(frozen=True)
class SeriesBreak:
    """A change in what was counted, drawn on the chart as a dashed rule before the category ``before``."""

    before: Any  # a value of the chart's x field: the first category counted the new way
    label: str  # a few words drawn beside the rule
    note: str  # what changed, in a sentence: the chart's subtitle, tooltip and text alternative
    source: str = ""  # where the source says so, quoted (shown as a citation under the chart)


@dataclass(frozen=True)
class Chart:
    name: str
    type: str
    x: str
    y: str
    color: str | None
    exclude: dict[str, list[Any]]
    title: str
    description: str
    breaks: tuple[SeriesBreak, ...] = ()  # their words join the text alternative (charts.text_alternative)


@dataclass(frozen=True)
class Resource:
    package: str
    name: str
    title: str
    title_en: str
    description: str
    sources: tuple[Source, ...]
    notes: tuple[str, ...]
    reconstruction: str
    fields: tuple[Field, ...]
    rows: tuple[Row, ...]
    text: str
    charts: tuple[Chart, ...]
    findings: tuple[Finding, ...]
    row_numbers: tuple[int, ...] = ()  # each row's line in the CSV, as problems and findings name it

    @property
    def reconstructed_rows(self) -> int:
        return sum(1 for row in self.rows if is_reconstructed(row))

    @property
    def shown_fields(self) -> tuple[Field, ...]:
        """The columns a table on a page shows: the era-only year is left out where ``fiscal_year`` (shown as
        2023（令和5）年度) says the same; the CSV and the data dictionary keep it."""
        names = {f.name for f in self.fields}
        return tuple(f for f in self.fields if not (f.name == "era_label" and "fiscal_year" in names))

    def findings_of_row(self, row: Row) -> list[tuple[int, Finding]]:
        """The source discrepancies found on ``row`` (a row of this table), with their positions in
        ``findings``: a figure shown anywhere carries the flag of its row."""
        index = next((i for i, candidate in enumerate(self.rows) if candidate is row), None)
        if index is None or index >= len(self.row_numbers):
            return []
        number = self.row_numbers[index]
        return [(position, f) for position, f in enumerate(self.findings) if f.row == number]

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)


@dataclass(frozen=True)
class Package:
    name: str
    title: str
    title_en: str
    description: str
    policy_area: int
    topics: tuple[str, ...]
    version: str
    updated: str
    licenses: tuple[License, ...]
    sources: tuple[Source, ...]
    keywords: tuple[str, ...]
    resources: tuple[Resource, ...]
    descriptor: dict[str, Any]
    goal: str = ""  # the slug of the goal its area belongs to ("" for an area of the whole site)


@dataclass(frozen=True)
class Site:
    packages: tuple[Package, ...]
    config: SiteConfig

    @property
    def areas(self) -> tuple[Area, ...]:
        return self.config.areas

    def packages_in(self, area: Area) -> list[Package]:
        return [p for p in self.packages if p.policy_area == area.number and p.goal == area.goal]

    def area_of(self, package: Package) -> Area | None:
        return self.config.area_of(package.policy_area, package.goal)

    @property
    def resources(self) -> list[Resource]:
        return [r for p in self.packages for r in p.resources]


def build_site(packages: list[ValidPackage], config: SiteConfig) -> Site:
    built = [_package(p, config) for p in packages]
    return Site(tuple(sorted(built, key=lambda p: (p.policy_area, p.name))), config)


def _package(valid: ValidPackage, config: SiteConfig) -> Package:
    d = valid.descriptor
    declared = d.get("policy_goal")
    goal = config.goal_of_number(d["policy_area"], declared if isinstance(declared, str) else "")
    return Package(
        name=d["name"],
        title=d["title"],
        title_en=d.get("title_en", ""),
        description=d.get("description", ""),
        policy_area=d["policy_area"],
        topics=tuple(d.get("topics", [])),
        version=str(d.get("version", "")),
        updated=str(d.get("updated", "")),
        licenses=tuple(_license(entry) for entry in d["licenses"]),
        sources=tuple(_source(entry) for entry in d["sources"]),
        keywords=tuple(d.get("keywords", [])),
        resources=tuple(_resource(d["name"], r) for r in valid.resources),
        descriptor=d,
        goal=goal,
    )


def _resource(package: str, valid: ValidResource) -> Resource:
    d = valid.descriptor
    key = d["schema"].get("primaryKey", [])
    keys = set([key] if isinstance(key, str) else key)
    fields = tuple(
        Field(
            name=f["name"],
            type=f.get("type", "string"),
            title=f.get("title", f["name"]),
            unit=f.get("unit"),
            description=f.get("description", ""),
            constraints=f.get("constraints", {}),
            is_key=f["name"] in keys,
        )
        for f in d["schema"]["fields"]
    )
    charts = tuple(
        Chart(
            name=c["name"],
            type=c["type"],
            x=c["x"],
            y=c["y"],
            color=c.get("color"),
            exclude=c.get("exclude", {}),
            title=c["title"],
            description=c.get("description", ""),
            breaks=tuple(
                SeriesBreak(b["before"], str(b.get("label", "")), str(b.get("note", "")), str(b.get("source", "")))
                for b in c.get("breaks", [])
            ),
        )
        for c in d.get("charts", [])
    )
    return Resource(
        package=package,
        name=d["name"],
        title=d["title"],
        title_en=d.get("title_en", ""),
        description=d.get("description", ""),
        sources=tuple(_source(entry) for entry in d.get("sources", [])),
        notes=tuple(d.get("notes", [])),
        reconstruction=d.get("reconstruction", ""),
        fields=fields,
        rows=valid.rows,
        text=valid.text,
        charts=charts,
        findings=valid.findings,
        row_numbers=valid.row_numbers,
    )


def _source(entry: dict[str, Any]) -> Source:
    return Source(**{key: str(entry.get(key, "")) for key in ("title", "path", "slide", "survey", "reference_date")})


def _license(entry: dict[str, Any]) -> License:
    name = str(entry.get("name", ""))
    return License(name=name, title=str(entry.get("title", name)), path=str(entry.get("path", "")))


def is_reconstructed(row: Row) -> bool:
    """A row rebuilt from the source's text: flagged ``reconstructed`` or of standing 資料からの再構成 (standing.py)."""
    return row.get("reconstructed") is True or row.get("standing") == standing.RECONSTRUCTED
