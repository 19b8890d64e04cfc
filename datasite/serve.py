"""``build.py serve``: a local preview that rebuilds when the data, templates or content change.

One build at start, then the watched folders are polled (a snapshot of every file's mtime and size)
and the site is rebuilt whenever the snapshot changes. ``site/`` is served from 127.0.0.1 by the
standard library's HTTP server in a thread. While the last build failed, every page request is
answered with an error page listing the problems (the previous good site stays in ``site/``, and its
assets are still served), so the browser never shows stale pages as if they were current; the error
page reloads itself and turns back into the site as soon as a build succeeds. Its words are the template
``build_failed.html`` (a site's templates folder may replace it); when that template is what cannot be read,
the page says so in the CLI's words and lists the problems all the same.
"""

from __future__ import annotations

import io
import threading
import traceback
from collections.abc import Callable, Iterable, Sequence
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO
from urllib.parse import unquote, urlsplit

from jinja2 import Environment, StrictUndefined, TemplateError
from markupsafe import escape

from .pipeline import BUILTIN_TEMPLATES

HOST = "127.0.0.1"
RELOAD_SECONDS = 2
ERROR_TEMPLATE = "build_failed.html"

Build = Callable[[], Sequence[str]]  # runs one build; returns its problem lines, empty when it succeeded
Snapshot = dict[str, tuple[int, int]]


def snapshot(roots: Iterable[Path]) -> Snapshot:
    """Every file under ``roots`` (hidden files and folders skipped) with its mtime in ns and size."""
    found: Snapshot = {}
    for root in roots:
        paths = [root] if root.is_file() else sorted(root.rglob("*")) if root.is_dir() else []
        for path in paths:
            if any(part.startswith(".") for part in path.relative_to(root).parts):
                continue
            try:
                stat = path.stat()
            except OSError:  # removed while we looked
                continue
            if path.is_file():
                found[str(path)] = (stat.st_mtime_ns, stat.st_size)
    return found


def is_page(request_path: str) -> bool:
    """Whether a request asks for an HTML page (a folder, an .html file or an extension-less path)."""
    return PurePosixPath(unquote(urlsplit(request_path).path)).suffix in {"", ".html", ".htm"}


def error_page(problems: Sequence[str], site: str, template_dirs: Sequence[Path]) -> str:
    """The page shown for a failed build: ``build_failed.html`` of the last of ``template_dirs`` that has it (as
    the build takes templates: later folders override), or a plain one saying why it could not be used."""
    folders = [folder for folder in template_dirs if (folder / ERROR_TEMPLATE).is_file()]
    if not folders:
        return _plain_error_page(problems, site, f"{ERROR_TEMPLATE} not found in the templates folders")
    path = folders[-1] / ERROR_TEMPLATE
    environment = Environment(autoescape=True, undefined=StrictUndefined, keep_trailing_newline=True)
    try:
        template = environment.from_string(path.read_text(encoding="utf-8"))
        return template.render(problems=list(problems), site=site, reload_seconds=RELOAD_SECONDS)
    except (OSError, UnicodeDecodeError, TemplateError) as error:
        return _plain_error_page(problems, site, f"{path}: {type(error).__name__}: {error}")


def _plain_error_page(problems: Sequence[str], site: str, reason: str) -> str:
    """The failed build's page in the CLI's words (English, as its problem lines are), when the template of that
    page is missing or broken: the problems must show all the same."""
    items = "".join(f"<li><code>{escape(line)}</code></li>\n" for line in problems)
    return (
        f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="refresh" content="{RELOAD_SECONDS}">\n<title>Build failed</title>\n</head>\n<body>\n'
        f"<h1>The build failed</h1>\n<p>{len(problems)} problem(s). Fix them and save: the site is rebuilt and "
        f"this page turns back into it. The last good site is still in <code>{escape(site)}</code>, but it "
        f"is out of date, so it is not shown.</p>\n<p>This page is plain because its template could not be used: "
        f"<code>{escape(reason)}</code></p>\n<ol>\n{items}</ol>\n</body>\n</html>\n"
    )


