"""Stage 5: every output file as bytes, keyed by its path in the site. Nothing is written here.

Templates are jinja2 with autoescape and StrictUndefined; descriptions are Markdown rendered with
raw HTML off, since data packages are untrusted input. Every link is relative (``root``), so the
site works under any sub-path and when opened from disk.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlparse

from jinja2 import BytecodeCache, DictLoader, Environment, StrictUndefined, pass_context
from jinja2.bccache import Bucket
from jinja2.runtime import Context
from markupsafe import Markup

from . import localgov, standing, urls
from .cache import Cache, code_fingerprint, digest
from .charts import RenderedChart
from .config import Document, Goal, NavItem
from .content import Content, JapaneseMarkdown, Page
from .formatting import (
    empty_meaning,
    format_cell,
    format_constraints,
    glossary_href,
    rounds_counts,
    typeset,
    value_names,
)
from .localgov import pages as localgov_pages
from .localgov.model import Government, Group, Linked, LocalGov
from .localgov.pages import MapPlan
from .memo import RenderMemo
from .model import Area, License, Package, Resource, Site, fiscal_year_label
from .pages import charts as chart_pages
from .pages import discovery, downloads, listings
from .pages import prose as prose_pages
from .pages.record import Crumb, PageRecord, Renderer
from .policy import pages as logic_pages
from .policy.logic import LogicModel
from .strings import Strings
from .typeset import unify_years

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'"
)

Outputs = dict[str, bytes]
NO_CONTENT = Content()


@dataclass(frozen=True)
class RenderOptions:
    built_on: str | None = None  # a date from SOURCE_DATE_EPOCH; no wall clock otherwise
    base_url: str | None = None  # where the site is published, for sitemap.xml and absolute links
    compiled_templates: BytecodeCache | None = None  # compiling the templates is ~0.7 s of every build
    page_cache: Cache | None = None  # rendered pages, reused while everything they show is unchanged (memo.py)
    strings: Strings = field(default_factory=lambda: Strings("ja"))  # the words Python puts on pages (strings.py)
    config_text: str = ""  # the site configuration as written: every page depends on it


class CompiledTemplates(BytecodeCache):
    """Compiled templates kept in the build's cache, keyed by their source and the build's code."""

    def __init__(self, cache: Cache) -> None:
        self.cache = cache

    def _key(self, bucket: Bucket) -> str:
        return digest("jinja", code_fingerprint(), bucket.key, bucket.checksum)

    def load_bytecode(self, bucket: Bucket) -> None:
        data = self.cache.get("templates", self._key(bucket))
        if data is not None:
            bucket.bytecode_from_string(data)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.cache.put("templates", self._key(bucket), bucket.bytecode_to_string())


def render_site(
    site: Site,
    charts: list[RenderedChart],
    templates: dict[str, str],
    static: dict[str, bytes],
    options: RenderOptions,
    logic_models: Sequence[LogicModel] = (),
    content: Content = NO_CONTENT,
    local: LocalGov | None = None,
    map_plan: MapPlan | None = None,
) -> Outputs:
    """Every page and download, keyed by its path. Nothing else: the charts and maps the pages show were planned
    before (``charts``, ``map_plan``) and are collected by the caller. ``logic_models``: one for each goal that has
    one; ``local``: the local-government model, when the site has one."""
    config = site.config
    words = options.strings
    markdown = JapaneseMarkdown(content.glossary)  # one renderer for descriptions and prose pages
    env = make_environment(templates, markdown, options.compiled_templates, options.strings)
    # Seen by every template and macro: a chart's address and a citation are absolute when this is known.
    env.globals.update(site_url=options.base_url, site_title=config.name)
    by_resource: dict[tuple[str, str], list[RenderedChart]] = {}
    for rendered in charts:
        by_resource.setdefault((rendered.package, rendered.resource), []).append(rendered)
    # Prose pages pass their bodies as arguments; the glossary links terms on every page.
    frame = (
        code_fingerprint(),
        sorted(templates.items()),
        options.built_on,
        options.base_url,
        content.glossary,
        options.config_text,
    )
    memo = RenderMemo(options.page_cache or Cache(None), frame, SHARED_TYPES)
    memo.share(by_resource)
    for package in site.packages if memo.enabled else ():
        # A package is made from its descriptor and its CSV texts alone: hash those instead of its rows.
        descriptor = json.dumps(package.descriptor, sort_keys=True, ensure_ascii=False)
        package_digest = digest("package", descriptor, *(part for r in package.resources for part in (r.name, r.text)))
        memo.known(package, package_digest)
        for resource in package.resources:
            memo.known(resource, digest("resource", package_digest, resource.name))
    areas = [a for a in site.areas if a.always_listed or site.packages_in(a)]
    models = {m.goal.slug: m for m in logic_models if m.goal is not None}
    page = _page_renderer(env, site, options, memo, _navigation(site, areas, models, content, local))
    out: Outputs = {}

    summaries = [
        {
            "area": area,
            "packages": len(site.packages_in(area)),
            "resources": sum(len(p.resources) for p in site.packages_in(area)),
            "charts": sum(len(r.charts) for p in site.packages_in(area) for r in p.resources),
        }
        for area in areas
    ]
    home = next((p for p in content.pages if p.kind == "page" and p.slug == prose_pages.HOME_CONTENT), None)
    home_seen: set[str] = set()
    charts_index = {(c.package, c.resource, c.chart.name): c for group in by_resource.values() for c in group}
    macros = env.get_template("_partials.html").make_module({})

    def prose(item: Page, root: str, seen: set[str]) -> Markup:
        return prose_pages.prose_html(item, markdown, root, seen, charts_index, macros, words)

    home_body = prose(home, "", home_seen) if home else None
    goal_summaries = [
        {
            "goal": goal,
            "areas": [a for a in areas if a.goal == goal.slug],
            "packages": sum(len(site.packages_in(a)) for a in goal.areas),
        }
        for goal in (config.goals if config.several_goals else ())
    ]
    out["index.html"] = page(
        PageRecord(
            "index.html",
            "index.html",
            config.name,
            config.description,
            [],
            {
                "area_summaries": [
                    s for s, a in zip(summaries, areas, strict=True) if not (config.several_goals and a.goal)
                ],
                "goal_summaries": goal_summaries,
                "numbered_areas": sum(1 for goal in config.goals for a in goal.areas if a.always_listed),
                "home_lead": Markup(markdown.md.renderInline(home.lead)) if home and home.lead else None,
                "home_body": home_body,
                "glossary_seen": home_seen,
                "has_charts": bool(home and any(d.kind == "chart" for d in home.directives)),
            },
        )
    )
    if config.several_goals:
        out.update(_goal_pages(site, areas, models, page, words))

    for area in areas:
        model = models.get(area.goal)
        measures = [m for m in model.measures if m.area == str(area.number)] if model is not None else []
        goal = config.goal(area.goal)
        packages = site.packages_in(area)
        out.update(listings.area_pages(area, packages, page, macros, by_resource, memo, words, measures, goal))
    out.update(listings.catalogue_pages(site, areas, page, macros, memo, words))
    for package in site.packages:
        path = urls.dataset(package.name)
        context = {
            "package": package,
            "area": site.area_of(package),
            "charts_by_resource": by_resource,
            "changelog": discovery.changelog(package, words),
            "jsonld": discovery.dataset_jsonld(package, options.base_url or "../../", config.name, config.language),
        }
        for preview_rows in DATASET_PREVIEW_ROWS:
            # Tables longer than the preview are in full in the CSV: fewer preview rows keep a big page light.
            out[path] = page(
                PageRecord(
                    path,
                    "dataset.html",
                    package.title,
                    _plain(package.description)[:160] or package.title,
                    [(words("home"), urls.HOME), (words("datasets"), urls.DATASETS), (package.title, None)],
                    {
                        "preview_rows": preview_rows,
                        "og_chart": listings.first_chart([package], by_resource),
                        "has_charts": any(r.charts for r in package.resources),
                        **context,
                    },
                )
            )
            if len(out[path]) <= PAGE_BUDGET:
                break
        out.update(_downloads(package, site.area_of(package), config.name, env, options, memo))
    out.update(chart_pages.chart_pages(site, charts, page, PAGE_BUDGET, words))
    for model in logic_models:
        out.update(logic_pages.logic_pages(model, site, page, by_resource, words))
    out.update(prose_pages.content_pages(content, page, prose, site, words))
    if local is not None and map_plan is not None:
        out.update(localgov_pages.render_localgov(local, map_plan, page, by_resource, words))
    out["404.html"] = page(PageRecord("404.html", "404.html", words("not_found"), words("not_found_description"), []))
    out.update(_discovery_files(site, out, options, memo, env))
    for name, data in static.items():
        out[f"assets/{name}"] = data
    return out


def make_environment(
    templates: dict[str, str],
    markdown: JapaneseMarkdown | None = None,
    compiled: BytecodeCache | None = None,
    words: Strings | None = None,
) -> Environment:
    """The templates' environment and its filters. The filters that write words (years, empty cells, the data
    dictionary) need the catalogue: a page made without it (the redirect page) uses none of them."""
    env = Environment(
        loader=DictLoader(templates),
        autoescape=True,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        bytecode_cache=compiled,
    )
    markdown = markdown or JapaneseMarkdown()

    @pass_context
    def render_markdown(context: Context, text: Any) -> Markup:
        """Markdown from data packages; glossary terms are linked on their first use on the page."""
        assert words is not None
        root, seen = context.get("root"), context.get("glossary_seen")
        if not isinstance(root, str) or not isinstance(seen, set):
            return typeset(Markup(markdown.render(str(text or ""))), words=words)
        rendered = markdown.render(str(text or ""), lambda term: glossary_href(term, root), seen)
        return typeset(Markup(rendered), words=words)

    env.globals["url"] = urls  # the one URL scheme: url.dataset(name), url.area(slug) … (urls.py)
    if words is not None:
        env.filters["markdown"] = render_markdown
        env.filters["cell"] = functools.partial(format_cell, words=words)
        env.filters["constraints"] = functools.partial(format_constraints, words=words)
        env.filters["fiscal_year"] = functools.partial(fiscal_year_label, words=words)
        env.filters["typeset"] = functools.partial(typeset, words=words)
        env.filters["date_label"] = functools.partial(_date_text, words=words)
        # plain text (an alt attribute): years in the site's style
        env.filters["years"] = functools.partial(unify_years, words=words)
    env.filters["json_script"] = json_script
    env.filters["safe_url"] = is_safe_url
    env.filters["empty_meaning"] = empty_meaning
    env.filters["value_names"] = value_names
    env.filters["rounds_counts"] = rounds_counts
    env.filters["evidence_href"] = logic_pages.evidence_href
    env.filters["row_standing"] = standing.of_row  # a row's standing and its id: templates/_standing.html
    env.filters["statement"] = standing.statement_of
    return env


# Objects that many pages show: each is hashed once for the page cache's keys (memo.py).
SHARED_TYPES = (Site, Package, Resource, LogicModel, Linked, LocalGov, Government, Group)
PAGE_BUDGET = 96 * 1024  # bytes of HTML a page should stay under
DATASET_PREVIEW_ROWS = (20, 10, 5, 3, 2, 1)  # table preview rows on a dataset page, fewer while the page is over budget


@dataclass(frozen=True)
class NavLink:
    """An entry of the header or footer: ``key`` names a section whose label is the template's, or is
    ``area`` or ``page`` with its own ``title``."""

    key: str
    href: str
    title: str = ""


@dataclass(frozen=True)
class Navigation:
    header: tuple[NavLink, ...]
    footer: tuple[NavLink, ...]
    sections: dict[str, bool]  # the local-government pages and the maps, which the home page offers too


def _navigation(
    site: Site, areas: list[Area], models: dict[str, LogicModel], content: Content, local: LocalGov | None
) -> Navigation:
    """The header and footer the configuration declares, with only the pages this build makes."""
    config = site.config
    # The local-government pages and maps exist only with their reference data.
    sections = {"local_governments": local is not None, "maps": local is not None and localgov.has_maps(local)}
    single = config.goals[0] if not config.several_goals else None
    made = {
        "programmes": urls.PROGRAMMES if any(p.kind == "programme" for p in content.pages) else "",
        "logic-model": urls.logic_model("") if single is not None and single.slug in models else "",
        "review": urls.review("") if single is not None and single.slug in models else "",
        "local-governments": urls.LOCAL_GOVERNMENTS if sections["local_governments"] else "",
        "maps": urls.MAPS if sections["maps"] else "",
        "datasets": urls.DATASETS,
        "glossary": urls.GLOSSARY if content.glossary else "",
        "feed": urls.FEED,
        "all-data": urls.ALL_DATA,
        "catalog": urls.CATALOG,
    }
    pages = {p.slug: p for p in content.pages if p.kind == "page"}

    def links(items: tuple[NavItem, ...]) -> tuple[NavLink, ...]:
        out: list[NavLink] = []
        for item in items:
            if item.page:
                if item.page in pages:
                    out.append(
                        NavLink("page", urls.prose_page("page", item.page), item.label or pages[item.page].title)
                    )
            elif item.section == "areas" and single is not None:
                out += [NavLink("area", urls.area(a.slug), item.label or a.title) for a in areas]
            elif item.section == "areas":
                out.append(NavLink("goals", urls.GOALS, item.label))
            elif made.get(item.section):
                out.append(NavLink(item.section, made[item.section], item.label))
        return tuple(out)

    return Navigation(links(config.header), links(config.footer), sections)


def _goal_pages(
    site: Site, areas: list[Area], models: dict[str, LogicModel], page: Renderer, words: Strings
) -> Outputs:
    """On a site of several goals: the list of goals, and a page for each (its areas, logic model and review)."""
    config = site.config
    home = (words("home"), "index.html")
    listing = (words("goals"), urls.GOALS)
    summaries = [
        {"goal": goal, "areas": [a for a in areas if a.goal == goal.slug], "has_logic_model": goal.slug in models}
        for goal in config.goals
    ]
    out: Outputs = {
        listing[1]: page(
            PageRecord(
                listing[1],
                "goals.html",
                listing[0],
                words("goals_description", site=config.name),
                [home, (listing[0], None)],
                {"goal_summaries": summaries},
            )
        )
    }
    for summary in summaries:
        goal: Goal = summary["goal"]  # type: ignore[assignment]
        path = f"{goal.path}index.html"
        out[path] = page(
            PageRecord(
                path,
                "goal.html",
                goal.title,
                words("goal_description", goal=goal.title),
                [home, listing, (goal.title, None)],
                {
                    "goal": goal,
                    "goal_path": goal.path,
                    "summary": summary,
                    "area_packages": {a.slug: len(site.packages_in(a)) for a in goal.areas},
                },
            )
        )
    return out


def _page_renderer(
    env: Environment, site: Site, options: RenderOptions, memo: RenderMemo, navigation: Navigation
) -> Renderer:
    config = site.config
    words = options.strings
    sections = navigation.sections
    documents = {goal.slug: cited(goal.source, words) for goal in config.goals}
    site_document = documents[config.goals[0].slug] if not config.several_goals else ""
    packages_by_name = {package.name: package for package in site.packages}

    def page(record: PageRecord) -> bytes:
        template, path, title, description = record.template, record.path, record.title, record.description
        crumbs, context = list(record.crumbs), dict(record.context)
        arguments = (template, path, title, description, crumbs, navigation, context)
        return memo.get_or_render("page", arguments, lambda: draw(template, path, title, description, crumbs, context))

    def draw(
        template: str, path: str, title: str, description: str, crumbs: list[Crumb], context: dict[str, Any]
    ) -> bytes:
        context = dict(context)
        root = "../" * path.count("/")
        goal = context.get("goal")
        html = env.get_template(template).render(
            root=root,
            csp=CSP,
            site_title=config.name,
            site_notice=config.notice,
            site_config=config,
            site_packages=packages_by_name,  # a role's package, for its sources and dates (site.toml [roles])
            document_title=documents[goal.slug] if isinstance(goal, Goal) else site_document,
            page_title=title,
            page_description=description,
            nav_header=navigation.header,
            nav_footer=navigation.footer,
            nav_sections=sections,
            goal_path=context.pop("goal_path", ""),
            built_on=options.built_on,
            breadcrumbs=[(label, root + href if href else None) for label, href in crumbs],
            has_charts=context.pop("has_charts", False),
            glossary_seen=context.pop("glossary_seen", set()),
            og_image=_og_image(context.pop("og_chart", None), root, options.base_url),
            canonical=options.base_url + path if options.base_url else None,
            **context,
        )
        return html.encode("utf-8")

    return page


def _discovery_files(site: Site, out: Outputs, options: RenderOptions, memo: RenderMemo, env: Environment) -> Outputs:
    base = options.base_url or ""
    name = site.config.name
    words = options.strings
    files: Outputs = {
        "robots.txt": discovery.robots(options.base_url),
        "catalog.jsonld": memo.get_or_render(
            "catalog.jsonld", (site, base), lambda: discovery.json_bytes(discovery.dcat_catalog(site, base, name))
        ),
        "feed.xml": memo.get_or_render("feed.xml", (site, base), lambda: discovery.atom_feed(site, name, base, words)),
    }
    # All the data: each dataset's README, datapackage.json and both CSVs, a README and the licences at the top.
    data: dict[str, bytes] = {}
    dates: dict[str, discovery.ZipDate] = {}
    for package in site.packages:
        folder = urls.dataset_folder(package.name)
        names = ["README.txt", "datapackage.json"]
        names += [f"{r.name}{suffix}" for r in package.resources for suffix in (".csv", ".excel.csv")]
        date = discovery.zip_date(package.updated, options.built_on)
        for name in names:
            data[folder + name] = out[folder + name]
            dates[folder + name] = date
    licences: dict[tuple[str, str, str], list[str]] = {}
    for package in site.packages:
        for licence in package.licenses:
            licences.setdefault((licence.name, licence.title, licence.path), []).append(package.name)
    listed = [(License(*key), names) for key, names in licences.items()]
    data["LICENSE.txt"] = _text(env, "all_data_license.txt", licences=listed)
    data["README.txt"] = _text(env, "all_data_readme.txt", packages=list(site.packages))
    newest = max((dates[name] for name in dates), default=discovery.zip_date("", options.built_on))
    contents = digest(
        "zip", repr(sorted(dates.items())), *(part for name in sorted(data) for part in (name, data[name]))
    )
    files["downloads/all-data.zip"] = memo.get_or_render(
        "all-data.zip", contents, lambda: discovery.data_zip(data, dates, newest)
    )
    if options.base_url:
        pages = [name for name in out if name.endswith(".html") and name != "404.html"]
        files["sitemap.xml"] = discovery.sitemap(pages, options.base_url)
    return files


def _text(env: Environment, template: str, **context: Any) -> bytes:
    """A plain-text file (a README, the licences) from its template: UTF-8, with Windows line ends, which every
    editor shows as lines (Notepad included)."""
    text = env.get_template(template).render(**context)
    return text.replace("\r\n", "\n").replace("\n", "\r\n").encode("utf-8")


def _og_image(chart: RenderedChart | None, root: str, base_url: str | None) -> str | None:
    """The chart image that link previews show (absolute when the published address is known)."""
    if chart is None:
        return None
    return (base_url or root) + urls.chart_image(chart.package, chart.slug)


def _downloads(
    package: Package, area: Area | None, site_name: str, env: Environment, options: RenderOptions, memo: RenderMemo
) -> Outputs:
    """A dataset's files: each table's two CSVs, its datapackage.json, a README, its citation (CSL-JSON and
    BibTeX) and a zip of them all, dated from the data's last change."""
    folder = urls.dataset_folder(package.name)
    words = options.strings
    out: Outputs = {}
    totals: dict[str, list[str]] = {}
    for resource, descriptor in zip(package.resources, package.descriptor["resources"], strict=True):
        table = downloads.Table.of(resource.text, descriptor)
        out[f"{folder}{resource.name}.csv"] = downloads.program_csv(table)
        out[f"{folder}{resource.name}.excel.csv"] = downloads.excel_csv(table, words)
        labels = downloads.total_labels(table)
        if labels:
            totals[resource.name] = labels
    out[f"{folder}datapackage.json"] = memo.get_or_render(
        "datapackage.json", package, lambda: _download_descriptor(package)
    )
    address = f"{options.base_url}{folder}index.html" if options.base_url else None
    out[f"{folder}citation.json"] = discovery.csl_json(package, address, site_name, words)
    out[f"{folder}citation.bib"] = discovery.bibtex(package, address, site_name, words)
    out[f"{folder}README.txt"] = memo.get_or_render(
        "README.txt",
        (package, area, totals),
        lambda: _text(
            env,
            "dataset_readme.txt",
            package=package,
            area=area,
            totals=totals,
            changelog=discovery.changelog(package, words),
        ),
    )
    date = discovery.zip_date(package.updated, options.built_on)
    inside = [name for name in out if not name.endswith(("citation.json", "citation.bib"))]
    files = {f"{package.name}/{name.removeprefix(folder)}": out[name] for name in inside}
    out[f"{folder}{package.name}.zip"] = memo.get_or_render(
        "dataset.zip", (package, date, sorted(files)), lambda: discovery.data_zip(files, {}, date)
    )
    return out


