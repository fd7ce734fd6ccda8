"""Hostile input gets bounded work: a YAML file of nested aliases is refused before it is built, and a value
shown in a message is cut before it is written out, however large or deep."""

from __future__ import annotations

import time

import pytest

from ejournal_lib.common.errors import ConfigError
from ejournal_lib.common.yaml_io import MAX_EXPANDED_NODES, parse_yaml
from ejournal_lib.scenario import load_scenario
from ejournal_lib.scenario.base import _shown


def alias_bomb(levels: int = 9, width: int = 9) -> str:
    """``levels`` anchors, each a list of ``width`` aliases of the one before: width**levels values in all."""
    lines = [f"l0: &l0 [{', '.join(['lol'] * width)}]"]
    lines += [f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * width)}]" for i in range(1, levels)]
    return "\n".join(lines) + "\n"


def test_an_alias_bomb_is_refused_at_once():
    start = time.perf_counter()
    with pytest.raises(ConfigError, match="aliases"):
        parse_yaml(alias_bomb(), "bomb.yaml")
    assert time.perf_counter() - start < 1.0
    assert MAX_EXPANDED_NODES < 9**9  # the bomb is over the budget; a few shared aliases are not
    assert parse_yaml("a: &x [1, 2]\nb: *x\n", "ok") == {"a": [1, 2], "b": [1, 2]}


def test_an_alias_bomb_in_the_scenario_title_is_refused_quickly(root, tmp_path):
    text = (root / "config" / "ssd2020.yaml").read_text(encoding="utf-8")
    path = tmp_path / "bomb.yaml"
    path.write_text(alias_bomb() + text.replace("title:", "title: *l8\ntitle_old:", 1), encoding="utf-8")
    start = time.perf_counter()
    with pytest.raises(ConfigError, match="aliases"):
        load_scenario(path, root=root)
    assert time.perf_counter() - start < 2.0


def test_a_value_in_a_message_is_cut_before_it_is_written_out():
    deep: list = [list(range(10_000))]
    for _ in range(30):
        deep = [deep] * 1000  # shared: 1000**30 leaves if written out
    start = time.perf_counter()
    shown = _shown(deep)
    assert time.perf_counter() - start < 0.1 and len(shown) <= 60
    assert _shown("x" * 500).endswith("'") and len(_shown("x" * 500)) <= 60
