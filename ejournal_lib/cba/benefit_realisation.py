"""Benefit realisation (DFØ's method): the plan per benefit and the follow-up of realised values.

The plan lives in ``data/raw/benefit_realisation_plan.yaml``; realised indicator values in a CSV file
(indicator_id, municipality_code, golive_year, year, realised_value). The planned value in a year is the
baseline plus the expected improvement times the realisation curve for the years since go-live.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ejournal_lib.pipeline.scenario_file import read_yaml
from ejournal_lib.common.errors import ConfigError, InputProblem, InputError
from ejournal_lib.common.validation import Column, TableSchema, read_raw_table, register_schema

__all__ = ["load_plan", "plan_table", "followup_schema", "load_followup", "followup_status", "PLAN_FIELDS"]

PLAN_FIELDS = ("id", "title", "sub_goal", "owner", "cause_effect_chain", "change_indicators", "risks",
               "how_measured", "indicators", "deadline")
_INDICATOR_FIELDS = {"id", "indicator", "unit", "service", "expected", "low", "high", "baseline", "baseline_year"}


def load_plan(path: str | Path) -> dict:
    """Read and check the plan: every benefit has every field; every target has low ≤ expected ≤ high."""
    path = Path(path)
    data = read_yaml(path, "benefit realisation plan")
    problems, seen = [], set()
    for i, b in enumerate(data.get("benefits") or []):
        for f in PLAN_FIELDS:
            if f not in b or b[f] in (None, "", []):
                problems.append(f"{path}: benefits[{i}] ({b.get('id')}): '{f}' is missing")
        for k in set(b) - set(PLAN_FIELDS):
            problems.append(f"{path}: benefits[{i}]: unknown key '{k}'")
        for j, ind in enumerate(b.get("indicators") or []):
            where = f"{path}: benefits[{i}].indicators[{j}] ({ind.get('id')})"
            for k in set(ind) - _INDICATOR_FIELDS:
                problems.append(f"{where}: unknown key '{k}'")
            if ind.get("id") in seen:
                problems.append(f"{where}: duplicate indicator id")
            seen.add(ind.get("id"))
            try:
                if not ind["low"] <= ind["expected"] <= ind["high"]:
                    problems.append(f"{where}: expected low ≤ expected ≤ high")
            except (KeyError, TypeError):
                problems.append(f"{where}: low, expected and high must be numbers")
    if not data.get("benefits"):
        problems.append(f"{path}: no benefits listed")
    if problems:
        raise ConfigError("invalid benefit realisation plan:\n" + "\n".join(f"  - {p}" for p in problems))
    return data


def plan_table(plan: dict) -> pd.DataFrame:
    """One row per indicator with the benefit's owner, chain, indicators, baseline, targets and timing."""
    rows = []
    for b in plan["benefits"]:
        for ind in b["indicators"]:
            rows.append({
                "benefit_id": b["id"], "benefit": b["title"], "sub_goal": b["sub_goal"], "owner": b["owner"],
                "cause_effect_chain": b["cause_effect_chain"], "change_indicators": b["change_indicators"],
                "indicator_id": ind["id"], "benefit_indicator": ind["indicator"], "unit": ind["unit"],
                "service": ind.get("service") or "",
                "baseline": ind.get("baseline", np.nan),
                "baseline_source": (f"målt {ind['baseline_year']}" if "baseline" in ind else
                                    "nullpunktsmåling før innføring i hver kommune"),
                "target_expected": ind["expected"], "target_low": ind["low"], "target_high": ind["high"],
                "deadline": b["deadline"], "how_measured": b["how_measured"], "risks": b["risks"],
            })
    return pd.DataFrame(rows)


@register_schema(r"benefit_followup.*\.(csv|xlsx)")
def followup_schema() -> TableSchema:
    return TableSchema(
        name="benefit_followup",
        columns=(Column("indicator_id", "code", pattern=r"B\d-[A-Z]+"),
                 Column("municipality_code", "code", pattern=r"\d{4}"),
                 Column("golive_year", "int", min=2020, max=2045),
                 Column("year", "int", min=2020, max=2045),
                 Column("realised_value", "float")),
        unique=("indicator_id", "municipality_code", "year"),
    )


def load_followup(path: str | Path, plan: dict) -> pd.DataFrame:
    """Read realised values; indicator ids must exist in the plan."""
    df = read_raw_table(path, followup_schema())
    known = {ind["id"] for b in plan["benefits"] for ind in b["indicators"]}
    problems = [InputProblem(str(path), i + 1, "indicator_id", f"unknown indicator {v!r}; expected one of the plan's ids")
                for i, v in df["indicator_id"].items() if v not in known]
    if problems:
        raise InputError(problems)
    return df


def followup_status(followup: pd.DataFrame, plan: dict, realisation_by_year: list[float],
                    tolerance: float = 0.10) -> pd.DataFrame:
    """Planned versus realised per indicator, municipality and year.

    planned = baseline + (expected − baseline) × realisation(year − golive_year); status is "på plan" when
    the realised improvement is at least (1 − tolerance) of the planned one, else "bak plan".
    """
    ind = {i["id"]: i for b in plan["benefits"] for i in b["indicators"]}
    curve = np.asarray(realisation_by_year, dtype=float)
    out = followup.copy()
    k = (out["year"] - out["golive_year"]).to_numpy(int)
    r = np.where(k < 0, 0.0, curve[np.clip(k, 0, len(curve) - 1)])
    r = np.where(k >= len(curve), 1.0, r)
    base = out["indicator_id"].map(lambda i: ind[i].get("baseline", 0.0)).astype(float)
    target = out["indicator_id"].map(lambda i: ind[i]["expected"]).astype(float)
    out["indicator"] = out["indicator_id"].map(lambda i: ind[i]["indicator"])
    out["planned_value"] = base + (target - base) * r
    out["deviation"] = out["realised_value"] - out["planned_value"]
    planned_gain = out["planned_value"] - base
    realised_gain = out["realised_value"] - base
    out["status"] = np.where(realised_gain >= (1 - tolerance) * planned_gain, "på plan", "bak plan")
    return out[["indicator_id", "indicator", "municipality_code", "golive_year", "year", "planned_value",
                "realised_value", "deviation", "status"]]
