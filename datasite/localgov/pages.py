"""The pages of the local-government part of the site: one per government, the index and its search
data, the peer-group pages, the maps (reference tables and linked tables) and the self-assessment.

A long list of governments (a peer group, the governments a map's table lists) is split into pages of
200, which keeps every page well under 100 KB: ``type-city.html`` (with the summary),
then ``type-city-page-2.html``, ``type-city-page-3.html`` … side by side, linked by plain file names.

Maps are drawn by ``maps``: a choropleth per reference table and per view of a linked table, and the
locator sheets that every government page shows with its own government highlighted (no drawing per
page).
"""

from __future__ import annotations

import json
import posixpath
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from markupsafe import Markup

from .. import charts, urls
from ..charts import PALETTE, RenderedChart
from ..model import Package, Resource, Site
from ..pages import pagination
from ..pages.record import PageRecord, Renderer
from ..strings import Strings
from . import maps
from .compare import (
    Comparisons,
    Peer,
    PeerRule,
    comparison_sections,
    figures_for,
    group_counts,
    nearest_peers,
    published_figures,
)
from .model import (
    APPLIES_TO_PREFECTURES,
    Government,
    Grouping,
    Level,
    Linked,
    LocalGov,
    NumberFormat,
    SourceFigure,
    View,
    format_number,
)

Outputs = dict[str, bytes]
Page = Renderer
SELF_CHECK_TEMPLATE = "localgov_selfcheck_datapackage.json"  # the drop-in package's descriptor, a template
SELF_CHECK_FOLDER = urls.SELF_CHECK_FOLDER
# Governments per page of a long list: a peer group's row is about 170 bytes (about 35 KB a page), a map's
# listed government about 100 bytes plus its values.
GROUP_PAGE_SIZE = 200
MAP_LISTING_PAGE_SIZE = 200
CARD_SEPARATOR = "\n<!-- card -->\n"  # between the cards rendered in one go (never inside a card)

Item = TypeVar("Item")


@dataclass(frozen=True)
class Listing(Generic[Item]):
    """One page of a list of governments split into pages, with the links to every page of the list."""

    path: str  # where this page is written
    items: Sequence[Item]
    start: int  # position of the page's first item in the whole list, from 1
    total: int  # items in the whole list
    pages: pagination.Pagination

    @property
    def end(self) -> int:
        return self.start + len(self.items) - 1

    # The page_nav macro and the templates read these, as for any Pagination.
    number = property(lambda self: self.pages.number)
    count = property(lambda self: self.pages.count)
    links = property(lambda self: self.pages.links)
    previous = property(lambda self: self.pages.previous)
    next = property(lambda self: self.pages.next)
    label = property(lambda self: self.pages.label)
    crumb = property(lambda self: self.pages.crumb)


def listing_pages(
    path: str, items: Sequence[Item], per_page: int, counting: pagination.Counting
) -> list[Listing[Item]]:
    """``items`` in pages of ``per_page``: the first page is ``path`` itself, the next ``<stem>-page-2.html`` …
    An empty list still gets its one page."""
    chunks = pagination.chunk_by_count(items, per_page)
    folder = posixpath.dirname(path)
    pages = pagination.paginations(len(chunks), counting, pagination.sibling_files(posixpath.basename(path)))
    listings = []
    start = 1
    for chunk, page in zip(chunks, pages, strict=True):
        own_file = page.links[page.number - 1].href
        listings.append(Listing(posixpath.join(folder, own_file), chunk, start, len(items), page))
        start += len(chunk)
    return listings


Crumb = tuple[str, str | None]


@dataclass(frozen=True)
class Labels:
    """The words of this part's titles, breadcrumbs and legends, from the string catalogue (strings.toml)."""

    words: Strings

    def __call__(self, key: str, /, **values: Any) -> str:
        return self.words(key, **values)

    @property
    def own_groups(self) -> str:
        return self.words("own_groups")

    @property
    def no_value(self) -> str:
        return self.words("no_value")

    @property
    def index(self) -> tuple[str, str]:
        return (self.words("local_governments"), urls.LOCAL_GOVERNMENTS)

    @property
    def groups_index(self) -> tuple[str, str]:
        return (self.own_groups, urls.GROUPS)

    @property
    def maps_index(self) -> tuple[str, str]:
        return (self.words("maps"), urls.MAPS)

    def crumbs(self, *items: Crumb) -> list[Crumb]:
        return [(self.words("home"), urls.HOME), *items]

    def level(self, level: Level) -> str:
        return self.words("prefectures_level" if level == "prefecture" else "municipalities_level")


