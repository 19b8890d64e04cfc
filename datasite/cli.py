"""The command line: the only place that prints problems and picks the exit code.

``build.py [options]`` builds; ``build.py new NAME --csv FILE`` starts a data package from a CSV
(``scaffold``); ``build.py serve`` previews the site and rebuilds on changes (``serve``).
"""

from __future__ import annotations

import argparse
import os
import sys
from functools import partial
from pathlib import Path

from . import strings
from .errors import BuildError, OutputError, Problem, UnsafeOutputError
from .load import DEFAULT_MAX_FILE_BYTES, default_config, display
from .pipeline import BUILTIN_TEMPLATES, BuildOptions, BuildResult, build, default_workers, protected_folders
from .serve import HOST, Preview
from .write import check_output_folder

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2
DEFAULT_DATA = Path("datapackages")
DEFAULT_PORT = 8000
DEFAULT_LANGUAGE = "ja"  # a site's language when its configuration does not say (config.py)
LAST_EPOCH = 253_402_300_799  # 9999-12-31T23:59:59Z: the last second a date of four digits can show


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="build.py",
        description="Validate the data packages and build the static site.",
        epilog="other commands: build.py new NAME --csv FILE [--area N] [--data DIR] (start a data package "
        "from a CSV); build.py serve [--port N] (preview at http://127.0.0.1:8000/, rebuilding on changes)",
    )
    _add_build_options(p, check=True)
    return p


def _add_build_options(p: argparse.ArgumentParser, *, check: bool) -> None:
    p.add_argument("--data", type=Path, default=DEFAULT_DATA, help="folder of data packages (default: datapackages)")
    p.add_argument(
        "--out",
        type=_output_folder,
        default=Path("site"),
        help="output folder (default: site); replaced only if absent, empty or made by an earlier build",
    )
    p.add_argument(
        "--templates",
        type=Path,
        action="append",
        default=[],
        help="a folder of templates that override the built-in ones (repeatable)",
    )
    p.add_argument(
        "--content",
        type=Path,
        default=None,
        help="folder of Markdown pages and glossary.csv (default: content/ beside --data, if present)",
    )
    p.add_argument(
        "--site",
        type=Path,
        default=None,
        metavar="FILE",
        help="the site's configuration: name, goals, areas, navigation, roles of packages "
        "(default: site.toml beside --data)",
    )
    if check:
        p.add_argument("--check", action="store_true", help="validate only; write nothing")
        p.add_argument(
            "--record-addresses",
            action="store_true",
            help="after the build, add the addresses it published for the first time to DATA/addresses.txt "
            "(make addresses; docs/addresses.md)",
        )
    p.add_argument("--cache", type=Path, default=Path(".cache"), help="cache folder for reuse between builds")
    p.add_argument("--no-cache", action="store_true", help="neither read nor write the cache")
    p.add_argument("--jobs", type=int, default=default_workers(), help="worker processes (default: up to 2)")
    p.add_argument("--strict", action="store_true", help="treat warnings as errors")
    p.add_argument(
        "--problem-codes",
        action="store_true",
        help="end each problem line with its code in brackets ([type-error], [site-config] …; docs/problems.md)",
    )
    p.add_argument(
        "--base-url",
        default=os.environ.get("SITE_BASE_URL") or None,
        help="the published address ending in '/', for sitemap.xml and absolute links (default: $SITE_BASE_URL)",
    )
    p.add_argument(
        "--max-file-bytes",
        type=int,
        default=DEFAULT_MAX_FILE_BYTES,
        help=f"largest resource file accepted (default: {DEFAULT_MAX_FILE_BYTES:,})",
    )


def new_parser() -> argparse.ArgumentParser:
    mark = _catalogue(DEFAULT_LANGUAGE)[0].texts.get("new_mark", "TODO")  # the marker of the fields to fill in
    p = argparse.ArgumentParser(
        prog="build.py new",
        description="Create datapackages/NAME/ from a CSV (UTF-8 or Shift_JIS): the CSV as UTF-8 under data/ and "
        f"a datapackage.json with the schema inferred and every field a person must write marked {mark}.",
    )
    p.add_argument("name", help="package name: lower-case a-z, 0-9 and '-'")
    p.add_argument("--csv", type=Path, required=True, help="the table to publish")
    p.add_argument(
        "--area",
        type=int,
        default=None,
        help="policy_area: the number of one of the areas of the site's configuration "
        "(default: its first area, marked to check in the description)",
    )
    p.add_argument("--data", type=Path, default=DEFAULT_DATA, help="folder of data packages (default: datapackages)")
    p.add_argument(
        "--site",
        type=Path,
        default=None,
        metavar="FILE",
        help="the site's configuration (default: site.toml beside --data)",
    )
    return p


