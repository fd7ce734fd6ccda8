import copy

import pandas as pd
import pytest
from pydantic import ValidationError

from ejournal_lib.cba.scenarios import npv_with
from ejournal_lib.common.errors import ConfigError
from ejournal_lib.governance.change_log import npv_bridge, overlay_scenarios
from ejournal_lib.governance.cost_estimate import cost_estimate_table
from ejournal_lib.governance.goals import goal_register
from ejournal_lib.governance.stop_points import evaluate_criterion
from ejournal_lib.scenario.governance import ChangeLog, GoalRegister, ManualCriterion, RuleCriterion


def step(status, date, by):
    return {"status": status, "date": pd.Timestamp(date).date(), "by": by}


HISTORY = [
    step("identified", "2020-01-01", "A"),
    step("assessed", "2020-01-05", "B"),
    step("decided", "2020-01-09", "C"),
    step("implemented", "2020-02-01", "D"),
]
GOOD = {
    "source": "test",
    "changes": [
        {
            "id": "X1",
            "date": pd.Timestamp("2020-01-01").date(),
            "title": "t",
            "description": "d",
            "category": "benefit",
            "rationale": "r",
            "status_history": HISTORY,
            "overlay": {"adverse_events.avoidable_share": {"from": 0.76, "to": 0.38}},
        },
        {
            "id": "X2",
            "date": pd.Timestamp("2020-01-02").date(),
            "title": "t2",
            "description": "d2",
            "category": "participation",
            "rationale": "r2",
            "status_history": HISTORY,
            "overlay": {"participation.gp_final_share": {"from": 1.0, "to": 0.7}},
        },
    ],
}


def edited(path, value):
    log = copy.deepcopy(GOOD)
    node = log
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value
    return log


def test_shipped_change_log_is_valid(scenario):
    changes = scenario.change_log.changes
    assert {c.id for c in changes} >= {"C01", "C02", "C03", "C04", "C05", "C06", "C07", "C08"}
    assert {c.id for c in changes if c.overlay_note} == {"C03", "C05", "C06", "C08"}


@pytest.mark.parametrize(
    "log, message",
    [
        (edited(["changes", 0, "category"], "money"), "'scope', 'cost', 'benefit'"),
        (edited(["changes", 0, "status_history", 1, "status"], "approved"), "'identified', 'assessed'"),
        (
            edited(["changes", 0, "status_history"], [HISTORY[0], HISTORY[2], HISTORY[1], HISTORY[3]]),
            "'decided' cannot follow 'identified'",
        ),
        (
            edited(["changes", 0, "status_history", 2, "date"], pd.Timestamp("2019-12-01").date()),
            "dated 2019-12-01, before the previous step",
        ),
        (edited(["changes", 1, "id"], "X1"), "duplicate change ids: X1"),
        (edited(["changes", 0, "status_history", 3, "by"], ""), "at least 1 character"),
    ],
)
def test_change_log_errors(log, message):
    with pytest.raises(ValidationError, match=message):
        ChangeLog.model_validate(log)


def test_overlay_naming_an_unknown_parameter_is_an_error(inputs):
    log = ChangeLog.model_validate(
        edited(["changes", 0, "overlay"], {"adverse_events.avoidable_shares": {"from": 0.76, "to": 0.38}})
    )
    with pytest.raises(ConfigError, match="unknown key 'avoidable_shares'"):
        overlay_scenarios(inputs, log)


def test_bridge_steps_sum_to_the_difference_between_its_ends(inputs, public_share):
    steps = overlay_scenarios(inputs, ChangeLog.model_validate(GOOD))
    assert [s for s, _ in steps] == ["baseline", "X1", "X2"]
    assert steps[0][1].adverse_events.avoidable_share == 0.76
    bridge = npv_bridge(steps, lambda i: npv_with(i, public_share))
    assert bridge["delta_mnok"].sum() == pytest.approx(bridge["npv_mnok"].iloc[-1] - bridge["npv_mnok"].iloc[0])
    # the last step is the current scenario
    assert bridge["npv_mnok"].iloc[-1] == pytest.approx(npv_with(inputs, public_share))
    # halving the avoidable share lowers the net present value
    assert bridge.set_index("change_id").loc["X1", "delta_mnok"] < 0


TABLES = {
    "summary": pd.DataFrame({"metric": ["npv", "cost"], "value": [120.0, 900.0]}),
    "coverage": pd.DataFrame({"area": ["a", "b"], "share": [0.55, 0.3]}),
    "limits": pd.DataFrame({"name": ["frame"], "value": [1000.0]}),
    "suppressed": pd.DataFrame({"service": ["x"], "minutes": [float("nan")], "suppressed": [True]}),
    "places": pd.DataFrame({"code": ["0301", "3024"]}),
}


