"""Local governments: the model of the 1,788 governments, their reference figures and peer groups (``model``),
gathered from the packages that play the roles the site configuration names (``gather``), compared with their
peers (``compare``), drawn on maps (``maps``) and shown on their pages (``pages``).

``gather`` and ``has_maps`` are the package's entry points: the pipeline builds the model with them."""

from .gather import gather, has_maps

__all__ = ["gather", "has_maps"]
