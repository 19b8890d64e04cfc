"""Chart jobs, run in worker processes: a spec (built with altair when not cached) becomes SVG and PNG.

This module imports only vl-convert at the top, so that the build can start its workers before it
imports its slower libraries; the workers import altair (through ``charts``) while they warm up.
"""

from __future__ import annotations

import json
import multiprocessing
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

import vl_convert

Result = TypeVar("Result")
ResultCo = TypeVar("ResultCo", covariant=True)
Argument = TypeVar("Argument")


@dataclass(frozen=True)
class ChartJob:
    """Everything one chart's files depend on. ``spec_text`` is set when the spec is cached; otherwise
    the worker builds it by calling ``charts.<builder>(*arguments)``."""

    spec_text: str | None
    builder: str
    arguments: tuple[Any, ...]
    with_png: bool = True


ChartResult = tuple[str, str, bytes]  # spec text, SVG text, PNG bytes (empty when not asked for)


def warm_up() -> None:
    """Import altair, start vl-convert's JavaScript engine and draw one small chart with Japanese text
    (together about 1 s, once per process, while the main process validates), so that the first real
    chart is drawn at full speed."""
    from . import charts

    spec = {
        "data": {"values": [{"年度": "2023年度", "件数": 1}, {"年度": "2024年度", "件数": 2}]},
        "mark": "bar",
        "encoding": {"x": {"field": "年度", "type": "nominal"}, "y": {"field": "件数", "type": "quantitative"}},
        "title": "相談件数",
        "config": {"font": charts.FONT},
    }
    vl_convert.svg_to_png(vl_convert.vegalite_to_svg(spec, format_locale="ja-JP"), scale=2)


def spec_text_of(spec: dict[str, Any]) -> str:
    """The spec as published (the .vl.json download) and as cached: formatting it once is enough."""
    return json.dumps(spec, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def run_job(job: ChartJob) -> ChartResult:
    if job.spec_text is not None:
        text = job.spec_text
    else:
        from . import charts

        text = spec_text_of(getattr(charts, job.builder)(*job.arguments))
    svg: str = vl_convert.vegalite_to_svg(json.loads(text), format_locale="ja-JP")
    # Rasterising the SVG already laid out is about three times faster than rendering the spec again.
    png: bytes = vl_convert.svg_to_png(svg, scale=2) if job.with_png else b""
    return text, svg, png


class Pending(Protocol[ResultCo]):
    def get(self) -> ResultCo: ...


class _Deferred(Generic[Argument, Result]):
    """A job run in this process, when its result is first asked for."""

    def __init__(self, function: Callable[[Argument], Result], argument: Argument) -> None:
        self._function, self._argument = function, argument
        self._result: tuple[Result] | None = None

    def get(self) -> Result:
        if self._result is None:
            self._result = (self._function(self._argument),)
        return self._result[0]


class ImageRenderer:
    """Runs chart jobs in ``processes`` worker processes, or in this process when it is 0.

    The workers start as soon as the renderer is made and warm up while the main process validates
    and then renders the pages, which need no image. Every result depends only on its job: pooled
    and serial output are identical.
    """

    def __init__(self, processes: int) -> None:
        self._pool: Any = None
        if processes > 0:
            self._pool = multiprocessing.get_context("spawn").Pool(processes, initializer=warm_up)

    def submit(self, function: Callable[[Argument], Result], argument: Argument) -> Pending[Result]:
        """``function(argument)`` in a worker (or here, when first asked for). The function must be
        importable by name and its argument picklable."""
        if self._pool is None:
            return _Deferred(function, argument)
        pending: Pending[Result] = self._pool.apply_async(function, (argument,))
        return pending

    def __enter__(self) -> ImageRenderer:
        return self

    def __exit__(self, *exception: object) -> None:
        # Every result the build needs has been collected by now (or the build failed): the workers are
        # stopped rather than left to finish their warm-up or to tear their engines down.
        if self._pool is not None:
            self._pool.terminate()
            self._pool.join()
