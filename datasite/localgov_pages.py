"""The pages of the local-government part of the site: one per government, the index and its search
data, the peer-group pages and the maps of linked tables.

A long list of governments (a peer group, the governments a map's table lists) is split into pages of
200, which keeps every page well under 100 KB: ``type-city.html`` (with the summary),
then ``type-city-page-2.html``, ``type-city-page-3.html`` … side by side, linked by plain file names.
"""

from __future__ import annotations

import json
import posixpath
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from . import maps, pagination
from .charts import RenderedChart
from .localgov import gather
from .localgov_compare import Comparisons, benchmark_rows, comparison_sections, group_counts, published_figures
from .localgov_model import Government, Level, Linked, LocalGov, View, format_number
from .model import Site

OWN_GROUPS = "このサイト独自の比較グループ"

Outputs = dict[str, bytes]
Page = Callable[..., bytes]
HOME = ("トップ", "index.html")
INDEX = ("自治体のページ", "local-governments/index.html")
GROUPS_INDEX = (OWN_GROUPS, "local-governments/groups/index.html")
MAPS_INDEX = ("地図", "maps/index.html")
# Governments per page of a long list: a peer group's row is about 170 bytes (about 35 KB a page), a map's
# listed government about 100 bytes plus its values.
GROUP_PAGE_SIZE = 200
MAP_LISTING_PAGE_SIZE = 200

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


def listing_pages(path: str, items: Sequence[Item], per_page: int) -> list[Listing[Item]]:
    """``items`` in pages of ``per_page``: the first page is ``path`` itself, the next ``<stem>-page-2.html`` …
    An empty list still gets its one page."""
    chunks = pagination.chunk_by_count(items, per_page)
    folder = posixpath.dirname(path)
    pages = pagination.paginations(len(chunks), pagination.sibling_files(posixpath.basename(path)))
    listings = []
    start = 1
    for chunk, page in zip(chunks, pages, strict=True):
        own_file = page.links[page.number - 1].href
        listings.append(Listing(posixpath.join(folder, own_file), chunk, start, len(items), page))
        start += len(chunk)
    return listings


def render_localgov(
    site: Site,
    page: Page,
    charts_by_resource: dict[tuple[str, str], list[RenderedChart]],
    map_files: maps.MapFiles,
) -> dict[str, bytes]:
    """Every page of the local-government part of the site, keyed by its path. Its maps are requested
    from ``map_files``, which draws them."""
    data = gather(site)
    if data is None:
        return {}
    out: Outputs = {}
    out.update(_maps(data, page, map_files))
    out.update(_index(data, page))
    out.update(_group_pages(data, page))
    comparisons = Comparisons(data)
    for government in data.governments.values():
        out[government.href] = _government_page(data, comparisons, government, page)
    return out


