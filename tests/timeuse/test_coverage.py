"""The coverage study of docs/coverage.md, for the interval the toolkit uses: 2 000 simulated data sets per cell
(6, 10 and 30 municipalities; two variance mixes; mean and share of time), each interval must cover 93–97 %."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from coverage_intervals import study


@pytest.mark.slow  # about 50 s
def test_mean_interval_has_its_nominal_coverage():
    table = study(2000, methods=("t_municipality_totals",))
    assert len(table) == 12
    outside = table[(table["coverage"] < 0.93) | (table["coverage"] > 0.97)]
    assert outside.empty, outside.to_string()
    # the width is the ideal's times what estimating the variance from M − 1 degrees of freedom costs
    assert table.loc[table["municipalities"] == 30, "width_to_ideal"].max() < 1.06
