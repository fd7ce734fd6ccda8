"""Stepwise implementation: what the option to stop at a stop point is worth, on the simulation's own draws.

At a stop point some uncertainty has resolved (``observed``: one column per quantity known then, per draw);
continuing is worth ``continuation`` (each draw's net present value from the stop point on), stopping 0. The
value of being able to stop is E[max(0, E[C | observed])] − max(0, E[C]) (:func:`option_value`): the
conditional expectation is the regression of the value of information (:func:`.value_of_information.evppi`),
so the option is exactly the partial value of information of the continue-or-stop decision.

Several stop points in sequence are valued backwards by least-squares Monte Carlo (Longstaff and Schwartz
2001; :func:`stop_point_values`): at the last, continue where the regression of the rest on what is observed
is positive; at each earlier one, regress what continuing is worth when the later decisions are followed
(the realised values along each draw's path, not the fitted ones, so the policy's value is not flattered).

A staged roll-out (:func:`staged_rollout`) is the second measure beside the committed one: the first wave
alone, the rest later and only if what the first wave shows makes going on worth it.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ejournal_lib.cba.value_of_information import additive_fit, evppi

__all__ = [
    "option_value",
    "stop_point_values",
    "stop_point_valuation",
    "measured_first_rollout",
    "staged_path",
    "staged_rollout",
]


def _varying(observed, n: int) -> np.ndarray | None:
    """The observed quantities as (n, k) columns that vary, or None when nothing varying is observed."""
    if observed is None:
        return None
    x = np.asarray(observed, dtype=float)
    x = x.reshape(n, -1) if x.size else np.empty((n, 0))
    x = x[:, np.ptp(x, axis=0) > 0] if x.shape[1] else x
    return x if x.shape[1] else None


def option_value(continuation, observed) -> float:
    """The value of being able to stop at a stop point: E[max(0, E[C | observed])] − max(0, E[C]) for the
    draws ``continuation`` (C: the net present value of continuing; stopping is worth 0) and what is known
    then (``observed``: (n,) or (n, k); None or constant columns: nothing). Zero when nothing is observed;
    never above the value of perfect information E[max(0, C)] − max(0, E[C]).

    >>> rng = np.random.default_rng(1)
    >>> z = rng.normal(size=50_000)
    >>> round(option_value(-0.5 + z + rng.normal(size=50_000), z), 2)  # σφ(μ/σ) + μΦ(μ/σ) − 0 = 0.20
    0.2
    """
    c = np.asarray(continuation, dtype=float)
    x = _varying(observed, len(c))
    return 0.0 if x is None else evppi(c, x, n_se=0).evppi


def _threshold(x: np.ndarray | None, expected: np.ndarray) -> float:
    """For one observed number: the value where the regression of continuing turns from negative to positive
    (below it the induction stops); NaN when it never does or more than one number is observed."""
    if x is None or x.shape[1] != 1:
        return float("nan")
    order = np.argsort(x[:, 0])
    positive = expected[order] >= 0
    crossing = np.flatnonzero(positive[1:] != positive[:-1])
    return float(x[order, 0][crossing[0] + 1]) if len(crossing) else float("nan")


def stop_point_values(
    stages: Sequence[tuple[str, np.ndarray, np.ndarray | None]],
    knots: int = 6,
    rules: dict[str, float] | None = None,
    alone: bool = True,
) -> pd.DataFrame:
    """The stop points' decisions by backward induction on the same draws.

    ``stages``: in time order, (name, cash, observed) per stop point: ``cash`` each draw's net present value of
    what happens from this stop point to the next (to the end for the last), ``observed`` what is known at
    this stop point (as in :func:`option_value`). ``rules``: stop points whose decision is a fixed threshold
    on their one observed number instead (stop below it), to value a rule set in advance. Returns one row per
    stop point: ``threshold`` (the observed number below which the induction stops, for one number),
    ``continue_mnok`` (the expected value of continuing from it, later stops followed), ``prob_stop`` (the
    share of draws that stop here, having reached it), ``value_in_sequence_mnok`` (what the option here adds,
    given the later ones) and ``option_alone_mnok`` (its value as the only stop point; NaN without ``alone``);
    the frame's ``attrs``
    hold the expected value committed from the start and with every stop point (``committed_mnok``,
    ``with_stops_mnok``) and where each draw stops (``stop_index``: the stop point's position, len(stages)
    when it never stops)."""
    n = len(np.asarray(stages[0][1]))
    rules = rules or {}
    after = np.zeros(n)  # each draw's realised value from the next stop point on, later decisions followed
    total = np.zeros(n)
    decisions = []
    for name, cash, observed in reversed(stages):
        cash = np.asarray(cash, dtype=float)
        total += cash
        going_on = cash + after
        x = _varying(observed, n)
        expected = additive_fit(going_on, x, knots)[0] if x is not None else np.full(n, going_on.mean())
        threshold = _threshold(x, expected)
        if name in rules:
            value = np.asarray(observed, dtype=float).reshape(n, -1)[:, 0]
            stop, threshold = value < rules[name], rules[name]
        else:
            stop = expected < 0
        gain = float(np.where(stop, 0.0, going_on).mean() - max(going_on.mean(), 0.0))
        value_alone = option_value(total, observed) if alone else float("nan")
        decisions.append((name, threshold, stop, float(going_on.mean()), gain, value_alone))
        after = np.where(stop, 0.0, going_on)
    rows, alive = [], np.ones(n, dtype=bool)
    stop_index = np.full(n, len(stages))  # where each draw stops (len(stages): never)
    for k, (name, threshold, stop, cont, gain, alone) in enumerate(reversed(decisions)):
        stop_index[stop & alive] = k
        rows.append(
            {
                "stop_point": name,
                "threshold": threshold,
                "continue_mnok": cont,
                "prob_stop": float((stop & alive).sum() / max(alive.sum(), 1)),
                "value_in_sequence_mnok": gain,
                "option_alone_mnok": alone,
            }
        )
        alive &= ~stop
    out = pd.DataFrame(rows)
    out.attrs = {
        "committed_mnok": float(total.mean()),
        "with_stops_mnok": float(max(after.mean(), 0.0)),
        "stop_index": stop_index,
    }
    return out


class _WindowSink:
    """Each stream's present value in each window: (n, S_e, K) for ``factors`` (K, T)."""

    def __init__(self, factors: np.ndarray):
        self.factors = factors
        self.pv: dict[str, tuple[list[str], np.ndarray]] = {}

    def add(self, effect: str, stream) -> None:
        self.pv[effect] = (stream.services, stream.dense() @ self.factors.T)


