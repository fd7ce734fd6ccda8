"""What produced a run's outputs: the provenance every appendix shows, and ``reports/manifest.json``."""

from __future__ import annotations

import json
from pathlib import Path

from ejournal_lib.common.formatting import fmt_setting
from ejournal_lib.common.project import DEFAULT_SCENARIO
from ejournal_lib.common.yaml_io import read_yaml
from ejournal_lib.pipeline.paths import ProjectPaths
from ejournal_lib.pipeline.provenance import (
    environment_versions,
    git_state,
    input_status,
    scenario_input_hashes,
    sha256_file,
    utc_now,
)
from ejournal_lib.scenario import Scenario
from ejournal_lib.scenario.overrides import differences

__all__ = ["base_provenance", "all_input_hashes", "write_manifest", "previous_notebook_entries"]


def all_input_hashes(paths: ProjectPaths, scenario: Scenario) -> dict[str, str]:
    """sha256 of every file the scenario names (wherever it lies) and of the scenario files it rests on."""
    return dict(sorted({**scenario_input_hashes(scenario), **scenario_file_hashes(paths, scenario)}.items()))


def scenario_file_hashes(paths: ProjectPaths, scenario: Scenario) -> dict[str, str]:
    """sha256 of the scenario file and of the default scenario (page 1 lists the differences from it): other
    scenario files in ``config/`` are no input of this run, so adding or editing one re-runs nothing here."""
    files = {(paths.root / DEFAULT_SCENARIO).resolve()} | ({scenario.path.resolve()} if scenario.path else set())
    return {scenario.relative(f): sha256_file(f) for f in sorted(files) if f.is_file()}


def base_provenance(
    paths: ProjectPaths, scenario: Scenario, inputs: dict[str, str] | None = None, started: str | None = None
) -> dict:
    """The provenance shared by every output of a run: git state, versions, scenario, input hashes and
    their state in version control, time."""
    inputs = inputs if inputs is not None else all_input_hashes(paths, scenario)
    return {
        "differences": default_differences(paths, scenario),
        "git": git_state(paths.root),
        "versions": environment_versions(),
        "scenario_name": scenario.name,
        "scenario_path": scenario.relative(scenario.file),
        "scenario_sha256": scenario.sha256,
        "inputs": inputs,
        "input_status": input_status(paths.root, list(inputs)),
        "started_utc": started or utc_now(),
    }


def default_differences(paths: ProjectPaths, scenario: Scenario) -> list[list]:
    """What the scenario file sets differently from the default scenario, as [path, default, this] (empty for
    the default itself); values as text."""
    default = (paths.root / DEFAULT_SCENARIO).resolve()
    if not default.is_file() or scenario.path is None or scenario.path.resolve() == default:
        return []
    diff = differences(read_yaml(default, "default scenario"), read_yaml(scenario.path, "scenario"))
    return [[path, fmt_setting(a), fmt_setting(b)] for path, a, b in diff]


def write_manifest(paths: ProjectPaths, prov: dict, notebooks: dict) -> Path:
    """Write ``reports/manifest.json`` atomically (scenario, git, versions, inputs, notebooks, times)."""
    manifest = {
        "scenario": {"name": prov["scenario_name"], "path": prov["scenario_path"], "sha256": prov["scenario_sha256"]},
        "git": prov["git"],
        "versions": prov["versions"],
        "inputs": prov["inputs"],
        "input_status": prov["input_status"],
        "notebooks": dict(sorted(notebooks.items())),
        "started_utc": prov["started_utc"],
        "finished_utc": utc_now(),
    }
    path = paths.reports / "manifest.json"
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    tmp.replace(path)
    return path


def previous_notebook_entries(paths: ProjectPaths, scenario_name: str, known: set[str]) -> dict:
    """The published manifest's entries for notebooks of the same scenario (kept for notebooks a partial
    run such as ``--only`` does not run)."""
    path = paths.reports / "manifest.json"
    if not path.is_file():
        return {}
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if manifest.get("scenario", {}).get("name") != scenario_name:
        return {}
    return {n: e for n, e in manifest.get("notebooks", {}).items() if n in known}
