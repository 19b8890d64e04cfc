#!/usr/bin/env python3
"""Benchmark the site build on synthetic data packages and on the real site.

    .venv/bin/python bench/run.py [--sizes 10,100,1000] [--quick] [--keep] [--enforce]

For every size N it generates N deterministic synthetic packages (seeded), proves that they pass
``build.py --check --strict``, times the official frictionless validation of the same packages (the
floor), then times, each in a fresh subprocess, a cold build, a no-change rebuild and a rebuild after
one CSV changed. Finally it builds the real ``datapackages/`` cold and measures the pages. It prints a
table and the targets with PASS/FAIL, and writes everything as JSON to ``bench/results/``.
See bench/README.md for what each number means.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import hashlib
import json
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, Literal

REPO = Path(__file__).resolve().parent.parent
RESULTS_DIR = REPO / "bench" / "results"
LOCAL_GOVERNMENTS_CSV = Path(
    os.environ.get("BENCH_LOCALGOV_CSV", "/work/shared/data/reference/localgovjp/localgovjp-utf8.csv")
)
SEED = 20260101
DEFAULT_SIZES = (10, 100, 1000)
QUICK_SIZES = (10, 100)
CLI_LIMIT = 100  # the frictionless CLI costs ~1 s per package: above this, time a sample and scale it

# The build's cache. Every build gets ``--cache <data folder>/../.cache`` (n<N>/.cache for a synthetic set,
# the snapshot's own <repo>/.cache for the real site) and "cold" means that folder was deleted just before
# the build; the shared <repo>/.cache of the repository is never used. A build without --cache keeps its
# cache at its default, .cache in the working directory: that is deleted instead. See Builder.cache_dirs
# and bench/README.md; pass --cache-dir for any other place.
CACHE_DIR_NAME = ".cache"

# --- targets (see bench/README.md) --------------------------------------------------------------------
REAL_COLD_MAX_S = 10.0
BIG_N, MID_N = 1000, 100
BIG_COLD_MAX_S = 60.0
BIG_COLD_MAX_FLOOR_RATIO = 2.0
SCALING_MAX = 11.0
NO_CHANGE_MAX_S = 1.0
ONE_CSV_MAX_S = 2.0
HTML_PAGE_MAX_BYTES = 100 * 1024
FIRST_VIEW_MAX_BYTES = 150 * 1024


class BenchError(Exception):
    """The benchmark cannot go on: bad generated data, a failed build, a missing tool."""


# =====================================================================================================
# Synthetic data packages
# =====================================================================================================

DOCUMENT = "厚生労働省「令和７年度事前分析表（案）（施策目標Ⅶ-１-３）」"
LICENSE = {
    "name": "CC-BY-4.0",
    "title": "クリエイティブ・コモンズ 表示 4.0 国際（政府標準利用規約 第2.0版 互換）",
    "path": "https://creativecommons.org/licenses/by/4.0/legalcode.ja",
}
TOTAL = "計"
CHART_TYPES = ("line", "stacked-bar", "grouped-bar")
LOCAL_GOVERNMENT_EVERY = 5  # every 5th resource is keyed by a 全国地方公共団体コード
AREA_TOPICS = {
    1: ("包括的な支援体制", "重層的支援体制整備事業", "地域共生社会", "多機関協働"),
    2: ("ひきこもり支援", "相談支援", "居場所づくり", "家族支援"),
    3: ("成年後見制度", "権利擁護支援", "中核機関", "市民後見人"),
}


@dataclass(frozen=True)
class Measure:
    name: str
    title: str
    unit: str


@dataclass(frozen=True)
class Theme:
    key: str
    title: str
    title_en: str
    category: str
    category_title: str
    categories: tuple[str, ...]
    measure: Measure
    second: Measure  # an optional second count column
    survey: str


THEMES: tuple[Theme, ...] = (
    Theme(
        "consultations", "経路別の相談件数", "Consultations by channel", "channel", "経路",
        ("電話", "来所", "訪問", "メール", "SNS", "オンライン面談", "関係機関からの紹介", "その他"),
        Measure("count", "相談件数", "件"), Measure("persons", "実人数", "人"), "相談支援実績調べ",
    ),
    Theme(
        "clients-by-age", "年齢階級別の相談者数", "Clients by age group", "age_group", "年齢階級",
        ("19歳以下", "20〜29歳", "30〜39歳", "40〜49歳", "50〜59歳", "60〜69歳", "70歳以上", "不明"),
        Measure("persons", "相談者数", "人"), Measure("count", "延べ相談件数", "件"), "相談者の属性調査",
    ),
    Theme(
        "programmes", "事業別の実施市町村数", "Municipalities running each programme", "programme", "事業",
        ("相談支援", "参加支援", "地域づくり", "アウトリーチ等", "多機関協働", "居場所づくり", "家族支援", "研修"),
        Measure("municipalities", "実施市町村数", "市町村"), Measure("places", "実施か所数", "か所"),
        "実施状況調査",
    ),
    Theme(
        "appointees", "受任者の種別ごとの件数", "Appointments by kind of guardian", "appointee", "受任者の種別",
        ("親族", "弁護士", "司法書士", "社会福祉士", "市民後見人", "法人", "その他"),
        Measure("cases", "件数", "件"), Measure("persons", "人数", "人"), "成年後見関係事件の概況",
    ),
    Theme(
        "budget", "費目別の予算額", "Budget by item", "item", "費目",
        ("人件費", "委託費", "補助金", "研修費", "広報費", "事務費", "その他"),
        Measure("amount", "予算額", "千円"), Measure("settled", "決算額", "千円"), "予算執行状況調べ",
    ),
    Theme(
        "training", "研修別の開催回数", "Training sessions by course", "course", "研修",
        ("基礎研修", "応用研修", "フォローアップ研修", "管理者研修", "市民後見人養成研修", "オンライン研修"),
        Measure("sessions", "開催回数", "回"), Measure("participants", "受講者数", "人"), "研修実施状況調べ",
    ),
)  # fmt: skip

LOCAL_MEASURES: tuple[tuple[Measure, str, str], ...] = (
    (Measure("count", "相談件数", "件"), "市区町村別の相談件数", "Consultations by municipality"),
    (Measure("places", "相談窓口数", "か所"), "市区町村別の相談窓口数", "Consultation desks by municipality"),
    (Measure("persons", "支援対象者数", "人"), "市区町村別の支援対象者数", "People supported by municipality"),
)

# Used only when LOCAL_GOVERNMENTS_CSV is not there (real codes from it, with their check digits).
FALLBACK_LOCAL_GOVERNMENTS: tuple[tuple[str, str, str], ...] = (
    ("01", "011002", "札幌市"), ("01", "012025", "函館市"), ("01", "012033", "小樽市"),
    ("01", "012041", "旭川市"), ("01", "012050", "室蘭市"), ("01", "012068", "釧路市"),
    ("13", "131016", "千代田区"), ("13", "131024", "中央区"), ("13", "131032", "港区"),
    ("13", "131041", "新宿区"), ("13", "131059", "文京区"), ("13", "131067", "台東区"),
)  # fmt: skip


@dataclass(frozen=True)
class LocalGovernment:
    prefecture: str  # two digits
    code: str  # six digits, the last one a check digit
    name: str


@dataclass
class GeneratedSet:
    data_dir: Path
    packages: list[str] = field(default_factory=list)
    resources: int = 0
    charts: int = 0
    rows: int = 0
    local_government_resources: int = 0
    csv_bytes: int = 0


def check_digit(first_five: str) -> int:
    """Check digit of a 全国地方公共団体コード: weights 6..2, modulus 11 (as the build checks it)."""
    total = sum(int(digit) * weight for digit, weight in zip(first_five, (6, 5, 4, 3, 2), strict=True))
    return (11 - total % 11) % 10


def load_local_governments(path: Path = LOCAL_GOVERNMENTS_CSV) -> dict[str, list[LocalGovernment]]:
    """Real municipalities by prefecture, from the lgcode column (codes whose check digit holds)."""
    by_prefecture: dict[str, list[LocalGovernment]] = {}
    if path.is_file():
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows = [(r["lgcode"][:2], r["lgcode"], r["city"]) for r in csv.DictReader(handle)]
    else:
        rows = list(FALLBACK_LOCAL_GOVERNMENTS)
    names: set[tuple[str, str]] = set()
    for prefecture, code, name in rows:
        valid = re.fullmatch(r"[0-9]{6}", code) and int(code[5]) == check_digit(code[:5]) and code[2:5] != "000"
        if valid and name and (prefecture, name) not in names:
            names.add((prefecture, name))
            by_prefecture.setdefault(prefecture, []).append(LocalGovernment(prefecture, code, name))
    usable = {k: v for k, v in by_prefecture.items() if len(v) >= 2}
    if not usable:
        raise BenchError(f"{path}: no usable local government codes")
    return usable


def era_label(fiscal_year: int) -> str:
    if fiscal_year >= 2019:
        n = fiscal_year - 2018
        return f"令和{'元' if n == 1 else n}年度"
    n = fiscal_year - 1988
    return f"平成{'元' if n == 1 else n}年度"


# The site configuration of a generated set (site.toml beside its data folder): the areas its packages name.
SITE_CONFIG = """[site]
name = "ベンチマーク用の合成サイト"
publisher = "ベンチマーク"
description = "ベンチマーク用の合成データのサイト。数値は架空です。"

