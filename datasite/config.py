"""The site's identity as data: ``site.toml`` (docs/site-configuration.md), parsed and checked. Pure functions.

One file declares what the generator would otherwise have to know: the site's name, publisher and description,
its policy goals (施策目標) with their areas and source documents, its navigation, and which data packages play
which role (the list of local governments, their population and fiscal strength, the peer groups, the benchmark
figures, each goal's logic model). ``load`` reads the file's text; :func:`parse` turns it into a
:class:`SiteConfig` and collects a problem line for everything wrong with it, located by line and field
(``site.toml:12: field "goals[0].areas[1].slug": …``); :func:`check_data` then checks it against the data
packages, which it names and which name its areas.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from . import urls
from .errors import Problem, Severity

if TYPE_CHECKING:
    from .load import RawPackage

FILE_NAME = "site.toml"
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
# The resources a logic-model package holds (logic.LOGIC_RESOURCES; repeated here to keep this module light).
LOGIC_RESOURCES = ("goals", "issues", "targets", "indicators", "measures", "measure-links")
# What navigation may link to, besides the areas: each is shown only when the build makes its page.
SECTIONS = (
    "areas",
    "programmes",
    "logic-model",
    "review",
    "local-governments",
    "maps",
    "datasets",
    "glossary",
    "feed",
    "all-data",
    "catalog",
)
DEFAULT_HEADER = ("areas", "programmes", "logic-model", "local-governments", "maps", "datasets", "glossary")
DEFAULT_FOOTER = ("feed", "all-data", "catalog")


@dataclass(frozen=True)
class Area:
    """A policy area (政策分野): one of a goal's areas, or (``goal`` empty) an area of the whole site."""

    number: int
    slug: str
    title: str
    title_en: str
    goal: str = ""  # the slug of its goal; "" for an area of the whole site (reference data)

    @property
    def always_listed(self) -> bool:
        """A goal's numbered areas are listed even while empty; the goal as a whole (0) and the site's own
        areas only when they hold packages."""
        return bool(self.goal) and self.number >= 1


@dataclass(frozen=True)
class Document:
    """The source document of a goal, as it names itself."""

    title: str
    publisher: str
    date: str = ""  # as the document gives it
    url: str = ""  # only when the document names its own address


@dataclass(frozen=True)
class Goal:
    slug: str
    number: str  # as the document prints it (Ⅰ-2-3)
    title: str  # 施策目標Ⅰ-2-3
    title_en: str
    statement: str  # the goal's own sentence
    source: Document
    areas: tuple[Area, ...]
    logic_model: str = ""  # the package holding its logic model, if any
    fiscal_year: int | None = None  # the fiscal year of the sheet (its checklist's 当該年度)
    path: str = ""  # where its own pages live: "" when it is the site's only goal, else goals/<slug>/


@dataclass(frozen=True)
class Table:
    """A column of a table that plays a role (the population of each local government)."""

    package: str
    resource: str
    field: str
    title: str
    unit: str = ""


@dataclass(frozen=True)
class Roles:
    local_governments: str = ""
    peer_groups: str = ""
    population: Table | None = None
    fiscal_strength: Table | None = None
    benchmarks: tuple[str, ...] = ()

    @property
    def packages(self) -> tuple[str, ...]:
        tables = [t.package for t in (self.population, self.fiscal_strength) if t is not None]
        named = [self.local_governments, self.peer_groups, *tables, *self.benchmarks]
        return tuple(dict.fromkeys(name for name in named if name))


@dataclass(frozen=True)
class NavItem:
    """An entry of the header or footer: a section of the site (``section``) or a Markdown page (``page``)."""

    section: str = ""
    page: str = ""
    label: str = ""  # instead of the section's label or the page's title


