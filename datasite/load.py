"""Stage 1: read everything the build needs from disk, and nothing else reads the disk.

Packages are read as raw bytes and parsed JSON; nothing is interpreted yet. Resource paths are
checked here because this is where the disk is touched: a path that leaves its package, points at
the network or names a file that is too large is refused before a single byte of it is read.
The map boundaries in ``reference/topojson/`` are read here too, as text, for ``maps``, with their descriptor
(``datapackage.json``: their sources, licence and the credit every map must carry).
"""

from __future__ import annotations

import functools
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from . import limits
from .cache import digest
from .errors import Problem

DEFAULT_MAX_FILE_BYTES = 50 * 1024 * 1024
# Map boundaries ship with the code, not with the data: read from the repository, whatever --data says.
TOPOJSON_DIR = Path(__file__).resolve().parent.parent / "reference" / "topojson"
DESCRIPTOR = "datapackage.json"
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


@dataclass(frozen=True)
class RawResource:
    index: int
    declared_path: str
    display_path: str
    data: bytes


@dataclass(frozen=True)
class RawPackage:
    folder: str
    display_path: str  # of datapackage.json, relative to the working directory
    descriptor: dict[str, Any]
    resources: tuple[RawResource, ...]


@dataclass
class LoadedInput:
    packages: list[RawPackage] = field(default_factory=list)
    templates: dict[str, str] = field(default_factory=dict)
    static: dict[str, bytes] = field(default_factory=dict)
    content: dict[str, str] = field(default_factory=dict)  # display path → text (Markdown pages, glossary)
    topologies: dict[str, str] = field(default_factory=dict)  # TopoJSON text by path under TOPOJSON_DIR
    # The boundaries' datapackage.json: (the path as shown, its text; None when absent).
    boundaries: tuple[str, str | None] = (f"reference/topojson/{DESCRIPTOR}", None)
    problems: list[Problem] = field(default_factory=list)
    config: str | None = None  # the text of the site configuration (site.toml); None when it could not be read
    config_path: str = ""  # the configuration file, as problem lines name it
    # The data folder's list of published addresses and its redirects (addresses.py); None when absent.
    address_list: tuple[str, str | None] = ("addresses.txt", None)  # (the path as shown, its text)
    redirects: tuple[str, str | None] = ("redirects.csv", None)


def display(path: Path, base: Path | None = None) -> str:
    """A path as users should see it in messages: relative to the working directory when inside it."""
    root = _resolved(os.fspath(base) if base is not None else os.getcwd())
    absolute = os.path.normpath(os.path.join(os.getcwd(), path))
    if absolute.startswith(root + os.sep):
        return PurePosixPath(absolute[len(root) + 1 :]).as_posix()
    return "." if absolute == root else PurePosixPath(absolute).as_posix()


@functools.lru_cache(maxsize=8)
def _resolved(folder: str) -> str:
    return os.path.realpath(folder)


def load(
    data_dir: Path,
    template_dirs: list[Path],
    *,
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
    content_dir: Path | None = None,
    topojson_dir: Path | None = None,
    config_path: Path | None = None,
) -> LoadedInput:
    """Everything the build reads. ``config_path``: the site configuration (default: site.toml beside the
    data folder)."""
    boundaries = topojson_dir or TOPOJSON_DIR
    loaded = LoadedInput(topologies=load_topologies(boundaries))
    loaded.boundaries = _boundaries_descriptor(boundaries / DESCRIPTOR, loaded.problems)
    config_file = config_path if config_path is not None else default_config(data_dir)
    loaded.config_path = display(config_file)
    loaded.config = _read_config(config_file, loaded.problems)
    if content_dir is not None and content_dir.is_dir():
        for path in _files_inside(content_dir, loaded.problems):
            if path.suffix in {".md", ".csv"}:
                try:
                    loaded.content[display(path)] = path.read_bytes().decode("utf-8-sig")
                except UnicodeDecodeError as error:
                    loaded.problems.append(Problem(display(path), None, None, f"not UTF-8 ({error.reason})"))
    if not data_dir.is_dir():
        loaded.problems.append(Problem(display(data_dir), None, None, "data folder not found"))
    else:
        root = data_dir.resolve()
        loaded.address_list = _site_file(data_dir / ADDRESS_LIST, root, loaded.problems)
        loaded.redirects = _site_file(data_dir / REDIRECTS, root, loaded.problems)
        for folder in sorted(p for p in data_dir.iterdir() if p.is_dir() and not p.name.startswith(".")):
            if not _inside(folder, root):
                loaded.problems.append(Problem(display(folder), None, None, _OUTSIDE.format(what="the data folder")))
                continue
            package, problems = _load_package(folder, max_file_bytes)
            loaded.problems.extend(problems)
            if package is not None:
                loaded.packages.append(package)
    # Later folders take precedence: built-in templates first, a site's overrides last.
    for template_dir in template_dirs:
        for path in _files_inside(template_dir, loaded.problems):
            name = path.relative_to(template_dir).as_posix()
            if name.startswith("static/"):
                loaded.static[name.removeprefix("static/")] = path.read_bytes()
            elif path.suffix in {".html", ".xml", ".txt", ".json", ".toml"}:
                loaded.templates[name] = path.read_text(encoding="utf-8")
    return loaded


