"""The pipeline runner: checks a scenario, runs the notebooks in dependency order through papermill,
skips those whose code, parameters and inputs are unchanged, and renders the appendices.

Each notebook runs in a fresh kernel. Kernels talk over Unix-domain sockets (IPC transport), so parallel
runs (``jobs > 1``) never collide on TCP ports.
"""

from __future__ import annotations

import hashlib
import json
import logging
import multiprocessing
import os
import shutil
import sys
import tempfile
import time
import uuid
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ejournal_lib.common.errors import ConfigError
from ejournal_lib.publishing.tables import read_table
from ejournal_lib.pipeline.notebooks import NotebookSpec, discover_notebooks, execution_order, notebook_code_hash, upstream
from ejournal_lib.pipeline.paths import DEFAULT_SCENARIO, ProjectPaths
from ejournal_lib.pipeline.provenance import environment_versions, git_state, hash_tree, library_hash, sha256_file, utc_now
from ejournal_lib.pipeline.scenario_file import Scenario, check_scenario, load_scenario, resolve_scenario_path

__all__ = ["NotebookResult", "RunReport", "plan", "run_pipeline", "KERNEL_NAME", "failure_summary",
           "ipc_kernel_manager_class", "kernel_name", "base_provenance"]

log = logging.getLogger(__name__)

KERNEL_NAME = "ejournal"
EXAMPLE_DATA_DIR = "data/raw/example"


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

    @property
    def failed(self) -> list[NotebookResult]:
        return [r for r in self.results if r.status in ("failed", "skipped")]

    @property
    def ok(self) -> bool:
        return not self.failed


@dataclass(frozen=True)
class Plan:
    paths: ProjectPaths
    scenario: Scenario
    specs: dict[str, NotebookSpec]
    waves: list[list[str]]


def plan(paths: ProjectPaths, scenario_path: str | Path | None = None, only: list[str] | None = None) -> Plan:
    """Load and check everything before anything runs. ``only`` adds the notebooks they depend on."""
    scenario = load_scenario(resolve_scenario_path(scenario_path or DEFAULT_SCENARIO, paths.root))
    specs = discover_notebooks(paths.notebooks)
    if not specs:
        raise ConfigError(f"no notebooks found in {paths.notebooks}")
    check_scenario(scenario, specs)
    waves = execution_order(specs)
    if only:
        unknown = sorted(set(only) - set(specs))
        if unknown:
            raise ConfigError(f"unknown notebook(s) {unknown}; valid: {sorted(specs)}")
        wanted, todo = set(), list(only)
        while todo:
            n = todo.pop()
            if n not in wanted:
                wanted.add(n)
                todo.extend(upstream(specs, n))
        waves = [[n for n in w if n in wanted] for w in waves]
        waves = [w for w in waves if w]
    return Plan(paths, scenario, specs, waves)


def notebook_parameters(p: Plan, name: str) -> dict:
    """Parameters passed to one notebook: defaults overridden by the scenario, plus the runner's own."""
    spec = p.specs[name]
    params = {k: v.default for k, v in spec.user_parameters.items()}
    params.update(p.scenario.notebooks.get(name, {}))
    if "scenario_path" in spec.parameters:
        params["scenario_path"] = str(p.scenario.path)
    if "processed_dir" in spec.parameters:
        params["processed_dir"] = str(p.paths.processed)
    return params


def uses_example_data(params: dict) -> bool:
    """True when any parameter (or an item of a list parameter) points into ``data/raw/example/``."""
    def points_there(v) -> bool:
        if isinstance(v, (list, tuple)):
            return any(points_there(x) for x in v)
        return isinstance(v, str) and EXAMPLE_DATA_DIR in v.replace("\\", "/")

    return any(points_there(v) for v in params.values())


def _stable_params(params: dict, p: Plan) -> dict:
    """Parameters with the run-specific absolute paths made relative, for hashing and the manifest."""
    out = {}
    for k, v in params.items():
        if k == "processed_dir":
            v = "data/processed"
        elif k == "scenario_path":
            v = str(Path(v).relative_to(p.paths.root)) if Path(v).is_relative_to(p.paths.root) else v
        out[k] = v
    return out


