"""``ejournal sweep --config S --vary PATH=V1,V2,… [--vary PATH=…] [--output expected|break_even]``: the key
figures over one or two parameters (a table, for two a grid of rows × columns, a line chart or heat map as PNG
and SVG, and a workbook, in a folder of its own below ``reports/<scenario>/sweeps/``), on the deterministic
engine (milliseconds per point; no notebook runs). Every point is checked like the scenario file; a bad point
is listed with its value and rule, and skipped."""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.ticker import FuncFormatter

from ejournal_lib.common.errors import ConfigError
from ejournal_lib.common.formatting import fmt_number, fmt_setting
from ejournal_lib.common.labels import label, parameter_label
from ejournal_lib.common.tables_io import write_table
from ejournal_lib.common.yaml_io import parse_yaml
from ejournal_lib.pipeline.manifest import base_provenance
from ejournal_lib.pipeline.paths import ProjectPaths
from ejournal_lib.publishing import figures
from ejournal_lib.publishing.workbook import write_workbook
from ejournal_lib.results.what_if import KEY_FIGURES, key_figures
from ejournal_lib.scenario import load_scenario

__all__ = ["parse_vary", "sweep_table", "sweep_grid", "run_sweep", "SweepReport", "OPTIONAL_OUTPUTS"]


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


#: What a sweep may add to the key figures at every point (``--output``): flag of ``key_figures`` → column.
OPTIONAL_OUTPUTS = {"expected": "expected_npv_mnok", "break_even": "break_even_municipal_share"}


def sweep_table(
    scenario, varies: list[tuple[str, list]], outputs: tuple[str, ...] = ()
) -> tuple[pd.DataFrame, list[str]]:
    """Key figures (deterministic; with ``outputs`` also the expected value and/or the break-even) at every
    combination of the varied values: one row per point, a column per varied path (``value_1``,
    ``value_2``) and per key figure; and the points that are not valid scenarios, each as the values and the
    rule it breaks (skipped, not fatal). All points invalid is an error."""
    if not 1 <= len(varies) <= 2:
        raise ConfigError("a sweep varies one or two parameters")
    unknown = set(outputs) - set(OPTIONAL_OUTPUTS)
    if unknown:
        raise ConfigError(f"unknown sweep output {sorted(unknown)}; valid: {', '.join(OPTIONAL_OUTPUTS)}")
    rows, skipped = [], []
    for combo in itertools.product(*[values for _, values in varies]):
        point = {path: v for (path, _), v in zip(varies, combo)}
        try:
            kf = key_figures(scenario, point, **{flag: flag in outputs for flag in OPTIONAL_OUTPUTS})
        except ConfigError as exc:
            rule = str(exc).splitlines()[-1].strip(" -")
            named = ", ".join(f"{p} = {v!r}" for p, v in point.items())
            skipped.append(rule if rule.startswith(named) else f"{named}: {rule}")
            continue
        row = {f"value_{i}": v for i, v in enumerate(combo, start=1)}
        row.update({k: getattr(kf, k) for k in KEY_FIGURES if k != "expected_npv_mnok"})
        row.update({col: getattr(kf, col) for flag, col in OPTIONAL_OUTPUTS.items() if flag in outputs})
        rows.append(row)
    if not rows:
        raise ConfigError("no point of the sweep is a valid scenario:\n" + "\n".join(f"  - {s}" for s in skipped))
    return pd.DataFrame(rows), skipped


def sweep_grid(table: pd.DataFrame, varies: list[tuple[str, list]], figure: str = "npv_mnok") -> pd.DataFrame:
    """Two parameters as a grid: a row per value of the first, a column per value of the second (headed by
    the value as reader text), ``figure`` in the cells; a skipped point is an empty cell."""
    grid = table.pivot(index="value_1", columns="value_2", values=figure)
    grid = grid.reindex(index=[v for v in varies[0][1] if v in grid.index], columns=varies[1][1])
    grid.columns = [fmt_setting(v) for v in grid.columns]
    return grid.reset_index().rename(columns={"value_1": parameter_label(varies[0][0])})


def _numeric(values) -> bool:
    return all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values)