[[goals]]
slug = "bench"
number = "B-1"
title = "ベンチマーク用の施策目標"
statement = "合成データで生成器の速さを測ること"

[goals.source]
title = "ベンチマーク用の合成資料"
publisher = "ベンチマーク"
"""
SITE_AREAS = {1: "area-1", 2: "area-2", 3: "area-3"}


def write_site_config(data_dir: Path) -> Path:
    """Write the configuration a build of a generated set reads, beside ``data_dir``; returns its path."""
    areas = "".join(
        f'\n[[goals.areas]]\nnumber = {number}\nslug = "{slug}"\ntitle = "合成データの分野{number}"\n'
        for number, slug in SITE_AREAS.items()
    )
    path = data_dir.parent / "site.toml"
    path.write_text(SITE_CONFIG + areas, encoding="utf-8")
    return path


def generate(
    data_dir: Path,
    count: int,
    seed: int = SEED,
    local_governments: dict[str, list[LocalGovernment]] | None = None,
) -> GeneratedSet:
    """Write ``count`` synthetic packages into ``data_dir`` (created; must not hold other packages).

    Package ``i`` depends only on ``seed`` and ``i``, so a set of 10 is the first 10 of a set of 100.
    """
    governments = local_governments if local_governments is not None else load_local_governments()
    data_dir.mkdir(parents=True, exist_ok=True)
    generated = GeneratedSet(data_dir)
    resource_counter = 0
    for index in range(count):
        rng = random.Random(f"{seed}:{index}")
        name = f"bench-{index:05d}"
        resources: list[dict[str, Any]] = []
        tables: dict[str, list[list[str]]] = {}
        for position in range(rng.randint(1, 3)):
            keyed = resource_counter % LOCAL_GOVERNMENT_EVERY == 0
            resource_counter += 1
            if keyed:
                descriptor, table = _local_government_resource(rng, position, governments)
                generated.local_government_resources += 1
            else:
                descriptor, table = _category_resource(rng, position)
            resources.append(descriptor)
            tables[descriptor["path"]] = table
            generated.rows += len(table) - 1
            generated.charts += len(descriptor["charts"])
        generated.resources += len(resources)
        package = _package_descriptor(rng, index, name, resources)
        folder = data_dir / name
        (folder / "data").mkdir(parents=True, exist_ok=True)
        (folder / "datapackage.json").write_text(json.dumps(package, ensure_ascii=False, indent=2) + "\n", "utf-8")
        for relative, table in tables.items():
            generated.csv_bytes += _write_csv(folder / relative, table)
        generated.packages.append(name)
    return generated


def _package_descriptor(rng: random.Random, index: int, name: str, resources: list[dict[str, Any]]) -> dict[str, Any]:
    area = rng.randint(1, 3)
    topics = rng.sample(AREA_TOPICS[area], rng.randint(1, 2))
    updated = date(2025, 4, 1) + timedelta(days=rng.randint(0, 270))
    first = resources[0]
    return {
        "name": name,
        "title": f"合成データ{index:05d}：{first['title']}",
        "title_en": f"{first['title_en']} (synthetic benchmark data {index:05d})",
        "description": (
            f"ベンチマーク用の**合成データ**（{len(resources)}表）。数値は架空で、実在の統計ではない。"
            "形は実データのパッケージに合わせている。"
        ),
        "policy_area": area,
        "topics": topics,
        "version": f"1.{rng.randint(0, 3)}.0",
        "updated": updated.isoformat(),
        "keywords": ["合成データ", "ベンチマーク", *topics],
        "licenses": [dict(LICENSE)],
        "sources": [{"title": DOCUMENT}],
        "resources": resources,
    }


def _shape(rng: random.Random, max_categories: int) -> tuple[list[int], int]:
    """Fiscal years and a number of categories giving 5–50 rows (categories plus one total row a year)."""
    while True:
        years, categories = rng.randint(1, 5), rng.randint(2, min(9, max_categories))
        if 5 <= years * (categories + 1) <= 50:
            start = rng.randint(2015, 2025 - years)
            return list(range(start, start + years)), categories


def _values(rng: random.Random, years: list[int], parts: int) -> list[list[int | None]]:
    """values[year][part]; about one resource in ten lacks one value (a declared missing value)."""
    bases = [rng.randint(1, 5000) for _ in range(parts)]
    table = [
        [max(0, round(base * (1 + 0.08 * y) * rng.uniform(0.8, 1.2))) for base in bases] for y in range(len(years))
    ]
    out: list[list[int | None]] = [list(row) for row in table]
    if rng.random() < 0.1 and parts > 2:
        out[rng.randrange(len(years))][rng.randrange(parts)] = None
    return out


def _cell(value: int | None) -> str:
    return "" if value is None else str(value)


def _count_field(measure: Measure) -> dict[str, Any]:
    return {
        "name": measure.name,
        "type": "integer",
        "title": measure.title,
        "unit": measure.unit,
        "constraints": {"minimum": 0},
    }


def _sum_check(measure: Measure, category: str) -> dict[str, Any]:
    return {"type": "sum", "value": measure.name, "category": category, "total": TOTAL, "by": ["fiscal_year"]}


def _chart(
    rng: random.Random, years: list[int], measure: Measure, category: str, title: str, totals: list[int]
) -> dict[str, Any]:
    kind = rng.choice(CHART_TYPES if len(years) > 1 else CHART_TYPES[1:])
    if len(years) > 1:
        summary = (
            f"{measure.title}の合計は{era_label(years[0])}の{totals[0]:,}{measure.unit}から"
            f"{era_label(years[-1])}の{totals[-1]:,}{measure.unit}になった。"
        )
    else:
        summary = f"{era_label(years[0])}の{measure.title}の合計は{totals[0]:,}{measure.unit}である。"
    return {
        "name": "trend" if kind == "line" else "breakdown",
        "type": kind,
        "x": "fiscal_year",
        "y": measure.name,
        "color": category,
        "exclude": {category: [TOTAL]},
        "title": title,
        "description": summary,
    }


def _source(rng: random.Random, heading: str, survey: str, last_year: int) -> dict[str, str]:
    return {
        "title": DOCUMENT,
        "slide": f"p.{rng.randint(2, 40)} {heading}",
        "survey": f"厚生労働省「{survey}」",
        "reference_date": f"{era_label(last_year)}末時点",
    }


def _years_fields() -> list[dict[str, Any]]:
    return [
        {"name": "fiscal_year", "type": "integer", "title": "年度", "constraints": {"required": True}},
        {"name": "era_label", "type": "string", "title": "年度（和暦）"},
    ]


def _category_resource(rng: random.Random, position: int) -> tuple[dict[str, Any], list[list[str]]]:
    theme = rng.choice(THEMES)
    years, parts = _shape(rng, len(theme.categories))
    categories = list(theme.categories[:parts])
    measures = [theme.measure, theme.second] if rng.random() < 0.4 else [theme.measure]
    columns = [_values(rng, years, parts) for _ in measures]
    header = ["fiscal_year", "era_label", theme.category, *(m.name for m in measures)]
    table = [header]
    totals: list[int] = []
    for y, year in enumerate(years):
        for p, category in enumerate(categories):
            table.append([str(year), era_label(year), category, *(_cell(c[y][p]) for c in columns)])
        sums = [sum(v for v in c[y] if v is not None) for c in columns]
        totals.append(sums[0])
        table.append([str(year), era_label(year), TOTAL, *map(str, sums)])
    name = f"{theme.key}-{position + 1}"
    span = era_label(years[0]) if len(years) == 1 else f"{era_label(years[0])}〜{era_label(years[-1])}"
    fields = [
        *_years_fields(),
        {
            "name": theme.category,
            "type": "string",
            "title": theme.category_title,
            "constraints": {"required": True, "enum": [*categories, TOTAL]},
        },
        *(_count_field(m) for m in measures),
    ]
    descriptor: dict[str, Any] = {
        "name": name,
        "path": f"data/{name}.csv",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "title": f"{theme.title}（{span}）",
        "title_en": f"{theme.title_en}, FY{years[0]}–{years[-1]}",
        "description": f"{theme.category_title}ごとの{theme.measure.title}と、その{TOTAL}。",
        "sources": [_source(rng, theme.title, theme.survey, years[-1])],
        "schema": {"fields": fields, "primaryKey": ["fiscal_year", theme.category], "missingValues": [""]},
        "checks": [_sum_check(m, theme.category) for m in measures],
        "charts": [_chart(rng, years, theme.measure, theme.category, theme.title, totals)],
    }
    if any(cell == "" for row in table for cell in row):
        descriptor["notes"] = ["空欄は資料に記載がない値（合計は記載のある値の和）。"]
    return descriptor, table


def _local_government_resource(
    rng: random.Random, position: int, governments: dict[str, list[LocalGovernment]]
) -> tuple[dict[str, Any], list[list[str]]]:
    prefecture = rng.choice(sorted(governments))
    pool = governments[prefecture]
    years, parts = _shape(rng, len(pool))
    members = sorted(rng.sample(pool, parts), key=lambda g: g.code)
    prefecture_code = f"{prefecture}000{check_digit(prefecture + '000')}"
    measure, title, title_en = rng.choice(LOCAL_MEASURES)
    values = _values(rng, years, parts)
    table = [["fiscal_year", "era_label", "lgcode", "municipality", measure.name]]
    totals: list[int] = []
    for y, year in enumerate(years):
        for p, member in enumerate(members):
            table.append([str(year), era_label(year), member.code, member.name, _cell(values[y][p])])
        total = sum(v for v in values[y] if v is not None)
        totals.append(total)
        table.append([str(year), era_label(year), prefecture_code, TOTAL, str(total)])
    name = f"municipalities-{position + 1}"
    fields = [
        *_years_fields(),
        {
            "name": "lgcode",
            "type": "string",
            "title": "全国地方公共団体コード",
            "description": "6桁（末尾は検査数字）。計の行は都道府県のコード。",
            "constraints": {"required": True, "pattern": "^[0-9]{6}$"},
        },
        {"name": "municipality", "type": "string", "title": "市区町村", "constraints": {"required": True}},
        _count_field(measure),
    ]
    descriptor: dict[str, Any] = {
        "name": name,
        "path": f"data/{name}.csv",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "title": f"{title}（{era_label(years[-1])}まで）",
        "title_en": f"{title_en}, to FY{years[-1]}",
        "description": f"市区町村ごとの{measure.title}と、都道府県の{TOTAL}。",
        "sources": [_source(rng, title, "市区町村の取組状況調査", years[-1])],
        "notes": ["計の行の全国地方公共団体コードは都道府県のコード。"],
        "schema": {"fields": fields, "primaryKey": ["fiscal_year", "lgcode"], "missingValues": [""]},
        "checks": [_sum_check(measure, "municipality"), {"type": "check_digit", "field": "lgcode"}],
        "charts": [_chart(rng, years, measure, "municipality", title, totals)],
    }
    return descriptor, table


def _write_csv(path: Path, table: list[list[str]]) -> int:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(table)
    return path.stat().st_size


def change_one_csv(data_dir: Path, package: str) -> tuple[Path, str]:
    """Add 1 to one count cell of one CSV and to its year's 計 row, so that the sum check still holds.

    Returns the CSV changed and its new text. Only that one file changes.
    """
    folder = data_dir / package
    descriptor = json.loads((folder / "datapackage.json").read_text("utf-8"))
    resource = descriptor["resources"][0]
    rule = next(c for c in resource["checks"] if c["type"] == "sum")
    value, category, by = rule["value"], rule["category"], rule["by"]
    path = folder / resource["path"]
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    header = rows[0]
    v, c, keys = header.index(value), header.index(category), [header.index(b) for b in by]
    part = next(r for r in rows[1:] if r[c] != rule["total"] and r[v] != "")
    total = next(r for r in rows[1:] if r[c] == rule["total"] and all(r[k] == part[k] for k in keys))
    part[v], total[v] = str(int(part[v]) + 1), str(int(total[v]) + 1)
    _write_csv(path, rows)
    return path, path.read_text("utf-8")


# =====================================================================================================
# Running and measuring a child process
# =====================================================================================================

RssMethod = Literal["gnu-time", "wait4"]


@dataclass
class Measured:
    command: list[str]
    returncode: int
    stdout: str
    stderr: str
    wall_s: float
    peak_rss_mb: float | None  # the largest single process of the tree (getrusage/wait4 semantics)
    tree_rss_mb: float | None  # the largest sum over the whole tree (workers included), sampled
    load_before: float | None  # 1-minute load average when the process started


def pick_rss_method(requested: str) -> RssMethod:
    if requested == "wait4":
        return "wait4"
    gnu = Path("/usr/bin/time")
    works = gnu.is_file() and subprocess.run([str(gnu), "-v", "true"], capture_output=True, check=False).returncode == 0
    if requested == "gnu-time" and not works:
        raise BenchError("/usr/bin/time -v is not available; use --rss wait4")
    return "gnu-time" if works else "wait4"


TREE_SAMPLE_S = 0.1
_PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024 if hasattr(os, "sysconf") else 4


def tree_rss_kb(root: int) -> int | None:
    """Resident memory of every descendant of ``root`` (not ``root`` itself), from /proc (Linux only)."""
    proc = Path("/proc")
    if not (proc / "self" / "statm").exists():
        return None
    children: dict[int, list[int]] = {}
    for entry in os.scandir(proc):
        if not entry.name.isdigit():
            continue
        try:
            stat = (proc / entry.name / "stat").read_text()
            children.setdefault(int(stat.rpartition(")")[2].split()[1]), []).append(int(entry.name))
        except (OSError, ValueError, IndexError):
            continue  # the process ended meanwhile
    total, stack = 0, list(children.get(root, []))
    while stack:
        pid = stack.pop()
        with contextlib.suppress(OSError, ValueError, IndexError):  # the process ended meanwhile
            total += int((proc / str(pid) / "statm").read_text().split()[1]) * _PAGE_KB
        stack.extend(children.get(pid, []))
    return total


def measure(command: Sequence[str], method: RssMethod, cwd: Path = REPO) -> Measured:
    """Run ``command`` in a fresh process: wall time from here, peak RSS from the wrapper, and the
    whole tree's RSS sampled from /proc by a thread (so that waiting for the child stays exact)."""
    with tempfile.TemporaryDirectory(prefix="bench-measure-") as folder:
        report, out, err = Path(folder, "rusage"), Path(folder, "stdout"), Path(folder, "stderr")
        if method == "gnu-time":
            wrapped = ["/usr/bin/time", "-v", "-o", str(report), *command]
        else:
            wrapped = [sys.executable, str(Path(__file__).resolve()), "--rusage-wrap", str(report), "--", *command]
        samples: list[int] = []
        stop = threading.Event()
        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
        with out.open("wb") as stdout, err.open("wb") as stderr:
            start = time.perf_counter()
            child = subprocess.Popen(wrapped, cwd=cwd, stdout=stdout, stderr=stderr)

            def sample() -> None:
                while not stop.is_set():
                    value = tree_rss_kb(child.pid)
                    if value is None:
                        return
                    samples.append(value)
                    stop.wait(TREE_SAMPLE_S)

            sampler = threading.Thread(target=sample, daemon=True)
            sampler.start()
            returncode = child.wait()
            wall = time.perf_counter() - start
            stop.set()
            sampler.join()
        text = report.read_text("utf-8", errors="replace") if report.exists() else ""
        stdout_text, stderr_text = out.read_text("utf-8", errors="replace"), err.read_text("utf-8", errors="replace")
    rss_kb: float | None = None
    if method == "gnu-time":
        found = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
        rss_kb = float(found.group(1)) if found else None
    elif text.strip():
        rss_kb = float(json.loads(text)["maxrss_kb"])
    peak = round(rss_kb / 1024, 1) if rss_kb is not None else None
    tree = round(max(samples) / 1024, 1) if samples and max(samples) > 0 else None
    return Measured(list(command), returncode, stdout_text, stderr_text, wall, peak, tree, load)


