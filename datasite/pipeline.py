"""The build, top to bottom: gather and check everything first, then write once."""

from __future__ import annotations

import json
import multiprocessing
import os
import pickle
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from . import load, write
from .cache import Cache, code_fingerprint, digest
from .errors import BuildError, Problem, coded, errors_of

if TYPE_CHECKING:
    from . import charts, strings, validate
    from .chart_worker import ImageRenderer
    from .localgov import model as localgov_model
    from .policy import logic

# The later stages (frictionless, altair, jinja2, vl-convert) are imported inside build(), after the
# check for an unchanged site: a rebuild with nothing to do then costs only the start-up of Python.

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
    cache_dir: Path | None = None
    workers: int = 1
    content_dir: Path | None = None
    base_url: str | None = None
    config_path: Path | None = None  # the site's configuration; None: site.toml beside the data folder
    record_addresses: bool = False  # add the addresses published for the first time to the data's addresses.txt

    @property
    def config_file(self) -> Path:
        return self.config_path if self.config_path is not None else load.default_config(self.data_dir)


@dataclass
class BuildResult:
    packages: int = 0
    resources: int = 0
    pages: int = 0
    charts: int = 0
    files: int = 0
    warnings: list[Problem] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)
    up_to_date: bool = False
    review: dict[str, int] = field(default_factory=dict)
    addresses: int = 0  # published (addresses.counted)
    unrecorded: int = 0  # of them, not yet in the data's addresses.txt
    address_list: str = ""  # that list, as shown


VALIDATION_POOL_THRESHOLD = 24  # uncached packages needed before a process pool pays for itself


def build(options: BuildOptions) -> BuildResult:
    cache = Cache(options.cache_dir)
    try:
        return _build(options, cache)
    finally:
        cache.close()  # cache entries are written in the background


def protected_folders(options: BuildOptions) -> list[write.Guarded]:
    """The folders a build must never replace: its inputs (nor build inside them), the working
    directory, the repositories it runs in, the home folder and the cache."""
    protected = [write.Guarded("the data folder", options.data_dir, input=True)]
    if options.content_dir is not None:
        protected.append(write.Guarded("the content folder", options.content_dir, input=True))
    protected += [write.Guarded("a templates folder", folder, input=True) for folder in options.template_dirs]
    if options.cache_dir is not None:
        protected.append(write.Guarded("the cache folder", options.cache_dir))
    protected += [write.Guarded("the current folder", Path.cwd()), write.Guarded("the home folder", Path.home())]
    starts = sorted({Path.cwd().resolve(), options.data_dir.absolute().resolve(), BUILTIN_TEMPLATES.parent})
    for start in starts:
        repository = next((folder for folder in (start, *start.parents) if (folder / ".git").exists()), None)
        if repository is not None:
            protected.append(write.Guarded("a git repository", repository))
    return protected


def _build(options: BuildOptions, cache: Cache) -> BuildResult:
    result = BuildResult()
    clock = _Clock(result.seconds)
    if not options.check_only:  # before any work: a build that may not write should not start
        write.check_output_folder(options.out_dir, protected_folders(options))
    loaded = load.load(
        options.data_dir,
        list(options.template_dirs),
        max_file_bytes=options.max_file_bytes,
        content_dir=options.content_dir,
        config_path=options.config_file,
    )
    package_keys = [_package_key(package) for package in loaded.packages]
    inputs = _inputs_key(loaded, package_keys, options)
    # Recording the addresses needs the build's own list of what it publishes: a build that does it is never skipped.
    skippable = not options.check_only and not options.record_addresses
    if skippable and _still_published(cache, inputs, options.out_dir, result):
        clock.lap("load")
        return result
    clock.lap("load")
    from .chart_worker import ImageRenderer

    # Chart workers start now, so that their start-up (about 1 s each) overlaps validation. Only the
    # charts of new or changed packages can need drawing: the others' images are in the cache.
    changed = [p for p, key in zip(loaded.packages, package_keys, strict=True) if not cache.has("packages", key)]
    charts_to_draw = sum(_declared_charts(package) for package in changed)
    # Charts are always drawn in worker processes (one at least): vl-convert can abort the process it runs in.
    processes = 0 if options.check_only else min(max(1, options.workers), charts_to_draw)
    with ImageRenderer(processes) as renderer:
        return _build_stages(options, loaded, package_keys, inputs, cache, renderer, result, clock)


