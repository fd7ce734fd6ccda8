"""Planning a run: the scenario loaded and checked, the notebooks found, their order, and what each reads.

Everything is checked before anything runs: a scenario with any problem stops the run with one message
listing them all.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ejournal_lib.common.errors import ConfigError
from ejournal_lib.common.project import DEFAULT_SCENARIO
from ejournal_lib.pipeline.notebooks import NotebookSpec, discover_notebooks, downstream, execution_order, upstream
from ejournal_lib.pipeline.paths import ProjectPaths
from ejournal_lib.scenario import Scenario, load_scenario

__all__ = ["Plan", "plan", "notebook_parameters", "results_store"]


@dataclass(frozen=True)
class Plan:
    paths: ProjectPaths
    scenario: Scenario
    specs: dict[str, NotebookSpec]
    waves: list[list[str]]


def plan(paths: ProjectPaths, scenario_path: str | Path | None = None, only: list[str] | None = None) -> Plan:
    """Load and check everything before anything runs. ``only`` adds the notebooks that read their tables
    (which would otherwise be left stale) and every notebook those depend on."""
    scenario = load_scenario(scenario_path or DEFAULT_SCENARIO, root=paths.root)
    specs = discover_notebooks(paths.notebooks)
    if not specs:
        raise ConfigError(f"no notebooks found in {paths.notebooks}")
    unknown_inputs = {n: sorted(set(s.inputs) - set(type(scenario.data).model_fields)) for n, s in specs.items()}
    bad = {n: u for n, u in unknown_inputs.items() if u}
    if bad:
        raise ConfigError(
            "notebooks declare inputs the scenario does not have: "
            + "; ".join(f"{n}: {', '.join(u)}" for n, u in bad.items())
        )
    waves = execution_order(specs)
    if only:
        unknown = sorted(set(only) - set(specs))
        if unknown:
            raise ConfigError(f"unknown notebook(s) {unknown}; valid: {sorted(specs)}")
        wanted = _closure(specs, only, downstream)
        wanted = _closure(specs, wanted, upstream)
        waves = [[n for n in w if n in wanted] for w in waves]
        waves = [w for w in waves if w]
    return Plan(paths, scenario, specs, waves)


def _closure(specs: dict[str, NotebookSpec], names, step) -> set[str]:
    found, todo = set(), list(names)
    while todo:
        n = todo.pop()
        if n not in found:
            found.add(n)
            todo.extend(step(specs, n))
    return found


def notebook_parameters(p: Plan, name: str) -> dict:
    """The runner's own parameters for one notebook (the scenario file, the processed folder, the run's store
    of result-graph values)."""
    spec = p.specs[name]
    params = {k: v.default for k, v in spec.parameters.items()}
    if "scenario_path" in spec.parameters:
        params["scenario_path"] = str(p.scenario.path)
    if "processed_dir" in spec.parameters:
        params["processed_dir"] = str(p.paths.processed)
    if "results_store" in spec.parameters:
        params["results_store"] = str(results_store(p.paths))
    return params


def results_store(paths: ProjectPaths) -> Path:
    """Where the result-graph values of the last run that executed a notebook are kept, so that every notebook
    of a run, and the factsheets after it, compute a node at most once. The runner empties it before the first
    notebook it executes; a run that reuses every notebook keeps it (its inputs are unchanged). It is in the
    runner's state, never among the published tables: it holds the registrations themselves."""
    return paths.state / "results"
