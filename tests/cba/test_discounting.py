import numpy as np
import pytest

from ejournal_lib.cba.discounting import R109_SCHEDULE, discount_factors, npv


def test_constant_rate_factors_by_hand():
    # 1/1.04 = 0.9615385, 1/1.04^2 = 0.9245562; base year itself is not discounted
    f = discount_factors([2019, 2020, 2021], base_year=2019, schedule=0.04)
    assert f == pytest.approx([1.0, 0.9615385, 0.9245562], abs=1e-7)


def test_npv_with_cash_flow_in_base_year():
    # -100 in 2019 (undiscounted) + 60/1.04 + 60/1.04^2 = -100 + 57.6923 + 55.4734 = 13.1657
    assert npv([-100, 60, 60], [2019, 2020, 2021], base_year=2019, schedule=0.04) == pytest.approx(13.16568, abs=1e-5)


def test_year_before_base_is_compounded():
    assert discount_factors([2018], base_year=2019, schedule=0.04)[0] == pytest.approx(1.04)


def test_r109_steps_down_after_40_and_75_years():
    # 40 years at 4 %, then 3 %: factor(41) = 1.04^-40 / 1.03; factor(76) = 1.04^-40 * 1.03^-35 / 1.02
    f = discount_factors([2019 + 40, 2019 + 41, 2019 + 76], base_year=2019, schedule=R109_SCHEDULE)
    assert f[0] == pytest.approx(1.04**-40)
    assert f[1] == pytest.approx(1.04**-40 / 1.03)
    assert f[2] == pytest.approx(1.04**-40 * 1.03**-35 / 1.02)


def test_stepped_boundaries_are_parameters():
    sched = {"rates": [0.05, 0.01], "boundaries": [2]}
    f = discount_factors([2020, 2021, 2022, 2023], base_year=2019, schedule=sched)
    assert f == pytest.approx([1 / 1.05, 1 / 1.05**2, 1 / (1.05**2 * 1.01), 1 / (1.05**2 * 1.01**2)])


def test_npv_vectorised_over_rows():
    v = np.array([[1.0, 1.0], [2.0, 0.0]])
    assert npv(v, [2019, 2020]) == pytest.approx([1 + 1 / 1.04, 2.0])


def test_bad_schedule_rejected():
    with pytest.raises(ValueError, match="one more rate"):
        discount_factors([2020], base_year=2019, schedule={"rates": [0.04], "boundaries": [40]})
    with pytest.raises(ValueError, match="years"):
        npv([1, 2, 3], [2019, 2020])


def test_spreadsheet_habits_are_refused():
    # npv(flows, years, 0.03): the rate in third place would be taken as a base year
    with pytest.raises(TypeError, match="positional"):
        npv([1, 2], [2019, 2020], 0.03)
    with pytest.raises(ValueError, match="fraction per year in \\[0, 1\\), e.g. 0.04 for 4 %; got 3"):
        npv([1, 2], [2019, 2020], schedule=3)
    with pytest.raises(ValueError, match="base_year must be a year"):
        npv([1, 2], [2019, 2020], base_year=0.03)
    with pytest.raises(ValueError, match="schedule rates"):
        discount_factors([2020], schedule={"rates": [4, 3], "boundaries": [40]})
