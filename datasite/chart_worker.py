"""Chart jobs, run in worker processes: a spec (built with altair when not cached) becomes SVG and PNG.

This module imports only vl-convert at the top, so that the build can start its workers before it
imports its slower libraries; the workers import altair (through ``charts``) while they warm up.
"""

from __future__ import annotations

import contextlib
import json
import multiprocessing
import os
import re
import tempfile
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from typing import Any, Generic, Protocol, TypeVar
from xml.sax.saxutils import escape

import vl_convert

from . import limits

Result = TypeVar("Result")
ResultCo = TypeVar("ResultCo", covariant=True)
Argument = TypeVar("Argument")


@dataclass(frozen=True)
class ChartJob:
    """Everything one chart's files depend on. ``spec_text`` is set when the spec is cached; otherwise
    the worker builds it by calling ``builder(*arguments)`` (a function of charts.py, sent by reference: the
    worker imports it as it receives the job, this module does not depend on it)."""

    spec_text: str | None
    builder: Callable[..., dict[str, Any]] | None
    arguments: tuple[Any, ...]
    with_png: bool = True
    label: str = ""  # what it draws, for a problem line: the files' path without extension
    footer: tuple[str, ...] = ()  # lines of credits (source, licence…) drawn under the chart, already wrapped


ChartResult = tuple[str, str, bytes]  # spec text, SVG text, PNG bytes (empty when not asked for)
# Drawn once by each worker as it starts and thrown away, never shown: Japanese text, so that the fonts the charts
# draw with (FONT) are loaded before the first real chart.
WARM_UP_TEXT = "相談件数 2023年度"


def warm_up() -> None:
    """Import altair, start vl-convert's JavaScript engine and draw one small chart with Japanese text
    (together about 1 s, once per process, while the main process validates), so that the first real
    chart is drawn at full speed."""
    import altair  # noqa: F401  (the specs are built with it: imported now rather than by the first chart)

    spec = {
        "data": {"values": [{"x": WARM_UP_TEXT, "y": 1}, {"x": "2024", "y": 2}]},
        "mark": "bar",
        "encoding": {"x": {"field": "x", "type": "nominal"}, "y": {"field": "y", "type": "quantitative"}},
        "title": WARM_UP_TEXT,
        "config": {"font": FONT},
    }
    vl_convert.svg_to_png(vl_convert.vegalite_to_svg(spec, format_locale="ja-JP"), scale=2)


