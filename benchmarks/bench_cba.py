"""Benchmark (not a test): 100,000 Monte Carlo iterations of the full cost–benefit model.

Times the vectorised engine (``ejournal_lib.cba.uncertainty.simulate``) and, in the same run, a plain
numpy evaluation of the same arithmetic written independently (``tests/reference_cba.py``), one draw at a
time (np.convolve for the cohort sums). Both use the same draws; the script prints both times, their ratio, and the largest
difference in net present value, which doubles as an independent check of the engine.

    python benchmarks/bench_cba.py [--n 100000] [--plain-n N]

``--plain-n`` evaluates the plain version on the first N draws only and scales its time to n (default: all).
The engine's time is the best of ``--repeat`` runs (as ``timeit`` reports): the first run of a process also
pays for first-touch memory and library warm-up, which the plain loop spreads over its 100 000 iterations.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

from ejournal_lib.cba.tables import scenario_public_shares
from ejournal_lib.cba.uncertainty import sample_draws, simulate
from ejournal_lib.common.yaml_io import read_yaml
from ejournal_lib.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from record import save
from reference_cba import plain_npv


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--plain-n", type=int, default=None)
    ap.add_argument("--seed", type=int, default=20200301)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    scenario = load_scenario(ROOT / "config" / "ssd2020.yaml", root=ROOT)
    inputs, public = scenario.cba, scenario_public_shares(scenario)
    cba = read_yaml(ROOT / "config" / "ssd2020.yaml", "scenario file")["cba"]

    t_engine = float("inf")
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        sim = simulate(inputs, public, n=args.n, seed=args.seed)
        t_engine = min(t_engine, time.perf_counter() - t0)

    draws = sample_draws(inputs, args.n, args.seed)
    k = min(args.plain_n or args.n, args.n)
    t0 = time.perf_counter()
    plain = np.array([plain_npv(cba, draws, public, i) for i in range(k)])
    t_plain = (time.perf_counter() - t0) * args.n / k

    diff = np.max(np.abs(plain - sim["npv"].to_numpy()[:k]))
    print(f"draws: {args.n:,}  (plain evaluation on {k:,} draws{', time scaled to all' if k < args.n else ''})")
    print(f"vectorised engine : {t_engine:8.2f} s (best of {args.repeat})")
    print(f"plain numpy, per draw: {t_plain:8.2f} s")
    print(f"ratio plain / engine: {t_plain / t_engine:8.1f}x")
    print(f"largest NPV difference: {diff:.2e} MNOK (independent check of the engine)")
    assert diff < 1e-6, "the engine and the plain evaluation disagree"
    save(
        "monte_carlo",
        f"{args.n:,} Monte Carlo draws of the full model".replace(",", " "),
        f"vectorised engine, best of {args.repeat}",
        t_engine,
        "plain numpy per draw",
        t_plain,
        largest_npv_difference_mnok=float(diff),
    )


if __name__ == "__main__":
    main()
