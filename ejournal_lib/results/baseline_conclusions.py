"""Result-graph node: the baseline appendix's page 1, generated from its results (what was measured, the
addressable time, the assumed saving against it, the precision, the study a verification needs, the national
extrapolation, the limits of the sample and the suppression). Each sentence is chosen by its condition; the
words are the label catalogue's (``baseline_point`` domain)."""

from __future__ import annotations

import pandas as pd

from ejournal_lib.common.formatting import fmt_number, fmt_percent
from ejournal_lib.common.labels import label
from ejournal_lib.results import lineage
from ejournal_lib.scenario import Scenario


def baseline_conclusions(
    baseline_summary: pd.DataFrame, timeuse_limitations: pd.DataFrame, data_input_kinds: dict, scenario: Scenario
) -> pd.DataFrame:
    """The baseline appendix's summary points in order (code, sentence, condition, data basis); a point whose
    figures the measurement cannot give is left out."""
    s = baseline_summary.set_index("figure")
    v, d = s["value"], s["detail"]
    settings = scenario.baseline
    kinds = lineage.kinds("timeuse_addressable_by_service", data_input_kinds)

    def point(code: str, **values) -> dict:
        return lineage.conclusion_row(code, label("baseline_point", code).format(**values), code, kinds)

    def service(figure: str) -> str:
        return label("service", d[figure]).lower()

    rows = [
        point(
            "extent",
            staff_days=fmt_number(v["staff_days"]),
            staff=fmt_number(v["staff"]),
            municipalities=fmt_number(v["municipalities"]),
            services=fmt_number(v["services"]),
        )
    ]
    if "addressable_min" in v.index:
        rows.append(
            point(
                "addressable_one" if v["addressable_services"] == 1 else "addressable_range",
                low=fmt_number(v["addressable_min"]),
                low_service=service("addressable_min"),
                high=fmt_number(v["addressable_max"]),
                high_service=service("addressable_max"),
            )
        )
    if "implied_reduction_min" in v.index:
        verdicts = s[s.index.str.startswith("verdict_")]
        rows.append(
            point(
                "implied_reduction",
                low=fmt_percent(v["implied_reduction_min"], 0),
                high=fmt_percent(v["implied_reduction_max"], 0),
                verdicts="; ".join(
                    f"{label('verdict', c).lower()} i {fmt_number(n)}"
                    for c, n in zip(verdicts["detail"], verdicts["value"])
                ),
            )
        )
    if "precision_services" in v.index:
        rows.append(
            point(
                "precision_weak" if v["precision_cannot_verify"] else "precision_enough",
                cannot=fmt_number(v["precision_cannot_verify"]),
                services=fmt_number(v["precision_services"]),
                change=fmt_number(v["worst_detectable_change"]),
                service=service("worst_detectable_change"),
                assumed=fmt_number(v["worst_assumed_minutes_saved"]),
            )
        )
    if "municipalities_needed_min" in v.index:
        rows.append(
            point(
                "municipalities_needed",
                power=fmt_percent(settings.power, 0),
                confidence=fmt_percent(settings.confidence_level, 0),
                staff=fmt_number(settings.design_staff_per_municipality),
                days=fmt_number(settings.design_days_per_staff),
                low=fmt_number(v["municipalities_needed_min"]),
                high=fmt_number(v["municipalities_needed_max"]),
                municipalities=fmt_number(v["municipalities"]),
            )
        )
    if "national_hours_per_year" in v.index:
        rows.append(
            point(
                "national",
                hours=fmt_number(v["national_hours_per_year"] / 1e6, 1),
                billions=fmt_number(v["national_mnok_per_year"] / 1000, 1),
            )
        )
    for r in timeuse_limitations[timeuse_limitations["status"] != "ok"].itertuples():
        rows.append(
            point(
                "limitation",
                status=label("limitation_status", r.status),
                estimate=label("limitation_estimate", r.estimate).lower(),
                have=fmt_number(r.have),
                unit=label("count_unit_singular" if r.have == 1 else "count_unit", r.unit),
                counted=label("limitation_count", r.counted),
                need=fmt_number(r.need),
            )
        )
    hidden = int(v.get("services_hidden_by_earlier", 0))
    rows.append(
        point(
            "suppressed_hidden" if hidden else "suppressed",
            shown=fmt_number(v["services_suppressed"] - hidden),
            checked=fmt_number(v["services_checked"]),
            hidden=fmt_number(hidden),
        )
    )
    return pd.DataFrame(rows)
