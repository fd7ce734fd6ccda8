"""Stop points (stoppunkter): each criterion evaluated against the current tables or taken from its manual
assessment, and the timeline of phases, milestones and stop points."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ejournal_lib.scenario.governance import ManualCriterion, RuleCriterion, StopPointConfig, TableRef

__all__ = ["lookup", "evaluate_criterion", "evaluate_stop_points", "timeline_table", "CRITERION_STATUSES"]

#: Status codes of a criterion (labels: the catalogue's ``criterion_status`` domain).
CRITERION_STATUSES = ("met", "not_met", "not_assessable")
_COMPARE = {">": np.greater, ">=": np.greater_equal, "<": np.less, "<=": np.less_equal, "==": np.equal}


def lookup(tables: dict[str, pd.DataFrame], ref: TableRef | RuleCriterion):
    """The values of ``ref.column`` in ``ref.table`` after the ``where`` filter; None if unavailable."""
    table = tables.get(ref.table)
    if table is None or ref.column not in table.columns:
        return None
    rows = table
    for k, v in ref.where.items():
        if k not in rows.columns:
            return None
        rows = rows[rows[k].astype(str) == str(v)]
    return rows[ref.column]


def _source(c: RuleCriterion) -> str:
    return f"{c.table}.{c.column}" + "".join(f"[{k}={v}]" for k, v in c.where.items())


def evaluate_criterion(c: RuleCriterion | ManualCriterion, tables: dict[str, pd.DataFrame]) -> dict:
    """One criterion's status (met / not_met / not_assessable) with its evidence: ``value`` (a number where
    the rule compares numbers), ``evidence`` (text: codes found, or the manual assessment), ``threshold``."""
    base = {
        "criterion_id": c.id,
        "criterion": c.text,
        "type": c.type,
        "value": np.nan,
        "evidence": "",
        "threshold": np.nan,
        "threshold_codes": "",
        "unit": getattr(c, "unit", ""),
    }
    if isinstance(c, ManualCriterion):
        return {
            **base,
            "evidence": c.assessment,
            "status": c.status,
            "source": "manual",
            "assessed_by": c.assessed_by,
            "assessed_on": c.date.isoformat() if c.date else "",
        }
    out = {**base, "source": _source(c), "assessed_by": "", "assessed_on": ""}
    values = lookup(tables, c)
    threshold = c.threshold
    if c.threshold_from is not None:
        t = lookup(tables, c.threshold_from)
        threshold = None if t is None or len(t) != 1 else float(pd.to_numeric(t, errors="coerce").iloc[0])
    if isinstance(threshold, list):
        out["threshold_codes"] = ", ".join(threshold)
    elif threshold is not None:
        out["threshold"] = threshold
    if (
        values is None
        or len(values) == 0
        or threshold is None
        or (isinstance(threshold, float) and np.isnan(threshold))
    ):
        return {**out, "status": "not_assessable"}
    if c.op == "contains_all":
        have = set(values.astype(str))
        missing = [x for x in threshold if str(x) not in have] if isinstance(threshold, list) else []
        return {**out, "evidence": ", ".join(sorted(have)), "status": "met" if not missing else "not_met"}
    if isinstance(threshold, list):  # the config model allows a list only with contains_all
        raise TypeError(f"{c.id}: a list of codes as threshold needs op contains_all")
    limit = float(threshold)
    if c.op == "share_equal":
        share = float((values.astype(str) == str(c.value)).mean())
        return {**out, "value": share, "status": "met" if share >= limit else "not_met"}
    numeric = pd.to_numeric(values, errors="coerce")
    if len(numeric) != 1 or numeric.isna().any():  # ambiguous, or a suppressed (empty) cell
        return {**out, "status": "not_assessable"}
    v = float(numeric.iloc[0])
    return {**out, "value": v, "status": "met" if _COMPARE[c.op](v, limit) else "not_met"}


def evaluate_stop_points(config: StopPointConfig, tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Every criterion of every stop point, evaluated."""
    rows = [
        {
            "stop_point": sp.id,
            "stop_point_title": sp.title,
            "date": sp.date.isoformat(),
            **evaluate_criterion(c, tables),
        }
        for sp in config.stop_points
        for c in sp.criteria
    ]
    return pd.DataFrame(rows)


def timeline_table(config: StopPointConfig) -> pd.DataFrame:
    """Phases, milestones and stop points with ISO dates; ``kind`` is phase, milestone or stop_point."""
    rows = [
        {"kind": "phase", "name": p.phase, "start": p.start.isoformat(), "end": p.end.isoformat()}
        for p in config.phases
    ]
    rows += [
        {"kind": "milestone", "name": m.milestone, "start": m.date.isoformat(), "end": m.date.isoformat()}
        for m in config.milestones
    ]
    rows += [
        {"kind": "stop_point", "name": f"{s.id}: {s.title}", "start": s.date.isoformat(), "end": s.date.isoformat()}
        for s in config.stop_points
    ]
    out = pd.DataFrame(rows)
    order = out["kind"].map({"phase": 0, "milestone": 1, "stop_point": 2})
    return out.assign(_order=order).sort_values(["start", "_order"]).drop(columns="_order").reset_index(drop=True)
