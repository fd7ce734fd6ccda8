"""One factsheet per municipality outside Midt-Norge: its numbers, from the result graph
(:func:`ejournal_lib.results.key_figures.municipality_factsheet_data`), shaped for the factsheet notebook."""