class _Handler(SimpleHTTPRequestHandler):
    def __init__(self, *args: Any, preview: Preview, **kwargs: Any) -> None:
        self.preview = preview  # set before the base class handles the request
        super().__init__(*args, **kwargs)

    def send_head(self) -> io.BytesIO | BinaryIO | None:
        page = self.preview.error_page  # one read: set together with the problems it lists
        if page and is_page(self.path):
            body = page.encode("utf-8")
            self.send_response(HTTPStatus.SERVICE_UNAVAILABLE)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            return io.BytesIO(body)
        return super().send_head()

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")  # a rebuilt page must never come from the browser cache
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the terminal is for build results


class Preview:
    """Build once, serve ``site`` on 127.0.0.1, rebuild when ``watch`` changes. ``port`` 0 picks a free port.
    ``template_dirs``: the build's templates folders, where the page of a failed build is (error_page)."""

    def __init__(
        self,
        build: Build,
        site: Path,
        watch: Sequence[Path],
        *,
        port: int = 8000,
        interval: float = 1.0,
        report: Callable[[str], None] = print,
        template_dirs: Sequence[Path] = (BUILTIN_TEMPLATES,),
    ) -> None:
        self.build = build
        self.site = site
        self.watch = tuple(watch)
        self.port = port
        self.interval = interval
        self.report = report
        self.template_dirs = tuple(template_dirs)
        self.problems: tuple[str, ...] = ()
        self.error_page = ""  # the page of the last build's problems, while it failed
        self.builds = 0  # completed builds, successful or not
        self._changed = threading.Condition()
        self._stop = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._threads: list[threading.Thread] = []

    @property
    def url(self) -> str:
        port = self._server.server_address[1] if self._server else self.port
        return f"http://{HOST}:{port}/"

    def start(self) -> str:
        """Bind (OSError if the port is taken), build once, then serve and watch in threads; returns the URL."""
        handler = partial(_Handler, directory=str(self.site.absolute()), preview=self)
        self._server = ThreadingHTTPServer((HOST, self.port), handler)
        self._server.daemon_threads = True
        last = snapshot(self.watch)
        self.rebuild()
        self._threads = [
            threading.Thread(target=self._server.serve_forever, name="preview-http", daemon=True),
            threading.Thread(target=self._watch, args=(last,), name="preview-watch", daemon=True),
        ]
        for thread in self._threads:
            thread.start()
        return self.url

    def rebuild(self) -> None:
        try:
            problems = tuple(self.build())
        except Exception as error:  # a bug must not end the preview; show it like any other problem
            self.report(traceback.format_exc().rstrip())
            problems = (f"build crashed: {type(error).__name__}: {error}",)
        page = error_page(problems, str(self.site), self.template_dirs) if problems else ""
        with self._changed:
            self.problems, self.error_page = problems, page
            self.builds += 1
            self._changed.notify_all()
        if problems:
            for line in problems:
                self.report(line)
            self.report(f"build failed: {len(problems)} problem(s); {self.url} shows them until the next good build")
        else:
            self.report(f"site built: {self.url}")

    def wait_for_build(self, count: int, timeout: float) -> bool:
        """Wait until at least ``count`` builds have completed; False on timeout."""
        with self._changed:
            return self._changed.wait_for(lambda: self.builds >= count, timeout)

    def serve_until_interrupted(self) -> None:
        self.report(f"serving {self.site} at {self.url} — watching {', '.join(map(str, self.watch))}")
        self.report("press Ctrl+C to stop")
        try:
            while not self._stop.wait(0.5):
                pass
        except KeyboardInterrupt:
            self.report("stopped")
        finally:
            self.stop()

    def stop(self) -> None:
        self._stop.set()
        if self._server is not None:
            if any(t.is_alive() for t in self._threads):
                self._server.shutdown()
            self._server.server_close()
        for thread in self._threads:
            thread.join(timeout=30)

    def _watch(self, last: Snapshot) -> None:
        while not self._stop.wait(self.interval):
            try:
                current = snapshot(self.watch)
            except OSError:  # a folder vanished mid-walk: look again next time
                continue
            if current != last:
                last = current
                self.rebuild()
