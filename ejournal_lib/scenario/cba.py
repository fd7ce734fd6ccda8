"""The cost–benefit model's inputs (the ``cba`` section of a scenario file) as typed, checked models.

Every figure of the method brief is a named field; ranges are checked where they are defined (rates in
[0, 1), shares in [0, 1], P10 ≤ 0 ≤ P90) and relations between sections by :class:`CBAInputs`.
"""

from __future__ import annotations

from functools import cached_property
from typing import Annotated, Literal

import numpy as np
import pandas as pd
from pydantic import Field, ValidationError, model_validator

from ejournal_lib.common.errors import ConfigError
from ejournal_lib.scenario.base import Code, NonNegative, Positive, Rate, Share, StrictModel, Year, format_problems
from ejournal_lib.scenario.cba_analysis import Calibration, Published, RiskSharing, StagedRollout, ValueOfInformation

__all__ = [
    "CBAInputs",
    "Frame",
    "ServiceRow",
    "Participation",
    "Transition",
    "AdverseEvents",
    "Investment",
    "Operation",
    "NullAlternative",
    "Uncertainty",
    "INTERACTION_KINDS",
]

INTERACTION_KINDS = ("gp", "close", "some")
#: The priced effects of the 2020 analysis, in the order of its table (labels: the catalogue's ``effect``).
EFFECTS = (
    "time_savings",
    "harms_health_costs",
    "harms_value_creation",
    "transition_cost",
    "legacy_avoided",
    "investment",
    "operation",
    "tax_financing",
)
#: A deviation relative to the base estimate, e.g. -0.2 for "20 % below".
Relative = Annotated[float, Field(ge=-1)]


class Frame(StrictModel):
    """Price level, period, discounting, tax financing and labour conventions."""

    source: str
    base_year: Year
    first_year: Year
    last_year: Year
    investment_last_year: Year
    discount_rate: Rate
    discount_schedule: Literal["constant", "r109"]
    r109_rates: list[Rate]
    r109_boundaries: list[Annotated[int, Field(gt=0)]]
    tax_financing_cost: Rate
    tax_financing_on_transition: bool
    tax_financing_effects: list[Code] = Field(min_length=1)
    tax_financing_public_share_only: bool
    vat_rate: Rate
    hours_per_fte: Positive
    working_days_per_year: Annotated[float, Field(gt=0, le=366)]
    growth_base_year: Year
    growth_target_year: Year
    growth_path: Literal["linear", "compound"]
    real_wage_growth: Annotated[float, Field(ge=0, lt=0.1)]
    residual_value_life_years: Annotated[int, Field(gt=0)] | None = None
    area_population: Annotated[int, Field(gt=0)]

    @model_validator(mode="after")
    def _order(self):
        if not self.first_year <= self.investment_last_year <= self.last_year:
            raise ValueError("expected first_year ≤ investment_last_year ≤ last_year")
        if self.base_year > self.first_year:
            raise ValueError("expected base_year ≤ first_year")
        if self.growth_target_year <= self.growth_base_year:
            raise ValueError("expected growth_base_year < growth_target_year")
        if len(self.r109_rates) != len(self.r109_boundaries) + 1:
            raise ValueError("r109_rates needs one more rate than r109_boundaries has boundaries")
        if any(b <= a for a, b in zip(self.r109_boundaries, self.r109_boundaries[1:])):
            raise ValueError("r109_boundaries must increase")
        return self


class ServiceRow(StrictModel):
    service: Code
    ftes: NonNegative
    monthly_labour_cost: NonNegative
    minutes_saved_per_day: NonNegative
    activity_growth_2040: Positive
    gp_interaction: Literal["gp", "close", "some"]
    time_p10: Relative
    time_p90: Annotated[float, Field(ge=0)]

    @model_validator(mode="after")
    def _p10_not_above_base(self):
        if self.time_p10 > 0:
            raise ValueError(
                f"{self.service}: time_p10 is relative to the base estimate and must be ≤ 0, got {self.time_p10}"
            )
        return self


class Services(StrictModel):
    source: str
    table: list[ServiceRow] = Field(min_length=1)


class Participation(StrictModel):
    source: str
    municipal_share_by_year: dict[Year, Share]
    gp_join_share_at_golive: Share
    gp_final_share: Share
    gp_rampup_years: Annotated[int, Field(ge=0, le=20)]
    realisation_by_year_since_golive: list[Share] = Field(min_length=1)
    realisation_timing: Literal["start_of_year", "mid_year"]
    close_interaction_gp_independent_share_time: Share
    close_interaction_gp_independent_share_harms: Share
    # the «with incentive» GP case: a one-off payment per GP who joins, in the year the municipality goes live
    gp_incentive_nok_per_gp: NonNegative = 0.0

    @model_validator(mode="after")
    def _curves(self):
        ordered = [self.municipal_share_by_year[y] for y in sorted(self.municipal_share_by_year)]
        if any(b < a for a, b in zip(ordered, ordered[1:])):
            raise ValueError("municipal_share_by_year: shares must not decrease")
        if self.gp_join_share_at_golive > self.gp_final_share:
            raise ValueError("gp_join_share_at_golive is above gp_final_share")
        real = self.realisation_by_year_since_golive
        if any(b < a for a, b in zip(real, real[1:])) or real[-1] != 1.0:
            raise ValueError("realisation_by_year_since_golive must rise to 1.0")
        return self


