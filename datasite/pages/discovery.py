"""Machine-readable descriptions of the site: sitemap, robots.txt, schema.org/DCAT JSON-LD, Atom feed,
citations (CSL-JSON, BibTeX) and zips of data. Pure functions returning bytes; dates come from the packages,
never the clock."""

from __future__ import annotations

import io
import json
import re
import zipfile
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from .. import urls
from ..model import Package, Site
from ..rules import is_date
from ..strings import Strings

ZipDate = tuple[int, int, int, int, int, int]
FIRST_ZIP_DATE: ZipDate = (1980, 1, 1, 0, 0, 0)  # the earliest a zip entry can carry
TAG_AUTHORITY = "datasite.opendata,2026"


def sitemap(pages: list[str], base_url: str) -> bytes:
    entries = "".join(f"  <url><loc>{escape(base_url + page)}</loc></url>\n" for page in sorted(pages))
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        f"{entries}</urlset>\n"
    )
    return xml.encode("utf-8")


def robots(base_url: str | None) -> bytes:
    lines = ["User-agent: *", "Allow: /"]
    if base_url:
        lines.append(f"Sitemap: {base_url}sitemap.xml")
    return ("\n".join(lines) + "\n").encode("utf-8")


def dataset_jsonld(package: Package, base_url: str, site_title: str, language: str) -> dict[str, Any]:
    """schema.org ``Dataset`` for one package (Google Dataset Search reads this)."""
    page = f"{base_url}{urls.dataset_folder(package.name)}"
    return {
        "@context": "https://schema.org/",
        "@type": "Dataset",
        "name": package.title,
        "alternateName": package.title_en,
        "description": package.description or package.title,
        "url": f"{page}index.html",
        "identifier": package.name,
        "version": package.version,
        "dateModified": package.updated,
        "inLanguage": language,
        "keywords": list(package.keywords or package.topics),
        "license": [lic.path for lic in package.licenses if lic.path] or [lic.title for lic in package.licenses],
        "isBasedOn": [source.title for source in package.sources],
        "includedInDataCatalog": {"@type": "DataCatalog", "name": site_title},
        "distribution": [
            {
                "@type": "DataDownload",
                "name": resource.title,
                "encodingFormat": "text/csv",
                "contentUrl": f"{page}{resource.name}.csv",
            }
            for resource in package.resources
        ],
    }


def dcat_catalog(site: Site, base_url: str, site_title: str) -> dict[str, Any]:
    """A DCAT catalogue of every dataset, as JSON-LD."""
    datasets = []
    for package in site.packages:
        page = f"{base_url}{urls.dataset_folder(package.name)}"
        datasets.append(
            {
                "@id": f"{page}index.html",
                "@type": "dcat:Dataset",
                "dct:identifier": package.name,
                "dct:title": [{"@value": package.title, "@language": site.config.language}]
                + ([{"@value": package.title_en, "@language": "en"}] if package.title_en else []),
                "dct:description": {"@value": package.description or package.title, "@language": site.config.language},
                "dct:modified": {"@value": package.updated, "@type": "xsd:date"} if package.updated else None,
                "owl:versionInfo": package.version,
                "dcat:keyword": list(package.topics),
                "dct:license": [{"@id": lic.path} for lic in package.licenses if lic.path],
                "dct:source": [source.title for source in package.sources],
                "dcat:landingPage": {"@id": f"{page}index.html"},
                "dcat:distribution": [
                    {
                        "@type": "dcat:Distribution",
                        "dct:title": resource.title,
                        "dcat:downloadURL": {"@id": f"{page}{resource.name}.csv"},
                        "dcat:mediaType": "text/csv",
                        "dct:format": "CSV",
                    }
                    for resource in package.resources
                ],
            }
        )
    return {
        "@context": {
            "dcat": "http://www.w3.org/ns/dcat#",
            "dct": "http://purl.org/dc/terms/",
            "owl": "http://www.w3.org/2002/07/owl#",
            "xsd": "http://www.w3.org/2001/XMLSchema#",
        },
        "@id": f"{base_url}catalog.jsonld",
        "@type": "dcat:Catalog",
        "dct:title": {"@value": site_title, "@language": site.config.language},
        "dct:language": site.config.language,
        "dcat:dataset": [_without_none(d) for d in datasets],
    }


