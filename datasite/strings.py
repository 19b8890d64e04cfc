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
    # The logic model's pages and charts: an indicator as the sheet numbers it, a budget's amount, the bars of a
    # progress chart (the actual value at its date, the target of its fiscal year).
    "indicator_label": ("number",),
    "reference_indicator_label": ("number",),
    "amount_thousand_yen": ("amount",),
    "amount_oku_yen": ("amount",),
    # build.py new: the mark of every field a person must write, the descriptor's placeholder texts with it, and
    # the hints it prints for the fields left empty.
    "new_mark": (),
    "new_title": ("mark",),
    "new_title_en": ("mark",),
    "new_description": ("mark", "area_note"),
    "new_area_note": ("area", "choices"),
    "new_area_numbers": (),
    "new_table_title": ("mark",),
    "new_table_title_en": ("mark",),
    "new_table_description": ("mark",),
    "new_hint_licenses": (),
    "new_hint_sources": (),
    "new_hint_topics": (),
    "new_hint_unit": (),
}
# The words of features, asked for as "<feature>.<name>" and written in a sub-table [<language>.<feature>].
# The checklist review's findings and explanations (datasite/policy/).
REVIEW_KEYS: dict[str, tuple[str, ...]] = {
    "item_1": (),
    "item_2": (),
    "item_3": (),
    "item_4": (),
    "item_5": (),
    "item_6": (),
    "item_7": (),
    "item_8": (),
    "item_9": (),
    "item_10": (),
    "item_11": (),
    "goal": ("number",),
    "issue": ("number",),
    "issue_titled": ("number", "title"),
    "indicator_named": ("indicator", "name"),
    "counted": ("count", "names"),
    "none": (),
    "clauses": ("clauses",),
    "on_inferred_links": ("summary",),
    "as_printed": ("value", "printed"),
    "rests_on_rows": ("rows", "aspect"),
    "rests_on_issue_numbers": (),
    "rests_on_indicator_targets": (),
    "rests_on_situations": ("count",),
    "rests_on_links": ("count",),
    "note_of_item": ("note", "number"),
    "issue_text": ("issue",),
    "issue_situation": ("issue", "position"),
    "issue_undescribed": (),
    "item1_no_issues": (),
    "item1_undescribed": ("issues",),
    "item1_judgement": ("issues", "situations"),
    "item2_targets": ("targets",),
    "item2_no_target": (),
    "item2_unknown_issue": ("issue",),
    "item2_no_issues": (),
    "item2_missing_clause": ("issues",),
    "item2_orphans_clause": ("targets",),
    "item2_pass": ("count",),
    "item3_target": ("text", "characters", "indicators", "measures"),
    "item3_no_text": (),
    "item3_no_targets": (),
    "item3_empty_clause": ("targets",),
    "item3_without_clause": ("issues",),
    "item3_judgement": ("count",),
    "item4_indicator": ("indicator", "name"),
    "item4_no_indicators": (),
    "item4_unknown_target": ("target",),
    "item4_no_target": (),
    "item4_link": ("row",),
    "item4_row": ("row",),
    "item4_crossed": ("measure", "indicator", "link_target", "indicator_target"),
    "item4_assignment_label": ("indicator",),
    "item4_assignment": ("name",),
    "item4_no_targets": (),
    "item4_bare_clause": ("targets",),
    "item4_unlinked_clause": ("indicators",),
    "item4_crossed_clause": ("rows",),
    "item4_pass": ("targets", "indicators"),
    "output": (),
    "outcome": (),
    "item5_target": ("outputs", "outcomes"),
    "item5_target_without_outcome": ("outputs", "outcomes"),
    "item5_other_kind": ("kind",),
    "item5_none": (),
    "item5_only_outputs": ("count",),
    "item5_only_outcomes": ("count",),
    "item5_target_lacking": ("targets",),
    "item5_pass": ("outputs", "outcomes"),
    "item6_main": (),
    "item6_not_main": (),
    "item6_unread": (),
    "item6_other": (),
    "item6_no_indicators": (),
    "item6_all_unread": ("count",),
    "item6_some_unread": ("indicators",),
    "item6_no_main": ("count",),
    "item6_all_main": ("count",),
    "item6_pass": ("count", "main", "other"),
    "target_value": ("value", "when"),
    "fiscal_year": ("year",),
    "fiscal_year_and_era": ("year", "era"),
    "no_fiscal_year": (),
    "item7_no_target": (),
    "item7_other_year": ("target", "year"),
    "item7_target": ("target",),
    "item7_no_indicators": (),
    "item7_year_label": (),
    "item7_year": ("year",),
    "item7_finding": ("count", "without", "year", "indicators"),
    "item7_pass": ("count", "year"),
    "item8_baseline": ("value", "when"),
    "item8_no_baseline_value": (),
    "item8_no_date": (),
    "item8_no_baseline": (),
    "item8_indicator": ("name", "baseline", "target"),
    "item8_indicator_past": ("name", "baseline", "target", "year"),
    "item8_table_label": ("indicator",),
    "item8_table": (),
    "item8_no_table_label": ("indicator",),
    "item8_no_table": (),
    "item8_tables_without_target": ("count",),
    "item8_no_targets": (),
    "item8_judgement": ("count",),
    "item9_reference": ("name", "tables"),
    "item9_kinds_label": (),
    "item9_kinds": ("indicators", "measuring", "reference"),
    "item9_none": (),
    "item9_pass": ("count",),
    "item10_zero": (),
    "item10_zero_reference": (),
    "item10_link": ("measure", "indicator"),
    "item10_no_reason": (),
    "item10_no_indicators": (),
    "item10_finding": ("indicators",),
    "item10_pass": ("count",),
    "item11_roots": ("count", "names", "roots"),
    "item11_count": ("target", "count"),
    "item11_no_counts": (),
    "item11_criterion_label": (),
    "item11_no_criterion": (),
    "item11_judgement": ("counts",),
    "item11_criterion": ("limit",),
    "item11_finding": ("limit", "targets"),
    "item11_pass": ("limit",),
}
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
CHART_KEYS: dict[str, tuple[str, ...]] = {
    "fiscal_year": ("year", "era", "era_year"),
    "calendar_year": ("year", "era", "era_year"),
    "date": ("year", "era", "era_year", "month", "day"),
    "fiscal_year_without_era": ("year",),
    "calendar_year_without_era": ("year",),
    "date_without_era": ("year", "month", "day"),
    "era_fiscal_year": ("era", "era_year"),
    "first_era_year": (),
    "fiscal_year_range": ("first", "last", "era", "first_era_year", "last_era_year"),
    "calendar_year_range": ("first", "last", "era", "first_era_year", "last_era_year"),
    "credit_source": ("title",),
    "credit_source_at": ("title", "slide"),
    "credit_survey": ("survey",),
    "credit_date": ("date",),
    "credit_separator": (),
    "credit_unit": ("unit",),
    "credit_licence": ("licences",),
    "credit_facts_separator": (),
    "credit_discrepancy": ("note",),
    "credit_discrepancies": ("note", "count"),
    "printed_value": (),
    "reconstructed_value": (),
    "value_kind": (),
    "break_rule": (),
    "break_subtitle": ("note",),
    "every_year": ("title", "month", "day"),
    "value_title": ("title", "unit"),
    "progress_unit": ("unit",),
    "progress_actual": (),
    "progress_actual_at": ("date",),
    "progress_target": (),
    "progress_target_in": ("year",),
    "progress_description": ("actual", "target"),
    "missing": (),
    "primary_key": (),
    "constraint_required": (),
    "constraint_unique": (),
    "constraint_minimum": (),
    "constraint_maximum": (),
    "constraint_pattern": (),
    "constraint_enum": (),
    "break_alternative": ("label", "note"),
    "alternative_separator": (),
    # The downloads: the Excel CSV's column titles and marks, the citation files, the feed of data updates.
    "excel_column": ("title", "unit"),
    "excel_total_column": (),
    "excel_true_mark": (),
    "source_separator": (),
    "first_release": (),
    "feed_title": ("site",),
    "feed_entry": ("title", "version"),
}
KEYS.update({f"checklist.{key}": names for key, names in REVIEW_KEYS.items()})
KEYS.update({f"localgov.{key}": names for key, names in LOCALGOV_KEYS.items()})
KEYS.update({f"charts.{key}": names for key, names in CHART_KEYS.items()})


@dataclass(frozen=True)
class Strings:
    language: str
    texts: dict[str, str] = field(default_factory=dict)

    def __call__(self, key: str, /, **values: Any) -> str:
        return self.texts[key].format(**values)  # always: a text without placeholders may hold {{ for a brace

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
