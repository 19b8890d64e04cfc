#!/usr/bin/env python3
"""Would shipping Vega specs precompiled from Vega-Lite make the interactive charts faster?

    .venv/bin/python bench/precompiled.py [SITE]      # SITE: a built site (default: site/)

In Debian's Chromium (headless), on one chart page of SITE, it times ``vegaEmbed`` drawing each of
the page's charts from its Vega-Lite spec and from the same spec compiled to Vega beforehand
(``vl_convert.vegalite_to_vega``), several rounds each, and prints the medians. It also prints the
bytes of the vendored bundle against a bundle holding Vega alone, which lacks the expression
interpreter that the site's Content-Security-Policy (no 'unsafe-eval') needs. Nothing is asserted.
"""

from __future__ import annotations

import functools
import gzip
import json
import statistics
import sys
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROUNDS = 15
CHROMIUM = "/usr/bin/chromium"
MEASURE = """
async ([specs, rounds]) => {
  const times = {vl: [], vg: []};
  for (let round = 0; round < rounds; round += 1) {
    for (const kind of ["vl", "vg"]) {
      for (const spec of specs[kind]) {
        const target = document.createElement("div");
        document.body.appendChild(target);
        const start = performance.now();
        const result = await window.vegaEmbed(target, spec, {renderer: "svg", actions: false, ast: true});
        times[kind].push(performance.now() - start);
        result.finalize();
        target.remove();
      }
    }
  }
  return times;
}
"""


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def main(argv: list[str]) -> int:
    import vl_convert
    from playwright.sync_api import sync_playwright

    site = Path(argv[1] if len(argv) > 1 else "site").resolve()
    bundle = (site / "assets" / "vendor" / "vega.js").read_bytes()
    vega_only = vl_convert.javascript_bundle("window.vega = vega;").encode("utf-8")
    print(f"bundle as shipped  {len(bundle) / 1024:8.1f} KB ({len(gzip.compress(bundle)) / 1024:.1f} KB gzip)")
    print(
        f"Vega alone         {len(vega_only) / 1024:8.1f} KB ({len(gzip.compress(vega_only)) / 1024:.1f} KB gzip)"
        f", interpreter included: {'expressionInterpreter' in vega_only.decode('utf-8')}"
    )
    page = "datasets/hikikomori-consultations/index.html"
    spec_files = sorted(site.glob("charts/hikikomori-consultations/*.vl.json"))
    specs_vl = [json.loads(p.read_text("utf-8")) for p in spec_files]
    specs_vg = [vl_convert.vegalite_to_vega(spec) for spec in specs_vl]
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
            tab = browser.new_page()
            tab.goto(f"http://127.0.0.1:{server.server_address[1]}/{page}")
            tab.wait_for_function("typeof window.vegaEmbed === 'function'")
            times = tab.evaluate(MEASURE, [{"vl": specs_vl, "vg": specs_vg}, ROUNDS])
            browser.close()
    finally:
        server.shutdown()
    vl, vg = statistics.median(times["vl"]), statistics.median(times["vg"])
    print(f"{len(specs_vl)} charts of {page}, {ROUNDS} rounds, median ms per chart drawn by vegaEmbed:")
    print(f"  from Vega-Lite     {vl:6.1f} ms")
    print(f"  from Vega          {vg:6.1f} ms  (saving {vl - vg:.1f} ms per chart)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