@dataclass(frozen=True)
class SiteConfig:
    name: str
    publisher: str
    description: str
    goals: tuple[Goal, ...]
    name_en: str = ""
    language: str = "ja"
    notice: str = ""  # a line shown at the top of every page (an example site says it is one)
    site_areas: tuple[Area, ...] = ()
    header: tuple[NavItem, ...] = tuple(NavItem(s) for s in DEFAULT_HEADER)
    footer: tuple[NavItem, ...] = tuple(NavItem(s) for s in DEFAULT_FOOTER)
    roles: Roles = field(default_factory=Roles)
    source: str = FILE_NAME  # the file, as problem lines name it
    lines: dict[str, int] = field(default_factory=dict, compare=False, repr=False)  # field path → line

    @property
    def areas(self) -> tuple[Area, ...]:
        """Every area in the order declared: each goal's, then the site's own."""
        return (*(a for g in self.goals for a in g.areas), *self.site_areas)

    def goal(self, slug: str) -> Goal | None:
        return next((g for g in self.goals if g.slug == slug), None)

    def area_of(self, number: int, goal: str) -> Area | None:
        """The area a package or page names by its number (and, on a site of several goals, its goal)."""
        return next((a for a in self.areas if a.number == number and a.goal == goal), None)

    def goal_of_number(self, number: int, declared: str) -> str:
        """The goal an item belongs to, from the goal it declares ("" if none) and its area number: a site-wide
        area belongs to no goal; on a site of one goal, every other area is that goal's."""
        if declared:
            return declared
        if any(a.number == number for a in self.site_areas):
            return ""
        return self.goals[0].slug if len(self.goals) == 1 else ""

    @property
    def several_goals(self) -> bool:
        return len(self.goals) > 1

    def problem(self, where: str, message: str, severity: Severity = "error") -> Problem:
        """A problem with the field at ``where`` (``goals[0].logic_model``), at its line."""
        return Problem(self.source, _line_of(self.lines, where), where, message, severity)


# --- parsing ------------------------------------------------------------------------------------------------------


class _Reader:
    """Reads typed fields out of the parsed TOML, collecting a problem for each that is missing or wrong."""

    def __init__(self, source: str, lines: dict[str, int]) -> None:
        self.source = source
        self.lines = lines
        self.problems: list[Problem] = []

    def add(self, where: str, message: str, severity: Severity = "error") -> None:
        self.problems.append(Problem(self.source, _line_of(self.lines, where), where, message, severity))

    def table(self, value: Any, where: str, known: Iterable[str]) -> dict[str, Any]:
        if not isinstance(value, dict):
            self.add(where, "must be a table")
            return {}
        allowed = list(known)
        for key in value:
            if key not in allowed:
                self.add(
                    _join(where, key), f"unknown field; the fields of {where or 'the file'} are {', '.join(allowed)}"
                )
        return value

    def text(self, table: dict[str, Any], where: str, key: str, *, required: bool = True) -> str:
        value = table.get(key)
        if value is None:
            if required:
                self.add(_join(where, key), "required: a text")
            return ""
        if not isinstance(value, str):
            self.add(_join(where, key), f"must be a text, not {_kind(value)}")
            return ""
        if required and not value.strip():
            self.add(_join(where, key), "must not be empty")
        return value

    def slug(self, table: dict[str, Any], where: str, key: str, *, required: bool = True) -> str:
        value = self.text(table, where, key, required=required)
        if value and not SLUG.match(value):
            self.add(_join(where, key), f'"{value}" is not a slug: use lower-case a-z, 0-9 and "-"')
            return ""
        return value

    def integer(self, table: dict[str, Any], where: str, key: str, *, required: bool = True) -> int | None:
        value = table.get(key)
        if value is None:
            if required:
                self.add(_join(where, key), "required: a whole number")
            return None
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            self.add(_join(where, key), f"must be a whole number of 0 or more, not {_shown(value)}")
            return None
        return value

    def tables(self, value: Any, where: str) -> list[tuple[str, dict[str, Any]]]:
        """An array of tables (``[[goals]]``), each with its path."""
        if value is None:
            return []
        if not isinstance(value, list):
            self.add(where, f"must be an array of tables ([[{where}]]), not {_kind(value)}")
            return []
        out = []
        for index, item in enumerate(value):
            if isinstance(item, dict):
                out.append((f"{where}[{index}]", item))
            else:
                self.add(f"{where}[{index}]", "must be a table")
        return out


