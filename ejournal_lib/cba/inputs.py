"""The cost–benefit model's inputs: the ``cba`` section of a scenario file, checked and typed.

Every figure of the method brief is a named key; an unknown key, a missing key or an invalid value
(negative FTEs, shares above 1, P10 above P90, …) is reported with its full key path, all at once.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ejournal_lib.common.errors import ConfigError
from ejournal_lib.pipeline.scenario_file import read_yaml

__all__ = ["CBAInputs", "parse_cba_inputs", "check_cba_section", "load_cba_inputs", "apply_overrides",
           "SERVICE_COLUMNS", "INTERACTION_KINDS"]

INTERACTION_KINDS = ("gp", "close", "some")
SERVICE_COLUMNS = ("service", "label", "ftes", "monthly_labour_cost", "minutes_saved_per_day",
                   "activity_growth_2040", "gp_interaction", "time_p10", "time_p90")

# kind codes: n = number ≥ 0, N = any number, s = share 0..1, i = integer, t = text, b = bool, rel = relative
# deviation (≥ -1 for P10, ≥ 0 for P90), and structured ones checked by hand below.
_SPEC = {
    "frame": {"source": "t", "base_year": "i", "first_year": "i", "last_year": "i", "investment_last_year": "i",
              "discount_rate": "n", "discount_schedule": "t", "r109_rates": "list", "r109_boundaries": "list",
              "tax_financing_cost": "n", "tax_financing_on_transition": "b", "vat_rate": "n", "hours_per_fte": "n", "working_days_per_year": "n",
              "growth_base_year": "i", "growth_target_year": "i", "area_population": "n"},
    "services": {"source": "t", "table": "table"},
    "participation": {"source": "t", "municipal_share_by_year": "yearshares", "gp_join_share_at_golive": "s",
                      "gp_final_share": "s", "gp_rampup_years": "i", "realisation_by_year_since_golive": "shares",
                      "close_interaction_gp_independent_share_time": "s",
                      "close_interaction_gp_independent_share_harms": "s"},
    "transition": {"source": "t", "productivity_loss_phases": "list", "golive_month": "n"},
    "adverse_events": {"source": "t", "avoidable_share": "s", "working_share_of_patients": "s",
                       "productivity_services": "list", "severity_mix": "dict", "cost_per_harm": "dict",
                       "harms_follow_activity_growth": "b", "table": "table"},
    "investment": {"source": "t", "items": "table", "programme_profile": "yearshares",
                   "local_costs_scale_with_participation": "b"},
    "operation": {"source": "t", "published_pv_mnok": "N"},
    "null_alternative": {"source": "t", "municipal_procurements_per_period": "n", "procurement_period_years": "n",
                         "procurement_cost_mnok": "n", "large_municipality_threshold": "n",
                         "small_municipality_group_size": "n", "municipal_operation_per_inhabitant": "n",
                         "gp_operation_per_gp": "n", "gp_investment_per_gp": "n", "gp_count": "n",
                         "other_contractor_cost_per_year": "n", "other_contractor_count": "n",
                         "shutdown_lag_years": "i"},
    "uncertainty": {"source": "t", "family": "t", "transition_p10": "N", "transition_p90": "N",
                    "legacy_municipal_p10": "N", "legacy_municipal_p90": "N", "legacy_other_p10": "N",
                    "legacy_other_p90": "N", "rollout_pace_p10": "N", "rollout_pace_p90": "N",
                    "gp_participation_p10": "N", "gp_participation_p90": "N", "realisation_pace_p10": "N",
                    "realisation_pace_p90": "N", "functional_scope_min": "N", "functional_scope_max": "N",
                    "delay_years_probabilities": "dict", "investment_from_cost_frames": "b",
                    "time_savings_correlation": "N"},
    "choices": "list",
}
_TABLE_ROWS = {
    "services": {"service": "t", "label": "t", "ftes": "n", "monthly_labour_cost": "n",
                 "minutes_saved_per_day": "n", "activity_growth_2040": "n", "gp_interaction": "t",
                 "time_p10": "N", "time_p90": "N"},
    "adverse_events": {"service": "t", "harms_per_year": "n", "affectable_share": "s"},
    "investment": {"item": "t", "label": "t", "base_mnok": "n", "p50_mnok": "n", "p85_mnok": "n", "timing": "t"},
}
_PAIRS = [("transition_p10", "transition_p90"), ("legacy_municipal_p10", "legacy_municipal_p90"),
          ("legacy_other_p10", "legacy_other_p90"), ("rollout_pace_p10", "rollout_pace_p90"),
          ("gp_participation_p10", "gp_participation_p90"), ("realisation_pace_p10", "realisation_pace_p90"),
          ("functional_scope_min", "functional_scope_max")]


def _is_num(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and np.isfinite(v)


def _check_value(kind: str, value, where: str, problems: list[str]) -> None:
    if kind == "t" and not isinstance(value, str):
        problems.append(f"{where}: expected text, got {value!r}")
    elif kind == "b" and not isinstance(value, bool):
        problems.append(f"{where}: expected true or false, got {value!r}")
    elif kind == "i" and not (isinstance(value, int) and not isinstance(value, bool)):
        problems.append(f"{where}: expected a whole number, got {value!r}")
    elif kind in ("n", "N", "s") and not _is_num(value):
        problems.append(f"{where}: expected a number, got {value!r}")
    elif kind == "n" and value < 0:
        problems.append(f"{where}: must not be negative, got {value}")
    elif kind == "s" and not 0 <= value <= 1:
        problems.append(f"{where}: expected a share between 0 and 1, got {value}")
    elif kind in ("list", "shares", "table") and not isinstance(value, list):
        problems.append(f"{where}: expected a list, got {value!r}")
    elif kind in ("dict", "yearshares") and not isinstance(value, dict):
        problems.append(f"{where}: expected a mapping, got {value!r}")
    elif kind == "shares":
        for i, v in enumerate(value):
            _check_value("s", v, f"{where}[{i}]", problems)
    elif kind == "yearshares":
        for y, v in value.items():
            if not isinstance(y, int):
                problems.append(f"{where}: key {y!r} is not a year")
            _check_value("s", v, f"{where}.{y}", problems)


def _check_mapping(values: dict, spec: dict, where: str, problems: list[str]) -> None:
    """Unknown keys, missing keys and each value's kind; nested blocks (a dict spec) and table rows are
    checked the same way."""
    for key in values:
        if key not in spec:
            problems.append(f"{where}: unknown key '{key}'; valid: {sorted(spec)}")
    for key, kind in spec.items():
        if key not in values:
            problems.append(f"{where}.{key} is missing")
        elif isinstance(kind, dict):
            if isinstance(values[key], dict):
                _check_mapping(values[key], kind, f"{where}.{key}", problems)
            else:
                problems.append(f"{where}.{key}: expected a mapping")
        else:
            _check_value(kind, values[key], f"{where}.{key}", problems)
            if kind == "table" and isinstance(values[key], list):
                row_spec = _TABLE_ROWS[where.split(".")[1]]
                for i, row in enumerate(values[key]):
                    if isinstance(row, dict):
                        _check_mapping(row, row_spec, f"{where}.{key}[{i}]", problems)
                    else:
                        problems.append(f"{where}.{key}[{i}]: expected a mapping")


def check_cba_section(section: dict) -> None:
    """Raise ConfigError listing every problem in a scenario's ``cba`` section."""
    if not isinstance(section, dict):
        raise ConfigError("cba: expected a mapping")
    problems: list[str] = []
    _check_mapping(section, _SPEC, "cba", problems)
    if not problems:
        _check_semantics(section, problems)
    if problems:
        raise ConfigError("invalid cba section:\n" + "\n".join(f"    {p}" for p in problems))