def rusage_wrap(argv: list[str]) -> int:
    """``run.py --rusage-wrap REPORT -- CMD...``: run CMD, write its own peak RSS (KiB) to REPORT."""
    report, separator, *command = argv
    if separator != "--" or not command:
        raise SystemExit("usage: run.py --rusage-wrap REPORT -- COMMAND...")
    child = subprocess.Popen(command)
    _, status, usage = os.wait4(child.pid, 0)
    code = os.waitstatus_to_exitcode(status)
    child.returncode = code
    maxrss = usage.ru_maxrss / 1024 if sys.platform == "darwin" else usage.ru_maxrss  # bytes on macOS
    Path(report).write_text(json.dumps({"maxrss_kb": maxrss, "returncode": code}), "utf-8")
    return code if code >= 0 else 128 - code


# =====================================================================================================
# The build and its summary
# =====================================================================================================

COUNT_LINE = re.compile(r"^(packages|resources|pages|charts|files|warnings)\s+(\d+)\s*$", re.MULTILINE)
SECONDS_LINE = re.compile(r"^seconds\s+([0-9.]+)\s+\((.*)\)\s*$", re.MULTILINE)
CHECK_LINE = re.compile(r"^checked in ([0-9.]+)s \((.*)\); (\d+) warning", re.MULTILINE)
STAGE = re.compile(r"([\w-]+) ([0-9.]+)s")


