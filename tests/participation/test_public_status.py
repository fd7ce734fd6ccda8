"""The public facts about the 2020 intention declarations: the named municipalities and KS's aggregate."""

import pandas as pd
import pytest

from ejournal_lib.common.errors import InputError
from ejournal_lib.participation.public_status import load_intentions_aggregate, public_key_figures
from ejournal_lib.participation.register import load_scenario_public_status


@pytest.fixture(scope="module")
def public(scenario):
    return load_scenario_public_status(scenario)


def test_named_municipalities_and_unknown_for_the_rest(public):
    status, _ = public
    counts = status["public_status"].value_counts().to_dict()
    # the shared reference README: 43 rows, 39 signed, 1 declined (Skien), 3 unknown (Oslo, Bodø, Vega)
    assert counts == {"not_named": 292 - 43, "signed": 39, "unknown": 3, "declined": 1}
    s = status.set_index("municipality_name")["public_status"]
    assert s["Skien"] == "declined" and s["Oslo"] == "unknown" and s["Kristiansand"] == "signed"
    assert s["Bærum"] == "not_named"  # not named in a public source: unknown, never "not signed"
    agder = status[status["municipality_code"].str.startswith("42")]
    assert len(agder) == 25 and (agder["public_status"] == "signed").all()  # e-helse Agder: 25 of 25


def test_ks_aggregate_and_key_figures(public):
    status, agg = public
    assert (agg.signed, agg.in_area, agg.population_share, agg.not_signed) == (183, 291, 0.65, 108)
    assert agg.as_of == pd.Timestamp("2020-07-01") and agg.source.startswith("https://www.ks.no/")
    key = public_key_figures(status, agg).set_index("basis")
    assert key.loc["ks_signed", "population_share"] == 0.65
    named = status[status["public_status"] == "signed"]
    assert key.loc["named_signed", "municipalities"] == 39
    assert key.loc["named_signed", "population_share"] == pytest.approx(named["population"].sum() / 4_633_640)


def test_aggregate_that_does_not_add_up_is_refused(tmp_path, root):
    text = (root / "data" / "raw" / "akson_intentions_aggregate_2020.csv").read_text(encoding="utf-8")
    bad = tmp_path / "agg.csv"
    bad.write_text(text.replace("municipalities_not_signed,108", "municipalities_not_signed,100"), encoding="utf-8")
    with pytest.raises(InputError, match="signed \\(183\\) \\+ not signed \\(100\\)"):
        load_intentions_aggregate(bad)
