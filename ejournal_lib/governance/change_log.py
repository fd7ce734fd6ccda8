"""The change log (endringslogg) of the analysis and its effect on the numbers: a bridge from the previous
baseline through each implemented change to the current estimate, for net present value and cost."""

from __future__ import annotations

import pandas as pd

from ejournal_lib.scenario.cba import CBAInputs
from ejournal_lib.scenario.governance import ChangeLog

__all__ = ["change_log_table", "overlay_scenarios", "npv_bridge", "cost_effects"]


def change_log_table(log: ChangeLog) -> pd.DataFrame:
    """One row per change with its current status, the full history and the parameter overlay (codes)."""
    rows = []
    for c in log.changes:
        last = c.current
        rows.append(
            {
                "change_id": c.id,
                "date": c.date.isoformat(),
                "title": c.title,
                "category": c.category,
                "status": last.status,
                "status_date": last.date.isoformat(),
                "decided_by": last.by,
                "history": "; ".join(f"{s.status} {s.date.isoformat()} ({s.by})" for s in c.status_history),
                "history_kind": log.history_kind(c),
                "description": c.description,
                "rationale": c.rationale,
                "overlay": "; ".join(f"{k}: {v.from_} → {v.to}" for k, v in (c.overlay or {}).items()),
                "overlay_parameters": len(c.overlay or {}),
                "overlay_note": c.overlay_note or "",
            }
        )
    return pd.DataFrame(rows)


def overlay_scenarios(inputs: CBAInputs, log: ChangeLog) -> list[tuple[str, CBAInputs]]:
    """The sequence of model inputs for the bridge: the previous baseline (every implemented overlay at its
    ``from`` value), then each implemented change with an overlay applied in order (by date, id)."""
    done = [c for c in log.changes if c.overlay and c.current.status == "implemented"]
    done.sort(key=lambda c: (c.date, c.id))
    current = inputs.with_overrides({k: v.from_ for c in done for k, v in (c.overlay or {}).items()})
    steps = [("baseline", current)]
    for c in done:
        current = current.with_overrides({k: v.to for k, v in (c.overlay or {}).items()})
        steps.append((c.id, current))
    return steps


def npv_bridge(steps: list[tuple[str, CBAInputs]], npv_of) -> pd.DataFrame:
    """Net present value after each step (``npv_of(CBAInputs)``) and the change from the previous one."""
    rows, prev = [], None
    for i, (cid, inputs) in enumerate(steps):
        value = float(npv_of(inputs))
        rows.append(
            {"step": i, "change_id": cid, "npv_mnok": value, "delta_mnok": 0.0 if prev is None else value - prev}
        )
        prev = value
    return pd.DataFrame(rows)


def cost_effects(steps: list[tuple[str, CBAInputs]], cost_of) -> pd.DataFrame:
    """Cost estimate (``cost_of(CBAInputs) -> dict with p50, p85``) after each bridge step and its change."""
    rows, prev = [], None
    for cid, inputs in steps:
        q = cost_of(inputs)
        rows.append(
            {
                "change_id": cid,
                "p50_mnok": q["p50"],
                "p85_mnok": q["p85"],
                "delta_p50_mnok": 0.0 if prev is None else q["p50"] - prev["p50"],
                "delta_p85_mnok": 0.0 if prev is None else q["p85"] - prev["p85"],
            }
        )
        prev = q
    return pd.DataFrame(rows)