def window_values(inputs, draws, public_share, starts: Sequence[int], chunk: int = 25_000, shares_of=None):
    """(n, len(starts)) each draw's net present value of everything in the years from each start to the next
    (the last to the end of the period); years before the first start are left out (sunk). With ``shares_of``
    (effect, service → {actor: share}, e.g. :func:`.risk_sharing.actor_share_rule`): {actor: (n, len(starts))},
    what falls on each actor."""
    from ejournal_lib.cba.discounting import discount_factors
    from ejournal_lib.cba.engine import evaluate

    years = np.asarray(inputs.years)
    d = discount_factors(years, base_year=inputs.frame.base_year, schedule=inputs.schedule)
    edges = [*starts, int(years.max()) + 1]
    factors = np.array([d * ((years >= a) & (years < b)) for a, b in zip(edges[:-1], edges[1:])])
    total = np.zeros((draws.n, len(starts)))
    actors: dict[str, np.ndarray] = {}
    for start in range(0, draws.n, chunk):
        sl = slice(start, min(start + chunk, draws.n))
        sink = _WindowSink(factors)
        evaluate(inputs, draws.rows(sl), sink, public_share)
        for effect, (services, values) in sink.pv.items():
            total[sl] += values.sum(axis=1)
            for j, service in enumerate(services if shares_of else ()):
                for actor, share in shares_of(effect, service).items():
                    actors.setdefault(actor, np.zeros_like(total))[sl] += share * values[:, j, :]
    return actors if shares_of else total


def actor_gains(windows: dict[str, np.ndarray], stop_index: np.ndarray) -> pd.DataFrame:
    """Who gains from the option to stop: per actor, the expected value committed from the start and with the
    stop points (a draw that stops at stop point k keeps its windows before k; what follows is not spent or
    earned), the gain, and the actor's value up to the stop in the draws that stop (its sunk part)."""
    rows = []
    stopped = stop_index < next(iter(windows.values())).shape[1]
    for actor, w in windows.items():
        kept = np.where(np.arange(w.shape[1])[None, :] < stop_index[:, None], w, 0.0).sum(axis=1)
        rows.append(
            {
                "actor": actor,
                "committed_mnok": float(w.sum(axis=1).mean()),
                "with_stops_mnok": float(kept.mean()),
                "gain_mnok": float(kept.mean() - w.sum(axis=1).mean()),
                "sunk_when_stopped_mnok": float(kept[stopped].mean()) if stopped.any() else float("nan"),
            }
        )
    return pd.DataFrame(rows)


