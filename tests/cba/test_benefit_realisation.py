import pandas as pd
import pytest
from pydantic import ValidationError

from ejournal_lib.cba.benefit_realisation import followup_status, plan_table
from ejournal_lib.scenario.governance import BenefitPlan


def test_plan_has_the_five_benefits(scenario):
    t = plan_table(scenario.benefit_plan)
    assert t["benefit_id"].nunique() == 5
    assert t.set_index("indicator_id").loc["B1-HOME", ["target_expected", "target_low", "target_high"]].tolist() == [
        20,
        15,
        45,
    ]


def test_planned_value_and_status(scenario):
    plan = scenario.benefit_plan
    f = pd.DataFrame(
        {
            "indicator_id": ["B1-HOME", "B1-HOME", "B5-TRUST"],
            "municipality_code": ["3024"] * 3,
            "golive_year": [2025, 2025, 2026],
            "year": [2027, 2030, 2028],
            "realised_value": [9.0, 20.0, 65.0],
        }
    )
    s = followup_status(f, plan, [0.1, 0.25, 0.5, 0.75, 1.0], tolerance=0.1)
    # B1-HOME: 20 min × 50 % two years after go-live = 10; 9 is 90 % of it → on plan (tolerance 10 %)
    assert s["planned_value"].tolist()[:2] == [10.0, 20.0]
    assert s["status"].tolist()[:2] == ["on_plan", "on_plan"]
    # B5-TRUST: 63 + (70 − 63) × 0.5 = 66.5; 65 is a gain of 2 of the planned 3.5 → behind plan
    assert s["planned_value"].iloc[2] == pytest.approx(66.5)
    assert s["status"].iloc[2] == "behind_plan"


def test_plan_errors():
    bad = {
        "source": "s",
        "benefits": [
            {
                "id": "B1",
                "title": "t",
                "indicators": [{"id": "X", "indicator": "i", "unit": "u", "expected": 5, "low": 6, "high": 9}],
            }
        ],
    }
    with pytest.raises(ValidationError) as err:
        BenefitPlan.model_validate(bad)
    assert "owner" in str(err.value) and "low ≤ expected ≤ high" in str(err.value)
