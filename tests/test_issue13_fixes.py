"""Checks that would have caught the estimation/text errors of issue 13, section 3.

* knowledge-stock-sem: the SAR's indirect share of the TOTAL effect is about rho (row-
  standardised W), not rho/(1-rho) (that approximates indirect/DIRECT).
* spatial-convergence: a state's convergence speed in the lag model comes from the DIRECT
  effect; the total effect (uniform shift of every state) gives a different, faster speed.
* residual Moran: spreg's p is two-sided; the pages say so (peer suite checks p/2 = spdep).
"""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from book import data
from book.spatial import effects as spe
from book.spatial import weights as spw

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def w_us():
    return spw.weights_for(data.load("us48_geometry"), "state", kind="queen")


@pytest.mark.parametrize("rho", [0.2, 0.55, 0.8])
def test_indirect_share_of_total_is_about_rho(w_us, rho):
    e = spe.lag_effects(rho, [1.0], w_us, names=["k"], method="dense").loc["k"]
    share = e["indirect"] / e["total"]
    assert share <= rho + 1e-12                  # direct >= beta, so the share is at most rho
    assert share > rho - 0.1 * rho               # and close to it on the US contiguity
    assert e["total"] == pytest.approx(1 / (1 - rho))
    # rho/(1-rho) is NOT a share of the total (it exceeds 1 for rho > 0.5) ...
    assert abs(rho / (1 - rho) - share) > 0.05
    # ... it approximates indirect/direct (for moderate rho)
    if rho <= 0.55:
        assert e["indirect"] / e["direct"] == pytest.approx(rho / (1 - rho), rel=0.2)


def test_lag_model_speed_from_direct_differs_from_total(w_us):
    rho, b, T = 0.2, -0.0096, 65
    e = spe.lag_effects(rho, [b], w_us, names=["x"], method="dense").loc["x"]
    speed_direct = -np.log1p(e["direct"] * T) / T
    speed_total = -np.log1p(e["total"] * T) / T
    assert speed_total > speed_direct * 1.2       # the total effect overstates a state's speed
    assert e["direct"] == pytest.approx(b, rel=0.05)


def _page(rel):
    return (ROOT / rel).read_text(encoding="utf-8")


def test_pages_use_the_corrected_statements():
    kss = _page("chapters/06-channels/knowledge-stock-sem.md")
    assert not re.search(r"\\hat\\rho/\(1-\\hat\\rho\)\$ of the total", kss)
    assert "sar_k_ind_share" in kss and "two-sided" in kss
    sc = _page("chapters/05-spillovers-growth/spatial-convergence.md")
    assert 'b["SAR"] = eff.loc["lny0", "direct"]' in sc
    assert "/ (1 - c.loc[\"rho\", \"SAR\"])" not in sc
    assert "two-sided" in sc and "one-sided" in sc
    sp = _page("chapters/02-knowledge-spillovers/spillover-pool.md")
    assert 'nb_bread="expected"' in sp
    for rel in ("chapters/04-agglomeration-growth/density.md",
                "chapters/04-agglomeration-growth/inverted-u.md"):
        txt = _page(rel)
        assert "all 2,197 counties" not in txt and "countymurders" in txt, rel


def test_utest_clustered_uses_g_minus_1_df():
    from book import utest as ut
    g = np.random.default_rng(0)
    n, G = 400, 12
    groups = np.repeat(np.arange(G), n // G + 1)[:n]
    x = g.uniform(0, 4, n)
    y = 1 + 2 * x - 0.5 * x**2 + g.normal(0, 1, n) + g.normal(0, 1, G)[groups]
    u, fit = ut.quadratic_utest(x, y, cov_type="cluster", groups=groups)
    assert u.df == G - 1
    u2, _ = ut.quadratic_utest(x, y, cov_type="HC1")
    assert u2.df == n - 3
    with pytest.raises(Exception, match="at least two clusters"):
        ut.quadratic_utest(x, y, cov_type="cluster", groups=np.zeros(n))
    u3, _ = ut.quadratic_utest(x, y, cov_type="cluster", groups=groups, df="residual")
    assert u3.df == n - 3 and u3.p < u.p
    with pytest.raises(Exception, match="df must be"):
        ut.quadratic_utest(x, y, df="G")
