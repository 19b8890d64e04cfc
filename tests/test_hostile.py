"""Hostile input: random descriptors and CSV bytes, killed builds, builds started at once."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from datasite import load, validate
from datasite.errors import Problem
from tests.conftest import GOLDEN_DATA, MINIMAL_CONFIG, ROOT, copy_golden, tree_digest

GOLDEN_DESCRIPTOR = json.loads((GOLDEN_DATA / "sample-consultations" / "datapackage.json").read_text("utf-8"))
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=20,
)


def load_and_validate(root: Path) -> list[Problem]:
    loaded = load.load(root, [], config_path=MINIMAL_CONFIG)
    _, problems = validate.validate(loaded.packages)
    return loaded.problems + problems


def write_package(root: Path, descriptor: Any, csv: bytes) -> None:
    folder = root / "p"
    shutil.rmtree(folder, ignore_errors=True)
    (folder / "data").mkdir(parents=True)
    (folder / "data" / "consultations.csv").write_bytes(csv)
    (folder / "data" / "shares.csv").write_bytes(csv)
    text = descriptor if isinstance(descriptor, str) else json.dumps(descriptor, ensure_ascii=False)
    (folder / "datapackage.json").write_text(text, encoding="utf-8")


SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@SETTINGS
@given(descriptor=json_values)
def test_random_descriptors_only_give_problems(tmp_path: Path, descriptor: Any) -> None:
    write_package(tmp_path, descriptor, b"a,b\n1,2\n")
    problems = load_and_validate(tmp_path)
    assert problems and all(p.path.endswith(("datapackage.json", ".csv", "p")) for p in problems)


@SETTINGS
@given(
    resources=st.lists(
        st.dictionaries(
            st.sampled_from(["name", "path", "schema", "checks", "charts", "encoding", "dialect", "title"]), json_values
        ),
        max_size=3,
    )
)
def test_random_resource_entries_only_give_problems(tmp_path: Path, resources: list[dict[str, Any]]) -> None:
    descriptor = {**GOLDEN_DESCRIPTOR, "name": "p", "resources": resources}
    write_package(tmp_path, descriptor, b"a,b\n1,2\n")
    for problem in load_and_validate(tmp_path):
        assert isinstance(problem, Problem) and problem.path


@SETTINGS
@given(csv=st.binary(max_size=300) | st.text(max_size=200).map(lambda t: t.encode("utf-8")))
def test_random_csv_bytes_only_give_problems_naming_the_file(tmp_path: Path, csv: bytes) -> None:
    descriptor = {**GOLDEN_DESCRIPTOR, "name": "p"}
    write_package(tmp_path, descriptor, csv)
    problems = load_and_validate(tmp_path)
    assert problems, "random bytes cannot satisfy the golden schema"
    assert all(isinstance(p, Problem) and "/p/" in p.path for p in problems)


def _build_command(data: Path, out: Path) -> list[str]:
    return [sys.executable, str(ROOT / "build.py"), "--data", str(data), "--out", str(out), "--no-cache"]


@pytest.mark.slow
def test_sigkill_at_any_point_leaves_the_previous_site(tmp_path: Path) -> None:
    out = tmp_path / "site"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    subprocess.run(_build_command(GOLDEN_DATA, out), env=env, check=True, capture_output=True)
    before = tree_digest(out)
    data = copy_golden(tmp_path / "golden")
    csv = data / "sample-consultations" / "data" / "consultations.csv"
    csv.write_text(csv.read_text(encoding="utf-8").replace("電話,100", "電話,101").replace("計,150", "計,151"), "utf-8")
    started = time.monotonic()
    subprocess.run(_build_command(data, tmp_path / "probe"), env=env, check=True, capture_output=True)
    duration = time.monotonic() - started
    for fraction in (0.1, 0.3, 0.5, 0.7, 0.85, 0.95):
        process = subprocess.Popen(
            _build_command(data, out),
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        time.sleep(duration * fraction)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        after = tree_digest(out)
        # Either the kill came first (old site intact) or the swap had completed (new site whole).
        assert after in (before, tree_digest(tmp_path / "probe")), fraction
        if after != before:
            break
    subprocess.run(_build_command(data, out), env=env, check=True, capture_output=True)
    assert tree_digest(out) == tree_digest(tmp_path / "probe")
    assert [p.name for p in tmp_path.iterdir() if ".new-" in p.name or ".old-" in p.name] == []


@pytest.mark.slow
def test_two_builds_at_once_never_corrupt_the_site(tmp_path: Path) -> None:
    out = tmp_path / "site"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    processes = [
        subprocess.Popen(
            _build_command(GOLDEN_DATA, out), env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    results = [(p.wait(), p.stderr.read() if p.stderr else "") for p in processes]
    for code, err in results:
        assert code == 0 or (code == 1 and "another build is writing" in err), err
    assert any(code == 0 for code, _ in results)
    reference = tmp_path / "reference"
    subprocess.run(_build_command(GOLDEN_DATA, reference), env=env, check=True, capture_output=True)
    assert tree_digest(out) == tree_digest(reference)
    for process in processes:
        for stream in (process.stdout, process.stderr):
            if stream:
                stream.close()
