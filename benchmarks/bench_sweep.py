"""Benchmark (not a test): a 50-point sweep of the deterministic model against re-running the notebooks for
each point.

Times, in the same run: ``ejournal_lib.pipeline.sweep.sweep_table`` over 50 discount rates, and one pipeline
run after a change to the scenario (what an analyst does without the sweep: a changed value changes the
scenario's hash, so every notebook runs again, the analysis with its Monte Carlo included), in a temporary
output folder; prints both, the run time × 50, and the ratio.

    python benchmarks/bench_sweep.py [--points 50]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from ejournal_lib.pipeline.paths import ProjectPaths
from ejournal_lib.pipeline.runner import failure_summary, run_pipeline
from ejournal_lib.pipeline.sweep import parse_vary, sweep_table
from ejournal_lib.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
from record import save


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--points", type=int, default=50)
    args = ap.parse_args()
    scenario = load_scenario(ROOT / "config" / "ssd2020.yaml", root=ROOT)
    vary = parse_vary(f"cba.frame.discount_rate=0.02:0.06:{args.points}")
    start = time.perf_counter()
    table, _ = sweep_table(scenario, [vary])
    sweep = time.perf_counter() - start
    with tempfile.TemporaryDirectory() as out:
        paths = ProjectPaths.at(ROOT, Path(out))
        start = time.perf_counter()
        report = run_pipeline(paths, force=True)
        notebook = time.perf_counter() - start
        assert report.ok, failure_summary(report)
    ran = [r.name for r in report.results if r.status == "ran"]
    print(f"sweep: {len(table)} points in {sweep:.2f} s ({sweep / len(table) * 1000:.0f} ms per point)")
    print(f"pipeline re-run ({', '.join(ran)}): {notebook:.1f} s; × {args.points} = {notebook * args.points:.0f} s")
    print(f"ratio: the sweep is {notebook * args.points / sweep:.0f}× faster than re-running the notebooks per point")
    save(
        "sweep",
        f"Sweep of {args.points} discount rates",
        "sweep",
        sweep,
        f"pipeline re-run × {args.points}",
        notebook * args.points,
    )


if __name__ == "__main__":
    main()
