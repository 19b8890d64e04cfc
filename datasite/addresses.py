"""Addresses that never break: every address the site has published stays published, or leads on.

The data folder keeps the list of every address the site has published, ``addresses.txt`` (committed with the
data; one path a line, from the site's top). A build that would no longer publish one of them fails, one line
per page or file family dropped, unless ``redirects.csv`` (``address,to``) says where it went; then the build
publishes, at the old address, a page that leads to the new one (an HTML address) or the new file's bytes (a
file: a CSV, an image). ``build.py --record-addresses`` (``make addresses``) adds the addresses a build publishes
for the first time; nothing else writes the list, so that a publisher adds pages freely and records them in one
step, as with ``make golden``.

Counted: every file the build writes except the site's machinery (``assets/``), the list of written files and
``sitemap.xml``, which exists only when the build knows the site's address. A *family* is the files that share a
name before their first dot (``charts/p/c.html``, ``c.embed.html``, ``c.svg``, ``c.narrow.svg``, ``c.png``…): a
redirect declared for one of them leads each of the others to the file of the same kind beside the target.
Pure functions: ``load`` reads the two files, ``write`` records the list.
"""

from __future__ import annotations

import csv
import io
import posixpath
from collections.abc import Iterable
from dataclasses import dataclass

from .errors import Problem

LIST_FILE = "addresses.txt"
REDIRECTS_FILE = "redirects.csv"
NOT_COUNTED = ("assets/", ".datasite-manifest.json", "sitemap.xml")
HEADER = (
    "# Every address this site has published, from the site's top (docs/addresses.md). Never remove a line:\n"
    "# a build that would drop an address fails unless redirects.csv says where it went. New addresses are\n"
    "# added by `make addresses` (build.py --record-addresses).\n"
)


@dataclass(frozen=True)
class Redirect:
    line: int
    address: str
    to: str


@dataclass(frozen=True)
class Declared:
    """The list and the redirects as read from the data folder (``None``: the file is absent)."""

    list_path: str  # as problem lines show it
    list_text: str | None
    redirects_path: str
    redirects_text: str | None


@dataclass(frozen=True)
class Checked:
    redirects: dict[str, str]  # an address no longer published → the published address it leads to
    unrecorded: list[str]  # published for the first time: not yet in the list
    recorded: int  # addresses in the list


def counted(paths: Iterable[str]) -> set[str]:
    return {path for path in paths if not path.startswith(NOT_COUNTED)}


def family(path: str) -> str:
    """``charts/p/c.narrow.svg`` → ``charts/p/c``: the files that share a name before its first dot."""
    folder, _, name = path.rpartition("/")
    stem = name.split(".", 1)[0]
    return f"{folder}/{stem}" if folder else stem


def kind(path: str) -> str:
    """What follows a path's family: ``.narrow.svg``."""
    return path[len(family(path)) :]


def read_list(text: str, shown: str) -> tuple[dict[str, int], list[Problem]]:
    """Each recorded address with its line."""
    recorded: dict[str, int] = {}
    problems: list[Problem] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("/") or ".." in line.split("/") or "\\" in line:
            problems.append(Problem(shown, number, None, f"{line!r} is not a path from the site's top"))
        else:
            recorded.setdefault(line, number)
    return recorded, problems


def read_redirects(text: str, shown: str) -> tuple[list[Redirect], list[Problem]]:
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline="")))
    if not rows or [cell.strip() for cell in rows[0][:2]] != ["address", "to"]:
        return [], [
            Problem(shown, 1, None, 'the first row must be the header "address,to" (a third column may hold a note)')
        ]
    redirects: list[Redirect] = []
    problems: list[Problem] = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) < 2 or not row[0].strip() or not row[1].strip():
            problems.append(Problem(shown, number, None, "needs an address and where it leads (to)"))
            continue
        redirects.append(Redirect(number, row[0].strip(), row[1].strip()))
    return redirects, problems