@dataclass(frozen=True)
class MapClass:
    """One entry of a map's legend: its label, colour, how many governments, and where they are listed."""

    label: str
    colour: str
    count: int
    href: str = ""  # a peer group's page


@dataclass(frozen=True)
class ReferenceMap:
    """A municipal choropleth of a reference table, coloured by this site's peer groups of one axis."""

    grouping: Grouping
    href: str
    image: str
    title: str
    classes: tuple[MapClass, ...]
    values: dict[str, str]  # code → class label
    without: tuple[Government, ...]  # governments with no value
    alt: str


@dataclass(frozen=True)
class ViewMap:
    """The map of one view of a linked table: its image, its text alternative and its legend."""

    image: str
    alt: str
    classes: tuple[MapClass, ...]


@dataclass(frozen=True)
class MapPlan:
    """Every map of the local-government pages, decided before any page renders (as the charts are): the layout
    of the locator sheets, the reference maps and the map of each view of each linked table. ``plan_maps``
    requests their drawings from ``MapFiles``; the pages only show them."""

    locators: maps.Locators
    outside: list[str]  # the governments with islands outside the frame of the maps of the whole country
    unlisted: int  # areas of the boundaries that are in no list of governments
    references: list[ReferenceMap]
    views: dict[str, list[ViewMap]]  # a linked table's slug → the map of each of its views
    credits: dict[Level, str]  # the credit of each level's boundaries (the licence requires it beside every map)
    credit: str  # of both levels' boundaries: for a page whose maps show both


def plan_maps(data: LocalGov, site: Site, map_files: maps.MapFiles, words: Strings) -> MapPlan:
    """Decide every map and request its drawing (``map_files.start`` then hands them to a worker)."""
    names = {g.code5: (g.code, g.name) for g in data.governments.values() if not g.is_prefecture}
    prefecture_codes = {p.name: p.code for p in data.prefectures}
    locators = map_files.locators(names, prefecture_codes)
    outside = _outside_names(data, map_files.country_outside("municipality"))
    unlisted = map_files.unlisted("municipality", names)
    labels = Labels(words)
    references = _reference_maps(data, map_files, site, labels)
    views = {
        link.slug: [_view_map(data, link, index, view, map_files, labels) for index, view in enumerate(link.views)]
        for link in data.linked
    }
    credits: dict[Level, str] = {level: map_files.credit(level) for level in ("prefecture", "municipality")}
    both = map_files.credit("prefecture", "municipality")
    return MapPlan(locators, outside, unlisted, references, views, credits, both)


def render_localgov(
    data: LocalGov,
    plan: MapPlan,
    page: Page,
    charts_by_resource: dict[tuple[str, str], list[RenderedChart]],
    words: Strings,
) -> dict[str, bytes]:
    """Every page of the local-government part of the site, keyed by its path; its maps are in ``plan``."""
    out: Outputs = {}
    labels = Labels(words)
    locators, references = plan.locators, plan.references
    out.update(_maps(data, page, plan, labels))
    out.update(_index(data, page, bool(references), labels))
    out.update(_group_pages(data, page, references, labels))
    peers, rule = nearest_peers(data)
    if self_check_items(data):
        out.update(_self_check(data, page, peers, labels))
    comparisons = Comparisons(data, words)
    fragments = Fragments(page, NumberFormat(data.no_data))
    for level in ("prefecture", "municipality"):
        columns = [(link, view) for link in data.linked if link.level == level for view in link.views]
        cards = _peer_cards([Peer(g, 0.0) for g in data.governments.values() if g.level == level], columns)
        fragments.cards(cards, own=False)
        fragments.cards(cards, own=True)
    for government in data.governments.values():
        out[government.href] = _government_page(
            data, comparisons, government, page, locators, plan.credit, peers, rule, fragments, labels
        )
    return out