class LossPhase(StrictModel):
    loss: Share
    months: NonNegative


class Transition(StrictModel):
    source: str
    productivity_loss_phases: list[LossPhase]
    golive_month: Annotated[float, Field(ge=0, lt=12)]


class HarmCost(StrictModel):
    health: NonNegative
    productivity: NonNegative


class HarmRow(StrictModel):
    service: Code
    harms_per_year: NonNegative
    affectable_share: Share
    severity: Code


class AdverseEvents(StrictModel):
    source: str
    avoidable_share: Share
    working_share_of_patients: Share
    productivity_services: list[Code]
    severity_mixes: dict[Code, dict[Code, Share]]
    cost_per_harm: dict[Code, HarmCost]
    harms_follow_activity_growth: bool
    table: list[HarmRow]

    @model_validator(mode="after")
    def _mix(self):
        problems = []
        for name, mix in self.severity_mixes.items():
            if set(mix) != set(self.cost_per_harm) or abs(sum(mix.values()) - 1) > 1e-9:
                problems.append(f"severity_mixes.{name} must name the severities of cost_per_harm and sum to 1")
        problems += [
            f"table: {r.service}: unknown severity mix {r.severity!r}; valid: {', '.join(self.severity_mixes)}"
            for r in self.table
            if r.severity not in self.severity_mixes
        ]
        if problems:
            raise ValueError("; ".join(problems))
        return self


class InvestmentItem(StrictModel):
    item: Code
    base_mnok: NonNegative
    p50_mnok: NonNegative
    p85_mnok: NonNegative
    timing: Literal["programme", "rollout"]

    @model_validator(mode="after")
    def _frames(self):
        if self.p50_mnok > self.p85_mnok:
            raise ValueError(f"{self.item}: P50 above P85")
        return self


class Investment(StrictModel):
    source: str
    items: list[InvestmentItem] = Field(min_length=1)
    programme_profile: dict[Year, Share]
    local_costs_scale_with_participation: bool

    @model_validator(mode="after")
    def _profile(self):
        total = sum(self.programme_profile.values())
        if abs(total - 1) > 1e-9:
            raise ValueError(f"programme_profile: shares must sum to 1, got {total:.4f}")
        return self


class Operation(StrictModel):
    """Operation, management and further development: a yearly cost at full participation (calibrated on the
    brief's participation path to the published present value), proportional to the share live."""

    source: str
    cost_per_year_full_participation_mnok: Annotated[float, Field(le=0)]


class NullAlternative(StrictModel):
    source: str
    municipal_procurements_per_period: NonNegative
    procurement_period_years: Positive
    procurement_cost_mnok: NonNegative
    large_municipality_threshold: NonNegative
    small_municipality_group_size: Positive
    municipal_operation_per_inhabitant: NonNegative
    gp_operation_per_gp: NonNegative
    gp_investment_per_gp: NonNegative
    gp_count: NonNegative
    other_contractor_cost_per_year: NonNegative
    other_contractor_count: NonNegative
    shutdown_lag_years: Annotated[int, Field(ge=0, le=10)]


_PAIRS = [
    ("transition_p10", "transition_p90"),
    ("legacy_municipal_p10", "legacy_municipal_p90"),
    ("legacy_other_p10", "legacy_other_p90"),
    ("rollout_pace_p10", "rollout_pace_p90"),
    ("gp_participation_p10", "gp_participation_p90"),
    ("realisation_pace_p10", "realisation_pace_p90"),
    ("functional_scope_min", "functional_scope_max"),
    ("adverse_events_p10", "adverse_events_p90"),
]


