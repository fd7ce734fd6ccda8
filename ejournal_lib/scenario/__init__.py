"""The typed scenario: every model input, data path and appendix setting in one validated object.

>>> from ejournal_lib.scenario import load_scenario
>>> s = load_scenario("config/ssd2020.yaml")  # doctest: +SKIP
>>> s.cba.frame.discount_rate, s.settings.financing_key  # doctest: +SKIP
(0.04, 'ssd2020')
"""

from ejournal_lib.scenario.cba import CBAInputs
from ejournal_lib.scenario.model import Scenario, load_scenario, resolve_scenario_path
from ejournal_lib.scenario.overrides import apply_overrides

__all__ = ["Scenario", "CBAInputs", "load_scenario", "resolve_scenario_path", "apply_overrides"]