class Fragments:
    """Parts that many government pages share word for word (the source's figures for all municipalities
    of a population band), rendered once from their template and reused."""

    def __init__(self, page: Page, fmt: NumberFormat) -> None:
        self._page = page
        self._fmt = fmt
        self._figures: dict[tuple[str, ...], Markup] = {}
        self._cards: dict[tuple[str, bool], Markup] = {}
        self._sources: Markup | None = None

    def role_sources(self) -> Markup:
        """The line naming the sources of the population, the fiscal strength and the list of governments."""
        if self._sources is None:
            record = PageRecord(urls.government("fragment"), "localgov_fragment_sources.html", "", "", [])
            self._sources = Markup(self._page(record).decode("utf-8").strip())
        return self._sources

    def cards(self, cards: list[dict[str, Any]], own: bool) -> None:
        """Render the cards of many governments at once (one template call for all of them)."""
        html = self._page(
            PageRecord(
                urls.government("fragment"),
                "localgov_fragment_card.html",
                "",
                "",
                [],
                {"cards": cards, "own": own, "separator": Markup(CARD_SEPARATOR), "fmt": self._fmt},
            )
        ).decode("utf-8")
        for card, text in zip(cards, html.split(CARD_SEPARATOR)[:-1], strict=True):
            self._cards[(card["gov"].code, own)] = Markup(text.strip())

    def card(self, code: str, own: bool) -> Markup:
        return self._cards[(code, own)]

    def figures(self, figures: list[SourceFigure]) -> Markup:
        key = tuple(f.id for f in figures)
        if key not in self._figures:
            # Every government page is in local-governments/: the fragment is rendered with their root.
            sources: list[Resource] = []
            for figure in figures:
                if figure.resource not in sources:
                    sources.append(figure.resource)
            notes = {f.id: 1 + sources.index(f.resource) for f in figures}
            html = self._page(
                PageRecord(
                    urls.government("fragment"),
                    "localgov_fragment_figures.html",
                    "",
                    "",
                    [],
                    {
                        "figures": figures,
                        "notes": notes,
                        "sources": [(r, next(f for f in figures if f.resource is r)) for r in sources],
                    },
                )
            )
            self._figures[key] = Markup(html.decode("utf-8"))
        return self._figures[key]


def self_check_items(data: LocalGov) -> list[str]:
    """The items of the self-assessment form: the items of the source's figures, in the order of their table
    (the peer groups' source-figures table). No items, no form."""
    return list(dict.fromkeys(figure.item for figure in data.figures if figure.item))


def _government_page(
    data: LocalGov,
    comparisons: Comparisons,
    government: Government,
    page: Page,
    locators: maps.Locators,
    credit: str,
    peers: dict[str, list[Peer]],
    rule: PeerRule,
    fragments: Fragments,
    labels: Labels,
) -> bytes:
    pref = data.prefecture_of(government)
    crumbs = labels.crumbs(labels.index, (government.name, None))
    if not government.is_prefecture:
        crumbs = labels.crumbs(labels.index, (pref.name, pref.href), (government.name, None))
    municipalities = data.municipalities_of.get(government.pref_code, []) if government.is_prefecture else []
    place_name = government.name if government.is_prefecture else f"{government.pref_name}{government.name}"
    description = labels("government_description", name=place_name, type=government.type)
    place = locators.places.get(government.code5)
    data_names = {m.code5: m.name for m in municipalities}
    return page(
        PageRecord(
            government.href,
            "localgov_page.html",
            government.name
            if government.is_prefecture
            else labels("municipality_title", name=government.name, prefecture=government.pref_name),
            description,
            crumbs,
            {
                "gov": government,
                "pref": pref,
                "groups": data.groups_of[government.code],
                "place": place,
                "overview": locators.overview,
                "overview_id": locators.prefecture_ids.get(pref.name, ""),
                "sheets": locators.sheets.get(pref.name, []) if government.is_prefecture else [],
                "sheet_names": {
                    sheet.path: [data_names[k] for k in locators.members[sheet.path]]
                    for sheet in (locators.sheets.get(pref.name, []) if government.is_prefecture else [])
                },
                "credit": credit,
                "peers": [fragments.card(p.government.code, False) for p in peers.get(government.code, [])],
                "own_card": fragments.card(government.code, True),
                "rule": rule,
                "peer_count": len(peers.get(government.code, [])),
                "comparisons": comparison_sections(data, comparisons, government),
                "figures": published_figures(data, government),
                "pref_figures": [] if government.is_prefecture else published_figures(data, pref),
                "source_figures": fragments.figures(figures_for(data, government)),
                "role_sources": fragments.role_sources(),
                "municipalities": municipalities,
                "own_groups": labels.own_groups,
                "has_self_check": bool(self_check_items(data)),
                "fmt": NumberFormat(data.no_data),
            },
        )
    )


