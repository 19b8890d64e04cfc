"""The GitHub Pages workflow: tests every pull request, and publishes main only after tests and a strict build."""

from __future__ import annotations

from typing import Any

import yaml  # type: ignore[import-untyped]  # PyYAML (a frictionless dependency) ships no stubs

from tests.conftest import ROOT

WORKFLOW = ROOT / ".github" / "workflows" / "pages.yml"


def load() -> dict[str, Any]:
    workflow: dict[Any, Any] = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    # YAML 1.1 reads the key `on` as the boolean true.
    workflow["on"] = workflow.pop(True, workflow.get("on"))
    return workflow


def steps(job: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = job["steps"]
    return found


def index_of(job: dict[str, Any], *, uses: str | None = None, run: str | None = None) -> int:
    for index, step in enumerate(steps(job)):
        if uses is not None and str(step.get("uses", "")).split("@")[0] == uses:
            return index
        if run is not None and run in str(step.get("run", "")):
            return index
    raise AssertionError(f"no step with uses={uses} run={run}")


def test_triggers_are_pull_requests_and_pushes_to_main() -> None:
    triggers = load()["on"]
    assert set(triggers) == {"pull_request", "push"}
    assert triggers["push"] == {"branches": ["main"]}


def test_build_job_runs_make_test_then_the_strict_build_and_uploads_site() -> None:
    workflow = load()
    build = workflow["jobs"]["build"]
    assert str(build["runs-on"]).startswith("ubuntu")
    test = index_of(build, run="make test")
    assert steps(build)[test]["run"].strip() == "make test" and "if" not in steps(build)[test]  # also on PRs
    built = index_of(build, run="build.py --strict")
    assert ".venv/bin/python build.py --strict" in steps(build)[built]["run"]
    upload = index_of(build, uses="actions/upload-pages-artifact")
    assert steps(build)[upload]["with"]["path"] == "site"
    assert index_of(build, uses="actions/checkout") < test < built < upload
    for step in (built, upload):  # pull requests are tested, never built for publishing
        assert steps(build)[step]["if"] == "github.event_name == 'push'"
    # Least privilege: the job that runs the repository's code cannot publish.
    assert workflow["permissions"] == {"contents": "read"} and "permissions" not in build


def test_make_test_can_install_debian_chromium_as_root() -> None:
    """scripts/system-deps.sh installs Debian's chromium with apt-get as root; Ubuntu's is a snap."""
    container = load()["jobs"]["build"]["container"]
    assert container["image"].endswith("-bookworm") and "--shm-size" in container["options"]


def test_deploy_job_needs_the_build_and_has_the_pages_permissions() -> None:
    jobs = load()["jobs"]
    assert set(jobs) == {"build", "deploy"}
    deploy = jobs["deploy"]
    needs = deploy["needs"]
    assert (needs if isinstance(needs, list) else [needs]) == ["build"]
    assert deploy["if"] == "github.event_name == 'push' && github.ref == 'refs/heads/main'"
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages"
    assert deploy["environment"]["url"] == "${{ steps.deployment.outputs.page_url }}"
    assert deploy["concurrency"] == {"group": "pages", "cancel-in-progress": False}
    configure = index_of(deploy, uses="actions/configure-pages")
    deployed = index_of(deploy, uses="actions/deploy-pages")
    assert configure < deployed and steps(deploy)[deployed]["id"] == "deployment"


def test_runs_are_grouped_and_only_pull_requests_cancel_older_runs() -> None:
    concurrency = load()["concurrency"]
    assert "github.ref" in concurrency["group"]
    assert concurrency["cancel-in-progress"] == "${{ github.event_name == 'pull_request' }}"


def test_official_actions_are_pinned_to_a_major_version() -> None:
    jobs = load()["jobs"]
    used = [str(step["uses"]) for job in jobs.values() for step in steps(job) if "uses" in step]
    assert used and all(use.startswith("actions/") and "@v" in use for use in used)
