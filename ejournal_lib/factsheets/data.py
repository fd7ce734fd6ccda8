"""Municipality factsheets: every number of every factsheet, computed at once (vectorised) from the
result graph's national tables (the node ``municipality_factsheet_data``). Rendering (one notebook per municipality, in batch) is in
:mod:`ejournal_lib.pipeline.factsheet_batch`.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ejournal_lib.common.errors import ConfigError

__all__ = ["factsheet_row", "factsheet_data", "read_factsheet_data", "factsheet_filename", "check_codes"]


def factsheet_filename(code: str, name: str) -> str:
    """``<code>-<name>`` with the name made safe for file systems (letters kept, spaces → '_')."""
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in name.split(" - ")[0].strip())
    return f"{code}-{safe}"


def factsheet_data(
    area: pd.DataFrame, inputs, tables: dict[str, pd.DataFrame], staff_per_municipality: pd.DataFrame | None = None
) -> pd.DataFrame:
    """One row per municipality with every number its factsheet shows.

    Staff (FTEs) per service are the scenario's totals for the area allocated by population, unless
    ``staff_per_municipality`` (municipality_code, service, ftes) is given. Freed time at full realisation:
    minutes saved per day × working days × FTEs (hours), ÷ hours per FTE (FTE-equivalents), × hourly cost (NOK).
    ``baseline_source_<service>`` is a code: measured_locally, national_estimate,
    national_estimate_local_suppressed, suppressed or not_measured.
    """
    f = inputs.frame
    svc = inputs.service_table
    out = area[["municipality_code", "municipality_name", "population", "share_of_outside", "rank"]].copy()
    out = out.sort_values("municipality_code").reset_index(drop=True)
    share = out["population"] / out["population"].sum()
    status = tables["public_commitment_status"].set_index("municipality_code")["public_status"]
    out["public_status"] = out["municipality_code"].map(status).fillna("not_named")
    hourly = svc["monthly_labour_cost"] * 12 / f.hours_per_fte
    total_hours = pd.Series(0.0, index=out.index)
    total_mnok = pd.Series(0.0, index=out.index)
    for s in svc.index:
        if staff_per_municipality is not None:
            m = staff_per_municipality[staff_per_municipality["service"] == s].set_index("municipality_code")["ftes"]
            ftes = out["municipality_code"].map(m).fillna(0.0)
        else:
            ftes = svc.loc[s, "ftes"] * share
        hours = svc.loc[s, "minutes_saved_per_day"] / 60 * f.working_days_per_year * ftes
        out[f"ftes_{s}"] = ftes
        out[f"freed_hours_{s}"] = hours
        out[f"freed_fte_{s}"] = hours / f.hours_per_fte
        out[f"freed_mnok_{s}"] = hours * hourly[s] / 1e6
        total_hours += hours
        total_mnok += hours * hourly[s] / 1e6
    out["freed_hours_total"] = total_hours
    out["freed_fte_total"] = total_hours / f.hours_per_fte
    out["freed_mnok_total"] = total_mnok
    dist = tables["municipality_distribution"].set_index("municipality_code")
    for col in ("benefits_mnok", "costs_mnok", "net_mnok", "net_per_inhabitant_nok"):
        out[col] = out["municipality_code"].map(dist[col])
    out["national_municipal_net_per_inhabitant_nok"] = dist["net_mnok"].sum() * 1e6 / dist["population"].sum()
    society = tables["key_figures"].set_index("figure").loc["npv_per_inhabitant_nok"]
    out["society_npv_per_inhabitant_nok"] = float(society["value"])  # type: ignore[arg-type]  # pandas-stubs: a cell may be any scalar
    out["society_npv_basis"] = society["basis"]
    # time-use baseline: measured in the municipality where available (and not suppressed), else national
    national = tables["timeuse_addressable_by_service"].set_index("service")
    local = tables["timeuse_addressable_by_municipality"]
    for s in svc.index:
        nat = national["baseline_addressable_minutes"].get(s, np.nan)
        nat_suppressed = bool(national["suppressed"].get(s, False))
        loc = local[local["service"] == s].set_index("municipality_code")
        measured = out["municipality_code"].map(loc["baseline_addressable_minutes"])
        suppressed = out["municipality_code"].isin(loc.index[loc["suppressed"].astype(bool)])
        fallback = "national_estimate" if pd.notna(nat) else ("suppressed" if nat_suppressed else "not_measured")
        out[f"baseline_minutes_{s}"] = measured.fillna(nat)
        out[f"baseline_source_{s}"] = np.where(
            measured.notna(),
            "measured_locally",
            np.where(
                suppressed & pd.notna(nat),
                "national_estimate_local_suppressed",
                np.where(suppressed, "suppressed", fallback),
            ),
        )
    fu = tables["benefit_followup"]
    counts = fu.groupby("municipality_code")["status"].agg(
        followup_on_plan=lambda x: int((x == "on_plan").sum()),
        followup_behind=lambda x: int((x == "behind_plan").sum()),
    )
    out = out.join(counts, on="municipality_code")
    out[["followup_on_plan", "followup_behind"]] = out[["followup_on_plan", "followup_behind"]].fillna(0).astype(int)
    risk = tables["municipal_risk"].set_index("municipality_code")
    for col in [c for c in risk.columns if c.startswith("prob_negative_")]:
        out[col] = out["municipality_code"].map(risk[col])
    out["file_stem"] = [factsheet_filename(c, n) for c, n in zip(out["municipality_code"], out["municipality_name"])]
    return out


_DATA_CACHE: dict = {}


def read_factsheet_data(path: str | Path) -> pd.DataFrame:
    """The precomputed factsheet table (``municipality_factsheet_data.csv``), read once per process."""
    key = (str(path), Path(path).stat().st_mtime_ns)
    if key not in _DATA_CACHE:
        _DATA_CACHE.clear()
        _DATA_CACHE[key] = pd.read_csv(path, dtype={"municipality_code": str})
    return _DATA_CACHE[key]


def factsheet_row(code, data: pd.DataFrame, midt_norge_codes: set[str]) -> pd.Series:
    """The factsheet numbers for one municipality; unknown or Midt-Norge codes raise ConfigError."""
    code = str(code).zfill(4)  # a code given as a number (e.g. by a command line) loses its leading zero
    check_codes([code], data, midt_norge_codes)
    return data.set_index("municipality_code").loc[code]


def check_codes(codes, data: pd.DataFrame, midt_norge_codes: set[str]) -> list[str]:
    """The codes, checked: Midt-Norge and unknown codes are a ConfigError naming each."""
    known = set(data["municipality_code"])
    problems = []
    for c in codes:
        if c in midt_norge_codes:
            problems.append(f"{c} is in Midt-Norge (covered by Helseplattformen): no factsheet")
        elif c not in known:
            problems.append(f"{c} is not a 2020 municipality code outside Midt-Norge")
    if problems:
        raise ConfigError("; ".join(problems))
    return list(codes)