def parse(text: str, source: str = FILE_NAME) -> tuple[SiteConfig | None, list[Problem]]:
    """The configuration in ``text`` (the file shown as ``source``), or None and why it cannot be read."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        line, message = _decode_error(str(error))
        return None, [Problem(source, line, None, f"not valid TOML: {message}")]
    lines = locate(text)
    read = _Reader(source, lines)
    top = read.table(data, "", ("site", "navigation", "roles", "goals", "areas"))
    site_fields = ("name", "name_en", "publisher", "description", "language", "notice")
    if "site" in top:
        site = read.table(top["site"], "site", site_fields)
        name = read.text(site, "site", "name")
        publisher = read.text(site, "site", "publisher")
        description = read.text(site, "site", "description")
    else:  # said once, not field by field
        read.add("site", "required: a [site] table with name, publisher and description")
        site, name, publisher, description = {}, "", "", ""
    name_en = read.text(site, "site", "name_en", required=False)
    notice = read.text(site, "site", "notice", required=False)
    language = read.text(site, "site", "language", required=False) or "ja"

    goal_tables = read.tables(top.get("goals"), "goals")
    if not goal_tables and not any(p.field == "goals" for p in read.problems):
        read.add("goals", "required: at least one policy goal ([[goals]] with its [[goals.areas]])")
    several = len(goal_tables) > 1
    goals = [_goal(read, where, table, several) for where, table in goal_tables]
    site_areas = tuple(_area(read, where, table, "") for where, table in read.tables(top.get("areas"), "areas"))
    header, footer = _navigation(read, top.get("navigation"))
    roles = _roles(read, top.get("roles"))
    config = SiteConfig(
        name=name,
        publisher=publisher,
        description=description,
        goals=tuple(goals),
        name_en=name_en,
        language=language,
        notice=notice,
        site_areas=site_areas,
        header=header,
        footer=footer,
        roles=roles,
        source=source,
        lines=lines,
    )
    read.problems += _uniqueness(config)
    return config, sorted(set(read.problems))


def _goal(read: _Reader, where: str, table: dict[str, Any], several: bool) -> Goal:
    known = ("slug", "number", "title", "title_en", "statement", "source", "areas", "logic_model", "fiscal_year")
    read.table(table, where, known)
    slug = read.slug(table, where, "slug")
    source_where = f"{where}.source"
    if "source" in table:
        source = read.table(table["source"], source_where, ("title", "publisher", "date", "url"))
        url = read.text(source, source_where, "url", required=False)
        if url and not re.match(r"^https?://", url):
            read.add(f"{source_where}.url", f'"{url}" is not an http(s) address')
            url = ""
        document = Document(
            title=read.text(source, source_where, "title"),
            publisher=read.text(source, source_where, "publisher"),
            date=read.text(source, source_where, "date", required=False),
            url=url,
        )
    else:
        read.add(source_where, "required: the source document ([goals.source] with its title and publisher)")
        document = Document("", "")
    # The areas name their goal even when its slug is wrong, so that they are not taken for the site's own.
    owner = slug or (table["slug"] if isinstance(table.get("slug"), str) and table["slug"] else where)
    areas = tuple(_area(read, w, t, owner) for w, t in read.tables(table.get("areas"), f"{where}.areas"))
    if not areas and "areas" not in table:
        read.add(f"{where}.areas", "required: at least one area ([[goals.areas]] with number, slug and titles)")
    logic_model = read.text(table, where, "logic_model", required=False)
    fiscal_year = read.integer(table, where, "fiscal_year", required=False)
    if logic_model and fiscal_year is None and "fiscal_year" not in table:
        read.add(
            f"{where}.fiscal_year", "required with a logic model: the fiscal year of the sheet (2025 for 令和7年度)"
        )
    return Goal(
        slug=slug,
        number=read.text(table, where, "number"),
        title=read.text(table, where, "title"),
        title_en=read.text(table, where, "title_en", required=False),
        statement=read.text(table, where, "statement"),
        source=document,
        areas=areas,
        logic_model=logic_model,
        fiscal_year=fiscal_year,
        path=urls.goal_folder(slug) if several else "",
    )


def _area(read: _Reader, where: str, table: dict[str, Any], goal: str) -> Area:
    read.table(table, where, ("number", "slug", "title", "title_en"))
    number = read.integer(table, where, "number")
    return Area(
        number=-1 if number is None else number,
        slug=read.slug(table, where, "slug"),
        title=read.text(table, where, "title"),
        title_en=read.text(table, where, "title_en", required=False),
        goal=goal,
    )


def _navigation(read: _Reader, value: Any) -> tuple[tuple[NavItem, ...], tuple[NavItem, ...]]:
    if value is None:
        return tuple(NavItem(s) for s in DEFAULT_HEADER), tuple(NavItem(s) for s in DEFAULT_FOOTER)
    table = read.table(value, "navigation", ("header", "footer"))
    lists = []
    for key, default in (("header", DEFAULT_HEADER), ("footer", DEFAULT_FOOTER)):
        where = f"navigation.{key}"
        entries = table.get(key)
        if entries is None:
            lists.append(tuple(NavItem(s) for s in default))
            continue
        if not isinstance(entries, list):
            read.add(where, f"must be an array of section names and {{ page = ... }} tables, not {_kind(entries)}")
            lists.append(())
            continue
        items = []
        for index, entry in enumerate(entries):
            at = f"{where}[{index}]"
            if isinstance(entry, str):
                if entry not in SECTIONS:
                    read.add(at, f'"{entry}" is not a section; the sections are {", ".join(SECTIONS)}')
                    continue
                items.append(NavItem(section=entry))
            elif isinstance(entry, dict):
                read.table(entry, at, ("page", "section", "label"))
                page = read.slug(entry, at, "page", required=False)
                section = read.text(entry, at, "section", required=False)
                label = read.text(entry, at, "label", required=False)
                if ("page" in entry) == ("section" in entry):
                    read.add(at, 'names either a page ({ page = "about" }) or a section ({ section = "glossary" })')
                    continue
                if not (page or section):
                    continue  # said above
                if section and section not in SECTIONS:
                    read.add(f"{at}.section", f'"{section}" is not a section; the sections are {", ".join(SECTIONS)}')
                    continue
                items.append(NavItem(section=section, page=page, label=label))
            else:
                read.add(at, f'must be a section name or a table such as {{ page = "about" }}, not {_kind(entry)}')
        lists.append(tuple(items))
    return lists[0], lists[1]


def _roles(read: _Reader, value: Any) -> Roles:
    if value is None:
        return Roles()
    known = ("local_governments", "peer_groups", "population", "fiscal_strength", "benchmarks")
    table = read.table(value, "roles", known)
    benchmarks = table.get("benchmarks", [])
    if not (isinstance(benchmarks, list) and all(isinstance(b, str) for b in benchmarks)):
        read.add("roles.benchmarks", "must be an array of package names")
        benchmarks = []
    return Roles(
        local_governments=read.text(table, "roles", "local_governments", required=False),
        peer_groups=read.text(table, "roles", "peer_groups", required=False),
        population=_role_table(read, table.get("population"), "roles.population"),
        fiscal_strength=_role_table(read, table.get("fiscal_strength"), "roles.fiscal_strength"),
        benchmarks=tuple(benchmarks),
    )


def _role_table(read: _Reader, value: Any, where: str) -> Table | None:
    if value is None:
        return None
    table = read.table(value, where, ("package", "resource", "field", "title", "unit"))
    return Table(
        package=read.text(table, where, "package"),
        resource=read.text(table, where, "resource"),
        field=read.text(table, where, "field"),
        title=read.text(table, where, "title"),
        unit=read.text(table, where, "unit", required=False),
    )


def _uniqueness(config: SiteConfig) -> list[Problem]:
    """Goal slugs and area slugs are unique in the site (areas are published under areas/<slug>/); area
    numbers are unique within a goal, and the site's own areas take numbers no goal uses."""
    problems: list[Problem] = []
    seen_goals: set[str] = set()
    for index, goal in enumerate(config.goals):
        if goal.slug and goal.slug in seen_goals:
            problems.append(config.problem(f"goals[{index}].slug", f'"{goal.slug}" is the slug of another goal'))
        seen_goals.add(goal.slug)
    seen_slugs: set[str] = set()
    goal_numbers = {a.number for g in config.goals for a in g.areas}
    places = [(f"goals[{i}].areas[{j}]", a) for i, g in enumerate(config.goals) for j, a in enumerate(g.areas)]
    places += [(f"areas[{j}]", a) for j, a in enumerate(config.site_areas)]
    numbers: set[tuple[str, int]] = set()
    for where, area in places:
        if area.slug and area.slug in seen_slugs:
            problems.append(config.problem(f"{where}.slug", f'"{area.slug}" is the slug of another area'))
        seen_slugs.add(area.slug)
        if area.number < 0:
            continue
        if (area.goal, area.number) in numbers:
            owner = f'goal "{area.goal}"' if area.goal else "the site's own areas"
            problems.append(
                config.problem(f"{where}.number", f"{area.number} is the number of another area of {owner}")
            )
        elif not area.goal and area.number in goal_numbers:
            message = f"{area.number} is the number of a goal's area; the site's own areas need numbers of their own"
            problems.append(config.problem(f"{where}.number", message))
        numbers.add((area.goal, area.number))
    return problems