CONFIG_FILE = "site.toml"
MAX_CONFIG_BYTES = 1024 * 1024


def default_config(data_dir: Path) -> Path:
    """Where a site's configuration is when none is named: site.toml beside its data folder (as content/ is)."""
    return data_dir.parent / CONFIG_FILE


def _read_config(path: Path, problems: list[Problem]) -> str | None:
    from . import config  # its one line for a missing file

    shown = display(path)
    if not path.is_file():
        problems.append(config.missing(shown))
        return None
    size = path.stat().st_size
    if size > MAX_CONFIG_BYTES:
        problems.append(Problem(shown, None, None, f"is {size:,} bytes, over the limit of {MAX_CONFIG_BYTES:,}"))
        return None
    try:
        return path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as error:
        problems.append(Problem(shown, None, None, f"not UTF-8 ({error.reason} at byte {error.start})"))
        return None


_OUTSIDE = "is a symbolic link to something outside {what}; the build reads nothing outside its input folders"
ADDRESS_LIST = "addresses.txt"  # addresses.LIST_FILE: the addresses the site has published
REDIRECTS = "redirects.csv"  # addresses.REDIRECTS_FILE: where dropped addresses lead


def _site_file(path: Path, root: Path, problems: list[Problem]) -> tuple[str, str | None]:
    """A text file of the data folder itself (not of a package), as (its path as shown, its text or None)."""
    shown = display(path)
    if not path.exists():
        return shown, None
    if not _inside(path, root):
        problems.append(Problem(shown, None, None, _OUTSIDE.format(what="the data folder")))
        return shown, None
    if not path.is_file():
        problems.append(Problem(shown, None, None, "is not a file"))
        return shown, None
    return shown, _utf8_text(path, shown, problems)


def _utf8_text(path: Path, shown: str, problems: list[Problem]) -> str | None:
    """The file's text (UTF-8, a byte-order mark dropped), or None with a problem saying it is not UTF-8."""
    try:
        return path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as error:
        problems.append(Problem(shown, None, None, f"not UTF-8 ({error.reason})"))
        return None


def _inside(path: Path, root: Path) -> bool:
    """True when ``path``, every link followed, is ``root`` or lies inside it."""
    try:
        return path.resolve(strict=True).is_relative_to(root)
    except (OSError, RuntimeError):
        return False


def _files_inside(folder: Path, problems: list[Problem]) -> list[Path]:
    """Every file under ``folder`` in order, leaving out (with a problem) links that lead outside it."""
    root = folder.resolve()
    files: list[Path] = []
    for path in sorted(folder.rglob("*")):
        if not path.is_file():
            continue
        if _inside(path, root):
            files.append(path)
        else:
            problems.append(Problem(display(path), None, None, _OUTSIDE.format(what=display(folder))))
    return files


def load_topologies(folder: Path) -> dict[str, str]:
    """Every TopoJSON file under ``folder`` as text, keyed by its path inside it (``s0001/prefectures.json``); not
    the folder's descriptor."""
    if not folder.is_dir():
        return {}
    return {
        path.relative_to(folder).as_posix(): path.read_text(encoding="utf-8")
        for path in sorted(folder.rglob("*.json"))
        if path.is_file() and path != folder / DESCRIPTOR
    }


def _boundaries_descriptor(path: Path, problems: list[Problem]) -> tuple[str, str | None]:
    """The map boundaries' descriptor as (its path as shown, its text); ``maps.boundary_credits`` reads it."""
    shown = display(path)
    return shown, _utf8_text(path, shown, problems) if path.is_file() else None