@pytest.mark.parametrize(
    "criterion, status",
    [
        ({"table": "summary", "where": {"metric": "npv"}, "column": "value", "op": ">", "threshold": 0}, "met"),
        ({"table": "summary", "where": {"metric": "npv"}, "column": "value", "op": ">", "threshold": 200}, "not_met"),
        ({"table": "coverage", "where": {"area": "a"}, "column": "share", "op": ">=", "threshold": 0.5}, "met"),
        ({"table": "coverage", "where": {"area": "b"}, "column": "share", "op": ">=", "threshold": 0.5}, "not_met"),
        (
            {
                "table": "summary",
                "where": {"metric": "cost"},
                "column": "value",
                "op": "<=",
                "threshold_from": {"table": "limits", "where": {"name": "frame"}, "column": "value"},
            },
            "met",
        ),
        ({"table": "missing_table", "column": "value", "op": ">", "threshold": 0}, "not_assessable"),
        (
            {"table": "summary", "where": {"metric": "nope"}, "column": "value", "op": ">", "threshold": 0},
            "not_assessable",
        ),
        (
            {"table": "suppressed", "where": {"service": "x"}, "column": "minutes", "op": ">", "threshold": 1},
            "not_assessable",
        ),
        ({"table": "places", "column": "code", "op": "contains_all", "threshold": ["0301"]}, "met"),
        ({"table": "places", "column": "code", "op": "contains_all", "threshold": ["0301", "4601"]}, "not_met"),
    ],
)
def test_stop_point_rules(criterion, status):
    result = evaluate_criterion(
        RuleCriterion.model_validate({"id": "T", "text": "t", "type": "rule", **criterion}), TABLES
    )
    assert result["status"] == status


def test_a_rule_needs_exactly_one_threshold():
    with pytest.raises(ValidationError, match="exactly one of threshold and threshold_from"):
        RuleCriterion.model_validate(
            {"id": "T", "text": "t", "type": "rule", "table": "summary", "column": "value", "op": ">"}
        )


def test_manual_criterion_keeps_the_recorded_assessment():
    r = evaluate_criterion(
        ManualCriterion(
            id="M",
            text="m",
            type="manual",
            status="met",
            assessment="OK",
            assessed_by="Styringsgruppen",
            date=pd.Timestamp("2020-03-20").date(),
        ),
        {},
    )
    assert r["status"] == "met" and r["assessed_by"] == "Styringsgruppen" and r["assessed_on"] == "2020-03-20"


def test_goal_register_links_baseline_and_flags_missing_fields():
    register = GoalRegister.model_validate(
        {
            "source": "s",
            "goals": [
                {
                    "id": "G1",
                    "level": "sub_goal",
                    "goal": "g",
                    "indicator": "i",
                    "unit": "min",
                    "baseline_from": "t:v:service=home",
                    "expected": 20,
                    "low": 15,
                    "high": 45,
                    "deadline": "2030",
                    "source": "s",
                    "frequency": "f",
                    "owner": "o",
                    "priority": 1,
                },
                {"id": "G2", "level": "sub_goal", "goal": "g", "indicator": "i", "expected": 5},
            ],
        }
    )
    out = goal_register(register, {"t": pd.DataFrame({"service": ["home"], "v": [99.5]})}).set_index("goal_id")
    assert out.loc["G1", "baseline"] == 99.5 and out.loc["G1", "verifiable"]
    assert out.loc["G1", "baseline_status"] == "measured"
    assert out.loc["G2", "missing"] == "unit, baseline, low, high, deadline, source, frequency, owner, priority"


def test_cost_estimate_reproduces_the_frames(inputs):
    t = cost_estimate_table(inputs, correlation=0.0, n=200_000, seed=3).set_index("quantity")
    items = inputs.investment_table
    for item in items.index:
        assert t.loc[item, "p50_mnok"] == pytest.approx(items.loc[item, "p50_mnok"], rel=0.005)
        assert t.loc[item, "p85_mnok"] == pytest.approx(items.loc[item, "p85_mnok"], rel=0.005)
    # independent items: the P85 of the sum is below the sum of the P85s
    assert t.loc["total", "p85_mnok"] < items["p85_mnok"].sum()


def test_a_change_may_say_its_own_history_is_documented(scenario):
    """The file's «illustrative» flag is the default; a change with a real date and decider says so itself."""
    from ejournal_lib.governance.change_log import change_log_table
    from ejournal_lib.scenario.governance import ChangeLog

    raw = scenario.change_log.model_dump(by_alias=True)
    raw["changes"][0]["history_kind"] = "documented"
    table = change_log_table(ChangeLog.model_validate(raw)).set_index("change_id")["history_kind"]
    first = raw["changes"][0]["id"]
    assert table[first] == "documented" and set(table.drop(first)) == {"illustrative"}


def test_the_bridge_from_the_steering_target_to_the_frames_by_hand(inputs):
    """The frames of the method brief (MNOK incl. VAT): P50 4 755 + 4 060 + 710 = 9 525, P85 5 915 + 4 465 + 845
    = 11 225; the steering target 11 400 holds 11 400 − 9 525 = 1 875 beyond the items, and lies 175 above the
    cost frame."""
    from ejournal_lib.governance.cost_estimate import steering_target_bridge

    b = steering_target_bridge(inputs, 11400).set_index("step")["amount_mnok"]
    assert b["frames_p50"] == 9525 and b["frames_p85"] == 11225
    assert b["not_itemised"] == 1875 and b["reserve_p85"] == 1700 and b["target_above_frame"] == 175
    assert b[["programme_record", "local_implementation", "interaction_step1"]].sum() == b["frames_p50"]


def test_the_gates_come_in_the_order_the_appendices_need(scenario):
    """Procurement may start only once commitments reach the threshold (SP2): SP2 falls after the commitment
    agreements and before the tender notice; the stop points come in order."""
    config = scenario.stop_points
    milestones = {m.milestone: m.date for m in config.milestones}
    sp = {s.id: s.date for s in config.stop_points}
    assert milestones["Intensjons-/forpliktelsesavtaler"] < sp["SP2"] < milestones["Kunngjøring av konkurranse"]
    assert sp["SP1"] < sp["SP2"] < sp["SP3"] < sp["SP4"]