@dataclass
class BuildRun:
    kind: str
    wall_s: float
    peak_rss_mb: float | None
    tree_rss_mb: float | None
    load_before: float | None
    reported_s: float
    stages: dict[str, float]
    counts: dict[str, int]
    up_to_date: bool  # the build said nothing changed and left the site as it was


def parse_summary(stdout: str) -> tuple[dict[str, int], float, dict[str, float]]:
    counts = {key: int(value) for key, value in COUNT_LINE.findall(stdout)}
    found = SECONDS_LINE.search(stdout) or CHECK_LINE.search(stdout)
    if found is None:
        raise BenchError(f"no summary line in the build's output:\n{stdout}")
    stages = {name: float(value) for name, value in STAGE.findall(found.group(2))}
    if found.re is CHECK_LINE:
        counts["warnings"] = int(found.group(3))
    return counts, float(found.group(1)), stages


# Never copied into the snapshot when git cannot list the working tree (git's own list honours .gitignore).
SNAPSHOT_SKIP = {".git", ".venv", "node_modules", "site", CACHE_DIR_NAME, ".mypy_cache", ".ruff_cache", ".pytest_cache"}
NOT_BUILD_INPUTS = ("tests/", "bench/")  # changes here do not change what the build does


def repository_files(root: Path = REPO) -> list[str]:
    """The working tree as git sees it: tracked and untracked files, ignored ones left out (read-only)."""
    done = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=root,
        capture_output=True,
        check=False,
    )
    if done.returncode == 0:
        names = [name for name in done.stdout.decode("utf-8", errors="surrogateescape").split("\0") if name]
    else:
        names = [
            path.relative_to(root).as_posix()
            for path in root.rglob("*")
            if not path.is_dir()
            and not ({"__pycache__", *SNAPSHOT_SKIP} & set(path.relative_to(root).parts[:1] + path.parts[-2:-1]))
            and not path.relative_to(root).as_posix().startswith(("bench/results/", ".site."))
        ]
    return sorted(name for name in names if os.path.lexists(root / name) and not (root / name).is_dir())


def files_digest(root: Path, names: Sequence[str]) -> str:
    """SHA-256 over the build's inputs among ``names``: paths and bytes (link targets for symbolic links)."""
    hasher = hashlib.sha256()
    for name in names:
        if name.startswith(NOT_BUILD_INPUTS):
            continue
        path = root / name
        try:
            data = os.readlink(path).encode() if path.is_symlink() else path.read_bytes()
        except OSError:
            data = b"(missing)"
        hasher.update(name.encode() + b"\0" + len(data).to_bytes(8, "big") + data)
    return hasher.hexdigest()


def snapshot_repository(destination: Path) -> tuple[int, str]:
    """Copy the working tree (code, templates, reference files, content and the real data packages).

    The repository is shared: an edit to ``datasite/`` between two builds would change the build's code
    fingerprint (emptying its cache) and an edit to ``datapackages/`` could meet code of another age.
    Every build runs this copy, from this copy. Returns the number of files and their digest.
    """
    names = repository_files()
    for name in names:
        target = destination / name
        target.parent.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(FileNotFoundError):  # deleted meanwhile
            shutil.copy2(REPO / name, target, follow_symlinks=False)
    return len(names), files_digest(destination, names)


