"""The one contract of every page builder: a page is a record (where it goes, which template draws it, its
title, description and breadcrumbs, and what else the template is given), and a renderer turns a record into
its bytes (render.py, which adds what every page shares: the site's name, navigation, root, CSP …)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

Crumb = tuple[str, str | None]  # a breadcrumb: its label, and its address from the site's root (None: this page)


@dataclass(frozen=True)
class PageRecord:
    path: str  # from the site's root: areas/hikikomori/index.html
    template: str  # area.html
    title: str
    description: str
    crumbs: Sequence[Crumb] = ()
    context: Mapping[str, Any] = field(default_factory=dict)


Renderer = Callable[[PageRecord], bytes]
