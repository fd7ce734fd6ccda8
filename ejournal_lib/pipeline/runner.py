"""The pipeline runner: plans a run, runs the notebooks in dependency order through papermill (in parallel
where they are independent) inside a staging area, reuses those whose inputs are unchanged, and publishes
tables, appendices, manifest and workbook together when every notebook succeeded
(:mod:`ejournal_lib.pipeline.publication`).

Each notebook runs in a fresh kernel (see :mod:`ejournal_lib.pipeline.execute`).
"""

from __future__ import annotations

import json
import logging
import shutil
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path

from ejournal_lib.common.disclosure_registry import DisclosureRegistry, registry_folder
from ejournal_lib.common.errors import ConfigError
from ejournal_lib.pipeline import cache
from ejournal_lib.pipeline.execute import execute_notebook
from ejournal_lib.pipeline.kernels import kernel_name
from ejournal_lib.pipeline.manifest import (
    all_input_hashes,
    base_provenance,
    previous_notebook_entries,
    scenario_file_hashes,
    write_manifest,
)
from ejournal_lib.pipeline.notebooks import upstream
from ejournal_lib.pipeline.paths import ProjectPaths
from ejournal_lib.pipeline.plan import Plan, notebook_parameters, plan, results_store
from ejournal_lib.pipeline.processes import map_in_workers
from ejournal_lib.pipeline.progress import progress
from ejournal_lib.pipeline.provenance import library_hash, scenario_input_hashes, sha256_file, utc_now
from ejournal_lib.pipeline.publication import PUBLICATIONS, RunLock, Staging, remove_stale_scratch, repair_publication
from ejournal_lib.publishing.data_status import example_inputs
from ejournal_lib.publishing.workbook import write_workbook
from ejournal_lib.results.baseline import BASELINE_TABLES
from ejournal_lib.results.graph import ResultGraph
from ejournal_lib.scenario.model import CONFIG_FILES

__all__ = ["NotebookResult", "RunReport", "run_pipeline", "failure_summary", "clean_outputs"]


@dataclass
class NotebookResult:
    name: str
    status: str  # "ran", "cached", "failed", "skipped"
    seconds: float = 0.0
    cell: int | None = None
    error: str | None = None
    executed_path: str | None = None


@dataclass
class RunReport:
    scenario: str
    results: list[NotebookResult] = field(default_factory=list)
    manifest_path: Path | None = None
    workbook_path: Path | None = None
    paths: ProjectPaths | None = None

    @property
    def failed(self) -> list[NotebookResult]:
        return [r for r in self.results if r.status in ("failed", "skipped")]

    @property
    def ok(self) -> bool:
        return not self.failed


def run_pipeline(
    paths: ProjectPaths,
    scenario_path: str | Path | None = None,
    only: list[str] | None = None,
    jobs: int = 1,
    force: bool = False,
    progress_bar: bool | None = None,
    replace_other: bool = False,
) -> RunReport:
    """Run the pipeline and publish the scenario's appendices, tables, workbook and manifest (in
    ``data/processed/<scenario>/`` and ``reports/<scenario>/``) together, only if every notebook run succeeded
    (else the last publication stays as it was and the partly executed notebooks of the failures are kept in
    ``reports/<scenario>/failed``). Refuses to start while another run writes to the same scenario's outputs,
    or when another scenario file's publication has this scenario's name (unless ``replace_other``).
    The report's ``paths`` are the scenario's."""
    p = plan(paths, scenario_path, only)  # every check before anything runs
    paths = paths.for_scenario(p.scenario.name)
    p = replace(p, paths=paths)
    if not replace_other:
        _refuse_taken_name(paths, p.scenario)
    with RunLock(paths.reports):
        remove_stale_scratch(paths)
        repair_publication(paths)
        with Staging(paths) as staging:
            report = _run_notebooks(replace(p, paths=staging.paths), staging.sockets, jobs, force, progress_bar)
            report.paths = paths
            if report.ok:
                _register_disclosure(p, staging.paths, paths.out)
                staging.publish()
                report.manifest_path = paths.reports / "manifest.json"
                report.workbook_path = paths.reports / "tabeller.xlsx"
            else:
                failed = [r for r in report.results if r.status == "failed" and r.executed_path]
                kept = staging.keep_failed([Path(str(r.executed_path)) for r in failed])
                for r, path in zip(failed, kept):
                    r.executed_path = str(path)
    return report


