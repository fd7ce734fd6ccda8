"""Benefit realisation (DFØ's method): the plan per benefit and the follow-up of realised values.

The plan (``data/raw/benefit_realisation_plan.yaml``) is read with the scenario; realised indicator values in a CSV file
(indicator_id, municipality_code, golive_year, year, realised_value). The planned value in a year is the
baseline plus the expected improvement times the realisation curve for the years since go-live.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ejournal_lib.common.errors import InputError, InputProblem
from ejournal_lib.common.validation import Column, TableSchema, read_raw_table
from ejournal_lib.scenario.governance import BenefitPlan

__all__ = ["plan_table", "followup_schema", "load_followup", "followup_status", "FOLLOWUP_STATUSES"]

#: Follow-up status codes (labels: the catalogue's ``followup_status`` domain).
FOLLOWUP_STATUSES = ("on_plan", "behind_plan")


def plan_table(plan: BenefitPlan) -> pd.DataFrame:
    """One row per indicator with the benefit's owner, chain, indicators, baseline, targets and timing.
    ``baseline_year`` is empty where the baseline is to be measured before roll-out in each municipality."""
    rows = []
    for b in plan.benefits:
        for ind in b.indicators:
            rows.append(
                {
                    "benefit_id": b.id,
                    "benefit": b.title,
                    "sub_goal": b.sub_goal,
                    "owner": b.owner,
                    "cause_effect_chain": b.cause_effect_chain,
                    "change_indicators": b.change_indicators,
                    "indicator_id": ind.id,
                    "benefit_indicator": ind.indicator,
                    "unit": ind.unit,
                    "service": ind.service or "",
                    "baseline": np.nan if ind.baseline is None else ind.baseline,
                    "baseline_year": ind.baseline_year if ind.baseline is not None else None,
                    "target_expected": ind.expected,
                    "target_low": ind.low,
                    "target_high": ind.high,
                    "deadline": b.deadline,
                    "how_measured": b.how_measured,
                    "risks": b.risks,
                }
            )
    out = pd.DataFrame(rows)
    out["baseline_year"] = out["baseline_year"].astype("Int64")
    return out


def followup_schema() -> TableSchema:
    return TableSchema(
        name="benefit_followup",
        columns=(
            Column(
                "indicator_id",
                "code",
                pattern=r"B\d-[A-Z]+",
                description="B, a digit, a hyphen and capital letters (B1-HOME)",
            ),
            Column("municipality_code", "code", pattern=r"\d{4}"),
            Column("golive_year", "int", min=2020, max=2045),
            Column("year", "int", min=2020, max=2045),
            Column("realised_value", "float"),
        ),
        unique=("indicator_id", "municipality_code", "year"),
    )


def load_followup(path: str | Path, plan: BenefitPlan) -> pd.DataFrame:
    """Read realised values; indicator ids must exist in the plan."""
    df = read_raw_table(path, followup_schema())
    known = set(plan.indicators)
    problems = [
        InputProblem(str(path), i + 1, "indicator_id", f"unknown indicator {v!r}; expected one of the plan's ids")
        for i, v in enumerate(df["indicator_id"])
        if v not in known
    ]
    if problems:
        raise InputError(problems)
    return df


def followup_status(
    followup: pd.DataFrame, plan: BenefitPlan, realisation_by_year: list[float], tolerance: float
) -> pd.DataFrame:
    """Planned versus realised per indicator, municipality and year.

    planned = baseline + (expected − baseline) × realisation(year − golive_year); status is ``on_plan`` when
    the realised improvement is at least (1 − tolerance) of the planned one, else ``behind_plan``.
    """
    ind = plan.indicators
    curve = np.asarray(realisation_by_year, dtype=float)
    out = followup.copy()
    k = (out["year"] - out["golive_year"]).to_numpy(int)
    r = np.where(k < 0, 0.0, curve[np.clip(k, 0, len(curve) - 1)])
    r = np.where(k >= len(curve), 1.0, r)
    base = out["indicator_id"].map(lambda i: ind[i].baseline or 0.0).astype(float)
    target = out["indicator_id"].map(lambda i: ind[i].expected).astype(float)
    out["indicator"] = out["indicator_id"].map(lambda i: ind[i].indicator)
    out["planned_value"] = base + (target - base) * r
    out["deviation"] = out["realised_value"] - out["planned_value"]
    planned_gain = out["planned_value"] - base
    realised_gain = out["realised_value"] - base
    out["status"] = np.where(realised_gain >= (1 - tolerance) * planned_gain, "on_plan", "behind_plan")
    return out[
        [
            "indicator_id",
            "indicator",
            "municipality_code",
            "golive_year",
            "year",
            "planned_value",
            "realised_value",
            "deviation",
            "status",
        ]
    ]
