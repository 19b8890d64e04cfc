"""Splitting long listings into pages that stay light (each page's HTML under about 100 KB).

The pages of one listing sit side by side in one folder, so every link between them is a plain file
name: ``index.html``, ``page-2.html`` … for a listing that has a folder of its own (``page_file``), or
``type-city.html``, ``type-city-page-2.html`` … for one that is a single file (``sibling_files``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

Item = TypeVar("Item")


@dataclass(frozen=True)
class PageLink:
    number: int
    href: str  # relative to any page of the same listing
    current: bool


@dataclass(frozen=True)
class Counting:
    """How a page of a listing is named (the string catalogue's ``page_of`` and ``page_crumb``): formats with
    ``{number}`` and ``{count}``."""

    label: str  # after a title: 「（2/5ページ）」
    crumb: str  # in the breadcrumbs: 「2/5ページ」


@dataclass(frozen=True)
class Pagination:
    number: int
    count: int
    links: tuple[PageLink, ...]
    counting: Counting

    @property
    def previous(self) -> PageLink | None:
        return self.links[self.number - 2] if self.number > 1 else None

    @property
    def next(self) -> PageLink | None:
        return self.links[self.number] if self.number < self.count else None

    @property
    def label(self) -> str:
        """For titles and headings (「（2/5ページ）」); empty when there is only one page."""
        return self.counting.label.format(number=self.number, count=self.count) if self.count > 1 else ""

    @property
    def crumb(self) -> str:
        return self.counting.crumb.format(number=self.number, count=self.count)


def page_file(number: int) -> str:
    return "index.html" if number == 1 else f"page-{number}.html"


def sibling_files(first: str) -> Callable[[int], str]:
    """File names for a listing whose first page is the file ``first`` (a name, not a path)."""
    stem = first.removesuffix(".html")
    return lambda number: first if number == 1 else f"{stem}-page-{number}.html"


def paginations(count: int, counting: Counting, file_name: Callable[[int], str] = page_file) -> list[Pagination]:
    """One Pagination per page of a listing with ``count`` pages (at least one)."""
    count = max(count, 1)
    result = []
    for number in range(1, count + 1):
        links = tuple(PageLink(n, file_name(n), n == number) for n in range(1, count + 1))
        result.append(Pagination(number, count, links, counting))
    return result


def chunk_by_size(items: Sequence[Item], size: Callable[[Item], int], budget: int) -> list[list[Item]]:
    """Consecutive items grouped so that each group's total size stays within ``budget``.

    Order is kept. An item larger than the budget gets a group of its own. No items: one empty group.
    """
    chunks: list[list[Item]] = [[]]
    used = 0
    for item in items:
        weight = size(item)
        if chunks[-1] and used + weight > budget:
            chunks.append([])
            used = 0
        chunks[-1].append(item)
        used += weight
    return chunks


def chunk_by_count(items: Sequence[Item], per_page: int) -> list[list[Item]]:
    """At most ``per_page`` items per group, in order. No items: one empty group."""
    if not items:
        return [[]]
    return [list(items[start : start + per_page]) for start in range(0, len(items), per_page)]