def _register_disclosure(p: Plan, staged: ProjectPaths, out: Path) -> None:
    """Record what the publication about to be made shows of the time-use registrations (before it is
    published), when the run writes the baseline's tables."""
    if any(t in BASELINE_TABLES for spec in p.specs.values() for t in spec.writes):
        record_disclosure(ResultGraph(p.scenario, results_store(staged)), out)  # the run's values


def record_disclosure(graph: ResultGraph, out: Path) -> None:
    """Put on record in the project's disclosure registry the baseline cells ``graph``'s scenario shows in
    output folder ``out`` (see :mod:`ejournal_lib.common.disclosure_registry`)."""
    blocks, registry = graph.get("timeuse_published_blocks", "disclosure_registry").values()
    registry.record(graph.scenario.name, out, blocks)


def _refuse_taken_name(paths: ProjectPaths, scenario) -> None:
    """A scenario file whose ``name`` is that of another file's publication would replace it silently (a copy
    of the default that keeps ``name: ssd2020``): refused, unless the run is told to replace it."""
    manifest = paths.reports / "manifest.json"
    if not manifest.is_file():
        return
    published = json.loads(manifest.read_text(encoding="utf-8")).get("scenario_path")
    mine = scenario.relative(scenario.file)
    if published and published != mine:
        raise ConfigError(
            f"{mine} is named '{scenario.name}', the name of the publication of {published}: give it a name of its "
            "own (name: in the file), or run with --replace to replace that publication"
        )


def _run_notebooks(p: Plan, sockets: Path, jobs: int, force: bool, progress_bar: bool | None) -> RunReport:
    """Run the plan's notebooks in dependency order into ``p.paths`` (the staging area), with the manifest
    and workbook; notebooks whose inputs are unchanged are reused."""
    paths = p.paths
    store_emptied = False  # the store holds the values of the run that last executed a notebook
    started = utc_now()
    inputs = all_input_hashes(paths, p.scenario)
    scenario_files = scenario_file_hashes(paths, p.scenario)
    config_files = scenario_input_hashes(p.scenario, set(CONFIG_FILES))  # every notebook loads all of them
    lib = library_hash()
    base_prov = base_provenance(paths, p.scenario, inputs, started)
    kernel = kernel_name()
    total = sum(len(w) for w in p.waves)
    if progress_bar is None:
        progress_bar = sys.stderr.isatty()
    report = RunReport(scenario=p.scenario.name)
    failed: set[str] = set()
    example: dict[str, list[str]] = {}  # synthetic inputs used, directly or through the tables it reads
    notebooks_manifest = previous_notebook_entries(paths, p.scenario.name, set(p.specs))
    counter = 0
    for wave in p.waves:
        jobs_in_wave = []
        for name in wave:
            counter += 1
            spec = p.specs[name]
            bad_upstream = sorted(upstream(p.specs, name) & failed)
            if bad_upstream:
                cache.invalidate(p, name)
                failed.add(name)
                report.results.append(NotebookResult(name, "skipped", error=f"upstream failed: {bad_upstream}"))
                progress.info(
                    "[%d/%d] %s: hoppet over (avhenger av %s som feilet)", counter, total, name, ", ".join(bad_upstream)
                )
                continue
            example[name] = sorted(
                set(example_inputs(p.scenario, spec.inputs)).union(
                    *(example.get(u, []) for u in upstream(p.specs, name))
                )
            )
            own_inputs = {**scenario_input_hashes(p.scenario, spec.inputs), **config_files, **scenario_files}
            key = cache.cache_key(p, name, own_inputs, lib)
            notebooks_manifest[name] = {
                "title": spec.title,
                "cache_key": key,
                "inputs": sorted(spec.inputs),
                "reads": list(spec.reads),
                "writes": list(spec.writes),
                "example_data": bool(example[name]),
                "example_inputs": example[name],
            }
            if not force and cache.is_current(p, name, key):
                report.results.append(
                    NotebookResult(name, "cached", executed_path=str(paths.executed / f"{name}.ipynb"))
                )
                progress.info("[%d/%d] %s: uendret, gjenbrukt", counter, total, name)
                continue
            cache.invalidate(p, name)
            jobs_in_wave.append(
                {
                    "name": name,
                    "input": str(spec.path),
                    "executed": str(paths.executed / f"{name}.ipynb"),
                    "params": notebook_parameters(p, name),
                    "kernel": kernel,
                    "sockets": str(sockets),
                    "cwd": str(paths.root),
                    "out_dir": str(paths.out),
                    "progress_bar": progress_bar and jobs == 1,
                    "writes": list(spec.writes),
                    "declared": sorted({t for s in p.specs.values() for t in s.writes}),
                    "processed": str(paths.processed),
                    "appendices": str(paths.appendices),
                    "title": spec.title,
                    "scenario_title": p.scenario.title,
                    "provenance": base_prov,
                    "example_inputs": example[name],
                    "log_level": logging.getLogger().level or logging.WARNING,
                    "progress_level": progress.getEffectiveLevel(),
                    "key": key,
                    "index": counter,
                }
            )
        if jobs_in_wave and not store_emptied:  # a notebook runs: inputs changed, earlier values may be stale
            shutil.rmtree(results_store(paths), ignore_errors=True)
            store_emptied = True
        for job in jobs_in_wave:
            progress.info("[%d/%d] %s: kjører …", job["index"], total, job["name"])
        for job, out in zip(jobs_in_wave, map_in_workers(execute_notebook, jobs_in_wave, jobs)):
            res = NotebookResult(
                out["name"], out["status"], out["seconds"], out.get("cell"), out.get("error"), out.get("executed_path")
            )
            report.results.append(res)
            if res.status == "failed":
                failed.add(res.name)
                cache.invalidate(p, res.name)
                progress.info("[%d/%d] %s: FEILET etter %.1f s", job["index"], total, res.name, res.seconds)
            else:
                cache.record(p, res.name, str(job["key"]))
                progress.info("[%d/%d] %s: ferdig på %.1f s", job["index"], total, res.name, res.seconds)
    if failed:
        return report
    for name, entry in notebooks_manifest.items():
        entry["status"] = "ok"
        entry["outputs"] = {
            t: sha256_file(paths.processed / f"{t}.csv")
            for t in p.specs[name].writes
            if (paths.processed / f"{t}.csv").is_file()
        }
    write_manifest(paths, base_prov, notebooks_manifest)
    tables = {t: n for n in sorted(p.specs) for t in p.specs[n].writes}
    titles = {n: spec.title for n, spec in p.specs.items()}
    write_workbook(paths.reports / "tabeller.xlsx", paths.processed, tables, base_prov, titles)
    return report


