"""Benchmark (not a test): the expected value of partial perfect information (EVPPI) of ten single inputs of
the cost–benefit model (the nine services' time savings and the transition cost) from 100,000 draws.

Times, in the same run: ``ejournal_lib.cba.value_of_information.evppi`` (regression on the simulation's
draws, standard errors included) and brute-force nested Monte Carlo on the same model (for each input,
``--outer`` values, each with ``--inner`` fresh draws of everything else, evaluated by the same vectorised
model). Prints both times, their ratio, and both estimates with their standard errors (the regression's from
redrawing its coefficients; the nested one's from the outer loop, the overall mean taken from the same outer
values so that an input that never changes the decision gets exactly 0).

    python benchmarks/bench_voi.py [--n 100000] [--outer 200] [--inner 500]
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

from ejournal_lib.cba.calibration import scenario_inputs
from ejournal_lib.cba.tables import scenario_public_shares
from ejournal_lib.cba.uncertainty import present_values, sample_draws, simulate
from ejournal_lib.cba.value_of_information import evppi
from ejournal_lib.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
from record import save


def nested(inputs, ps, field, index, outer, inner, seed):
    """EVPPI of one input by nested Monte Carlo, and its standard error (outer loop)."""
    values = np.asarray(sample_draws(inputs, outer, seed + 1).__dict__[field], dtype=float)
    values = values[:, index] if index is not None else values
    draws = sample_draws(inputs, outer * inner, seed + 2)
    column = np.repeat(values, inner)
    if index is None:
        draws = replace(draws, **{field: column})
    else:
        matrix = getattr(draws, field).copy()
        matrix[:, index] = column
        draws = replace(draws, **{field: matrix})
    npv = present_values(inputs, draws, ps)["npv"].to_numpy().reshape(outer, inner)
    conditional = npv.mean(axis=1)
    # per outer value: what knowing it gains over the decision on the overall mean
    gain = np.maximum(conditional, 0.0) - (conditional if conditional.mean() > 0 else 0.0)
    return gain.mean(), gain.std(ddof=1) / np.sqrt(outer)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--outer", type=int, default=200)
    ap.add_argument("--inner", type=int, default=500)
    args = ap.parse_args()
    s = load_scenario(ROOT / "config" / "ssd2020.yaml", root=ROOT)
    inputs, ps, seed = scenario_inputs(s.cba), scenario_public_shares(s), s.settings.seed
    services = list(inputs.service_table.index)
    targets = [("time", i, f"time:{svc}") for i, svc in enumerate(services)] + [("transition", None, "transition")]
    start = time.perf_counter()
    npv = simulate(inputs, ps, args.n, seed)["npv"].to_numpy()
    draws = sample_draws(inputs, args.n, seed)
    model = time.perf_counter() - start
    start = time.perf_counter()
    fast = []
    for field, index, _ in targets:
        x = getattr(draws, field)
        fast.append(evppi(npv, x[:, index] if index is not None else x, n_se=100))
    regression = time.perf_counter() - start
    start = time.perf_counter()
    slow = [nested(inputs, ps, field, index, args.outer, args.inner, seed) for field, index, _ in targets]
    brute = time.perf_counter() - start
    print(f"model: {args.n} draws in {model:.1f} s (shared by the regression; not counted below)")
    print(
        f"EVPPI of {len(targets)} single inputs: regression {regression:.2f} s, "
        f"nested Monte Carlo ({args.outer} × {args.inner} per input) {brute:.1f} s"
    )
    print(f"ratio: {brute / regression:.0f}×")
    print(f"{'input':32s} {'regression':>18s} {'nested':>18s}")
    for (_, _, name), f, (v, se) in zip(targets, fast, slow):
        print(f"{name:32s} {f.evppi:9.1f} ± {f.se:6.1f} {v:9.1f} ± {se:6.1f}")
    save(
        "evppi",
        f"EVPPI of {len(targets)} single inputs from {args.n} draws",
        "regression",
        regression,
        f"nested Monte Carlo {args.outer} × {args.inner}",
        brute,
    )


if __name__ == "__main__":
    main()
