"""The page cache renders again exactly when something a page shows has changed."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from datasite.cache import Cache
from datasite.memo import RenderMemo


@dataclass
class Shared:
    rows: list[int] = field(default_factory=list)


def counting_render(calls: list[str], text: str) -> bytes:
    calls.append(text)
    return text.encode()


def test_same_arguments_are_rendered_once_and_changes_render_again(tmp_path: Path) -> None:
    cache = Cache(tmp_path)
    calls: list[str] = []
    shared = Shared([1, 2])
    memo = RenderMemo(cache, ("templates", 1), [Shared])
    assert memo.get_or_render("page", ("a", shared), lambda: counting_render(calls, "first")) == b"first"
    cache.close()
    assert memo.get_or_render("page", ("a", shared), lambda: counting_render(calls, "again")) == b"first"
    assert calls == ["first"]
    # Another build: the shared object holds other data, so the page is rendered again.
    memo = RenderMemo(cache, ("templates", 1), [Shared])
    assert memo.get_or_render("page", ("a", Shared([1, 3])), lambda: counting_render(calls, "new")) == b"new"
    # Another frame (a template changed): rendered again too.
    memo = RenderMemo(cache, ("templates", 2), [Shared])
    assert memo.get_or_render("page", ("a", shared), lambda: counting_render(calls, "frame")) == b"frame"
    assert calls == ["first", "new", "frame"]


def test_what_cannot_be_pickled_is_never_cached(tmp_path: Path) -> None:
    cache = Cache(tmp_path)
    calls: list[str] = []
    memo = RenderMemo(cache, "frame", [])
    for _ in range(2):
        memo.get_or_render("page", {"f": lambda: None}, lambda: counting_render(calls, "x"))
        cache.close()
    assert calls == ["x", "x"]


def test_without_a_cache_everything_is_rendered() -> None:
    calls: list[str] = []
    memo = RenderMemo(Cache(None), "frame", [])
    for _ in range(2):
        memo.get_or_render("page", ("same",), lambda: counting_render(calls, "x"))
    assert calls == ["x", "x"]


KEY_SCRIPT = """
from datasite.cache import Cache
from datasite.memo import RenderMemo
memo = RenderMemo(Cache({root!r}), "frame", [])
print(memo._key("page", {{"terms": {{"相談", "支援", "成年後見", "ひきこもり"}}, "empty": set()}}))
"""


def test_keys_do_not_depend_on_the_hash_seed(tmp_path: Path) -> None:
    keys = set()
    for seed in ("1", "2", "3"):
        done = subprocess.run(
            [sys.executable, "-c", KEY_SCRIPT.format(root=str(tmp_path))],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        )
        keys.add(done.stdout.strip())
    assert len(keys) == 1 and len(next(iter(keys))) == 64
