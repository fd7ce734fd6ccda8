"""The scenario: one validated object with every model input, data path and appendix setting.

A scenario file (``config/<name>.yaml``) has the sections below; the files it names (actor mapping,
codebook, change log, stop points, goal register, benefit realisation plan) are read and checked with it,
so that :func:`load_scenario` either returns a complete, consistent scenario or one error listing every
problem with its file, YAML path, value and the valid choices.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, PrivateAttr, ValidationError, model_validator

from ejournal_lib.common.errors import ConfigError, InputError, InputProblem, PrivacyError
from ejournal_lib.common.identity_numbers import IDENTITY_MESSAGE, identity_key_paths
from ejournal_lib.common.municipalities import load_midt_norge, load_population, outside_midt_norge
from ejournal_lib.common.project import project_root
from ejournal_lib.common.yaml_io import parse_yaml, read_yaml
from ejournal_lib.scenario.actors import ActorMapping
from ejournal_lib.scenario.base import Code, InputPath, Positive, Rate, Share, StrictModel, format_problems
from ejournal_lib.scenario.cba import CBAInputs
from ejournal_lib.scenario.codebook import Codebook
from ejournal_lib.scenario.governance import BenefitPlan, ChangeLog, GoalRegister, StopPointConfig
from ejournal_lib.scenario.levers import Levers, apply_levers
from ejournal_lib.scenario.non_priced import NonPricedEffects
from ejournal_lib.scenario.overrides import apply_overrides

__all__ = [
    "Scenario",
    "load_scenario",
    "resolve_scenario_path",
    "DataPaths",
    "Settings",
]

Seed = Annotated[int, Field(ge=0, lt=2**32)]
MunicipalityCode = Annotated[str, Field(pattern=r"^\d{4}$")]


class DataPaths(StrictModel):
    """Every file or folder the appendices read (relative paths are taken from the project root)."""

    population: InputPath
    population_2019: InputPath
    midt_norge: InputPath
    crosswalk: InputPath
    gp_key_figures: InputPath
    gp_per_municipality: InputPath | None = None
    actor_mapping: InputPath
    timeuse_codebook: InputPath
    timeuse: list[InputPath] = Field(min_length=1)
    commitment_register: InputPath
    intentions_public: InputPath
    intentions_aggregate: InputPath
    gp_survey: InputPath
    benefit_plan: InputPath
    benefit_followup: InputPath
    non_priced_effects: InputPath
    change_log: InputPath
    goal_register: InputPath
    stop_points: InputPath

    @model_validator(mode="after")
    def _exist(self):
        missing = [f"{name} = {str(p)!r}: file or folder not found" for name, p in self.named_paths() if not p.exists()]
        if missing:
            raise ValueError("; ".join(missing))
        return self

    def named_paths(self) -> list[tuple[str, Path]]:
        """(field, path) for every path given, list items included."""
        out = []
        for name in type(self).model_fields:
            value = getattr(self, name)
            for i, p in enumerate(value if isinstance(value, list) else [value]):
                if p is not None:
                    out.append((f"{name}[{i}]" if isinstance(value, list) else name, p))
        return out


#: The record-level inputs that can be synthetic example data (the rest are public or project documents).
SyntheticInput = Literal["timeuse", "commitment_register", "gp_survey", "benefit_followup"]


class Settings(StrictModel):
    """Settings every appendix shares, so that they cannot disagree."""

    seed: Seed
    financing_key: Code
    suppression_threshold: Annotated[int, Field(ge=5)]
    extra_excluded_municipalities: list[MunicipalityCode] = []
    #: Inputs that are synthetic wherever their files lie (files in ``data/raw/example/`` always are).
    synthetic_inputs: list[SyntheticInput] = []


class Simulation(StrictModel):
    n_iterations: Annotated[int, Field(ge=100, le=2_000_000)]


class Budget(StrictModel):
    """The actors' cash view: municipal loans and the price index for nominal kroner."""

    loan_years: Annotated[int, Field(ge=1, le=50)]
    loan_rate: Rate
    inflation: Annotated[float, Field(ge=0, lt=0.5)]


class Sensitivity(StrictModel):
    """The sensitivities the appendix shows (DFØ): discount rates, a longer period with residual value, real
    wage growth on time values (with the source of the rates)."""

    discount_rates: list[Rate] = Field(min_length=1)
    long_period_last_year: Annotated[int, Field(ge=2041, le=2100)]
    residual_value_life_years: Annotated[int, Field(gt=0, le=50)]
    real_wage_growth_rates: list[Annotated[float, Field(gt=0, lt=0.1)]]
    real_wage_growth_source: str
    # the combined pessimistic case: this share of the population live by 2030, the survey's GP share (the 2020
    # rule's without a survey) and every cost item at its P85
    pessimistic_municipal_final_share: Share = 0.5
    # the operation cost (calibrated, with no published range) × each of these factors
    operation_cost_factors: list[Annotated[float, Field(gt=0)]] = [0.75, 1.25]


class Analysis(StrictModel):
    """Settings of the socio-economic analysis appendix."""

    simulation: Simulation
    budget: Budget
    sensitivity: Sensitivity