def _input_hashes(paths: ProjectPaths) -> dict[str, str]:
    hashes = hash_tree(paths.raw, paths.root)
    hashes.update(hash_tree(paths.config, paths.root))
    return hashes


def base_provenance(paths: ProjectPaths, scenario: Scenario, inputs: dict[str, str] | None = None,
                    started: str | None = None) -> dict:
    """The provenance shared by every output of a run: git state, versions, scenario, input hashes, time."""
    return {"git": git_state(paths.root), "versions": environment_versions(), "scenario_name": scenario.name,
            "scenario_path": str(scenario.path.relative_to(paths.root))
            if scenario.path.is_relative_to(paths.root) else str(scenario.path),
            "scenario_sha256": scenario.sha256, "inputs": inputs if inputs is not None else _input_hashes(paths),
            "started_utc": started or utc_now()}


def _cache_key(p: Plan, name: str, params: dict, inputs: dict[str, str], lib: str) -> str:
    spec = p.specs[name]
    tables = {}
    for t in spec.reads:
        f = p.paths.processed / f"{t}.csv"
        tables[t] = sha256_file(f) if f.is_file() else None
    payload = {"code": notebook_code_hash(spec.path), "library": lib, "params": _stable_params(params, p),
               "inputs": inputs, "tables": tables, "scenario": p.scenario.sha256}
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def _outputs_present(p: Plan, name: str) -> bool:
    spec = p.specs[name]
    files = [p.paths.processed / f"{t}.csv" for t in spec.writes]
    files += [p.paths.appendices / f"{name}.html", p.paths.appendices / f"{name}.pdf",
              p.paths.executed / f"{name}.ipynb"]
    return all(f.is_file() for f in files)


def kernel_name() -> str:
    from jupyter_client.kernelspec import KernelSpecManager

    if KERNEL_NAME in KernelSpecManager().find_kernel_specs():
        return KERNEL_NAME
    log.warning("Jupyter kernel '%s' is not registered (run 'make setup'); using 'python3'", KERNEL_NAME)
    return "python3"


def ipc_kernel_manager_class(kernel_log: Path):
    from jupyter_client.manager import AsyncKernelManager

    class IPCKernelManager(AsyncKernelManager):
        """A kernel manager whose kernels listen on Unix sockets with a unique path prefix per kernel,
        instead of TCP ports (which parallel processes could race for). The kernel's own stderr (start-up
        and shutdown chatter) goes to ``kernel_log`` rather than the terminal."""

        def __init__(self, **kwargs):
            kwargs.setdefault("transport", "ipc")
            kwargs.setdefault("ip", os.path.join(tempfile.gettempdir(), f"ejournal-kernel-{uuid.uuid4().hex[:12]}"))
            super().__init__(**kwargs)

        async def _async_launch_kernel(self, kernel_cmd, **kw):
            self._log_handle = open(kernel_log, "wb")  # noqa: SIM115 - the kernel process writes to it
            kw.setdefault("stderr", self._log_handle)
            await super()._async_launch_kernel(kernel_cmd, **kw)

    return IPCKernelManager


