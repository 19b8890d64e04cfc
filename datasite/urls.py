"""Every address the site publishes, in one place: where a page or file of each kind lives, relative to the site's
root. Python builds its paths with these functions; templates call the same ones (``url.dataset(name)``, see
render.make_environment) after the page's ``root``; scripts read the addresses they need from data attributes and
JSON the build writes, never build them.

``goal_path`` is where a goal's own pages live: "" on a site of one goal, ``goals/<slug>/`` on a site of several
(config.Goal.path).
"""

from __future__ import annotations

HOME = "index.html"
DATASETS = "datasets/index.html"
GOALS = "goals/index.html"
GLOSSARY = "glossary/index.html"
PROGRAMMES = "programmes/index.html"
LOCAL_GOVERNMENTS = "local-governments/index.html"
MAPS = "maps/index.html"
FEED = "feed.xml"
ALL_DATA = "downloads/all-data.zip"
CATALOG = "catalog.jsonld"
CATALOGUE_JSON = "datasets/catalogue.json"  # the catalogue's index, which its filter script reads
GOVERNMENTS_JSON = "local-governments/index.json"  # the list of governments, which the search reads
GROUPS = "local-governments/groups/index.html"
SELF_CHECK = "local-governments/self-check.html"
SELF_CHECK_FOLDER = "local-governments/self-check"


def dataset_folder(package: str) -> str:
    return f"datasets/{package}/"


def dataset(package: str) -> str:
    """A dataset's page."""
    return f"{dataset_folder(package)}index.html"


def dataset_file(package: str, name: str) -> str:
    """A file of a dataset's folder: a table's CSV (``<resource>.csv``), its datapackage.json, README.txt …"""
    return f"{dataset_folder(package)}{name}"


def table(package: str, resource: str) -> str:
    """A table on its dataset's page."""
    return f"{dataset(package)}#{package}-{resource}"


def area_folder(slug: str) -> str:
    return f"areas/{slug}/"


def area(slug: str) -> str:
    return f"{area_folder(slug)}index.html"


def chart_folder(package: str) -> str:
    """Where a package's charts are: each as an image, a page and an embeddable view."""
    return f"charts/{package}/"


def goal_folder(slug: str) -> str:
    """Where a goal's own pages live on a site of several goals (config.Goal.path)."""
    return f"goals/{slug}/"


def goal(goal_path: str) -> str:
    """A goal's page (on a site of several goals)."""
    return f"{goal_path}index.html"


def logic_model(goal_path: str) -> str:
    return f"{goal_path}logic-model/index.html"


def review(goal_path: str) -> str:
    return f"{goal_path}review/index.html"


def indicator(goal_path: str, indicator_id: str) -> str:
    return f"{goal_path}indicators/{indicator_id}.html"


def measure(goal_path: str, measure_id: str) -> str:
    return f"{goal_path}measures/{measure_id}.html"


def prose_page(kind: str, slug: str) -> str:
    """A Markdown page of content/: a programme's under programmes/, any other at the top."""
    return f"programmes/{slug}.html" if kind == "programme" else f"{slug}.html"


def programme(slug: str) -> str:
    return prose_page("programme", slug)


def government(code: str) -> str:
    """A local government's page, by its six-digit code."""
    return f"local-governments/{code}.html"


def datasets_page(file: str) -> str:
    """A page of the list of data (``index.html``, ``page-2.html`` …)."""
    return f"datasets/{file}"


def group(slug: str) -> str:
    """A peer group's page."""
    return f"local-governments/groups/{slug}.html"


def map_page(slug: str) -> str:
    return f"maps/{slug}.html"


def map_image(slug: str) -> str:
    """A choropleth (its PNG beside it)."""
    return f"maps/{slug}.svg"


def locator_sheet(name: str) -> str:
    """A locator map: the whole country (``japan``) or a prefecture's sheet (``<code>-<number>``)."""
    return f"maps/locator/{name}.svg"


def progress_folder(goal_slug: str = "") -> str:
    """Where the progress charts of a goal's indicators are, under charts/: ``indicators``, or on a site of several
    goals ``indicators/<goal>``."""
    return f"indicators/{goal_slug}" if goal_slug else "indicators"


def progress_chart(folder: str, indicator_id: str) -> str:
    """An indicator's progress chart, without its suffix (``.svg``, ``.png``, ``.vl.json``): ``folder`` is
    ``indicators``, or ``indicators/<goal>`` on a site of several goals."""
    return f"charts/{folder}/{indicator_id}-progress"


def chart_image(package: str, slug: str, suffix: str = ".png") -> str:
    return f"{chart_folder(package)}{slug}{suffix}"


def is_government_page(path: str) -> bool:
    """A government's own page (not a peer group's)."""
    return path.startswith("local-governments/") and not path.startswith("local-governments/groups/")
