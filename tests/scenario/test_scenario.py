"""The typed scenario: one object with every input, checked once with errors an analyst can act on."""

import shutil

import pytest

from ejournal_lib.common.errors import ConfigError
from ejournal_lib.scenario import load_scenario


def write_scenario(root, tmp_path, *edits):
    text = (root / "config" / "ssd2020.yaml").read_text(encoding="utf-8")
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    path = tmp_path / "scenario.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def problems(root, tmp_path, *edits) -> str:
    with pytest.raises(ConfigError) as err:
        load_scenario(write_scenario(root, tmp_path, *edits), root=root)
    return str(err.value)


def test_default_scenario_carries_every_input(scenario, root):
    assert scenario.name == "ssd2020" and scenario.sha256 and scenario.path == root / "config" / "ssd2020.yaml"
    assert scenario.cba.frame.discount_rate == 0.04
    assert scenario.settings.financing_key == "ssd2020" and scenario.settings.suppression_threshold == 5
    assert scenario.analysis.simulation.n_iterations == 100_000 and scenario.settings.seed == 20200301
    assert scenario.data.population == root / "data" / "raw" / "population_municipality_2020.csv"
    assert scenario.data.timeuse == [root / "data" / "raw" / "example" / "timeuse"]
    assert {"municipalities", "gps", "state"} <= set(scenario.actor_mapping.actors)
    assert len(scenario.change_log.changes) >= 8 and len(scenario.stop_points.stop_points) == 4
    assert "home_services" in scenario.codebook.services and scenario.benefit_plan.indicators["B1-HOME"].expected == 20


def test_every_problem_is_listed_with_path_value_and_valid_choices(root, tmp_path):
    msg = problems(
        root,
        tmp_path,
        ("    discount_rate: 0.04", "    discount_rate: 1.04"),
        ("  suppression_threshold: 5", "  suppression_threshold: 3"),
        ("    gp_final_share: 0.70", "    gp_final_share: 1.7"),
        ("    discount_schedule: constant", "    discount_schedule: stepped"),
        ("    vat_rate: 0.25", "    vat_rat: 0.25"),
        ("  financing_key: ssd2020", "  financing_key: ssd2021"),
    )
    assert "cba.frame.discount_rate = 1.04: expected less than 1" in msg
    assert "settings.suppression_threshold = 3: expected greater than or equal to 5" in msg
    assert "cba.participation.gp_final_share = 1.7: expected less than or equal to 1" in msg
    assert "cba.frame.discount_schedule = 'stepped': expected 'constant' or 'r109'" in msg
    assert "cba.frame.vat_rat: unknown key; valid: area_population, base_year" in msg
    assert "cba.frame.vat_rate is missing" in msg


def test_unknown_financing_key_names_the_valid_ones(root, tmp_path):
    msg = problems(root, tmp_path, ("  financing_key: ssd2020", "  financing_key: ssd2021"))
    assert (
        "settings.financing_key = 'ssd2021': unknown financing key; valid: benefit_share, per_inhabitant, ssd2020"
        in msg
    )


def test_wrong_types_are_named(root, tmp_path):
    msg = problems(
        root, tmp_path, ("    n_iterations: 100000", "    n_iterations: many"), ("  seed: 20200301", "  seed: 2.5")
    )
    assert "analysis.simulation.n_iterations = 'many': expected a valid integer" in msg
    assert "settings.seed = 2.5: expected a valid integer" in msg


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "  suppression_threshold: 5",
            "  suppression_threshold: 1",
            "suppression_threshold = 1: expected greater than or equal to 5",
        ),
        (
            "  suppression_threshold: 5",
            "  suppression_threshold: 0",
            "suppression_threshold = 0: expected greater than or equal to 5",
        ),
        (
            "  suppression_threshold: 5",
            "  suppression_threshold: -3",
            "suppression_threshold = -3: expected greater than or equal to 5",
        ),
        (
            "  suppression_threshold: 5",
            "  suppression_threshold: 5.5",
            "suppression_threshold = 5.5: expected a valid integer",
        ),
        (
            "    loan_rate: 0.025",
            "    loan_rate: -0.01",
            "analysis.budget.loan_rate = -0.01: expected greater than or equal to 0",
        ),
        (
            "    n_iterations: 100000",
            "    n_iterations: 100000000000",
            "n_iterations = 100000000000: expected less than or equal to 2000000",
        ),
        ("    n_iterations: 100000", "    n_iterations: 1e308", "n_iterations = '1e308': expected a valid integer"),
        (
            "  study_period: [2019-06-01, 2021-06-30]",
            "  study_period: [2021-06-30, 2019-06-01]",
            "study_period: the first date must not be after the last",
        ),
    ],
)
def test_parameters_out_of_range_are_named_before_anything_runs(root, tmp_path, old, new, expected):
    assert expected in problems(root, tmp_path, (old, new))


def test_missing_data_file_and_bad_file_it_names(root, tmp_path):
    msg = problems(root, tmp_path, ("  gp_survey: data/raw/example/gp_survey.csv", "  gp_survey: data/raw/nope.csv"))
    assert "gp_survey = " in msg and "nope.csv': file or folder not found" in msg
    bad_mapping = tmp_path / "mapping.yaml"
    bad_mapping.write_text(
        (root / "config" / "actor_mapping.yaml")
        .read_text()
        .replace("gps:            {public: false}", "gps:            {public: maybe}"),
        encoding="utf-8",
    )
    msg = problems(root, tmp_path, ("  actor_mapping: config/actor_mapping.yaml", f"  actor_mapping: {bad_mapping}"))
    assert "mapping.yaml: actors.gps.public = 'maybe': expected a valid boolean" in msg