def build_options(build: Path) -> str:
    done = subprocess.run(
        [sys.executable, str(build), "--help"], cwd=build.parent, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise BenchError(f"build.py --help failed:\n{done.stderr}")
    return done.stdout


@dataclass(frozen=True)
class Builder:
    """Runs build.py in fresh processes, with its cache where the benchmark says."""

    method: RssMethod
    build: Path  # build.py at the root of a snapshot of the repository (or of the repository itself)
    cache_option: bool  # build.py accepts --cache DIR
    extra_args: tuple[str, ...] = ()
    extra_caches: tuple[Path, ...] = ()

    def cache_dirs(self, cache: Path) -> list[Path]:
        """What a cold build starts without: the cache folder handed to the build or, for a build
        without --cache, its default: .cache in its working directory (the snapshot, or the repository)."""
        return [cache if self.cache_option else self.build.parent / CACHE_DIR_NAME, *self.extra_caches]

    def clear(self, cache: Path) -> list[str]:
        removed = []
        for folder in self.cache_dirs(cache):
            if folder.exists():
                shutil.rmtree(folder)
                removed.append(str(folder))
        return removed

    def run(self, kind: str, data_dir: Path, out_dir: Path, cache: Path, *args: str) -> BuildRun:
        command = [sys.executable, str(self.build), "--data", str(data_dir), "--out", str(out_dir)]
        command += ["--cache", str(cache)] if self.cache_option else []
        command += [*self.extra_args, *args]
        done = measure(command, self.method, cwd=self.build.parent)
        if done.returncode != 0:
            raise BenchError(
                f"{kind}: build failed with exit status {done.returncode}\n"
                f"$ {' '.join(command)}\n{done.stderr}{done.stdout}"
            )
        counts, reported, stages = parse_summary(done.stdout)
        if counts.get("warnings", 0):
            raise BenchError(f"{kind}: the build reported warnings:\n{done.stderr}")
        return BuildRun(
            kind=kind,
            wall_s=round(done.wall_s, 3),
            peak_rss_mb=done.peak_rss_mb,
            tree_rss_mb=done.tree_rss_mb,
            load_before=None if done.load_before is None else round(done.load_before, 2),
            reported_s=reported,
            stages=stages,
            counts=counts,
            up_to_date="nothing changed" in done.stdout,
        )

    def verify_check_strict(self, data_dir: Path, cache: Path, expected_packages: int) -> BuildRun:
        """``build.py --check --strict`` must accept every generated package, or the benchmark stops."""
        run = self.run("check --strict", data_dir, data_dir.parent / "unused-out", cache, "--check", "--strict")
        if run.counts.get("packages") != expected_packages:
            raise BenchError(
                f"--check --strict saw {run.counts.get('packages')} packages, expected {expected_packages}"
            )
        return run


# =====================================================================================================
# The frictionless floor
# =====================================================================================================


def frictionless_floor(data_dir: str) -> int:
    """``run.py --frictionless-floor DIR``: frictionless.validate() every package in one interpreter."""
    import frictionless

    start = time.perf_counter()
    folders = sorted(p for p in Path(data_dir).iterdir() if (p / "datapackage.json").is_file())
    invalid = []
    for folder in folders:
        report = frictionless.validate(str(folder / "datapackage.json"))
        if not report.valid:
            invalid.append({"package": folder.name, "errors": [row[0] for row in report.flatten(["message"])][:5]})
    seconds = time.perf_counter() - start
    print(json.dumps({"packages": len(folders), "invalid": invalid, "validate_s": seconds}, ensure_ascii=False))
    return 1 if invalid else 0


@dataclass
class Floor:
    api_wall_s: float
    api_validate_s: float  # inside the interpreter, without start-up and imports
    api_peak_rss_mb: float | None
    cli_packages_timed: int
    cli_wall_s: float  # for the packages timed
    cli_total_s: float  # for all packages: measured, or scaled from the sample when estimated
    cli_estimated: bool


def measure_floor(data_dir: Path, packages: list[str], method: RssMethod, cli_limit: int) -> Floor:
    api = measure([sys.executable, str(Path(__file__).resolve()), "--frictionless-floor", str(data_dir)], method)
    if api.returncode != 0:
        raise BenchError(f"frictionless.validate() rejected generated packages:\n{api.stdout}{api.stderr}")
    inside = json.loads(api.stdout.strip().splitlines()[-1])
    cli = Path(sys.executable).parent / "frictionless"
    if not cli.is_file():
        raise BenchError(f"{cli}: the frictionless CLI is not installed")
    sample = packages[: max(1, cli_limit)]
    start = time.perf_counter()
    for name in sample:
        done = subprocess.run(
            [str(cli), "validate", str(data_dir / name / "datapackage.json")], capture_output=True, check=False
        )
        if done.returncode != 0:
            raise BenchError(f"frictionless validate {name} failed:\n{done.stdout.decode(errors='replace')}")
    cli_wall = time.perf_counter() - start
    return Floor(
        api_wall_s=round(api.wall_s, 3),
        api_validate_s=round(float(inside["validate_s"]), 3),
        api_peak_rss_mb=api.peak_rss_mb,
        cli_packages_timed=len(sample),
        cli_wall_s=round(cli_wall, 3),
        cli_total_s=round(cli_wall * len(packages) / len(sample), 3),
        cli_estimated=len(sample) < len(packages),
    )


def chart_floor(site_dir: str) -> int:
    """``run.py --chart-floor SITE``: vl-convert alone renders every chart of a built site.

    Each chart's published Vega-Lite spec (charts/**/*.vl.json) becomes an SVG and, from it, a PNG at
    scale 2, as the build does, in a pool of two processes: the least that any build publishing these
    static images pays on this machine.
    """
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    texts = [p.read_text("utf-8") for p in sorted(Path(site_dir).glob("charts/*/*.vl.json"))]
    start = time.perf_counter()
    with ProcessPoolExecutor(2, mp_context=get_context("spawn")) as pool:
        sizes = list(pool.map(_chart_images, texts, chunksize=4))
    seconds = time.perf_counter() - start
    print(json.dumps({"charts": len(texts), "render_s": seconds, "bytes": sum(sizes)}))
    return 0


def _chart_images(text: str) -> int:
    import vl_convert

    svg: str = vl_convert.vegalite_to_svg(json.loads(text), format_locale="ja-JP")
    png: bytes = vl_convert.svg_to_png(svg, scale=2)
    return len(svg) + len(png)


@dataclass
class ChartFloor:
    charts: int
    wall_s: float  # the whole process: start-up, imports, two workers and their engines
    render_s: float  # inside the process, from the pool's start to the last image


def measure_chart_floor(site: Path, method: RssMethod) -> ChartFloor:
    run = measure([sys.executable, str(Path(__file__).resolve()), "--chart-floor", str(site)], method)
    if run.returncode != 0:
        raise BenchError(f"vl-convert could not render the published chart specs:\n{run.stdout}{run.stderr}")
    inside = json.loads(run.stdout.strip().splitlines()[-1])
    return ChartFloor(int(inside["charts"]), round(run.wall_s, 3), round(float(inside["render_s"]), 3))


# =====================================================================================================
# Pages of a built site
# =====================================================================================================


class _ScriptSources(HTMLParser):
    """The files a page loads: scripts, and (for its first view) stylesheets and images."""

    def __init__(self) -> None:
        super().__init__()
        self.sources: list[str] = []
        self.first_view: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "script" and attributes.get("src"):
            self.sources.append(attributes["src"] or "")
        elif tag == "link" and attributes.get("rel") == "stylesheet" and attributes.get("href"):
            self.first_view.append(attributes["href"] or "")
        elif tag == "img" and attributes.get("src"):
            self.first_view.append(attributes["src"] or "")


def first_view_bytes(site: Path, page: str) -> tuple[int, int]:
    """Bytes a browser fetches for ``page`` before any script: the HTML, its stylesheets and every
    image it shows (lazy ones counted too, as if all were in view). Raw and gzip-compressed."""
    import gzip

    path = site / page
    parser = _ScriptSources()
    parser.feed(path.read_text("utf-8"))
    references = sorted(set(parser.first_view))
    files = [path] + [(path.parent / ref.split("?")[0].split("#")[0]).resolve() for ref in references]
    datas = [f.read_bytes() for f in files if f.is_file()]
    return sum(len(d) for d in datas), sum(len(gzip.compress(d, 6)) for d in datas)


@dataclass
class PageStats:
    html_pages: int
    html_bytes_total: int
    largest_page: str
    largest_page_bytes: int
    pages_over_limit: list[str]
    typical_page: str  # the median-sized dataset page
    typical_page_bytes: int
    median_page_bytes: int  # over every HTML page
    typical_first_view_bytes: int = 0  # HTML + CSS + images of the typical page, no script
    typical_first_view_gzip_bytes: int = 0


@dataclass
class ScriptStats:
    chart_page: str
    scripts: dict[str, int]
    script_bytes: int
    pages_with_charts: int
    max_script_bytes: int


def page_stats(site: Path) -> PageStats:
    sizes = {p.relative_to(site).as_posix(): p.stat().st_size for p in site.rglob("*.html")}
    if not sizes:
        raise BenchError(f"{site}: no HTML pages")
    largest = max(sizes, key=lambda name: (sizes[name], name))
    datasets = sorted((s, n) for n, s in sizes.items() if re.fullmatch(r"datasets/[^/]+/index\.html", n)) or sorted(
        (s, n) for n, s in sizes.items()
    )
    typical_bytes, typical = datasets[(len(datasets) - 1) // 2]
    first_view, first_view_gzip = first_view_bytes(site, typical)
    return PageStats(
        html_pages=len(sizes),
        html_bytes_total=sum(sizes.values()),
        largest_page=largest,
        largest_page_bytes=sizes[largest],
        pages_over_limit=sorted(n for n, s in sizes.items() if s > HTML_PAGE_MAX_BYTES),
        typical_page=typical,
        typical_page_bytes=typical_bytes,
        median_page_bytes=int(statistics.median(sizes.values())),
        typical_first_view_bytes=first_view,
        typical_first_view_gzip_bytes=first_view_gzip,
    )


def script_stats(site: Path) -> ScriptStats | None:
    """Bytes of the ``<script src>`` files each page loads; the chart page reported is the first
    dataset page that has charts (every chart page loads the same scripts)."""
    loads: dict[str, dict[str, int]] = {}
    for page in sorted(site.rglob("*.html")):
        parser = _ScriptSources()
        parser.feed(page.read_text("utf-8"))
        scripts: dict[str, int] = {}
        for source in parser.sources:
            target = (page.parent / source.split("?")[0].split("#")[0]).resolve()
            scripts[target.relative_to(site.resolve()).as_posix()] = target.stat().st_size if target.is_file() else 0
        if scripts:
            loads[page.relative_to(site).as_posix()] = scripts
    if not loads:
        return None
    dataset_pages = [n for n in loads if n.startswith("datasets/")]
    chosen = (dataset_pages or sorted(loads))[0]
    return ScriptStats(
        chart_page=chosen,
        scripts=loads[chosen],
        script_bytes=sum(loads[chosen].values()),
        pages_with_charts=len(loads),
        max_script_bytes=max(sum(s.values()) for s in loads.values()),
    )


# =====================================================================================================
# The benchmark
# =====================================================================================================


@dataclass
class SizeResult:
    n: int
    generated: dict[str, Any]
    check: BuildRun
    floor: Floor
    cold: BuildRun
    no_change: BuildRun
    one_csv: BuildRun
    changed_csv: str
    caches_cleared: list[str]
    pages: PageStats
    charts_floor: ChartFloor | None = None

    @property
    def ratio(self) -> float:
        return self.cold.wall_s / self.floor.api_wall_s


@dataclass
class RealResult:
    data_dir: str
    cold: BuildRun
    caches_cleared: list[str]
    pages: PageStats
    scripts: ScriptStats | None
    no_change: BuildRun | None = None
    one_edit: BuildRun | None = None  # after one dataset's description changed
    edited: str = ""


@dataclass
class Target:
    name: str
    measured: str
    status: Literal["PASS", "FAIL", "SKIP"]


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def bench_size(n: int, root: Path, builder: Builder, cli_limit: int, seed: int) -> SizeResult:
    data, out, cache = root / "datapackages", root / "site", root / CACHE_DIR_NAME
    generated = generate(data, n, seed)
    write_site_config(data)
    log(f"N={n}: generated {generated.resources} resources, {generated.charts} charts, {generated.rows} rows")
    check = builder.verify_check_strict(data, cache, n)
    log(f"N={n}: build.py --check --strict passes ({check.wall_s:.2f}s)")
    floor = measure_floor(data, generated.packages, builder.method, cli_limit)
    cli_note = " (estimated)" if floor.cli_estimated else ""
    log(f"N={n}: frictionless api {floor.api_wall_s:.2f}s, cli {floor.cli_total_s:.2f}s{cli_note}")
    shutil.rmtree(out, ignore_errors=True)
    cleared = builder.clear(cache)
    cold = builder.run("cold", data, out, cache)
    if cold.up_to_date or not cold.counts.get("pages"):
        raise BenchError(f"N={n}: the cold build did not build the site:\n{cold}")
    log(f"N={n}: cold {cold.wall_s:.2f}s")
    charts = measure_chart_floor(out, builder.method)
    log(f"N={n}: vl-convert alone renders the {charts.charts} charts in {charts.wall_s:.2f}s")
    no_change = builder.run("no-change", data, out, cache)
    log(f"N={n}: no-change {no_change.wall_s:.2f}s")
    changed, text = change_one_csv(data, generated.packages[len(generated.packages) // 2])
    one_csv = builder.run("one-csv", data, out, cache)
    log(f"N={n}: one-CSV change {one_csv.wall_s:.2f}s")
    published = out / "datasets" / changed.parent.parent.name / f"{changed.stem}.csv"
    if not published.is_file() or published.read_text("utf-8") != text:
        raise BenchError(f"after the one-CSV rebuild {published} does not hold the changed data (stale output)")
    return SizeResult(
        n=n,
        generated={k: v for k, v in asdict(generated).items() if k not in {"data_dir", "packages"}},
        check=check,
        floor=floor,
        cold=cold,
        no_change=no_change,
        one_csv=one_csv,
        changed_csv=changed.relative_to(data).as_posix(),
        caches_cleared=cleared,
        pages=page_stats(out),
        charts_floor=charts,
    )


def bench_real(data: Path, out: Path, cache: Path, builder: Builder) -> RealResult:
    shutil.rmtree(out, ignore_errors=True)
    cleared = builder.clear(cache)
    cold = builder.run("real cold", data, out, cache)
    log(f"real site: cold {cold.wall_s:.2f}s")
    pages, scripts = page_stats(out), script_stats(out)
    no_change = builder.run("real no-change", data, out, cache)
    log(f"real site: no-change {no_change.wall_s:.2f}s")
    edited = edit_one_description(data)
    one_edit = builder.run("real one-edit", data, out, cache)
    page = out / "datasets" / edited.parent.name / "index.html"
    if REAL_EDIT_MARK not in page.read_text("utf-8"):
        raise BenchError(f"after the one-edit rebuild {page} does not show the edited description (stale output)")
    log(f"real site: one-edit {one_edit.wall_s:.2f}s")
    edited_name = edited.relative_to(data).as_posix()
    return RealResult(str(data), cold, cleared, pages, scripts, no_change, one_edit, edited_name)


REAL_EDIT_MARK = "（ベンチマークでの編集）"


def edit_one_description(data_dir: Path) -> Path:
    """Append a sentence to the description of the first data package (reference data excluded), as an
    editor would; the build must rebuild what shows it. Returns the descriptor's path."""
    descriptor_path = next(
        path for path in sorted(data_dir.glob("*/datapackage.json")) if not path.parent.name.startswith("ref-")
    )
    descriptor = json.loads(descriptor_path.read_text("utf-8"))
    descriptor["description"] = str(descriptor.get("description", "")) + REAL_EDIT_MARK
    descriptor_path.write_text(json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return descriptor_path


def evaluate(sizes: list[SizeResult], real: RealResult | None) -> list[Target]:
    by_n = {s.n: s for s in sizes}
    targets: list[Target] = []

    def add(name: str, measured: str | None, ok: bool) -> None:
        targets.append(
            Target(name, measured or "not measured", "SKIP" if measured is None else "PASS" if ok else "FAIL")
        )

    add(
        f"real site cold build < {REAL_COLD_MAX_S:g} s",
        f"{real.cold.wall_s:.2f} s" if real else None,
        real is not None and real.cold.wall_s < REAL_COLD_MAX_S,
    )
    big, mid = by_n.get(BIG_N), by_n.get(MID_N)
    add(
        f"{BIG_N:,} packages cold build < {BIG_COLD_MAX_S:g} s",
        f"{big.cold.wall_s:.2f} s" if big else None,
        big is not None and big.cold.wall_s < BIG_COLD_MAX_S,
    )
    add(
        f"{BIG_N:,} packages cold ≤ {BIG_COLD_MAX_FLOOR_RATIO:g}× frictionless floor",
        f"{big.ratio:.1f}× ({big.cold.wall_s:.1f} s / {big.floor.api_wall_s:.1f} s)" if big else None,
        big is not None and big.ratio <= BIG_COLD_MAX_FLOOR_RATIO,
    )
    scaling = big.cold.wall_s / mid.cold.wall_s if big and mid else None
    add(
        f"t({BIG_N})/t({MID_N}) ≤ {SCALING_MAX:g} (cold)",
        f"{scaling:.2f}" if scaling is not None else None,
        scaling is not None and scaling <= SCALING_MAX,
    )
    for name, limit, kind in (
        ("no-change rebuild", NO_CHANGE_MAX_S, "no_change"),
        ("one-CSV change rebuild", ONE_CSV_MAX_S, "one_csv"),
    ):
        walls = sorted(((getattr(s, kind).wall_s, s.n) for s in sizes), reverse=True)
        add(
            f"{name} < {limit:g} s (every N)",
            f"worst {walls[0][0]:.2f} s at N={walls[0][1]}" if walls else None,
            bool(walls) and walls[0][0] < limit,
        )
    limit_kb = HTML_PAGE_MAX_BYTES // 1024
    p = real.pages if real else None
    add(
        f"no HTML page > {limit_kb} KB (real site)",
        f"largest {p.largest_page_bytes / 1024:.1f} KB {p.largest_page}; {len(p.pages_over_limit)} over" if p else None,
        p is not None and not p.pages_over_limit,
    )
    add(
        f"typical page first view < {FIRST_VIEW_MAX_BYTES // 1024} KB before script (real)",
        f"{p.typical_first_view_bytes / 1024:.1f} KB {p.typical_page}" if p else None,
        p is not None and p.typical_first_view_bytes < FIRST_VIEW_MAX_BYTES,
    )
    worst_site = max(sizes, key=lambda s: s.pages.largest_page_bytes, default=None)
    add(
        f"no HTML page > {limit_kb} KB (synthetic, every N)",
        (
            f"largest {worst_site.pages.largest_page_bytes / 1024:,.0f} KB at N={worst_site.n} "
            f"{worst_site.pages.largest_page}; {sum(len(s.pages.pages_over_limit) for s in sizes)} over"
        )
        if worst_site
        else None,
        worst_site is not None and not any(s.pages.pages_over_limit for s in sizes),
    )
    return targets


def _kb(value: int) -> str:
    return f"{value / 1024:,.1f} KB"


def _mb(value: float | None) -> str:
    return "?" if value is None else f"{value:.0f}"


def report(sizes: list[SizeResult], real: RealResult | None, targets: list[Target], rss: str) -> str:
    lines: list[str] = []
    if sizes:
        lines.append("Synthetic packages: wall seconds, each build a fresh process (cold = empty cache, fresh --out)")
        head = (
            f"{'N':>6} {'res':>5} {'charts':>6} {'pages':>6} {'cold':>8} {'no-chg':>8} {'1-CSV':>8} "
            f"{'RSS MB':>7} {'tree MB':>7} {'fl.api':>7} {'fl.cli':>9} {'cold/fl':>7} {'largest page':>13}"
        )
        lines += [head, "-" * len(head)]
        for s in sizes:
            cli = f"{s.floor.cli_total_s:.1f}" + ("~" if s.floor.cli_estimated else "")
            runs = (s.cold, s.no_change, s.one_csv)
            peak = max((r.peak_rss_mb for r in runs if r.peak_rss_mb is not None), default=None)
            tree = max((r.tree_rss_mb for r in runs if r.tree_rss_mb is not None), default=None)
            lines.append(
                f"{s.n:>6} {s.cold.counts.get('resources', 0):>5} {s.cold.counts.get('charts', 0):>6} "
                f"{s.cold.counts.get('pages', 0):>6} {s.cold.wall_s:>8.2f} {s.no_change.wall_s:>8.2f} "
                f"{s.one_csv.wall_s:>8.2f} {_mb(peak):>7} {_mb(tree):>7} {s.floor.api_wall_s:>7.2f} {cli:>9} "
                f"{s.ratio:>6.1f}× {_kb(s.pages.largest_page_bytes):>13}"
            )
        lines.append(f"  RSS MB  = peak RSS of the largest single process of a build ({rss}), max of the three builds;")
        lines.append(
            f"  tree MB = peak of the summed RSS of the build and its workers, sampled every {TREE_SAMPLE_S} s;"
        )
        lines.append("  fl.api  = one python calling frictionless.validate() on every package: the floor;")
        lines.append("  fl.cli  = `frictionless validate` once per package (~ = scaled from a timed sample).")
        lines += ["", "Where a cold build's time goes: the two floors it cannot go below, and the rest (s)"]
        head = f"{'N':>6} {'cold':>8} {'fl.api':>8} {'charts':>8} {'vlc':>8} {'rest':>8}"
        lines += [head, "-" * len(head)]
        for s in sizes:
            if s.charts_floor is None:
                continue
            rest = s.cold.wall_s - s.floor.api_wall_s - s.charts_floor.wall_s
            lines.append(
                f"{s.n:>6} {s.cold.wall_s:>8.2f} {s.floor.api_wall_s:>8.2f} {s.charts_floor.charts:>8} "
                f"{s.charts_floor.wall_s:>8.2f} {rest:>8.2f}"
            )
        lines.append("  vlc  = vl-convert alone renders every published chart (SVG, then PNG) in two processes;")
        lines.append("  rest = cold − fl.api − vlc: what the build adds (pages, the model, writing; can be < 0,")
        lines.append("         since the build validates and renders on both cores)")
        stages: list[str] = []
        for s in sizes:
            for run in (s.cold, s.no_change, s.one_csv):
                stages += [name for name in run.stages if name not in stages]
        lines += ["", "Stages as the build reports them (s)"]
        head = f"{'N':>6} {'build':>9} " + " ".join(f"{name:>9}" for name in stages)
        lines += [head, "-" * len(head)]
        for s in sizes:
            for run in (s.cold, s.no_change, s.one_csv):
                cells = " ".join(f"{run.stages[name]:>9.2f}" if name in run.stages else f"{'-':>9}" for name in stages)
                note = "  (up to date: nothing rebuilt)" if run.up_to_date else ""
                lines.append(f"{s.n:>6} {run.kind:>9} {cells}{note}")
    if real is not None:
        p, sc = real.pages, real.scripts
        where = "snapshot of datapackages/" if "datasite-bench-" in real.data_dir else real.data_dir
        lines += ["", f"Real site ({where})"]
        lines.append(
            f"  cold build          {real.cold.wall_s:.2f} s  (peak RSS {_mb(real.cold.peak_rss_mb)} MB, "
            f"tree {_mb(real.cold.tree_rss_mb)} MB)"
        )
        lines.append("  stages              " + ", ".join(f"{k} {v:.2f}s" for k, v in real.cold.stages.items()))
        if real.no_change is not None:
            lines.append(f"  no-change rebuild   {real.no_change.wall_s:.2f} s")
        if real.one_edit is not None:
            edit_stages = ", ".join(f"{k} {v:.2f}s" for k, v in real.one_edit.stages.items())
            lines.append(
                f"  one-edit rebuild    {real.one_edit.wall_s:.2f} s  ({real.edited}'s description; {edit_stages})"
            )
        lines.append(f"  pages               {real.cold.counts.get('pages')} ({p.html_pages} .html files)")
        lines.append(f"  largest HTML page   {_kb(p.largest_page_bytes)}  {p.largest_page}")
        lines.append(f"  typical page        {_kb(p.typical_page_bytes)}  {p.typical_page} (median dataset page)")
        lines.append(f"  median HTML page    {_kb(p.median_page_bytes)}")
        lines.append(
            f"  typical first view  {_kb(p.typical_first_view_bytes)} ({_kb(p.typical_first_view_gzip_bytes)} gzip): "
            "HTML + CSS + every image, no script"
        )
        if sc is not None:
            parts = ", ".join(f"{name} {_kb(size)}" for name, size in sc.scripts.items())
            lines.append(f"  scripts, chart page {_kb(sc.script_bytes)}  {sc.chart_page} ({parts})")
    loads = [r.load_before for s in sizes for r in (s.cold, s.no_change, s.one_csv)]
    loads += [r.load_before for r in (real.cold, real.no_change, real.one_edit) if r is not None] if real else []
    busiest = max((value for value in loads if value is not None), default=None)
    cpus = os.cpu_count() or 1
    if busiest is not None and busiest > cpus:
        lines += ["", f"WARNING: the machine was busy (1-minute load average up to {busiest:.1f} on {cpus} CPUs)"]
        lines += ["         when builds started; wall times are inflated. Re-run on a quiet machine to compare."]
    lines += ["", "Targets"]
    width = max((len(t.name) for t in targets), default=0)
    lines += [f"  {t.status:<4}  {t.name:<{width}}  {t.measured}" for t in targets]
    return "\n".join(lines)


def environment() -> dict[str, Any]:
    commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=REPO, capture_output=True, text=True, check=False)
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "commit": commit.stdout.strip() or None,
    }


def write_results(payload: dict[str, Any], stamp: str, results_dir: Path) -> Path:
    results_dir.mkdir(parents=True, exist_ok=True)
    target = results_dir / f"{stamp}.json"
    text = json.dumps(payload, ensure_ascii=False, indent=2) + "\n"
    target.write_text(text, "utf-8")
    (results_dir / "latest.json").write_text(text, "utf-8")
    return target


def parse_sizes(text: str) -> list[int]:
    try:
        sizes = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a comma-separated list of numbers: {text!r}") from None
    if not sizes or any(n < 1 for n in sizes):
        raise argparse.ArgumentTypeError("sizes must be positive numbers")
    return sorted(set(sizes))


def arguments(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="bench/run.py", description=__doc__.split("\n\n")[0] if __doc__ else None)
    sizes = p.add_mutually_exclusive_group()
    sizes.add_argument("--sizes", type=parse_sizes, help="package counts, comma-separated (default: 10,100,1000)")
    sizes.add_argument("--quick", action="store_true", help="sizes 10,100 only: a fast check")
    p.add_argument("--no-real", action="store_true", help="skip the real-site measurement")
    p.add_argument("--seed", type=int, default=SEED, help=f"generator seed (default: {SEED})")
    p.add_argument(
        "--cli-limit",
        type=int,
        default=CLI_LIMIT,
        help=f"most packages timed with the frictionless CLI (default: {CLI_LIMIT})",
    )
    p.add_argument("--rss", choices=("auto", "gnu-time", "wait4"), default="auto", help="how peak RSS is read")
    p.add_argument(
        "--cache-dir", type=Path, action="append", default=[], help="another cache folder to clear (repeatable)"
    )
    p.add_argument(
        "--build-arg", action="append", default=[], help="an extra argument for every build.py run (repeatable)"
    )
    p.add_argument("--results", type=Path, default=RESULTS_DIR, help="folder for the JSON results")
    p.add_argument("--tmp", type=Path, default=None, help="parent of the scratch folder (default: system temp)")
    p.add_argument("--live-code", action="store_true", help="run the repository's build.py instead of a snapshot of it")
    p.add_argument("--keep", action="store_true", help="keep the generated packages and sites")
    p.add_argument("--enforce", action="store_true", help="exit with status 3 when a target fails")
    args = p.parse_args(argv)
    if args.sizes is None:
        args.sizes = list(QUICK_SIZES if args.quick else DEFAULT_SIZES)
    return args


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--rusage-wrap"]:
        return rusage_wrap(argv[1:])
    if argv[:1] == ["--frictionless-floor"] and len(argv) == 2:
        return frictionless_floor(argv[1])
    if argv[:1] == ["--chart-floor"] and len(argv) == 2:
        return chart_floor(argv[1])
    args = arguments(argv)
    method = pick_rss_method(args.rss)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    scratch = Path(tempfile.mkdtemp(prefix="datasite-bench-", dir=args.tmp))
    if args.live_code:
        root, files, code = REPO, len(names := repository_files()), files_digest(REPO, names)
        real_cache = scratch / "real" / CACHE_DIR_NAME  # never the shared <repo>/.cache
    else:
        root = scratch / "repo"
        files, code = snapshot_repository(root)
        real_cache = root / CACHE_DIR_NAME  # .cache under the real data folder's parent
    build = root / "build.py"
    builder = Builder(method, build, "--cache" in build_options(build), tuple(args.build_arg), tuple(args.cache_dir))
    payload: dict[str, Any] = {
        "command": " ".join([Path(sys.executable).name, "bench/run.py", *argv]),
        "started": stamp,
        "complete": False,
        "seed": args.seed,
        "sizes_requested": args.sizes,
        "rss_method": method,
        "build_cache": (
            f"--cache <data folder>/../{CACHE_DIR_NAME} (real site: {real_cache}), removed before each cold build"
            if builder.cache_option
            else f"the build has no --cache option; {root / CACHE_DIR_NAME} removed before each cold build"
        ),
        "extra_caches_cleared": [str(p) for p in args.cache_dir],
        "build_args": args.build_arg,
        "environment": environment(),
        "code": {"build": str(build), "snapshot": not args.live_code, "files": files, "digest": code},
        "sizes": [],
        "real_site": None,
        "targets": [],
    }
    sizes: list[SizeResult] = []
    real: RealResult | None = None
    failed = True
    log(f"scratch folder {scratch}; sizes {args.sizes}; peak RSS via {method}; build {build}")
    try:
        for n in args.sizes:
            sizes.append(bench_size(n, scratch / f"n{n}", builder, args.cli_limit, args.seed))
            if not args.keep:
                shutil.rmtree(scratch / f"n{n}", ignore_errors=True)
            payload["sizes"] = [asdict(s) | {"cold_over_floor": round(s.ratio, 3)} for s in sizes]
            write_results(payload, stamp, args.results)
        if not args.no_real:
            real = bench_real(root / "datapackages", scratch / "real" / "site", real_cache, builder)
            payload["real_site"] = asdict(real)
        failed = False
    except BenchError as error:
        print(f"bench: FAILED: {error}", file=sys.stderr)
        print(f"bench: scratch folder kept for inspection: {scratch}", file=sys.stderr)
        return 1
    finally:
        if not failed and not args.keep:
            shutil.rmtree(scratch, ignore_errors=True)
    targets = evaluate(sizes, real)
    payload["targets"] = [asdict(t) for t in targets]
    payload["code"]["repo_changed_during_run"] = files_digest(REPO, repository_files()) != code
    payload["complete"] = True
    payload["finished"] = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    print(report(sizes, real, targets, method))
    if payload["code"]["repo_changed_during_run"]:
        measured = "a snapshot taken at the start" if not args.live_code else "the live code: results may mix versions"
        print(f"\nnote     the build's code in the repository changed during the run; measured {measured}")
    written = write_results(payload, stamp, args.results)
    print(f"\nresults  {written.relative_to(REPO) if written.is_relative_to(REPO) else written} (and latest.json)")
    if args.keep:
        print(f"kept     {scratch}")
    return 3 if args.enforce and any(t.status == "FAIL" for t in targets) else 0


if __name__ == "__main__":
    sys.exit(main())
