"""What the analysis does with the cost–benefit model, as typed parts of the ``cba`` section: the totals the
pre-project published (the reconciliation's target) and the method readings tested against them, the values
calibrated to them, the risk-sharing rules evaluated on the simulation, and the value-of-information
analysis."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, model_validator

from ejournal_lib.scenario.base import Code, Positive, Share, StrictModel

#: The per-service values are read from charts and rounded: each may be off by this much (MNOK).
_ROUNDING_MNOK = 0.5

__all__ = ["MethodCandidate", "Published", "CalibratedParameter", "Calibration", "RiskSharing", "ValueOfInformation"]


class MethodCandidate(StrictModel):
    """A reading of the method the documents leave open, tested against the published totals: the overrides
    that express it, whether the documents support it, and why."""

    id: Code
    overrides: dict[str, Any]
    supported: bool
    reason: str


class Published(StrictModel):
    """The present values the pre-project published (SSD 2020, attachment J, table 6, and its charts per
    service): the target of the reconciliation, with the analysis team's explanation of each remaining
    difference and the method candidates tested."""

    source: str
    npv_mnok: float
    effects_mnok: dict[Code, float]
    # {effect: {service: present value}} for the effects the charts break down; they add up to the totals
    by_service_mnok: dict[Code, dict[Code, float]] = {}
    by_service_source: str = ""
    explanations: dict[Code, str] = {}
    service_explanations: dict[Code, str] = {}  # per service: what remains of its difference, and why
    candidates: list[MethodCandidate] = []

    @model_validator(mode="after")
    def _effects(self):
        from ejournal_lib.scenario.cba import EFFECTS  # the model's effects (that module imports this one)

        if set(self.effects_mnok) != set(EFFECTS):
            raise ValueError(f"effects_mnok must give every effect: {', '.join(EFFECTS)}")
        if abs(sum(self.effects_mnok.values()) - self.npv_mnok) > 1.0:
            raise ValueError(f"the published effects sum to {sum(self.effects_mnok.values()):.0f}, not to npv_mnok")
        problems = [
            f"by_service_mnok.{e}: the services add up to {sum(by.values()):.0f}, not to the total"
            f" {self.effects_mnok.get(e, float('nan')):.0f} (rounding allows {_ROUNDING_MNOK} per service)"
            for e, by in self.by_service_mnok.items()
            if e not in self.effects_mnok or abs(sum(by.values()) - self.effects_mnok[e]) > _ROUNDING_MNOK * len(by)
        ]
        if problems:
            raise ValueError("; ".join(problems))
        return self


class CalibratedParameter(StrictModel):
    """A value the documents leave open, solved so that the model reproduces a published present value: an
    effect's total, or with ``service`` one service's value (``published.by_service_mnok``)."""

    parameter: str
    target: Code
    service: Code | None = None
    method: str


class Calibration(StrictModel):
    source: str
    tolerance_mnok: Positive
    parameters: list[CalibratedParameter]
    # Solve the operation cost again on this scenario's participation path? No by default: the cost per
    # share live is calibrated once, on the brief's path, so that a slower path costs less, not the same.
    recalibrate_operation: bool = False


class RiskSharing(StrictModel):
    """Risk-sharing rules evaluated on the simulation's draws (see ``ejournal_lib.cba.risk_sharing``)."""

    source: str
    rules: list[Literal["brief", "overrun_guarantee", "price_cap", "benefit_price"]] = Field(min_length=1)
    price_cap_share: Share  # overruns passed on through the price: at most this share of the base operation cost
    benefit_price_share: Share  # share of the municipal price that follows realised freed time
    municipal_negative_cash_threshold: Share  # acceptable probability that the municipalities' cash is negative
    guarantee_correlations: list[Annotated[float, Field(ge=0, le=1)]]  # shown besides the scenario's own
    n_draws: Annotated[int, Field(ge=1000, le=1_000_000)]  # draws for the risk tables (the simulation's first)


class ValueOfInformation(StrictModel):
    """What reducing uncertainty before the decision is worth (see ``ejournal_lib.cba.measurement_value``): the
    baseline study's design and unit costs, and how much of the time savings' uncertainty it can resolve."""

    source: str
    study_municipalities: list[Annotated[int, Field(ge=1, le=356)]] = Field(min_length=2)  # the EVSI curve's n
    cost_per_municipality_nok: Annotated[float, Field(ge=0)]  # recruitment, permissions, coordination, analysis
    cost_per_staff_day_nok: Annotated[float, Field(ge=0)]  # one observed staff-day (observer, travel, coding)
    study_year: Annotated[int, Field(ge=2019, le=2030)]  # the study cost is discounted from this year
    # share of each service's time-saving variance in the level of addressable time (what a baseline measures);
    # the rest is the share of it a new record removes, which only a measurement after roll-out shows
    baseline_informed_share: Annotated[float, Field(gt=0, le=1)]
    # the distribution of that level (what the study's value depends on): "drawn" (the analysis's own draws,
    # Gaussian approximation), or "gaussian" / "gamma" (exact Bayesian computation, mean and variance from the draws)
    level_distribution: Literal["drawn", "gaussian", "gamma"]
    n_se: Annotated[int, Field(ge=0, le=1000)]  # coefficient redraws for the EVPPI standard errors

    @model_validator(mode="after")
    def _grid(self):
        if sorted(set(self.study_municipalities)) != self.study_municipalities:
            raise ValueError("study_municipalities must be increasing without repeats")
        return self


class StagedRollout(StrictModel):
    """A staged roll-out as the analysis's second measure (see ``ejournal_lib.cba.staging.staged_rollout``): the
    first wave of the participation path alone, the later waves later and only if the first wave's results
    make going on worth it."""

    source: str
    delay_years: Annotated[int, Field(ge=1, le=6)]  # the later waves go live this many years after the committed path
    n_draws: Annotated[int, Field(ge=1000, le=1_000_000)]  # draws for the comparison (the simulation's first)
