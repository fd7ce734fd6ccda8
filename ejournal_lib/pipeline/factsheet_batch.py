"""Rendering municipality factsheets in batch: the factsheet notebook executed for many municipalities in a
few long-lived kernels (one per worker process), HTML and PDF rendered in-process, failures isolated, and an
index page."""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ejournal_lib.common.formatting import fmt_number
from ejournal_lib.common.labels import label
from ejournal_lib.pipeline.processes import map_in_workers
from ejournal_lib.pipeline.publication import RunLock
from ejournal_lib.publishing.render import render_template

__all__ = ["FactsheetReport", "build_factsheets", "render_factsheets", "write_index", "FACTSHEET_TEMPLATE"]

FACTSHEET_TEMPLATE = Path("notebooks") / "factsheets" / "factsheet.ipynb"


@dataclass
class FactsheetReport:
    written: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0
    folder: Path | None = None


def _render_chunk(job: dict) -> dict:
    """Worker: one kernel for many municipalities; every factsheet executed, rendered, failures kept."""
    from jupyter_client.utils import run_sync
    from nbclient import NotebookClient
    from papermill.iorw import load_notebook_node
    from papermill.parameterize import parameterize_notebook

    from ejournal_lib.pipeline.kernels import ipc_kernel_manager_class
    from ejournal_lib.publishing.appendix import notebook_body_html, page_html, write_pdf

    logging.basicConfig(level=job["log_level"])
    out_dir = Path(job["out_dir"])
    template = load_notebook_node(job["template"])  # adds the empty tag lists papermill expects
    km = ipc_kernel_manager_class(out_dir / f".kernel-{job['worker']}.log", job["sockets"])(kernel_name=job["kernel"])
    client = None
    written, failed = [], {}
    try:
        for code, stem, name in job["items"]:
            nb = parameterize_notebook(
                template, {**job["params"], "municipality_code": code}, kernel_name=job["kernel"], language="python"
            )
            try:
                if client is None:
                    client = NotebookClient(
                        nb, km=km, kernel_name=job["kernel"], timeout=300, resources={"metadata": {"path": job["cwd"]}}
                    )
                else:
                    client.nb = nb
                client.execute()
                page = page_html(
                    f"Faktaark: {name}",
                    job["scenario_title"],
                    notebook_body_html(nb),
                    job["provenance"],
                    job["example_inputs"],
                    compact=True,
                )
                html_path = out_dir / f"{stem}.html"
                tmp = html_path.with_suffix(".html.tmp")
                tmp.write_text(page, encoding="utf-8")
                tmp.replace(html_path)
                if job["pdf"]:
                    write_pdf(page, out_dir / f"{stem}.pdf", out_dir)
                written.append(code)
            except Exception as exc:  # one municipality's failure must not stop the others
                msg = str(exc).strip().splitlines()
                failed[code] = next((line for line in reversed(msg) if line.strip()), type(exc).__name__)[:300]
                for ext in (".html", ".pdf"):
                    (out_dir / f"{stem}{ext}").unlink(missing_ok=True)
    finally:
        if client is not None and client.kc is not None:
            client.kc.stop_channels()
        try:
            if km.has_kernel:
                run_sync(km.shutdown_kernel)(now=True)
        except Exception:  # pragma: no cover - best effort at shutdown
            pass
    return {"written": written, "failed": failed}


