"""The one-call API: a scenario with overrides evaluated to its key figures, checked against the independent
implementation in tests/reference_cba.py and against the published figures the default reproduces."""

import math

import pytest

from ejournal_lib.common.errors import ConfigError
from ejournal_lib.results.what_if import key_figures


def reference_npv(root, inputs, overrides=None) -> float:
    """The deterministic net present value by tests/reference_cba.py, written out again from the method brief
    and reading the scenario's YAML (with the same overrides applied to the plain dict)."""
    from ejournal_lib.cba.curves import deterministic_draws
    from ejournal_lib.common.yaml_io import read_yaml
    from ejournal_lib.scenario.overrides import apply_overrides
    from tests.reference_cba import plain_npv

    cba = read_yaml(root / "config" / "ssd2020.yaml", "scenario")["cba"]
    if overrides:
        cba = apply_overrides(cba, overrides)
    return plain_npv(cba, deterministic_draws(inputs), None, 0)


def test_default_scenario_key_figures(root, scenario):
    kf = key_figures(scenario)
    # the reconciled base of the 2020 method (cba appendix), as the independent implementation computes it
    reference = reference_npv(root, scenario.cba)
    assert kf.npv_mnok == pytest.approx(reference, abs=1e-6)
    # benefits, costs and the public budget's tax financing effect (neither) add up to the net present value
    assert kf.pv_benefits_mnok + kf.pv_costs_mnok + kf.by_effect["tax_financing"] == pytest.approx(kf.npv_mnok)
    assert kf.by_effect["operation"] == pytest.approx(-5279, abs=0.5)  # the calibrated published value
    assert math.isnan(kf.expected_npv_mnok)
    assert list(kf.summary()["metric"])[:3] == ["npv_mnok", "pv_benefits_mnok", "pv_costs_mnok"]
    assert (
        repr(kf).startswith(f"KeyFigures(ssd2020: npv {reference:,.0f} MNOK".replace(",", " ")) and len(repr(kf)) < 120
    )


@pytest.mark.parametrize("override", [{"frame.discount_rate": 0.03}, {"participation.gp_final_share": 0.5}])
def test_overrides_agree_with_the_independent_implementation(root, scenario, override):
    kf = key_figures(scenario, {f"cba.{k}": v for k, v in override.items()})
    assert kf.npv_mnok == pytest.approx(reference_npv(root, scenario.cba, override), abs=1e-6)
    assert kf.npv_mnok != pytest.approx(key_figures(scenario).npv_mnok)


def test_overrides_are_checked_and_change_what_they_should(scenario):
    base = key_figures(scenario)
    moved = key_figures(scenario, {"settings.financing_key": "per_inhabitant"})
    assert moved.npv_mnok == pytest.approx(base.npv_mnok)  # who pays does not change society's total
    assert moved.municipal_net_mnok != pytest.approx(base.municipal_net_mnok)
    with pytest.raises(ConfigError, match="expected less than 1"):
        key_figures(scenario, {"cba.frame.discount_rate": 3})
    with pytest.raises(ConfigError, match="unknown financing key"):
        key_figures(scenario, {"settings.financing_key": "nobody"})


def test_goal_seek_finds_the_rate_where_the_value_is_zero(root, scenario):
    """The internal rate of the base case: at the solved discount rate the independent implementation's net
    present value is zero too."""
    from ejournal_lib.results.what_if import solve

    found = solve(scenario, "cba.frame.discount_rate", (0.0, 0.2))
    assert 0.04 < found.value < 0.2 and found.bracket == (0.0, 0.2) and found.evaluations > 2
    assert reference_npv(root, scenario.cba, {"frame.discount_rate": found.value}) == pytest.approx(0, abs=0.01)
    assert str(found).startswith("cba.frame.discount_rate = 0.06")


def test_goal_seek_says_when_the_bracket_holds_no_root(root, scenario):
    from ejournal_lib.results.what_if import solve

    at_zero = reference_npv(root, scenario.cba, {"frame.discount_rate": 0.0})  # the bracket's end, independently
    with pytest.raises(ConfigError, match=rf"does not reach 0 .* between 0 and 0.05: it is {at_zero:.6g} at 0"):
        solve(scenario, "cba.frame.discount_rate", (0.0, 0.05))
    with pytest.raises(ConfigError, match="unknown key figure"):
        solve(scenario, "cba.frame.discount_rate", (0.0, 0.2), figure="npv")


def test_solve_command(capsys):
    from ejournal_lib.pipeline.cli import main

    assert main(["solve", "--vary", "cba.frame.discount_rate", "--between", "0", "0.2"]) == 0
    assert "gives npv_mnok = 0" in capsys.readouterr().out
    assert main(["solve", "--vary", "cba.frame.discount_rate", "--between", "0", "0.2", "--target", "npv"]) == 2
    assert "expected FIGURE=VALUE" in capsys.readouterr().err
