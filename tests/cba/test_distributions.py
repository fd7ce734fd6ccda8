import numpy as np
import pytest
from scipy import stats

from ejournal_lib.cba.distributions import (
    cost_quantiles,
    lognormal_from_quantiles,
    triangular_cdf,
    triangular_from_quantiles,
    triangular_ppf,
)


def exact_triangular_quantile(p, a, c, b):
    """Textbook inverse CDF of the triangular distribution."""
    fc = (c - a) / (b - a)
    if p < fc:
        return a + np.sqrt(p * (b - a) * (c - a))
    return b - np.sqrt((1 - p) * (b - a) * (b - c))


def test_ppf_matches_scipy():
    u = np.linspace(0.01, 0.99, 25)
    expected = stats.triang(c=0.25, loc=10, scale=40).ppf(u)  # a=10, c=20, b=50
    assert triangular_ppf(u, 10, 20, 50) == pytest.approx(expected)


def test_fit_from_p10_p90_reproduces_the_quantiles():
    a, c, b = triangular_from_quantiles(-0.65, 0.0, 0.25)
    assert c == 0.0
    assert triangular_cdf(-0.65, a, c, b) == pytest.approx(0.10, abs=1e-9)
    assert triangular_cdf(0.25, a, c, b) == pytest.approx(0.90, abs=1e-9)
    assert stats.triang(c=(c - a) / (b - a), loc=a, scale=b - a).ppf([0.1, 0.9]) == pytest.approx([-0.65, 0.25])


def test_symmetric_fit_by_hand():
    # symmetric: P90 = b - sqrt(0.1 * (b-a) * (b-c)); with a = -w, c = 0, b = w: 0.5 = w - w*sqrt(0.2)
    a, c, b = triangular_from_quantiles(-0.5, 0.0, 0.5)
    w = 0.5 / (1 - np.sqrt(0.2))
    assert (a, b) == pytest.approx((-w, w))


def test_fit_rejects_p10_above_p90():
    with pytest.raises(ValueError, match="low ≤ most likely ≤ high"):
        triangular_from_quantiles(0.3, 0.0, -0.3)


@pytest.mark.parametrize("n", [20_000, 320_000])
def test_cost_quantiles_min_max_against_exact(n):
    # one item, triangular(100, 150, 300): exact quantiles from the closed form
    res = cost_quantiles([100], [150], [300], bounds="min-max", n=n, seed=7)
    # the standard error of a quantile is about sqrt(p(1-p)/n)/f(q); 6 / sqrt(n) * 200 bounds it generously
    tol = 6 / np.sqrt(n) * 200
    for key, p in (("p10", 0.1), ("p50", 0.5), ("p85", 0.85), ("p90", 0.9)):
        assert res[key] == pytest.approx(exact_triangular_quantile(p, 100, 150, 300), abs=tol)
    assert res["mean"] == pytest.approx((100 + 150 + 300) / 3, abs=tol)


def test_cost_quantiles_p10_p90_single_item_hits_the_given_quantiles():
    res = cost_quantiles([80], [100], [140], bounds="p10-p90", n=400_000, seed=3)
    assert res["p10"] == pytest.approx(80, abs=0.5)
    assert res["p90"] == pytest.approx(140, abs=0.5)


def test_cost_quantiles_correlation_widens_the_sum():
    # two identical items: with correlation 1 the sum's SD is 2 sd; independent it is sqrt(2) sd
    sd_one = np.sqrt((0**2 + 1**2 + 3**2 - 0 * 1 - 0 * 3 - 1 * 3) / 18)  # triangular(0,1,3)
    ind = cost_quantiles([0, 0], [1, 1], [3, 3], bounds="min-max", n=200_000, seed=1)
    cor = cost_quantiles([0, 0], [1, 1], [3, 3], bounds="min-max", correlation=0.999, n=200_000, seed=1)
    assert ind["sd"] == pytest.approx(np.sqrt(2) * sd_one, rel=0.01)
    assert cor["sd"] == pytest.approx(2 * sd_one, rel=0.01)


def test_cost_quantiles_same_seed_same_result():
    args = ([1, 2], [2, 3], [4, 5])
    assert cost_quantiles(*args, n=20_000, seed=11) == cost_quantiles(*args, n=20_000, seed=11)
    assert cost_quantiles(*args, n=20_000, seed=11) != cost_quantiles(*args, n=20_000, seed=12)


def test_cost_quantiles_errors():
    with pytest.raises(ValueError, match="low ≤ most likely ≤ high"):
        cost_quantiles([5], [4], [6], n=100, seed=1)
    with pytest.raises(ValueError, match="bounds"):
        cost_quantiles([1], [2], [3], n=100, seed=1, bounds="p5-p95")


def test_lognormal_through_p50_p85():
    mu, sigma = lognormal_from_quantiles(4755, 5915)
    d = stats.lognorm(s=sigma, scale=np.exp(mu))
    assert d.ppf([0.5, 0.85]) == pytest.approx([4755, 5915])