def _peer_cards(peers: list[Peer], columns: list[tuple[Linked, View]]) -> list[dict[str, Any]]:
    """Each peer with its figures side by side: population, 財政力指数, and its value in every linked table."""
    links: list[Linked] = []
    for link, _ in columns:
        if link not in links:
            links.append(link)
    cards = []
    for peer in peers:
        g = peer.government
        tables = []
        for link in links:
            values = [(view.label, _value_text(link, view, g.code)) for linked, view in columns if linked is link]
            # A government a table has no row for reads as one line, not one per view.
            unlisted = link.kind != "number" and all(value == link.unlisted for _, value in values)
            tables.append({"title": link.resource.title, "values": values, "none": link.unlisted if unlisted else ""})
        cards.append({"gov": g, "distance": peer.distance, "tables": tables})
    return cards


def _value_text(link: Linked, view: View, code: str) -> str:
    value = view.values.get(code)
    if link.kind == "number":
        return link.shown(value)
    return str(value) if value is not None else link.unlisted


def _index(data: LocalGov, page: Page, has_reference_maps: bool, labels: Labels) -> Outputs:
    rows = [[g.code, g.name, g.kana, g.pref_name, g.type] for g in data.governments.values()]
    index = {"fields": ["code", "name", "kana", "pref", "type"], "rows": rows}
    text = json.dumps(index, ensure_ascii=False, separators=(",", ":"))
    counts = {p.pref_code: len(data.municipalities_of.get(p.pref_code, [])) for p in data.prefectures}
    return {
        urls.GOVERNMENTS_JSON: (text + "\n").encode("utf-8"),
        urls.LOCAL_GOVERNMENTS: page(
            PageRecord(
                urls.LOCAL_GOVERNMENTS,
                "localgov_index.html",
                labels.index[0],
                labels(
                    "local_governments_description",
                    prefectures=f"{len(data.prefectures):,}",
                    municipalities=f"{len(data.governments) - len(data.prefectures):,}",
                ),
                labels.crumbs((labels.index[0], None)),
                {
                    "prefectures": data.prefectures,
                    "counts": counts,
                    "total": len(data.governments),
                    "prefecture_count": len(data.prefectures),
                    "municipality_count": len(data.governments) - len(data.prefectures),
                    "linked": data.linked,
                    "has_maps": bool(data.linked) or has_reference_maps,
                    "has_groups": bool(data.groups),
                    "has_self_check": bool(self_check_items(data)),
                    "own_groups": labels.own_groups,
                },
            )
        ),
    }