def _execute_one(job: dict) -> dict:
    """Run one notebook and render its appendix (runs in a worker process)."""
    import nbformat
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    from ejournal_lib.publishing.appendix import render_appendix

    logging.basicConfig(level=job["log_level"], format="%(levelname)s %(name)s: %(message)s")
    start = time.perf_counter()
    executed = Path(job["executed"])
    executed.parent.mkdir(parents=True, exist_ok=True)
    result = {"name": job["name"], "executed_path": str(executed)}
    hooks = {}
    if not job["progress_bar"]:  # without papermill's bar: one line per executed code cell
        n_code = sum(c.cell_type == "code" for c in nbformat.read(job["input"], as_version=4).cells) + 1
        done = [0]

        def on_cell_complete(cell, cell_index, **_):
            if cell.cell_type == "code":
                done[0] += 1
                _say(f"    {job['name']}: celle {done[0]}/{n_code}")

        hooks["on_cell_complete"] = on_cell_complete
    try:
        pm.execute_notebook(
            job["input"], str(executed), parameters=job["params"], kernel_name=job["kernel"],
            language="python", cwd=job["cwd"], progress_bar=job["progress_bar"], log_output=False,
            kernel_manager_class=ipc_kernel_manager_class(executed.with_suffix(".kernel.log")), request_save_on_cell_execute=False,
            **hooks,
        )
    except PapermillExecutionError as exc:
        result.update(status="failed", cell=exc.exec_count if exc.exec_count else exc.cell_index,
                      error=f"{exc.ename}: {exc.evalue}".strip())
    except Exception as exc:  # kernel died, bad notebook, …
        result.update(status="failed", error=f"{type(exc).__name__}: {exc}")
    else:
        missing = [t for t in job["writes"] if not (Path(job["processed"]) / f"{t}.csv").is_file()]
        if missing:
            result.update(status="failed", error=f"declared table(s) not written: {missing}")
        else:
            try:
                render_appendix(executed, Path(job["appendices"]), job["name"], job["title"],
                                job["scenario_title"], job["provenance"], job["example_data"])
                result.update(status="ran")
            except Exception as exc:
                result.update(status="failed", error=f"rendering the appendix failed: {type(exc).__name__}: {exc}")
    result["seconds"] = time.perf_counter() - start
    return result


def _invalidate(p: Plan, name: str) -> None:
    """Make sure a failed notebook's old appendix and cache entry are not taken as current."""
    for f in (p.paths.appendices / f"{name}.html", p.paths.appendices / f"{name}.pdf",
              p.paths.state / f"{name}.json"):
        f.unlink(missing_ok=True)


def run_pipeline(paths: ProjectPaths, scenario_path: str | Path | None = None, only: list[str] | None = None,
                 jobs: int = 1, force: bool = False, progress: bool | None = None) -> RunReport:
    """Run the pipeline and write appendices, ``reports/manifest.json`` and ``reports/tabeller.xlsx``."""
    p = plan(paths, scenario_path, only)
    started = utc_now()
    for folder in (paths.processed, paths.appendices, paths.executed, paths.state):
        folder.mkdir(parents=True, exist_ok=True)
    inputs = _input_hashes(paths)
    lib = library_hash()
    base_prov = base_provenance(paths, p.scenario, inputs, started)
    kernel = kernel_name()
    total = sum(len(w) for w in p.waves)
    if progress is None:
        progress = sys.stderr.isatty()
    report = RunReport(scenario=p.scenario.name)
    failed: set[str] = set()
    example: dict[str, bool] = {}  # built from example data, directly or through the tables it reads
    notebooks_manifest = {}
    counter = 0
    ctx = multiprocessing.get_context("spawn")
    for wave in p.waves:
        jobs_in_wave = []
        for name in wave:
            counter += 1
            spec = p.specs[name]
            params = notebook_parameters(p, name)
            bad_upstream = sorted(upstream(p.specs, name) & failed)
            if bad_upstream:
                _invalidate(p, name)
                failed.add(name)
                report.results.append(NotebookResult(name, "skipped", error=f"upstream failed: {bad_upstream}"))
                _say(f"[{counter}/{total}] {name}: hoppet over (avhenger av {', '.join(bad_upstream)} som feilet)")
                continue
            example[name] = uses_example_data(params) or any(example.get(u, False) for u in upstream(p.specs, name))
            key = _cache_key(p, name, params, inputs, lib)
            state_file = paths.state / f"{name}.json"
            stable = _stable_params(params, p)
            notebooks_manifest[name] = {"title": spec.title, "parameters": stable, "cache_key": key,
                                        "reads": list(spec.reads), "writes": list(spec.writes)}
            if (not force and state_file.is_file() and json.loads(state_file.read_text()).get("key") == key
                    and _outputs_present(p, name)):
                report.results.append(NotebookResult(name, "cached", executed_path=str(paths.executed / f"{name}.ipynb")))
                _say(f"[{counter}/{total}] {name}: uendret, gjenbrukt")
                continue
            _invalidate(p, name)
            prov = dict(base_prov, parameters={k: v for k, v in stable.items() if k not in ("processed_dir",)})
            jobs_in_wave.append({
                "name": name, "input": str(spec.path), "executed": str(paths.executed / f"{name}.ipynb"),
                "params": params, "kernel": kernel, "cwd": str(paths.root), "progress_bar": progress and jobs == 1,
                "writes": list(spec.writes), "processed": str(paths.processed), "appendices": str(paths.appendices),
                "title": spec.title, "scenario_title": p.scenario.title, "provenance": prov,
                "example_data": example[name], "log_level": logging.getLogger().level or logging.WARNING,
                "key": key, "index": counter,
            })
        for job in jobs_in_wave:
            _say(f"[{job['index']}/{total}] {job['name']}: kjører …")
        if jobs > 1 and len(jobs_in_wave) > 1:
            with ProcessPoolExecutor(max_workers=min(jobs, len(jobs_in_wave)), mp_context=ctx) as pool:
                outcomes = list(pool.map(_execute_one, jobs_in_wave))
        else:
            outcomes = [_execute_one(j) for j in jobs_in_wave]
        for job, out in zip(jobs_in_wave, outcomes):
            res = NotebookResult(out["name"], out["status"], out["seconds"], out.get("cell"), out.get("error"),
                                 out.get("executed_path"))
            report.results.append(res)
            if res.status == "failed":
                failed.add(res.name)
                _invalidate(p, res.name)
                _say(f"[{job['index']}/{total}] {res.name}: FEILET etter {res.seconds:.1f} s")
            else:
                (paths.state / f"{res.name}.json").write_text(json.dumps({"key": job["key"]}))
                _say(f"[{job['index']}/{total}] {res.name}: ferdig på {res.seconds:.1f} s")
    for name, entry in notebooks_manifest.items():
        entry["status"] = "failed" if name in failed else "ok"
        entry["outputs"] = {t: sha256_file(paths.processed / f"{t}.csv")
                            for t in p.specs[name].writes if (paths.processed / f"{t}.csv").is_file()}
    report.manifest_path = _write_manifest(paths, base_prov, notebooks_manifest)
    report.workbook_path = write_workbook(paths, p.specs)
    return report


