"""Municipality factsheets: one short document per municipality outside Midt-Norge, regenerated fast.

``factsheet_data`` computes every number of every factsheet at once (vectorised) from the processed
national tables; ``render_factsheets`` executes the factsheet notebook for many municipalities in a few
long-lived kernels (one per worker process), renders HTML and PDF in-process and isolates failures.
"""

from __future__ import annotations

import html
import logging
import multiprocessing
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ejournal_lib.common.errors import ConfigError

__all__ = ["build_factsheets", "factsheet_row", "factsheet_data", "load_factsheet_inputs", "FactsheetReport", "render_factsheets", "write_index",
           "factsheet_filename", "FACTSHEET_TEMPLATE", "check_codes"]

log = logging.getLogger(__name__)

FACTSHEET_TEMPLATE = Path("notebooks") / "factsheets" / "factsheet.ipynb"
_FACTSHEET_TABLES = ("municipality_distribution", "benefit_followup", "timeuse_addressable_by_service",
                     "timeuse_addressable_by_municipality", "municipality_ranking", "cba_summary")


def factsheet_filename(code: str, name: str) -> str:
    """``<code>-<name>`` with the name made safe for file systems (letters kept, spaces → '_')."""
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in name.split(" - ")[0].strip())
    return f"{code}-{safe}"


def load_factsheet_inputs(root: Path, processed: Path, scenario_path: Path) -> dict:
    """The processed national tables, the area's municipalities and the scenario's service figures."""
    from ejournal_lib.cba.inputs import load_cba_inputs
    from ejournal_lib.common.municipalities import load_midt_norge, load_population, outside_midt_norge
    from ejournal_lib.publishing.tables import read_table

    missing = [t for t in _FACTSHEET_TABLES if not (processed / f"{t}.csv").is_file()]
    if missing:
        raise ConfigError(f"factsheets need the tables {missing} in {processed}; run 'ejournal run' first")
    tables = {t: read_table(processed / f"{t}.csv") for t in _FACTSHEET_TABLES}
    raw = root / "data" / "raw"
    pop = load_population(raw / "population_municipality_2020.csv")
    area = outside_midt_norge(pop, load_midt_norge(raw / "midt_norge_municipalities_2020.csv")["municipality_code"])
    return {"tables": tables, "area": area, "inputs": load_cba_inputs(scenario_path)}


