"""Stage 6: the only stage that writes. Build beside the output, then swap it in at once.

The new site is written to a staging folder next to ``out`` and exchanged with the old one in a
single ``renameat2(RENAME_EXCHANGE)`` call, so a failed or killed build leaves the published site
exactly as it was. Files whose bytes are unchanged are hard links to the published ones (the old
folder is deleted after the swap, so nothing is shared for long). A lock file keeps two builds from
writing at the same time.
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import os
import shutil
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import OutputError

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def write_site(outputs: dict[str, bytes], out_dir: Path) -> None:
    out_dir = out_dir.absolute()
    if out_dir.exists() and not out_dir.is_dir():
        raise OutputError(f"{out_dir}: exists and is not a folder")
    parent = out_dir.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        with _locked(parent / f".{out_dir.name}.lock"):
            _remove_stale(parent, out_dir.name)
            staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.new-", dir=parent))
            try:
                folders: set[str] = set()
                for relative in sorted(outputs):
                    _check_inside(relative)
                    target = os.path.join(staging, relative)
                    folder = os.path.dirname(target)
                    if folder not in folders:
                        os.makedirs(folder, exist_ok=True)
                        folders.add(folder)
                    _place(target, outputs[relative], os.path.join(out_dir, relative))
                staging.chmod(0o755)
                _swap(staging, out_dir)
            finally:
                shutil.rmtree(staging, ignore_errors=True)
    except OSError as error:
        reason = "the disk is full" if error.errno == errno.ENOSPC else (error.strerror or str(error))
        raise OutputError(f"{error.filename or out_dir}: cannot write the site: {reason}") from error


def _place(target: str, data: bytes, published: str) -> None:
    """Write ``data`` at ``target``, or, when the published site already holds a regular file with
    exactly these bytes, link to it: creating files costs far more than comparing bytes, and a
    rebuild after a small edit leaves most files as they were."""
    try:
        status = os.lstat(published)
        if stat.S_ISREG(status.st_mode) and status.st_size == len(data):
            with open(published, "rb") as stream:
                same = stream.read() == data
            if same:
                os.link(published, target)
                return
    except OSError:
        pass  # nothing published there, or no hard links on this filesystem: write it
    with open(target, "wb") as stream:
        stream.write(data)


def _check_inside(relative: str) -> None:
    parts = relative.split("/")
    if not relative or relative.startswith("/") or any(part in {"", ".", ".."} for part in parts):
        raise OutputError(f"refusing to write outside the site: {relative}")


def _swap(staging: Path, out_dir: Path) -> None:
    """Put ``staging`` at ``out_dir``; afterwards ``staging`` holds the old site (or nothing)."""
    if not out_dir.exists():
        staging.rename(out_dir)
        return
    libc = ctypes.CDLL(None, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is not None:
        result = renameat2(_AT_FDCWD, os.fsencode(staging), _AT_FDCWD, os.fsencode(out_dir), _RENAME_EXCHANGE)
        if result == 0:
            return
    # No atomic exchange here (not Linux, or a filesystem without it): two renames, a short window.
    old = staging.with_name(staging.name.replace(".new-", ".old-"))
    out_dir.rename(old)
    staging.rename(out_dir)
    old.rename(staging)


def _remove_stale(parent: Path, name: str) -> None:
    """Staging folders left by a killed build: the published site itself is never among them."""
    for stale in parent.glob(f".{name}.new-*"):
        shutil.rmtree(stale, ignore_errors=True)
    for stale in parent.glob(f".{name}.old-*"):
        if not (parent / name).exists():
            stale.rename(parent / name)  # the fallback swap was interrupted: restore the old site
        else:
            shutil.rmtree(stale, ignore_errors=True)


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    with path.open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise OutputError(f"another build is writing {path.parent} right now; try again when it ends") from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