# --- the configuration against the data ----------------------------------------------------------------------------


def check_data(config: SiteConfig, packages: list[RawPackage], pages: set[str]) -> list[Problem]:
    """Every package the configuration names exists (with the resource and field it names), and every package
    names an area (and, on a site of several goals, a goal) the configuration declares. ``pages``: the slugs of
    the Markdown pages, which navigation may name."""
    problems = check_roles(config, packages)
    for key, items in (("header", config.header), ("footer", config.footer)):
        for index, item in enumerate(items):
            if item.page and item.page not in pages:
                message = f'no page "{item.page}" (content/{item.page}.md)'
                problems.append(config.problem(f"navigation.{key}[{index}].page", message))
    for package in packages:
        problems += package_area_problems(config, package.display_path, package.descriptor)
    return problems


def check_roles(config: SiteConfig, packages: list[RawPackage]) -> list[Problem]:
    """Every package the configuration names (in a role, or as a goal's logic model) exists and holds what the
    role needs. Runs on a configuration with problems of its own too, so that the first build says everything."""
    problems: list[Problem] = []
    by_name = {str(p.descriptor.get("name")): p for p in packages}
    folders = {p.folder for p in packages}

    def exists(where: str, name: str, role: str) -> RawPackage | None:
        if name and name not in by_name:
            known = "no package" if name not in folders else "no valid package"
            problems.append(config.problem(where, f'{known} "{name}" in the data folder ({role})'))
            return None
        return by_name.get(name)

    roles = config.roles
    exists("roles.local_governments", roles.local_governments, "the list of local governments")
    exists("roles.peer_groups", roles.peer_groups, "the peer groups")
    for key, table in (("population", roles.population), ("fiscal_strength", roles.fiscal_strength)):
        if table is None:
            continue
        package = exists(f"roles.{key}.package", table.package, key.replace("_", " "))
        if package is not None:
            problems += _table_problems(config, f"roles.{key}", package, table)
    for index, name in enumerate(roles.benchmarks):
        exists(f"roles.benchmarks[{index}]", name, "a benchmark")
    for index, goal in enumerate(config.goals):
        package = exists(f"goals[{index}].logic_model", goal.logic_model, "the goal's logic model")
        if package is not None:
            names = {str(r.get("name")) for r in package.descriptor.get("resources", []) if isinstance(r, dict)}
            missing = [name for name in LOGIC_RESOURCES if name not in names]
            if missing:
                message = f'"{goal.logic_model}" has no resource {", ".join(missing)}: it holds no logic model'
                problems.append(config.problem(f"goals[{index}].logic_model", message))
    return problems


