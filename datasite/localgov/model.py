"""The local-government part of the site as data: governments, this site's own peer groups, the numbers
compared among peers, the tables linked to a government (shown as maps), and the figures of the source document
that apply to a government.

``gather`` builds it from the data packages; ``compare`` and ``pages`` read it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from .. import urls
from ..model import Package, Resource
from . import maps

# A value of the reference data's ``type`` field (its schema's enum), which the code recognises: not a word it shows.
PREFECTURE_TYPE = "都道府県"
# Values of the peer groups' ``applies_to`` fields (their schemas' enums).
APPLIES_TO_ALL = "すべて"
APPLIES_TO_PREFECTURES = "都道府県"
APPLIES_TO_MUNICIPALITIES = "市区町村"

Level = Literal["prefecture", "municipality"]


@dataclass(frozen=True)
class Government:
    code: str
    code5: str
    pref_code: str
    pref_name: str
    name: str
    kana: str
    type: str
    url: str | None
    population: int | None
    fiscal: float | None
    # Derived once: every page asks for them many times.
    is_prefecture: bool = field(init=False)
    href: str = field(init=False)
    level: Level = field(init=False)

    def __post_init__(self) -> None:
        is_prefecture = self.type == PREFECTURE_TYPE
        object.__setattr__(self, "is_prefecture", is_prefecture)
        object.__setattr__(self, "href", urls.government(self.code))
        object.__setattr__(self, "level", "prefecture" if is_prefecture else "municipality")


@dataclass(frozen=True)
class Band:
    band: str
    label: str
    lower: float | None
    upper: float | None
    document_label: str | None

    def holds(self, value: float) -> bool:
        return (self.lower is None or value >= self.lower) and (self.upper is None or value < self.upper)


@dataclass(frozen=True)
class Grouping:
    id: str
    title: str
    title_en: str
    applies_to: str
    basis: tuple[str, str, str]
    description: str
    bands: tuple[Band, ...] | None
    band_resource: Resource | None


@dataclass(frozen=True)
class Group:
    grouping: Grouping
    key: str
    label: str
    title: str
    href: str
    members: tuple[str, ...]
    band: Band | None = None

    @property
    def slug(self) -> str:
        """The file name of its page without ".html": ``population-lt-10k``, ``type-town``, or a prefecture's code."""
        return self.href.rsplit("/", 1)[-1].removesuffix(".html")

    @property
    def is_prefecture_page(self) -> bool:
        return urls.is_government_page(self.href)


@dataclass(frozen=True)
class Measure:
    """A number per government compared among peers (population, 財政力指数, or a linked numeric field)."""

    id: str
    title: str
    unit: str
    values: dict[str, float]
    log: bool
    decimals: int | None
    basis: tuple[str, str, str] | None = None  # the (package, resource, field) it is read from


@dataclass
class View:
    """One map of a linked table: the rows sharing one combination of the table's other key fields."""

    key: tuple[Any, ...]
    label: str
    rows: dict[str, dict[str, Any]]
    values: dict[str, Any]  # code → label (categories) or number
    counts: list[tuple[str, int, str]] = field(default_factory=list)  # label, count, colour


@dataclass
class Linked:
    package: Package
    resource: Resource
    field: str
    level: Level
    kind: Literal["presence", "category", "number"]
    measure: str | None
    categories: list[tuple[str, str]]  # (label, colour) in legend order, the unlisted label last
    unlisted: str
    exhaustive: bool
    facets: tuple[str, ...]
    views: list[View]
    no_data: str  # what a missing number reads as (the catalogue's localgov.no_data)
    dropped_views: int = 0

    @property
    def slug(self) -> str:
        return f"{self.package.name}-{self.resource.name}"

    @property
    def href(self) -> str:
        return urls.map_page(self.slug)

    @property
    def dataset_href(self) -> str:
        return urls.table(self.package.name, self.resource.name)

    @property
    def unit(self) -> str:
        if self.kind != "number" or self.measure is None:
            return ""
        return self.resource.field(self.measure).unit or ""

    def colour(self, label: str) -> str:
        return next((c for name, c in self.categories if name == label), maps.NO_DATA_COLOUR)

    def shown(self, value: Any) -> str:
        if value is None:
            return self.no_data
        if self.kind == "number":
            return format_number(value, self.unit)
        return str(value)


@dataclass(frozen=True)
class SourceFigure:
    """A figure of the source document that applies to a government: a national share, a population
    band's share, or a count of prefectures. Read from a dataset row named in the peer groups' source-figures."""

    id: str
    item: str  # the self-assessment item it concerns ("" for none)
    label: str
    applies_to: str  # 市区町村, 都道府県 or すべて
    group: str  # the slug of the peer group it is limited to ("" for every government it applies to)
    value: str  # as shown, with its unit
    count: str  # the governments behind a share, as shown ("" when not given)
    when: str  # the date or year the source gives
    when_from_row: bool  # the row's own date or year (else the table's reference date, as printed)
    reconstructed: bool  # read from a garbled chart rather than printed as text
    slide: str  # where in the source
    resource: Resource

    @property
    def dataset_href(self) -> str:
        return urls.table(self.resource.package, self.resource.name)

    def applies(self, government: Government, groups: list[Group]) -> bool:
        if (
            self.applies_to != APPLIES_TO_ALL
            and (self.applies_to == APPLIES_TO_PREFECTURES) != government.is_prefecture
        ):
            return False
        return not self.group or any(g.slug == self.group for g in groups)


@dataclass(frozen=True)
class FigureProblem:
    """A row of the peer groups' source-figures table that cannot be read: the build reports it at the row's line
    (pipeline.localgov_problems); its text names the table, the row and the figure."""

    package: str
    resource: str
    index: int  # the row's place among the table's rows (0 is the first row under the header)
    figure: str
    field: str  # the column at fault
    message: str

    def __str__(self) -> str:
        return f"{self.package}/{self.resource} row {self.index + 2} ({self.figure}): {self.message}"


@dataclass
class LocalGov:
    governments: dict[str, Government]
    prefectures: list[Government]
    municipalities_of: dict[str, list[Government]]
    groupings: list[Grouping]
    groups: list[Group]
    groups_of: dict[str, list[Group]]
    measures: list[Measure]
    linked: list[Linked]
    figures: list[SourceFigure]
    no_data: str  # what a missing value reads as (the catalogue's localgov.no_data)
    problems: list[FigureProblem] = field(default_factory=list)  # declarations that could not be read

    def prefecture_of(self, government: Government) -> Government:
        return next(p for p in self.prefectures if p.pref_code == government.pref_code)


def format_number(value: float, unit: str = "", decimals: int | None = None) -> str:
    """A number with thousands separators and its unit."""
    if decimals is not None:
        text = f"{value:,.{decimals}f}"
    elif float(value).is_integer():
        text = f"{int(value):,}"
    else:
        text = f"{value:,}"
    return f"{text}{unit}" if unit and unit not in {"—", "-"} else text


@dataclass(frozen=True)
class NumberFormat:
    """``format_number`` as the templates call it (``fmt``): a missing value reads as ``missing``."""

    missing: str

    def __call__(self, value: float | None, unit: str = "", decimals: int | None = None) -> str:
        return self.missing if value is None else format_number(value, unit, decimals)
