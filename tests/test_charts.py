from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from datasite import charts
from datasite.model import Chart, Field, Resource, SeriesBreak
from tests.conftest import ROOT, WORDS

SCHEMA_CACHE: dict[str, object] = {}
# The content column of a 360 px screen (1 rem of padding each side): a narrow chart this wide is drawn 1:1.
PHONE_COLUMN = 328
MIN_TEXT_PX = 11


def vega_lite_validator() -> jsonschema.Draft7Validator:
    """One validator for the Vega-Lite schema: jsonschema.validate would check the 2 MB schema itself on every
    call (about half a second each)."""
    if "validator" not in SCHEMA_CACHE:
        schema = vega_lite_schema()
        jsonschema.Draft7Validator.check_schema(schema)
        SCHEMA_CACHE["validator"] = jsonschema.Draft7Validator(schema)
    validator = SCHEMA_CACHE["validator"]
    assert isinstance(validator, jsonschema.Draft7Validator)
    return validator


def vega_lite_schema() -> object:
    if "schema" not in SCHEMA_CACHE:
        import altair

        path = Path(altair.__file__).parent / "vegalite" / "v6" / "schema" / "vega-lite-schema.json"
        SCHEMA_CACHE["schema"] = json.loads(path.read_text(encoding="utf-8"))
    return SCHEMA_CACHE["schema"]


def specs(site: Path) -> list[Path]:
    return sorted(site.glob("charts/*/*.vl.json"))


def encoding_of(spec: dict[str, Any]) -> dict[str, Any]:
    """The encoding of the chart's data layer (the first layer)."""
    encoding: dict[str, Any] = spec["layer"][0]["encoding"]
    return encoding


def test_the_specs_name_the_schema_altair_ships() -> None:
    import altair

    assert charts.SCHEMA == altair.SCHEMA_URL


def test_golden_specs_are_valid_and_self_contained(golden_site: Path) -> None:
    found = [path for path in specs(golden_site) if path.parent.name == "sample-consultations"]
    assert [p.name for p in found] == [
        "consultations-trend.narrow.vl.json",
        "consultations-trend.vl.json",
        "shares-bars.narrow.vl.json",
        "shares-bars.vl.json",
    ]
    for path in found:
        spec = json.loads(path.read_text(encoding="utf-8"))
        vega_lite_validator().validate(spec)
        assert "url" not in spec["data"] and spec["data"]["values"]
        assert spec["description"] and spec["title"]["text"]
        assert "Hiragino Sans" in spec["config"]["font"] and spec["config"]["font"].endswith("sans-serif")
        assert spec["autosize"] == {"type": "fit-x", "contains": "padding"}


def test_stacked_chart_excludes_totals_keeps_units_and_writes_years_in_the_site_style(golden_site: Path) -> None:
    spec = json.loads((golden_site / "charts/sample-consultations/consultations-trend.vl.json").read_text("utf-8"))
    assert {row["color_label"] for row in spec["data"]["values"]} == {"電話", "来所", "SNS"}
    encoding = encoding_of(spec)
    assert encoding["y"]["title"] == ["相談件数（件）"]
    assert encoding["x"]["scale"]["domain"] == ["2022（令和4）年度", "2023（令和5）年度"]
    assert {tip["field"] for tip in encoding["tooltip"]} >= {"x_label", "color_label", "y"}


def test_static_svg_has_accessible_name_and_japanese_text(golden_site: Path) -> None:
    for name in ("consultations-trend.svg", "consultations-trend.narrow.svg"):
        svg = (golden_site / "charts/sample-consultations" / name).read_text(encoding="utf-8")
        assert 'role="img"' in svg and "<title>経路別の相談件数" in svg
        assert "相談件数" in svg
    # Only the wide layout has a PNG (link previews and the download).
    assert (golden_site / "charts/sample-consultations/consultations-trend.png").is_file()
    assert not (golden_site / "charts/sample-consultations/consultations-trend.narrow.png").exists()


@pytest.mark.parametrize(
    "path", sorted((ROOT / "datapackages").glob("*/datapackage.json")), ids=lambda p: p.parent.name
)
def test_real_chart_declarations_name_real_fields(path: Path) -> None:
    for resource in json.loads(path.read_text(encoding="utf-8"))["resources"]:
        names = {f["name"] for f in resource["schema"]["fields"]}
        for chart in resource.get("charts", []):
            assert {chart["x"], chart["y"], *([chart["color"]] if chart.get("color") else [])} <= names


