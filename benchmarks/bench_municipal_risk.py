"""Benchmark (not a test): the probability of a negative cash position for each of the 292 municipalities
outside Midt-Norge under every risk-sharing rule, from 10,000 draws.

Times, in the same run: ``ejournal_lib.cba.risk_sharing.municipal_risk`` (vectorised over municipalities ×
draws) and a plain loop over municipalities and draws doing the same arithmetic; prints both, their ratio,
and the largest difference between the two (which should be 0). The draws themselves
(``simulate_risk``) are timed separately.

    python benchmarks/bench_municipal_risk.py [--n 10000]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

from ejournal_lib.cba.risk_sharing import municipal_risk, simulate_risk
from ejournal_lib.cba.tables import scenario_public_shares
from ejournal_lib.common.municipalities import load_midt_norge, load_population, outside_midt_norge
from ejournal_lib.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
from record import save


def plain(risk, area, na) -> dict[str, list[float]]:
    """One municipality and one draw at a time."""
    pop = area["population"].to_list()
    total = sum(pop)
    weights = [1.0 if p > na.large_municipality_threshold else 1.0 / na.small_municipality_group_size for p in pop]
    wsum = sum(weights)
    out = {}
    for rule, shared in risk.municipal_by_population.items():
        probs = []
        for p, w in zip(pop, weights):
            negative = 0
            for a, b in zip(shared, risk.municipal_by_procurement):
                negative += (p / total) * a + (w / wsum) * b < 0
            probs.append(negative / len(shared))
        out[rule] = probs
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=10_000)
    args = ap.parse_args()
    s = load_scenario(ROOT / "config" / "ssd2020.yaml", root=ROOT)
    pop = load_population(s.data.population)
    area = outside_midt_norge(pop, load_midt_norge(s.data.midt_norge)["municipality_code"])
    start = time.perf_counter()
    risk = simulate_risk(
        s.cba, s.actor_mapping, s.settings.financing_key, scenario_public_shares(s), args.n, 1, s.cba.risk_sharing
    )
    draws = time.perf_counter() - start
    start = time.perf_counter()
    fast = municipal_risk(risk, area, s.cba.null_alternative)
    vectorised = time.perf_counter() - start
    start = time.perf_counter()
    slow = plain(risk, area, s.cba.null_alternative)
    looped = time.perf_counter() - start
    diff = max(np.abs(fast[f"prob_negative_{r}"].to_numpy() - np.array(v)).max() for r, v in slow.items())
    print(f"draws: {args.n} for every actor and rule in {draws:.1f} s")
    print(
        f"292 municipalities × {args.n} draws × {len(slow)} rules: vectorised {vectorised:.3f} s, plain loop {looped:.1f} s"
    )
    print(f"ratio: {looped / vectorised:.0f}×; largest difference {diff:.2g}")
    assert diff == 0, "the vectorised and the plain risk differ"
    save(
        "municipal_risk",
        f"Risk of a negative cash position, 292 municipalities × {args.n} draws × 4 rules",
        "vectorised",
        vectorised,
        "plain loop",
        looped,
        draws_seconds=round(draws, 3),
    )


if __name__ == "__main__":
    main()
