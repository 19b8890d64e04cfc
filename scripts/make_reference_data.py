#!/usr/bin/env python3
"""Regenerate the reference-data CSVs (policy area 4) from the stored source files.

Standard library only. Reads the sources in ``/work/shared/data/reference`` (or ``--source DIR``),
cross-checks them, and writes the committed outputs:

- ``datapackages/ref-local-governments/data/{prefectures,local-governments,designated-city-wards}.csv``
- ``datapackages/ref-population-2020/data/{population,population-prefectures}.csv``
- ``datapackages/ref-fiscal-strength-2021/data/fiscal-strength.csv``
- ``reference/topojson/s0001/prefectures.json`` and
  ``reference/topojson/s0010/N03-21_210101_designated_city.json`` (byte-for-byte copies, SHA-256 checked)

The ``datapackage.json`` descriptors and ``reference/topojson/SOURCE.md`` are written by hand.

    python3 scripts/make_reference_data.py            # write the files, print the cross-source report
    python3 scripts/make_reference_data.py --check    # write nothing; exit 1 if a committed file differs

Sources (see each folder's SOURCE.txt):

- ``soumu-dantai-code/R2_loss.xlsx``: 総務省「全国地方公共団体コード」(codes, kanji names, kana, the type)
- ``localgovjp/{localgovjp,prefjp}-utf8.csv``: code4fukui/localgovjp, CC0 (hiragana readings, URLs, wards)
- ``estat-census2020-sokuhou/statsData_0003433219.json``: 令和2年国勢調査 人口速報集計 (速報値)
- ``soumu-shuyo-zaisei-shihyo/city/R3.xlsx``: 総務省「全市町村の主要財政指標（令和3年度）」
- ``japan-topography/s00*/``: smartnews-smri/japan-topography (国土数値情報 行政区域 N03, 2021-01-01)
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import re
import sys
import unicodedata
import zipfile
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

DEFAULT_SOURCE = Path("/work/shared/data/reference")
ROOT = Path(__file__).resolve().parent.parent

MUNICIPALITIES = 1741
PREFECTURES = 47
WARDS = 175
DESIGNATED_CITIES = 20
SPECIAL_WARDS = 23

TOPOJSON: dict[str, str] = {
    "s0001/prefectures.json": "7e42c97adc115eb73e0521e8fa6bd21d0ac544f4ebd0a80fef121a71cb540887",
    "s0010/N03-21_210101_designated_city.json": "5dc58fbe979c68c4af59b17255c62df580a93c434b354f867971537dceab3d33",
}

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_NS = {"m": _MAIN}
_COLUMN = re.compile(r"^([A-Z]+)")
# Built-in Excel number formats that print a fixed number of decimals.
_FIXED_DECIMALS = {1: 0, 2: 2, 3: 0, 4: 2}

Table = list[list[str]]


class SourceError(Exception):
    """A source file does not look as this script expects; nothing is written."""


# --- codes ---------------------------------------------------------------------------------------


def check_digit(first_five: str) -> int:
    """Check digit of a 全国地方公共団体コード: weights 6, 5, 4, 3, 2; 11 minus the remainder mod 11; last digit."""
    total = sum(int(digit) * weight for digit, weight in zip(first_five, (6, 5, 4, 3, 2), strict=True))
    return (11 - total % 11) % 10


def with_check_digit(code5: str) -> str:
    if not re.fullmatch(r"\d{5}", code5):
        raise SourceError(f"{code5!r} is not a 5-digit area code")
    return f"{code5}{check_digit(code5)}"


def valid_code(code6: str) -> bool:
    return bool(re.fullmatch(r"\d{6}", code6)) and int(code6[5]) == check_digit(code6[:5])


def hiragana_to_katakana(text: str) -> str:
    return "".join(chr(ord(ch) + 0x60) if "ぁ" <= ch <= "ゖ" else ch for ch in text)


# --- xlsx (zipfile + ElementTree) -------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    text: str | None
    number_format: int | None  # numFmtId of the cell's style (None for strings)


def read_xlsx(path: Path) -> list[dict[str, Cell]]:
    """The first worksheet as rows of {column letter: cell}; row n of the sheet is item n - 1."""
    with zipfile.ZipFile(path) as book:
        names = set(book.namelist())
        shared: list[str] = []
        if "xl/sharedStrings.xml" in names:
            for item in ElementTree.fromstring(book.read("xl/sharedStrings.xml")).findall("m:si", _NS):
                # Direct text and rich-text runs; phonetic guides (rPh) are not part of the value.
                runs = [item.find("m:t", _NS), *(run.find("m:t", _NS) for run in item.findall("m:r", _NS))]
                shared.append("".join(t.text or "" for t in runs if t is not None))
        formats = [
            int(xf.get("numFmtId", "0"))
            for xf in ElementTree.fromstring(book.read("xl/styles.xml")).findall("m:cellXfs/m:xf", _NS)
        ]
        sheet = ElementTree.fromstring(book.read("xl/worksheets/sheet1.xml"))
    rows: list[dict[str, Cell]] = []
    for row in sheet.iter(f"{{{_MAIN}}}row"):
        number = int(row.get("r", "0"))
        while len(rows) < number:
            rows.append({})
        cells: dict[str, Cell] = {}
        for cell in row.findall("m:c", _NS):
            match = _COLUMN.match(cell.get("r", ""))
            if match is None:
                raise SourceError(f"{path.name}: a cell without a reference in row {number}")
            kind = cell.get("t")
            value = cell.find("m:v", _NS)
            raw = value.text if value is not None else None
            if kind == "s" and raw is not None:
                cells[match.group(1)] = Cell(shared[int(raw)], None)
            elif kind == "inlineStr":
                cells[match.group(1)] = Cell("".join(t.text or "" for t in cell.iter(f"{{{_MAIN}}}t")), None)
            else:
                style = int(cell.get("s", "0"))
                cells[match.group(1)] = Cell(raw, formats[style] if style < len(formats) else None)
        rows[number - 1] = cells
    return rows


def as_printed(cell: Cell, where: str) -> str:
    """A numeric cell as Excel prints it with its fixed-decimal number format (e.g. 0.4 with 0.00 → "0.40")."""
    if cell.text is None or cell.number_format not in _FIXED_DECIMALS:
        raise SourceError(f"{where}: expected a number with a fixed-decimal format, got {cell}")
    decimals = _FIXED_DECIMALS[cell.number_format]
    value = Decimal(cell.text)
    printed = value.quantize(Decimal(1).scaleb(-decimals))
    if abs(printed - value) > Decimal("1e-9"):
        raise SourceError(f"{where}: {cell.text} is rounded when printed ({printed}); the script assumes it is not")
    return f"{printed:.{decimals}f}"


def _text(row: dict[str, Cell], column: str) -> str | None:
    cell = row.get(column)
    return cell.text if cell is not None else None


# --- sources ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SoumuCode:
    code: str
    pref_name: str
    name: str | None  # None on prefecture rows
    pref_kana: str
    kana: str | None


@dataclass(frozen=True)
class Sources:
    soumu: list[SoumuCode]
    localgov: dict[str, dict[str, str]]  # municipalities and wards by lgcode
    prefjp: dict[str, dict[str, str]]  # by 6-digit code
    census_areas: dict[str, dict[str, str]]  # by 5-digit area code
    census_population: dict[str, str]  # 総数 by 5-digit area code, as in the file ("-" kept)
    census_table: dict[str, Any]
    fiscal: list[dict[str, Cell]]  # data rows of R3.xlsx (municipalities only)
    fiscal_average: dict[str, Cell]


def read_sources(source: Path) -> Sources:
    soumu_rows = read_xlsx(source / "soumu-dantai-code" / "R2_loss.xlsx")
    header = [_text(soumu_rows[0], c) for c in "ABCDE"]
    if header[0] != "団体コード" or not (header[2] or "").startswith("市区町村名"):
        raise SourceError(f"R2_loss.xlsx: unexpected header {header}")
    soumu: list[SoumuCode] = []
    for number, row in enumerate(soumu_rows[1:], start=2):
        code, pref_name, name, pref_kana, kana = (_text(row, c) for c in "ABCDE")
        if code is None and pref_name is None:
            continue
        if code is None or pref_name is None or pref_kana is None:
            raise SourceError(f"R2_loss.xlsx row {number}: incomplete {row}")
        soumu.append(SoumuCode(code, pref_name, name, pref_kana, kana))

    with (source / "localgovjp" / "localgovjp-utf8.csv").open(encoding="utf-8-sig", newline="") as handle:
        localgov = {row["lgcode"]: row for row in csv.DictReader(handle)}
    with (source / "localgovjp" / "prefjp-utf8.csv").open(encoding="utf-8-sig", newline="") as handle:
        prefjp = {row["lgcode"].zfill(6): row for row in csv.DictReader(handle)}

    document = json.loads((source / "estat-census2020-sokuhou" / "statsData_0003433219.json").read_text("utf-8"))
    statistical = document["GET_STATS_DATA"]["STATISTICAL_DATA"]
    # e-Stat gives a single class as an object, several as a list.
    classes = {
        obj["@id"]: obj["CLASS"] if isinstance(obj["CLASS"], list) else [obj["CLASS"]]
        for obj in statistical["CLASS_INF"]["CLASS_OBJ"]
    }
    census_areas = {area["@code"]: area for area in classes["area"]}
    totals = [c["@code"] for c in classes["cat01"] if c["@name"] == "総数"]
    if len(totals) != 1 or [t["@name"] for t in classes["tab"]] != ["人口"]:
        raise SourceError("statsData_0003433219.json: expected one tab 人口 and one cat01 総数")
    census_population = {
        value["@area"]: value["$"] for value in statistical["DATA_INF"]["VALUE"] if value["@cat01"] == totals[0]
    }

    fiscal_rows = read_xlsx(source / "soumu-shuyo-zaisei-shihyo" / "city" / "R3.xlsx")
    if _text(fiscal_rows[1], "A") != "団体コード" or _text(fiscal_rows[1], "D") != "財政力指数":
        raise SourceError("R3.xlsx: row 2 should hold the header 団体コード … 財政力指数")
    data = [row for row in fiscal_rows[2:] if _text(row, "A")]
    averages = [row for row in data if _text(row, "A") == "全国市町村平均"]
    if len(averages) != 1:
        raise SourceError("R3.xlsx: expected one 全国市町村平均 row")
    fiscal = [row for row in data if row is not averages[0]]
    return Sources(
        soumu, localgov, prefjp, census_areas, census_population, statistical["TABLE_INF"], fiscal, averages[0]
    )


# --- derivations -----------------------------------------------------------------------------------


def municipality_type(entry: SoumuCode) -> str:
    """都道府県, 政令市, 特別区, 市, 町 or 村 from the 総務省 code list alone.

    The code's digits 3-5 are 100-199 only for 政令指定都市 (and their wards, not in the list) and for
    Tokyo's 特別区; other 市 are numbered from 201, 町村 from 301. The kanji and kana endings confirm it.
    """
    if entry.name is None:
        return "都道府県"
    kana = unicodedata.normalize("NFKC", entry.kana or "")
    number = int(entry.code[2:5])
    if 100 <= number < 200:
        if entry.code.startswith("13") and entry.name.endswith("区") and kana.endswith("ク"):
            return "特別区"
        if entry.name.endswith("市") and kana.endswith("シ"):
            return "政令市"
    elif entry.name.endswith("市") and kana.endswith("シ") and number < 300:
        return "市"
    elif entry.name.endswith("町") and kana.endswith(("チョウ", "チヨウ", "マチ")) and number >= 300:
        return "町"
    elif entry.name.endswith("村") and kana.endswith(("ソン", "ムラ")) and number >= 300:
        return "村"
    raise SourceError(f"cannot tell the type of {entry}")


@dataclass
class Report:
    lines: list[str]

    def add(self, line: str) -> None:
        self.lines.append(line)


def cross_check(src: Sources, report: Report) -> None:
    """Stop on structural disagreements between the sources; report the textual ones."""
    prefectures = [e for e in src.soumu if e.name is None]
    municipalities = [e for e in src.soumu if e.name is not None]
    if (len(prefectures), len(municipalities)) != (PREFECTURES, MUNICIPALITIES):
        raise SourceError(f"R2_loss.xlsx: {len(prefectures)} prefectures, {len(municipalities)} municipalities")
    bad = [e.code for e in src.soumu if not valid_code(e.code)]
    bad += [c for c in [*src.localgov, *src.prefjp] if not valid_code(c)]
    if bad:
        raise SourceError(f"invalid check digits: {bad}")
    codes = {e.code for e in municipalities}
    wards = {c for c, row in src.localgov.items() if " " in row["city"]}
    if set(src.localgov) - wards != codes or len(wards) != WARDS:
        raise SourceError("localgovjp: municipality codes differ from the 総務省 list, or not 175 wards")
    if set(src.prefjp) != {e.code for e in prefectures}:
        raise SourceError("prefjp: prefecture codes differ from the 総務省 list")
    levels = Counter(a["@level"] for a in src.census_areas.values())
    census_municipal = {c for c, a in src.census_areas.items() if a["@level"] in {"4", "6"} and c != "13100"}
    if census_municipal != {c[:5] for c in codes}:
        raise SourceError("census: municipal area codes differ from the 総務省 list")
    census_wards = {c for c, a in src.census_areas.items() if a["@level"] == "5"}
    if census_wards != {c[:5] for c in wards}:
        raise SourceError("census: ward codes differ from localgovjp's wards")
    parents = {src.census_areas[c]["@parentCode"] for c in census_wards}
    designated = {e.code[:5] for e in municipalities if municipality_type(e) == "政令市"}
    if parents != designated or len(designated) != DESIGNATED_CITIES:
        raise SourceError(f"政令市 from codes {sorted(designated)} differ from the census's ward parents")
    fiscal_codes = [_text(row, "A") for row in src.fiscal]
    if len(fiscal_codes) != MUNICIPALITIES or set(fiscal_codes) != codes:
        raise SourceError("R3.xlsx: municipality codes differ from the 総務省 list")
    types = Counter(municipality_type(e) for e in municipalities)
    report.add(
        f"counts: 総務省コード表 {len(prefectures)} 都道府県 + {len(municipalities)} 市区町村 = {len(src.soumu)}; "
        f"types {dict(sorted(types.items()))}"
    )
    report.add(
        f"census levels {dict(sorted(levels.items()))}: level 4 + 6 minus 特別区部 13100 = {len(census_municipal)}"
    )

    by_code = {e.code: e for e in municipalities}
    for code, entry in sorted(by_code.items()):
        other = src.localgov[code]
        if other["city"] != entry.name:
            report.add(f"name {code}: 総務省 {entry.name} / localgovjp {other['city']}")
        census_name = src.census_areas[code[:5]]["@name"]
        if census_name != entry.name:
            report.add(f"name {code}: 総務省 {entry.name} / e-Stat {census_name}")
        official = unicodedata.normalize("NFKC", entry.kana or "")
        reading = hiragana_to_katakana(other["citykana"])
        if official != reading:
            report.add(f"kana {code} {entry.name}: 総務省 {official} / localgovjp {reading}")
    for row in src.fiscal:
        code, pref, name = (_text(row, c) or "" for c in "ABC")
        if name != by_code[code].name or pref != by_code[code].pref_name:
            report.add(f"name {code}: 総務省コード表 {by_code[code].name} / 主要財政指標R3 {name}")
    for entry in prefectures:
        other = src.prefjp[entry.code]
        if other["pref"] != entry.pref_name:
            report.add(f"name {entry.code}: 総務省 {entry.pref_name} / prefjp {other['pref']}")
        official = unicodedata.normalize("NFKC", entry.pref_kana)
        if official != hiragana_to_katakana(other["prefkana"]):
            report.add(f"kana {entry.code} {entry.pref_name}: 総務省 {official} / prefjp {other['prefkana']}")


# --- tables ----------------------------------------------------------------------------------------


def local_government_tables(src: Sources) -> dict[str, Table]:
    prefectures: Table = [["pref_code", "code", "name", "name_kana", "name_kana_soumu", "name_en", "iso_3166_2", "url"]]
    governments: Table = [
        [
            "code",
            "code5",
            "pref_code",
            "pref_name",
            "name",
            "name_kana",
            "name_kana_soumu",
            "type",
            "is_designated_city",
            "url",
        ]
    ]
    for entry in src.soumu:
        kind = municipality_type(entry)
        if entry.name is None:
            pref = src.prefjp[entry.code]
            prefectures.append(
                [
                    entry.code[:2],
                    entry.code,
                    entry.pref_name,
                    pref["prefkana"],
                    entry.pref_kana,
                    pref["pref_en"],
                    pref["ISO3166-2"],
                    pref["url"],
                ]
            )
            name, kana, kana_soumu, url = entry.pref_name, pref["prefkana"], entry.pref_kana, pref["url"]
        else:
            row = src.localgov[entry.code]
            name, kana, kana_soumu, url = entry.name, row["citykana"], entry.kana or "", row["url"]
        governments.append(
            [
                entry.code,
                entry.code[:5],
                entry.code[:2],
                entry.pref_name,
                name,
                kana,
                kana_soumu,
                kind,
                "true" if kind == "政令市" else "false",
                url,
            ]
        )
    wards: Table = [["code", "code5", "pref_code", "city_code", "city_name", "name", "name_kana", "url"]]
    city_codes = {e.name: e.code for e in src.soumu if e.name is not None and municipality_type(e) == "政令市"}
    for code, row in sorted(src.localgov.items()):
        if " " not in row["city"]:
            continue
        city, ward = row["city"].split(" ")
        _, ward_kana = row["citykana"].split(" ")
        census_name = src.census_areas[code[:5]]["@name"]
        if census_name != city + ward:
            raise SourceError(f"ward {code}: localgovjp {row['city']} / e-Stat {census_name}")
        if city_codes[city][:5] != src.census_areas[code[:5]]["@parentCode"]:
            raise SourceError(f"ward {code}: its city differs between localgovjp and e-Stat")
        wards.append([code, code[:5], code[:2], city_codes[city], city, ward, ward_kana, row["url"]])
    return {
        "datapackages/ref-local-governments/data/prefectures.csv": prefectures,
        "datapackages/ref-local-governments/data/local-governments.csv": governments,
        "datapackages/ref-local-governments/data/designated-city-wards.csv": wards,
    }


def _population(src: Sources, code5: str) -> str:
    value = src.census_population[code5]
    if value == "-":  # e-Stat NOTE: 当該数値がないもの (双葉町)
        return ""
    if not value.isdigit():
        raise SourceError(f"census {code5}: unexpected value {value!r}")
    return value


def population_tables(src: Sources) -> dict[str, Table]:
    population: Table = [["code", "census_area_code", "pref_code", "name", "area_level", "population"]]
    for entry in src.soumu:
        code5 = entry.code[:5]
        area = src.census_areas[code5]
        level = {"2": "都道府県", "4": "市区町村", "6": "市区町村"}[area["@level"]]
        population.append([entry.code, code5, entry.code[:2], area["@name"], level, _population(src, code5)])
    prefectures: Table = [["census_area_code", "code", "name", "population"]]
    for code5, area in src.census_areas.items():
        if area["@level"] in {"1", "2"}:
            code = with_check_digit(code5) if area["@level"] == "2" else ""
            prefectures.append([code5, code, area["@name"], _population(src, code5)])
    national = int(src.census_population["00000"])
    sums = [
        sum(int(row[5]) for row in population[1:] if row[4] == "都道府県" and row[5]),
        sum(int(row[5]) for row in population[1:] if row[4] == "市区町村" and row[5]),
        sum(int(row[3]) for row in prefectures[1:] if row[0] != "00000" and row[3]),
    ]
    if sums != [national] * 3:
        raise SourceError(f"census: prefectures / municipalities add up to {sums}, not the national {national}")
    return {
        "datapackages/ref-population-2020/data/population.csv": population,
        "datapackages/ref-population-2020/data/population-prefectures.csv": prefectures,
    }


def fiscal_tables(src: Sources) -> dict[str, Table]:
    table: Table = [["code", "pref_code", "pref_name", "name", "fiscal_year", "era_label", "fiscal_strength_index"]]
    for number, row in enumerate(src.fiscal, start=3):
        code, pref, name = (_text(row, c) or "" for c in "ABC")
        index = as_printed(row["D"], f"R3.xlsx D{number}")
        table.append([code, code[:2], pref, name, "2021", "令和3年度", index])
    return {"datapackages/ref-fiscal-strength-2021/data/fiscal-strength.csv": table}


def fiscal_average(src: Sources) -> str:
    return as_printed(src.fiscal_average["D"], "R3.xlsx 全国市町村平均")


def to_csv(table: Table) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerows(table)
    return buffer.getvalue().encode("utf-8")


def outputs(source: Path, report: Report) -> dict[str, bytes]:
    src = read_sources(source)
    cross_check(src, report)
    tables = {**local_government_tables(src), **population_tables(src), **fiscal_tables(src)}
    files = {path: to_csv(table) for path, table in tables.items()}
    for name, digest in TOPOJSON.items():
        data = (source / "japan-topography" / name).read_bytes()
        if hashlib.sha256(data).hexdigest() != digest:
            raise SourceError(f"japan-topography/{name}: SHA-256 differs from SOURCE.txt")
        files[f"reference/topojson/{name}"] = data
    report.add(f"census national total (全国, 総数): {int(src.census_population['00000']):,}")
    report.add(f"R3.xlsx 全国市町村平均 財政力指数 (as printed): {fiscal_average(src)}")
    for path, table in tables.items():
        report.add(f"{path}: {len(table) - 1} rows")
    return files


def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE, help="folder of the reference sources")
    parser.add_argument("--out", type=Path, default=ROOT, help="project root to write into")
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if a committed file differs")
    parser.add_argument("--quiet", action="store_true", help="do not print the cross-source report")
    args = parser.parse_args(list(argv) if argv is not None else None)
    report = Report([])
    try:
        files = outputs(args.source, report)
    except (SourceError, OSError, KeyError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if not args.quiet:
        print("\n".join(report.lines))
    differing = []
    for relative, data in files.items():
        target = args.out / relative
        if target.is_file() and target.read_bytes() == data:
            continue
        if args.check:
            differing.append(relative)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        print(f"wrote {relative} ({len(data):,} bytes)")
    for relative in differing:
        print(f"differs: {relative}", file=sys.stderr)
    return 1 if differing else 0


if __name__ == "__main__":
    sys.exit(main())