def _chart(table: pd.DataFrame, varies: list[tuple[str, list]]):
    """One parameter: the net present value and the municipalities' over it (a line chart). Two: the net
    present value as a heat map, every cell written out. Words from the label catalogue, decimal commas."""
    fig, ax = figures.new_figure(9, 4.6)
    first = parameter_label(varies[0][0])
    if len(varies) == 1:
        numeric = _numeric(varies[0][1])
        xs = table["value_1"].astype(float) if numeric else np.arange(len(table))
        ax.plot(xs, table["npv_mnok"], marker="o", color=figures.PALETTE[0], label=label("metric", "npv_mnok"))
        ax.plot(
            xs,
            table["municipal_net_mnok"],
            marker="s",
            color=figures.PALETTE[4],
            label=label("metric", "municipal_net_mnok"),
        )
        if numeric:
            ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: fmt_setting(round(v, 6))))
        else:
            ax.set_xticks(xs, [fmt_setting(v) for v in table["value_1"]])
        ax.axhline(0, color="black", lw=0.8)
        ax.yaxis.set_major_formatter(figures.NOK_FORMAT)
        ax.set_ylabel(figures.words("npv_axis"))
        ax.legend(fontsize=8)
    else:
        grid = table.pivot(index="value_1", columns="value_2", values="npv_mnok").reindex(
            index=varies[0][1], columns=varies[1][1]
        )
        lim = float(np.nanmax(np.abs(grid.to_numpy()))) or 1.0
        image = ax.imshow(grid.to_numpy(dtype=float), cmap="RdBu", vmin=-lim, vmax=lim, aspect="auto")
        for (r, c), v in np.ndenumerate(grid.to_numpy(dtype=float)):
            if v == v:  # white on the dark cells, so that every value can be read
                color = "white" if abs(v) > 0.6 * lim else "black"
                ax.text(c, r, fmt_number(v), ha="center", va="center", fontsize=8, color=color)
        ax.grid(False)
        ax.set_xticks(range(grid.shape[1]), [fmt_setting(v) for v in grid.columns])
        ax.set_yticks(range(grid.shape[0]), [fmt_setting(v) for v in grid.index])
        ax.set_ylabel(first)
        fig.colorbar(image, ax=ax, label=figures.words("npv_axis"), format=figures.NOK_FORMAT)
        first = parameter_label(varies[1][0])
    ax.set_xlabel(first)
    ax.set_title(figures.words("sweep_title"))
    fig.tight_layout()
    return fig


def run_sweep(
    paths: ProjectPaths, scenario_path, varies: list[tuple[str, list]], outputs: tuple[str, ...] = ()
) -> SweepReport:
    """Evaluate the sweep and write its table (CSV), for two parameters also its grid (CSV), its chart (PNG
    and SVG) and workbook, in a folder of its own."""
    scenario = load_scenario(scenario_path, root=paths.root)
    start = time.perf_counter()
    table, skipped = sweep_table(scenario, varies, outputs)
    seconds = time.perf_counter() - start
    paths = paths.for_scenario(scenario.name)
    name = "sweep_" + "_x_".join(p.split(".")[-1] for p, _ in varies)
    folder = _new_folder(paths.reports / "sweeps", name)
    described = "; ".join(f"verdi {i} = {parameter_label(p)}" for i, (p, _) in enumerate(varies, start=1))
    write_table(table, "sweep", folder, meta={"caption": f"Nøkkeltall over {described}", "synthetic": False})
    if len(varies) == 2:
        grid = sweep_grid(table, varies)
        caption = f"{label('metric', 'npv_mnok')} (mill. kr): {parameter_label(varies[0][0])} i rader, {parameter_label(varies[1][0])} i kolonner"
        grid.to_csv(folder / "sweep_grid.csv", index=False)
        (folder / "sweep_grid.txt").write_text(caption + "\n", encoding="utf-8")
    chart = folder / "sweep.png"
    fig = _chart(table, varies)
    fig.savefig(chart, dpi=110, metadata={"Software": None})
    fig.savefig(folder / "sweep.svg", metadata={"Date": None})
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
