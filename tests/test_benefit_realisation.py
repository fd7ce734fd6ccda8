import pandas as pd
import pytest

from ejournal_lib.cba.benefit_realisation import followup_status, load_plan, plan_table
from ejournal_lib.common.errors import ConfigError


def test_plan_has_the_five_benefits(root):
    plan = load_plan(root / "data" / "raw" / "benefit_realisation_plan.yaml")
    t = plan_table(plan)
    assert t["benefit_id"].nunique() == 5
    assert t.set_index("indicator_id").loc["B1-HOME", ["target_expected", "target_low", "target_high"]].tolist() == [20, 15, 45]


def test_planned_value_and_status(root):
    plan = load_plan(root / "data" / "raw" / "benefit_realisation_plan.yaml")
    f = pd.DataFrame({"indicator_id": ["B1-HOME", "B1-HOME", "B5-TRUST"], "municipality_code": ["3024"] * 3,
                      "golive_year": [2025, 2025, 2026], "year": [2027, 2030, 2028], "realised_value": [9.0, 20.0, 65.0]})
    s = followup_status(f, plan, [0.1, 0.25, 0.5, 0.75, 1.0], tolerance=0.1)
    # B1-HOME: 20 min × 50 % two years after go-live = 10; 9 is 90 % of it → on plan (tolerance 10 %)
    assert s["planned_value"].tolist()[:2] == [10.0, 20.0]
    assert s["status"].tolist()[:2] == ["på plan", "på plan"]
    # B5-TRUST: 63 + (70 − 63) × 0.5 = 66.5; 65 is a gain of 2 of the planned 3.5 → behind plan
    assert s["planned_value"].iloc[2] == pytest.approx(66.5)
    assert s["status"].iloc[2] == "bak plan"


def test_plan_errors(tmp_path):
    bad = tmp_path / "p.yaml"
    bad.write_text("benefits:\n  - id: B1\n    title: t\n    indicators:\n      - {id: X, expected: 5, low: 6, high: 9}\n")
    with pytest.raises(ConfigError) as err:
        load_plan(bad)
    assert "'owner' is missing" in str(err.value) and "low ≤ expected ≤ high" in str(err.value)
