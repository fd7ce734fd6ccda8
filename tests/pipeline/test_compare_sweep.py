"""Comparing scenarios and sweeping a parameter: the bridge's steps sum to the difference, each step is the
change its group makes on its own, the sweep's points are the model's values there, and the files are written."""

import openpyxl
import pandas as pd
import pytest

from ejournal_lib.common.errors import ConfigError
from ejournal_lib.pipeline.cli import main
from ejournal_lib.pipeline.compare import compare_scenarios
from ejournal_lib.pipeline.paths import ProjectPaths
from ejournal_lib.pipeline.sweep import parse_vary, sweep_table
from ejournal_lib.results.comparison import input_differences, scenario_bridge
from ejournal_lib.results.what_if import key_figures
from ejournal_lib.scenario import load_scenario
from tests.conftest import scenario_file

from .helpers import workbook_sheets


def variant(root, tmp_path, name, overrides: dict):
    """The default scenario named ``name`` with ``overrides`` (dotted paths), as a file of its own."""
    return load_scenario(scenario_file(tmp_path / f"{name}.yaml", {"name": name, **overrides}, small=False), root=root)


def test_bridge_attributes_the_difference_to_each_group_in_order(root, tmp_path, scenario):
    b = variant(root, tmp_path, "b", {"cba.frame.discount_rate": 0.03, "cba.participation.gp_final_share": 0.5})
    bridge = scenario_bridge(scenario, b).set_index("input_group")
    assert list(bridge.index) == ["start", "cba.frame", "cba.participation"]
    total = key_figures(b).npv_mnok - key_figures(scenario).npv_mnok
    assert bridge["delta_mnok"].sum() == pytest.approx(total, abs=1e-9)
    # the first step is exactly the discount rate's own effect on the reference scenario
    only_rate = key_figures(scenario, {"cba.frame.discount_rate": 0.03}).npv_mnok - key_figures(scenario).npv_mnok
    assert bridge.loc["cba.frame", "delta_mnok"] == pytest.approx(only_rate)
    diffs = input_differences([scenario, b]).set_index("parameter")
    assert diffs.loc["cba.frame.discount_rate", ["scenario_1", "scenario_2"]].tolist() == ["0,04", "0,03"]
    assert set(diffs.index) == {"cba.frame.discount_rate", "cba.participation.gp_final_share"}


@pytest.mark.e2e
def test_compare_writes_appendix_and_workbook(root, tmp_path, scenario, capsys):
    b = variant(root, tmp_path, "lower_gp", {"cba.participation.gp_final_share": 0.5})
    paths = ProjectPaths.at(root, tmp_path / "out")
    report = compare_scenarios(paths, [scenario.path, b.path], expected=False)
    assert report.folder == tmp_path / "out" / "reports" / "compare" / "ssd2020--lower_gp"
    assert report.pdf.read_bytes()[:4] == b"%PDF"
    html = report.html.read_text(encoding="utf-8")
    assert "Sammendrag" in html and "cba.participation.gp_final_share" in html and "Bro fra scenario 1" in html
    book = openpyxl.load_workbook(report.workbook)
    assert book.sheetnames[0] == "Les meg" and "compare_bridge_2" in workbook_sheets(report.workbook)
    with pytest.raises(ConfigError, match="at least two"):
        compare_scenarios(paths, [scenario.path])
    # the global options also work after the subcommand
    assert main(["compare", str(scenario.path), str(b.path), "--no-expected", "--out", str(tmp_path / "cli")]) == 0
    assert (tmp_path / "cli" / "reports" / "compare" / "ssd2020--lower_gp" / "sammenligning.pdf").is_file()


def test_parse_vary():
    assert parse_vary("cba.frame.discount_rate=0.02,0.03") == ("cba.frame.discount_rate", [0.02, 0.03])
    assert parse_vary("settings.financing_key=ssd2020,per_inhabitant")[1] == ["ssd2020", "per_inhabitant"]
    assert parse_vary("cba.frame.discount_rate=0.02:0.05:4")[1] == [0.02, 0.03, 0.04, 0.05]
    for bad in ("nothing", "a.b=", "a.b=1:2:1", "a.b=x:y:3"):
        with pytest.raises(ConfigError):
            parse_vary(bad)


def test_sweep_points_are_the_models_values(scenario):
    one, skipped = sweep_table(scenario, [("cba.frame.discount_rate", [0.02, 0.04])])
    assert skipped == []
    assert len(one) == 2 and one["npv_mnok"].iloc[1] == pytest.approx(key_figures(scenario).npv_mnok)
    assert one["npv_mnok"].iloc[0] > one["npv_mnok"].iloc[1]  # a lower rate weighs the later benefits more
    two, _ = sweep_table(
        scenario, [("cba.frame.discount_rate", [0.03, 0.04]), ("cba.participation.gp_final_share", [0.5, 0.7, 0.9])]
    )
    assert len(two) == 6
    point = two[(two["value_1"] == 0.03) & (two["value_2"] == 0.5)].iloc[0]
    expected = key_figures(scenario, {"cba.frame.discount_rate": 0.03, "cba.participation.gp_final_share": 0.5})
    assert point["npv_mnok"] == pytest.approx(expected.npv_mnok)
    with pytest.raises(ConfigError, match="(?s)no point of the sweep.*discount_rate = 3: expected less than 1"):
        sweep_table(scenario, [("cba.frame.discount_rate", [3])])


def test_a_bad_point_is_listed_with_its_value_and_rule_and_skipped(scenario):
    """gp_final_share 0.2 lies below the share that joins at go-live (30 %): that point is skipped, the others
    are computed."""
    table, skipped = sweep_table(scenario, [("cba.participation.gp_final_share", [0.2, 0.5, 0.7])])
    assert table["value_1"].tolist() == [0.5, 0.7]
    assert len(skipped) == 1 and skipped[0].startswith("cba.participation.gp_final_share = 0.2: ")


