"""Stage 4: Vega-Lite specs from chart declarations (altair), and their static SVG/PNG (vl-convert).

Specs carry their data inline (``data.url`` fails silently over file://) and a Japanese
``description``, which Vega uses as the chart's ARIA label. altair's schema validation is skipped
while building (it was a fifth of a chart's cost); tests/test_charts.py validates every published
spec against the Vega-Lite schema instead. Expressions are avoided so that the
browser can render under a strict Content-Security-Policy.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .cache import Cache, code_fingerprint, digest
from .chart_worker import ChartJob, ChartResult, ImageRenderer, Pending, run_job
from .model import Chart, Resource, Site

FONT = "Hiragino Sans, Hiragino Kaku Gothic ProN, Meiryo, Yu Gothic, IPAexGothic, Noto Sans CJK JP, sans-serif"
# Okabe–Ito: distinguishable with the common colour-vision deficiencies.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000", "#F0E442"]
WIDTH = 560
HEIGHT = 300
BAR_STEP = 18
LONG_LABEL = 8
LABEL_LIMIT = 320


@dataclass(frozen=True)
class RenderedChart:
    """A declared chart as pages refer to it. Its files (spec, SVG, PNG) are made by ChartFiles."""

    package: str
    resource: str
    chart: Chart

    @property
    def slug(self) -> str:
        return f"{self.resource}-{self.chart.name}"


@dataclass(frozen=True)
class ProgressChart:
    """An indicator's actual value against its target, drawn on the indicator's page."""

    indicator: str
    title: str
    unit: str
    actual_label: str
    actual: float
    target_label: str
    target: float

    @property
    def path(self) -> str:
        return f"charts/indicators/{self.indicator}-progress"


@dataclass(frozen=True)
class _Planned:
    path: str  # the files' path without the extension
    title: str
    description: str
    with_png: bool
    spec_key: str
    spec_cached: bool
    drawn: bool  # the images are new: the cache gets them
    result: Pending[ChartResult]


class _Ready:
    """A result already at hand (taken from the cache)."""

    def __init__(self, result: ChartResult) -> None:
        self._result = result

    def get(self) -> ChartResult:
        return self._result


class ChartFiles:
    """Chart files being made in worker processes while the pages render; ``collect`` waits for them."""

    def __init__(self, cache: Cache, planned: list[_Planned]) -> None:
        self._cache = cache
        self._planned = planned

    def collect(self) -> dict[str, bytes]:
        files: dict[str, bytes] = {}
        for item in self._planned:
            text, svg, png = item.result.get()
            if not item.spec_cached:
                self._cache.put("specs", item.spec_key, text.encode("utf-8"))
            if item.drawn:
                key = _images_key(text)
                self._cache.put("charts", key + ".svg", svg.encode("utf-8"))
                self._cache.put("charts", key + ".png", png)
            files[f"{item.path}.svg"] = _label_svg(svg, item.title, item.description).encode("utf-8")
            if item.with_png:
                files[f"{item.path}.png"] = png
            files[f"{item.path}.vl.json"] = text.encode("utf-8")
        return files


def start_charts(
    site: Site, progress: list[ProgressChart], cache: Cache, renderer: ImageRenderer
) -> tuple[list[RenderedChart], ChartFiles]:
    """Every declared chart, for the pages, and its files, from the cache or started in the workers."""
    refs: list[RenderedChart] = []
    planned: list[_Planned] = []
    for resource in site.resources:
        for chart in resource.charts:
            ref = RenderedChart(resource.package, resource.name, chart)
            refs.append(ref)
            job = ChartJob(None, "chart_spec", (resource, chart), label=f"charts/{ref.package}/{ref.slug}")
            key = digest(
                "chart-spec",
                code_fingerprint(),
                resource.package,
                resource.name,
                resource.text,
                repr(resource.fields),
                repr(chart),
            )
            path = f"charts/{ref.package}/{ref.slug}"
            planned.append(_plan(path, chart.title, chart.description, key, job, cache, renderer))
    for item in progress:
        arguments = (item.title, item.unit, item.actual_label, item.actual, item.target_label, item.target)
        job = ChartJob(None, "progress_spec", arguments, with_png=False, label=item.path)
        key = digest("progress-spec", code_fingerprint(), repr(arguments))
        description = f"{item.actual_label}と{item.target_label}"
        planned.append(_plan(item.path, item.title, description, key, job, cache, renderer))
    return refs, ChartFiles(cache, planned)


def _plan(
    path: str, title: str, description: str, spec_key: str, job: ChartJob, cache: Cache, renderer: ImageRenderer
) -> _Planned:
    def planned(spec_cached: bool, drawn: bool, result: Pending[ChartResult]) -> _Planned:
        return _Planned(path, title, description, job.with_png, spec_key, spec_cached, drawn, result)

    spec = cache.get("specs", spec_key)
    if spec is None:  # the worker builds the spec too (altair is slow to import and to build specs)
        return planned(False, True, renderer.submit(run_job, job))
    text = spec.decode("utf-8")
    images_key = _images_key(text)
    svg, png = cache.get("charts", images_key + ".svg"), cache.get("charts", images_key + ".png")
    if svg is not None and png is not None:
        return planned(True, False, _Ready((text, svg.decode("utf-8"), png)))
    return planned(True, True, renderer.submit(run_job, ChartJob(text, job.builder, (), job.with_png, job.label)))


def _images_key(spec_text: str) -> str:
    return digest("chart-images", code_fingerprint(), spec_text)


def progress_spec(
    title: str, unit: str, actual_label: str, actual: float, target_label: str, target: float
) -> dict[str, Any]:
    """A bar for the actual value and a rule for the target: how far an indicator is from its target."""
    import altair as alt

    values = [{"label": actual_label, "value": actual}]
    bar = alt.Chart(alt.Data(values=values)).mark_bar(color=PALETTE[0], size=36)  # type: ignore[no-untyped-call]
    encode = {
        "y": alt.Y("label:N", title=None),
        "x": alt.X("value:Q", title=f"{title}（{unit}）", scale=alt.Scale(domain=[0, max(actual, target) * 1.1])),
    }
    rule_data = alt.Data(values=[{"target": target, "label": target_label}])  # type: ignore[no-untyped-call]
    rule = alt.Chart(rule_data).mark_rule(color=PALETTE[5], strokeWidth=3, strokeDash=[6, 3])
    text = alt.Chart(rule_data).mark_text(color=PALETTE[5], align="left", dx=4, dy=-28, fontSize=12)
    layered = (
        alt.layer(
            bar.encode(**encode, tooltip=[alt.Tooltip("value:Q", title=actual_label, format=",")]),
            rule.encode(x="target:Q"),
            text.encode(x="target:Q", text="label:N"),
        )
        .properties(width=WIDTH - 120, height=70, title=title, description=f"{actual_label}と{target_label}")
        .configure(font=FONT)
        .configure_view(stroke=None)
    )
    spec: dict[str, Any] = layered.to_dict(validate=False)
    return spec


def chart_spec(resource: Resource, chart: Chart) -> dict[str, Any]:
    import altair as alt

    rows = [
        row
        for row in resource.rows
        if not any(str(row.get(k)) in {str(v) for v in values} for k, values in chart.exclude.items())
    ]
    data, x_name, x_order = _with_labels(rows, resource, chart.x)
    color_name, color_order = "", list[str]()
    if chart.color:
        data, color_name, color_order = _with_labels(data, resource, chart.color)
    y_field = resource.field(chart.y)
    y_title = f"{y_field.title}（{y_field.unit}）" if y_field.unit else y_field.title
    y_format = ",d" if y_field.type == "integer" else ",~f"
    x_title = resource.field(chart.x).title
    # Long category names are unreadable under vertical bars: lay those bars out horizontally.
    long_labels = max((len(label) for label in x_order), default=0) > LONG_LABEL
    horizontal = chart.type == "horizontal-bar" or (chart.type != "line" and long_labels)

    category: dict[str, Any] = {"shorthand": f"{x_name}:N", "title": x_title, "sort": x_order}
    value: dict[str, Any] = {"shorthand": f"{chart.y}:Q", "title": y_title, "axis": alt.Axis(format=y_format)}
    encodings: dict[str, Any] = {}
    if horizontal:
        encodings["y"] = alt.Y(**{**category, "title": None}, axis=alt.Axis(labelLimit=LABEL_LIMIT))
        encodings["x"] = alt.X(**value)
    else:
        encodings["x"] = alt.X(**category, axis=alt.Axis(labelAngle=0, labelLimit=160))
        encodings["y"] = alt.Y(**value)
    tooltip = [alt.Tooltip(f"{x_name}:N", title=x_title)]
    if color_name:
        color_title = resource.field(chart.color or "").title
        encodings["color"] = alt.Color(
            f"{color_name}:N",
            title=color_title,
            sort=color_order,
            scale=alt.Scale(domain=color_order, range=_palette(len(color_order))),
            legend=alt.Legend(
                orient="bottom",
                direction="horizontal",
                columns=1 if max(map(len, color_order), default=0) > LONG_LABEL else 3,
                labelLimit=WIDTH,
            ),
        )
        tooltip.append(alt.Tooltip(f"{color_name}:N", title=color_title))
        if chart.type in {"grouped-bar", "horizontal-bar"}:
            offset = alt.YOffset if horizontal else alt.XOffset
            encodings["yOffset" if horizontal else "xOffset"] = offset(f"{color_name}:N", sort=color_order)
        if chart.type == "stacked-bar":
            encodings["order"] = alt.Order("_color_rank:Q")
            data = [{**row, "_color_rank": color_order.index(row[color_name])} for row in data]
    tooltip.append(alt.Tooltip(f"{chart.y}:Q", title=y_title, format=y_format))
    encodings["tooltip"] = tooltip

    single_colour: dict[str, Any] = {} if color_name else {"color": PALETTE[0]}
    base = alt.Chart(alt.Data(values=data))  # type: ignore[no-untyped-call]
    mark = (
        base.mark_line(point=True, strokeWidth=2.5, **single_colour)
        if chart.type == "line"
        else base.mark_bar(**single_colour)
    )
    size: dict[str, Any] = {"width": WIDTH, "height": HEIGHT}
    if horizontal:
        bars_per_category = len(color_order) if "yOffset" in encodings else 1
        size = {"width": WIDTH - LABEL_LIMIT // 2, "height": len(x_order) * (BAR_STEP * bars_per_category + 8)}
    built = (
        mark.encode(**encodings)
        .properties(title=chart.title, description=chart.description, **size)
        .configure(font=FONT)
        .configure_axis(labelFontSize=12, titleFontSize=12, labelColor="#222", titleColor="#222")
        .configure_legend(labelFontSize=12, titleFontSize=12)
        .configure_title(fontSize=15, anchor="start", color="#111")
        .configure_view(stroke=None)
    )
    spec: dict[str, Any] = built.to_dict(validate=False)
    return spec


def _palette(count: int) -> list[str]:
    return [PALETTE[i % len(PALETTE)] for i in range(count)]


def _with_labels(
    rows: list[dict[str, Any]], resource: Resource, name: str
) -> tuple[list[dict[str, Any]], str, list[str]]:
    """Years become readable labels (2023年度) and every category keeps the CSV's order."""
    field = resource.field(name)
    suffix = {"fiscal_year": "年度", "year": "年"}.get(name)
    label = f"{name}_label"
    out: list[dict[str, Any]] = []
    order: list[str] = []
    for row in rows:
        value = row.get(name)
        text = "" if value is None else (f"{value}{suffix}" if suffix else str(value))
        if text not in order:
            order.append(text)
        out.append({**row, label: text})
    if field.type in {"integer", "number"}:
        order = sorted(order, key=lambda t: float(t.removesuffix(suffix or "")) if t else 0.0)
    return [{k: _json_value(v) for k, v in row.items()} for row in out], label, order


def _json_value(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def _label_svg(svg: str, title: str, description: str) -> str:
    """Give the standalone SVG a role and a Japanese accessible name."""
    from html import escape

    head, sep, rest = svg.partition(">")
    element = f"<title>{escape(title)}: {escape(description)}</title>"
    return f'{head} role="img" aria-label="{escape(title, quote=True)}"{sep}{element}{rest}'
