"""Governance: the change log with its effect on the numbers, stop points checked against the current
tables, and the goal register with a verifiability check."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

from ejournal_lib.cba.inputs import apply_overrides, parse_cba_inputs
from ejournal_lib.common.errors import ConfigError
from ejournal_lib.pipeline.scenario_file import read_yaml

__all__ = ["STATUSES", "CATEGORIES", "load_change_log", "change_log_table", "overlay_scenarios", "npv_bridge",
           "cost_effects", "load_stop_points", "evaluate_criterion", "evaluate_stop_points", "load_goals",
           "goal_register", "timeline_table"]

STATUSES = ("identified", "assessed", "decided", "rejected", "implemented")
CATEGORIES = ("scope", "cost", "benefit", "risk", "schedule", "method", "participation")
_NEXT = {None: {"identified"}, "identified": {"assessed", "rejected"}, "assessed": {"decided", "rejected"},
         "decided": {"implemented"}, "rejected": set(), "implemented": set()}
STATUS_LABELS = {"identified": "identifisert", "assessed": "vurdert", "decided": "besluttet", "rejected": "avvist",
                 "implemented": "gjennomført"}


def _date(v):
    if isinstance(v, dt.date):
        return pd.Timestamp(v)
    try:
        return pd.Timestamp(str(v))
    except ValueError:
        return None


def load_change_log(path: str | Path, cba_section: dict) -> list[dict]:
    """Read and check the change log: known status and category, status steps in order and not dated
    backwards, unique ids, overlays that name existing cba keys with ``from`` and ``to`` values."""
    path = Path(path)
    data = read_yaml(path, "change log")
    changes = data.get("changes") or []
    problems, seen = [], set()
    for i, c in enumerate(changes):
        where = f"{path}: changes[{i}] ({c.get('id')})"
        for key in ("id", "date", "title", "description", "category", "status_history", "rationale"):
            if key not in c:
                problems.append(f"{where}: '{key}' is missing")
        if c.get("id") in seen:
            problems.append(f"{where}: duplicate id")
        seen.add(c.get("id"))
        if c.get("category") not in CATEGORIES:
            problems.append(f"{where}: unknown category {c.get('category')!r}; valid: {list(CATEGORIES)}")
        prev_status, prev_date = None, None
        for j, step in enumerate(c.get("status_history") or []):
            s, d = step.get("status"), _date(step.get("date"))
            if s not in STATUSES:
                problems.append(f"{where}: status_history[{j}]: unknown status {s!r}; valid: {list(STATUSES)}")
                continue
            if s not in _NEXT[prev_status]:
                problems.append(f"{where}: status_history[{j}]: '{s}' cannot follow "
                                f"{repr(prev_status) if prev_status else 'the start'} (allowed: {sorted(_NEXT[prev_status])})")
            if d is None:
                problems.append(f"{where}: status_history[{j}]: date is missing or invalid")
            elif prev_date is not None and d < prev_date:
                problems.append(f"{where}: status_history[{j}]: dated {d.date()}, before the previous step ({prev_date.date()})")
            if not step.get("by"):
                problems.append(f"{where}: status_history[{j}]: 'by' (who decided) is missing")
            prev_status, prev_date = s, d or prev_date
        overlay = c.get("overlay") or {}
        for key, spec in overlay.items():
            if not isinstance(spec, dict) or set(spec) != {"from", "to"}:
                problems.append(f"{where}: overlay '{key}' needs 'from' and 'to'")
                continue
            try:
                apply_overrides(cba_section, {key: spec["to"]})
            except ConfigError as exc:
                problems.append(f"{where}: overlay names an unknown parameter: {exc}")
        if overlay and c.get("overlay_note"):
            problems.append(f"{where}: give either an overlay or an overlay_note, not both")
    if problems:
        raise ConfigError("invalid change log:\n" + "\n".join(f"  - {p}" for p in problems))
    return changes


def current_status(change: dict) -> tuple[str, str, str]:
    last = change["status_history"][-1]
    return last["status"], str(_date(last["date"]).date()), last["by"]


def change_log_table(changes: list[dict]) -> pd.DataFrame:
    rows = []
    for c in changes:
        status, when, by = current_status(c)
        rows.append({"change_id": c["id"], "date": str(_date(c["date"]).date()), "title": c["title"],
                     "category": c["category"], "status": status, "status_date": when, "decided_by": by,
                     "history": "; ".join(f"{STATUS_LABELS[s['status']]} {_date(s['date']).date()} ({s['by']})"
                                          for s in c["status_history"]),
                     "description": c["description"], "rationale": c["rationale"],
                     "overlay": "; ".join(f"{k}: {v['from']} → {v['to']}" for k, v in (c.get("overlay") or {}).items()),
                     "overlay_note": c.get("overlay_note", "")})
    return pd.DataFrame(rows)


def overlay_scenarios(cba_section: dict, changes: list[dict]) -> list[tuple[str, dict]]:
    """The sequence of scenario sections for the bridge: the previous baseline (every implemented overlay
    at its ``from`` value), then each implemented change with an overlay applied in order (by date, id)."""
    done = [c for c in changes if c.get("overlay") and current_status(c)[0] == "implemented"]
    done.sort(key=lambda c: (_date(c["date"]), c["id"]))
    section = apply_overrides(cba_section, {k: v["from"] for c in done for k, v in c["overlay"].items()})
    steps = [("baseline", section)]
    for c in done:
        section = apply_overrides(section, {k: v["to"] for k, v in c["overlay"].items()})
        steps.append((c["id"], section))
    return steps


def npv_bridge(steps: list[tuple[str, dict]], npv_of) -> pd.DataFrame:
    """Net present value after each step (``npv_of(CBAInputs)``) and the change from the previous one."""
    rows, prev = [], None
    for i, (cid, section) in enumerate(steps):
        value = float(npv_of(parse_cba_inputs(section)))
        rows.append({"step": i, "change_id": cid, "npv_mnok": value, "delta_mnok": 0.0 if prev is None else value - prev})
        prev = value
    return pd.DataFrame(rows)


def cost_effects(steps: list[tuple[str, dict]], cost_of) -> pd.DataFrame:
    """Cost estimate (``cost_of(CBAInputs) -> dict with p50, p85``) after each bridge step and its change."""
    rows, prev = [], None
    for cid, section in steps:
        q = cost_of(parse_cba_inputs(section))
        rows.append({"change_id": cid, "p50_mnok": q["p50"], "p85_mnok": q["p85"],
                     "delta_p50_mnok": 0.0 if prev is None else q["p50"] - prev["p50"],
                     "delta_p85_mnok": 0.0 if prev is None else q["p85"] - prev["p85"]})
        prev = q
    return pd.DataFrame(rows)


def load_stop_points(path: str | Path) -> dict:
    path = Path(path)
    data = read_yaml(path, "stop-point file")
    problems = []
    for sp in data.get("stop_points") or []:
        for c in sp.get("criteria") or []:
            if c.get("type") not in ("rule", "manual"):
                problems.append(f"{path}: {c.get('id')}: type must be 'rule' or 'manual'")
            if c.get("type") == "rule" and c.get("op") not in _OPS:
                problems.append(f"{path}: {c.get('id')}: unknown op {c.get('op')!r}; valid: {sorted(_OPS)}")
            if c.get("type") == "manual" and c.get("status") not in ("met", "not_met", "not_assessable"):
                problems.append(f"{path}: {c.get('id')}: manual status must be met, not_met or not_assessable")
    if problems:
        raise ConfigError("invalid stop points:\n" + "\n".join(f"  - {p}" for p in problems))
    return data


_OPS = {">": lambda v, t: v > t, ">=": lambda v, t: v >= t, "<": lambda v, t: v < t, "<=": lambda v, t: v <= t,
        "==": lambda v, t: v == t, "contains_all": None, "share_equal": None}


def _lookup(tables: dict[str, pd.DataFrame], spec: dict):
    """The value(s) of ``spec['column']`` in ``spec['table']`` after the ``where`` filter; None if unavailable."""
    table = tables.get(spec["table"])
    if table is None or spec["column"] not in table.columns:
        return None
    rows = table
    for k, v in (spec.get("where") or {}).items():
        if k not in rows.columns:
            return None
        rows = rows[rows[k].astype(str) == str(v)]
    return rows[spec["column"]]


def evaluate_criterion(c: dict, tables: dict[str, pd.DataFrame]) -> dict:
    """Evaluate one criterion: status met / not_met / not_assessable with the evidence value and threshold."""
    base = {"criterion_id": c["id"], "criterion": c["text"], "type": c["type"]}
    if c["type"] == "manual":
        return {**base, "value": c.get("assessment", ""), "threshold": "", "status": c["status"],
                "source": f"manuell vurdering ({c.get('assessed_by') or 'ikke vurdert'}, {c.get('date') or 'uten dato'})"}
    source = f"{c['table']}.csv: {c['column']}" + "".join(f" ({v})" for v in (c.get("where") or {}).values())
    values = _lookup(tables, c)
    threshold = c.get("threshold")
    if "threshold_from" in c:
        t = _lookup(tables, c["threshold_from"])
        threshold = None if t is None or len(t) != 1 else pd.to_numeric(t, errors="coerce").iloc[0]
    if values is None or len(values) == 0 or threshold is None or (isinstance(threshold, float) and np.isnan(threshold)):
        return {**base, "value": "", "threshold": threshold, "status": "not_assessable", "source": source}
    op = c["op"]
    if op == "contains_all":
        have = set(values.astype(str))
        missing = [x for x in threshold if str(x) not in have]
        return {**base, "value": ", ".join(sorted(have)), "threshold": ", ".join(map(str, threshold)),
                "status": "met" if not missing else "not_met", "source": source}
    if op == "share_equal":
        share = float((values.astype(str) == str(c["value"])).mean())
        return {**base, "value": share, "threshold": threshold, "status": "met" if share >= threshold else "not_met",
                "source": source + f" (andel '{c['value']}')"}
    numeric = pd.to_numeric(values, errors="coerce")
    if len(numeric) != 1 or numeric.isna().any():  # ambiguous or suppressed ("–")
        return {**base, "value": ", ".join(values.astype(str)), "threshold": threshold, "status": "not_assessable",
                "source": source}
    v = float(numeric.iloc[0])
    return {**base, "value": v, "threshold": threshold, "status": "met" if _OPS[op](v, float(threshold)) else "not_met",
            "source": source}


def evaluate_stop_points(config: dict, tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    rows = []
    for sp in config["stop_points"]:
        for c in sp["criteria"]:
            rows.append({"stop_point": sp["id"], "stop_point_title": sp["title"], "date": str(_date(sp["date"]).date()),
                         **evaluate_criterion(c, tables)})
    out = pd.DataFrame(rows)
    return out[["stop_point", "stop_point_title", "date", "criterion_id", "criterion", "type", "value", "threshold",
                "status", "source"]]


def timeline_table(config: dict) -> pd.DataFrame:
    rows = [{"kind": "fase", "name": p["phase"], "start": str(_date(p["start"]).date()), "end": str(_date(p["end"]).date())}
            for p in config.get("phases", [])]
    rows += [{"kind": "milepæl", "name": m["milestone"], "start": str(_date(m["date"]).date()),
              "end": str(_date(m["date"]).date())} for m in config.get("milestones", [])]
    rows += [{"kind": "stoppunkt", "name": f"{s['id']}: {s['title']}", "start": str(_date(s["date"]).date()),
              "end": str(_date(s["date"]).date())} for s in config.get("stop_points", [])]
    return pd.DataFrame(rows).sort_values(["start", "kind"]).reset_index(drop=True)


GOAL_FIELDS = ("indicator", "unit", "baseline", "expected", "low", "high", "deadline", "source", "frequency",
               "owner", "priority")


def load_goals(path: str | Path) -> list[dict]:
    path = Path(path)
    goals = read_yaml(path, "goal register").get("goals") or []
    ids = [g.get("id") for g in goals]
    dup = sorted({i for i in ids if ids.count(i) > 1})
    if dup:
        raise ConfigError(f"{path}: duplicate goal ids {dup}")
    return goals


def goal_register(goals: list[dict], tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """One row per goal; baselines linked to processed tables are filled in; ``missing`` lists the fields a
    verifiable goal lacks (empty when verifiable)."""
    rows = []
    for g in goals:
        row = {"goal_id": g["id"], "level": g.get("level", ""), "goal": g.get("goal", "")}
        row.update({f: g.get(f) for f in GOAL_FIELDS})
        row["baseline_source"] = ""
        link = g.get("baseline_from")
        if link:
            table, column, cond = link.split(":")
            key, value = cond.split("=")
            v = _lookup(tables, {"table": table, "column": column, "where": {key: value}})
            num = pd.to_numeric(v, errors="coerce") if v is not None else None
            if num is not None and len(num) == 1 and not num.isna().any():
                row["baseline"] = float(num.iloc[0])
                row["baseline_source"] = f"{table}.csv ({value})"
            else:
                row["baseline_source"] = f"{table}.csv ({value}): ikke målt eller prikket"
        missing = [f for f in GOAL_FIELDS if row.get(f) in (None, "") or (isinstance(row.get(f), float) and np.isnan(row[f]))]
        row["missing"] = ", ".join(missing)
        row["verifiable"] = not missing
        rows.append(row)
    out = pd.DataFrame(rows)
    for f in ("baseline", "expected", "low", "high"):  # keep 2025 as 2025 and 15 as 15 (no float formatting)
        out[f] = pd.Series([r[f] for r in rows], dtype=object)
    return out