def failure_summary(report: RunReport) -> str:
    """One short block naming each failed notebook, the failing cell and the error."""
    lines = []
    for r in report.failed:
        if r.status == "skipped":
            lines.append(f"  {r.name}: not run ({r.error})")
            continue
        cell = f"cell {r.cell}" if r.cell is not None else "before any cell"
        lines.append(f"  {r.name}: {cell}: {r.error}")
        if r.executed_path:
            lines.append(f"    partly executed notebook: {r.executed_path}")
    return "Failed notebooks:\n" + "\n".join(lines) if lines else ""


def clean_outputs(paths: ProjectPaths) -> None:
    """Remove everything the pipeline produced (processed tables and reports of every scenario) and withdraw its
    publications from the disclosure registry; raw data is untouched. Refused while a run writes to any of
    them."""
    base = replace(paths, scenario=None)
    scenarios = sorted(d for d in base.reports.glob("*") if d.is_dir())
    locks = [RunLock(d) for d in scenarios]
    try:
        for lock in locks:
            lock.__enter__()
        _remove_children(base.processed, base.reports)
        shutil.rmtree(base.out / PUBLICATIONS, ignore_errors=True)
        if registry_folder(base.root).is_dir():
            DisclosureRegistry.read(base.root).forget(base.out)  # its publications are withdrawn
    finally:
        for lock in locks:
            lock.__exit__(None, None, None)


def _remove_children(*folders: Path) -> None:
    for folder in folders:
        if folder.exists():
            for child in folder.iterdir():
                if child.name == ".gitkeep":
                    continue
                child.unlink() if child.is_symlink() or not child.is_dir() else shutil.rmtree(child)
