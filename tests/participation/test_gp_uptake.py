import numpy as np
import pandas as pd
import pytest

from ejournal_lib.participation.gp_uptake import fit_gp_survey, gps_per_municipality, national_gp_count, predicted_share


def test_logit_wrapper_against_published_spector_mazzeo():
    """Spector & Mazzeo (1980) as in Greene, Econometric Analysis, table 21.1 (logit):
    constant −13.021, GPA 2.826, TUCE 0.0952, PSI 2.379."""
    import statsmodels.api as sm

    data = sm.datasets.spector.load_pandas().data.rename(columns={"GRADE": "intends_to_join"})
    fit = fit_gp_survey(data, "intends_to_join ~ GPA + TUCE + PSI")
    assert fit.params.to_numpy() == pytest.approx([-13.021, 2.826, 0.0952, 2.379], abs=2e-3)


def test_expected_share_is_mean_prediction_and_bounds_bracket_it():
    rng = np.random.default_rng(0)
    n = 3000
    x = rng.random(n) < 0.5
    incentive = rng.random(n) < 0.5
    p_true = 1 / (1 + np.exp(-(-1.0 + 1.0 * x + 0.5 * incentive)))
    df = pd.DataFrame({"x": x.astype(int), "incentive": incentive, "intends_to_join": rng.random(n) < p_true})
    fit = fit_gp_survey(df, "intends_to_join ~ x + incentive")
    base = predicted_share(fit, df, incentive=False, seed=1).iloc[0]
    with_inc = predicted_share(fit, df, incentive=True, seed=1).iloc[0]
    # truth without incentive: half at logit −1 and half at 0 → (0.2689 + 0.5) / 2
    assert base["expected_share"] == pytest.approx((1 / (1 + np.e) + 0.5) / 2, abs=0.03)
    assert base["lower_bound"] < base["expected_share"] < base["upper_bound"]
    assert with_inc["expected_share"] > base["expected_share"]


def test_gps_allocated_by_population_sum_to_national_share():
    area = pd.DataFrame(
        {"municipality_code": ["0001", "0002"], "municipality_name": ["A", "B"], "population": [300, 100]}
    )
    g = gps_per_municipality(area, national_gps=50, national_population=1000)
    assert g["gps"].tolist() == [15.0, 5.0]
    figures = pd.DataFrame({"indicator": ["Fastleger (GPs, persons)"], "period": ["2019-Q4"], "value": [4858]})
    assert national_gp_count(figures) == 4858


def test_gp_file_replaces_allocation(tmp_path):
    f = tmp_path / "gp_per_municipality.csv"
    f.write_text("municipality_code,gps\n0001,12\n0002,3,5\n")
    area = pd.DataFrame({"municipality_code": ["0001", "0002"], "municipality_name": ["A", "B"], "population": [1, 1]})
    from ejournal_lib.common.errors import InputError

    with pytest.raises(InputError):
        gps_per_municipality(area, 1, 1, f)
    f.write_text('municipality_code,gps\n0001,12\n0002,"3,5"\n')
    assert gps_per_municipality(area, 1, 1, f)["gps"].tolist() == [12.0, 3.5]