def _group_pages(data: LocalGov, page: Page, references: list[ReferenceMap], labels: Labels) -> Outputs:
    if not data.groups:
        return {}
    out: Outputs = {}
    maps_of = {r.grouping.id: r for r in references}
    out[urls.GROUPS] = page(
        PageRecord(
            urls.GROUPS,
            "localgov_groups.html",
            labels.own_groups,
            labels("own_groups_description"),
            labels.crumbs(labels.index, (labels.own_groups, None)),
            {
                "groupings": [
                    (g, [x for x in data.groups if x.grouping is g], maps_of.get(g.id)) for g in data.groupings
                ],
                "own_groups": labels.own_groups,
                "figures": [f for f in data.figures if f.group],
                "groups_by_slug": {g.slug: g for g in data.groups},
            },
        )
    )
    for group in data.groups:
        if group.is_prefecture_page:
            continue
        members = [data.governments[c] for c in group.members]
        level: Level = "prefecture" if members and members[0].is_prefecture else "municipality"
        columns = [(link, i, view) for link in data.linked if link.level == level for i, view in enumerate(link.views)]
        summaries = [
            {
                "link": link,
                "view": view,
                "counts": [(name, n) for name, n, _ in group_counts(group, link, view)]
                if link.kind != "number"
                else [],
            }
            for link, _, view in columns
        ]
        own_figures = [f for f in data.figures if f.group == group.slug]
        items = {f.item for f in own_figures}
        national = [
            f for f in data.figures if not f.group and f.item in items and f.applies_to != APPLIES_TO_PREFECTURES
        ]
        without = {
            measure.title: [m for m in members if m.code not in measure.values]
            for measure in data.measures
            if any(m.code in measure.values for m in members)
        }
        for listing in listing_pages(group.href, members, GROUP_PAGE_SIZE, labels.words.counting):
            crumbs = (
                [(group.title, None)] if listing.number == 1 else [(group.title, group.href), (listing.crumb, None)]
            )
            out[listing.path] = page(
                PageRecord(
                    listing.path,
                    "localgov_group.html",
                    labels("group_title", group=group.title, own_groups=labels.own_groups, pages=listing.label),
                    labels(
                        "group_description",
                        group=group.title,
                        count=len(members),
                        own_groups=labels.own_groups,
                        pages=listing.label,
                    ),
                    labels.crumbs(labels.index, labels.groups_index, *crumbs),
                    {
                        "group": group,
                        "members": members,
                        "listing": listing,
                        "columns": columns,
                        "summaries": summaries,
                        "own_figures": own_figures,
                        "national_figures": national,
                        "without": {title: govs for title, govs in without.items() if govs},
                        "reference_map": maps_of.get(group.grouping.id),
                        "show_fiscal": any(m.fiscal is not None for m in members),
                        "own_groups": labels.own_groups,
                        "fmt": NumberFormat(data.no_data),
                    },
                )
            )
    return out


# --- maps -------------------------------------------------------------------------------------------------------------


def _outside_names(data: LocalGov, keys: list[str]) -> list[str]:
    """The governments (by name) with islands outside the frame of the maps of the whole country."""
    by_code5 = {g.code5: g for g in data.governments.values() if not g.is_prefecture}
    return [f"{by_code5[k].pref_name}{by_code5[k].name}" for k in keys if k in by_code5]


def _reference_maps(data: LocalGov, map_files: maps.MapFiles, site: Site, labels: Labels) -> list[ReferenceMap]:
    """A municipal choropleth for each axis of the peer groups that reads a reference table (population,
    財政力指数, type): the classes are the axis's groups."""
    packages = {package.name: package for package in site.packages}
    out: list[ReferenceMap] = []
    municipalities = [g for g in data.governments.values() if not g.is_prefecture]
    for grouping in data.groupings:
        if grouping.basis[2] == "pref_code":
            continue  # a map of prefectures coloured by prefecture says nothing
        groups = [
            g
            for g in data.groups
            if g.grouping is grouping and any(not data.governments[c].is_prefecture for c in g.members)
        ]
        if not groups:
            continue
        ordered = grouping.bands is not None
        colours = (
            maps.sequential_colours(len(groups)) if ordered else [PALETTE[i % len(PALETTE)] for i in range(len(groups))]
        )
        values: dict[str, str] = {}
        classes = []
        for group, colour in zip(groups, colours, strict=True):
            members = [c for c in group.members if not data.governments[c].is_prefecture]
            for code in members:
                values[code] = group.label
            classes.append(MapClass(group.label, colour, len(members), group.href))
        without = tuple(g for g in municipalities if g.code not in values)
        if without:
            classes.append(MapClass(labels.no_value, maps.NO_DATA_COLOUR, len(without)))
        colour_of = {c.label: c.colour for c in classes}
        basis = _basis_title(data, grouping)
        title = labels("reference_map_title", grouping=grouping.title)
        parts = labels("list_separator").join(
            labels("map_class", label=c.label, count=c.count) for c in classes if c.label != labels.no_value
        )
        alt = labels(
            "reference_map_alt", basis=basis, own_groups=labels.own_groups, grouping=grouping.title, parts=parts
        )
        if without:
            names = labels("list_separator").join(g.pref_name + g.name for g in without[:5])
            alt += labels("reference_map_without", names=names)
        image = urls.map_image(f"groups-{grouping.id}")
        regions = tuple(
            maps.Region(
                g.code5,
                colour_of[values.get(g.code, labels.no_value)],
                g.code,
                labels("municipality_title", name=g.name, prefecture=g.pref_name),
                labels("map_region", grouping=grouping.title, value=values.get(g.code, labels.no_value)),
            )
            for g in sorted(municipalities, key=lambda g: g.code5)
        )
        legend = tuple((c.label, c.colour) for c in classes)
        href = urls.map_page(f"groups-{grouping.id}")
        credits = _map_credits(map_files, packages, grouping.basis[0], grouping.basis[1], None, href, labels.words)
        map_files.request(image, maps.MapDrawing("municipality", regions, legend, title, alt, credits=credits))
        out.append(ReferenceMap(grouping, href, image, title, tuple(classes), values, without, alt))
    return out


