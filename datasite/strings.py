"""The words Python puts on pages (titles, descriptions, breadcrumbs), from one catalogue keyed by language.

The catalogue is ``templates/strings.toml``: a table per language (``[ja]``) of named texts, some with
``{placeholders}``, and a sub-table per feature (``[ja.checklist]``, ``[ja.localgov]``, ``[ja.charts]``) whose
texts the code asks for as ``"checklist.name"``. Like every template, a ``--templates`` folder may replace it.
Templates hold the rest of the site's words. A text the code asks for that the catalogue lacks is a problem of
the build, not a page with a gap.
"""

from __future__ import annotations

import string
import tomllib
from dataclasses import dataclass, field
from typing import Any

from .errors import Problem
from .pages.pagination import Counting

FILE_NAME = "strings.toml"

# Every text the code asks for, with the placeholders it fills in.
KEYS: dict[str, tuple[str, ...]] = {
    "home": (),
    "cited_document": ("publisher", "title"),
    "logic_model": (),
    "logic_model_description": ("goal",),
    "logic_model_area": ("area",),
    "logic_model_area_description": ("area",),
    "indicator_description": ("name",),
    "measure_description": ("name",),
    "target_label": ("number",),
    "review": (),
    "review_description": (),
    "programmes": (),
    "programmes_description": ("subject",),
    "glossary": (),
    "glossary_description": (),
    "goals": (),
    "goals_description": ("site",),
    "goal_description": ("goal",),
    "in_goal": ("title", "goal"),
    "page_of": ("number", "count"),
    "page_crumb": ("number", "count"),
    "at_least": ("value",),
    "below": ("value",),
    "with_values": ("count", "total"),
    "datasets": (),
    "datasets_description": ("pages",),
    "area_description": ("area", "pages"),
    "not_found": (),
    "not_found_description": (),
    "status_pass": (),
    "status_finding": (),
    "status_needs_judgement": (),
    "local_governments": (),
    "local_governments_description": ("prefectures", "municipalities"),
    "municipality_title": ("name", "prefecture"),
    "government_description": ("name", "type"),
    "own_groups": (),
    "own_groups_description": (),
    "group_title": ("group", "own_groups", "pages"),
    "group_description": ("group", "count", "own_groups", "pages"),
    "no_value": (),
    "list_separator": (),
    "list_separator_short": (),
    "map_class": ("label", "count"),
    "maps": (),
    "maps_title": (),
    "maps_description": (),
    "reference_map_title": ("grouping",),
    "reference_map_description": ("basis", "own_groups"),
    "reference_map_alt": ("basis", "own_groups", "grouping", "parts"),
    "reference_map_without": ("names",),
    "map_region": ("grouping", "value"),
    "map_title": ("table", "pages"),
    "view_title": ("table", "view"),
    "map_description": ("table", "level", "pages"),
    "map_alt_empty": ("title", "level"),
    "map_alt_numbers": ("title", "count", "level", "low", "high"),
    "map_alt_categories": ("title", "level", "parts"),
    "prefectures_level": (),
    "municipalities_level": (),
    "self_check": (),
    "self_check_title": (),
    "self_check_description": (),
}
# The words of features, asked for as "<feature>.<name>" and written in a sub-table [<language>.<feature>].
# The checklist review's findings and explanations (datasite/policy/).
REVIEW_KEYS: dict[str, tuple[str, ...]] = {}
# The local-government pages' comparisons, legends and credits (datasite/localgov/).
LOCALGOV_KEYS: dict[str, tuple[str, ...]] = {
    "no_data": (),
    "listed": (),
    "group": ("grouping", "value"),
    "prefecture_group": ("prefecture",),
    "facet": ("field", "value"),
    "as_of": ("date",),
    "planned_year": ("year",),
    "strip": ("measure", "group", "count", "rank"),
    "strip_without": ("measure", "group", "count"),
    "bar": ("table", "group", "count", "value"),
    "axis_linear": ("low", "high"),
    "axis_log": ("low", "high"),
    "map_source": ("source",),
    "map_processed": (),
    "overview_title": (),
    "sheet_title": ("prefecture", "count"),
}
# What charts, tables and downloads write: credit lines, axis words, formats of years and numbers.
CHART_KEYS: dict[str, tuple[str, ...]] = {}
KEYS.update({f"checklist.{key}": names for key, names in REVIEW_KEYS.items()})
KEYS.update({f"localgov.{key}": names for key, names in LOCALGOV_KEYS.items()})
KEYS.update({f"charts.{key}": names for key, names in CHART_KEYS.items()})


@dataclass(frozen=True)
class Strings:
    language: str
    texts: dict[str, str] = field(default_factory=dict)

    def __call__(self, key: str, **values: Any) -> str:
        text = self.texts[key]
        return text.format(**values) if values else text

    @property
    def counting(self) -> Counting:
        """How the pages of a long listing are named."""
        return Counting(self.texts["page_of"], self.texts["page_crumb"])


def parse(text: str | None, language: str, source: str = f"templates/{FILE_NAME}") -> tuple[Strings, list[Problem]]:
    """The texts of ``language``, and a problem for each that is missing or names a placeholder it cannot fill."""
    if text is None:
        return Strings(language), [Problem(source, None, None, "missing: the catalogue of the site's words")]
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        return Strings(language), [Problem(source, None, None, f"not valid TOML: {error}")]
    table = data.get(language)
    if not isinstance(table, dict):
        languages = ", ".join(sorted(k for k, v in data.items() if isinstance(v, dict))) or "none"
        return Strings(language), [Problem(source, None, language, f"no texts for this language (it has: {languages})")]
    flat = _flattened(table)
    problems: list[Problem] = []
    texts: dict[str, str] = {}
    for key, placeholders in KEYS.items():
        where = f"{language}.{key}"
        value = flat.get(key)
        if not isinstance(value, str):
            problems.append(Problem(source, None, where, "required: a text"))
            continue
        try:
            named = {name for _, name, _, _ in string.Formatter().parse(value) if name is not None}
        except ValueError as error:  # a lone { or }
            problems.append(Problem(source, None, where, f"cannot be filled in: {error} (write {{{{ for a brace)"))
            continue
        unknown = sorted(named - set(placeholders))
        if unknown:
            allowed = ", ".join("{" + p + "}" for p in placeholders) or "none"
            problems.append(
                Problem(source, None, where, f"{{{unknown[0]}}} cannot be filled in (it may use: {allowed})")
            )
            continue
        texts[key] = value
    return Strings(language, texts), problems


def _flattened(table: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """A language's texts by dotted name: the sub-table [ja.checklist]'s ``name`` is ``checklist.name``."""
    flat: dict[str, Any] = {}
    for key, value in table.items():
        if isinstance(value, dict):
            flat.update(_flattened(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = value
    return flat
