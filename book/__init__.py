"""Helpers for *Agglomeration, Knowledge Spillovers and Regional Growth: an executable review*.

The package is importable as ``book`` from the repository root (``pip install -e .``).
Sub-modules (one alias each on the pages; see CONTRIBUTING.md):

``book.errors``            exception types with actionable messages
``book.validate``          shared input checks used by every public helper
``book.data``              the data registry and loaders (``book.data.load(id)``)
``book.datasets``          one loader module per data family
``book.ledger``            published-vs-ours comparison rows (``book.ledger.Ledger``)
``book.plotting``          the plotting theme, choropleth and LISA maps
``book.convergence``       beta- and sigma-convergence (Barro & Sala-i-Martin 1991, 1992)
``book.growth``            Mankiw-Romer-Weil growth regressions
``book.measures``          agglomeration indices (location quotients, Ellison-Glaeser, ...)
``book.citysize``          city-size distributions (Zipf, Gibrat)
``book.glaeser``           Glaeser et al. (1992) growth regressions
``book.citations``         Jaffe-Trajtenberg-Henderson matched-control design
``book.gravity``           citation gravity and localisation
``book.countpanel``        knowledge production functions for patent counts
``book.knowledge_index``   principal-component knowledge-stock index
``book.utest``             Lind & Mehlum U-shape test
``book.mediation``         mediation analysis
``book.china``             Chinese province tables and diversity measures
``book.capital_stock``     perpetual-inventory capital stocks
``book.spatial``           spatial econometrics: ``weights``, ``autocorrelation``, ``models``,
                           ``effects``, ``panel``
``book.theory``            theoretical models (core-periphery, Romer, Schumpeter, NEG growth)
``book.serve``             loopback static server for the site tests
``book.sphinxext``, ``book.sphinx_parallel``   build machinery (ledger tables, status page)
"""
from __future__ import annotations

from pathlib import Path

__version__ = "0.1.0"

#: repository root (the folder holding ``_config.yml``)
ROOT = Path(__file__).resolve().parents[1]
#: build output folder; ledger rows are written below it
BUILD = ROOT / "_build"
#: the one seed for every random draw in the book (simulations, permutations, bootstraps)
SEED = 20240515


def rng(offset: int = 0):
    """Return a NumPy ``Generator`` seeded from :data:`SEED` (plus ``offset``).

    All randomness in the book goes through this function so that two builds print the
    same numbers. Use a distinct ``offset`` for independent streams inside one page.
    """
    import numpy as np

    if not isinstance(offset, (int,)) or isinstance(offset, bool) or offset < 0:
        raise ValueError(f"rng offset must be a non-negative int, got {offset!r}")
    return np.random.default_rng(SEED + offset)


def load_yaml(stream):
    """Parse YAML with libyaml's C loader when PyYAML was built with it (the same safe subset as
    ``yaml.safe_load``, about ten times faster; the registry and targets are read on every page)."""
    import yaml

    return yaml.load(stream, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