def spec_text_of(spec: dict[str, Any]) -> str:
    """The spec as published (the .vl.json download) and as cached: formatting it once is enough."""
    return json.dumps(spec, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def run_job(job: ChartJob) -> ChartResult:
    if job.spec_text is not None:
        text = job.spec_text
    else:
        assert job.builder is not None, job.label
        text = spec_text_of(job.builder(*job.arguments))
    svg = with_footer(vl_convert.vegalite_to_svg(json.loads(text), format_locale="ja-JP"), job.footer)
    # Rasterising the SVG already laid out is about three times faster than rendering the spec again. Twice the
    # size it is drawn at: sharp on high-density screens and in print.
    png: bytes = vl_convert.svg_to_png(svg, scale=2) if job.with_png else b""
    return text, svg, png


# The charts' fonts (charts.FONT): the Japanese system fonts first, IPAex Gothic where none of them is installed.
FONT = "Hiragino Sans, Hiragino Kaku Gothic ProN, Meiryo, Yu Gothic, IPAexGothic, Noto Sans CJK JP, sans-serif"
FOOTER_LINE_PX = 16  # the height of a line of 12 px credits
FOOTER_TOP_PX = 14  # above the first line: a rule and some air
_ROOT = re.compile(r"<svg\b[^>]*>")
_SIZE = re.compile(r'\swidth="([\d.]+)"[^>]*?\sheight="([\d.]+)"')


def with_footer(svg: str, lines: tuple[str, ...]) -> str:
    """The chart's SVG with ``lines`` of 12 px text under it, drawn as text (searchable, selectable, and read the
    same at any size): the drawing is made taller (its root's height and viewBox, its white background) and the
    lines are added at its end. (Nesting the drawing in another SVG made rasterising it three times slower.)"""
    if not lines:
        return svg
    root = _ROOT.match(svg)
    size = _SIZE.search(root.group(0)) if root else None
    background = f'<rect width="{size.group(1)}" height="{size.group(2)}" fill="white"/>' if size else ""
    if root is None or size is None or not svg.startswith(background, root.end()) or not svg.endswith("</svg>"):
        raise ValueError("the chart's SVG is not as vl-convert draws it (a sized root with a white background)")
    width, height = float(size.group(1)), float(size.group(2))
    total = height + FOOTER_TOP_PX + len(lines) * FOOTER_LINE_PX
    head = root.group(0).replace(f'height="{size.group(2)}"', f'height="{total:g}"', 1)
    head = head.replace(f'viewBox="0 0 {size.group(1)} {size.group(2)}"', f'viewBox="0 0 {width:g} {total:g}"', 1)
    texts = "".join(
        f'<text x="5" y="{height + FOOTER_TOP_PX + (index + 1) * FOOTER_LINE_PX - 4:g}" font-size="12px">'
        f"{escape(line)}</text>"
        for index, line in enumerate(lines)
    )
    credits = (
        f'<g class="credits" font-family="{FONT}" fill="#222">'
        f'<line x1="5" x2="{width - 5:g}" y1="{height + 6:g}" y2="{height + 6:g}" stroke="#999" stroke-width="1"/>'
        f"{texts}</g>"
    )
    rest = svg[root.end() + len(background) : -len("</svg>")]
    return f'{head}<rect width="{width:g}" height="{total:g}" fill="white"/>{rest}{credits}</svg>'


class Pending(Protocol[ResultCo]):
    def get(self) -> ResultCo: ...


class JobFailed(Exception):
    """A chart or map could not be drawn: its job raised, its worker process died, or it ran out of time.
    ``label`` names what was being drawn (the chart's files, or the map's title)."""

    def __init__(self, label: str, reason: str) -> None:
        super().__init__(f"{label}: {reason}")
        self.label = label
        self.reason = reason


def label_of(argument: object) -> str:
    """What a job draws, for a problem line: a ChartJob's label, or a map drawing's title."""
    label = getattr(argument, "label", "")
    if isinstance(label, str) and label:
        return label
    first = argument[0] if isinstance(argument, tuple) and argument else argument
    title = getattr(first, "title", "")
    return f'the map "{title}"' if isinstance(title, str) and title else "a chart"


class _Deferred(Generic[Argument, Result]):
    """A job run in this process, when its result is first asked for."""

    def __init__(self, function: Callable[[Argument], Result], argument: Argument, label: str) -> None:
        self._function, self._argument, self._label = function, argument, label
        self._result: tuple[Result] | None = None

    def get(self) -> Result:
        if self._result is None:
            try:
                self._result = (self._function(self._argument),)
            except Exception as error:
                raise JobFailed(self._label, _reason(error)) from error
        return self._result[0]


def _reason(error: BaseException) -> str:
    text = " ".join(str(error).split())
    return f"{type(error).__name__}: {text[:300]}"


@dataclass
class _Task:
    function: Callable[[Any], Any]
    argument: Any
    label: str
    done: threading.Event = field(default_factory=threading.Event)
    result: Any = None
    failure: str | None = None

    def finish(self, result: Any = None, failure: str | None = None) -> None:
        self.result, self.failure = result, failure
        self.done.set()


class _Handle(Generic[Result]):
    def __init__(self, task: _Task) -> None:
        self._task = task

    def get(self) -> Result:
        self._task.done.wait()
        if self._task.failure is not None:
            raise JobFailed(self._task.label, self._task.failure)
        result: Result = self._task.result
        return result


def _serve(connection: Connection, errors: str) -> None:
    """A worker process: warm up, then run each job sent until told to stop (``None``). What the
    process prints on its standard error (a Rust panic's backtrace) goes to the file ``errors``: the
    build prints one line for a failed job, not pages of backtrace."""
    with open(errors, "wb") as stream:
        os.dup2(stream.fileno(), 2)
    with contextlib.suppress(Exception):  # a job that needs what failed says so itself
        warm_up()
    connection.send(("ready", None))  # a job's time limit counts from here, not from the start-up
    while True:
        try:
            message = connection.recv()
        except EOFError:
            return
        if message is None:
            return
        function, argument = message
        try:
            reply: tuple[str, Any] = ("ok", function(argument))
        except Exception as error:  # reported as the job's failure
            reply = ("failed", _reason(error))
        connection.send(reply)


class _Worker:
    def __init__(self, context: Any) -> None:
        self.connection, child = multiprocessing.Pipe()
        handle, self.errors = tempfile.mkstemp(prefix="datasite-chart-worker-", suffix=".log")
        os.close(handle)
        self.process = context.Process(target=_serve, args=(child, self.errors), daemon=True)
        self.process.start()
        child.close()
        self.task: _Task | None = None
        self.ready = False  # warmed up: only then is it given jobs
        self.deadline = time.monotonic() + STARTUP_SECONDS  # to become ready, then to finish its job

    def last_words(self) -> str:
        """The first lines the process printed on its standard error (a panic's place and message), if any."""
        try:
            with open(self.errors, "rb") as stream:
                text = stream.read(4096).decode("utf-8", "replace")
        except OSError:
            return ""
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        return f": {' '.join(lines[:2])[:300]}" if lines else ""

    def stop(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        self.connection.close()
        with contextlib.suppress(OSError):
            os.unlink(self.errors)


STARTUP_SECONDS = 120.0  # to import altair and warm up vl-convert: about 1 s, much more on a loaded machine
STARTUP_ATTEMPTS = 3  # workers that die or hang while starting, in a row, before the jobs are failed


class ImageRenderer:
    """Runs chart and map jobs in ``processes`` worker processes, or in this process when it is 0.

    The workers start as soon as the renderer is made and warm up while the main process validates
    and then renders the pages, which need no image. Every result depends only on its job: pooled
    and serial output are identical. A job whose worker dies (vl-convert aborts on some inputs) or
    that runs longer than ``timeout`` seconds fails with ``JobFailed`` naming it; the worker is
    replaced and the other jobs go on. Nothing waits forever.
    """

    def __init__(self, processes: int, timeout: float = limits.CHART_SECONDS) -> None:
        self._timeout = timeout
        self._context = multiprocessing.get_context("spawn")
        self._queue: deque[_Task] = deque()
        self._lock = threading.Lock()
        self._closing = False
        self._workers: list[_Worker] = []
        self._thread: threading.Thread | None = None
        if processes > 0:
            self._wake_reader, self._wake_writer = multiprocessing.Pipe(duplex=False)
            self._workers = [_Worker(self._context) for _ in range(processes)]
            self._thread = threading.Thread(target=self._dispatch_safely, name="chart-dispatcher", daemon=True)
            self._thread.start()

    def submit(
        self,
        function: Callable[[Argument], Result],
        argument: Argument,
        label: str | None = None,
        *,
        first: bool = False,
    ) -> Pending[Result]:
        """``function(argument)`` in a worker (or here, when first asked for). The function must be
        importable by name and its argument picklable. A job submitted ``first`` is the next one a worker takes:
        a long job submitted late (the maps) then runs beside the short ones instead of after them all."""
        label = label or label_of(argument)
        if self._thread is None:
            return _Deferred(function, argument, label)
        task = _Task(function, argument, label)
        with self._lock:
            if first:
                self._queue.appendleft(task)
            else:
                self._queue.append(task)
        self._wake_writer.send_bytes(b"")
        return _Handle(task)

    def _dispatch_safely(self) -> None:
        try:
            self._dispatch()
        except BaseException as error:  # whatever happens, no get() waits forever
            with self._lock:
                waiting = [*self._queue, *(w.task for w in self._workers if w.task is not None)]
                self._queue.clear()
            for task in waiting:
                task.finish(failure=f"the chart workers stopped ({_reason(error)})")

    def _dispatch(self) -> None:
        failed_starts = 0
        while True:
            with self._lock:
                if self._closing:
                    return
                for worker in self._workers:
                    if worker.ready and worker.task is None and self._queue:
                        task = self._queue.popleft()
                        try:
                            worker.connection.send((task.function, task.argument))
                        except Exception as error:  # an argument that cannot be sent fails alone
                            task.finish(failure=f"it could not be sent to a worker ({_reason(error)})")
                            continue
                        worker.task, worker.deadline = task, time.monotonic() + self._timeout
            # Workers still starting are watched too: one that dies or hangs while it starts is replaced.
            watched = [w for w in self._workers if w.task is not None or not w.ready]
            now = time.monotonic()
            wait_for = max(0.0, min((w.deadline for w in watched), default=now + 60) - now)
            objects: list[Any] = [self._wake_reader]
            for worker in watched:
                objects += [worker.connection, worker.process.sentinel]
            ready = set(wait(objects, timeout=wait_for))
            if self._wake_reader in ready:
                while self._wake_reader.poll():
                    self._wake_reader.recv_bytes()
            for index, worker in enumerate(self._workers):
                if worker.task is None and worker.ready:
                    continue
                if worker.connection in ready:
                    try:
                        status, payload = worker.connection.recv()
                    except (EOFError, OSError):
                        status, payload = "died", None
                    if status == "ready":
                        worker.ready, failed_starts = True, 0
                        continue
                    if status != "died" and worker.task is not None:
                        task, worker.task = worker.task, None
                        task.finish(payload if status == "ok" else None, None if status == "ok" else payload)
                        continue
                if worker.connection in ready or worker.process.sentinel in ready:
                    worker.process.join(5)
                    reason = f"the worker process drawing it stopped (exit code {worker.process.exitcode}"
                    reason += f"{worker.last_words()})"
                elif time.monotonic() >= worker.deadline and worker.task is None:
                    reason = f"it did not start within {STARTUP_SECONDS:g} s"
                elif time.monotonic() >= worker.deadline:
                    reason = f"drawing it took longer than {self._timeout:g} s"
                else:
                    continue
                if worker.task is not None:
                    worker.task.finish(failure=reason)
                else:
                    failed_starts += 1
                    if failed_starts >= STARTUP_ATTEMPTS:
                        self._fail_waiting(
                            f"no chart worker could start ({STARTUP_ATTEMPTS} tries; the last: {reason})"
                        )
                worker.stop()
                self._workers[index] = _Worker(self._context)  # the other jobs go on

    def _fail_waiting(self, reason: str) -> None:
        with self._lock:
            waiting = list(self._queue)
            self._queue.clear()
        for task in waiting:
            task.finish(failure=reason)

    def __enter__(self) -> ImageRenderer:
        return self

    def __exit__(self, *exception: object) -> None:
        # Every result the build needs has been collected by now (or the build failed): the workers are
        # stopped rather than left to finish their warm-up or to tear their engines down.
        if self._thread is None:
            return
        with self._lock:
            self._closing = True
        self._wake_writer.send_bytes(b"")
        self._thread.join(10)
        for worker in self._workers:
            worker.stop()
        for task in self._queue:
            task.finish(failure="the build stopped before it was drawn")