def test_every_published_spec_of_the_real_site_is_valid_vega_lite(real_site: Path) -> None:
    # The build skips altair's validation for speed: this is where every spec it publishes is checked.
    found = sorted(real_site.glob("charts/**/*.vl.json"))
    assert len(found) >= 60
    # every declared chart has a narrow layout; progress charts (none on the real site: no indicator of the
    # sheet prints a target, issue 16) have only one
    assert sum(1 for p in found if p.name.endswith(".narrow.vl.json")) * 2 >= len(found) - 5
    validator = vega_lite_validator()
    invalid = {p.relative_to(real_site).as_posix() for p in found if not validator.is_valid(json.loads(p.read_bytes()))}
    assert invalid == set()


# --- the static images, as a phone shows them --------------------------------------------------------------------

SVG_SIZE = re.compile(r'<svg[^>]*\swidth="([\d.]+)"')
TEXT = re.compile(r"<text\b([^>]*)>(.*?)</text>", re.DOTALL)
FONT_SIZE = re.compile(r'font-size="([\d.]+)px"')


def svg_texts(svg: str) -> list[tuple[float, str]]:
    """Every text of a Vega SVG with its font size (Vega writes font-size="12px" on each <text>)."""
    found = []
    for attributes, content in TEXT.findall(svg):
        size = FONT_SIZE.search(attributes)
        assert size, attributes
        found.append((float(size.group(1)), re.sub(r"<[^>]+>", "", content)))
    return found


def phone_images(site: Path) -> list[Path]:
    """What a phone shows without JavaScript: the narrow layout of every declared chart, the progress charts."""
    return sorted(site.glob("charts/*/*.narrow.svg")) + sorted(site.glob("charts/indicators/*.svg"))


def test_every_static_image_a_phone_shows_fits_its_column_and_keeps_its_text_legible(real_site: Path) -> None:
    images = phone_images(real_site)
    assert len(images) >= 30
    problems = []
    for path in images:
        svg = path.read_text(encoding="utf-8")
        width = float(SVG_SIZE.search(svg).group(1))  # type: ignore[union-attr]
        scale = min(1.0, PHONE_COLUMN / width)  # an image wider than the column is shrunk into it
        texts = svg_texts(svg)
        smallest = min(size for size, _ in texts) * scale
        name = path.relative_to(real_site).as_posix()
        if width > PHONE_COLUMN:
            problems.append(f"{name}: {width:.0f} px wide, wider than the {PHONE_COLUMN} px column")
        if smallest < MIN_TEXT_PX:
            problems.append(f"{name}: text at {smallest:.1f} px on a 360 px screen")
        problems += [f"{name}: truncated label {text!r}" for _, text in texts if "…" in text]
    assert problems == []


def test_no_wide_image_truncates_a_label(real_site: Path) -> None:
    truncated = [
        f"{path.relative_to(real_site)}: {text!r}"
        for path in sorted(real_site.glob("charts/*/*.svg"))
        for _, text in svg_texts(path.read_text(encoding="utf-8"))
        if "…" in text
    ]
    assert truncated == []


# --- series breaks and reconstructed rows ------------------------------------------------------------------------


def field(name: str, kind: str = "string", title: str = "", unit: str | None = None, key: bool = False) -> Field:
    return Field(name, kind, title or name, unit, "", {}, key)


def trend(reconstructed: dict[int, bool], breaks: tuple[SeriesBreak, ...] = (), kind: str = "line") -> Resource:
    rows = tuple(
        {"fiscal_year": year, "cases": 100 + year % 10, "reconstructed": flag} for year, flag in reconstructed.items()
    )
    chart = Chart("trend", kind, "fiscal_year", "cases", None, {}, "相談件数の推移", "増えた。", breaks)
    fields = (
        field("fiscal_year", "integer", "年度", key=True),
        field("cases", "integer", "相談件数", "件"),
        field("reconstructed", "boolean"),
    )
    return Resource("p", "t", "表", "", "", (), (), "", fields, rows, "", (chart,), ())


BREAK = SeriesBreak(2022, "集計範囲の変更", "令和3年度までは都道府県のみの集計")


@pytest.mark.parametrize("kind", ["line", "bar"])
@pytest.mark.parametrize("layout", ["wide", "narrow"])
def test_a_series_break_is_drawn_named_in_the_subtitle_and_the_tooltips(kind: str, layout: str) -> None:
    resource = trend({2020: False, 2021: False, 2022: False, 2023: False}, (BREAK,), kind)
    spec = charts.chart_spec(resource, resource.charts[0], layout, WORDS)
    vega_lite_validator().validate(spec)
    rule = next(layer for layer in spec["layer"] if layer["mark"]["type"] == "rule")
    assert rule["data"]["values"][0]["x"] == "2022（令和4）年度"
    assert rule["encoding"]["x"]["bandPosition"] == 0  # bands touch: their start is midway between two years
    assert spec["layer"][0]["encoding"]["x"]["scale"]["paddingInner"] == 0
    label = next(layer for layer in spec["layer"] if layer["mark"]["type"] == "text")
    assert label["data"]["values"][0]["text"] == "集計範囲の変更"
    assert "".join(spec["title"]["subtitle"]) == "破線：2021（令和3）年度までは都道府県のみの集計"
    tooltips = [tip for layer in spec["layer"] for tip in layer["encoding"].get("tooltip", [])]
    assert {"field": "break_0", "type": "nominal", "title": "集計範囲の変更"} in tooltips  # on every point or bar
    assert (
        charts.text_alternative(resource.charts[0], WORDS)
        == "増えた。　集計範囲の変更：令和3年度までは都道府県のみの集計"
    )