def _check_semantics(c: dict, problems: list[str]) -> None:
    services = [r["service"] for r in c["services"]["table"]]
    if len(set(services)) != len(services):
        problems.append("cba.services.table: duplicate service names")
    for i, r in enumerate(c["services"]["table"]):
        if r["gp_interaction"] not in INTERACTION_KINDS:
            problems.append(f"cba.services.table[{i}].gp_interaction: expected one of {INTERACTION_KINDS}, "
                            f"got {r['gp_interaction']!r}")
        if not r["time_p10"] <= 0 <= r["time_p90"]:
            problems.append(f"cba.services.table[{i}] ({r['service']}): expected time_p10 ≤ 0 ≤ time_p90 "
                            f"(relative to the base estimate), got {r['time_p10']} and {r['time_p90']}")
        if r["time_p10"] > r["time_p90"]:
            problems.append(f"cba.services.table[{i}] ({r['service']}): P10 above P90")
    u = c["uncertainty"]
    for lo, hi in _PAIRS:
        if u[lo] > u[hi]:
            problems.append(f"cba.uncertainty: {lo} ({u[lo]}) is above {hi} ({u[hi]})")
    if u["family"] != "triangular":
        problems.append(f"cba.uncertainty.family: only 'triangular' is implemented, got {u['family']!r}")
    probs = u["delay_years_probabilities"]
    if any(not isinstance(k, int) or k < 0 for k in probs) or abs(sum(probs.values()) - 1) > 1e-9:
        problems.append("cba.uncertainty.delay_years_probabilities: keys must be whole years ≥ 0, "
                        "probabilities summing to 1")
    if not -1 < u["time_savings_correlation"] < 1:
        problems.append("cba.uncertainty.time_savings_correlation: expected a value between -1 and 1")
    f = c["frame"]
    if not f["first_year"] <= f["investment_last_year"] <= f["last_year"]:
        problems.append("cba.frame: expected first_year ≤ investment_last_year ≤ last_year")
    if f["discount_schedule"] not in ("constant", "r109"):
        problems.append(f"cba.frame.discount_schedule: expected 'constant' or 'r109', got {f['discount_schedule']!r}")
    shares = c["participation"]["municipal_share_by_year"]
    ordered = [shares[y] for y in sorted(shares)]
    if any(b < a for a, b in zip(ordered, ordered[1:])):
        problems.append("cba.participation.municipal_share_by_year: shares must not decrease")
    p = c["participation"]
    if p["gp_join_share_at_golive"] > p["gp_final_share"]:
        problems.append("cba.participation: gp_join_share_at_golive is above gp_final_share")
    real = p["realisation_by_year_since_golive"]
    if any(b < a for a, b in zip(real, real[1:])) or (real and real[-1] != 1.0):
        problems.append("cba.participation.realisation_by_year_since_golive: must rise to 1.0")
    prof = c["investment"]["programme_profile"]
    if abs(sum(prof.values()) - 1) > 1e-9:
        problems.append(f"cba.investment.programme_profile: shares must sum to 1, got {sum(prof.values()):.4f}")
    for i, r in enumerate(c["investment"]["items"]):
        if r["p50_mnok"] > r["p85_mnok"]:
            problems.append(f"cba.investment.items[{i}] ({r['item']}): P50 above P85")
        if r["timing"] not in ("programme", "rollout"):
            problems.append(f"cba.investment.items[{i}].timing: expected 'programme' or 'rollout'")
    ae = c["adverse_events"]
    for i, r in enumerate(ae["table"]):
        if r["service"] not in services:
            problems.append(f"cba.adverse_events.table[{i}].service: unknown service {r['service']!r}")
    for s in ae["productivity_services"]:
        if s not in services:
            problems.append(f"cba.adverse_events.productivity_services: unknown service {s!r}")
    mix = ae["severity_mix"]
    if set(mix) != set(ae["cost_per_harm"]) or abs(sum(mix.values()) - 1) > 1e-9:
        problems.append("cba.adverse_events: severity_mix must name the same severities as cost_per_harm "
                        "and sum to 1")
    for ph in c["transition"]["productivity_loss_phases"]:
        if not (isinstance(ph, dict) and set(ph) == {"loss", "months"} and 0 <= ph["loss"] <= 1 and ph["months"] >= 0):
            problems.append("cba.transition.productivity_loss_phases: each phase needs loss (0–1) and months (≥ 0)")