def render_factsheets(
    root: Path,
    out_dir: Path,
    data_path: Path,
    data: pd.DataFrame,
    codes: list[str],
    params: dict,
    provenance: dict,
    scenario_title: str,
    jobs: int = 2,
    pdf: bool = True,
    example_inputs: list[str] | None = None,
) -> FactsheetReport:
    """Execute the factsheet notebook for ``codes`` in ``jobs`` worker processes (one kernel each) and write
    ``<out_dir>/<code>-<name>.html`` (and ``.pdf``)."""
    from ejournal_lib.pipeline.kernels import kernel_name

    start = time.perf_counter()
    out_dir.mkdir(parents=True, exist_ok=True)
    rows = data.set_index("municipality_code")
    items = [(c, rows.loc[c, "file_stem"], rows.loc[c, "municipality_name"]) for c in codes]
    jobs = max(1, min(jobs, len(items)))
    chunks = [items[i::jobs] for i in range(jobs)]
    common = {
        "template": str(root / FACTSHEET_TEMPLATE),
        "out_dir": str(out_dir),
        "cwd": str(root),
        "params": {**params, "factsheet_data_path": str(data_path)},
        "kernel": kernel_name(),
        "provenance": provenance,
        "scenario_title": scenario_title,
        "pdf": pdf,
        "example_inputs": list(example_inputs or []),
        "log_level": logging.getLogger().level or logging.WARNING,
    }
    sockets = tempfile.mkdtemp(prefix=f"ejournal-run-{os.getpid()}-")
    job_list = [{**common, "items": chunk, "worker": i, "sockets": sockets} for i, chunk in enumerate(chunks) if chunk]
    try:
        results = map_in_workers(_render_chunk, job_list, len(job_list))
    finally:
        shutil.rmtree(sockets, ignore_errors=True)
    report = FactsheetReport()
    for r in results:
        report.written += r["written"]
        report.failed.update(r["failed"])
    report.seconds = time.perf_counter() - start
    return report


def write_index(out_dir: Path, data: pd.DataFrame, failed: dict[str, str], scenario_title: str) -> Path:
    """``index.html`` linking every factsheet present in ``out_dir``, with population and status."""
    rows = []
    for r in data.sort_values("municipality_name").itertuples():
        if not (out_dir / f"{r.file_stem}.html").is_file():
            continue
        rows.append(
            {
                "code": r.municipality_code,
                "name": r.municipality_name,
                "stem": r.file_stem,
                "pdf": (out_dir / f"{r.file_stem}.pdf").is_file(),
                "population": fmt_number(r.population),
                "status": label("public_status", r.public_status),
            }
        )
    page = render_template(
        "factsheet_index.html.j2", scenario_title=scenario_title, rows=rows, failed=sorted(failed.items())
    )
    path = out_dir / "index.html"
    path.write_text(page, encoding="utf-8")
    return path


def build_factsheets(
    paths, scenario_path=None, codes: list[str] | None = None, jobs: int = 2, pdf: bool = True
) -> FactsheetReport:
    """Compute every factsheet number from the scenario's result graph (in memory, a few seconds; no
    appendix is run or re-run) into ``data/processed/<scenario>/municipality_factsheet_data.csv``, render the
    factsheets and the index into ``reports/<scenario>/factsheets/`` (the report's ``folder``).

    ``codes``: only these municipalities (default: all outside Midt-Norge). Unknown or Midt-Norge codes are
    a ConfigError before anything is rendered.
    """
    from ejournal_lib.pipeline.plan import plan

    p = plan(paths, scenario_path)
    paths = paths.for_scenario(p.scenario.name)
    with RunLock(paths.reports):
        return _build(paths, p, codes, jobs, pdf)


def _build(paths, p, codes, jobs, pdf) -> FactsheetReport:
    from ejournal_lib.common.tables_io import write_table
    from ejournal_lib.factsheets.data import check_codes
    from ejournal_lib.pipeline.manifest import base_provenance
    from ejournal_lib.pipeline.runner import record_disclosure
    from ejournal_lib.publishing.data_status import example_inputs
    from ejournal_lib.results import result_graph

    # computed here, not read from the last run's store: that store is current only after a run that reused
    # every notebook, and a factsheet must not wait for (or trigger) the appendices
    results = result_graph(p.scenario)
    data, midt_norge = results.get("municipality_factsheet_data", "midt_norge_codes").values()
    record_disclosure(results, paths.out)  # the factsheets show the baseline's cells: on record
    selected = check_codes(codes, data, set(midt_norge)) if codes else list(data["municipality_code"])
    data_path = write_table(data, "municipality_factsheet_data", paths.processed)
    out_dir = paths.reports / "factsheets"
    example = example_inputs(
        p.scenario, {i for n in ("participation", "baseline", "cba") if n in p.specs for i in p.specs[n].inputs}
    )
    report = render_factsheets(
        paths.root,
        out_dir,
        data_path,
        data,
        selected,
        {"scenario_path": str(p.scenario.path), "processed_dir": str(paths.processed)},
        base_provenance(paths, p.scenario),
        p.scenario.title,
        jobs=jobs,
        pdf=pdf,
        example_inputs=example,
    )
    write_index(out_dir, data, report.failed, p.scenario.title)
    report.folder = out_dir
    return report
