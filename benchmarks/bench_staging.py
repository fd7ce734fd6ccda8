"""Benchmark (not a test): the value of two stop points by backward induction with least-squares Monte Carlo
(``ejournal_lib.cba.staging.stop_point_values``) on 100 000 draws, against nested Monte Carlo on the same
small model (an outer draw per state of knowledge at each stop point, inner draws for what is unknown).

The model (as in ``tests/cba/test_staging.py``): at SP1 Z1 is known and k1 is committed to reach SP2; at SP2
Z1 and Z2 are known; what follows SP2 is worth m + Z1 + Z2 + W. Prints both values, the semi-analytic exact
value, and the time ratio.

    python benchmarks/bench_staging.py [--n 100000] [--outer 4000] [--inner 200]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
from scipy import stats

from ejournal_lib.cba.staging import stop_point_values

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
from record import save

K1, M, S1, S2 = 0.3, -0.2, 1.0, 0.8


def exact() -> float:
    nodes, weights = np.polynomial.hermite_e.hermegauss(80)
    mu = M + S1 * nodes
    at_sp2 = S2 * stats.norm.pdf(mu / S2) + mu * stats.norm.cdf(mu / S2)
    return float((weights * np.maximum(at_sp2 - K1, 0.0)).sum() / weights.sum())


def nested(outer: int, inner: int, seed: int = 1) -> float:
    """SP1: for each outer Z1, the value of reaching SP2 is the mean over inner (Z2, W) of the SP2 decision,
    itself the max of 0 and the mean over innermost W draws of what follows."""
    rng = np.random.default_rng(seed)
    values = []
    for z1 in rng.normal(0, S1, outer):
        z2 = rng.normal(0, S2, inner)
        w = rng.normal(0, 1.0, (inner, inner))
        at_sp2 = np.maximum((M + z1 + z2[:, None] + w).mean(axis=1), 0.0)  # decide at SP2 knowing Z1, Z2
        values.append(max(at_sp2.mean() - K1, 0.0))  # decide at SP1 knowing Z1
    return float(np.mean(values))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--outer", type=int, default=4000)
    ap.add_argument("--inner", type=int, default=200)
    args = ap.parse_args()
    rng = np.random.default_rng(11)
    z1, z2, w = rng.normal(0, S1, args.n), rng.normal(0, S2, args.n), rng.normal(0, 1.0, args.n)
    start = time.perf_counter()
    table = stop_point_values([("SP1", np.full(args.n, -K1), z1), ("SP2", M + z1 + z2 + w, np.column_stack([z1, z2]))])
    lsm_seconds = time.perf_counter() - start
    start = time.perf_counter()
    brute = nested(args.outer, args.inner)
    nested_seconds = time.perf_counter() - start
    print(
        f"value with both stop points: induction {table.attrs['with_stops_mnok']:.4f}, nested {brute:.4f}, "
        f"exact {exact():.4f}"
    )
    save(
        "staging",
        f"value of two stop points, {args.n} draws",
        "least-squares Monte Carlo",
        lsm_seconds,
        f"nested Monte Carlo {args.outer} × {args.inner} × {args.inner}",
        nested_seconds,
        induction=round(table.attrs["with_stops_mnok"], 4),
        nested=round(brute, 4),
        exact=round(exact(), 4),
    )


if __name__ == "__main__":
    main()
