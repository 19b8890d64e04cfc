"""A content-addressed cache for the expensive, pure parts of the build.

Entries are keyed by a hash of everything that determines them (input bytes, code, library
versions), so a hit is always byte-for-byte what a fresh computation would produce. The cache is
an optimisation only: unreadable or unwritable cache folders are ignored.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from importlib.metadata import version
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
LIBRARIES = ("frictionless", "vl-convert-python", "altair", "jinja2", "markdown-it-py")


class Cache:
    """Entries are written by a background thread (file creation is slow here and releases the GIL);
    ``close`` waits for them. An entry being written is simply not found yet."""

    def __init__(self, root: Path | None) -> None:
        self.root = root
        self._writer: ThreadPoolExecutor | None = None

    def get(self, namespace: str, key: str) -> bytes | None:
        if self.root is None:
            return None
        try:
            return (self.root / namespace / key[:2] / key).read_bytes()
        except OSError:
            return None

    def has(self, namespace: str, key: str) -> bool:
        return self.root is not None and (self.root / namespace / key[:2] / key).is_file()

    def put(self, namespace: str, key: str, data: bytes) -> None:
        if self.root is None:
            return
        if self._writer is None:
            self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cache-writer")
        self._writer.submit(self._write, self.root / namespace / key[:2], key, data)

    def close(self) -> None:
        """Wait until every entry is written."""
        if self._writer is not None:
            self._writer.shutdown(wait=True)
            self._writer = None

    @staticmethod
    def _write(folder: Path, key: str, data: bytes) -> None:
        try:
            folder.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=folder, prefix=".tmp-")
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
            os.replace(temporary, folder / key)
        except OSError:
            pass


def digest(*parts: bytes | str) -> str:
    hasher = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        hasher.update(len(data).to_bytes(8, "big"))
        hasher.update(data)
    return hasher.hexdigest()


@cache
def code_fingerprint() -> str:
    """The build's own code and its libraries' versions: a change to any invalidates every entry."""
    # Map boundaries are inputs (load.LoadedInput.topologies): they are in the build's inputs key and
    # in each map's cache key, not here.
    sources = [path.read_bytes() for path in sorted(PACKAGE_DIR.rglob("*.py"))]
    libraries = [f"{name}=={version(name)}" for name in LIBRARIES]
    return digest(*libraries, *sources)