def serve_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="build.py serve",
        description=f"Build, serve the site on {HOST} and rebuild whenever the data packages, templates or "
        "content change. While a build fails, pages show its problems instead of the out-of-date site.",
    )
    p.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port (default: {DEFAULT_PORT}; 0 picks a free one)")
    _add_build_options(p, check=False)
    return p


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["new"]:
        return new(argv[1:])
    if argv[:1] == ["serve"]:
        return serve(argv[1:])
    args = parser().parse_args(argv)  # exits with 2 on usage errors
    try:
        epoch = _source_date_epoch()
    except ValueError as error:
        print(f"build.py: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    options = _options(args, epoch, check_only=args.check)
    try:
        result = build(options)
    except BuildError as error:
        for problem in error.problems:
            print(_line(problem, getattr(args, "problem_codes", False)), file=sys.stderr)
        outcome = "nothing was written" if args.check else f"{args.out} was left as it was"
        print(f"build failed: {len(error.problems)} problem(s); {outcome}", file=sys.stderr)
        return EXIT_PROBLEMS
    except UnsafeOutputError as error:
        print(f"build.py: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except OutputError as error:
        print(f"build failed: {error}", file=sys.stderr)
        return EXIT_PROBLEMS
    for warning in result.warnings:
        print(_line(warning, getattr(args, "problem_codes", False)), file=sys.stderr)
    print(summary(result, options))
    return EXIT_OK


def _line(problem: Problem, with_code: bool) -> str:
    return problem.with_code() if with_code else str(problem)


def new(argv: list[str]) -> int:
    from .scaffold import ScaffoldError, mark, scaffold  # frictionless is needed only here

    args = new_parser().parse_args(argv)
    try:
        epoch = _source_date_epoch()
    except ValueError as error:
        print(f"build.py new: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    areas, language = _site_areas(args.site or default_config(args.data))
    words, problems = _catalogue(language)
    if problems:  # the words it writes into the descriptor
        for problem in problems:
            print(problem, file=sys.stderr)
        print(
            f"build.py new: error: {len(problems)} problem(s) in the catalogue of words; nothing was created",
            file=sys.stderr,
        )
        return EXIT_PROBLEMS
    try:
        created = scaffold(
            args.name, args.csv, args.data, area=args.area, source_date_epoch=epoch, areas=areas, words=words
        )
    except ScaffoldError as error:
        print(f"build.py new: error: {error}", file=sys.stderr)
        return EXIT_USAGE if error.usage else EXIT_PROBLEMS
    converted = "" if created.encoding == "UTF-8" else f"; converted from {created.encoding} to UTF-8"
    print(f"created {display(created.descriptor_path)}")
    print(f"created {display(created.csv_path)} ({created.rows} rows{converted})")
    if created.blank_rows:
        print(f"dropped {created.blank_rows} empty row(s) of the CSV")
    if args.area is None:
        choices = (
            f"one of {', '.join(map(str, sorted(set(areas))))}" if areas else "an area of the site's configuration"
        )
        print(
            f"policy_area is {created.area} for now: set it to the right area ({choices}; "
            "see docs/datapackage-conventions.md)"
        )
    print(f"fill in these fields of {display(created.descriptor_path)} (marked {mark(words)} or left empty):")
    for line in created.to_fill:
        print(f"  {line}")
    data = "" if args.data == DEFAULT_DATA else f" --data {display(args.data)}"
    print(f"then check the package until no problem is left: .venv/bin/python build.py --check --strict{data}")
    return EXIT_OK


def _site_areas(path: Path) -> tuple[list[int], str]:
    """The area numbers of the site's configuration, in their order, and its language; no areas and the default
    language when it is missing or unreadable (the build says why)."""
    from . import config

    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return [], DEFAULT_LANGUAGE
    parsed, _ = config.parse(text)
    if parsed is None:
        return [], DEFAULT_LANGUAGE
    return [area.number for area in parsed.areas if area.number >= 0], parsed.language


def _catalogue(language: str) -> tuple[strings.Strings, list[Problem]]:
    """The built-in catalogue of words (templates/strings.toml) in ``language``, for ``build.py new``."""
    path = BUILTIN_TEMPLATES / strings.FILE_NAME
    try:
        text: str | None = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        text = None
    return strings.parse(text, language, display(path))


def serve(argv: list[str]) -> int:
    args = serve_parser().parse_args(argv)
    try:
        epoch = _source_date_epoch()
    except ValueError as error:
        print(f"build.py serve: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    options = _options(args, epoch, check_only=False)
    try:
        check_output_folder(options.out_dir, protected_folders(options))
    except UnsafeOutputError as error:
        print(f"build.py serve: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    watch = [options.data_dir, *options.template_dirs, options.config_file]
    if options.content_dir is not None:
        watch.append(options.content_dir)
    build_once = partial(preview_build, options)
    templates = options.template_dirs
    preview = Preview(build_once, options.out_dir, watch, port=args.port, report=_say, template_dirs=templates)
    try:
        preview.start()
    except OSError as error:
        reason = error.strerror or str(error)
        print(f"build.py serve: error: cannot listen on {HOST}:{args.port}: {reason} (try --port)", file=sys.stderr)
        return EXIT_PROBLEMS
    except KeyboardInterrupt:  # during the first build
        preview.stop()
        return EXIT_OK
    preview.serve_until_interrupted()
    return EXIT_OK


def preview_build(options: BuildOptions) -> list[str]:
    """One build for the preview: its problem lines (empty on success); warnings are printed."""
    try:
        result = build(options)
    except BuildError as error:
        return [str(problem) for problem in error.problems]
    except OutputError as error:
        return [str(error)]
    for warning in result.warnings:
        _say(str(warning))
    return []


def _say(line: str) -> None:
    print(line, flush=True)


def _output_folder(value: str) -> Path:
    if not value.strip():
        raise argparse.ArgumentTypeError(
            "is empty (an unset shell variable?); give the folder to build into, e.g. --out site"
        )
    return Path(value)


def _source_date_epoch() -> int | None:
    """SOURCE_DATE_EPOCH in seconds, or None when unset; ValueError when it is not whole seconds."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch is None:
        return None
    if not (epoch.isascii() and epoch.isdigit()):
        raise ValueError(f"SOURCE_DATE_EPOCH must be whole seconds, not {epoch[:40]!r}")
    if len(epoch) > 12 or int(epoch) > LAST_EPOCH:
        limit = f"a time before the year 10000 (at most {LAST_EPOCH})"
        raise ValueError(f"SOURCE_DATE_EPOCH must be {limit}, not {epoch[:40]}")
    return int(epoch)


def _options(args: argparse.Namespace, epoch: int | None, *, check_only: bool) -> BuildOptions:
    return BuildOptions(
        data_dir=args.data,
        out_dir=args.out,
        template_dirs=(BUILTIN_TEMPLATES, *args.templates),
        check_only=check_only,
        strict=args.strict,
        max_file_bytes=args.max_file_bytes,
        source_date_epoch=epoch,
        cache_dir=None if args.no_cache else args.cache,
        content_dir=args.content if args.content is not None else args.data.parent / "content",
        config_path=args.site,
        workers=max(1, args.jobs),
        base_url=_base_url(args.base_url),
        record_addresses=getattr(args, "record_addresses", False),
    )


def _base_url(value: str | None) -> str | None:
    if not value:
        return None
    return value if value.endswith("/") else value + "/"


def _addresses_line(result: BuildResult, options: BuildOptions) -> str:
    line = f"{result.addresses} published"
    if options.record_addresses:
        return f"{line}, all recorded in {result.address_list}"
    if result.unrecorded:
        # `make addresses` records into the repository's own data folder; another folder is named on the command.
        command = (
            "`make addresses`"
            if options.data_dir == DEFAULT_DATA
            else f"`build.py --data {display(options.data_dir)} --record-addresses`"
        )
        line += f", {result.unrecorded} not yet in {result.address_list}: record them with {command}"
    return line


def summary(result: BuildResult, options: BuildOptions) -> str:
    seconds = sum(result.seconds.values())
    stages = ", ".join(f"{name} {value:.2f}s" for name, value in result.seconds.items())
    lines = [
        f"packages   {result.packages}",
        f"resources  {result.resources}",
    ]
    if result.review:
        counts = result.review
        lines.append(
            f"review     {counts['pass']} pass, {counts['finding']} finding, "
            f"{counts['needs-judgement']} needs judgement (checklist of the pre-analysis sheet)"
        )
    if options.check_only:
        lines.append(f"checked in {seconds:.2f}s ({stages}); {len(result.warnings)} warning(s); nothing written")
        return "\n".join(lines)
    if result.up_to_date:
        stages = "nothing changed since the last build; site left as it is"
    lines += [
        f"pages      {result.pages}",
        f"charts     {result.charts}",
        f"files      {result.files}",
        f"warnings   {len(result.warnings)}",
        f"addresses  {_addresses_line(result, options)}",
        f"seconds    {seconds:.2f} ({stages})",
        f"site       {options.out_dir}/  (view it: make serve → http://127.0.0.1:8000/)",
    ]
    return "\n".join(lines)
