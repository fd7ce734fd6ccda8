"""Comparing scenarios: the inputs that differ, key figures and effects side by side, and a bridge from one
scenario to another that attributes the difference in net present value to each group of changed inputs.

The bridge starts from scenario A and applies B's values one input group at a time (a section of the
scenario file: ``cba.frame``, ``cba.participation``, ``settings``, …) in the order of the file; each step's
change is the net present value after it minus the one before, so the steps sum exactly to B − A.
"""

from __future__ import annotations

import pandas as pd

from ejournal_lib.common.formatting import fmt_setting
from ejournal_lib.common.yaml_io import read_yaml
from ejournal_lib.results.what_if import DISTRIBUTION_FIGURES, KEY_FIGURES, KeyFigures, key_figures
from ejournal_lib.scenario import Scenario, load_scenario
from ejournal_lib.scenario.overrides import apply_overrides, differences, flatten

__all__ = [
    "input_differences",
    "key_figures_side_by_side",
    "cash_side_by_side",
    "effects_side_by_side",
    "scenario_bridge",
    "input_group",
]


def input_group(path: str) -> str:
    """The group a dotted path belongs to: ``cba.<section>`` for model inputs, each lever on its own
    (``levers.<name>``), else the top-level section."""
    parts = path.split(".")
    return ".".join(parts[:2]) if parts[0] in ("cba", "levers") and len(parts) > 1 else parts[0]


def _raw(scenario: Scenario) -> dict:
    """The scenario's file as plain YAML, with the overrides it was loaded with (a what-if made with --set)."""
    raw = read_yaml(scenario.file, "scenario")
    return apply_overrides(raw, scenario.overrides) if scenario.overrides else raw


#: Scenario file sections that name and describe a scenario (no value of the model).
_DESCRIPTIVE = ("name", "title", "description")


def input_differences(scenarios: list[Scenario]) -> pd.DataFrame:
    """Every path whose value differs between the first scenario and any other: path, group, and the value
    in each scenario (columns ``scenario_1``, ``scenario_2``, … as reader text: decimal comma, ja/nei)."""
    raws = [_raw(s) for s in scenarios]
    paths = sorted(
        {p for raw in raws[1:] for p, _, _ in differences(raws[0], raw) if input_group(p) not in _DESCRIPTIVE}
    )
    flat = [flatten(raw) for raw in raws]
    rows = []
    for path in paths:
        row = {"parameter": path, "input_group": input_group(path)}
        for i, f in enumerate(flat, start=1):
            row[f"scenario_{i}"] = fmt_setting(f.get(path))
        rows.append(row)
    return pd.DataFrame(rows, columns=["parameter", "input_group", *[f"scenario_{i}" for i in range(1, len(raws) + 1)]])


def _side_by_side(rows: list[str], values: list[dict], key: str) -> pd.DataFrame:
    out = pd.DataFrame({key: rows})
    for i, v in enumerate(values, start=1):
        out[f"scenario_{i}"] = [v.get(r, 0.0) for r in rows]
    for i in range(2, len(values) + 1):
        out[f"difference_{i}"] = out[f"scenario_{i}"] - out["scenario_1"]
    return out


def key_figures_side_by_side(kfs: list[KeyFigures], expected: bool = True) -> pd.DataFrame:
    """One row per key figure of each scenario's ``kfs`` (with ``expected``, also the simulated distribution,
    the probability of a negative value and the break-evens, which ``kfs`` then holds); ``scenario_1``,
    ``scenario_2``, … and ``difference_2``, … (from the first)."""
    metrics = list(KEY_FIGURES) + (list(DISTRIBUTION_FIGURES) if expected else [])
    if not expected:
        metrics.remove("expected_npv_mnok")
    return _side_by_side(metrics, [{k: getattr(kf, k) for k in metrics} for kf in kfs], "metric")


#: The actors and loan variants the comparison's cash table shows (the municipalities carry the loans).
CASH_COLUMNS = (
    ("municipalities", "without_loan_mnok"),
    ("municipalities", "with_loan_mnok"),
    ("state", "without_loan_mnok"),
)


def cash_side_by_side(kfs: list[KeyFigures]) -> pd.DataFrame:
    """Each year's cash (MNOK, the budget profile's prices) for the municipalities without and with loans and
    for the state, per scenario's key figures (computed with their cash): columns ``<actor>_<variant>_<i>``."""
    out = None
    for i, kf in enumerate(kfs, start=1):
        cash = kf.cash
        wide = pd.DataFrame({"year": sorted(cash["year"].unique())})
        for actor, variant in CASH_COLUMNS:
            col = cash[cash["actor"] == actor].set_index("year")[variant]
            wide[f"{actor}_{variant.removesuffix('_mnok')}_{i}"] = wide["year"].map(col).fillna(0.0).to_numpy()
        out = wide if out is None else out.merge(wide, on="year")
    return out if out is not None else pd.DataFrame()


def effects_side_by_side(kfs: list[KeyFigures]) -> pd.DataFrame:
    """Present value per effect (MNOK) and the net present value, per scenario's key figures, with
    differences."""
    values = []
    for kf in kfs:
        by_effect = kf.by_effect
        values.append({**by_effect.to_dict(), "npv": float(by_effect.sum())})
    effects = list(dict.fromkeys(str(e) for v in values for e in v if e != "npv")) + ["npv"]
    return _side_by_side(effects, values, "effect")


def scenario_bridge(a: Scenario, b: Scenario) -> pd.DataFrame:
    """From A to B one input group at a time: group, net present value after the step, and the change.

    Each step loads A with the groups applied so far taken whole from B (checked like a scenario file); the
    last step is B itself, so the changes sum to B − A."""
    raw_a, raw_b = _raw(a), _raw(b)
    order: list[str] = []
    for path, _, _ in differences(raw_a, raw_b):
        group = input_group(path)
        if group not in order and group not in _DESCRIPTIVE:
            order.append(group)
    sections = list(raw_b)
    order.sort(key=lambda g: (sections.index(g.split(".")[0]) if g.split(".")[0] in sections else len(sections), g))
    rows: list[dict] = [{"step": 0, "input_group": "start", "npv_mnok": key_figures(a).npv_mnok, "delta_mnok": 0.0}]
    applied: dict[str, object] = {}
    for i, group in enumerate(order, start=1):
        node = raw_b
        for part in group.split("."):
            node = node[part]
        applied[group] = node
        step = load_scenario(a.file, overrides=dict(applied), root=a.root)
        npv = key_figures(step).npv_mnok
        rows.append({"step": i, "input_group": group, "npv_mnok": npv, "delta_mnok": npv - rows[-1]["npv_mnok"]})
    return pd.DataFrame(rows)
