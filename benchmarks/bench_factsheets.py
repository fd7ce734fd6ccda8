"""Benchmark (not a test): factsheets for the same 20 municipalities, two ways, in one run.

1. Plain loop: per municipality, the papermill command line, then the nbconvert command line (HTML, code
   hidden), then the WeasyPrint command line (PDF): three process starts and one kernel each.
2. The batch renderer (``ejournal factsheets``): a few worker processes with one kernel each, HTML and PDF
   rendered in-process.

Both read the same precomputed ``municipality_factsheet_data.csv``. Prints both times and their ratio.

    python benchmarks/bench_factsheets.py [--n 20] [--jobs 2]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT / "benchmarks"))
from record import save


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=20)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--all", action="store_true", help="also time every factsheet (ejournal factsheets)")
    args = ap.parse_args()

    from ejournal_lib.pipeline.factsheet_batch import FACTSHEET_TEMPLATE, build_factsheets, render_factsheets
    from ejournal_lib.pipeline.kernels import kernel_name
    from ejournal_lib.pipeline.manifest import base_provenance
    from ejournal_lib.pipeline.paths import ProjectPaths
    from ejournal_lib.pipeline.plan import plan

    paths = ProjectPaths.at(ROOT).for_scenario("ssd2020")
    # bring the tables up to date and precompute the factsheet data (not timed: both variants reuse it)
    build_factsheets(paths, codes=["0301"], jobs=1)
    import pandas as pd

    data_path = paths.processed / "municipality_factsheet_data.csv"
    data = pd.read_csv(data_path, dtype={"municipality_code": str})
    codes = data["municipality_code"].iloc[:: max(1, len(data) // args.n)].head(args.n).tolist()
    p = plan(paths)
    kernel = kernel_name()

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        t0 = time.perf_counter()
        for code in codes:
            nb_out = tmp / f"{code}.ipynb"
            subprocess.run(
                [
                    BIN / "papermill",
                    str(ROOT / FACTSHEET_TEMPLATE),
                    str(nb_out),
                    "-k",
                    kernel,
                    "--cwd",
                    str(ROOT),
                    "-r",
                    "municipality_code",
                    code,
                    "-r",
                    "factsheet_data_path",
                    str(data_path),
                    "--no-progress-bar",
                ],
                check=True,
                capture_output=True,
            )
            subprocess.run(
                [BIN / "jupyter", "nbconvert", "--to", "html", "--no-input", str(nb_out)],
                check=True,
                capture_output=True,
            )
            subprocess.run(
                [BIN / "weasyprint", str(nb_out.with_suffix(".html")), str(nb_out.with_suffix(".pdf"))],
                check=True,
                capture_output=True,
            )
        t_plain = time.perf_counter() - t0

        t0 = time.perf_counter()
        report = render_factsheets(
            ROOT,
            tmp / "batch",
            data_path,
            data,
            codes,
            {"scenario_path": str(p.scenario.path), "processed_dir": str(paths.processed)},
            base_provenance(paths, p.scenario),
            p.scenario.title,
            jobs=args.jobs,
        )
        t_batch = time.perf_counter() - t0
    assert not report.failed, report.failed
    print(f"municipalities: {len(codes)} (HTML + PDF each)")
    print(f"plain loop (papermill + nbconvert + weasyprint CLIs): {t_plain:7.1f} s")
    print(f"batch renderer ({args.jobs} workers, one kernel each):     {t_batch:7.1f} s")
    print(f"ratio plain / batch: {t_plain / t_batch:.1f}x")
    t_all = None
    if args.all:
        t0 = time.perf_counter()
        everything = build_factsheets(paths, jobs=args.jobs)
        t_all = time.perf_counter() - t0
        assert not everything.failed, everything.failed
        print(f"all {len(everything.written)} factsheets (ejournal factsheets, tables current): {t_all:.0f} s")
    save(
        "factsheets",
        f"{len(codes)} factsheets (HTML + PDF)",
        f"batch renderer, {args.jobs} workers",
        t_batch,
        "papermill + nbconvert + weasyprint per municipality",
        t_plain,
        **({"all_factsheets_seconds": round(t_all, 1)} if t_all is not None else {}),
    )


if __name__ == "__main__":
    main()