def test_sweep_command_writes_table_chart_and_workbook(root, tmp_path, capsys):
    assert main(["sweep", "--vary", "cba.frame.discount_rate=0.02:0.06:5", "--out", str(tmp_path)]) == 0
    folder = tmp_path / "reports" / "ssd2020" / "sweeps" / "sweep_discount_rate"
    assert (folder / "sweep.csv").is_file() and (folder / "sweep.png").is_file() and (folder / "sweep.xlsx").is_file()
    assert "5 points" in capsys.readouterr().out
    # a second sweep of the same parameter gets a folder of its own: the first is kept
    first = (folder / "sweep.csv").read_bytes()
    assert main(["sweep", "--vary", "cba.frame.discount_rate=0.03,0.04", "--out", str(tmp_path)]) == 0
    assert (folder / "sweep.csv").read_bytes() == first
    assert (folder.with_name("sweep_discount_rate_2") / "sweep.csv").is_file()


@pytest.mark.e2e
def test_the_ministrys_question_in_one_command(root, tmp_path):
    """«Investment 30 % higher and realisation two years slower»: the default compared with itself changed by
    two levers. The comparison gives the distribution and the municipalities' yearly cash (whose present value
    at 4 % is the key figure), a memo as PDF and Word, every chart as PNG and SVG, and a closing section whose
    files exist."""
    import re

    from docx import Document

    out = tmp_path / "out"
    args = ["compare", "config/ssd2020.yaml", "--set", "levers.investment_factor=1.3"]
    args += ["--set", "levers.realisation_delay_years=2", "--name", "ministry", "--out", str(out), "--root", str(root)]
    assert main(args) == 0
    folder = out / "reports" / "compare" / "ssd2020--ministry"
    keys = pd.read_csv(folder / "tables" / "compare_key_figures.csv").set_index("metric")
    cash = pd.read_csv(folder / "tables" / "compare_cash.csv")
    within = cash[cash["year"] <= 2040]
    discounted = (within["municipalities_without_loan_2"] / 1.04 ** (within["year"] - 2019)).sum()
    assert keys.loc["municipal_cash_mnok", "scenario_2"] == pytest.approx(discounted)
    assert keys.loc["npv_p10_mnok", "scenario_2"] < keys.loc["npv_p90_mnok", "scenario_2"]
    assert 0 < keys.loc["prob_negative_npv", "scenario_1"] < keys.loc["prob_negative_npv", "scenario_2"] < 1
    bridge = pd.read_csv(folder / "tables" / "compare_bridge_2.csv")
    assert bridge["input_group"].tolist() == ["start", "levers.investment_factor", "levers.realisation_delay_years"]
    for name in ("cash", "bridge_2"):
        assert (folder / "figures" / f"{name}.png").is_file() and (folder / "figures" / f"{name}.svg").is_file()
    assert (folder / "memo.pdf").read_bytes()[:4] == b"%PDF"
    memo = "\n".join(p.text for p in Document(str(folder / "memo.docx")).paragraphs)
    assert "Investeringen, faktor = 1,3" in memo and "Gevinstrealiseringen forsinket (år) = 2" in memo
    html = (folder / "sammenligning.html").read_text(encoding="utf-8")
    named = re.findall(r"<code>(reports/compare/[^<]+)</code>", html)
    assert named and all((out / f).is_file() for f in named)


def test_a_two_parameter_sweep_is_a_grid_with_words_and_optional_outputs(root, tmp_path, scenario):
    """Two levers as rows × columns of net present value, the break-even at every point on request; the grid's
    cells are the long table's, and the words come from the catalogue."""
    from ejournal_lib.common.labels import parameter_label
    from ejournal_lib.pipeline.sweep import sweep_grid

    varies = [("levers.investment_factor", [1.0, 1.3]), ("levers.realisation_delay_years", [0, 2])]
    table, skipped = sweep_table(scenario, varies, outputs=("break_even",))
    assert not skipped and table["break_even_municipal_share"].dropna().between(0, 1).all()
    # no break-even (negative even at full participation) only where the value is negative here
    assert (table.loc[table["break_even_municipal_share"].isna(), "npv_mnok"] < 0).all()
    base = table[(table["value_1"] == 1.0) & (table["value_2"] == 0)].iloc[0]
    assert base["break_even_municipal_share"] == pytest.approx(
        key_figures(scenario, break_even=True).break_even_municipal_share
    )
    grid = sweep_grid(table, varies)
    assert list(grid.columns) == ["Investeringen, faktor", "0", "2"]
    assert grid.iloc[1]["2"] == pytest.approx(
        key_figures(scenario, {"levers.investment_factor": 1.3, "levers.realisation_delay_years": 2}).npv_mnok
    )
    assert parameter_label("cba.frame.discount_rate") == "Kalkulasjonsrente"
    assert (
        main(
            [
                "sweep",
                "--vary",
                "levers.investment_factor=1.0,1.3",
                "--vary",
                "levers.realisation_delay_years=0,2",
                "--out",
                str(tmp_path),
            ]
        )
        == 0
    )
    folder = tmp_path / "reports" / "ssd2020" / "sweeps" / "sweep_investment_factor_x_realisation_delay_years"
    assert {"sweep_grid.csv", "sweep.png", "sweep.svg", "sweep.xlsx"} <= {p.name for p in folder.iterdir()}
    with pytest.raises(ConfigError, match="unknown sweep output"):
        sweep_table(scenario, varies, outputs=("nothing",))
