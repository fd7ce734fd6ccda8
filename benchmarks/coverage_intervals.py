"""Coverage study (not a test): how often the baseline's 95 % intervals for mean minutes per staff-day, and for
a share of time, hold the true value, with variance components known by construction.

Data sets are simulated as the baseline's registrations are structured: municipalities, 4 to 8 staff each, 2
or 3 days per staff member; minutes = 100 + municipality effect + staff effect + day noise, with two variance
mixes (home-services-like components, and one where staff variance dominates) and 6, 10 and 30
municipalities. Each interval method is applied to the same data sets; the table gives coverage, the mean
width against the ideal width (2 · 1.96 · the true standard error of the mean for that design) and the Monte
Carlo standard error of the coverage. Methods:

* ``t_municipality_totals``: :func:`ejournal_lib.timeuse.estimation.mean_interval` (the toolkit's choice);
* ``two_stage_bootstrap``: the percentile bootstrap of municipalities, then staff within them (used before);
* ``municipality_bootstrap``: the percentile bootstrap of municipalities only;
* ``naive_t``: a t-interval treating every staff-day as independent.

    python benchmarks/coverage_intervals.py [--reps 2000] [--write docs/coverage.md]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from ejournal_lib.timeuse.estimation import mean_interval, naive_mean_interval

ROOT = Path(__file__).resolve().parents[1]
MU, OBSERVED = 100.0, 450.0
#: (name, variance between municipalities, between staff, between days), minutes².
MIXES = (("home_services_like", 400.0, 750.0, 240.0), ("staff_dominates", 10.0, 2300.0, 1600.0))
MUNICIPALITIES = (6, 10, 30)
LEVEL = 0.95


def simulate(rng: np.random.Generator, m: int, var_m: float, var_s: float, var_e: float):
    """One data set: values, observed minutes, municipality and staff of each staff-day, and the true
    variance of the mean over staff-days for this design."""
    staff_per = rng.integers(4, 9, size=m)
    staff_muni = np.repeat(np.arange(m), staff_per)
    days_per = rng.integers(2, 4, size=len(staff_muni))
    staff = np.repeat(np.arange(len(staff_muni)), days_per)
    muni = staff_muni[staff]
    n = len(staff)
    y = (
        MU
        + rng.normal(0, np.sqrt(var_m), m)[muni]
        + rng.normal(0, np.sqrt(var_s), len(staff_muni))[staff]
        + rng.normal(0, np.sqrt(var_e), n)
    )
    observed = OBSERVED + rng.normal(0, 30.0, n)
    n_m, n_s = np.bincount(muni, minlength=m), np.bincount(staff)
    true_var = (var_m * (n_m**2).sum() + var_s * (n_s**2).sum() + var_e * n) / n**2
    return y, observed, muni.astype(str), staff.astype(str), true_var


def bootstrap(values, municipality, staff, rng, n_boot=1000, two_stage=True, denominator=None):
    """Percentile cluster bootstrap: municipalities with replacement, then (``two_stage``) staff within them."""
    munis, muni_idx = np.unique(municipality, return_inverse=True)
    codes, staff_idx = np.unique(staff, return_inverse=True)
    staff_muni = np.zeros(len(codes), dtype=int)
    staff_muni[staff_idx] = muni_idx
    muni_counts = rng.multinomial(len(munis), np.full(len(munis), 1 / len(munis)), size=n_boot)
    staff_counts = np.ones((n_boot, len(codes)))
    if two_stage:
        for m in range(len(munis)):
            members = np.flatnonzero(staff_muni == m)
            staff_counts[:, members] = rng.multinomial(len(members), np.full(len(members), 1 / len(members)), n_boot)
    w = (muni_counts[:, staff_muni] * staff_counts)[:, staff_idx]
    d = np.ones(len(values)) if denominator is None else denominator
    reps = (w @ values) / (w @ d)
    return np.quantile(reps, [(1 - LEVEL) / 2, (1 + LEVEL) / 2])


def study(reps: int, seed: int = 2020, methods=None) -> pd.DataFrame:
    """Coverage, width against the ideal, and the coverage's Monte Carlo error, per method, quantity (mean or
    share), variance mix and number of municipalities."""
    z = stats.norm.ppf((1 + LEVEL) / 2)
    methods = methods or ("t_municipality_totals", "two_stage_bootstrap", "municipality_bootstrap", "naive_t")
    rows = []
    for mix, var_m, var_s, var_e in MIXES:
        for m in MUNICIPALITIES:
            rng = np.random.default_rng([seed, m, int(var_s)])
            hits = {(k, q): [] for k in methods for q in ("mean", "share")}
            widths = {(k, q): [] for k in methods for q in ("mean", "share")}
            ideal = {"mean": [], "share": []}
            for _ in range(reps):
                y, observed, muni, staff, true_var = simulate(rng, m, var_m, var_s, var_e)
                ideal["mean"].append(2 * z * np.sqrt(true_var))
                share_var = (true_var + (MU / OBSERVED) ** 2 * 30.0**2 / len(y)) / OBSERVED**2  # linearised
                ideal["share"].append(2 * z * np.sqrt(share_var))
                for q, denominator, truth in (("mean", None, MU), ("share", observed, MU / OBSERVED)):
                    for k in methods:
                        if k == "t_municipality_totals":
                            r = mean_interval(y, muni, staff, LEVEL, denominator=denominator)
                            lo, hi = r["ci_low"], r["ci_high"]
                        elif k == "naive_t":
                            if denominator is not None:
                                continue
                            _, lo, hi = naive_mean_interval(y, LEVEL)
                        else:
                            lo, hi = bootstrap(
                                y, muni, staff, rng, two_stage=k == "two_stage_bootstrap", denominator=denominator
                            )
                        hits[k, q].append(lo <= truth <= hi)
                        widths[k, q].append(hi - lo)
            for (k, q), h in hits.items():
                if not h:
                    continue
                cover = float(np.mean(h))
                rows.append(
                    {
                        "method": k,
                        "quantity": q,
                        "mix": mix,
                        "municipalities": m,
                        "coverage": cover,
                        "mc_se": float(np.sqrt(cover * (1 - cover) / len(h))),
                        "width_to_ideal": float(np.mean(widths[k, q]) / np.mean(ideal[q])),
                        "replications": len(h),
                    }
                )
    return pd.DataFrame(rows)


def markdown(table: pd.DataFrame) -> str:
    lines = [
        "| Method | Quantity | Variance mix | Municipalities | Coverage | MC s.e. | Width / ideal |",
        "| --- | --- | --- | ---: | ---: | ---: | ---: |",
    ]
    for r in table.itertuples():
        lines.append(
            f"| {r.method} | {r.quantity} | {r.mix} | {r.municipalities} | {r.coverage:.3f} | {r.mc_se:.3f} | "
            f"{r.width_to_ideal:.2f} |"
        )
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=2000)
    ap.add_argument("--write", type=Path, help="replace the table between the markers in this Markdown file")
    args = ap.parse_args()
    table = study(args.reps)
    text = markdown(table)
    print(text)
    if args.write:
        start, end = "<!-- coverage:start -->", "<!-- coverage:end -->"
        doc = args.write.read_text(encoding="utf-8")
        before, rest = doc.split(start)
        after = rest.split(end)[1]
        args.write.write_text(f"{before}{start}\n{text}\n{end}{after}", encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