def _download_descriptor(package: Package) -> bytes:
    """The package's descriptor as published beside its CSVs (UTF-8, comma-separated, relative paths)."""
    descriptor = json.loads(json.dumps(package.descriptor))
    for resource, entry in zip(package.resources, descriptor["resources"], strict=True):
        entry.update(path=f"{resource.name}.csv", encoding="utf-8")
        entry.pop("dialect", None)
    return discovery.json_bytes(descriptor, sort_keys=False)


def cited(document: Document, words: Strings) -> str:
    """A source document as a citation names it (its publisher, then its title in brackets)."""
    return words("cited_document", publisher=document.publisher, title=document.title)


def redirect_files(
    leads: dict[str, str], outputs: Outputs, templates: dict[str, str], site_title: str, language: str
) -> Outputs:
    """At each address the site no longer publishes: a page that leads to its new address (for a page), or the
    new file's bytes (for a file: a static host cannot redirect a CSV). See addresses.py."""
    from . import addresses

    env = make_environment(templates) if any(address.endswith(".html") for address in leads) else None
    out: Outputs = {}
    for address, to in sorted(leads.items()):
        if env is None or not address.endswith(".html"):
            out[address] = outputs[to]
            continue
        root = "../" * address.count("/")
        out[address] = (
            env.get_template("redirect.html")
            .render(
                root=root, csp=CSP, site_title=site_title, language=language, target=addresses.relative(address, to)
            )
            .encode("utf-8")
        )
    return out


def json_script(value: Any) -> Markup:
    """JSON safe inside <script type="application/json">: no '<' can close the element."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def is_safe_url(value: Any) -> bool:
    """Only http(s) links are rendered as links; anything else (javascript:, data:) stays text."""
    return isinstance(value, str) and urlparse(value.strip()).scheme in {"http", "https"}


def _date_text(value: Any, words: Strings) -> str:
    """An ISO date (a package's update) in the site's style; any other text with its years unified."""
    return unify_years(str(value), words)


def _plain(markdown_text: str) -> str:
    return " ".join(markdown_text.split())