def _build_stages(
    options: BuildOptions,
    loaded: load.LoadedInput,
    package_keys: list[str],
    inputs: str,
    cache: Cache,
    renderer: ImageRenderer,
    result: BuildResult,
    clock: _Clock,
) -> BuildResult:
    from . import (
        addresses,
        captions,
        charts,
        config,
        content,
        localgov,
        model,
        ownership,
        render,
        standing,
        strings,
        validate,
    )
    from .chart_worker import JobFailed
    from .localgov import maps
    from .localgov import pages as localgov_pages
    from .policy import logic, review

    valid, problems = _validate(loaded.packages, package_keys, cache, options.workers)
    problems = coded(loaded.problems, "input") + problems
    clock.lap("validate")
    site_config, config_problems = config.parse(loaded.config, loaded.config_path) if loaded.config else (None, [])
    language = site_config.language if site_config is not None else "ja"
    words, word_problems = strings.parse(loaded.templates.get(strings.FILE_NAME), language)
    problems += coded(config_problems, "site-config") + coded(word_problems, "strings")
    if site_config is None or errors_of(config_problems + word_problems, strict=False):
        if site_config is not None:
            problems += coded(config.check_roles(site_config, loaded.packages), "site-config")
        raise BuildError(errors_of(problems, strict=options.strict))  # nothing can be modelled without them
    site = model.build_site(valid, site_config)
    tables = {(p.folder, r.descriptor["name"]): (r.display_path, r.row_numbers) for p in valid for r in p.resources}
    problems += coded(standing.check(site, tables), "standing")
    site, caption_problems = captions.resolve(site, {p.folder: p.display_path for p in valid}, words)
    problems += coded(caption_problems, "content")
    logic_models = [m for goal in site_config.goals if (m := logic.build_logic_model(site, goal, words)) is not None]
    local = localgov.gather(site, words)  # None: the site has no list of local governments
    problems += localgov_problems(local, tables)
    boundary_credits, credit_problems = maps.boundary_credits(*loaded.boundaries)
    if local is not None:  # its pages have maps: their boundaries' licence requires a credit
        problems += coded(credit_problems, "descriptor")
    problems += coded(validate.check_content_texts(loaded.content), "content")
    prose, content_problems = content.parse_content(loaded.content, site)
    problems += coded(content_problems, "content")
    pages = {page.slug for page in prose.pages if page.kind == "page"}
    problems += coded(config.check_data(site_config, loaded.packages, pages), "site-config")
    output_problems, sources = ownership.check(site, logic_models, prose, valid)
    problems += coded(output_problems, "output")
    for logic_model in logic_models:
        problems += review_problems(logic_model, valid)
    if logic_models:
        result.review = {s: sum(1 for m in logic_models for r in m.review if r.status == s) for s in review.STATUSES}
    fatal = errors_of(problems, strict=options.strict)
    if fatal:
        raise BuildError(fatal)
    result.warnings = [p for p in problems if p.severity == "warning"]
    result.packages = len(site.packages)
    result.resources = len(site.resources)
    clock.lap("model")
    if options.check_only:
        return result
    name = site_config.name
    progress = [chart for logic_model in logic_models for chart in _progress_charts(logic_model, name, words)]
    rendered, chart_files = charts.start_charts(site, progress, cache, renderer, name, words, options.base_url)
    map_files = maps.MapFiles(cache, renderer, loaded.topologies, boundary_credits, words, name, options.base_url)
    map_plan = localgov_pages.plan_maps(local, site, map_files, words) if local is not None else None
    map_files.start()  # every map is planned: drawn in a worker while the pages render
    result.charts = len(rendered) + len(progress)
    clock.lap("charts")
    outputs = render.render_site(
        site,
        rendered,
        loaded.templates,
        loaded.static,
        render.RenderOptions(
            built_on=_built_on(options.source_date_epoch),
            base_url=options.base_url,
            compiled_templates=render.CompiledTemplates(cache),
            page_cache=cache,
            strings=words,
            config_text=loaded.config or "",
        ),
        logic_models,
        prose,
        local,
        map_plan,
    )
    clock.lap("render")
    page_problems = coded(ownership.page_sizes(outputs, sources), "output")
    if errors_of(page_problems, strict=options.strict):
        raise BuildError(errors_of(page_problems, strict=options.strict))
    result.warnings += page_problems
    try:  # the images were made in the workers while the pages rendered
        outputs.update(chart_files.collect())
        outputs.update(map_files.collect())
    except JobFailed as failure:
        drawn = Problem(failure.label, None, None, f"could not be drawn: {failure.reason}", code="build")
        raise BuildError([drawn]) from failure
    declared = addresses.Declared(*loaded.address_list, *loaded.redirects)
    checked, address_problems = addresses.check(declared, outputs)
    if address_problems:
        raise BuildError(coded(address_problems, "address"))
    outputs.update(
        render.redirect_files(checked.redirects, outputs, loaded.templates, site_config.name, site_config.language)
    )
    result.addresses = len(addresses.counted(outputs))
    result.unrecorded, result.address_list = len(checked.unrecorded), declared.list_path
    clock.lap("images")
    result.pages = sum(1 for name in outputs if name.endswith(".html"))
    result.files = len(outputs)
    write.write_site(outputs, options.out_dir, protected_folders(options))
    if options.record_addresses:
        recorded = addresses.read_list(declared.list_text or "", declared.list_path)[0]
        write.record_address_list(options.data_dir / load.ADDRESS_LIST, addresses.list_text(recorded, outputs))
    clock.lap("write")
    cache.put("builds", inputs, _remember(result, load.tree_signature(options.out_dir)))
    return result


