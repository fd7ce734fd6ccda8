"""Progress of a run, through :mod:`logging` (logger ``ejournal_lib.pipeline.progress``, configured by the
command line): one line per notebook start and end, and per executed cell when papermill's bar is off."""

from __future__ import annotations

import logging

__all__ = ["progress"]

#: Progress messages (Norwegian, for the analyst at the terminal) go through this logger.
progress = logging.getLogger(__name__)
