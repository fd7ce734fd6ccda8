"""Fixtures of the pipeline tests."""

import pytest

from .helpers import make_project


@pytest.fixture()
def project(tmp_path, root):
    """A tiny throw-away project: notebooks a → b, and c (see :func:`helpers.make_project`)."""
    return make_project(tmp_path, root)
