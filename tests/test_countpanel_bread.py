"""NB2 clustered standard errors: which bread (issue 13 s.3).

``fit_kpf(model="negbin")`` uses the observed Hessian of the joint (beta, alpha) likelihood by
default; ``nb_bread="expected"`` gives R's ``sandwich::vcovCL`` on ``MASS::glm.nb`` (IRLS bread
with alpha fixed, beta scores only). Checked here against the sandwich written out in numpy on
a small simulated panel, and against R in the peer suite (tools/peer, ``make peer``).
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from badinput import BI, case_list, f, matrix_test

from book import countpanel as cp
from book import rng


def _panel(n_firms=60, years=5, seed=3):
    g = rng(seed)
    firm = np.repeat(np.arange(n_firms), years)
    year = np.tile(np.arange(1990, 1990 + years), n_firms)
    c = np.repeat(g.normal(0, 0.5, n_firms), years)
    x1 = g.normal(0, 1, firm.size) + c
    x2 = g.normal(0, 1, firm.size)
    mu = np.exp(0.5 + 0.8 * x1 - 0.2 * x2 + c)
    y = g.negative_binomial(1 / 0.7, 1 / (1 + 0.7 * mu))
    return pd.DataFrame({"firm": firm, "year": year, "patents": y, "log_rd": x1, "log_spill": x2})


def test_expected_bread_is_the_glm_nb_sandwich():
    d = _panel()
    fit = cp.fit_kpf(d, model="negbin", nb_bread="expected")
    joint = cp.fit_kpf(d, model="negbin")
    # same point estimates and alpha, different standard errors
    assert np.allclose(fit["table"]["coef"], joint["table"]["coef"])
    assert fit["alpha"] == pytest.approx(joint["alpha"])
    assert fit["bread"] == "expected" and joint["bread"] == "joint"
    # the sandwich in numpy: bread inv(X'WX), W = mu/(1+a mu); score x (y-mu)/(1+a mu); HC1
    res = joint["result"]
    X = res.model.exog
    y = res.model.endog
    a = joint["alpha"]
    b = res.params.values[:-1]
    mu = np.exp(X @ b)
    B = np.linalg.inv(X.T @ ((mu / (1 + a * mu))[:, None] * X))
    s = X * ((y - mu) / (1 + a * mu))[:, None]
    g = pd.factorize(d["firm"])[0]
    S = np.zeros((g.max() + 1, X.shape[1]))
    np.add.at(S, g, s)
    G, N, K = S.shape[0], X.shape[0], X.shape[1]
    V = G / (G - 1) * (N - 1) / (N - K) * B @ S.T @ S @ B
    names = list(res.params.index[:-1])
    for r in ("log_rd", "log_spill"):
        i = names.index(r)
        assert fit["table"].loc[r, "se"] == pytest.approx(np.sqrt(V[i, i]), rel=1e-5)
    assert not np.allclose(fit["table"]["se"], joint["table"]["se"], rtol=1e-3)


def test_bread_is_ignored_for_poisson():
    d = _panel()
    a = cp.fit_kpf(d, model="poisson", nb_bread="expected")
    b = cp.fit_kpf(d, model="poisson")
    assert np.allclose(a["table"]["se"], b["table"]["se"])
    assert a["bread"] == "poisson-glm"


CASES, c = case_list()
c("book.countpanel.fit_kpf", "unknown NB bread",
  lambda: f("book.countpanel.fit_kpf")(_panel(10, 3), model="negbin", nb_bread="observed"),
  BI, r"nb_bread must be one of")
test_bad_input = matrix_test(CASES)