def _table_problems(config: SiteConfig, where: str, package: RawPackage, table: Table) -> list[Problem]:
    resources = [r for r in package.descriptor.get("resources", []) if isinstance(r, dict)]
    resource = next((r for r in resources if r.get("name") == table.resource), None)
    if resource is None:
        return [config.problem(f"{where}.resource", f'"{table.package}" has no resource "{table.resource}"')]
    schema = resource.get("schema")
    fields = schema.get("fields", []) if isinstance(schema, dict) else []
    if not any(isinstance(f, dict) and f.get("name") == table.field for f in fields):
        message = f'{table.package}/{table.resource} has no field "{table.field}"'
        return [config.problem(f"{where}.field", message)]
    return []


def package_area_problems(config: SiteConfig, path: str, descriptor: dict[str, Any]) -> list[Problem]:
    """The package's ``policy_area`` (and ``policy_goal``) name an area of the configuration."""
    number = descriptor.get("policy_area")
    if not isinstance(number, int) or isinstance(number, bool):
        return []  # rules reports it
    declared = descriptor.get("policy_goal", "")
    if not isinstance(declared, str):
        return [Problem(path, None, "policy_goal", "must be the slug of a goal of the site configuration")]
    if declared and config.goal(declared) is None:
        goals = ", ".join(g.slug for g in config.goals)
        return [Problem(path, None, "policy_goal", f'"{declared}" is not a goal of {config.source} ({goals})')]
    goal = config.goal_of_number(number, declared)
    if config.area_of(number, goal) is not None:
        return []
    if not goal and config.several_goals and any(a.number == number for a in config.areas):
        goals = ", ".join(g.slug for g in config.goals)
        message = f"the site has several goals: name the goal of area {number} ({goals})"
        return [Problem(path, None, "policy_goal", message)]
    return [Problem(path, None, "policy_area", f"{number} is not {_areas_text(config, goal)}")]