def stop_point_valuation(
    inputs,
    draws,
    public_share,
    stop_years: dict[str, int],
    observed: dict[str, np.ndarray | None],
    rules: dict[str, float] | None = None,
    curve: dict[str, Sequence[float]] | None = None,
    shares_of=None,
) -> pd.DataFrame:
    """:func:`stop_point_values` on the model: each stop point's cash is the net present value of the years
    from it to the next stop point (to the end for the last), ``observed[name]`` what is known there. With
    ``rules`` (a fixed threshold on a stop point's one observed number, stop below it), also what those rules
    lose against the induction's own thresholds: ``value_lost_mnok`` in the frame's ``attrs``, and the
    rules' ``rule_threshold`` per stop point. With ``curve`` (thresholds per stop point), the expected value
    with every stop point when that one follows each fixed threshold instead: ``attrs["threshold_curve"]``
    (stop_point, threshold, with_stops_mnok). With ``shares_of`` (as in :func:`window_values`), who gains
    from the option: ``attrs["actor_gains"]`` (:func:`actor_gains`)."""
    names = list(stop_years)
    starts = [stop_years[s] for s in names]
    if shares_of is None:
        cash = window_values(inputs, draws, public_share, starts)
    else:
        by_actor = window_values(inputs, draws, public_share, starts, shares_of=shares_of)
        cash = sum(by_actor.values())
    stages = [(s, cash[:, k], observed.get(s)) for k, s in enumerate(names)]
    table = stop_point_values(stages)
    if shares_of is not None:
        table.attrs["actor_gains"] = actor_gains(by_actor, table.attrs["stop_index"])
    if rules:
        fixed = stop_point_values(stages, rules=rules, alone=False)
        table["rule_threshold"] = [rules.get(s, float("nan")) for s in names]
        table.attrs["with_rules_mnok"] = fixed.attrs["with_stops_mnok"]
        table.attrs["value_lost_mnok"] = table.attrs["with_stops_mnok"] - fixed.attrs["with_stops_mnok"]
    if curve:
        table.attrs["threshold_curve"] = pd.DataFrame(
            [
                (s, float(t), stop_point_values(stages, rules={s: float(t)}, alone=False).attrs["with_stops_mnok"])
                for s, thresholds in curve.items()
                for t in thresholds
            ],
            columns=["stop_point", "threshold", "with_stops_mnok"],
        )
    return table


def measured_first_rollout(draws, study_sd: float, seed: int) -> np.ndarray:
    """What the first roll-out's municipalities show, per draw: the services' mean time-saving multiplier and the
    transition loss multiplier, each measured with a normal error of standard deviation ``study_sd``."""
    noise = np.random.default_rng(seed).normal(0.0, study_sd, (draws.n, 2))
    return np.column_stack([draws.time.mean(axis=1), draws.transition]) + noise


def staged_path(share_by_year: dict[int, float], delay_years: int) -> dict[int, float]:
    """The committed participation path with its first wave alone (the pilot) and every later wave
    ``delay_years`` later; the decision on the rest is taken at the start of the second wave's new year.

    >>> staged_path({2025: 0.1, 2026: 0.2, 2027: 0.3}, 2)
    {2025: 0.1, 2028: 0.2, 2029: 0.3}
    """
    years = sorted(share_by_year)
    return {years[0]: share_by_year[years[0]], **{y + delay_years: share_by_year[y] for y in years[1:]}}


STAGED_COLUMNS = [
    "measure",
    "decision_year",
    "expected_mnok",
    "p10_mnok",
    "p50_mnok",
    "p90_mnok",
    "prob_negative",
    "prob_stop",
]


def staged_rollout(inputs, draws, public_share, observed, delay_years: int, knots: int = 6) -> pd.DataFrame:
    """A staged roll-out as a second measure beside the committed one, on the same draws: the first wave
    (pilot) alone, the later waves ``delay_years`` later, and before them a decision to go on or stop taken
    on what the pilot shows (``observed``, as in :func:`option_value`; stopping ends the programme, what was
    spent is sunk). Rows: ``committed`` (the analysis's path), ``staged_without_stop`` (the staged path
    always continued: the difference to ``committed`` is what the delay costs) and ``staged`` (with the
    decision: the difference to ``staged_without_stop`` is what the decision is worth); columns: the decision
    year, expected value, P10/P50/P90, probability of a negative value and of stopping."""
    first = int(min(inputs.years))
    shares = inputs.participation.municipal_share_by_year
    path = staged_path(shares, delay_years)
    decision_year = sorted(path)[1] if len(path) > 1 else first
    staged = inputs.with_overrides({"participation.municipal_share_by_year": path})
    committed = window_values(inputs, draws, public_share, [first])[:, 0]
    before, after = window_values(staged, draws, public_share, [first, decision_year]).T
    x = _varying(observed, len(after))
    expected = additive_fit(after, x, knots)[0] if x is not None else np.full(len(after), after.mean())
    stop = expected < 0
    values = {
        "committed": (committed, np.zeros(len(committed), bool)),
        "staged_without_stop": (before + after, np.zeros(len(after), bool)),
        "staged": (before + np.where(stop, 0.0, after), stop),
    }
    table = pd.DataFrame(
        [
            {
                "measure": name,
                "decision_year": float("nan") if name == "committed" else decision_year,
                "expected_mnok": float(v.mean()),
                "p10_mnok": float(np.quantile(v, 0.10)),
                "p50_mnok": float(np.quantile(v, 0.50)),
                "p90_mnok": float(np.quantile(v, 0.90)),
                "prob_negative": float((v < 0).mean()),
                "prob_stop": float(s.mean()),
            }
            for name, (v, s) in values.items()
        ],
        columns=STAGED_COLUMNS,
    )
    return table
