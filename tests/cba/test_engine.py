"""The cost–benefit engine against hand calculations for one service and one year (default scenario).

Hand-worked participation for 2030 (brief's curves): new municipal shares Δm = 0.10 (2025), 0.10, 0.10,
0.15, 0.20, 0.20 (2030); realisation r = 0.10, 0.25, 0.50, 0.75, 1, read mid-year (the scenario's choice: a
cohort realises half a year of each step, so the years since go-live hold 0.05, 0.175, 0.375, 0.625, 0.875, 1).
R_m(2030) = 0.1·1 + 0.1·0.875 + 0.1·0.625 + 0.15·0.375 + 0.2·0.175 + 0.2·0.05 = 0.35125. GP uptake per cohort
u = 0.3, 0.4333, 0.5667, 0.7 gives the GP share g = 0.03, 0.07333, 0.13, 0.215, 0.32167, 0.44167 (2025–2030),
new GPs Δg = 0.03, 0.04333, 0.05667, 0.085, 0.10667, 0.12, so R_g(2030) = 0.03 + 0.04333·0.875 + 0.05667·0.625
+ 0.085·0.375 + 0.10667·0.175 + 0.12·0.05 = 0.159875.
"""

import pytest

from ejournal_lib.cba.curves import transition_months_by_year
from ejournal_lib.cba.engine import EFFECTS, run_cba
from ejournal_lib.common.errors import ConfigError

R_M_2030 = 0.35125
R_G_2030 = 0.03 + 0.13 / 3 * 0.875 + (0.17 / 3) * 0.625 + 0.085 * 0.375 + (0.32 / 3) * 0.175 + 0.12 * 0.05
G_2030 = 0.07 * 3 + 0.15 * (0.3 + 0.8 / 3) + 0.2 * (0.3 + 0.4 / 3) + 0.2 * 0.3


@pytest.fixture(scope="module")
def result(inputs, public_share):
    return run_cba(inputs, public_share)


def value(result, effect, service, year):
    y = result.yearly
    row = y[(y.effect == effect) & (y.service == service) & (y.year == year)]
    assert len(row) == 1
    return float(row["value_mnok"].iloc[0])


def test_hand_worked_curves(result):
    assert pytest.approx(0.159875, abs=1e-6) == R_G_2030
    i = 2030 - 2021
    assert result.curves.municipal_realised[0, i] == pytest.approx(R_M_2030)
    assert result.curves.gp_realised[0, i] == pytest.approx(R_G_2030)
    assert result.curves.gp_share[0, i] == pytest.approx(G_2030)
    # result goal: 0.85 × 0.70 = 59.5 % of GPs by 2033
    assert result.curves.gp_share[0, 2033 - 2021] == pytest.approx(0.595)


def test_time_savings_home_services_2030(result):
    hourly = 45678 * 12 / 1650
    full = 21 / 60 * 230 * 35297 * hourly / 1e6  # MNOK a year at full realisation
    growth = 1 + 0.28 * (2030 - 2019) / 21
    factor = 0.6 * R_M_2030 + 0.4 * R_G_2030  # close interaction with GPs
    assert full == pytest.approx(943.92, abs=0.01)
    assert value(result, "time_savings", "home_services", 2030) == pytest.approx(full * growth * factor)


def test_time_savings_gp_doctors_2030_follow_gp_uptake(result):
    full = 26 / 60 * 230 * 4128 * (84367 * 12 / 1650) / 1e6
    growth = 1 + 0.35 * 11 / 21
    assert value(result, "time_savings", "gp_doctors", 2030) == pytest.approx(full * growth * R_G_2030)


def test_transition_cost_home_services_2030(result):
    # 20 % for 6 months + 10 % for 18 months from the start of the go-live year: 1.8 months in year 0, 1.2 in year 1
    months = 0.2 * 1.8 + 0.2 * 1.2  # cohorts 2030 (0.2 × 1.8 months) and 2029 (0.2 × 1.2 months)
    growth = 1 + 0.28 * 11 / 21
    expected = -35297 * 45678 * growth * months / 1e6
    assert value(result, "transition_cost", "home_services", 2030) == pytest.approx(expected)
    assert transition_months_by_year([(0.2, 6), (0.1, 18)], 0, 3).sum() == pytest.approx(3.0)


def test_avoided_harms_gp_2030(inputs, public_share):
    """With the 2020 choice of mix for GP patients: 98 % light, 1.5 % serious, 0.5 % very serious."""
    mix = {"light": 0.98, "serious": 0.015, "very_serious": 0.005}
    result = run_cba(inputs.with_overrides({"adverse_events.severity_mixes.gp": mix}), public_share)
    avoided = 124500 * 0.38 * 0.40  # 18 924 harms a year at full effect
    cost = 0.98 * 25000 + 0.015 * 3.0e6 + 0.005 * 7.1e6  # 105 000 NOK per harm
    prod = (0.98 * 16400 + 0.015 * 2.0e6 + 0.005 * 4.7e6) * 0.40
    growth = 1 + 0.35 * 11 / 21
    assert value(result, "harms_health_costs", "gp_doctors", 2030) == pytest.approx(
        avoided * cost * growth * R_G_2030 / 1e6
    )
    assert value(result, "harms_value_creation", "gp_doctors", 2030) == pytest.approx(
        avoided * prod * growth * R_G_2030 / 1e6
    )
    assert value(result, "harms_value_creation", "home_services", 2030) == 0.0