class Uncertainty(StrictModel):
    source: str
    triple_reading: Literal["mean_at_base", "median_at_base", "mode_at_base"]
    transition_p10: Relative
    transition_p90: float
    legacy_municipal_p10: Relative
    legacy_municipal_p90: float
    legacy_other_p10: Relative
    legacy_other_p90: float
    rollout_pace_p10: Relative
    rollout_pace_p90: float
    gp_participation_p10: Relative
    gp_participation_p90: float
    realisation_pace_p10: Relative
    realisation_pace_p90: float
    functional_scope_min: float
    functional_scope_max: float
    delay_years_probabilities: dict[Annotated[int, Field(ge=0)], Share]
    investment_from_cost_frames: bool
    time_savings_correlation: Annotated[float, Field(gt=-1, lt=1)]
    # correlation between the investment items' overruns (0 independent … 1 moving together)
    investment_correlation: Annotated[float, Field(ge=0, le=1)] = 0.0
    # avoided adverse events relative to the expected value (the 2020 analysis has no such uncertainty: 0, 0)
    adverse_events_p10: Relative = 0.0
    adverse_events_p90: float = 0.0

    @model_validator(mode="after")
    def _ordered(self):
        bad = [
            f"{lo} ({getattr(self, lo)}) is above {hi} ({getattr(self, hi)})"
            for lo, hi in _PAIRS
            if getattr(self, lo) > getattr(self, hi)
        ]
        if abs(sum(self.delay_years_probabilities.values()) - 1) > 1e-9:
            bad.append("delay_years_probabilities must sum to 1")
        if bad:
            raise ValueError("; ".join(bad))
        return self


class CBAInputs(StrictModel):
    """Typed model inputs of the cost–benefit analysis, with frame views the engine computes on."""

    frame: Frame
    services: Services
    participation: Participation
    transition: Transition
    adverse_events: AdverseEvents
    investment: Investment
    operation: Operation
    null_alternative: NullAlternative
    uncertainty: Uncertainty
    published: Published
    calibration: Calibration
    risk_sharing: RiskSharing
    value_of_information: ValueOfInformation
    staged_rollout: StagedRollout
    choices: list[str] = []

    @model_validator(mode="after")
    def _cross_references(self):
        names = [r.service for r in self.services.table]
        problems = []
        if len(set(names)) != len(names):
            problems.append("services.table: duplicate service names")
        items = [r.item for r in self.investment.items]
        if len(set(items)) != len(items):
            problems.append("investment.items: duplicate item names")
        problems += [
            f"adverse_events.table: unknown service {r.service!r}; valid: {', '.join(names)}"
            for r in self.adverse_events.table
            if r.service not in names
        ]
        problems += [
            f"adverse_events.productivity_services: unknown service {s!r}; valid: {', '.join(names)}"
            for s in self.adverse_events.productivity_services
            if s not in names
        ]
        taxed = set(EFFECTS) - {"tax_financing"}
        problems += [
            f"frame.tax_financing_effects: unknown effect {e!r}; valid: {', '.join(sorted(taxed))}"
            for e in self.frame.tax_financing_effects
            if e not in taxed
        ]
        problems += [
            f"calibration: target {c.target!r} is not an effect; valid: {', '.join(EFFECTS)}"
            for c in self.calibration.parameters
            if c.target not in EFFECTS
        ]
        problems += [
            f"calibration: {c.parameter}: no published value for service {c.service!r} of {c.target}"
            for c in self.calibration.parameters
            if c.service is not None and c.service not in self.published.by_service_mnok.get(c.target, {})
        ]
        problems += [
            f"published.by_service_mnok.{e}: unknown service {s!r}; valid: {', '.join(names)}"
            for e, by in self.published.by_service_mnok.items()
            for s in by
            if s not in names
        ]
        if problems:
            raise ValueError("; ".join(problems))
        return self

    @cached_property
    def service_table(self) -> pd.DataFrame:
        """The services as a frame indexed by service code, in scenario order."""
        return pd.DataFrame([r.model_dump() for r in self.services.table]).set_index("service")

    @cached_property
    def harm_table(self) -> pd.DataFrame:
        return pd.DataFrame([r.model_dump() for r in self.adverse_events.table]).set_index("service")

    @cached_property
    def investment_table(self) -> pd.DataFrame:
        return pd.DataFrame([r.model_dump() for r in self.investment.items]).set_index("item")

    @property
    def years(self) -> np.ndarray:
        return np.arange(self.frame.first_year, self.frame.last_year + 1)

    @property
    def schedule(self):
        """The discount schedule: a constant rate, or R-109's stepped rates."""
        f = self.frame
        if f.discount_schedule == "r109":
            return {"rates": list(f.r109_rates), "boundaries": list(f.r109_boundaries)}
        return f.discount_rate

    def with_overrides(self, overrides: dict) -> CBAInputs:
        """A checked copy with ``{"a.b.c": value}`` overrides (see :func:`apply_overrides`)."""
        from ejournal_lib.scenario.overrides import apply_overrides

        try:
            return CBAInputs.model_validate(apply_overrides(self.model_dump(), overrides))
        except ValidationError as exc:
            problems = "\n".join(f"  - cba.{p}" for p in format_problems(exc, CBAInputs))
            raise ConfigError(f"overrides {sorted(overrides)}:\n{problems}") from None
