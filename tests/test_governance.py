import textwrap

import pandas as pd
import pytest

from ejournal_lib.cba.scenarios import npv_with
from ejournal_lib.governance.cost_estimate import cost_estimate_table
from ejournal_lib.common.errors import ConfigError
from ejournal_lib.governance.change_log import (evaluate_criterion, goal_register, load_change_log, npv_bridge,
                                     overlay_scenarios)

GOOD = """
changes:
  - id: X1
    date: 2020-01-01
    title: t
    description: d
    category: benefit
    rationale: r
    status_history:
      - {status: identified, date: 2020-01-01, by: A}
      - {status: assessed, date: 2020-01-05, by: B}
      - {status: decided, date: 2020-01-09, by: C}
      - {status: implemented, date: 2020-02-01, by: D}
    overlay:
      adverse_events.avoidable_share: {from: 0.76, to: 0.38}
  - id: X2
    date: 2020-01-02
    title: t2
    description: d2
    category: participation
    rationale: r2
    status_history:
      - {status: identified, date: 2020-01-01, by: A}
      - {status: assessed, date: 2020-01-05, by: B}
      - {status: decided, date: 2020-01-09, by: C}
      - {status: implemented, date: 2020-02-01, by: D}
    overlay:
      participation.gp_final_share: {from: 1.0, to: 0.7}
"""


def write(tmp_path, text):
    p = tmp_path / "log.yaml"
    p.write_text(textwrap.dedent(text), encoding="utf-8")
    return p


def test_shipped_change_log_is_valid(root, inputs):
    changes = load_change_log(root / "data" / "raw" / "change_log.yaml", inputs.raw)
    assert {c["id"] for c in changes} >= {"C01", "C02", "C03", "C04", "C05", "C06", "C07", "C08"}
    not_expressible = [c["id"] for c in changes if c.get("overlay_note")]
    assert set(not_expressible) == {"C03", "C05", "C06", "C08"}


@pytest.mark.parametrize("edit, message", [
    (lambda t: t.replace("category: benefit", "category: money"), "unknown category 'money'"),
    (lambda t: t.replace("{status: assessed, date: 2020-01-05, by: B}", "{status: approved, date: 2020-01-05, by: B}", 1),
     "unknown status 'approved'"),
    (lambda t: t.replace("{status: assessed, date: 2020-01-05, by: B}\n      - {status: decided, date: 2020-01-09, by: C}",
                         "{status: decided, date: 2020-01-05, by: B}\n      - {status: assessed, date: 2020-01-09, by: C}", 1),
     "'decided' cannot follow 'identified'"),
    (lambda t: t.replace("{status: decided, date: 2020-01-09, by: C}", "{status: decided, date: 2019-12-01, by: C}", 1),
     "dated 2019-12-01, before the previous step"),
    (lambda t: t.replace("id: X2", "id: X1"), "duplicate id"),
    (lambda t: t.replace("adverse_events.avoidable_share", "adverse_events.avoidable_shares"),
     "overlay names an unknown parameter"),
    (lambda t: t.replace("{status: implemented, date: 2020-02-01, by: D}", "{status: implemented, date: 2020-02-01, by: ''}", 1),
     "'by' \\(who decided\\) is missing"),
])
def test_change_log_errors(tmp_path, inputs, edit, message):
    with pytest.raises(ConfigError, match=message):
        load_change_log(write(tmp_path, edit(GOOD)), inputs.raw)


def test_bridge_steps_sum_to_the_difference_between_its_ends(tmp_path, inputs, public_share):
    changes = load_change_log(write(tmp_path, GOOD), inputs.raw)
    steps = overlay_scenarios(inputs.raw, changes)
    assert [s for s, _ in steps] == ["baseline", "X1", "X2"]
    assert steps[0][1]["adverse_events"]["avoidable_share"] == 0.76
    bridge = npv_bridge(steps, lambda i: npv_with(i, public_share))
    assert bridge["delta_mnok"].sum() == pytest.approx(bridge["npv_mnok"].iloc[-1] - bridge["npv_mnok"].iloc[0])
    # the last step is the current scenario
    assert bridge["npv_mnok"].iloc[-1] == pytest.approx(npv_with(inputs, public_share))
    # halving the avoidable share lowers the net present value
    assert bridge.set_index("change_id").loc["X1", "delta_mnok"] < 0


