"""Stage 6: the only stage that writes. Build beside the output, then swap it in at once.

The new site is written to a staging folder next to ``out`` and exchanged with the old one in a
single ``renameat2(RENAME_EXCHANGE)`` call, so a failed or killed build leaves the published site
exactly as it was. Files whose bytes are unchanged are hard links to the published ones (the old
folder is deleted after the swap, so nothing is shared for long). A lock file keeps two builds from
writing at the same time.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import json
import os
import shutil
import stat
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple

from .errors import OutputError, UnsafeOutputError

__all__ = [
    "MANIFEST",
    "Guarded",
    "OutputError",
    "UnsafeOutputError",
    "check_output_folder",
    "record_address_list",
    "write_site",
]

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2

# Written into every site: the list of files this tool wrote there. A build replaces an existing
# output folder only when it finds this list and nothing beside what it names.
MANIFEST = ".datasite-manifest.json"
MANIFEST_GENERATOR = "datasite build.py"
_FOREIGN_SHOWN = 5

# Folders whose whole subtree belongs to the operating system: never an output folder.
_SYSTEM_TREES = (
    "/bin",
    "/boot",
    "/dev",
    "/etc",
    "/lib",
    "/lib32",
    "/lib64",
    "/libx32",
    "/proc",
    "/run",
    "/sbin",
    "/sys",
    "/usr",
)
# Folders that are the system's, though sites may live below them (``/var/www/site``, ``/tmp/site``).
_SYSTEM_FOLDERS = (
    "/var/lib",
    "/var/log",
    "/var/cache",
    "/var/spool",
    "/var/mail",
    "/var/tmp",
    "/var/backups",
    "/var/www",
)


class Guarded(NamedTuple):
    """A folder the build must never replace; ``input`` ones it must not build inside either."""

    label: str  # what it is, in words: "the data folder"
    folder: Path
    input: bool = False


Protected = Sequence[Guarded]


def check_output_folder(out_dir: Path, protected: Protected = ()) -> None:
    """Raise ``UnsafeOutputError`` unless ``out_dir`` is a folder this tool may replace.

    It may when the folder is absent, empty, or holds a site that an earlier build wrote (its
    manifest names every file in it). It never may when it is ``/`` or a system folder, or is,
    contains or (for the input folders) lies inside one of the ``protected`` folders: the data,
    content and templates folders, the working directory, a repository, the home folder.
    """
    shown = str(out_dir)
    absolute = Path(os.path.abspath(out_dir))
    if os.path.islink(absolute):
        raise UnsafeOutputError(f"--out {shown}: is a symbolic link; give the real folder to build into")
    resolved = absolute.resolve()
    # "is" says most, then "contains", then "lies inside": the first kind found is the one reported.
    found: dict[int, str] = {}
    for label, folder, is_input in protected:
        guarded = Path(os.path.abspath(folder)).resolve()
        if guarded == resolved:
            found.setdefault(0, f"is {label}")
        elif guarded.is_relative_to(resolved):
            found.setdefault(1, f"contains {label} ({guarded})")
        elif is_input and resolved.is_relative_to(guarded):
            found.setdefault(2, f"lies inside {label} ({guarded})")
    if 0 in found:
        raise _would_replace(shown, found[0])
    text = resolved.as_posix()
    if (
        resolved.parent == resolved
        or resolved.parent == Path(resolved.anchor)
        or text in _SYSTEM_FOLDERS
        or any(text == tree or text.startswith(tree + "/") for tree in _SYSTEM_TREES)
    ):
        raise UnsafeOutputError(
            f"--out {shown}: refusing to build into a system folder ({text}); "
            "choose a folder of your own, e.g. --out site"
        )
    if found:
        raise _would_replace(shown, found[min(found)])
    if not resolved.exists():
        return
    if not resolved.is_dir():
        raise UnsafeOutputError(f"--out {shown}: exists and is not a folder")
    _check_owned(resolved, shown)


def _would_replace(shown: str, problem: str) -> UnsafeOutputError:
    return UnsafeOutputError(
        f"--out {shown}: {problem}; the build would replace it. Choose a folder of its own, e.g. --out site"
    )


def _check_owned(folder: Path, shown: str) -> None:
    """Refuse a non-empty folder unless every file in it was written by an earlier build."""
    present = _files_under(folder)
    if not present:
        return
    written = _manifest_files(folder / MANIFEST)
    if written is None:
        raise UnsafeOutputError(
            f"--out {shown}: holds files that build.py did not write (no {MANIFEST}); "
            "empty or remove the folder, or choose another --out"
        )
    foreign = sorted(present - written - {MANIFEST})
    if foreign:
        listed = ", ".join(foreign[:_FOREIGN_SHOWN])
        more = f" and {len(foreign) - _FOREIGN_SHOWN} more" if len(foreign) > _FOREIGN_SHOWN else ""
        raise UnsafeOutputError(
            f"--out {shown}: holds {len(foreign)} file(s) that build.py did not write ({listed}{more}); "
            "move them elsewhere (files to publish go in templates/static/), then build again"
        )


def _files_under(folder: Path) -> set[str]:
    found: set[str] = set()
    for directory, folders, names in os.walk(folder):
        relative = os.path.relpath(directory, folder)
        for name in names + [f for f in folders if os.path.islink(os.path.join(directory, f))]:
            found.add(name if relative == "." else f"{relative}/{name}".replace(os.sep, "/"))
    return found


def _manifest_files(path: Path) -> set[str] | None:
    try:
        manifest = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return None
    if not isinstance(manifest, dict) or manifest.get("generator") != MANIFEST_GENERATOR:
        return None
    files = manifest.get("files")
    if not isinstance(files, list) or not all(isinstance(name, str) for name in files):
        return None
    return set(files)


def manifest(outputs: dict[str, bytes]) -> bytes:
    listing = {"generator": MANIFEST_GENERATOR, "files": sorted(outputs)}
    return (json.dumps(listing, ensure_ascii=False, indent=0) + "\n").encode("utf-8")


def write_site(outputs: dict[str, bytes], out_dir: Path, protected: Protected = ()) -> None:
    """Write ``outputs`` as the whole content of ``out_dir``, with the manifest, in one swap."""
    if MANIFEST in outputs:
        raise OutputError(f"{MANIFEST}: this name is reserved for the list of files the build wrote")
    outputs = {**outputs, MANIFEST: manifest(outputs)}
    check_output_folder(out_dir, protected)
    out_dir = out_dir.absolute()
    parent = out_dir.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        with _locked(parent / f".{out_dir.name}.lock"):
            _remove_stale(parent, out_dir.name)
            check_output_folder(out_dir, protected)  # again, now that no other build can write it
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


def record_address_list(path: Path, text: str) -> None:
    """Replace the data folder's list of published addresses (addresses.txt) with ``text``, atomically: a file
    beside it, renamed over it. The list only grows (addresses.list_text), so nothing recorded is ever lost."""
    try:
        handle, staging = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        try:
            with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
                stream.write(text)
            os.chmod(staging, 0o644)
            os.replace(staging, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(staging)
            raise
    except OSError as error:
        reason = error.strerror or str(error)
        raise OutputError(f"{error.filename or path}: cannot record the published addresses: {reason}") from error