def _map_credits(
    map_files: maps.MapFiles,
    packages: dict[str, Package],
    package: str,
    resource: str,
    unit: str | None,
    href: str,
    words: Strings,
) -> tuple[str, ...]:
    """What a map drawn from ``package``'s table ``resource`` says of its data (charts.credit_lines)."""
    found = packages.get(package)
    if found is None:
        return ()
    table = next((r for r in found.resources if r.name == resource), None)
    address = f"{map_files.base_url}{href}" if map_files.base_url else ""
    return charts.credit_lines(found, table, unit, map_files.site_name, address, words=words)


def _basis_title(data: LocalGov, grouping: Grouping) -> str:
    """What a grouping's map colours: the title of the measure read from the same column, else the grouping's."""
    measure = next((m for m in data.measures if m.basis == grouping.basis), None)
    return measure.title if measure is not None else grouping.title


def _view_map(
    data: LocalGov, link: Linked, index: int, view: View, map_files: maps.MapFiles, labels: Labels
) -> ViewMap:
    """The map of one view of a linked table, its drawing requested."""
    suffix = "" if len(link.views) == 1 else f"-{index + 1}"
    image = urls.map_image(f"{link.slug}{suffix}")
    title = labels("view_title", table=link.resource.title, view=view.label) if view.label else link.resource.title
    drawing, classes = _view_drawing(data, link, view, title, labels)
    alt = _map_alt(link, view, title, classes, labels)
    credits = charts.credit_lines(
        link.package,
        link.resource,
        link.unit,
        map_files.site_name,
        f"{map_files.base_url}{link.href}" if map_files.base_url else "",
        words=labels.words,
    )
    map_files.request(
        image, maps.MapDrawing(drawing.level, drawing.regions, drawing.legend, title, alt, credits=credits)
    )
    return ViewMap(image, alt, tuple(classes))


def _maps(data: LocalGov, page: Page, plan: MapPlan, labels: Labels) -> Outputs:
    out: Outputs = {}
    references, outside, unlisted = plan.references, plan.outside, plan.unlisted
    if not data.linked and not references:
        return out
    for reference in references:
        out[reference.href] = page(
            PageRecord(
                reference.href,
                "maps_reference.html",
                reference.title,
                labels(
                    "reference_map_description",
                    basis=_basis_title(data, reference.grouping),
                    own_groups=labels.own_groups,
                ),
                labels.crumbs(labels.maps_index, (reference.title, None)),
                {
                    "reference": reference,
                    "grouping": reference.grouping,
                    "basis": _basis_title(data, reference.grouping),
                    "by_prefecture": _reference_table(data, reference, labels.no_value),
                    "outside": outside,
                    "unlisted": unlisted,
                    "own_groups": labels.own_groups,
                    "credit": plan.credits["municipality"],
                },
            )
        )
    for link in data.linked:
        by_prefecture = _map_table(data, link, labels)
        for listing in listing_pages(
            link.href, _listed_governments(data, link), MAP_LISTING_PAGE_SIZE, labels.words.counting
        ):
            crumbs = (
                [(link.resource.title, None)]
                if listing.number == 1
                else [(link.resource.title, link.href), (listing.crumb, None)]
            )
            out[listing.path] = page(
                PageRecord(
                    listing.path,
                    "maps_page.html",
                    labels("map_title", table=link.resource.title, pages=listing.label),
                    labels(
                        "map_description",
                        table=link.resource.title,
                        level=labels.level(link.level),
                        pages=listing.label,
                    ),
                    labels.crumbs(labels.maps_index, *crumbs),
                    {
                        "link": link,
                        "view_maps": plan.views[link.slug],
                        "level_word": labels.level(link.level),
                        "by_prefecture": by_prefecture,
                        "listing": listing,
                        "outside": outside if link.level == "municipality" else [],
                        "unlisted": unlisted if link.level == "municipality" else 0,
                        "credit": plan.credits[link.level],
                    },
                )
            )
    out[urls.MAPS] = page(
        PageRecord(
            urls.MAPS,
            "maps_index.html",
            labels("maps_title"),
            labels("maps_description"),
            labels.crumbs((labels.maps_index[0], None)),
            {
                "linked": data.linked,
                "references": references,
                "level_words": {link.slug: labels.level(link.level) for link in data.linked},
                "credit": plan.credit,
            },
        )
    )
    return out


