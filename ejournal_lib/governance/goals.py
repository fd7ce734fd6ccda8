"""The goal register: effect goals, sub-goals and result goals with indicators, baselines linked to the
time-use baseline where measured, and a check that each goal can be verified."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ejournal_lib.governance.stop_points import lookup
from ejournal_lib.scenario.governance import GoalRegister, TableRef

__all__ = ["goal_register", "GOAL_FIELDS"]

#: What a verifiable goal states (a goal missing any of these is flagged).
GOAL_FIELDS = (
    "indicator",
    "unit",
    "baseline",
    "expected",
    "low",
    "high",
    "deadline",
    "source",
    "frequency",
    "owner",
    "priority",
)


def goal_register(register: GoalRegister, tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """One row per goal; baselines linked to processed tables (``table:column:key=value``) are filled in;
    ``baseline_status`` is ``given``, ``measured``, ``not_measured`` (missing or suppressed) or ``none``;
    ``missing`` lists the fields a verifiable goal lacks (empty when verifiable)."""
    rows = []
    for g in register.goals:
        row: dict[str, object] = {"goal_id": g.id, "level": g.level, "goal": g.goal}
        row.update({f: getattr(g, f) for f in GOAL_FIELDS})
        row["baseline_status"] = "given" if g.baseline is not None else "none"
        row["baseline_source"] = ""
        if g.baseline_from:
            table, column, cond = g.baseline_from.split(":")
            key, value = cond.split("=")
            v = lookup(tables, TableRef(table=table, column=column, where={key: value}))
            num = pd.to_numeric(v, errors="coerce") if v is not None else None
            row["baseline_source"] = f"{table}.{column}[{key}={value}]"
            if num is not None and len(num) == 1 and not num.isna().any():
                row["baseline"], row["baseline_status"] = float(num.iloc[0]), "measured"
            else:
                row["baseline_status"] = "not_measured"
        missing = [f for f in GOAL_FIELDS if (v := row.get(f)) in (None, "") or (isinstance(v, float) and np.isnan(v))]
        row["missing"] = ", ".join(missing)
        row["verifiable"] = not missing
        rows.append(row)
    out = pd.DataFrame(rows)
    for f in ("baseline", "expected", "low", "high"):
        out[f] = pd.to_numeric(out[f], errors="coerce").astype(float)
    return out