def test_a_chart_without_reconstructed_rows_has_no_value_legend() -> None:
    resource = trend({2022: False, 2023: False})
    spec = charts.chart_spec(resource, resource.charts[0], "wide", WORDS)
    assert all("shape" not in layer["encoding"] for layer in spec["layer"])
    assert all("kind" not in row for row in spec["data"]["values"])


def test_reconstructed_points_are_triangles_and_reconstructed_bars_pale_and_outlined() -> None:
    resource = trend({2022: True, 2023: False})
    line = charts.chart_spec(resource, resource.charts[0], "wide", WORDS)
    points = line["layer"][1]["encoding"]["shape"]
    assert points["scale"]["domain"] == ["資料に記載の値", "グラフから再構成した値"]
    assert points["scale"]["range"] == ["circle", "triangle-up"]
    assert points["legend"]["title"] == "値"
    bar_resource = trend({2022: True, 2023: True}, kind="bar")
    bars = charts.chart_spec(bar_resource, bar_resource.charts[0], "wide", WORDS)["layer"][0]["encoding"]
    assert bars["opacity"]["scale"] == {"domain": ["グラフから再構成した値"], "type": "ordinal", "range": [0.55]}
    assert bars["strokeWidth"]["scale"]["range"] == [2]


def test_long_category_labels_turn_the_bars_and_wrap_between_words_never_inside_a_number() -> None:
    label = "重層的支援体制整備事業を実施する1,741市区町村のうち2023（令和5）年度に移行準備事業を行った市町村"
    rows = ({"item": label, "value": 3.5}, {"item": "その他", "value": 1.0})
    chart = Chart("c", "bar", "item", "value", None, {}, "題", "説明", ())
    fields = (field("item", key=True), field("value", "number", "割合", "%"))
    resource = Resource("p", "t", "表", "", "", (), (), "", fields, rows, "", (chart,), ())
    spec = charts.chart_spec(resource, chart, "narrow", WORDS)
    encoding = encoding_of(spec)
    assert encoding["y"]["field"] == "x" and encoding["x"]["field"] == "y"  # turned
    wrapped = encoding["y"]["scale"]["domain"][0].split("\n")
    assert len(wrapped) > 2 and "".join(wrapped) == label
    assert any("1,741市区町村" in line for line in wrapped)
    assert any("2023（令和5）年度" in line for line in wrapped)
    assert spec["height"] >= 2 * len(wrapped) * charts.LINE_PX  # two categories, each as tall as its label


def test_progress_chart_is_narrow_and_writes_years_in_the_site_style() -> None:
    labels = ("実績（2024-04-01時点）", 1187, "目標（2025年度）", 1741, "実績", "目標")
    spec = charts.progress_spec("中核機関の整備", "市町村", *labels, WORDS)
    vega_lite_validator().validate(spec)
    assert spec["width"] == charts.NARROW.width
    assert spec["data"]["values"][0]["label"] == "実績"
    assert spec["layer"][1]["data"]["values"][0]["label"] == "目標"
    assert spec["title"]["subtitle"] == ["実績（2024（令和6）年4月1日時点）", "目標（2025（令和7）年度）"]


def test_the_words_a_chart_draws_are_sent_with_it_and_key_its_cache() -> None:
    drawn = charts.chart_words(WORDS)
    assert drawn.texts and all(key.startswith("charts.") for key in drawn.texts)
    relabelled = replace(WORDS, texts={**WORDS.texts, "charts.printed_value": "printed"})
    assert repr(charts.chart_words(relabelled)) != repr(drawn)  # part of the spec's cache key (start_charts)
    unrelated = replace(WORDS, texts={**WORDS.texts, "home": "Home"})
    assert repr(charts.chart_words(unrelated)) == repr(drawn)
    resource = trend({2022: True, 2023: False})
    spec = charts.chart_spec(resource, resource.charts[0], "wide", relabelled)
    assert spec["layer"][1]["encoding"]["shape"]["scale"]["domain"] == ["printed", "グラフから再構成した値"]
