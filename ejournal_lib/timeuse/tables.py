"""All tables of the baseline time-use appendix, from checked registrations in one call."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ejournal_lib.common.disclosure import (
    against_earlier,
    apply_suppression,
    hide_totals,
    protect_hierarchy,
    published_blocks,
)
from ejournal_lib.common.disclosure_registry import DisclosureRegistry
from ejournal_lib.scenario.codebook import Codebook
from ejournal_lib.timeuse.data import TimeUseData
from ejournal_lib.timeuse.estimation import (
    mean_interval,
    minutes_per_day,
    national_extrapolation,
    staff_day_minutes,
    variance_components,
    verify_assumptions,
)
from ejournal_lib.timeuse.survey_design import design_table, precision_table
from ejournal_lib.timeuse.work_sampling import sampling_proportions, work_sampling_margin, work_sampling_sample_size

__all__ = [
    "timeuse_tables",
    "limitations",
    "ADDRESSABLE",
    "MIN_MUNICIPALITIES_FOR_COMPONENTS",
    "MIN_MUNICIPALITIES_FOR_INTERVALS",
]

ADDRESSABLE = "addressable_total"
#: Variance components need at least this many municipalities (and k staff) in a service and role.
MIN_MUNICIPALITIES_FOR_COMPONENTS = 3
_COMPONENT_COLUMNS = [
    "service", "role", "n_staff", "n_municipalities", "model_status", "mean", "var_municipality", "var_staff",
    "var_residual", "icc_municipality", "icc_staff", "icc_same_staff", "days_per_staff", "staff_per_municipality",
    "design_effect", "converged",
]  # fmt: skip
#: Cluster-bootstrap intervals need at least this many municipalities in a cell.
MIN_MUNICIPALITIES_FOR_INTERVALS = 2


def _addressable_days(data: TimeUseData) -> pd.DataFrame:
    acts = data.activities.assign(kind=np.where(data.activities["addressable"], ADDRESSABLE, "not_addressable"))
    return staff_day_minutes(acts, data.sessions, by="kind")


def work_sampling_sample_sizes() -> pd.DataFrame:
    """Observations a work-sampling study needs for common proportions, margins and confidence (no data)."""
    return pd.DataFrame(
        [
            {"p": p, "margin": e, "relative": rel, "z": zz, "n_observations": work_sampling_sample_size(p, e, zz, rel)}
            for p in (0.05, 0.10, 0.20, 0.50)
            for e, rel in ((0.02, False), (0.05, False), (0.20, True))
            for zz in (1.96, 2.0)
        ]
    )


def timeuse_tables(
    data: TimeUseData,
    codebook: Codebook,
    services: pd.DataFrame,
    hours_per_fte: float,
    working_days: float,
    *,
    level: float,
    k: int,
    plausible_max: float,
    questionable_max: float,
    margin_minutes: float,
    z: float,
    design: tuple[int, int],
    power: float,
    planner_variances: dict | None = None,
    registry: DisclosureRegistry | None = None,
) -> dict:
    """Minutes per day, verification against the assumed savings, variance components, design planner,
    work sampling and national extrapolation. Cells based on fewer than ``k`` staff are suppressed, and
    further cells where a service total minus its published municipality or role cells would give them back
    (:func:`~ejournal_lib.common.disclosure.protect_hierarchy`); one decision per cell for every table. With a
    ``registry``, a service whose registrations overlap, but differ from, those an earlier publication of the
    project showed is hidden whole (:func:`~ejournal_lib.common.disclosure.against_earlier`), and the blocks
    this publication shows are returned (``_published_blocks``) for the registry.

    The planner uses ``planner_variances`` (var_municipality, var_staff, var_residual) when given, else the
    mean of the variance components estimated from these data (the pilot); ``design`` (staff per
    municipality, days per staff) and ``power`` set what a decision-grade measurement needs."""
    groups = list(codebook.group_table["group"])
    days = staff_day_minutes(data.activities, data.sessions)
    for g in groups:
        if g not in days:
            days[g] = 0.0
    addr = _addressable_days(data)
    days[ADDRESSABLE] = addr.set_index("session_id").reindex(days["session_id"])[ADDRESSABLE].fillna(0.0).to_numpy()
    per_cell = minutes_per_day(days, groups + [ADDRESSABLE], level=level)

    # addressable minutes per service (roles pooled as observed)
    rows = []
    for service, d in days.groupby("service"):
        b = mean_interval(d[ADDRESSABLE].to_numpy(), d["municipality_code"], d["staff_id"], level)
        rows.append(
            {
                "service": service,
                "baseline_addressable_minutes": b["estimate"],
                "ci_low": b["ci_low"],
                "ci_high": b["ci_high"],
                "n_staff_days": len(d),
                "n_staff": d["staff_id"].nunique(),
                "n_municipalities": d["municipality_code"].nunique(),
            }
        )
    addressable = pd.DataFrame(rows)
    by_muni = days.groupby(["municipality_code", "service"], as_index=False).agg(
        baseline_addressable_minutes=(ADDRESSABLE, "mean"),
        n_staff_days=(ADDRESSABLE, "size"),
        n_staff=("staff_id", "nunique"),
    )
    verdict = verify_assumptions(addressable, services["minutes_saved_per_day"], plausible_max, questionable_max)
    national = national_extrapolation(addressable, services, hours_per_fte, working_days)

    vc_rows = []
    for (service_code, role), d in days.groupby(["service", "role"]):
        if d["municipality_code"].nunique() < MIN_MUNICIPALITIES_FOR_COMPONENTS or d["staff_id"].nunique() < k:
            vc_rows.append(
                {
                    "service": service_code,
                    "role": role,
                    "n_staff": d["staff_id"].nunique(),
                    "n_municipalities": d["municipality_code"].nunique(),
                    "model_status": "too_few_units",
                }
            )
            continue
        vc = variance_components(d[ADDRESSABLE].to_numpy(), d["municipality_code"].to_numpy(), d["staff_id"].to_numpy())
        vc_rows.append(
            {
                "service": service_code,
                "role": role,
                "n_staff": d["staff_id"].nunique(),
                "n_municipalities": d["municipality_code"].nunique(),
                **vc,
                "model_status": "fitted",
            }
        )
    components = pd.DataFrame(vc_rows).reindex(columns=_COMPONENT_COLUMNS)  # the same columns when none is fitted
    fitted = components.dropna(subset=["var_residual"]) if "var_residual" in components else components.iloc[0:0]
    if planner_variances:
        missing = {"var_municipality", "var_staff", "var_residual"} - set(planner_variances)
        if missing:
            raise ValueError(f"planner_variances lacks {sorted(missing)}")
        pooled = pd.Series(planner_variances, dtype=float)
    elif len(fitted):
        pooled = fitted[["var_municipality", "var_staff", "var_residual"]].mean()
    else:  # a small pilot: no variances to plan with (the limitations table says why)
        pooled = pd.Series(np.nan, index=["var_municipality", "var_staff", "var_residual"])
    planner = (
        design_table(
            margin_minutes, pooled["var_municipality"], pooled["var_staff"], pooled["var_residual"], level=level
        )
        if pooled.notna().all()
        else pd.DataFrame(
            columns=[
                "staff_per_municipality",
                "days_per_staff",
                "municipalities",
                "staff",
                "staff_days",
                "design_effect",
                "margin_minutes",
                "level",
            ]
        )
    )
    ws_sizes = work_sampling_sample_sizes()
    sampling = sampling_proportions(data.sampling, data.sessions, groups, z) if len(data.sampling) else pd.DataFrame()
    if len(sampling):
        sampling["margin_achieved"] = [
            work_sampling_margin(max(min(p, 0.999), 0.001), n, z)
            for p, n in zip(sampling["proportion"], sampling["n_observations"])
        ]
    splits = {"role": ["service", "role"], "municipality": ["municipality_code", "service"]}
    cells = protect_hierarchy(days, ["service"], splits, k)
    blocks: dict = {}
    hidden: set = set()
    if registry is not None:  # beside what earlier publications of the project showed
        units = days.assign(unit=registry.unit_ids(_registrations(data, days)))
        blocks = published_blocks(units, cells, ["service"], splits, "unit")
        hidden = against_earlier(blocks, registry.blocks)
        hide_totals(cells, ["service"], hidden, "earlier_publication")
        blocks = {t: b for t, b in blocks.items() if t not in hidden}
    service_cells, role_cells, municipality_cells = cells["total"], cells["role"], cells["municipality"]
    return {
        "timeuse_minutes_per_day": apply_suppression(per_cell, role_cells, ["service", "role"], ["activity_group"]),
        "timeuse_addressable_by_service": apply_suppression(addressable, service_cells, ["service"]),
        "timeuse_addressable_by_municipality": apply_suppression(
            by_muni, municipality_cells, ["municipality_code", "service"]
        ),
        "timeuse_vs_assumption": apply_suppression(verdict, service_cells, ["service"], ["assumed_minutes_saved"]),
        "timeuse_variance_components": apply_suppression(components, role_cells, ["service", "role"], ["model_status"]),
        "timeuse_sample_size": planner,
        "timeuse_work_sampling_sample_size": ws_sizes,
        "timeuse_work_sampling": apply_suppression(sampling, service_cells, ["service"], ["activity_group"])
        if len(sampling)
        else sampling,
        "timeuse_national": apply_suppression(national, service_cells, ["service"], ["ftes"]),
        "timeuse_precision": precision_table(
            apply_suppression(addressable, service_cells, ["service"]),
            services["minutes_saved_per_day"],
            pooled["var_municipality"],
            pooled["var_staff"],
            pooled["var_residual"],
            *design,
            level=level,
            power=power,
        ),
        "_pooled_components": pooled,
        "_published_blocks": list(blocks.values()),
        "timeuse_limitations": limitations(
            days,
            components,
            pooled,
            k,
            bool(planner_variances),
            None if registry is None else (len(blocks), len(hidden)),
        ),
    }


def _registrations(data: TimeUseData, days: pd.DataFrame) -> pd.DataFrame:
    """Each staff-day's whole registration, one row per row of ``days``: the session without its id, the
    minutes per activity group and the work-sampling moments per activity (what a publication could show)."""
    session = data.sessions.set_index("session_id").drop(columns=["observer_id"], errors="ignore")
    moments = (
        data.sampling.groupby(["session_id", "activity_code"]).size().unstack(fill_value=0)
        if len(data.sampling)
        else pd.DataFrame(index=session.index)
    )
    minutes = days.set_index("session_id").drop(columns=session.columns, errors="ignore")
    whole = session.join(minutes.add_prefix("minutes:")).join(moments.add_prefix("moments:")).fillna(0)
    return whole.reindex(days["session_id"]).reset_index(drop=True)


def limitations(
    days: pd.DataFrame,
    components: pd.DataFrame,
    pooled: pd.Series,
    k: int,
    given: bool,
    beside_earlier: tuple[int, int] | None = None,
) -> pd.DataFrame:
    """What the registrations cannot estimate, and why: one row per kind of estimate with its status
    (``ok``, ``not_estimable``, ``unreliable``), what there is (``have``) and what it needs (``need``), counted in
    ``unit`` (municipalities, staff, fitted cells, services) and ``counted`` where (``most_in_cell``: the service
    and role with the most; ``fewest_in_service``: the service with the fewest; ``in_all``). ``beside_earlier``
    (services shown, services hidden because an earlier publication showed overlapping registrations) adds a
    row when the run checked the project's earlier publications."""
    fitted = int((components.get("model_status", pd.Series(dtype=str)) == "fitted").sum())
    staff_per_cell = days.groupby(["service", "role"])["staff_id"].nunique()
    munis_per_cell = days.groupby(["service", "role"])["municipality_code"].nunique()
    munis_per_service = days.groupby("service")["municipality_code"].nunique()

    def row(estimate, ok, have, need, unit, counted, otherwise="not_estimable"):
        status = "ok" if ok else otherwise
        return {"estimate": estimate, "status": status, "have": have, "need": need, "unit": unit, "counted": counted}

    return pd.DataFrame(
        [
            row("cells_published", (staff_per_cell >= k).any(), int(staff_per_cell.max()), k, "staff", "most_in_cell"),
            row(
                "variance_components",
                fitted > 0,
                int(munis_per_cell.max()),
                MIN_MUNICIPALITIES_FOR_COMPONENTS,
                "municipalities",
                "most_in_cell",
            ),
            row("design_planner", given or fitted > 0, fitted, 0 if given else 1, "fitted_cells", "in_all"),
            row(
                "intervals",
                bool((munis_per_service >= MIN_MUNICIPALITIES_FOR_INTERVALS).all()),
                int(munis_per_service.min()),
                MIN_MUNICIPALITIES_FOR_INTERVALS,
                "municipalities",
                "fewest_in_service",
                otherwise="unreliable",
            ),
        ]
        + (
            [row("beside_earlier", not beside_earlier[1], beside_earlier[0], sum(beside_earlier), "services", "in_all")]
            if beside_earlier is not None
            else []
        )
    )
