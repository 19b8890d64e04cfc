#!/usr/bin/env python3
"""Count what the Frictionless data packages hold and print the totals as a Markdown table.

Used for the "Totals" and "Reconstructions" sections of docs/sources.md. Standard library only.

    python3 scripts/inventory_stats.py                # totals
    python3 scripts/inventory_stats.py --by-resource  # totals, then one row per resource

Counting rules:

- package: a folder under the data directory that has a datapackage.json;
- resource: an entry of the package's "resources" list;
- CSV row: a data row of the resource's CSV (the header row is not counted);
- numeric cell: a cell of a field whose schema type is "integer" or "number" (key fields such as
  fiscal_year included) whose value is not one of the schema's missingValues (default [""]);
- reconstructed row: a row whose "reconstructed" column is "true" (other columns, such as
  policy/indicators' target_assignment_reconstructed, are not counted);
- declared discrepancy: an entry of checks[].discrepancies[] of a resource.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

NUMERIC_TYPES = {"integer", "number"}
DEFAULT_DATA = Path(__file__).resolve().parent.parent / "datapackages"


@dataclass
class ResourceStats:
    package: str
    resource: str
    rows: int = 0
    numeric_cells: int = 0
    reconstructed_rows: int = 0
    discrepancies: int = 0


def resource_stats(package_dir: Path, package: str, resource: dict[str, Any]) -> ResourceStats:
    stats = ResourceStats(package, str(resource.get("name", "")))
    schema = resource.get("schema", {})
    missing = set(schema.get("missingValues", [""]))
    numeric = {f["name"] for f in schema.get("fields", []) if f.get("type") in NUMERIC_TYPES}
    checks = resource.get("checks", [])
    stats.discrepancies = sum(len(check.get("discrepancies", [])) for check in checks)
    path = resource.get("path")
    if not isinstance(path, str):
        return stats
    with (package_dir / path).open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            stats.rows += 1
            values = [row.get(name) or "" for name in numeric]
            stats.numeric_cells += sum(1 for v in values if v not in missing and v.strip())
            if (row.get("reconstructed") or "").strip().lower() == "true":
                stats.reconstructed_rows += 1
    return stats


REFERENCE_AREA = 4


def collect(data_dir: Path) -> tuple[int, list[ResourceStats]]:
    packages = 0
    result: list[ResourceStats] = []
    for descriptor in sorted(data_dir.glob("*/datapackage.json")):
        package = json.loads(descriptor.read_text(encoding="utf-8"))
        if package.get("policy_area") == REFERENCE_AREA:
            continue  # reference data (local governments, census, fiscal) is not from the source document
        packages += 1
        name = str(package.get("name", descriptor.parent.name))
        for resource in package.get("resources", []):
            result.append(resource_stats(descriptor.parent, name, resource))
    return packages, result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="folder of data packages")
    parser.add_argument("--by-resource", action="store_true", help="also print one row per resource")
    args = parser.parse_args(argv)
    if not args.data.is_dir():
        print(f"{args.data}: not a directory", file=sys.stderr)
        return 2
    packages, resources = collect(args.data)
    totals = [
        ("packages", packages),
        ("resources", len(resources)),
        ("CSV rows", sum(r.rows for r in resources)),
        ("non-empty numeric cells (integer/number fields)", sum(r.numeric_cells for r in resources)),
        ("reconstructed rows (`reconstructed` = true)", sum(r.reconstructed_rows for r in resources)),
        ("declared discrepancies (`checks[].discrepancies[]`)", sum(r.discrepancies for r in resources)),
    ]
    print("| measure | count |")
    print("|---|---:|")
    for label, count in totals:
        print(f"| {label} | {count} |")
    if args.by_resource:
        print()
        print("| package/resource | CSV rows | numeric cells | reconstructed rows | discrepancies |")
        print("|---|---:|---:|---:|---:|")
        for r in resources:
            print(
                f"| `{r.package}/{r.resource}` | {r.rows} | {r.numeric_cells} "
                f"| {r.reconstructed_rows} | {r.discrepancies} |"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
