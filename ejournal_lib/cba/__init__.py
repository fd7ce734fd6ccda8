"""The cost–benefit analysis: the 2020 model's effects year by year (``engine``), discounting, participation and
realisation curves, the Monte Carlo uncertainty and its distributions, calibration to the published totals,
the actors' shares and risk sharing, non-priced effects, sensitivities, the reconciliation with the 2020
figures, benefit realisation, and the value of information (``value_of_information``, ``measurement_value``).
Start at :mod:`ejournal_lib.results` for the published tables; this package holds the methods they call."""
