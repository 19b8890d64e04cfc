from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from tests.conftest import ROOT

SCHEMA_CACHE: dict[str, object] = {}


def vega_lite_schema() -> object:
    if not SCHEMA_CACHE:
        import altair

        path = Path(altair.__file__).parent / "vegalite" / "v6" / "schema" / "vega-lite-schema.json"
        SCHEMA_CACHE["schema"] = json.loads(path.read_text(encoding="utf-8"))
    return SCHEMA_CACHE["schema"]


def specs(site: Path) -> list[Path]:
    return sorted(site.glob("charts/*/*.vl.json"))


def test_golden_specs_are_valid_and_self_contained(golden_site: Path) -> None:
    found = specs(golden_site)
    assert len(found) == 2
    for path in found:
        spec = json.loads(path.read_text(encoding="utf-8"))
        jsonschema.validate(spec, vega_lite_schema())
        assert "url" not in spec["data"] and spec["data"]["values"]
        assert spec["description"] and spec["title"]
        assert "Hiragino Sans" in spec["config"]["font"] and spec["config"]["font"].endswith("sans-serif")


def test_stacked_chart_excludes_totals_and_keeps_units(golden_site: Path) -> None:
    spec = json.loads((golden_site / "charts/sample-consultations/consultations-trend.vl.json").read_text("utf-8"))
    assert {row["channel"] for row in spec["data"]["values"]} == {"電話", "来所", "SNS"}
    assert spec["encoding"]["y"]["title"] == "相談件数（件）"
    assert spec["encoding"]["x"]["sort"] == ["2022年度", "2023年度"]


def test_static_svg_has_accessible_name_and_japanese_text(golden_site: Path) -> None:
    svg = (golden_site / "charts/sample-consultations/consultations-trend.svg").read_text(encoding="utf-8")
    assert 'role="img"' in svg and "<title>経路別の相談件数" in svg
    assert "相談件数" in svg


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
    assert len(found) >= 30
    validator = jsonschema.Draft7Validator(vega_lite_schema())
    invalid = {p.relative_to(real_site).as_posix() for p in found if not validator.is_valid(json.loads(p.read_bytes()))}
    assert invalid == set()
    # No indicator of the real sheet prints a target (issue 16), so no progress chart is published: check the spec here.
    from datasite.charts import progress_spec

    spec = progress_spec("相談窓口を設置した市町村数", "市町村", "基準値", 800, "目標値（2025年度）", 1000)
    assert validator.is_valid(json.loads(json.dumps(spec)))
