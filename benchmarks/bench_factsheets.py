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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=20)
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args()

    from ejournal_lib.factsheets.data import FACTSHEET_TEMPLATE, build_factsheets, render_factsheets
    from ejournal_lib.pipeline.paths import ProjectPaths
    from ejournal_lib.pipeline.runner import base_provenance, kernel_name, plan

    paths = ProjectPaths.at(ROOT)
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
    print(
        f"batch per factsheet: {t_batch / len(codes):.2f} s → all {len(data)} ≈ {t_batch / len(codes) * len(data):.0f} s"
    )


if __name__ == "__main__":
    main()