@dataclass(frozen=True)
class CBAInputs:
    """Typed model inputs. ``services`` is a frame indexed by service in scenario order."""

    raw: dict
    services: pd.DataFrame
    harms: pd.DataFrame
    investment: pd.DataFrame

    @property
    def frame(self) -> dict:
        return self.raw["frame"]

    @property
    def participation(self) -> dict:
        return self.raw["participation"]

    @property
    def years(self) -> np.ndarray:
        return np.arange(self.frame["first_year"], self.frame["last_year"] + 1)

    @property
    def schedule(self):
        f = self.frame
        if f["discount_schedule"] == "r109":
            return {"rates": f["r109_rates"], "boundaries": f["r109_boundaries"]}
        return f["discount_rate"]

    @property
    def choices(self) -> list[str]:
        return list(self.raw.get("choices", []))

    def section(self, name: str) -> dict:
        return self.raw[name]


def parse_cba_inputs(section: dict) -> CBAInputs:
    """Check a ``cba`` section and return typed inputs."""
    check_cba_section(section)
    services = pd.DataFrame(section["services"]["table"]).set_index("service")
    harms = pd.DataFrame(section["adverse_events"]["table"]).set_index("service")
    investment = pd.DataFrame(section["investment"]["items"]).set_index("item")
    return CBAInputs(raw=copy.deepcopy(section), services=services, harms=harms, investment=investment)


def load_cba_inputs(scenario_path: str | Path, overrides: dict | None = None) -> CBAInputs:
    """Read the ``cba`` section of a scenario file (optionally with dotted-key overrides applied)."""
    path = Path(scenario_path)
    data = read_yaml(path, "scenario file")
    if "cba" not in data:
        raise ConfigError(f"scenario file {path} has no 'cba' section")
    section = apply_overrides(data["cba"], overrides or {})
    return parse_cba_inputs(section)


def apply_overrides(section: dict, overrides: dict) -> dict:
    """Return a copy of ``section`` with ``{"a.b.c": value}`` overrides applied.

    Table rows are addressed by their key column: ``services.table.home_services.minutes_saved_per_day``.
    Unknown paths are errors (so a change-log overlay cannot silently miss).
    """
    out = copy.deepcopy(section)
    for dotted, value in overrides.items():
        parts = dotted.split(".")
        node = out
        for i, part in enumerate(parts[:-1]):
            if isinstance(node, list):
                match = [r for r in node if isinstance(r, dict) and part in (r.get("service"), r.get("item"))]
                if not match:
                    raise ConfigError(f"override '{dotted}': no row '{part}'")
                node = match[0]
            elif isinstance(node, dict) and part in node:
                node = node[part]
            elif isinstance(node, dict) and part.isdigit() and int(part) in node:
                node = node[int(part)]
            else:
                raise ConfigError(f"override '{dotted}': unknown key '{part}'")
        last = parts[-1]
        if isinstance(node, dict) and last.isdigit() and int(last) in node:
            last = int(last)
        if not isinstance(node, dict) or last not in node:
            raise ConfigError(f"override '{dotted}': unknown key '{parts[-1]}'")
        node[last] = value
    return out