def test_duplicate_yaml_keys_are_refused(root, tmp_path):
    msg = problems(root, tmp_path, ("  seed: 20200301", "  seed: 20200301\n  seed: 1"))
    assert "the key 'seed' appears twice" in msg


def test_overrides_are_checked_like_the_file(root):
    s = load_scenario(root / "config" / "ssd2020.yaml", overrides={"cba.frame.discount_rate": 0.03}, root=root)
    assert s.cba.frame.discount_rate == 0.03
    with pytest.raises(ConfigError, match="expected less than 1"):
        load_scenario(root / "config" / "ssd2020.yaml", overrides={"cba.frame.discount_rate": 3}, root=root)
    with pytest.raises(ConfigError, match="unknown key 'discount_rat'"):
        load_scenario(root / "config" / "ssd2020.yaml", overrides={"cba.frame.discount_rat": 0.03}, root=root)


def test_financing_key_gives_the_same_numbers_in_every_appendix(root, tmp_path):
    """A financing key where the GPs pay part of the operation; with the tax financing cost charged on the
    public actors' shares only, it changes the result. The analysis, participation and governance tables read
    the key from the scenario and agree."""
    from ejournal_lib.cba.scenarios import npv_with
    from ejournal_lib.cba.tables import scenario_public_shares
    from ejournal_lib.results import result_graph
    from tests.conftest import scenario_file

    mapping = tmp_path / "mapping.yaml"
    shutil.copy(root / "config" / "actor_mapping.yaml", mapping)
    mapping.write_text(
        mapping.read_text() + "  gp_licence:\n    investment:\n"
        "      programme_record: {state: 1.0}\n      interaction_step1: {state: 1.0}\n"
        "      local_implementation: {municipalities: 1.0}\n"
        "    operation: {municipalities: 0.8, gps: 0.2}\n",
        encoding="utf-8",
    )
    changes = {
        "cba.frame.tax_financing_public_share_only": True,
        "participation.gp_assumption": "brief",
        "settings.financing_key": "gp_licence",
        "data.actor_mapping": str(mapping),
    }
    s = load_scenario(scenario_file(tmp_path / "scenario.yaml", changes), root=root)
    default = load_scenario(root / "config" / "ssd2020.yaml", root=root)
    g = result_graph(s)

    npv = g.get("cba_summary").set_index("metric").loc["npv_mnok", "value"]
    assert npv != pytest.approx(npv_with(default.cba, scenario_public_shares(default)))  # the key matters
    cons = g.get("participation_consequences").set_index("scenario")
    assert cons.loc["ssd2020", "npv_mnok"] == pytest.approx(npv)
    be = g.get("break_even").set_index(["quantity", "gp_assumption"]).loc[("municipal_final_share", "brief")]
    be = be["break_even_share"]
    assert cons.loc["ssd2020", "break_even_municipal_share"] == pytest.approx(be)
    assert g.get("npv_bridge")["npv_mnok"].iloc[-1] == pytest.approx(npv)


def test_every_scenario_input_has_its_kinds_of_data_status(scenario):
    """Each data input the scenario names, and the model's own inputs, has a kind the label catalogue words;
    synthetic inputs are ``example`` whatever they otherwise are."""
    from ejournal_lib.common.labels import label
    from ejournal_lib.scenario.data_kinds import DATA_KINDS, INPUT_KINDS, input_kinds

    assert set(type(scenario.data).model_fields) | {"cba"} == set(INPUT_KINDS)
    assert {k for kinds in INPUT_KINDS.values() for k in kinds} <= set(DATA_KINDS)
    assert all(label("data_basis", k) != k for k in DATA_KINDS)
    kinds = input_kinds(scenario)
    assert kinds["gp_survey"] == ("example",) and kinds["population"] == ("public_statistics",)


def test_the_stated_area_population_must_be_the_population_files(root):
    """4 633 640 live outside counties 15 and 50 on 1 January 2020 (data/raw/README.md); leaving Oslo out of the
    area without changing the model's figure is refused, and so is a figure that differs from the file."""
    import pandas as pd

    pop = pd.read_csv(root / "data" / "raw" / "population_municipality_2020.csv", dtype={"municipality_code": str})
    oslo = int(pop.loc[pop["municipality_code"] == "0301", "population"].iloc[0])
    with pytest.raises(ConfigError, match=f"gives {4_633_640 - oslo} inhabitants"):
        load_scenario(root / "config" / "ssd2020.yaml", {"settings.extra_excluded_municipalities": ["0301"]}, root=root)
    changes = {"settings.extra_excluded_municipalities": ["0301"], "cba.frame.area_population": 4_633_640 - oslo}
    assert load_scenario(root / "config" / "ssd2020.yaml", changes, root=root).cba.frame.area_population < 4_633_640
    with pytest.raises(ConfigError, match="cba.frame.area_population = 4633641"):
        load_scenario(root / "config" / "ssd2020.yaml", {"cba.frame.area_population": 4_633_641}, root=root)
