"""What each scenario input is: synthetic example data, public statistics, a published 2020 figure, calibrated,
an analysis choice, a manual assessment or the project's own registrations. The result graph's lineage
(:mod:`ejournal_lib.results.lineage`) carries these kinds from the inputs to every table."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from ejournal_lib.scenario.model import Scenario

__all__ = ["EXAMPLE_DATA_DIR", "DATA_KINDS", "INPUT_KINDS", "example_inputs", "input_kinds"]

#: Where the synthetic example data live (every file below it is synthetic).
EXAMPLE_DATA_DIR = "data/raw/example"


def _reaches(path: Path, folder: Path) -> bool:
    """Whether ``path``, or a file below it, is in ``folder`` once symbolic links are resolved."""
    files = [path, *path.rglob("*")] if path.is_dir() else [path]
    return any(f.resolve().is_relative_to(folder) for f in files)


def example_inputs(scenario: Scenario, keys: Iterable[str] | None = None) -> list[str]:
    """The scenario data keys (of ``keys``, default all) that are synthetic: files in ``data/raw/example/``
    (a link into it, or a folder holding one, included) or declared in ``settings.synthetic_inputs``."""
    example = (scenario.root / EXAMPLE_DATA_DIR).resolve()
    found = {name.split("[")[0] for name, path in scenario.data.named_paths() if _reaches(path, example)}
    found |= set(scenario.settings.synthetic_inputs)
    return sorted(found if keys is None else found & set(keys))


#: The kinds of data status, in the order readers see them (words in the label catalogue's ``data_kind``).
DATA_KINDS = (
    "example",  # synthetic example data, made to show the method
    "public_statistics",  # official statistics and published facts (SSB, Helsedirektoratet, KS)
    "published_2020",  # figures and targets as published in the 2020 analysis and steering document
    "calibrated",  # a value the 2020 documents leave open, calibrated to a published figure
    "analysis_choice",  # a choice of the analysis (codebook, actor mapping, stop-point rules)
    "manual_assessment",  # a judgement written down by the project (plus-minus, change log)
    "measured",  # the project's own registrations (time use, commitments, survey) when real
)

#: What each scenario input is when it is not synthetic example data: the scenario's data files, and ``cba``,
#: the cost–benefit model's inputs (the 2020 analysis's figures, with the operation cost calibrated).
INPUT_KINDS: dict[str, tuple[str, ...]] = {
    "population": ("public_statistics",),
    "population_2019": ("public_statistics",),
    "midt_norge": ("public_statistics",),
    "crosswalk": ("public_statistics",),
    "gp_key_figures": ("public_statistics",),
    "gp_per_municipality": ("public_statistics",),
    "intentions_public": ("public_statistics",),
    "intentions_aggregate": ("public_statistics",),
    "actor_mapping": ("analysis_choice",),
    "timeuse_codebook": ("analysis_choice",),
    "stop_points": ("analysis_choice",),
    "benefit_plan": ("published_2020",),
    "goal_register": ("published_2020",),
    "non_priced_effects": ("manual_assessment",),
    "change_log": ("manual_assessment",),
    "timeuse": ("measured",),
    "commitment_register": ("measured",),
    "gp_survey": ("measured",),
    "benefit_followup": ("measured",),
    "cba": ("published_2020", "calibrated"),
}


def input_kinds(scenario: Scenario) -> dict[str, tuple[str, ...]]:
    """Each scenario input's data status: ``example`` for synthetic inputs (:func:`example_inputs`), else
    what the input is (:data:`INPUT_KINDS`)."""
    synthetic = set(example_inputs(scenario))
    return {key: ("example",) if key in synthetic else kinds for key, kinds in INPUT_KINDS.items()}