class Baseline(StrictModel):
    """Settings of the time-use baseline appendix."""

    services: list[Code] = []
    study_period: Annotated[list[dt.date], Field(min_length=2, max_length=2)]  # first and last date
    confidence_level: Annotated[float, Field(gt=0.5, lt=1)]
    plausible_max: Share
    questionable_max: Share
    margin_minutes: Positive
    design_staff_per_municipality: Annotated[int, Field(ge=1, le=100)]
    design_days_per_staff: Annotated[int, Field(ge=1, le=30)]
    power: Annotated[float, Field(gt=0.5, lt=1)]
    planner_variances: dict[Code, Annotated[float, Field(ge=0)]] | None = None
    z_work_sampling: Annotated[float, Field(gt=0, le=5)]

    @model_validator(mode="after")
    def _consistent(self):
        if self.plausible_max > self.questionable_max:
            raise ValueError("plausible_max must not be above questionable_max")
        if self.study_period[0] > self.study_period[1]:
            raise ValueError("study_period: the first date must not be after the last")
        if self.planner_variances is not None:
            need = {"var_municipality", "var_staff", "var_residual"}
            if set(self.planner_variances) != need:
                raise ValueError(f"planner_variances needs exactly {', '.join(sorted(need))}")
        return self


class ParticipationSettings(StrictModel):
    """Settings of the participation appendix."""

    as_of_date: dt.date
    target_share: Share
    low_final_share: Share
    high_final_share: Share
    n_boot: Annotated[int, Field(ge=50, le=20_000)]
    sensitivity_excluded: list[MunicipalityCode] = []
    gp_assumption: Literal["brief", "survey", "survey_incentive"]


class GovernanceSettings(StrictModel):
    n_cost_draws: Annotated[int, Field(ge=1000, le=2_000_000)]


class BenefitRealisation(StrictModel):
    """Share of the planned gain that may be missing before an indicator is behind plan."""

    tolerance: Share