def _progress_charts(
    logic_model: logic.LogicModel, site_name: str, words: strings.Strings
) -> list[charts.ProgressChart]:
    """For each indicator with a target: its actual (baseline) value against the target line."""
    from . import charts

    credits = charts.credit_lines(logic_model.package, None, None, site_name, words=words)
    progress: list[charts.ProgressChart] = []
    for indicator in logic_model.indicators:
        if indicator.baseline_value is None or indicator.target_value is None:
            continue
        actual_name, target_name = words("charts.progress_actual"), words("charts.progress_target")
        actual = words("charts.progress_actual_at", date=indicator.baseline_date) if indicator.baseline_date else None
        target = (
            words("charts.progress_target_in", year=indicator.target_fiscal_year)
            if indicator.target_fiscal_year
            else None
        )
        progress.append(
            charts.ProgressChart(
                indicator.id,
                indicator.name,
                indicator.unit,
                actual or actual_name,
                indicator.baseline_value,
                target or target_name,
                indicator.target_value,
                actual_name,
                target_name,
                credits,
                logic_model.progress_folder,
            )
        )
    return progress


def localgov_problems(
    local: localgov_model.LocalGov | None, tables: dict[tuple[str, str], tuple[str, tuple[int, ...]]]
) -> list[Problem]:
    """Each row of the peer groups' source-figures table that cannot be read, at its line of the CSV."""
    problems: list[Problem] = []
    for found in local.problems if local is not None else ():
        path, row_numbers = tables[(found.package, found.resource)]
        line = row_numbers[found.index] if found.index < len(row_numbers) else None
        message = f"source figure {found.figure}: {found.message}"
        problems.append(Problem(path, line, found.field, message, code="source-figure"))
    return problems


def review_problems(logic_model: logic.LogicModel, valid: list[validate.ValidPackage]) -> list[Problem]:
    """Mechanical checklist findings are warnings (fatal with --strict) unless the package acknowledges them."""
    path = next(p.display_path for p in valid if p.folder == logic_model.package.name)
    return [
        Problem(path, None, None, f"review item {item.number}: {item.summary}", "warning", "review-finding")
        for item in logic_model.unacknowledged_findings()
    ]