def factsheet_data(area: pd.DataFrame, inputs, tables: dict[str, pd.DataFrame],
                   staff_per_municipality: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per municipality with every number its factsheet shows.

    Staff (FTEs) per service are the scenario's totals for the area allocated by population, unless
    ``staff_per_municipality`` (municipality_code, service, ftes) is given. Freed time at full realisation:
    minutes saved per day × working days × FTEs (hours), ÷ hours per FTE (FTE-equivalents), × hourly cost (NOK).
    """
    f = inputs.frame
    svc = inputs.services
    out = area[["municipality_code", "municipality_name", "population", "share_of_outside", "rank"]].copy()
    out = out.sort_values("municipality_code").reset_index(drop=True)
    share = out["population"] / out["population"].sum()
    status = tables["municipality_ranking"].set_index("municipality_code")["status"]
    out["commitment_status"] = out["municipality_code"].map(status).fillna("ikke registrert")
    hourly = svc["monthly_labour_cost"] * 12 / f["hours_per_fte"]
    total_hours = pd.Series(0.0, index=out.index)
    total_mnok = pd.Series(0.0, index=out.index)
    for s in svc.index:
        if staff_per_municipality is not None:
            m = staff_per_municipality[staff_per_municipality["service"] == s].set_index("municipality_code")["ftes"]
            ftes = out["municipality_code"].map(m).fillna(0.0)
        else:
            ftes = svc.loc[s, "ftes"] * share
        hours = svc.loc[s, "minutes_saved_per_day"] / 60 * f["working_days_per_year"] * ftes
        out[f"ftes_{s}"] = ftes
        out[f"freed_hours_{s}"] = hours
        out[f"freed_fte_{s}"] = hours / f["hours_per_fte"]
        out[f"freed_mnok_{s}"] = hours * hourly[s] / 1e6
        total_hours += hours
        total_mnok += hours * hourly[s] / 1e6
    out["freed_hours_total"] = total_hours
    out["freed_fte_total"] = total_hours / f["hours_per_fte"]
    out["freed_mnok_total"] = total_mnok
    dist = tables["municipality_distribution"].set_index("municipality_code")
    for col in ("benefits_mnok", "costs_mnok", "net_mnok", "net_per_inhabitant_nok"):
        out[col] = out["municipality_code"].map(dist[col])
    out["national_municipal_net_per_inhabitant_nok"] = dist["net_mnok"].sum() * 1e6 / dist["population"].sum()
    npv = float(tables["cba_summary"].set_index("metric").loc["npv_mnok", "value"])
    out["society_npv_per_inhabitant_nok"] = npv * 1e6 / area["population"].sum()
    # time-use baseline: measured in the municipality where available (and not suppressed), else national
    national_raw = tables["timeuse_addressable_by_service"].set_index("service")["baseline_addressable_minutes"]
    local = tables["timeuse_addressable_by_municipality"]
    for s in svc.index:
        nat_raw = national_raw.get(s, None)
        nat = pd.to_numeric(pd.Series([nat_raw]), errors="coerce").iloc[0]
        loc = local[local["service"] == s].set_index("municipality_code")["baseline_addressable_minutes"]
        measured = out["municipality_code"].map(pd.to_numeric(loc, errors="coerce"))
        suppressed = out["municipality_code"].isin(loc.index[loc.astype(str) == "–"])
        if pd.notna(nat):
            fallback = "nasjonalt anslag"
        elif str(nat_raw) == "–":
            fallback = "prikket (færre enn grensen for antall ansatte)"
        else:
            fallback = "ikke målt"
        out[f"baseline_minutes_{s}"] = measured.fillna(nat)
        out[f"baseline_source_{s}"] = np.where(
            measured.notna(), "målt i kommunen",
            np.where(suppressed & pd.notna(nat), "nasjonalt anslag (lokalt tall prikket)",
                     np.where(suppressed, "prikket (færre enn grensen for antall ansatte)", fallback)))
    fu = tables["benefit_followup"]
    counts = fu.groupby("municipality_code")["status"].agg(
        followup_on_plan=lambda x: int((x == "på plan").sum()), followup_behind=lambda x: int((x == "bak plan").sum()))
    out = out.join(counts, on="municipality_code")
    out[["followup_on_plan", "followup_behind"]] = out[["followup_on_plan", "followup_behind"]].fillna(0).astype(int)
    out["file_stem"] = [factsheet_filename(c, n) for c, n in zip(out["municipality_code"], out["municipality_name"])]
    return out


_ROW_CACHE: dict = {}


def factsheet_row(code: str, root: Path, scenario_path: Path, processed: Path, data_path: str | Path = "") -> pd.Series:
    """The factsheet numbers for one municipality: from the precomputed table when ``data_path`` is given
    (read once per kernel), else computed here from the processed tables. Unknown or Midt-Norge codes
    raise ConfigError."""
    from ejournal_lib.common.municipalities import load_midt_norge

    code = str(code).zfill(4)  # a code given as a number (e.g. by a command line) loses its leading zero
    if data_path:
        key = (str(data_path), Path(data_path).stat().st_mtime_ns)
        if key not in _ROW_CACHE:
            _ROW_CACHE.clear()
            _ROW_CACHE[key] = pd.read_csv(data_path, dtype={"municipality_code": str})
        data = _ROW_CACHE[key]
    else:
        loaded = load_factsheet_inputs(root, processed, scenario_path)
        data = factsheet_data(loaded["area"], loaded["inputs"], loaded["tables"])
    midt = set(load_midt_norge(root / "data" / "raw" / "midt_norge_municipalities_2020.csv")["municipality_code"])
    check_codes([str(code)], data, midt)
    return data.set_index("municipality_code").loc[str(code)]


def check_codes(codes, data: pd.DataFrame, midt_norge_codes: set[str]) -> list[str]:
    """The codes, checked: Midt-Norge and unknown codes are a ConfigError naming each."""
    known = set(data["municipality_code"])
    problems = []
    for c in codes:
        if c in midt_norge_codes:
            problems.append(f"{c} is in Midt-Norge (covered by Helseplattformen): no factsheet")
        elif c not in known:
            problems.append(f"{c} is not a 2020 municipality code outside Midt-Norge")
    if problems:
        raise ConfigError("; ".join(problems))
    return list(codes)


@dataclass
class FactsheetReport:
    written: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0


def _render_chunk(job: dict) -> dict:
    """Worker: one kernel for many municipalities; every factsheet executed, rendered, failures kept."""
    from nbclient import NotebookClient
    from papermill.iorw import load_notebook_node
    from papermill.parameterize import parameterize_notebook

    from ejournal_lib.publishing.appendix import notebook_body_html, page_html, write_pdf
    from ejournal_lib.pipeline.runner import ipc_kernel_manager_class

    logging.basicConfig(level=job["log_level"])
    out_dir = Path(job["out_dir"])
    template = load_notebook_node(job["template"])  # adds the empty tag lists papermill expects
    km = ipc_kernel_manager_class(out_dir / f".kernel-{job['worker']}.log")(kernel_name=job["kernel"])
    client = None
    written, failed = [], {}
    try:
        for code, stem, name in job["items"]:
            nb = parameterize_notebook(template, {**job["params"], "municipality_code": code},
                                       kernel_name=job["kernel"], language="python")
            try:
                if client is None:
                    client = NotebookClient(nb, km=km, kernel_name=job["kernel"], timeout=300,
                                            resources={"metadata": {"path": job["cwd"]}})
                else:
                    client.nb = nb
                client.execute()
                prov = dict(job["provenance"], parameters={"municipality_code": code})
                page = page_html(f"Faktaark: {name}", job["scenario_title"], notebook_body_html(nb), prov,
                                 job["example_data"], compact=True)
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
            from jupyter_client.utils import run_sync

            if km.has_kernel:
                run_sync(km.shutdown_kernel)(now=True)
        except Exception:  # pragma: no cover - best effort at shutdown
            pass
    return {"written": written, "failed": failed}


def render_factsheets(root: Path, out_dir: Path, data_path: Path, data: pd.DataFrame, codes: list[str],
                      params: dict, provenance: dict, scenario_title: str, jobs: int = 2, pdf: bool = True,
                      example_data: bool = False) -> FactsheetReport:
    """Execute the factsheet notebook for ``codes`` in ``jobs`` worker processes (one kernel each) and write
    ``<out_dir>/<code>-<name>.html`` (and ``.pdf``)."""
    from ejournal_lib.pipeline.runner import kernel_name

    start = time.perf_counter()
    out_dir.mkdir(parents=True, exist_ok=True)
    rows = data.set_index("municipality_code")
    items = [(c, rows.loc[c, "file_stem"], rows.loc[c, "municipality_name"]) for c in codes]
    jobs = max(1, min(jobs, len(items)))
    chunks = [items[i::jobs] for i in range(jobs)]
    common = {"template": str(root / FACTSHEET_TEMPLATE), "out_dir": str(out_dir), "cwd": str(root),
              "params": {**params, "factsheet_data_path": str(data_path)}, "kernel": kernel_name(),
              "provenance": provenance, "scenario_title": scenario_title, "pdf": pdf, "example_data": example_data,
              "log_level": logging.getLogger().level or logging.WARNING}
    job_list = [{**common, "items": chunk, "worker": i} for i, chunk in enumerate(chunks) if chunk]
    if len(job_list) == 1:
        results = [_render_chunk(job_list[0])]
    else:
        with ProcessPoolExecutor(len(job_list), mp_context=multiprocessing.get_context("spawn")) as pool:
            results = list(pool.map(_render_chunk, job_list))
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
        html_file = out_dir / f"{r.file_stem}.html"
        if not html_file.is_file():
            continue
        pdf_link = f' (<a href="{html.escape(r.file_stem)}.pdf">PDF</a>)' if (out_dir / f"{r.file_stem}.pdf").is_file() else ""
        rows.append(f'<tr><td>{r.municipality_code}</td><td><a href="{html.escape(r.file_stem)}.html">'
                    f"{html.escape(r.municipality_name)}</a>{pdf_link}</td><td class='num'>{r.population:,}</td>"
                    f"<td>{html.escape(str(r.commitment_status))}</td></tr>".replace(",", "\u2009"))
    failures = "".join(f"<li>{html.escape(c)}: {html.escape(m)}</li>" for c, m in sorted(failed.items()))
    page = f"""<!DOCTYPE html><html lang="nb"><head><meta charset="utf-8"/><title>Faktaark</title>
<style>body{{font-family:"DejaVu Sans",Arial,sans-serif;max-width:60em;margin:2em auto}}
td,th{{padding:2px 8px;border-bottom:1px solid #ddd}} .num{{text-align:right}} th{{background:#14365d;color:#fff}}</style>
</head><body><h1>Faktaark for kommunene utenfor Midt-Norge</h1><p>Scenario: {html.escape(scenario_title)}.
{len(rows)} faktaark.</p>{'<h2>Feilet</h2><ul>' + failures + '</ul>' if failures else ''}
<table><thead><tr><th>Nr.</th><th>Kommune</th><th>Innbyggere</th><th>Status</th></tr></thead>
<tbody>{''.join(rows)}</tbody></table></body></html>"""
    path = out_dir / "index.html"
    path.write_text(page, encoding="utf-8")
    return path


def build_factsheets(paths, scenario_path=None, codes: list[str] | None = None, jobs: int = 2, pdf: bool = True,
                     refresh: bool = True) -> FactsheetReport:
    """Bring the national tables up to date (incremental pipeline run), compute every factsheet number
    into ``data/processed/municipality_factsheet_data.csv``, render the factsheets and the index.

    ``codes``: only these municipalities (default: all outside Midt-Norge). Unknown or Midt-Norge codes are
    a ConfigError before anything is rendered.
    """
    from ejournal_lib.common.municipalities import load_midt_norge
    from ejournal_lib.publishing.tables import write_table
    from ejournal_lib.pipeline.runner import base_provenance, failure_summary, plan, run_pipeline, uses_example_data

    if refresh:
        report = run_pipeline(paths, scenario_path)
        if not report.ok:
            raise ConfigError("the pipeline failed, so the factsheets would not be current:\n" + failure_summary(report))
    p = plan(paths, scenario_path)
    loaded = load_factsheet_inputs(paths.root, paths.processed, p.scenario.path)
    data = factsheet_data(loaded["area"], loaded["inputs"], loaded["tables"])
    midt = set(load_midt_norge(paths.raw / "midt_norge_municipalities_2020.csv")["municipality_code"])
    selected = check_codes(codes, data, midt) if codes else list(data["municipality_code"])
    data_path = write_table(data, "municipality_factsheet_data", paths.processed)
    out_dir = paths.reports / "factsheets"
    example = any(uses_example_data({k: v for k, v in p.scenario.notebooks.get(n, {}).items()}) or
                  uses_example_data({k: v.default for k, v in p.specs[n].user_parameters.items()})
                  for n in ("participation", "baseline") if n in p.specs)
    report = render_factsheets(paths.root, out_dir, data_path, data, selected,
                               {"scenario_path": str(p.scenario.path), "processed_dir": str(paths.processed)},
                               base_provenance(paths, p.scenario), p.scenario.title, jobs=jobs, pdf=pdf,
                               example_data=example)
    write_index(out_dir, data, report.failed, p.scenario.title)
    return report