class Scenario(StrictModel):
    """Everything one run of the appendices uses. Read with :func:`load_scenario`."""

    name: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")]
    title: str
    description: str = ""
    data: DataPaths
    settings: Settings
    analysis: Analysis
    baseline: Baseline
    participation: ParticipationSettings
    governance: GovernanceSettings
    benefit_realisation: BenefitRealisation
    cba: CBAInputs
    # named changes to groups of model inputs (ejournal_lib.scenario.levers), applied to cba when loaded
    levers: Levers = Levers()

    _path: Path | None = PrivateAttr(default=None)
    _root: Path | None = PrivateAttr(default=None)
    _overrides: dict = PrivateAttr(default_factory=dict)
    _sha256: str = PrivateAttr(default="")
    _configs: dict = PrivateAttr(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _apply_levers(cls, data: Any) -> Any:
        """The cba section with the levers applied, before it is checked (:func:`.levers.apply_levers`)."""
        return apply_levers(data)

    @property
    def path(self) -> Path | None:
        """The scenario file (None for a scenario built in memory)."""
        return self._path

    @property
    def overrides(self) -> dict:
        """The overrides (dotted path → value) applied to the file when it was loaded."""
        return dict(self._overrides)

    @property
    def file(self) -> Path:
        """The scenario file; a scenario built in memory has none and cannot be reloaded with overrides."""
        if self._path is None:
            raise ConfigError("this scenario was built in memory and has no file to reload")
        return self._path

    @property
    def root(self) -> Path:
        return self._root or project_root()

    @property
    def sha256(self) -> str:
        return self._sha256

    @property
    def actor_mapping(self) -> ActorMapping:
        return self._configs["actor_mapping"]

    @property
    def codebook(self) -> Codebook:
        return self._configs["timeuse_codebook"]

    @property
    def change_log(self) -> ChangeLog:
        return self._configs["change_log"]

    @property
    def stop_points(self) -> StopPointConfig:
        return self._configs["stop_points"]

    @property
    def goals(self) -> GoalRegister:
        return self._configs["goal_register"]

    @property
    def benefit_plan(self) -> BenefitPlan:
        return self._configs["benefit_plan"]

    @property
    def non_priced_effects(self) -> NonPricedEffects:
        return self._configs["non_priced_effects"]

    def relative(self, path: Path) -> str:
        """A path as shown to readers: relative to the project root where it lies below it."""
        p = Path(path)
        return str(p.relative_to(self.root)) if p.is_absolute() and p.is_relative_to(self.root) else str(p)


#: The configuration files a scenario names, and the model each is checked against.
CONFIG_FILES: dict[str, type[BaseModel]] = {
    "actor_mapping": ActorMapping,
    "timeuse_codebook": Codebook,
    "change_log": ChangeLog,
    "stop_points": StopPointConfig,
    "goal_register": GoalRegister,
    "benefit_plan": BenefitPlan,
    "non_priced_effects": NonPricedEffects,
}


def resolve_scenario_path(value: str | Path, root: Path) -> Path:
    """Accept a path or a bare scenario name (``ssd2020`` → ``config/ssd2020.yaml``)."""
    p = Path(value)
    if not p.suffix and len(p.parts) == 1:
        p = Path("config") / f"{p}.yaml"
    return p if p.is_absolute() else (root / p)


def _cross_checks(s: Scenario, configs: dict) -> list[str]:
    """Relations between the scenario and the files it names."""
    problems = []
    mapping = configs.get("actor_mapping")
    if mapping is not None:
        if s.settings.financing_key not in mapping.financing_keys:
            problems.append(
                f"settings.financing_key = {s.settings.financing_key!r}: unknown financing key; "
                f"valid: {', '.join(sorted(mapping.financing_keys))}"
            )
        items = {r.item for r in s.cba.investment.items}
        for key, spec in mapping.financing_keys.items():
            missing = sorted(items - set(spec.investment))
            if missing:
                problems.append(
                    f"{s.relative(s.data.actor_mapping)}: financing_keys.{key}.investment does not "
                    f"assign the investment item(s) {', '.join(missing)}"
                )
    codebook = configs.get("timeuse_codebook")
    if codebook is not None:
        unknown = sorted(set(s.baseline.services) - set(codebook.services))
        if unknown:
            problems.append(
                f"baseline.services: unknown service(s) {', '.join(unknown)}; valid: {', '.join(codebook.services)}"
            )
    log = configs.get("change_log")
    if log is not None:
        section = s.cba.model_dump()
        for c in log.changes:
            for key in c.overlay or {}:
                try:
                    apply_overrides(section, {key: None})
                except ConfigError as exc:
                    problems.append(
                        f"{s.relative(s.data.change_log)}: change {c.id}: overlay names an unknown cba parameter: {exc}"
                    )
    problems += _area_population_problems(s)
    return problems


def _area_population_problems(s: Scenario) -> list[str]:
    """The model's stated area population against the population file: the same area (outside Midt-Norge and
    any further excluded municipality) must give the same number, or the model and the tables disagree."""
    try:
        population = load_population(s.data.population)
        excluded = set(load_midt_norge(s.data.midt_norge)["municipality_code"])
    except InputError:
        return []  # the file's own problems are reported where it is read
    excluded |= set(s.settings.extra_excluded_municipalities)
    counted = int(outside_midt_norge(population, excluded)["population"].sum())
    stated = s.cba.frame.area_population
    if counted == stated:
        return []
    return [
        f"cba.frame.area_population = {stated}: the population file ({s.relative(s.data.population)}) gives "
        f"{counted} inhabitants in the analysis area; state the file's figure, or use the population file it "
        "comes from"
    ]


def _refuse_identity_numbers(data: dict, file: Path) -> None:
    """Every text of a scenario or configuration file (keys, values, the paths it names) is scanned for
    identity numbers before anything is checked or shown; the places are named, never the number."""
    found = identity_key_paths(data)
    if found:
        raise PrivacyError([InputProblem(str(file), None, p, IDENTITY_MESSAGE, personal_data=True) for p in found])


def load_scenario(path: str | Path, overrides: dict[str, Any] | None = None, root: Path | None = None) -> Scenario:
    """Read, check and type a scenario file and the configuration files it names.

    ``overrides`` (``{"cba.frame.discount_rate": 0.03}``) are applied before checking. Relative paths are
    taken from ``root`` (default: the project root). Raises :class:`ConfigError` listing every problem.
    """
    root = Path(root).resolve() if root else project_root()
    path = resolve_scenario_path(path, root)
    if not path.is_file():
        raise ConfigError(f"scenario file not found: {path}")
    raw_bytes = path.read_bytes()
    try:
        text = raw_bytes.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"scenario file {path} is not UTF-8 text: {exc}") from exc
    data = parse_yaml(text, f"scenario file {path}")
    if not isinstance(data, dict):
        raise ConfigError(f"scenario file {path}: expected a mapping at the top level")
    if overrides:
        data = apply_overrides(data, overrides)
    _refuse_identity_numbers(data, path)
    try:
        scenario = Scenario.model_validate(data, context={"root": root})
    except ValidationError as exc:
        lines = "\n".join(f"  - {p}" for p in format_problems(exc, Scenario))
        raise ConfigError(f"scenario file {path}:\n{lines}") from None
    scenario._path, scenario._root, scenario._overrides = path.resolve(), root, dict(overrides or {})
    scenario._sha256 = (
        hashlib.sha256(raw_bytes + repr(sorted((overrides or {}).items())).encode()).hexdigest()
        if overrides
        else hashlib.sha256(raw_bytes).hexdigest()
    )
    problems, configs = [], {}
    for name, model in CONFIG_FILES.items():
        file = getattr(scenario.data, name)
        try:
            raw = read_yaml(file, name.replace("_", " "))
            _refuse_identity_numbers(raw, file)
            configs[name] = model.model_validate(raw)
        except ValidationError as exc:
            problems += [f"{scenario.relative(file)}: {p}" for p in format_problems(exc, model)]
        except ConfigError as exc:
            problems.append(str(exc))
    problems += _cross_checks(scenario, configs)
    if problems:
        raise ConfigError(f"scenario file {path}:\n" + "\n".join(f"  - {p}" for p in problems))
    scenario._configs = configs
    return scenario