def atom_feed(site: Site, site_title: str, base_url: str, words: Strings) -> bytes:
    """Data updates: one entry per package version in its changelog (or its current version)."""
    entries: list[tuple[str, str, str, str]] = []  # (date, id, title, summary)
    for package in site.packages:
        for change in changelog(package, words):
            if not is_date(change["date"]):
                continue  # validation reports it; an Atom feed holds only real dates
            entry_id = f"tag:{TAG_AUTHORITY}:{package.name}:{change['version']}"
            title = words("charts.feed_entry", title=package.title, version=change["version"])
            entries.append((change["date"], entry_id, title, change["changes"] + "\n" + package.name))
    entries.sort(key=lambda e: (e[0], e[1]), reverse=True)
    updated = entries[0][0] if entries else "1970-01-01"
    feed_title = words("charts.feed_title", site=site_title)
    body = []
    for date, entry_id, title, summary in entries:
        text, _, name = summary.rpartition("\n")
        href = f"{base_url}{urls.dataset(name)}"
        body.append(
            "  <entry>\n"
            f"    <id>{escape(entry_id)}</id>\n    <title>{escape(title)}</title>\n"
            f"    <updated>{date}T00:00:00Z</updated>\n    <link href={quoteattr(href)}/>\n"
            f"    <summary>{escape(text)}</summary>\n  </entry>\n"
        )
    xml = (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang={quoteattr(words.language)}>\n'
        f"  <id>tag:{TAG_AUTHORITY}:feed</id>\n  <title>{escape(feed_title)}</title>\n"
        f"  <updated>{updated}T00:00:00Z</updated>\n  <author><name>{escape(site_title)}</name></author>\n"
        f'  <link rel="self" href={quoteattr(base_url + "feed.xml")}/>\n' + "".join(body) + "</feed>\n"
    )
    return xml.encode("utf-8")


def changelog(package: Package, words: Strings) -> list[dict[str, str]]:
    """The package's version history, newest first; its current version (first published) when it declares
    none."""
    entries = package.descriptor.get("changelog")
    if isinstance(entries, list) and entries:
        rows = [
            {"version": str(e.get("version", "")), "date": str(e.get("date", "")), "changes": str(e.get("changes", ""))}
            for e in entries
            if isinstance(e, dict)
        ]
        return sorted(rows, key=lambda e: (e["date"], e["version"]), reverse=True)
    return [{"version": package.version, "date": package.updated, "changes": words("charts.first_release")}]


def zip_date(day: str, fallback: str | None = None) -> ZipDate:
    """A zip entry's timestamp from an ISO date (a package's ``updated``: when its data last changed), or from
    ``fallback`` (the build date of SOURCE_DATE_EPOCH) when ``day`` is not a date: never the clock, so that the
    archive is byte-for-byte reproducible."""
    for candidate in (day, fallback or ""):
        if is_date(candidate):
            year, month, date = (int(part) for part in candidate.split("-"))
            return max(FIRST_ZIP_DATE, (min(year, 2107), month, date, 0, 0, 0))
    return FIRST_ZIP_DATE


def data_zip(files: dict[str, bytes], dates: dict[str, ZipDate], default: ZipDate = FIRST_ZIP_DATE) -> bytes:
    """``files`` in a zip, in name order, each dated by ``dates`` (its package's data date) or ``default``."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=dates.get(name, default))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, files[name])
    return buffer.getvalue()


def csl_json(package: Package, address: str | None, site_title: str, words: Strings) -> bytes:
    """The dataset as a CSL-JSON item (Zotero, Mendeley, pandoc read it): this site publishes it, the source
    document is its original. The address is there only when the build knows where the site is published."""
    item: dict[str, Any] = {
        "id": package.name,
        "type": "dataset",
        "title": package.title,
        "publisher": site_title,
        "version": package.version,
        "language": words.language,
    }
    if is_date(package.updated):
        item["issued"] = {"date-parts": [[int(part) for part in package.updated.split("-")]]}
    if address:
        item["URL"] = address
    if package.sources:
        item["original-title"] = words("charts.source_separator").join(source.title for source in package.sources)
        addresses = [source.path for source in package.sources if source.path.startswith(("https://", "http://"))]
        if addresses:
            item["source"] = " ".join(addresses)
    licences = [lic.path or lic.title or lic.name for lic in package.licenses]
    if licences:
        item["license"] = " ".join(licences)
    return json_bytes([item], sort_keys=False)


def bibtex(package: Package, address: str | None, site_title: str, words: Strings) -> bytes:
    """The dataset as a BibTeX ``@misc`` entry (UTF-8; biblatex and most reference managers read it)."""

    def braced(text: str) -> str:
        return "{" + "".join("\\" + c if c in "{}\\%&$#_^~" else c for c in text) + "}"

    fields = [("title", package.title), ("publisher", site_title), ("version", package.version)]
    if is_date(package.updated):
        fields += [("year", package.updated[:4]), ("date", package.updated)]
    if address:
        fields.append(("url", address))
    if package.sources:
        fields.append(("note", words("charts.source_separator").join(source.title for source in package.sources)))
    key = re.sub(r"[^A-Za-z0-9]+", "-", package.name).strip("-") or "dataset"
    body = ",\n".join(f"  {name} = {braced(value)}" for name, value in fields if value)
    return f"@misc{{{key},\n{body}\n}}\n".encode()


def json_bytes(value: Any, *, sort_keys: bool = True) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=2, sort_keys=sort_keys) + "\n").encode("utf-8")


def _without_none(value: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in value.items() if v is not None}
