"""The pipeline: plan a run from the notebooks' declared tables and the result graph, execute the notebooks with
papermill in dependency order, reuse what is unchanged, publish atomically, and the command line
(``ejournal``: run, validate, compare, sweep, solve, factsheets, calibrate, graph, clean)."""
