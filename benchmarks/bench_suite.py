"""Benchmark (not a test): the wall time of the README's test command, against a reference job timed in
the same run, and against the time CI allows for it.

Runs the suite as ``make test`` does (``python -m pytest -m "not slow"``, workers included). The recorded ratio
is the reference job's time over the suite's, so a slower machine does not read as a slower suite; the
reference is the per-draw cost–benefit evaluation of ``tests/reference_cba.py`` on 2 000 draws (one core).
The seconds and the budget (3 minutes on 2 cores) are kept beside it.

    python benchmarks/bench_suite.py [--budget 180]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "tests"))
from record import save
from reference_cba import plain_npv


def reference_seconds(n: int = 2_000) -> float:
    """Time of the plain per-draw evaluation on ``n`` draws of the default scenario."""
    from ejournal_lib.cba.tables import scenario_public_shares
    from ejournal_lib.cba.uncertainty import sample_draws
    from ejournal_lib.common.yaml_io import read_yaml
    from ejournal_lib.scenario import load_scenario

    scenario = load_scenario(ROOT / "config" / "ssd2020.yaml", root=ROOT)
    cba = read_yaml(ROOT / "config" / "ssd2020.yaml", "scenario file")["cba"]
    draws, public = sample_draws(scenario.cba, n, 1), scenario_public_shares(scenario)
    start = time.perf_counter()
    for i in range(n):
        plain_npv(cba, draws, public, i)
    return time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--budget", type=float, default=180.0, help="seconds the suite may take (default 180)")
    args = ap.parse_args()
    reference = reference_seconds()
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-m", "not slow"], cwd=ROOT)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"the test suite failed (exit status {done.returncode}); no record written")
    print(f"make test: {seconds:.0f} s against a budget of {args.budget:.0f} s on {os.cpu_count()} CPUs")
    save(
        "test_suite",
        f"make test on {os.cpu_count()} CPUs",
        "test suite",
        seconds,
        "plain per-draw evaluation of 2 000 draws (reference job)",
        reference,
        budget_seconds=args.budget,
        within_budget=seconds <= args.budget,
    )


if __name__ == "__main__":
    main()
