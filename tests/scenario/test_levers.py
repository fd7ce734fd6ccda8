"""Levers: each named change to a group of inputs, checked against the inputs it should change and, for the
investment, against the engine's present value by hand."""

import pytest

from ejournal_lib.cba.calibration import effect_pvs
from ejournal_lib.common.errors import ConfigError
from ejournal_lib.scenario.levers import lever_overrides


def test_investment_plus_thirty_percent_moves_every_frame_and_the_value_by_hand(inputs, public_share):
    """Investment is linear in the P50 frames: +30 % moves its present value by 0.3 × I, and the tax financing
    cost (20 % of it) by 0.3 × I × 0.2."""
    changed = inputs.with_overrides(lever_overrides(inputs, {"investment_factor": 1.3}))
    assert changed.investment_table["p50_mnok"].tolist() == pytest.approx([4755 * 1.3, 4060 * 1.3, 710 * 1.3])
    assert changed.investment_table["p85_mnok"].tolist() == pytest.approx([5915 * 1.3, 4465 * 1.3, 845 * 1.3])
    before, after = effect_pvs(inputs, public_share), effect_pvs(changed, public_share)
    assert after["investment"] == pytest.approx(1.3 * before["investment"])
    assert after.sum() - before.sum() == pytest.approx(0.3 * before["investment"] * 1.2)


def test_shifts_move_the_paths_by_whole_years(inputs):
    two_later = lever_overrides(inputs, {"rollout_shift_years": 2, "realisation_delay_years": 2})
    assert two_later["participation.municipal_share_by_year"] == {
        2027: 0.10,
        2028: 0.20,
        2029: 0.30,
        2030: 0.45,
        2031: 0.65,
        2032: 0.85,
    }
    assert two_later["participation.realisation_by_year_since_golive"] == [0, 0, 0.10, 0.25, 0.50, 0.75, 1.0]
    inputs.with_overrides(two_later)  # a valid scenario


def test_caps_and_floors_bound_participation(inputs):
    """A cap of 50 % stops the roll-out there (2025–2028 unchanged, 2029–2030 at 0.5); a floor of 40 % lifts
    every year from the first go-live (2025–2027 to 0.4) and leaves the years before at nothing."""
    capped = lever_overrides(inputs, {"municipal_share_cap": 0.5})["participation.municipal_share_by_year"]
    assert capped == {2025: 0.10, 2026: 0.20, 2027: 0.30, 2028: 0.45, 2029: 0.5, 2030: 0.5}
    floored = lever_overrides(inputs, {"municipal_share_floor": 0.4})["participation.municipal_share_by_year"]
    assert floored == {2025: 0.4, 2026: 0.4, 2027: 0.4, 2028: 0.45, 2029: 0.65, 2030: 0.85}
    assert lever_overrides(inputs, {"gp_share_cap": 0.2}) == {
        "participation.gp_final_share": 0.2,
        "participation.gp_join_share_at_golive": 0.2,
    }
    assert lever_overrides(inputs, {"gp_share_floor": 0.8}) == {"participation.gp_final_share": 0.8}


def test_levers_refuse_what_they_cannot_mean(inputs):
    with pytest.raises(ConfigError, match="rollout_shift_years: expected whole years, got 1.5"):
        lever_overrides(inputs, {"rollout_shift_years": 1.5})
    with pytest.raises(
        ConfigError, match="unknown lever 'investment'; valid: gp_share_cap, gp_share_floor, investment_factor"
    ):
        lever_overrides(inputs, {"investment": 1.3})


def _what_if(root, tmp_path, levers: dict):
    """The default scenario file under another name with ``levers`` set (as an analyst writes a what-if)."""
    import re

    text = (root / "config" / "ssd2020.yaml").read_text(encoding="utf-8").replace("name: ssd2020", "name: whatif", 1)
    for name, value in levers.items():
        text, n = re.subn(rf"^(  {name}:) \S+", rf"\1 {value}", text, count=1, flags=re.M)
        assert n == 1
    path = tmp_path / "whatif.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_scenario_file_sets_levers_and_the_bridge_names_each(root, tmp_path, inputs):
    """The ministry's question as levers: investment +30 %, benefits two years later. The scenario's inputs are
    the default's with the levers' overrides; the comparison's bridge has one step per lever, summing to B − A."""
    from ejournal_lib.results.comparison import scenario_bridge
    from ejournal_lib.scenario import load_scenario

    path = _what_if(root, tmp_path, {"investment_factor": 1.3, "realisation_delay_years": 2})
    whatif = load_scenario(path, root=root)
    assert whatif.levers.set() == {"investment_factor": 1.3, "realisation_delay_years": 2}
    assert whatif.cba == inputs.with_overrides(
        lever_overrides(inputs, {"investment_factor": 1.3, "realisation_delay_years": 2})
    )
    default = load_scenario(root / "config" / "ssd2020.yaml", root=root)
    bridge = scenario_bridge(default, whatif)
    assert bridge["input_group"].tolist() == ["start", "levers.investment_factor", "levers.realisation_delay_years"]
    assert bridge["delta_mnok"].sum() == pytest.approx(bridge["npv_mnok"].iloc[-1] - bridge["npv_mnok"].iloc[0])


def test_a_lever_that_breaks_a_rule_names_itself_its_value_and_the_rule(root):
    from ejournal_lib.scenario import load_scenario

    with pytest.raises(
        ConfigError, match=r"levers.transition_factor = 6.0: .*loss = 1.2.*: expected less than or equal to 1"
    ):
        load_scenario(root / "config" / "ssd2020.yaml", overrides={"levers.transition_factor": 6}, root=root)
