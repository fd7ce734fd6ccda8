"""ejournal: analysis toolkit for the common municipal health record pre-project (Akson).

All computation lives in this package; the notebooks in ``notebooks/`` only call it and show results.
"""

__version__ = "0.1.0"
__all__ = ["__version__"]
