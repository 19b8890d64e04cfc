"""Chart captions are written with data directives (datasite/captions.py): no figure is typed, every figure
in a published caption equals its data, and a caption that names a missing cell fails the build."""

from __future__ import annotations

import html
import json
import re
from dataclasses import replace
from pathlib import Path

import pytest
from markupsafe import Markup

from datasite import captions, model, validate
from datasite.errors import Problem
from datasite.formatting import format_cell
from datasite.model import Resource, Site
from tests.conftest import ROOT, WORDS, site_config

DATA = ROOT / "datapackages"
NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")


@pytest.fixture(scope="module")
def site(real_validation: tuple[list[validate.ValidPackage], list[Problem]]) -> Site:
    valid, problems = real_validation
    assert not [p for p in problems if p.severity == "error"]
    return model.build_site(valid, site_config())


def _labels(resource: Resource) -> set[str]:
    """The category labels of a table (「20代」, 「人口1万人未満」): names, not figures."""
    return {str(v) for row in resource.rows for v in row.values() if isinstance(v, str)}


def test_no_figure_is_typed_into_a_caption(site: Site) -> None:
    """Every digit of a declared caption comes from a directive (or belongs to a category label of its table)."""
    described = 0
    for resource in site.resources:
        labels = sorted(_labels(resource), key=len, reverse=True)
        for chart in resource.charts:
            outside = captions.CAPTION_DIRECTIVE.sub("", chart.description)
            for label in labels:
                outside = outside.replace(label, "")
            assert not captions.typed_figures(outside), f"{resource.package}/{resource.name} {chart.name}: {outside}"
            described += "{{value" in chart.description
    assert described >= 29, "the source's charts are captioned with directives"


def test_every_caption_figure_equals_its_data(site: Site) -> None:
    """Each number in a resolved caption is a cell of a table as the site shows it (value, unit, year label)."""
    resolved, problems = captions.resolve(site, {}, WORDS)
    assert problems == []
    shown: set[str] = set()
    for resource in resolved.resources:
        for row in resource.rows:
            for f in resource.fields:
                if row.get(f.name) is not None:
                    shown.add(str(format_cell(row[f.name], f, words=WORDS)))
    shown_numbers = {n for text in shown for n in NUMBER.findall(text)}
    for resource in resolved.resources:
        for chart in resource.charts:
            for number in NUMBER.findall(chart.description):
                assert number in shown_numbers, f"{resource.package}/{resource.name} {chart.name}: {number}"


def test_published_captions_are_the_resolved_ones(site: Site, real_site: Path) -> None:
    """The caption under each chart on the site, its text alternative and its SVG title are the data's figures."""
    resolved, _ = captions.resolve(site, {}, WORDS)
    for resource in resolved.resources:
        for chart in resource.charts:
            stem = real_site / "charts" / resource.package / f"{resource.name}-{chart.name}"
            spec = json.loads(stem.with_suffix(".vl.json").read_text(encoding="utf-8"))
            assert spec["description"] == chart.description
            svg = stem.with_suffix(".svg").read_text(encoding="utf-8")
            assert html.escape(chart.description, quote=False) in svg
            page = (real_site / "datasets" / resource.package / "index.html").read_text(encoding="utf-8")
            summaries = re.findall(r'<span class="chart-summary">(.*?)</span>\n', page)
            # the page keeps years, numbers and counters on one line with no-wrap spans: compare the text
            assert chart.description in {html.unescape(re.sub(r"<[^>]+>", "", s)) for s in summaries}


def test_a_caption_directive_that_finds_nothing_is_an_error(site: Site) -> None:
    resource = next(r for r in site.resources if r.package == "prefectural-caravan" and r.charts)
    broken = replace(resource.charts[0], description="派遣先は{{value prefectures fiscal_year=1999}}である。")
    package = next(p for p in site.packages if p.name == "prefectural-caravan")
    changed = replace(
        package, resources=tuple(replace(r, charts=(broken,)) if r is resource else r for r in package.resources)
    )
    broken_site = replace(site, packages=tuple(changed if p is package else p for p in site.packages))
    _, problems = captions.resolve(
        broken_site, {"prefectural-caravan": "datapackages/prefectural-caravan/datapackage.json"}, WORDS
    )
    assert [(p.path, p.field) for p in problems] == [
        ("datapackages/prefectural-caravan/datapackage.json", "description")
    ]
    assert "the filters match 0 rows" in problems[0].message and '("count")' in problems[0].message


def test_a_fiscal_year_reads_as_its_label_without_a_second_unit(site: Site) -> None:
    resource = next(
        r for r in site.resources if r.package == "guardianship-training" and r.name == "system-training-participants"
    )
    text, problems = captions.caption_text(
        "{{value fiscal_year era_label=令和元年度 course=基礎研修}}", resource, {}, WORDS
    )
    field = resource.field("fiscal_year")
    assert field.unit == "年度", "the table declares a unit for its year column"
    assert (
        problems == []
        and text == Markup(format_cell(2019, field, words=WORDS)).striptags()
        and not text.endswith("年度年度")
    )


def test_trend_captions_do_not_compare_across_the_break(site: Site) -> None:
    """Hikikomori consultations: municipalities are counted only from 令和4年度 (issue 16, point 6)."""
    resolved, _ = captions.resolve(site, {}, WORDS)
    for name in ("cases-trend", "persons-trend"):
        resource = next(r for r in resolved.resources if r.package == "hikikomori-consultations" and r.name == name)
        description = resource.charts[0].description
        assert "比べられない" in description and "都道府県・指定都市のみ" in description
        assert "令和元年度を上回" not in description