def _write_manifest(paths: ProjectPaths, prov: dict, notebooks: dict) -> Path:
    manifest = {"scenario": {"name": prov["scenario_name"], "path": prov["scenario_path"],
                             "sha256": prov["scenario_sha256"]},
                "git": prov["git"], "versions": prov["versions"], "inputs": prov["inputs"],
                "notebooks": dict(sorted(notebooks.items())), "started_utc": prov["started_utc"],
                "finished_utc": utc_now()}
    path = paths.reports / "manifest.json"
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(manifest, indent=2, ensure_ascii=False, sort_keys=False) + "\n", encoding="utf-8")
    tmp.replace(path)
    return path


def write_workbook(paths: ProjectPaths, specs: dict[str, NotebookSpec]) -> Path:
    """Collect every declared processed table into ``reports/tabeller.xlsx``, one sheet per table."""
    path = paths.reports / "tabeller.xlsx"
    tmp = path.with_name("tabeller.tmp.xlsx")
    tables = [t for name in sorted(specs) for t in specs[name].writes if (paths.processed / f"{t}.csv").is_file()]
    used: set[str] = set()
    with pd.ExcelWriter(tmp, engine="openpyxl") as xl:
        if not tables:
            pd.DataFrame({"melding": ["Ingen tabeller ble produsert."]}).to_excel(xl, sheet_name="info", index=False)
        for t in tables:
            sheet = t[:31]
            i = 1
            while sheet in used:
                sheet = f"{t[:28]}_{i}"
                i += 1
            used.add(sheet)
            read_table(paths.processed / f"{t}.csv").to_excel(xl, sheet_name=sheet, index=False)
    tmp.replace(path)
    return path


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


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def clean_outputs(paths: ProjectPaths) -> None:
    """Remove everything the pipeline produced (processed tables and reports); raw data is untouched."""
    for folder in (paths.processed, paths.reports):
        if folder.exists():
            for child in folder.iterdir():
                if child.name == ".gitkeep":
                    continue
                shutil.rmtree(child) if child.is_dir() else child.unlink()

