"""Random-effects spatial panels (book.spatial.panel.spatial_panel_re), issue 13 s.2.

No R peer: splm (which prints these models in Millo & Piras 2012) is not packaged by Debian,
so the wrapper is checked by recovering the parameters of simulated RE panels, and the page
states that its RE rows have no external check.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from badinput import BI, case_list, f, matrix_test
from libpysal.weights import lat2W

from book import rng
from book.spatial import panel as spp


def _w():
    w = lat2W(9, 9, rook=True)
    w.transform = "r"
    return w


def _sim(model, n_t=12, seed=5, rho=0.4, lam=0.5):
    w = _w()
    g = rng(seed)
    n = w.n
    W = np.asarray(w.full()[0])
    ids = list(w.id_order)
    mu = g.normal(0, 1.0, n)
    rows = []
    A = np.linalg.inv(np.eye(n) - (rho if model == "lag" else lam) * W)
    for t in range(n_t):
        x = g.normal(0, 1, n)
        eps = g.normal(0, 0.5, n)
        if model == "lag":
            y = A @ (1.0 + 2.0 * x + mu + eps)
        else:
            y = 1.0 + 2.0 * x + mu + A @ eps
        rows += [{"id": i, "t": t, "x": xi, "y": yi} for i, xi, yi in zip(ids, x, y, strict=True)]
    return pd.DataFrame(rows), w


def test_re_lag_recovers_truth():
    df, w = _sim("lag")
    fit = spp.spatial_panel_re(df, w, y="y", x=["x"], entity="id", time="t", model="lag")
    assert fit.model == "SAR" and fit.layout == "panel RE"
    assert fit.coef("rho") == pytest.approx(0.4, abs=0.06)
    assert fit.coef("x") == pytest.approx(2.0, abs=0.06)
    assert list(fit.coefficients["term"])[-1] == "phi"
    e = fit.effects(inference=False)
    assert e.loc["x", "total"] == pytest.approx(fit.coef("x") / (1 - fit.coef("rho")), rel=1e-6)


def test_re_error_recovers_truth():
    df, w = _sim("error")
    fit = spp.spatial_panel_re(df, w, y="y", x=["x"], entity="id", time="t", model="error")
    assert fit.model == "SEM"
    assert fit.coef("lambda") == pytest.approx(0.5, abs=0.08)
    assert fit.coef("x") == pytest.approx(2.0, abs=0.06)
    assert fit.coef("sigma2_u") == pytest.approx(1.0, abs=0.4)


def test_ids_not_row_order():
    df, w = _sim("lag", n_t=4)
    a = spp.spatial_panel_re(df, w, y="y", x=["x"], entity="id", time="t")
    b = spp.spatial_panel_re(df.sample(frac=1, random_state=1), w, y="y", x=["x"],
                             entity="id", time="t")
    assert a.coef("rho") == pytest.approx(b.coef("rho"), abs=1e-10)


def _d():
    return _sim("lag", n_t=3)


CASES, c = case_list()
F = "book.spatial.panel.spatial_panel_re"
c(F, "unknown model", lambda: f(F)(*_d()[:1], _d()[1], y="y", x=["x"], entity="id", time="t",
                                    model="durbin"), BI, r"model must be one of")
c(F, "constant outcome", lambda: f(F)(_d()[0].assign(y=1.0), _d()[1], y="y", x=["x"],
                                       entity="id", time="t"), BI, r"constant")
c(F, "single period", lambda: f(F)(_d()[0].query("t == 0"), _d()[1], y="y", x=["x"],
                                    entity="id", time="t"), BI, r"at least two periods")
c(F, "y among x", lambda: f(F)(_d()[0], _d()[1], y="y", x=["y"], entity="id", time="t"),
  BI, r"y")
test_bad_input = matrix_test(CASES)
