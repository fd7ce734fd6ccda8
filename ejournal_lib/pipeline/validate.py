"""``ejournal validate``: the pipeline's own input checks, without running anything.

Each kind of input is checked by the very loader the appendices call, with the scenario's code lists (2020
municipalities, codebook), study period and analysis date, so ``validate`` refuses exactly what ``run``
refuses. Without paths, every input the scenario names is checked; with paths, each file is recognised by its
name and checked as that input of the scenario (time-use folders as a whole, with the cross-file rules), and
anything the pipeline does not read is named as such.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from ejournal_lib.cba.benefit_realisation import load_followup
from ejournal_lib.common.errors import ConfigError, InputError, InputProblem
from ejournal_lib.common.municipalities import load_crosswalk, load_midt_norge, load_population
from ejournal_lib.common.table_files import scan_file_for_identity_numbers
from ejournal_lib.common.validation import read_raw_table
from ejournal_lib.participation.gp_uptake import (
    care_services_schema,
    gp_file_schema,
    gp_survey_schema,
    load_gp_key_figures,
)
from ejournal_lib.participation.register import load_scenario_public_status, load_scenario_register
from ejournal_lib.scenario import load_scenario
from ejournal_lib.scenario.model import CONFIG_FILES, Scenario
from ejournal_lib.timeuse.data import FILE_KINDS, load_scenario_timeuse

__all__ = ["INPUT_KINDS", "InputKind", "validate_scenario_inputs", "validate_paths"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class InputKind:
    """One kind of input: the scenario data key it fills (None: reference data no appendix reads), the file
    names it is recognised by, and the check (the appendices' loader, given the scenario and the path)."""

    key: str | None
    pattern: str
    check: Callable[[Scenario, Path], object]


def _checked_by_load_scenario(_scenario: Scenario, _path: Path) -> None:
    """Configuration files are checked (model and cross-checks) when the scenario naming them is loaded."""


#: How the configuration files a scenario names are recognised by name (the models are in CONFIG_FILES).
CONFIG_FILE_NAMES = {
    "actor_mapping": "actor_mapping",
    "timeuse_codebook": "timeuse_codebook|codebook",
    "change_log": "change_log",
    "stop_points": "stop_points",
    "goal_register": "goal_register",
    "benefit_plan": "benefit_realisation_plan|benefit_plan",
    "non_priced_effects": "non_priced_effects",
}
assert set(CONFIG_FILE_NAMES) == set(CONFIG_FILES), "every configuration file needs a name pattern"

INPUT_KINDS: tuple[InputKind, ...] = (
    InputKind("population", r"population_municipality_2020.*\.csv", lambda s, p: load_population(p)),
    InputKind("population_2019", r"population_municipality_2019.*\.csv", lambda s, p: load_population(p)),
    InputKind("midt_norge", r"midt_norge_municipalities.*\.csv", lambda s, p: load_midt_norge(p)),
    InputKind("crosswalk", r"municipality_changes.*\.csv", lambda s, p: load_crosswalk(p)),
    InputKind("gp_key_figures", r"gp_fastlege_national_key_figures.*\.csv", lambda s, p: load_gp_key_figures(p)),
    InputKind(
        "gp_per_municipality", r"gp_per_municipality.*\.(csv|xlsx)", lambda s, p: read_raw_table(p, gp_file_schema())
    ),
    InputKind("gp_survey", r".*gp_survey.*\.(csv|xlsx)", lambda s, p: read_raw_table(p, gp_survey_schema())),
    InputKind("commitment_register", r".*commitment_register.*\.(csv|xlsx)", lambda s, p: load_scenario_register(s)),
    InputKind("intentions_public", r".*intentions_20\d\d\.csv", lambda s, p: load_scenario_public_status(s)),
    InputKind("intentions_aggregate", r".*intentions_aggregate.*\.csv", lambda s, p: load_scenario_public_status(s)),
    InputKind("benefit_followup", r".*benefit_followup.*\.(csv|xlsx)", lambda s, p: load_followup(p, s.benefit_plan)),
    InputKind("timeuse", rf".*({'|'.join(FILE_KINDS)}).*\.(csv|xlsx|xlsm)", lambda s, p: load_scenario_timeuse(s)),
    InputKind(None, r"care_services_national.*\.csv", lambda s, p: read_raw_table(p, care_services_schema())),
    *(InputKind(key, rf"({words}).*\.ya?ml", _checked_by_load_scenario) for key, words in CONFIG_FILE_NAMES.items()),
)


def _problem_of(exc: Exception, where: str) -> list[InputProblem]:
    if isinstance(exc, InputError):
        return exc.problems
    return [InputProblem(where, None, None, str(exc))]


def _check(scenario: Scenario, kind: InputKind, target) -> list[InputProblem]:
    """Run ``kind``'s check with ``target`` (a path, or a list for time use) in place of the scenario's input."""
    try:
        s = scenario
        if kind.key is not None and target is not None:
            value = [str(t) for t in target] if isinstance(target, list) else str(target)
            s = load_scenario(scenario.file, overrides={f"data.{kind.key}": value}, root=scenario.root)
        kind.check(s, target if target is not None else getattr(s.data, str(kind.key)))
    except (InputError, ConfigError) as exc:
        return _problem_of(exc, str(target))
    return []


def validate_scenario_inputs(scenario: Scenario, checked: list | None = None) -> list[InputProblem]:
    """Every input the scenario names, checked as the pipeline checks it."""
    problems = []
    for kind in INPUT_KINDS:
        if kind.key is None or getattr(scenario.data, kind.key) is None:
            continue
        target = getattr(scenario.data, kind.key)
        if checked is not None:
            checked.append((kind.key, target))
        problems += _check(scenario, kind, None)
    return problems


def _kind_of(path: Path) -> InputKind | None:
    return next((k for k in INPUT_KINDS if re.fullmatch(k.pattern, path.name)), None)


def validate_paths(paths: Iterable[Path], scenario: Scenario, checked: list | None = None) -> list[InputProblem]:
    """Check the given files and folders as the scenario's inputs. ``checked``, if given, receives
    ``(path, kind key or None)`` for every file looked at."""
    problems: list[InputProblem] = []
    timeuse: list[Path] = []
    for p in map(Path, paths):
        if not p.exists():
            problems.append(InputProblem(str(p), None, None, "file or folder not found"))
            continue
        files = sorted(f for f in p.rglob("*") if f.is_file()) if p.is_dir() else [p]
        if p.is_dir() and not files:
            problems.append(InputProblem(str(p), None, None, "the folder holds no files"))
        for f in files:
            kind = _kind_of(f)
            if checked is not None:
                checked.append((f, kind.key if kind else None))
            if kind is not None and kind.key == "timeuse":
                folder = f.parent if p.is_dir() else f
                if folder not in timeuse:
                    timeuse.append(folder)
            elif kind is not None:
                problems += _check(scenario, kind, f)
            elif f.parent in timeuse or any(getattr(_kind_of(g), "key", None) == "timeuse" for g in f.parent.iterdir()):
                continue  # the time-use loader refuses stray files in a time-use folder itself
            else:
                problems += scan_file_for_identity_numbers(f)
                if f.suffix.lower() != ".md":  # documentation beside the data is only scanned
                    problems.append(
                        InputProblem(
                            str(f),
                            None,
                            None,
                            "not an input the pipeline reads (expected one of the input files the scenario names, "
                            "e.g. a time-use sessions file or a commitment register)",
                        )
                    )
    if timeuse:
        problems += _check(scenario, next(k for k in INPUT_KINDS if k.key == "timeuse"), timeuse)
    return problems