def _view_drawing(
    data: LocalGov, link: Linked, view: View, title: str, labels: Labels
) -> tuple[maps.MapDrawing, list[MapClass]]:
    """The map of one view of a linked table, and its legend: the categories that occur (with the unlisted
    label last), or five classes of about equal size for numbers."""
    governments = [g for g in data.governments.values() if g.level == link.level]
    colour_of: dict[str, str] = {}
    label_of: dict[str, str] = {}
    classes: list[MapClass] = []
    if link.kind == "number":
        numbers = {c: float(v) for c, v in view.values.items() if isinstance(v, (int, float))}
        breaks = maps.quantile_breaks(numbers.values())
        colours = maps.sequential_colours(len(breaks))
        for code, number in numbers.items():
            index = maps.class_of(number, breaks)
            colour_of[code], label_of[code] = colours[index], link.shown(number)
        for i, low in enumerate(breaks):
            high = breaks[i + 1] if i + 1 < len(breaks) else None
            label = labels("at_least", value=format_number(low, link.unit)) + (
                labels("below", value=format_number(high, link.unit)) if high is not None else ""
            )
            count = sum(1 for v in numbers.values() if maps.class_of(v, breaks) == i)
            classes.append(MapClass(label, colours[i], count))
        missing = sum(1 for g in governments if g.code not in numbers)
        if missing:
            classes.append(MapClass(link.no_data, maps.NO_DATA_COLOUR, missing))
    else:
        for name, count, colour in view.counts:
            if count or name == link.unlisted:
                classes.append(MapClass(name, colour, count))
        for g in governments:
            label = str(view.values.get(g.code, link.unlisted))
            colour_of[g.code], label_of[g.code] = link.colour(label), label

    def key(g: Government) -> str:
        return g.name if link.level == "prefecture" else g.code5

    regions = tuple(
        maps.Region(
            key(g),
            colour_of.get(g.code, maps.NO_DATA_COLOUR),
            g.code,
            g.name if g.is_prefecture else labels("municipality_title", name=g.name, prefecture=g.pref_name),
            label_of.get(g.code, link.no_data),
        )
        for g in sorted(governments, key=key)
    )
    legend = tuple((c.label, c.colour) for c in classes)
    return maps.MapDrawing(link.level, regions, legend, title, ""), classes


def _map_alt(link: Linked, view: View, title: str, classes: list[MapClass], labels: Labels) -> str:
    word = labels.level(link.level)
    if link.kind == "number":
        shown = [v for v in view.values.values() if v is not None]
        if not shown:
            return labels("map_alt_empty", title=title, level=word)
        low, high = min(shown), max(shown)
        return labels(
            "map_alt_numbers",
            title=title,
            count=len(shown),
            level=word,
            low=format_number(low, link.unit),
            high=format_number(high, link.unit),
        )
    parts = labels("list_separator").join(f"{c.label}{c.count}" for c in classes if c.count)
    return labels("map_alt_categories", title=title, level=word, parts=parts)


def _reference_table(data: LocalGov, reference: ReferenceMap, no_value: str) -> list[dict[str, Any]]:
    rows = []
    for pref in data.prefectures:
        codes = [g.code for g in data.municipalities_of.get(pref.pref_code, [])]
        cells = [sum(1 for c in codes if reference.values.get(c, no_value) == cls.label) for cls in reference.classes]
        rows.append({"pref": pref, "cells": cells, "total": len(codes)})
    return rows


