"""Spatial econometrics for the book, one module per task.

``book.spatial.weights``          weights from geometry, alignment of data to weights, islands,
                                  the one validation of a weights object, the sensitivity suite
``book.spatial.autocorrelation``  Moran's I over time, LISA, ring correlograms, decay fits
``book.spatial.models``           one ``fit`` for OLS / SLX / SAR / SEM / SDM, LM and LR tests,
                                  the Anselin et al. (1996) model-selection rule
``book.spatial.effects``          LeSage & Pace (2009) direct / indirect / total effects,
                                  traces of powers of W, simulation inference
``book.spatial.panel``            aspatial panel models and fixed-effects spatial panels

Pages import them with one alias each::

    from book.spatial import weights as spw, autocorrelation as spa, models as spm
    from book.spatial import effects as spe, panel as spp

Estimators return :class:`book.spatial.models.SpatialResult` (coefficients, fit statistics,
covariance and an ``effects()`` method) whatever the model or data layout.
"""
