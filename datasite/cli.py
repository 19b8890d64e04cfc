"""The command line: the only place that prints problems and picks the exit code."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from .errors import BuildError, OutputError
from .load import DEFAULT_MAX_FILE_BYTES
from .pipeline import BUILTIN_TEMPLATES, BuildOptions, BuildResult, build, default_workers

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="build.py",
        description="Validate the data packages and build the static site.",
    )
    p.add_argument(
        "--data", type=Path, default=Path("datapackages"), help="folder of data packages (default: datapackages)"
    )
    p.add_argument("--out", type=Path, default=Path("site"), help="output folder (default: site)")
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
    p.add_argument("--check", action="store_true", help="validate only; write nothing")
    p.add_argument("--cache", type=Path, default=Path(".cache"), help="cache folder for reuse between builds")
    p.add_argument("--no-cache", action="store_true", help="neither read nor write the cache")
    p.add_argument("--jobs", type=int, default=default_workers(), help="worker processes (default: up to 2)")
    p.add_argument("--strict", action="store_true", help="treat warnings as errors")
    p.add_argument(
        "--max-file-bytes",
        type=int,
        default=DEFAULT_MAX_FILE_BYTES,
        help=f"largest resource file accepted (default: {DEFAULT_MAX_FILE_BYTES:,})",
    )
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)  # exits with 2 on usage errors
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch is not None and not epoch.isdigit():
        print(f"build.py: error: SOURCE_DATE_EPOCH must be whole seconds, not {epoch!r}", file=sys.stderr)
        return EXIT_USAGE
    options = BuildOptions(
        data_dir=args.data,
        out_dir=args.out,
        template_dirs=(BUILTIN_TEMPLATES, *args.templates),
        check_only=args.check,
        strict=args.strict,
        max_file_bytes=args.max_file_bytes,
        source_date_epoch=int(epoch) if epoch is not None else None,
        cache_dir=None if args.no_cache else args.cache,
        content_dir=args.content if args.content is not None else args.data.parent / "content",
        workers=max(1, args.jobs),
    )
    try:
        result = build(options)
    except BuildError as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
        outcome = "nothing was written" if args.check else f"{args.out} was left as it was"
        print(f"build failed: {len(error.problems)} problem(s); {outcome}", file=sys.stderr)
        return EXIT_PROBLEMS
    except OutputError as error:
        print(f"build failed: {error}", file=sys.stderr)
        return EXIT_PROBLEMS
    for warning in result.warnings:
        print(warning, file=sys.stderr)
    print(summary(result, options))
    return EXIT_OK


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
        f"seconds    {seconds:.2f} ({stages})",
        f"site       {options.out_dir}/  (view it: make serve → http://127.0.0.1:8000/)",
    ]
    return "\n".join(lines)