def area_problem(config: SiteConfig, path: str, line: int | None, number: int, goal: str) -> Problem | None:
    """A Markdown page's ``area`` (and ``goal``) must name a declared area, as a package's do."""
    if goal and config.goal(goal) is None:
        goals = ", ".join(g.slug for g in config.goals)
        return Problem(path, line, "goal", f'"{goal}" is not a goal of {config.source} ({goals})')
    owner = config.goal_of_number(number, goal)
    if config.area_of(number, owner) is not None:
        return None
    if not owner and config.several_goals:
        goals = ", ".join(g.slug for g in config.goals)
        return Problem(path, line, "goal", f"the site has several goals: name the goal of area {number} ({goals})")
    return Problem(path, line, "area", f"{number} is not {_areas_text(config, owner)}")


def _areas_text(config: SiteConfig, goal: str) -> str:
    areas = [a for a in config.areas if a.goal in {goal, ""}]
    listed = ", ".join(f"{a.number} ({a.slug})" for a in areas)
    return f"a policy area of {config.source}: {listed}"


def area_numbers(config: SiteConfig) -> list[int]:
    return sorted({a.number for a in config.areas})


# --- where each field is written -----------------------------------------------------------------------------------

_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$")
_KEY = re.compile(r"^\s*((?:[A-Za-z0-9_-]+|\"[^\"]*\")(?:\s*\.\s*(?:[A-Za-z0-9_-]+|\"[^\"]*\"))*)\s*=")