TABLES = {"summary": pd.DataFrame({"metric": ["npv", "cost"], "value": [120.0, 900.0]}),
          "coverage": pd.DataFrame({"area": ["a", "b"], "share": [0.55, 0.3]}),
          "limits": pd.DataFrame({"name": ["frame"], "value": [1000.0]}),
          "suppressed": pd.DataFrame({"service": ["x"], "minutes": ["–"]}),
          "places": pd.DataFrame({"code": ["0301", "3024"]})}


@pytest.mark.parametrize("criterion, status", [
    ({"table": "summary", "where": {"metric": "npv"}, "column": "value", "op": ">", "threshold": 0}, "met"),
    ({"table": "summary", "where": {"metric": "npv"}, "column": "value", "op": ">", "threshold": 200}, "not_met"),
    ({"table": "coverage", "where": {"area": "a"}, "column": "share", "op": ">=", "threshold": 0.5}, "met"),
    ({"table": "coverage", "where": {"area": "b"}, "column": "share", "op": ">=", "threshold": 0.5}, "not_met"),
    ({"table": "summary", "where": {"metric": "cost"}, "column": "value", "op": "<=",
      "threshold_from": {"table": "limits", "where": {"name": "frame"}, "column": "value"}}, "met"),
    ({"table": "missing_table", "column": "value", "op": ">", "threshold": 0}, "not_assessable"),
    ({"table": "summary", "where": {"metric": "nope"}, "column": "value", "op": ">", "threshold": 0}, "not_assessable"),
    ({"table": "suppressed", "where": {"service": "x"}, "column": "minutes", "op": ">", "threshold": 1}, "not_assessable"),
    ({"table": "places", "column": "code", "op": "contains_all", "threshold": ["0301"]}, "met"),
    ({"table": "places", "column": "code", "op": "contains_all", "threshold": ["0301", "4601"]}, "not_met"),
])
def test_stop_point_rules(criterion, status):
    result = evaluate_criterion({"id": "T", "text": "t", "type": "rule", **criterion}, TABLES)
    assert result["status"] == status


def test_manual_criterion_keeps_the_recorded_assessment():
    r = evaluate_criterion({"id": "M", "text": "m", "type": "manual", "status": "met", "assessment": "OK",
                            "assessed_by": "Styringsgruppen", "date": "2020-03-20"}, {})
    assert r["status"] == "met" and "Styringsgruppen" in r["source"]


def test_goal_register_links_baseline_and_flags_missing_fields():
    goals = [{"id": "G1", "goal": "g", "indicator": "i", "unit": "min", "baseline_from": "t:v:service=home",
              "expected": 20, "low": 15, "high": 45, "deadline": "2030", "source": "s", "frequency": "f", "owner": "o",
              "priority": 1},
             {"id": "G2", "goal": "g", "indicator": "i", "unit": "", "baseline": None, "expected": 5}]
    out = goal_register(goals, {"t": pd.DataFrame({"service": ["home"], "v": [99.5]})}).set_index("goal_id")
    assert out.loc["G1", "baseline"] == 99.5 and out.loc["G1", "verifiable"]
    assert out.loc["G2", "missing"] == "unit, baseline, low, high, deadline, source, frequency, owner, priority"


def test_cost_estimate_reproduces_the_frames(inputs):
    t = cost_estimate_table(inputs, correlation=0.0, n=200_000, seed=3).set_index("quantity")
    for item in inputs.investment.index:
        assert t.loc[item, "p50_mnok"] == pytest.approx(inputs.investment.loc[item, "p50_mnok"], rel=0.005)
        assert t.loc[item, "p85_mnok"] == pytest.approx(inputs.investment.loc[item, "p85_mnok"], rel=0.005)
    # independent items: the P85 of the sum is below the sum of the P85s
    assert t.loc["total", "p85_mnok"] < inputs.investment["p85_mnok"].sum()
