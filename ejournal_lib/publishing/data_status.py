"""Which of a scenario's inputs are synthetic example data, and how readers are told, where they read it.

An input is synthetic when its path lies in ``data/raw/example/`` or the scenario declares it so
(``settings.synthetic_inputs``, for example data copied elsewhere, such as a cut-down pilot). Tables and figures built from synthetic
inputs carry the mark in their caption (and a watermark); the appendix's page 1 names the synthetic inputs.
"""

from __future__ import annotations

from collections.abc import Iterable

from ejournal_lib.common.formatting import fmt_list
from ejournal_lib.common.labels import label
from ejournal_lib.scenario.data_kinds import EXAMPLE_DATA_DIR, example_inputs

__all__ = ["EXAMPLE_DATA_DIR", "EXAMPLE_MARK", "EXAMPLE_DATA_LABEL", "example_inputs", "data_status_text"]

#: The mark after a caption, before a statement, and on a figure, wherever synthetic data are shown.
EXAMPLE_MARK = "eksempeldata"
EXAMPLE_DATA_LABEL = "Eksempeldata (syntetiske)"


def data_status_text(synthetic: Iterable[str]) -> str:
    """One sentence for page 1: which inputs are synthetic example data (words from the label catalogue)."""
    names = [label("data_input", k) for k in sorted(synthetic)]
    if not names:
        return "Datagrunnlag: offentlige data og prosjektets egne dokumenter; ingen eksempeldata."
    listed = fmt_list(names)
    return (
        f"Datagrunnlag: {listed} er syntetiske eksempeldata, laget for å vise metoden. Tall, tabeller og figurer "
        f"som bygger på dem, er merket «{EXAMPLE_MARK}» der de står, og sier ingenting om faktiske kommuner."
    )
