"""``ejournal sweep --config S --vary PATH=V1,V2,… [--vary PATH=…]``: the key figures over one or two parameters
(a table, a chart and a workbook in ``reports/<scenario>/sweeps/``), on the deterministic engine (milliseconds
per point; no notebook runs). Every point is checked like the scenario file."""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ejournal_lib.common.errors import ConfigError
from ejournal_lib.common.tables_io import write_table
from ejournal_lib.common.yaml_io import parse_yaml
from ejournal_lib.pipeline.manifest import base_provenance
from ejournal_lib.pipeline.paths import ProjectPaths
from ejournal_lib.publishing import figures
from ejournal_lib.publishing.workbook import write_workbook
from ejournal_lib.results.what_if import KEY_FIGURES, key_figures
from ejournal_lib.scenario import load_scenario

__all__ = ["parse_vary", "sweep_table", "run_sweep", "SweepReport"]


@dataclass(frozen=True)
class SweepReport:
    folder: Path
    table: pd.DataFrame
    workbook: Path
    chart: Path
    points: int
    seconds: float
    skipped: tuple[str, ...] = ()


def parse_vary(text: str) -> tuple[str, list]:
    """``"cba.frame.discount_rate=0.02,0.03"`` → (path, [0.02, 0.03]); ``FROM:TO:N`` gives N evenly spaced
    values; each value is read as YAML (numbers, words, lists).

    >>> parse_vary("cba.frame.discount_rate=0.02:0.05:4")
    ('cba.frame.discount_rate', [0.02, 0.03, 0.04, 0.05])
    """
    if "=" not in text:
        raise ConfigError(f"--vary {text!r}: expected PATH=V1,V2,… (or PATH=FROM:TO:N)")
    path, values = text.split("=", 1)
    parts = values.split(":")
    if len(parts) == 3 and all(p.strip() for p in parts):
        try:
            lo, hi, n = float(parts[0]), float(parts[1]), int(parts[2])
        except ValueError as exc:
            raise ConfigError(f"--vary {text!r}: FROM:TO:N needs two numbers and a count") from exc
        if n < 2:
            raise ConfigError(f"--vary {text!r}: N must be at least 2")
        return path.strip(), [round(float(v), 12) for v in np.linspace(lo, hi, n)]
    parsed = [parse_yaml(v.strip(), f"--vary {path}") for v in values.split(",") if v.strip()]
    if not parsed:
        raise ConfigError(f"--vary {text!r}: give at least one value")
    return path.strip(), parsed


def sweep_table(scenario, varies: list[tuple[str, list]]) -> tuple[pd.DataFrame, list[str]]:
    """Key figures (deterministic) at every combination of the varied values: one row per point, a column per
    varied path (``value_1``, ``value_2``) and per key figure; and the points that are not valid scenarios,
    each as the values and the rule it breaks (skipped, not fatal). All points invalid is an error."""
    if not 1 <= len(varies) <= 2:
        raise ConfigError("a sweep varies one or two parameters")
    rows, skipped = [], []
    for combo in itertools.product(*[values for _, values in varies]):
        point = {path: v for (path, _), v in zip(varies, combo)}
        try:
            kf = key_figures(scenario, point)
        except ConfigError as exc:
            rule = str(exc).splitlines()[-1].strip(" -")
            named = ", ".join(f"{p} = {v!r}" for p, v in point.items())
            skipped.append(rule if rule.startswith(named) else f"{named}: {rule}")
            continue
        row = {f"value_{i}": v for i, v in enumerate(combo, start=1)}
        row.update({k: getattr(kf, k) for k in KEY_FIGURES if k != "expected_npv_mnok"})
        rows.append(row)
    if not rows:
        raise ConfigError("no point of the sweep is a valid scenario:\n" + "\n".join(f"  - {s}" for s in skipped))
    return pd.DataFrame(rows), skipped


def _chart(table: pd.DataFrame, varies: list[tuple[str, list]]):
    fig, ax = figures.new_figure(9, 4.4)
    x = table["value_1"].astype(float) if all(isinstance(v, (int, float)) for v in varies[0][1]) else None
    if len(varies) == 1:
        xs = x if x is not None else np.arange(len(table))
        ax.plot(xs, table["npv_mnok"], marker="o", color=figures.PALETTE[0], label="Netto nåverdi")
        ax.plot(xs, table["municipal_net_mnok"], marker="s", color=figures.PALETTE[4], label="Kommunenes netto nåverdi")
    else:
        for i, (v2, sub) in enumerate(table.groupby("value_2", sort=False)):
            xs = sub["value_1"].astype(float) if x is not None else np.arange(len(sub))
            ax.plot(
                xs,
                sub["npv_mnok"],
                marker="o",
                color=figures.PALETTE[i % len(figures.PALETTE)],
                label=f"{varies[1][0]} = {v2}",
            )
    if x is None:
        ax.set_xticks(np.arange(len(varies[0][1])), [str(v) for v in varies[0][1]])
    ax.axhline(0, color="black", lw=0.8)
    ax.set_xlabel(varies[0][0])
    ax.set_ylabel("Mill. kr (nåverdi)")
    ax.set_title("Nøkkeltall over parameteren")
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def run_sweep(paths: ProjectPaths, scenario_path, varies: list[tuple[str, list]]) -> SweepReport:
    """Evaluate the sweep and write its table (CSV), chart (PNG) and workbook."""
    scenario = load_scenario(scenario_path, root=paths.root)
    start = time.perf_counter()
    table, skipped = sweep_table(scenario, varies)
    seconds = time.perf_counter() - start
    paths = paths.for_scenario(scenario.name)
    name = "sweep_" + "_x_".join(p.split(".")[-1] for p, _ in varies)
    folder = _new_folder(paths.reports / "sweeps", name)
    described = "; ".join(f"value_{i} = {p}" for i, (p, _) in enumerate(varies, start=1))
    write_table(table, "sweep", folder, meta={"caption": f"Nøkkeltall over {described}", "synthetic": False})
    chart = folder / "sweep.png"
    fig = _chart(table, varies)
    fig.savefig(chart, dpi=110, metadata={"Software": None})
    import matplotlib.pyplot as plt

    plt.close(fig)
    prov = base_provenance(paths, scenario)
    workbook = write_workbook(
        folder / "sweep.xlsx",
        folder,
        {"sweep": "sweep"},
        prov,
        {"sweep": f"Parametervariasjon: {described}"},
        files_in=str(folder.relative_to(paths.out)),
    )
    if skipped:
        (folder / "skipped.txt").write_text("\n".join(skipped) + "\n", encoding="utf-8")
    return SweepReport(folder, table, workbook, chart, len(table), seconds, tuple(skipped))


def _new_folder(parent: Path, name: str) -> Path:
    """A folder of its own for this sweep (``name``, else ``name_2``, ``name_3``, …): no sweep overwrites another."""
    for n in itertools.count(1):
        folder = parent / (name if n == 1 else f"{name}_{n}")
        try:
            folder.mkdir(parents=True)
            return folder
        except FileExistsError:
            continue
    raise AssertionError("unreachable")
