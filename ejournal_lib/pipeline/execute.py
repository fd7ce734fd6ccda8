"""Running one notebook (in a worker process): papermill in a fresh kernel, then its appendix rendered."""

from __future__ import annotations

import logging
import time
from pathlib import Path

from ejournal_lib.pipeline.kernels import ipc_kernel_manager_class
from ejournal_lib.pipeline.progress import progress

__all__ = ["execute_notebook"]


def _finalise_executed(executed: Path, job: dict) -> None:
    """Make the executed notebook fit to attach: paths relative to the project (no absolute or staging paths)
    and, in its metadata, the commit, the scenario and the sha256 of every input."""
    import json

    if not executed.is_file():
        return
    text = executed.read_text(encoding="utf-8")
    for prefix in sorted({job["out_dir"], job["cwd"]}, key=len, reverse=True):
        text = text.replace(json.dumps(prefix.rstrip("/") + "/")[1:-1], "")
    nb = json.loads(text)
    prov = job["provenance"]
    nb.setdefault("metadata", {}).setdefault("ejournal", {})["run"] = {
        "git": prov["git"],
        "scenario": {"name": prov["scenario_name"], "path": prov["scenario_path"], "sha256": prov["scenario_sha256"]},
        "inputs": prov["inputs"],
        "input_status": prov.get("input_status", {}),
        "started_utc": prov["started_utc"],
        "versions": prov["versions"],
    }
    executed.write_text(json.dumps(nb, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def _table_stamps(folder: Path) -> dict[str, tuple[int, int]]:
    """Modification time and size of every table in ``folder``, by table name."""
    return {p.stem: (p.stat().st_mtime_ns, p.stat().st_size) for p in folder.glob("*.csv")}


def execute_notebook(job: dict) -> dict:
    """Execute ``job["input"]`` into ``job["executed"]`` with ``job["params"]`` and render the appendix.

    Returns ``{"name", "status" (ran/failed), "seconds", "cell", "error", "executed_path"}``.
    """
    import nbformat
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    from ejournal_lib.publishing.appendix import render_appendix

    logging.basicConfig(level=job["log_level"], format="%(message)s")
    progress.setLevel(job["progress_level"])
    start = time.perf_counter()
    before = _table_stamps(Path(job["processed"]))
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
                progress.info("    %s: celle %d/%d", job["name"], done[0], n_code)

        hooks["on_cell_complete"] = on_cell_complete
    try:
        pm.execute_notebook(
            job["input"],
            str(executed),
            parameters=job["params"],
            kernel_name=job["kernel"],
            language="python",
            cwd=job["cwd"],
            progress_bar=job["progress_bar"],
            log_output=False,
            request_save_on_cell_execute=False,
            kernel_manager_class=ipc_kernel_manager_class(executed.with_suffix(".kernel.log"), job.get("sockets")),
            **hooks,
        )
        _finalise_executed(executed, job)
    except PapermillExecutionError as exc:
        _finalise_executed(executed, job)
        result.update(
            status="failed",
            cell=exc.exec_count if exc.exec_count else exc.cell_index,
            error=f"{exc.ename}: {exc.evalue}".strip(),
        )
    except Exception as exc:  # kernel died, bad notebook, …
        _finalise_executed(executed, job)
        result.update(status="failed", error=f"{type(exc).__name__}: {exc}")
    else:
        missing = [t for t in job["writes"] if not (Path(job["processed"]) / f"{t}.csv").is_file()]
        after = _table_stamps(Path(job["processed"]))
        undeclared = sorted(t for t, stamp in after.items() if before.get(t) != stamp and t not in job["declared"])
        if missing:
            result.update(status="failed", error=f"declared table(s) not written: {missing}")
        elif undeclared:
            result.update(
                status="failed",
                error=f"table(s) written but not declared in the notebook's metadata (writes): {undeclared}",
            )
        else:
            try:
                render_appendix(
                    executed,
                    Path(job["appendices"]),
                    job["name"],
                    job["title"],
                    job["scenario_title"],
                    job["provenance"],
                    job["example_inputs"],
                )
                result.update(status="ran")
            except Exception as exc:
                result.update(status="failed", error=f"rendering the appendix failed: {type(exc).__name__}: {exc}")
    result["seconds"] = time.perf_counter() - start
    return result