def _crumbs(*items: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [HOME, *items]


def _government_page(data: LocalGov, comparisons: Comparisons, government: Government, page: Page) -> bytes:
    pref = data.prefecture_of(government)
    crumbs = _crumbs(INDEX, (government.name, None))
    if not government.is_prefecture:
        crumbs = _crumbs(INDEX, (pref.name, pref.href), (government.name, None))
    benchmarks, band_label = benchmark_rows(data, government)
    municipalities = data.municipalities_of.get(government.pref_code, []) if government.is_prefecture else []
    description = (
        f"{government.pref_name if not government.is_prefecture else ''}{government.name}（{government.type}）の"
    )
    description += "人口・財政力指数・このサイト独自の比較グループと、資料の数値との比較。"
    return page(
        "localgov_page.html",
        government.href,
        government.name if government.is_prefecture else f"{government.name}（{government.pref_name}）",
        description,
        crumbs,
        gov=government,
        pref=pref,
        groups=data.groups_of[government.code],
        comparisons=comparison_sections(data, comparisons, government),
        figures=published_figures(data, government),
        pref_figures=[] if government.is_prefecture else published_figures(data, pref),
        benchmarks=benchmarks,
        band_label=band_label,
        band_labels=sorted({label for b in data.benchmarks for label in b.by_band}),
        municipalities=municipalities,
        own_groups=OWN_GROUPS,
        fmt=format_number,
    )


def _index(data: LocalGov, page: Page) -> Outputs:
    rows = [[g.code, g.name, g.kana, g.pref_name, g.type] for g in data.governments.values()]
    index = {"fields": ["code", "name", "kana", "pref", "type"], "rows": rows}
    text = json.dumps(index, ensure_ascii=False, separators=(",", ":"))
    counts = {p.pref_code: len(data.municipalities_of.get(p.pref_code, [])) for p in data.prefectures}
    return {
        "local-governments/index.json": (text + "\n").encode("utf-8"),
        INDEX[1]: page(
            "localgov_index.html",
            INDEX[1],
            INDEX[0],
            "47都道府県と1,741市区町村のページ。団体名（漢字・かな）で探せます。",
            _crumbs((INDEX[0], None)),
            prefectures=data.prefectures,
            counts=counts,
            total=len(data.governments),
            linked=data.linked,
            has_groups=bool(data.groups),
            own_groups=OWN_GROUPS,
        ),
    }


def _group_pages(data: LocalGov, page: Page) -> Outputs:
    if not data.groups:
        return {}
    out: Outputs = {}
    out[GROUPS_INDEX[1]] = page(
        "localgov_groups.html",
        GROUPS_INDEX[1],
        OWN_GROUPS,
        "自治体を比べるためにこのサイトが独自に定めた比較グループ（総務省の類似団体区分ではない）。",
        _crumbs(INDEX, (OWN_GROUPS, None)),
        groupings=[(g, [x for x in data.groups if x.grouping is g]) for g in data.groupings],
        own_groups=OWN_GROUPS,
        benchmarks=data.benchmarks,
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
        label = group.band.document_label if group.band is not None else None
        for listing in listing_pages(group.href, members, GROUP_PAGE_SIZE):
            crumbs = (
                [(group.title, None)] if listing.number == 1 else [(group.title, group.href), (listing.crumb, None)]
            )
            out[listing.path] = page(
                "localgov_group.html",
                listing.path,
                f"{group.title}（{OWN_GROUPS}）{listing.label}",
                f"{group.title}の{len(members)}団体の一覧（{OWN_GROUPS}）{listing.label}。",
                _crumbs(INDEX, GROUPS_INDEX, *crumbs),
                group=group,
                members=members,
                listing=listing,
                columns=columns,
                summaries=summaries,
                benchmarks=[(b, b.by_band.get(label) if label else None) for b in data.benchmarks] if label else [],
                band_label=label,
                show_fiscal=any(m.fiscal is not None for m in members),
                own_groups=OWN_GROUPS,
                fmt=format_number,
            )
    return out


def _maps(data: LocalGov, page: Page, map_files: maps.MapFiles) -> Outputs:
    out: Outputs = {}
    if not data.linked:
        return out
    for link in data.linked:
        for index, view in enumerate(link.views):
            suffix = "" if len(link.views) == 1 else f"-{index + 1}"
            view.image = f"maps/{link.slug}{suffix}.svg"
            title = link.resource.title + (f"（{view.label}）" if view.label else "")
            view.alt = _map_alt(data, link, view, title)
            keys = _map_keys(data, link, view)
            if link.kind == "number":
                drawing = maps.numeric_map(link.level, keys, title, link.unit, view.alt)
            else:
                drawing = maps.categorical_map(link.level, keys, link.categories, link.unlisted, title, "", view.alt)
            map_files.request(view.image, drawing)  # drawn in the chart workers while the pages render
        by_prefecture = _map_table(data, link)
        for listing in listing_pages(link.href, _listed_governments(data, link), MAP_LISTING_PAGE_SIZE):
            crumbs = (
                [(link.resource.title, None)]
                if listing.number == 1
                else [(link.resource.title, link.href), (listing.crumb, None)]
            )
            out[listing.path] = page(
                "maps_page.html",
                listing.path,
                f"{link.resource.title}（地図）{listing.label}",
                f"{link.resource.title}を{_level_word(link.level)}別に塗り分けた地図と表。{listing.label}",
                _crumbs(MAPS_INDEX, *crumbs),
                link=link,
                level_word=_level_word(link.level),
                by_prefecture=by_prefecture,
                listing=listing,
                credit=maps.credit(),
            )
    out[MAPS_INDEX[1]] = page(
        "maps_index.html",
        MAPS_INDEX[1],
        "地図の一覧",
        "都道府県・市区町村ごとの数値を塗り分けた地図の一覧。",
        _crumbs((MAPS_INDEX[0], None)),
        linked=data.linked,
        level_words={link.slug: _level_word(link.level) for link in data.linked},
        credit=maps.credit(),
    )
    return out


def _level_word(level: Level) -> str:
    return "都道府県" if level == "prefecture" else "市区町村"


def _map_keys(data: LocalGov, link: Linked, view: View) -> dict[str, Any]:
    """Values keyed as the TopoJSON names its features: prefecture names, or 5-digit codes."""
    keys: dict[str, Any] = {}
    for code, value in view.values.items():
        g = data.governments[code]
        if link.kind != "number" and value == link.unlisted:
            continue  # drawn by the lookup's default
        keys[g.name if link.level == "prefecture" else g.code5] = value
    return keys


def _map_alt(data: LocalGov, link: Linked, view: View, title: str) -> str:
    word = _level_word(link.level)
    if link.kind == "number":
        shown = [v for v in view.values.values() if v is not None]
        if not shown:
            return f"{title}の地図。値のある{word}はありません。"
        low, high = min(shown), max(shown)
        return (
            f"{title}の地図。{len(shown)}{word}に値があり、"
            f"最小{format_number(low, link.unit)}、最大{format_number(high, link.unit)}。値のない{word}は灰色。"
        )
    parts = "、".join(f"{name}{count}" for name, count, _ in view.counts if count)
    return f"{title}の地図（{word}別）。{parts}。"


def _map_table(data: LocalGov, link: Linked) -> list[dict[str, Any]]:
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
                    cells.append(f"値あり{count}／{len(codes)}")
                else:
                    counts = [
                        (name, sum(1 for c in codes if view.values.get(c) == name)) for name, _ in link.categories
                    ]
                    cells.append("・".join(f"{name}{n}" for name, n in counts if n))
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
