"""The limits that keep a build's time and memory bounded, whatever the input (docs/datapackage-conventions.md).

Each is far above what a real table needs (the largest in ``datapackages/`` is given beside it), and
going over one is a problem line naming the file, row and field, never a hang: charts are drawn by
vl-convert, whose time grows with the text and rows it lays out, and every cell ends up in pages.
"""

from __future__ import annotations

MAX_CELL_CHARS = 2_000  # characters in one CSV cell (largest real cell: 318, a note)
MAX_LABEL_CHARS = 100  # characters of a text a chart draws: category, title, unit (largest real: 48)
MAX_CHART_ROWS = 2_000  # rows of a table that declares a chart (largest real: 48)
MAX_DESCRIPTOR_BYTES = 1_000_000  # bytes of one datapackage.json (largest real: 53 kB)
MAX_DESCRIPTOR_DEPTH = 32  # levels of nested objects and lists in a descriptor (deepest real: 8)
MAX_NAME_CHARS = 100  # characters of a name that becomes part of a file name (package, resource, chart, id)
PAGE_BUDGET_BYTES = 100 * 1024  # an HTML page over this is slow on phones: a warning
MAX_PAGE_BYTES = 1024 * 1024  # an HTML page over this is an error
MAX_PROBLEMS_PER_TABLE = 1_000  # problems listed per table; the rest are counted (up to MAX_PROBLEMS_COUNTED)
MAX_PROBLEMS_COUNTED = 100_000
PATTERN_SECONDS = 0.1  # time one schema "pattern" may take on one cell
CHART_SECONDS = 120.0  # time one chart or map may take to draw, in a worker process

# JavaScript numbers (Vega-Lite charts) and spreadsheets keep integers exact only up to 2^53 - 1.
MAX_SAFE_INTEGER = 2**53 - 1