def _load_package(folder: Path, max_file_bytes: int) -> tuple[RawPackage | None, list[Problem]]:
    descriptor_path = folder / DESCRIPTOR
    shown = display(descriptor_path)
    if not descriptor_path.is_file():
        return None, [Problem(display(folder), None, None, f"no {DESCRIPTOR} in this package folder")]
    if not _inside(descriptor_path, folder.resolve()):
        return None, [Problem(shown, None, None, _OUTSIDE.format(what="the package folder"))]
    size = descriptor_path.stat().st_size
    if size > limits.MAX_DESCRIPTOR_BYTES:
        limit = f"{limits.MAX_DESCRIPTOR_BYTES:,}"
        return None, [
            Problem(shown, None, None, f"is {size:,} bytes, over the limit of {limit} bytes for a descriptor")
        ]
    try:
        descriptor = json.loads(descriptor_path.read_bytes().decode("utf-8-sig"))
    except UnicodeDecodeError as error:
        return None, [Problem(shown, None, None, f"descriptor is not UTF-8 ({error.reason} at byte {error.start})")]
    except json.JSONDecodeError as error:
        return None, [Problem(shown, error.lineno, None, f"invalid JSON: {error.msg} (column {error.colno})")]
    except RecursionError:
        return None, [_too_deep(shown)]
    if not isinstance(descriptor, dict):
        return None, [Problem(shown, None, None, "descriptor must be a JSON object")]
    if depth(descriptor) > limits.MAX_DESCRIPTOR_DEPTH:
        return None, [_too_deep(shown)]
    problems: list[Problem] = []
    resources: list[RawResource] = []
    declared = descriptor.get("resources")
    for index, resource in enumerate(declared if isinstance(declared, list) else []):
        if not isinstance(resource, dict) or not isinstance(resource.get("path"), str):
            continue  # shape problems are reported by validate
        raw, problem = _load_resource(folder, index, resource["path"], shown, max_file_bytes)
        if problem is not None:
            problems.append(problem)
        if raw is not None:
            resources.append(raw)
    return RawPackage(folder.name, shown, descriptor, tuple(resources)), problems


def _too_deep(shown: str) -> Problem:
    limit = limits.MAX_DESCRIPTOR_DEPTH
    return Problem(
        shown, None, None, f"objects and lists are nested more than {limit} levels deep; flatten the descriptor"
    )


def depth(value: Any) -> int:
    """How many levels of objects and lists ``value`` nests (without recursion: any depth is safe)."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            stack.extend((child, level + 1) for child in item.values())
        elif isinstance(item, list):
            stack.extend((child, level + 1) for child in item)
        else:
            continue
        deepest = max(deepest, level + 1)
    return deepest


def _load_resource(
    folder: Path, index: int, declared: str, shown: str, max_file_bytes: int
) -> tuple[RawResource | None, Problem | None]:
    # A control character in the path is shown as its code: a problem line must not carry it to the terminal.
    visible = "".join(f"\\u{ord(c):04x}" if ord(c) < 0x20 or ord(c) == 0x7F else c for c in declared)
    where = f'resources[{index}].path "{visible}"'

    def refuse(message: str) -> tuple[None, Problem]:
        return None, Problem(shown, None, None, f"{where}: {message}")

    if _SCHEME.match(declared) and not re.match(r"^[A-Za-z]:[\\/]", declared):
        return refuse("remote or URL paths are refused; the build never reads from the network")
    if declared.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:[\\/]", declared):
        return refuse("absolute paths are refused; give a path relative to the package folder")
    if ".." in PurePosixPath(declared.replace("\\", "/")).parts:
        return refuse("the path leaves the package folder")
    control = next((c for c in declared if ord(c) < 0x20 or ord(c) == 0x7F), None)
    if control is not None:  # a NUL cannot even be handed to the operating system
        return refuse(f"the path holds a control character (U+{ord(control):04X}); a file name cannot")
    target = folder / declared
    try:
        resolved = target.resolve(strict=True)
    except (FileNotFoundError, RuntimeError):
        return refuse(f"file not found: {display(target)}")
    except (OSError, ValueError) as error:  # a name too long for the file system, and the like
        return refuse(f"cannot be opened: {error.strerror if isinstance(error, OSError) else error}")
    if not resolved.is_relative_to(folder.resolve()):
        return refuse("the path leaves the package folder (through a symbolic link)")
    if not resolved.is_file():
        return refuse(f"not a file: {display(target)}")
    size = resolved.stat().st_size
    if size > max_file_bytes:
        return refuse(f"file is {size:,} bytes, over the limit of {max_file_bytes:,} bytes")
    return RawResource(index, declared, display(target), resolved.read_bytes()), None


def tree_signature(folder: Path) -> str:
    """One hash over every file's path, size, modification time and inode under ``folder`` ("" when it
    does not exist): any change to the published site changes it, without reading the files (a site
    of 1,000 packages holds hundreds of megabytes of images)."""
    if not folder.is_dir():
        return ""
    entries: list[str] = []
    for directory, _, names in os.walk(folder):
        for name in names:
            path = os.path.join(directory, name)
            status = os.lstat(path)
            relative = os.path.relpath(path, folder)
            entries.append(f"{relative}\0{status.st_size}\0{status.st_mtime_ns}\0{status.st_ino}\0{status.st_mode}")
    return digest("tree", *sorted(entries))
