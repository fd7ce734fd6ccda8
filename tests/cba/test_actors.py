import numpy as np
import pandas as pd
import pytest
from pydantic import ValidationError

from ejournal_lib.cba.actors import actor_summary, annuity_payments, assign_actors, municipality_distribution
from ejournal_lib.cba.engine import run_cba
from ejournal_lib.scenario.actors import ActorMapping
from ejournal_lib.scenario.cba import NullAlternative


@pytest.fixture(scope="module")
def effects(inputs, public_share):
    return run_cba(inputs, public_share).by_effect_service


@pytest.mark.parametrize("key", ["ssd2020", "per_inhabitant", "benefit_share"])
def test_actor_shares_sum_to_the_totals(effects, mapping, key):
    split = assign_actors(effects, ["npv_mnok"], mapping, key)
    assert split["npv_mnok"].sum() == pytest.approx(effects["npv_mnok"].sum())
    per_pair = split.groupby(["effect", "service"])["npv_mnok"].sum()
    assert np.allclose(
        per_pair.sort_index().to_numpy(), effects.set_index(["effect", "service"])["npv_mnok"].sort_index().to_numpy()
    )
    summary = actor_summary(split, mapping)
    assert summary["net_mnok"].sum() == pytest.approx(effects["npv_mnok"].sum())


def test_ssd2020_key_state_pays_programme(effects, mapping):
    split = assign_actors(effects, ["npv_mnok"], mapping, "ssd2020")
    prog = split[(split.effect == "investment") & (split.service == "programme_record")]
    assert list(prog["actor"]) == ["state"]
    local = split[(split.effect == "investment") & (split.service == "local_implementation")]
    assert list(local["actor"]) == ["municipalities"]


def test_annuity_by_hand():
    # 1000 borrowed at 5 % over 3 years: payment = 1000 × 0.05 / (1 − 1.05^-3) = 367.2086
    pay = annuity_payments(np.array([1000.0, 0.0]), np.array([2025, 2026]), 3, 0.05)
    assert pay.loc[2025] == 0.0
    assert pay.loc[[2026, 2027, 2028]].to_numpy() == pytest.approx([367.2086] * 3, abs=1e-4)
    assert pay.sum() == pytest.approx(3 * 367.20856, abs=1e-3)


def test_municipality_distribution_sums_to_municipal_totals(effects, mapping):
    split = assign_actors(effects, ["npv_mnok"], mapping, "ssd2020")
    munis = pd.DataFrame(
        {
            "municipality_code": ["0001", "0002", "0003"],
            "municipality_name": list("ABC"),
            "population": [50_000, 8_000, 2_000],
        }
    )
    na = NullAlternative.model_construct(large_municipality_threshold=10_000, small_municipality_group_size=5)
    out = municipality_distribution(split, munis, na)
    muni_total = split[split.actor == "municipalities"]["npv_mnok"].sum()
    assert out["net_mnok"].sum() == pytest.approx(muni_total)
    # procurement savings: weights 1, 0.2, 0.2 → shares 1/1.4, 0.2/1.4, 0.2/1.4
    proc = split[(split.actor == "municipalities") & (split.service == "municipal_record_procurement")][
        "npv_mnok"
    ].sum()
    other_benefits = (
        split[
            (split.actor == "municipalities")
            & split.effect.isin(["time_savings", "harms_health_costs", "harms_value_creation", "legacy_avoided"])
        ]["npv_mnok"].sum()
        - proc
    )
    assert out["benefits_mnok"].iloc[2] == pytest.approx(other_benefits * 2_000 / 60_000 + proc * 0.2 / 1.4)


def test_mapping_errors_are_listed():
    bad = {
        "actors": {"a": {"public": True}},
        "effects": {"time_savings": {"default": {"a": 0.5, "b": 0.4}}},
        "financing_keys": {},
    }
    with pytest.raises(ValidationError) as err:
        ActorMapping.model_validate(bad)
    assert "unknown actor 'b'" in str(err.value) and "shares must sum to 1, got 0.9" in str(err.value)