def _validate(
    packages: list[load.RawPackage], keys: list[str], cache: Cache, workers: int
) -> tuple[list[validate.ValidPackage], list[Problem]]:
    """Each package is validated on its own, so its result can be cached by its content and
    computed in a worker process; cross-package rules run every time."""
    from . import rules, validate

    problems = coded(rules.check_unique_names(packages), "descriptor")
    results: dict[str, tuple[validate.ValidPackage | None, list[Problem]]] = {}
    for key in keys:
        cached = cache.get("packages", key)
        if cached is not None:
            results[key] = pickle.loads(cached)
    todo = [(key, package) for key, package in zip(keys, packages, strict=True) if key not in results]
    if workers > 1 and len(todo) >= VALIDATION_POOL_THRESHOLD:
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
            fresh = list(pool.map(validate.validate_package, [package for _, package in todo], chunksize=8))
    else:
        fresh = [validate.validate_package(package) for _, package in todo]
    for (key, _), outcome in zip(todo, fresh, strict=True):
        results[key] = outcome
        cache.put("packages", key, pickle.dumps(outcome, protocol=5))
    valid: list[validate.ValidPackage] = []
    for key in keys:
        package, found = results[key]
        problems.extend(found)
        if package is not None:
            valid.append(package)
    names = [str(p.descriptor.get("name", "")) for p in packages]
    problems.extend(coded(validate.check_foreign_keys(valid, names), "foreign-key"))
    return valid, problems


def _declared_charts(package: load.RawPackage) -> int:
    """How many charts the package's descriptor declares (0 for anything malformed: validation says why)."""
    resources = package.descriptor.get("resources")
    if not isinstance(resources, list):
        return 0
    declared = (resource.get("charts") for resource in resources if isinstance(resource, dict))
    return sum(len(charts) for charts in declared if isinstance(charts, list))


def _package_key(package: load.RawPackage) -> str:
    resources = [part for raw in package.resources for part in (raw.declared_path, raw.display_path, raw.data)]
    descriptor = json.dumps(package.descriptor, sort_keys=True, ensure_ascii=False)
    return digest("package", code_fingerprint(), package.display_path, descriptor, *resources)


def _inputs_key(loaded: load.LoadedInput, package_keys: list[str], options: BuildOptions) -> str:
    parts: list[bytes | str] = [code_fingerprint(), repr((options.source_date_epoch, options.base_url))]
    parts += [repr((options.strict, options.max_file_bytes, [str(p) for p in loaded.problems]))]
    parts += package_keys
    parts += [f"{name}\0{text}" for name, text in sorted(loaded.templates.items())]
    parts += [part for name, data in sorted(loaded.static.items()) for part in (name, data)]
    parts += [part for name, text in sorted(loaded.content.items()) for part in (name, text)]
    parts += [part for name, text in sorted(loaded.topologies.items()) for part in (name, text)]
    parts += [repr(loaded.boundaries)]
    parts += [loaded.config_path, loaded.config or ""]
    parts += [repr((loaded.address_list, loaded.redirects))]
    return digest("build", *parts)


def _still_published(cache: Cache, inputs: str, out_dir: Path, result: BuildResult) -> bool:
    """True when the same inputs were built before and the output is still exactly that build."""
    entry = cache.get("builds", inputs)
    if entry is None:
        return False
    remembered = json.loads(entry)
    if remembered["site"] != load.tree_signature(out_dir):
        return False
    for key in REMEMBERED:
        setattr(result, key, remembered[key])
    result.warnings = [Problem(**problem) for problem in remembered["warnings"]]
    result.up_to_date = True
    return True


REMEMBERED = ("packages", "resources", "pages", "charts", "files", "review", "addresses", "unrecorded", "address_list")


def _remember(result: BuildResult, site_digest: str) -> bytes:
    summary = {key: getattr(result, key) for key in REMEMBERED}
    summary["warnings"] = [asdict(problem) for problem in result.warnings]
    summary["site"] = site_digest
    return json.dumps(summary, sort_keys=True, ensure_ascii=False).encode("utf-8")


def default_workers() -> int:
    return max(1, min(2, os.cpu_count() or 1))


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