def locate(text: str) -> dict[str, int]:
    """The line of each table and key of a TOML text, by its path (``goals[0].areas[1].slug``).

    Enough for a problem line: headers (``[a]``, ``[[a.b]]``) and ``key = value`` lines. A key inside a
    multi-line value or an inline table is found at the line of the key that holds it."""
    lines: dict[str, int] = {}
    counts: dict[str, int] = {}
    arrays: set[str] = set()  # the unindexed paths of arrays of tables
    current = ""
    depth = 0  # open brackets of a multi-line value
    for number, line in enumerate(text.split("\n"), start=1):
        if depth > 0:
            depth = max(depth + _brackets(line), 0)
            continue
        header = _HEADER.match(line)
        if header and depth == 0 and not _KEY.match(line):
            names = [part.strip().strip('"') for part in header.group(2).split(".")]
            path = _indexed(names[:-1], arrays, counts)
            plain = ".".join(names)
            if header.group(1) == "[[":
                arrays.add(plain)
                counts[_join(path, names[-1])] = counts.get(_join(path, names[-1]), -1) + 1
                current = f"{_join(path, names[-1])}[{counts[_join(path, names[-1])]}]"
            else:
                current = _join(path, names[-1])
            lines.setdefault(current, number)
            continue
        key = _KEY.match(line)
        if key:
            names = [part.strip().strip('"') for part in key.group(1).split(".")]
            lines.setdefault(_join(current, ".".join(names)), number)
            depth = max(_brackets(line[key.end() :]), 0)
    return lines


def _indexed(names: list[str], arrays: set[str], counts: dict[str, int]) -> str:
    """A header's parent path with the current index of each array of tables in it."""
    path = ""
    for index, name in enumerate(names):
        path = _join(path, name)
        if ".".join(names[: index + 1]) in arrays:
            path = f"{path}[{counts.get(path, 0)}]"
    return path


def _brackets(text: str) -> int:
    """Brackets opened minus closed on a line, outside strings and comments."""
    depth = 0
    quote = ""
    for char in text:
        if quote:
            if char == quote:
                quote = ""
        elif char in "\"'":
            quote = char
        elif char == "#":
            break
        elif char in "[{":
            depth += 1
        elif char in "]}":
            depth -= 1
    return depth


def _line_of(lines: dict[str, int], where: str) -> int | None:
    """The line of ``where`` or, when it is not written (a missing field), of the nearest table holding it."""
    path = where
    while path:
        if path in lines:
            return lines[path]
        cut = max(path.rfind("."), path.rfind("["))
        path = path[:cut] if cut > 0 else ""
    return None


def _join(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key


def _kind(value: Any) -> str:
    kinds: dict[type, str] = {bool: "true or false", int: "a number", float: "a number", list: "an array"}
    if isinstance(value, dict):
        return "a table"
    return kinds.get(type(value), "a text" if isinstance(value, str) else type(value).__name__)


def _shown(value: Any) -> str:
    return f'"{value}"' if isinstance(value, str) else str(value).lower() if isinstance(value, bool) else str(value)


def _decode_error(message: str) -> tuple[int | None, str]:
    """tomllib's message ("Invalid value (at line 3, column 9)") as a line and the rest."""
    found = re.search(r"\s*\(at line (\d+), column (\d+)\)\s*$", message)
    if found is None:
        return None, message
    return int(found.group(1)), f"{message[: found.start()]} (column {found.group(2)})"


def missing(path: str) -> Problem:
    """The one line for a build without a configuration."""
    return Problem(
        path,
        None,
        None,
        "no site configuration: write one (the site's name, goals and areas; see docs/site-configuration.md) "
        "or name it with --site FILE",
    )
