"""The published data: official validation, strict project rules, and every declared check re-derived."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any

import frictionless
import pytest

from datasite.typeset import unify_years
from tests.conftest import ROOT, WORDS, run_cli

PACKAGES = sorted((ROOT / "datapackages").glob("*/datapackage.json"))
IDS = [p.parent.name for p in PACKAGES]


def test_real_data_passes_strict_check(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(["--data", str(ROOT / "datapackages"), "--check", "--strict"], capsys)
    assert (code, err) == (0, ""), err
    assert f"packages   {len(PACKAGES)}" in out


@pytest.mark.parametrize("path", PACKAGES, ids=IDS)
def test_official_frictionless_validate(path: Path) -> None:
    report = frictionless.validate(str(path))
    assert report.valid, report.flatten(["taskName", "rowNumber", "fieldName", "type", "note"])


def _rows(package: Path, resource: dict[str, Any]) -> list[dict[str, str]]:
    text = (package.parent / resource["path"]).read_text(encoding=resource.get("encoding", "utf-8-sig"))
    return list(csv.DictReader(io.StringIO(text)))


def _number(text: str) -> float | None:
    return float(text) if text.strip() else None


def _declared(rule: dict[str, Any], keys: dict[str, str]) -> bool:
    return any(
        all(str(keys.get(k)) == str(v) for k, v in item["where"].items()) for item in rule.get("discrepancies", [])
    )


def _rederive(rule: dict[str, Any], rows: list[dict[str, str]]) -> list[str]:
    """An independent re-computation of each rule (the build's own code is not used here)."""
    mismatches: list[str] = []
    by = rule.get("by", [])
    groups: dict[tuple[str, ...], list[dict[str, str]]] = {}
    for row in rows:
        groups.setdefault(tuple(row[b] for b in by), []).append(row)
    for key, members in groups.items():
        keys = dict(zip(by, key, strict=True))
        if rule["type"] in {"sum", "share"}:
            totals = [r for r in members if r[rule["category"]] == str(rule["total"])]
            if not totals or _number(totals[0][rule["value"]]) is None:
                continue
            total = _number(totals[0][rule["value"]]) or 0.0
            parts = [r for r in members if r[rule["category"]] != str(rule["total"])]
            if rule["type"] == "sum":
                if "parts" in rule:
                    parts = [r for r in parts if r[rule["category"]] in map(str, rule["parts"])]
                added = sum(_number(r[rule["value"]]) or 0.0 for r in parts)
                if abs(added - total) > 1e-6 and not _declared(rule, keys):
                    mismatches.append(f"{keys}: {total} != {added}")
            else:
                tolerance = 0.5 * 10.0 ** -rule.get("decimals", 1) + 1e-9
                for r in parts:
                    value, share = _number(r[rule["value"]]), _number(r[rule["share"]])
                    if value is None or share is None:
                        continue
                    if abs(value / total * 100 - share) > tolerance and not _declared(rule, r):
                        mismatches.append(f"{r}: {share}%")
        elif rule["type"] == "sum_to_100":
            shares = [
                _number(r[rule["share"]])
                for r in members
                if not ("category" in rule and r[rule["category"]] == str(rule["total"]))
            ]
            present = [s for s in shares if s is not None]
            tolerance = len(present) * (0.5 * 10.0 ** -rule.get("decimals", 1)) + 1e-9
            if present and abs(sum(present) - 100) > tolerance and not _declared(rule, keys):
                mismatches.append(f"{keys}: {sum(present)}")
    if rule["type"] == "ratio":
        tolerance = 0.5 * 10.0 ** -rule.get("decimals", 1) + 1e-9
        for r in rows:
            denominator = rule["denominator"]
            base = _number(r[denominator]) if isinstance(denominator, str) else float(denominator)
            numerator, share = _number(r[rule["numerator"]]), _number(r[rule["share"]])
            if numerator is None or share is None or not base:
                continue
            if abs(numerator / base * 100 - share) > tolerance and not _declared(rule, r):
                mismatches.append(f"{r}: {share}%")
    return mismatches


@pytest.mark.parametrize("path", PACKAGES, ids=IDS)
def test_every_declared_check_rederived_from_csv(path: Path) -> None:
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    for resource in descriptor["resources"]:
        rows = _rows(path, resource)
        for rule in resource.get("checks", []):
            assert _rederive(rule, rows) == [], f"{resource['name']}: {rule['type']}"


def test_discrepancy_notes_are_shown_beside_their_tables(real_site: Path) -> None:
    # The page's text, as read: notes are shown with the site's years and no-wrap spans (datasite/typeset.py).
    pages = {
        p: re.sub(r"<[^>]+>", "", p.read_text(encoding="utf-8")) for p in (real_site / "areas").rglob("index.html")
    }
    for path in PACKAGES:
        for resource in json.loads(path.read_text(encoding="utf-8"))["resources"]:
            for rule in resource.get("checks", []):
                for item in rule.get("discrepancies", []):
                    note = unify_years(item["note"], WORDS)
                    assert any(note in text for text in pages.values()), item["note"]


def test_every_resource_is_downloadable(real_site: Path) -> None:
    for path in PACKAGES:
        descriptor = json.loads(path.read_text(encoding="utf-8"))
        for resource in descriptor["resources"]:
            base = real_site / "datasets" / descriptor["name"]
            original = (path.parent / resource["path"]).read_bytes().decode(resource.get("encoding", "utf-8-sig"))
            assert (base / f"{resource['name']}.csv").read_text(encoding="utf-8") == original.replace("\r\n", "\n")
            assert (base / f"{resource['name']}.excel.csv").read_bytes().startswith(b"\xef\xbb\xbf")
