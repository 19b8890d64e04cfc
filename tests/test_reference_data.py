"""Reference data (policy area 4): local governments, 2020 census preliminary population, FY2021 財政力指数, TopoJSON.

The committed CSVs are checked on their own; where the source files are available
(``/work/shared/data/reference`` or ``$REFERENCE_DATA``) they are also re-derived from them.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from datasite.integrity import local_government_check_digit
from tests.conftest import ROOT

DATA = ROOT / "datapackages"
SOURCE = Path(os.environ.get("REFERENCE_DATA", "/work/shared/data/reference"))
CENSUS_JSON = SOURCE / "estat-census2020-sokuhou" / "statsData_0003433219.json"
TOPOJSON = ROOT / "reference" / "topojson"
CREDIT = (
    "出典：国土数値情報（行政区域データ）（国土交通省）（https://nlftp.mlit.go.jp/ksj/gml/datalist/KsjTmplt-N03-v3_0.html）"
    "をスマートニュース メディア研究所が加工したもの（smartnews-smri/japan-topography）を利用"
)
NORTHERN_TERRITORIES = {"01695", "01696", "01697", "01698", "01699", "01700"}


def rows(package: str, resource: str) -> list[dict[str, str]]:
    text = (DATA / package / "data" / f"{resource}.csv").read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def descriptor(package: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((DATA / package / "datapackage.json").read_text(encoding="utf-8"))
    return loaded


def check_digit(first_five: str) -> int:
    """Written out again here, independently of the build: 6,5,4,3,2 weights; 11 - (sum mod 11); last digit."""
    total = sum(int(first_five[i]) * (6 - i) for i in range(5))
    remainder = total % 11
    return 0 if remainder == 1 else 1 if remainder == 0 else 11 - remainder


GOVERNMENTS = rows("ref-local-governments", "local-governments")
PREFECTURES = rows("ref-local-governments", "prefectures")
WARDS = rows("ref-local-governments", "designated-city-wards")
POPULATION = rows("ref-population-2020", "population")
POPULATION_PREFECTURES = rows("ref-population-2020", "population-prefectures")
FISCAL = rows("ref-fiscal-strength-2021", "fiscal-strength")
MUNICIPAL_CODES = {r["code"] for r in GOVERNMENTS if r["type"] != "都道府県"}
PREFECTURE_CODES = {r["code"] for r in GOVERNMENTS if r["type"] == "都道府県"}


def test_1741_municipalities_and_47_prefectures_present_and_unique() -> None:
    codes = [r["code"] for r in GOVERNMENTS]
    assert len(codes) == len(set(codes)) == 1788
    assert (len(PREFECTURE_CODES), len(MUNICIPAL_CODES)) == (47, 1741)
    assert Counter(r["type"] for r in GOVERNMENTS) == {
        "都道府県": 47,
        "市": 772,
        "政令市": 20,
        "特別区": 23,
        "町": 743,
        "村": 183,
    }
    assert {r["code"] for r in PREFECTURES} == PREFECTURE_CODES
    assert [r["pref_code"] for r in PREFECTURES] == [f"{n:02d}" for n in range(1, 48)]
    assert all(r["code"][:2] == r["pref_code"] and r["code"][:5] == r["code5"] for r in GOVERNMENTS)
    assert all(r["code"][2:5] == "000" for r in PREFECTURES)
    designated = {r["code"] for r in GOVERNMENTS if r["is_designated_city"] == "true"}
    assert designated == {r["code"] for r in GOVERNMENTS if r["type"] == "政令市"}
    assert all(r["type"] == "特別区" for r in GOVERNMENTS if r["code"][:2] == "13" and r["code"][2] == "1")


def test_designated_city_wards_are_separate() -> None:
    assert len(WARDS) == len({r["code"] for r in WARDS}) == 175
    cities = {r["code"]: r["name"] for r in GOVERNMENTS if r["type"] == "政令市"}
    assert {r["city_code"] for r in WARDS} == set(cities)
    assert all(cities[r["city_code"]] == r["city_name"] for r in WARDS)
    assert not {r["code"] for r in WARDS} & (MUNICIPAL_CODES | PREFECTURE_CODES)


@pytest.mark.parametrize(
    ("table", "field"),
    [
        (GOVERNMENTS, "code"),
        (PREFECTURES, "code"),
        (WARDS, "code"),
        (WARDS, "city_code"),
        (POPULATION, "code"),
        (POPULATION_PREFECTURES, "code"),
        (FISCAL, "code"),
    ],
)
def test_check_digits(table: list[dict[str, str]], field: str) -> None:
    codes = [r[field] for r in table if r[field]]
    assert codes
    for code in codes:
        assert re.fullmatch(r"\d{6}", code), code
        assert int(code[5]) == check_digit(code[:5]) == local_government_check_digit(code[:5]), code


def test_the_build_and_this_test_agree_on_every_check_digit() -> None:
    for number in range(100000):
        first_five = f"{number:05d}"
        assert check_digit(first_five) == local_government_check_digit(first_five)


def test_code_sets_agree_across_packages() -> None:
    assert [r["code"] for r in POPULATION] == [r["code"] for r in GOVERNMENTS]
    assert {r["code"] for r in POPULATION_PREFECTURES if r["code"]} == PREFECTURE_CODES
    # Documented exception: the 主要財政指標 file covers municipalities only, so no prefecture rows.
    assert len(FISCAL) == 1741
    assert {r["code"] for r in FISCAL} == MUNICIPAL_CODES
    levels = {r["code"]: r["area_level"] for r in POPULATION}
    assert all((levels[r["code"]] == "都道府県") == (r["type"] == "都道府県") for r in GOVERNMENTS)


def test_population_adds_up_to_the_national_total() -> None:
    national = [int(r["population"]) for r in POPULATION_PREFECTURES if r["name"] == "全国"]
    assert national == [126226568]
    missing = [r["name"] for r in POPULATION if not r["population"]]
    assert missing == ["双葉町"]  # "-" in the source: 当該数値がないもの
    municipal = sum(int(r["population"]) for r in POPULATION if r["area_level"] == "市区町村" and r["population"])
    prefectural = sum(int(r["population"]) for r in POPULATION if r["area_level"] == "都道府県")
    prefectures = sum(int(r["population"]) for r in POPULATION_PREFECTURES if r["name"] != "全国")
    assert municipal == prefectural == prefectures == national[0]
    for pref in PREFECTURES:
        total = [int(r["population"]) for r in POPULATION if r["code"] == pref["code"]]
        parts = [
            int(r["population"])
            for r in POPULATION
            if r["pref_code"] == pref["pref_code"] and r["area_level"] == "市区町村" and r["population"]
        ]
        assert total == [sum(parts)], pref["name"]


@pytest.mark.skipif(not CENSUS_JSON.is_file(), reason="the e-Stat source JSON is not available here")
def test_population_total_equals_the_source_json() -> None:
    document = json.loads(CENSUS_JSON.read_text(encoding="utf-8"))
    values = document["GET_STATS_DATA"]["STATISTICAL_DATA"]["DATA_INF"]["VALUE"]
    national = [v["$"] for v in values if v["@area"] == "00000" and v["@cat01"] == "0"]
    assert national == ["126226568"]
    assert sum(int(r["population"]) for r in POPULATION if r["area_level"] == "市区町村" and r["population"]) == int(
        national[0]
    )
    by_area = {v["@area"]: v["$"] for v in values if v["@cat01"] == "0"}
    for row in POPULATION:
        assert by_area[row["census_area_code"]] == (row["population"] or "-"), row


def test_population_is_labelled_preliminary_everywhere() -> None:
    package = descriptor("ref-population-2020")
    texts = [package["title"], package["description"]]
    for resource in package["resources"]:
        texts += [resource["title"], resource["description"]]
        texts += [
            f["description"] for f in resource["schema"]["fields"] if "description" in f and "population" in f["name"]
        ]
        texts += [c["title"] + c["description"] for c in resource.get("charts", [])]
        texts += [s["reference_date"] for s in resource["sources"]]
    assert all("速報" in text for text in texts), [t for t in texts if "速報" not in t]


def test_fiscal_strength_as_printed() -> None:
    assert all(re.fullmatch(r"\d\.\d\d", r["fiscal_strength_index"]) for r in FISCAL)
    special_wards = [r for r in FISCAL if r["code"][:2] == "13" and r["code"][2] == "1"]
    assert len(special_wards) == 23
    others = [float(r["fiscal_strength_index"]) for r in FISCAL if r not in special_wards]
    assert f"{sum(others) / len(others):.2f}" == "0.50"  # the sheet's 全国市町村平均 (simple mean, 特別区 excluded)
    assert {r["fiscal_year"] for r in FISCAL} == {"2021"}


def test_reference_packages_are_policy_area_4_with_licences_and_sources() -> None:
    for name in ("ref-local-governments", "ref-population-2020", "ref-fiscal-strength-2021"):
        package = descriptor(name)
        assert package["policy_area"] == 4
        assert package["licenses"] and package["sources"]
        for resource in package["resources"]:
            assert {"type": "check_digit", "field": "code"} in resource["checks"], resource["name"]


def test_topojson_copies_and_credit() -> None:
    source_md = (TOPOJSON / "SOURCE.md").read_text(encoding="utf-8")
    assert CREDIT in source_md
    assert "加工" in source_md
    files = sorted(p for p in TOPOJSON.rglob("*.json") if p.name != "datapackage.json")
    assert [p.relative_to(TOPOJSON).as_posix() for p in files] == [
        "s0001/prefectures.json",
        "s0010/N03-21_210101_designated_city.json",
    ]
    # The descriptor the build reads the credit from (maps.boundary_credits): the credit as required, after 出典：,
    # and each file with its size and hash.
    descriptor = json.loads((TOPOJSON / "datapackage.json").read_text(encoding="utf-8"))
    assert "出典：" + descriptor["credit"] == CREDIT
    assert descriptor["sources"] and descriptor["licenses"]
    declared = {r["path"]: r for r in descriptor["resources"]}
    assert sorted(declared) == [p.relative_to(TOPOJSON).as_posix() for p in files]
    for path in files:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        assert digest in source_md, path
        assert f"{path.stat().st_size:,}" in source_md, path
        resource = declared[path.relative_to(TOPOJSON).as_posix()]
        assert (resource["hash"], resource["bytes"]) == (f"sha256:{digest}", path.stat().st_size)
    prefectures = json.loads((TOPOJSON / "s0001" / "prefectures.json").read_text(encoding="utf-8"))
    names = [g["properties"]["N03_001"] for g in prefectures["objects"]["prefectures"]["geometries"]]
    assert names == [r["name"] for r in PREFECTURES]
    municipal = json.loads((TOPOJSON / "s0010" / "N03-21_210101_designated_city.json").read_text(encoding="utf-8"))
    geometries = municipal["objects"]["N03-21_210101"]["geometries"]
    codes = {g["properties"]["N03_007"] for g in geometries if g["properties"]["N03_007"]}
    assert codes == {c[:5] for c in MUNICIPAL_CODES} | NORTHERN_TERRITORIES
    assert all(g.get("type") for g in geometries)


@pytest.mark.skipif(not SOURCE.is_dir(), reason="the reference sources are not available here")
def test_converter_reproduces_the_committed_files() -> None:
    script = ROOT / "scripts" / "make_reference_data.py"
    result = subprocess.run(
        [sys.executable, str(script), "--check", "--quiet", "--source", str(SOURCE), "--out", str(ROOT)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (result.returncode, result.stderr) == (0, "")
