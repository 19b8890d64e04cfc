"""Rendered pages kept in the build cache, keyed by everything their template sees.

A page's bytes depend only on the templates, the code, the build's options and content (together
the *frame*) and on the arguments it is rendered with. The key of a page is a hash of the frame and
of a pickle of those arguments, so an unchanged page is read back instead of rendered again; after a
one-CSV edit only the pages that show that table are rendered. Large objects that many pages share
(the site, packages, resources, local governments) are pickled once and stand in every key as their
own hash. Sets stand in keys as sorted lists, so that keys do not depend on Python's hash seed. Anything that
cannot be pickled simply makes its page uncached.
"""

from __future__ import annotations

import hashlib
import io
import pickle
from collections.abc import Callable, Iterable
from typing import Any

from .cache import Cache, digest

PROTOCOL = 5


class RenderMemo:
    def __init__(self, cache: Cache, frame: Any, shared_types: Iterable[type]) -> None:
        """``frame``: what every page depends on besides its arguments (code, templates, options, content)."""
        self._cache = cache
        self._shared_types = frozenset(shared_types)
        self._digests: dict[int, bytes] = {}
        self._kept: list[Any] = []  # shared objects stay alive, so that their ids are never reused
        self.shared_ids: set[int] = set()
        self._frame = digest("frame", self._pickle(frame, None)) if self.enabled else ""

    def get_or_render(self, kind: str, arguments: Any, render: Callable[[], bytes]) -> bytes:
        """``render()``'s bytes, from the cache when the same ``arguments`` were rendered before."""
        key = self._key(kind, arguments)
        if key is not None:
            cached = self._cache.get("pages", key)
            if cached is not None:
                return cached
        rendered = render()
        if key is not None:
            self._cache.put("pages", key, rendered)
        return rendered

    def _key(self, kind: str, arguments: Any) -> str | None:
        if not self.enabled:
            return None
        try:
            return digest("page", self._frame, kind, self._pickle(arguments, None))
        except (pickle.PicklingError, TypeError, AttributeError, RecursionError, ValueError):
            return None

    def _pickle(self, value: Any, itself: Any) -> bytes:
        buffer = io.BytesIO()
        _KeyPickler(buffer, self, itself).dump(value)
        return buffer.getvalue()

    def digest_of(self, value: Any) -> bytes:
        known = self._digests.get(id(value))
        if known is None:
            known = hashlib.sha256(self._pickle(value, value)).digest()
            self._digests[id(value)] = known
            self._kept.append(value)
        return known

    @property
    def enabled(self) -> bool:
        return self._cache.root is not None

    def known(self, value: Any, content_digest: str) -> None:
        """``value`` is fully determined by what ``content_digest`` hashes (with the code, which the frame
        holds): it stands in keys as that digest instead of being pickled."""
        self._digests[id(value)] = bytes.fromhex(content_digest)
        self.share(value)

    def share(self, value: Any) -> None:
        """Hash ``value`` once wherever it appears (for a large object of a type not in shared_types)."""
        self.shared_ids.add(id(value))
        self._kept.append(value)

    def is_shared(self, value: Any) -> bool:
        return type(value) in self._shared_types or id(value) in self.shared_ids


_PLAIN = frozenset({str, int, float, bool, type(None), bytes, tuple, list, dict})


class _KeyPickler(pickle.Pickler):
    def __init__(self, file: io.BytesIO, memo: RenderMemo, itself: Any) -> None:
        super().__init__(file, protocol=PROTOCOL)
        self._memo = memo
        self._itself = itself

    def persistent_id(self, obj: Any) -> Any:
        # Called for every object pickled: the common types leave at once.
        kind = type(obj)
        if kind in _PLAIN and id(obj) not in self._memo.shared_ids:
            return None
        if kind is set or kind is frozenset:
            return ("set", sorted(obj, key=lambda item: (type(item).__name__, repr(item))))
        if obj is not self._itself and self._memo.is_shared(obj):
            return self._memo.digest_of(obj)
        return None