def check(declared: Declared, outputs: Iterable[str]) -> tuple[Checked, list[Problem]]:
    """Every recorded address still published or redirected; the redirects to write; the new addresses."""
    published = counted(outputs)
    recorded: dict[str, int] = {}
    problems: list[Problem] = []
    if declared.list_text is not None:
        recorded, problems = read_list(declared.list_text, declared.list_path)
    redirects: list[Redirect] = []
    if declared.redirects_text is not None:
        redirects, found = read_redirects(declared.redirects_text, declared.redirects_path)
        problems += found
    if problems:
        return Checked({}, [], len(recorded)), problems

    shown = declared.redirects_path
    explicit: dict[str, Redirect] = {}
    for redirect in redirects:
        if redirect.address in explicit:
            first = explicit[redirect.address].line
            problems.append(
                Problem(shown, redirect.line, "address", f"{redirect.address} is redirected on line {first} already")
            )
        elif redirect.address in published:
            message = f"{redirect.address} is still published: a redirect would replace it; remove this row"
            problems.append(Problem(shown, redirect.line, "address", message))
        elif redirect.address not in recorded:
            message = f"{redirect.address} was never published (it is not in {declared.list_path})"
            problems.append(Problem(shown, redirect.line, "address", message))
        elif redirect.to not in published:
            message = f"{redirect.to} is not published by this build: a redirect must lead to a published address"
            problems.append(Problem(shown, redirect.line, "to", message))
        elif not redirect.address.endswith(".html") and _extension(redirect.to) != _extension(redirect.address):
            message = (
                f"{redirect.address} is a file, not a page: it can lead only to a file of its kind "
                f"({_extension(redirect.address) or 'no extension'}), whose bytes are published in its place"
            )
            problems.append(Problem(shown, redirect.line, "to", message))
        else:
            explicit[redirect.address] = redirect

    dropped: dict[str, list[str]] = {}
    for address in sorted(set(recorded) - published):
        dropped.setdefault(family(address), []).append(address)
    leads: dict[str, str] = {}
    for stem, members in sorted(dropped.items()):
        by_family = next((explicit[m] for m in members if m in explicit), None)
        unresolved: list[str] = []
        for member in members:
            if member in explicit:
                leads[member] = explicit[member].to
                continue
            target = _counterpart(member, by_family.to, published) if by_family else None
            if target is None:
                unresolved.append(member)
            else:
                leads[member] = target
        if not unresolved:
            continue
        page = stem + ".html"
        named = page if page in unresolved else min(unresolved, key=lambda m: recorded[m])
        others = [kind(m) or m for m in unresolved if m != named]
        also = f" (and {stem}{', '.join(others)})" if others else ""
        if by_family is not None:
            message = (
                f"{named}{also} was published; the redirect on {shown}:{by_family.line} has no file of its kind "
                f"beside {by_family.to}: declare where it went in {shown} (address,to)"
            )
        else:
            message = (
                f"{named}{also} was published and this build no longer publishes it: publish it again, or declare "
                f"where it went in {shown} (address,to)"
            )
        problems.append(Problem(declared.list_path, recorded[named], None, message))
    unrecorded = sorted(published - set(recorded)) if declared.list_text is not None else sorted(published)
    return Checked(leads, unrecorded, len(recorded)), sorted(problems)


def _counterpart(member: str, target: str, published: set[str]) -> str | None:
    """Where a dropped file leads when its family is redirected to ``target``: the file of its kind beside the
    target (``.svg`` to ``.svg``), or, for a page, the target itself when that is a page."""
    beside = family(target) + kind(member)
    if beside in published:
        return beside
    if member.endswith(".html") and target.endswith(".html"):
        return target
    return None


def _extension(path: str) -> str:
    return posixpath.splitext(path)[1]


def relative(address: str, to: str) -> str:
    """``to`` as a link from the page at ``address`` (every link of the site is relative)."""
    return posixpath.relpath(to, posixpath.dirname(address) or ".")


def list_text(recorded: Iterable[str], published: Iterable[str]) -> str:
    """The list after recording what this build published for the first time: nothing is ever removed."""
    return HEADER + "".join(f"{address}\n" for address in sorted(set(recorded) | counted(published)))