def _map_table(data: LocalGov, link: Linked, labels: Labels) -> list[dict[str, Any]]:
    rows = []
    for pref in data.prefectures:
        if link.level == "prefecture":
            cells = [
                link.shown(v.values.get(pref.code)) if link.kind == "number" else v.values[pref.code]
                for v in link.views
            ]
        else:
            codes = [g.code for g in data.municipalities_of.get(pref.pref_code, [])]
            cells = []
            for view in link.views:
                if link.kind == "number":
                    count = sum(1 for c in codes if view.values.get(c) is not None)
                    cells.append(labels("with_values", count=count, total=len(codes)))
                else:
                    counts = [
                        (name, sum(1 for c in codes if view.values.get(c) == name)) for name, _ in link.categories
                    ]
                    cells.append(labels("list_separator_short").join(f"{name}{n}" for name, n in counts if n))
        rows.append({"pref": pref, "cells": cells})
    return rows


def _listed_governments(data: LocalGov, link: Linked) -> list[dict[str, Any]]:
    """For municipality maps: the governments the table has a row for, with their value in each view."""
    if link.level != "municipality":
        return []
    codes = sorted({code for view in link.views for code in view.rows}, key=list(data.governments).index)
    return [
        {
            "gov": data.governments[code],
            "cells": [link.shown(v.values.get(code)) if code in v.rows else "" for v in link.views],
        }
        for code in codes
    ]


# --- the self-assessment ----------------------------------------------------------------------------------------------


def _self_check(data: LocalGov, page: Page, peers: dict[str, list[Peer]], labels: Labels) -> Outputs:
    """The self-assessment page (自己点検), its data for the script, and the drop-in template it fills in.

    The template is ``templates/localgov_selfcheck_datapackage.json``: the package a prefecture drops into
    ``datapackages/`` with the collected CSVs. Its ``programme`` enum is filled in with the items of the source's
    figures (``self_check_items``) and its ``status`` enum holds the answers; the form is read back from it, so the
    form, the CSV and the package cannot disagree."""
    descriptor_bytes = page(
        PageRecord(
            f"{SELF_CHECK_FOLDER}/template/datapackage.json",
            SELF_CHECK_TEMPLATE,
            "",
            "",
            [],
            {"items": self_check_items(data)},
        )
    )
    descriptor = json.loads(descriptor_bytes)
    resource = descriptor["resources"][0]
    fields = resource["schema"]["fields"]
    by_name = {f["name"]: f for f in fields}
    items = [str(v) for v in by_name["programme"]["constraints"]["enum"]]
    statuses = [str(v) for v in by_name["status"]["constraints"]["enum"]]
    header = ",".join(f["name"] for f in fields)
    slugs = sorted({f.group for f in data.figures if f.group})
    governments = {
        code: [
            g.name,
            g.pref_name,
            g.type,
            g.population,
            g.fiscal,
            [s for s in slugs if any(x.slug == s for x in data.groups_of[code])],
            [p.government.code for p in peers.get(code, [])],
        ]
        for code, g in data.governments.items()
    }
    script_data = {"governments": governments, "fields": [f["name"] for f in fields]}
    item_figures = [(item, [f for f in data.figures if f.item == item]) for item in items]
    return {
        f"{SELF_CHECK_FOLDER}/template/datapackage.json": descriptor_bytes,
        f"{SELF_CHECK_FOLDER}/template/{resource['path']}": (header + "\n").encode("utf-8"),
        f"{SELF_CHECK_FOLDER}/data.json": (
            json.dumps(script_data, ensure_ascii=False, separators=(",", ":"), sort_keys=True) + "\n"
        ).encode("utf-8"),
        urls.SELF_CHECK: page(
            PageRecord(
                urls.SELF_CHECK,
                "localgov_selfcheck.html",
                labels("self_check_title"),
                labels("self_check_description"),
                labels.crumbs(labels.index, (labels("self_check"), None)),
                {
                    "items": item_figures,
                    "statuses": statuses,
                    "fields": fields,
                    "header": header,
                    "resource": resource,
                    "descriptor": descriptor,
                    "prefectures": data.prefectures,
                    "municipalities_of": data.municipalities_of,
                    "group_titles": {g.slug: g.title for g in data.groups if g.slug in slugs},
                    "template_folder": "self-check/template/",
                },
            )
        ),
    }