def test_legacy_procurements_with_residual_value(result):
    # shut down the year after go-live: 2031 uses m(2030) = 0.85; 13.4 procurements a year × 20 MNOK
    assert value(result, "legacy_avoided", "municipal_record_procurement", 2031) == pytest.approx(13.4 * 20 * 0.85)
    # a procurement in 2035 is used 6 of its 10 years inside the period
    assert value(result, "legacy_avoided", "municipal_record_procurement", 2035) == pytest.approx(
        13.4 * 20 * 0.85 * 0.6
    )


def test_investment_and_operation(result, inputs):
    assert value(result, "investment", "programme_record", 2025) == pytest.approx(-4755 / 1.25 * 0.12)
    # local costs in full (the frames assume full participation), timed by go-live: 0.15 of 0.85 in 2028
    assert value(result, "investment", "local_implementation", 2028) == pytest.approx(-4060 / 1.25 * 0.15 / 0.85)
    assert result.yearly.query("effect == 'investment' and service == 'local_implementation'")[
        "value_mnok"
    ].sum() == pytest.approx(-4060 / 1.25)
    cost = inputs.operation.cost_per_year_full_participation_mnok
    assert value(result, "operation", "operation", 2030) == pytest.approx(cost * 0.85)
    m = {2025: 0.1, 2026: 0.2, 2027: 0.3, 2028: 0.45, 2029: 0.65}
    weights = sum(v / 1.04 ** (y - 2019) for y, v in m.items()) + sum(
        0.85 / 1.04 ** (y - 2019) for y in range(2030, 2041)
    )
    assert cost * weights == pytest.approx(-5279, abs=0.5)  # the calibrated cost reproduces the published value


def test_tax_financing_is_20_percent_of_every_effect_but_value_creation(result):
    y = result.yearly[result.yearly.year == 2030]
    base = y[~y.effect.isin(["harms_value_creation", "tax_financing"])]["value_mnok"].sum()
    assert value(result, "tax_financing", "tax_financing", 2030) == pytest.approx(0.2 * base)


def test_the_tax_rule_reproduces_the_published_plus_386():
    """0.20 × (13 725 + 3 670 − 10 943 + 6 610 − 5 855 − 5 279) = 0.20 × 1 928 = 385.6 ≈ +386; with value
    creation (621) the base would give 509.8, and with the budget effects only (−15 467) −3 093."""
    published = {
        "time_savings": 13725,
        "harms_health_costs": 3670,
        "harms_value_creation": 621,
        "transition_cost": -10943,
        "legacy_avoided": 6610,
        "investment": -5855,
        "operation": -5279,
    }
    rule = ["time_savings", "harms_health_costs", "transition_cost", "legacy_avoided", "investment", "operation"]
    assert round(0.2 * sum(published[e] for e in rule)) == 386


def test_public_share_only_rule_counts_public_actors(inputs, public_share):
    alt = inputs.with_overrides({"frame.tax_financing_public_share_only": True})
    y = run_cba(alt, public_share).yearly
    y30 = y[y.year == 2030]
    # private by the actor mapping: the GPs' freed time and transition cost, their record systems, and the
    # other contractors' systems; avoided harm costs fall on the specialist service, municipalities and state
    private = {
        ("time_savings", "gp_doctors"),
        ("time_savings", "gp_office_staff"),
        ("transition_cost", "gp_doctors"),
        ("transition_cost", "gp_office_staff"),
        ("legacy_avoided", "gp_record_systems"),
        ("legacy_avoided", "other_contractor_systems"),
    }
    pairs = list(zip(y30.effect, y30.service))
    base = y30[[e not in ("harms_value_creation", "tax_financing") and (e, s) not in private for e, s in pairs]]
    assert y30[y30.effect == "tax_financing"]["value_mnok"].sum() == pytest.approx(0.2 * base["value_mnok"].sum())


def test_every_effect_for_every_service(result, inputs):
    pairs = set(map(tuple, result.yearly[["effect", "service"]].drop_duplicates().to_numpy()))
    for s in inputs.service_table.index:
        assert ("time_savings", s) in pairs and ("transition_cost", s) in pairs
    for s in inputs.harm_table.index:
        assert ("harms_health_costs", s) in pairs
    assert {e for e, _ in pairs} == set(EFFECTS)


def test_r109_schedule_changes_nothing_within_40_years(inputs, public_share):
    alt = inputs.with_overrides({"frame.discount_schedule": "r109"})
    assert run_cba(alt, public_share).npv == pytest.approx(run_cba(inputs, public_share).npv)


@pytest.mark.parametrize(
    "override, message",
    [
        ({"services.table.home_services.ftes": -5}, "greater than or equal to 0"),
        ({"participation.gp_final_share": 1.4}, "less than or equal to 1"),
        ({"services.table.gp_doctors.time_p10": 0.5}, "time_p10 is relative to the base estimate and must be ≤ 0"),
        ({"uncertainty.transition_p10": 0.9}, "is above transition_p90"),
        ({"investment.items.programme_record.p50_mnok": 9000}, "P50 above P85"),
        ({"participation.municipal_share_by_year.2027": 0.05}, "must not decrease"),
        ({"frame.discount_rate": 1.5}, "less than 1"),
    ],
)
def test_bad_scenario_values(inputs, override, message):
    with pytest.raises(ConfigError, match=message) as err:
        inputs.with_overrides(override)
    assert f"cba.{next(iter(override)).split('.')[0]}" in str(err.value)  # the path is named


def test_override_of_unknown_path_is_an_error(inputs):
    with pytest.raises(ConfigError, match="unknown key 'nope'; valid: .*discount_rate"):
        inputs.with_overrides({"frame.nope": 1})
