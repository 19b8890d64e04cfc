"""Local-government pages, peer groups and maps (to be written)."""

from __future__ import annotations

from collections.abc import Callable

from .charts import RenderedChart
from .model import Site


def render_localgov(
    site: Site, page: Callable[..., bytes], charts_by_resource: dict[tuple[str, str], list[RenderedChart]]
) -> dict[str, bytes]:
    """Every output file of the local-government part of the site, keyed by its path."""
    return {}
