"""The build, top to bottom: gather and check everything first, then write once."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import vl_convert

from . import charts, load, model, render, validate, write
from .errors import BuildError, Problem, errors_of

BUILTIN_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


@dataclass(frozen=True)
class BuildOptions:
    data_dir: Path
    out_dir: Path
    template_dirs: tuple[Path, ...] = (BUILTIN_TEMPLATES,)
    check_only: bool = False
    strict: bool = False
    max_file_bytes: int = load.DEFAULT_MAX_FILE_BYTES
    source_date_epoch: int | None = None


@dataclass
class BuildResult:
    packages: int = 0
    resources: int = 0
    pages: int = 0
    charts: int = 0
    files: int = 0
    warnings: list[Problem] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)


def build(options: BuildOptions) -> BuildResult:
    result = BuildResult()
    clock = _Clock(result.seconds)
    loaded = load.load(options.data_dir, list(options.template_dirs), max_file_bytes=options.max_file_bytes)
    clock.lap("load")
    valid, problems = validate.validate(loaded.packages)
    problems = loaded.problems + problems
    clock.lap("validate")
    fatal = errors_of(problems, strict=options.strict)
    if fatal:
        raise BuildError(fatal)
    result.warnings = [p for p in problems if p.severity == "warning"]
    site = model.build_site(valid)
    result.packages = len(site.packages)
    result.resources = len(site.resources)
    clock.lap("model")
    if options.check_only:
        return result
    rendered = charts.render_charts(site)
    result.charts = len(rendered)
    clock.lap("charts")
    outputs = render.render_site(
        site,
        rendered,
        loaded.templates,
        loaded.static,
        vl_convert.javascript_bundle(),  # type: ignore[call-arg]
        render.RenderOptions(built_on=_built_on(options.source_date_epoch)),
    )
    result.pages = sum(1 for name in outputs if name.endswith(".html"))
    result.files = len(outputs)
    clock.lap("render")
    write.write_site(outputs, options.out_dir)
    clock.lap("write")
    return result


def _built_on(epoch: int | None) -> str | None:
    if epoch is None:
        return None
    return datetime.fromtimestamp(epoch, tz=UTC).strftime("%Y-%m-%d")


class _Clock:
    def __init__(self, laps: dict[str, float]) -> None:
        self.laps = laps
        self.last = time.perf_counter()

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.laps[stage] = now - self.last
        self.last = now
