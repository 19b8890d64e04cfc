"""Local-government pages, this site's own peer groups, and maps of any table keyed by a local government.

Everything here is derived from data packages, whose roles the site configuration declares (``[roles]`` in
site.toml):

- the list of local governments (``local_governments``) gives each government (47 prefectures and 1,741
  municipalities in Japan) a page ``local-governments/<code>.html``.
- the peer groups (``peer_groups``) declare the comparison axes and the band tables; membership is computed
  here from the tables of ``population`` and ``fiscal_strength``. These are the site's own groups, never the
  ministry's 類似団体.
- Any resource in any package whose schema declares a foreign key into the list of local governments
  (``prefectures`` or ``local-governments``) is *linked*: with no extra code it gets a choropleth map page,
  a peer comparison and a line on each government's page. The key may carry two optional hints:
  ``"measure"`` (the field to show) and ``"presence": {"listed": ..., "unlisted": ...}`` (labels for a table
  that lists every government it concerns, so that a government without a row is a fact, not a gap).
- The source's figures that apply to a government (national shares, a population band's shares, counts of
  prefectures) are declared in the peer groups' ``source-figures`` table by the dataset row they come from, and
  read from that row: never retyped. Only the packages declared as ``benchmarks`` may be named there.

This module derives all of it from the packages (``gather``); the pieces are defined in ``model``,
compared among peers in ``compare`` and written as pages by ``pages``.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from .. import urls
from ..charts import PALETTE
from ..config import Roles, Table
from ..model import Package, Resource, Site, fiscal_year_label
from ..strings import Strings
from ..typeset import date_label
from . import maps
from .model import (
    APPLIES_TO_MUNICIPALITIES,
    Band,
    FigureProblem,
    Government,
    Group,
    Grouping,
    Level,
    Linked,
    LocalGov,
    Measure,
    SourceFigure,
    View,
)

SOURCE_FIGURES = "source-figures"  # in the peer groups: which figures of the source apply to which governments

# The values of the reference data's ``type`` field (its schema's enum, in this order) and the slug of each one's
# peer-group page (groups/type-town.html): values the code recognises, not words it shows.
TYPE_SLUGS = {
    "都道府県": "prefecture",
    "政令市": "designated-city",
    "特別区": "special-ward",
    "市": "city",
    "町": "town",
    "村": "village",
}
PLANNED_STATUS = "予定"  # a value of the benchmarks' ``status`` field: the row gives a plan, not a result
SKIPPED_FIELDS = {"era_label", "reconstructed", "note", "source", "url"}
MAX_VIEWS = 12  # maps per linked table (one per combination of its other key fields): the self-assessment has 9 items


def gather(site: Site, words: Strings) -> LocalGov | None:
    """Everything the pages need, or None when the site has no local-government list. ``words``: the string
    catalogue, for the names this part gives (a group's title, a table's default labels, a figure's date)."""
    roles = site.config.roles
    packages = {p.name: p for p in site.packages}
    ref = packages.get(roles.local_governments) if roles.local_governments else None
    table = _resource(ref, "local-governments")
    if ref is None or table is None:
        return None
    population = _values(packages, *_basis(roles.population))
    fiscal = _values(packages, *_basis(roles.fiscal_strength))
    governments: dict[str, Government] = {}
    for row in table.rows:
        code = str(row["code"])
        governments[code] = Government(
            code=code,
            code5=str(row["code5"]),
            pref_code=str(row["pref_code"]),
            pref_name=str(row["pref_name"]),
            name=str(row["name"]),
            kana=str(row["name_kana"]),
            type=str(row["type"]),
            url=row.get("url"),
            population=_int_or_none(population.get(code)),
            fiscal=_float_or_none(fiscal.get(code)),
        )
    prefectures = [g for g in governments.values() if g.is_prefecture]
    municipalities_of: dict[str, list[Government]] = {p.pref_code: [] for p in prefectures}
    for g in governments.values():
        if not g.is_prefecture:
            municipalities_of.setdefault(g.pref_code, []).append(g)
    groupings = _groupings(packages.get(roles.peer_groups))
    groups = _groups(groupings, governments, packages, words)
    groups_of: dict[str, list[Group]] = {code: [] for code in governments}
    for group in groups:
        for code in group.members:
            groups_of[code].append(group)
    measures = [
        _measure(id_, role, values, log, decimals)
        for id_, role, values, log, decimals in (
            ("population", roles.population, population, True, None),
            ("fiscal", roles.fiscal_strength, fiscal, False, 2),
        )
        if role is not None and values
    ]
    linked = [link for p in site.packages for r in p.resources if (link := _linked(p, r, ref, governments, words))]
    figures, problems = _source_figures(packages, roles, {g.slug for g in groups}, words)
    return LocalGov(
        governments=governments,
        prefectures=prefectures,
        municipalities_of=municipalities_of,
        groupings=groupings,
        groups=groups,
        groups_of=groups_of,
        measures=measures,
        linked=linked,
        figures=figures,
        no_data=words("localgov.no_data"),
        problems=problems,
    )


def has_maps(data: LocalGov) -> bool:
    """Whether the site gets maps: a linked table, or an axis of the peer groups that colours municipalities
    (pages.plan_maps plans a map of each)."""
    return bool(data.linked) or any(
        group.grouping.basis[2] != "pref_code" and any(not data.governments[c].is_prefecture for c in group.members)
        for group in data.groups
    )


def _resource(package: Package | None, name: str) -> Resource | None:
    if package is None:
        return None
    return next((r for r in package.resources if r.name == name), None)


def _basis(table: Table | None) -> tuple[str, str, str]:
    """A role's table as (package, resource, field); nothing when the configuration declares none."""
    return (table.package, table.resource, table.field) if table is not None else ("", "", "")


def _values(packages: dict[str, Package], package: str, resource: str, name: str) -> dict[str, Any]:
    table = _resource(packages.get(package), resource)
    if table is None or not any(f.name == name for f in table.fields):
        return {}
    return {str(row["code"]): row.get(name) for row in table.rows if row.get("code") is not None}


def _int_or_none(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _float_or_none(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _groupings(peers: Package | None) -> list[Grouping]:
    table = _resource(peers, "groupings")
    if table is None:
        return []
    out: list[Grouping] = []
    for row in table.rows:
        band_table = _resource(peers, f"{row['grouping']}-bands")
        bands = None
        if band_table is not None:
            bands = tuple(
                Band(
                    band=str(b["band"]),
                    label=str(b["label"]),
                    lower=b.get("lower"),
                    upper=b.get("upper"),
                    document_label=b.get("document_label") or None,
                )
                for b in band_table.rows
            )
        out.append(
            Grouping(
                id=str(row["grouping"]),
                title=str(row["title"]),
                title_en=str(row["title_en"]),
                applies_to=str(row["applies_to"]),
                basis=(str(row["basis_package"]), str(row["basis_resource"]), str(row["basis_field"])),
                description=str(row["description"]),
                bands=bands,
                band_resource=band_table,
            )
        )
    return out


def _groups(
    groupings: list[Grouping], governments: dict[str, Government], packages: dict[str, Package], words: Strings
) -> list[Group]:
    out: list[Group] = []
    for grouping in groupings:
        values = _values(packages, *grouping.basis)
        members: dict[str, list[str]] = {}
        for g in governments.values():
            if grouping.applies_to == APPLIES_TO_MUNICIPALITIES and g.is_prefecture:
                continue
            value = values.get(g.code)
            if value is None:
                continue
            if grouping.bands is not None:
                band = next((b for b in grouping.bands if b.holds(float(value))), None)
                if band is not None:
                    members.setdefault(band.band, []).append(g.code)
            else:
                members.setdefault(str(value), []).append(g.code)
        if grouping.bands is not None:
            for band in grouping.bands:
                codes = tuple(members.get(band.band, []))
                out.append(
                    Group(
                        grouping,
                        band.band,
                        band.label,
                        words("localgov.group", grouping=grouping.title, value=band.label),
                        urls.group(f"{grouping.id}-{band.band}"),
                        codes,
                        band,
                    )
                )
            continue
        ordered = sorted(members, key=lambda v: (list(TYPE_SLUGS).index(v) if v in TYPE_SLUGS else 99, v))
        prefectures = {g.pref_code: g for g in governments.values() if g.is_prefecture}
        for index, value in enumerate(ordered):
            codes = tuple(members[value])
            if grouping.basis[2] == "pref_code" and value in prefectures:
                pref = prefectures[value]
                title = words("localgov.prefecture_group", prefecture=pref.name)
                out.append(Group(grouping, value, pref.name, title, pref.href, codes))
            else:
                slug = TYPE_SLUGS.get(value, str(index + 1)) if grouping.basis[2] == "type" else str(index + 1)
                href = urls.group(f"{grouping.id}-{slug}")
                title = words("localgov.group", grouping=grouping.title, value=value)
                out.append(Group(grouping, value, value, title, href, codes))
    return out


def _measure(id_: str, role: Table, values: dict[str, Any], log: bool, decimals: int | None) -> Measure:
    numbers = {code: float(v) for code, v in values.items() if isinstance(v, (int, float)) and not isinstance(v, bool)}
    if log:
        numbers = {code: v for code, v in numbers.items() if v > 0}
    return Measure(id_, role.title, role.unit, numbers, log, decimals, _basis(role))


def _linked(
    package: Package, resource: Resource, ref: Package, governments: dict[str, Government], words: Strings
) -> Linked | None:
    """The resource's first foreign key into the local-government list, as a linked table."""
    if package.name == ref.name:
        return None
    entries: list[dict[str, Any]] = package.descriptor.get("resources", [])
    descriptor: dict[str, Any] = next((r for r in entries if r.get("name") == resource.name), {})
    schema = descriptor.get("schema", {})
    keys = [key for name in ("foreignKeys", "externalForeignKeys") for key in (schema.get(name) or [])]
    for key in keys:
        reference = key.get("reference", {}) if isinstance(key, dict) else {}
        fields, targets = _names(key.get("fields")), _names(reference.get("fields"))
        if reference.get("package") != ref.name or len(fields) != 1 or len(targets) != 1:
            continue
        target = _resource(ref, str(reference.get("resource")))
        if target is None or reference.get("resource") not in {"prefectures", "local-governments"}:
            continue
        level: Level = "prefecture" if target.name == "prefectures" else "municipality"
        to_code = {str(row[targets[0]]): str(row["code"]) for row in target.rows if row.get(targets[0]) is not None}
        return _link(package, resource, key, fields[0], level, to_code, governments, words)
    return None


def _link(
    package: Package,
    resource: Resource,
    key: dict[str, Any],
    name: str,
    level: Level,
    to_code: dict[str, str],
    governments: dict[str, Government],
    words: Strings,
) -> Linked:
    primary = [f.name for f in resource.fields if f.is_key]
    facets = tuple(f for f in primary if f != name)
    presence: dict[str, Any] = key["presence"] if isinstance(key.get("presence"), dict) else {}
    no_data = words("localgov.no_data")
    listed = str(presence.get("listed") or words("localgov.listed"))
    exhaustive = bool(presence.get("unlisted"))
    unlisted = str(presence.get("unlisted") or no_data)
    measure = key.get("measure") if key.get("measure") in {f.name for f in resource.fields} else None
    kind: Literal["presence", "category", "number"] = "presence"
    candidates = [f for f in resource.fields if not f.is_key and f.name != name and f.name not in SKIPPED_FIELDS]
    chosen = next((f for f in resource.fields if f.name == measure), None)
    if chosen is None:
        chosen = next((f for f in candidates if f.type in {"integer", "number"} and f.unit), None)
    if chosen is None:
        chosen = next((f for f in candidates if f.type == "string" and f.constraints.get("enum")), None)
    if chosen is not None:
        kind = "number" if chosen.type in {"integer", "number"} else "category"
    rows_by_view: dict[tuple[Any, ...], dict[str, dict[str, Any]]] = {}
    for row in resource.rows:
        code = to_code.get(str(row.get(name)))
        if code is None:
            continue
        rows_by_view.setdefault(tuple(row.get(f) for f in facets), {}).setdefault(code, row)
    ordered = sorted(rows_by_view, key=lambda k: tuple(("" if v is None else str(v)) for v in k))
    varying = [i for i, f in enumerate(facets) if len({k[i] for k in ordered}) > 1]
    if chosen is not None and kind == "category":
        enum = [str(v) for v in chosen.constraints.get("enum", [])]
        seen = {str(r.get(chosen.name)) for by_code in rows_by_view.values() for r in by_code.values()}
        labels = [v for v in enum if v in seen] + sorted(seen - set(enum) - {"None"})
    else:
        labels = [listed] if kind == "presence" else []
    categories = [(label, PALETTE[i % len(PALETTE)]) for i, label in enumerate(labels)]
    if kind != "number":
        categories.append((unlisted, maps.NO_DATA_COLOUR))
    link = Linked(
        package=package,
        resource=resource,
        field=name,
        level=level,
        kind=kind,
        measure=chosen.name if chosen is not None else None,
        categories=categories,
        unlisted=unlisted,
        exhaustive=exhaustive,
        facets=facets,
        views=[],
        no_data=no_data,
        dropped_views=max(0, len(ordered) - MAX_VIEWS),
    )
    members = [g.code for g in governments.values() if g.level == level]
    for view_key in ordered[-MAX_VIEWS:]:
        view_rows = rows_by_view[view_key]
        label = words("list_separator_short").join(
            _facet_label(resource, facets[i], view_key[i], words) for i in varying
        )
        values: dict[str, Any] = {}
        for code in members:
            found = view_rows.get(code)
            if kind == "presence":
                values[code] = listed if found is not None else unlisted
            elif kind == "category":
                value = None if found is None or chosen is None else found.get(chosen.name)
                values[code] = unlisted if value is None else str(value)
            elif found is not None and chosen is not None and isinstance(found.get(chosen.name), (int, float)):
                values[code] = found[chosen.name]
        view = View(view_key, label, view_rows, values)
        if kind != "number":
            view.counts = [(c, sum(1 for v in values.values() if v == c), colour) for c, colour in categories]
        link.views.append(view)
    return link


def _facet_label(resource: Resource, name: str, value: Any, words: Strings) -> str:
    if name == "fiscal_year" and isinstance(value, int):
        return fiscal_year_label(value, words)
    return words("localgov.facet", field=resource.field(name).title, value=value)


def _names(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value] if isinstance(value, list) else []


def _source_figures(
    packages: dict[str, Package], roles: Roles, group_slugs: set[str], words: Strings
) -> tuple[list[SourceFigure], list[FigureProblem]]:
    """The figures declared in the peer groups' source-figures table, each read from its dataset row, and a
    problem for each declaration that cannot be read."""
    table = _resource(packages.get(roles.peer_groups), SOURCE_FIGURES)
    if table is None:
        return [], []
    figures: list[SourceFigure] = []
    problems: list[FigureProblem] = []
    for index, row in enumerate(table.rows):
        read = _source_figure(row, packages, roles, group_slugs, words)
        if isinstance(read, SourceFigure):
            figures.append(read)
        else:
            field, message = read
            problems.append(FigureProblem(table.package, table.name, index, str(row.get("figure")), field, message))
    return figures, problems


def _source_figure(
    row: dict[str, Any], packages: dict[str, Package], roles: Roles, group_slugs: set[str], words: Strings
) -> SourceFigure | tuple[str, str]:
    """One declared figure, read from its dataset row, or (the column at fault, why it cannot be read)."""
    if str(row["package"]) not in roles.benchmarks:
        return "package", f"{row['package']} is not one of the benchmarks of the site configuration"
    resource = _resource(packages.get(str(row["package"])), str(row["resource"]))
    if resource is None:
        return "resource", f"no table {row['package']}/{row['resource']}"
    conditions = dict(part.split("=", 1) for part in str(row["match"]).split(";") if "=" in part)
    found = [r for r in resource.rows if all(_shown(r.get(k)) == v for k, v in conditions.items())]
    names = {f.name for f in resource.fields}
    wanted = [str(row["value_field"])] + ([str(row["count_field"])] if row.get("count_field") else [])
    if len(found) != 1 or any(name not in names for name in (*wanted, *conditions)):
        return "match", f"the match must name existing fields and select exactly one row ({len(found)})"
    if row.get("group") and row["group"] not in group_slugs:
        return "group", f"no peer group {row['group']}"
    (source_row,) = found
    value = source_row.get(str(row["value_field"]))
    if value is None:
        return "value_field", "the value is missing in the source row"
    count_field = str(row.get("count_field") or "")
    count = source_row.get(count_field) if count_field else None
    source = resource.sources[0] if resource.sources else None
    return SourceFigure(
        id=str(row["figure"]),
        item=str(row.get("item") or ""),
        label=str(row["label"]),
        applies_to=str(row["applies_to"]),
        group=str(row.get("group") or ""),
        value=_as_printed(value, resource.field(str(row["value_field"])).unit),
        count="" if count is None else _as_printed(count, resource.field(count_field).unit),
        when=_when(source_row, source.reference_date if source else "", words),
        when_from_row=_when(source_row, "", words) != "",
        reconstructed=source_row.get("reconstructed") is True,
        slide=source.slide if source else "",
        resource=resource,
    )


def _as_printed(value: Any, unit: str | None) -> str:
    """A value as the source prints it (55.0 stays 55.0), thousands separated, with its unit."""
    text = f"{value:,}" if isinstance(value, (int, float)) and not isinstance(value, bool) else str(value)
    return text + (unit or "")


def _shown(value: Any) -> str:
    return value.isoformat() if isinstance(value, date) else "" if value is None else str(value)


def _when(row: dict[str, Any], reference_date: str, words: Strings) -> str:
    """The row's date (時点) or fiscal year (marked when the row's status is the planned one), else the reference
    date its table's source gives."""
    for name, value in row.items():
        if isinstance(value, date) and name.endswith("date"):
            return words("localgov.as_of", date=date_label(value, words))
    if isinstance(row.get("fiscal_year"), int):
        year = fiscal_year_label(row["fiscal_year"], words)
        return words("localgov.planned_year", year=year) if row.get("status") == PLANNED_STATUS else year
    return reference_date
