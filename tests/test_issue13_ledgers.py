"""Issue 13 §2: the ledgers hold every printed number a page computes.

Checks that do not belong in a ledger (sample counts are provenance, not results) and that the
published/peer rows added for MRW Tables I-II and the plm random-effects table are computed
from the same estimators the pages use, within the tolerances stored in data/published/.
"""
import numpy as np
import pytest

from book import data
from book import growth as gr
from book.ledger import Ledger
from book.spatial import panel as spp

MRW_SAMPLES = {"nonoil": "nonoil", "inter": "intermediate", "oecd": "oecd"}


@pytest.fixture(scope="module")
def growthdj():
    return data.load("growthdj")


def test_mrw_sample_counts_are_a_provenance_check(growthdj):
    """MRW's samples have 98 / 75 / 22 countries (Table I, 'Observations'); the count is a
    property of the loader's flags, so it is tested here and no longer counted as a result."""
    counts = {k: int(growthdj[col].sum()) for k, col in MRW_SAMPLES.items()}
    assert counts == {"nonoil": 98, "inter": 75, "oecd": 22}
    assert "mrw_t1_nonoil_n" not in Ledger("ch4-mrw").targets


def test_mrw_every_transcribed_cell_reproduces(growthdj):
    """Every unrestricted Table I/II cell in the targets file is recomputed by solow_fit and
    lies within its stored tolerance (the page records the same numbers)."""
    L = Ledger("ch4-mrw")
    v = gr.mrw_variables(growthdj, g_delta=0.05, units="percent")
    seen = 0
    for tab, model in (("t1", "textbook"), ("t2", "augmented")):
        for key, col in MRW_SAMPLES.items():
            fit = gr.solow_fit(v[growthdj[col].to_numpy()], model)
            for term in fit.params.index:
                tid = f"mrw_{tab}_{key}_{term}"
                if tid not in L.targets:
                    continue
                seen += 1
                row = L.record(tid, fit.params[term], se=fit.bse[term])
                assert row["kind"] == "published"
                assert row["status"] == "within", (tid, row["ours"], row["published"])
    # 3 samples x (3 Table I + 4 Table II) cells
    assert seen == 21


def test_mrw_published_targets_are_not_counts():
    for t in Ledger("ch4-mrw").targets.values():
        assert "countries in" not in t.quantity


def test_plm_random_effects_table_and_within_r2(produc):
    """The full Swamy-Arora table printed in plm's vignette (peer rows) and plm's within R²."""
    X = ["lpcap", "lpc", "lemp", "unemp"]
    pf = spp.panel_models(produc, y="lgsp", x=X, entity="state", time="year")
    L = Ledger("ch5-spatial-panel")
    re = pf.fits["random effects"]
    for tid, term in [("plm_random_const", "const"), ("plm_random_pcap", "lpcap"),
                      ("plm_random_pc", "lpc"), ("plm_random_emp", "lemp"),
                      ("plm_random_unemp", "unemp")]:
        row = L.record(tid, re.params[term], se=re.std_errors[term])
        assert row["status"] == "within", (tid, row["ours"], row["published"])
        assert row["ours_se"] == pytest.approx(L.targets[tid].se, abs=5e-8)
    theta = np.unique(np.round(np.asarray(re.theta), 10))
    assert theta.size == 1  # balanced panel: one quasi-demeaning weight
    assert L.record("plm_random_theta", theta[0])["status"] == "within"
    r2 = pf.fits["fixed effects"].rsquared_within
    assert L.record("plm_within_r2", r2)["status"] == "within"


@pytest.fixture(scope="module")
def queen48():
    from book.spatial import weights as spw
    return spw.weights_for(data.load("us48_geometry"), "state", kind="queen")


@pytest.fixture(scope="module")
def re_fits(produc, queen48):
    X = ["lpcap", "lpc", "lemp", "unemp"]
    return {m: spp.spatial_panel_re(produc, queen48, y="lgsp", x=X, entity="state", time="year",
                                    model=m) for m in ("lag", "error")}


def _splm_phi(fit, model):
    """splm's phi = sigma2_mu / sigma2_eps from our fits (spreg's lag phi: phi^2 =
    sigma2_eps / (T sigma2_mu + sigma2_eps))."""
    c = fit.coefficients.set_index("term")["coef"]
    if model == "lag":
        return (1 / c["phi"] ** 2 - 1) / fit.extra["periods"]
    return fit.extra["phi"]


def test_splm_random_effects_rows(re_fits):
    """splm's printed RE spatial lag and error panels on Produc (usa48 contiguity)."""
    L = Ledger("ch5-spatial-panel")
    for model, pre, sp in (("lag", "splm_relag", "rho"), ("error", "splm_reerror", "lambda")):
        c = re_fits[model].coefficients.set_index("term")
        for suffix, term in [("rho" if model == "lag" else "lambda", sp), ("const", "CONSTANT"),
                             ("pcap", "lpcap"), ("pc", "lpc"), ("emp", "lemp"),
                             ("unemp", "unemp")]:
            row = L.record(f"{pre}_{suffix}", c.loc[term, "coef"], se=c.loc[term, "se"])
            assert row["status"] == "within", (row["target"], row["ours"], row["published"])
        assert L.record(f"{pre}_phi", _splm_phi(re_fits[model], model))["status"] == "within"
    # the error model's GLS standard errors are splm's (printed to 7 decimals)
    c = re_fits["error"].coefficients.set_index("term")
    assert c.loc["lpcap", "se"] == pytest.approx(L.targets["splm_reerror_pcap"].se, abs=5e-8)


def test_re_error_is_the_exact_likelihood_maximum(produc, queen48, re_fits):
    """Independent check of the hand-written RE spatial error ML: the dense NT x NT Gaussian
    log-likelihood (Kronecker covariance, Cholesky) equals the reported logl at the estimate and
    is lower at nearby points; spreg's Panel_RE_Error answer has a lower likelihood."""
    import contextlib
    import io
    import warnings

    import spreg

    fit = re_fits["error"]
    X = ["lpcap", "lpc", "lemp", "unemp"]
    W, ids = queen48.full()
    n = len(ids)
    d = produc.set_index(["year", "state"]).sort_index()
    years = sorted(produc["year"].unique())
    T = len(years)
    y = np.concatenate([d.loc[t].loc[ids, "lgsp"].to_numpy() for t in years])
    Xm = np.vstack([np.column_stack([np.ones(n), d.loc[t].loc[ids, X].to_numpy()])
                    for t in years])

    def loglik(lam, phi):
        B = np.eye(n) - lam * W
        S = phi * np.kron(np.ones((T, T)), np.eye(n)) + np.kron(np.eye(T),
                                                                np.linalg.inv(B.T @ B))
        C = np.linalg.cholesky(S)
        Xs, ys = np.linalg.solve(C, Xm), np.linalg.solve(C, y)
        b = np.linalg.lstsq(Xs, ys, rcond=None)[0]
        e = ys - Xs @ b
        s2 = e @ e / (n * T)
        return -n * T / 2 * (np.log(2 * np.pi) + 1 + np.log(s2)) - np.log(np.diag(C)).sum(), b

    lam, phi = fit.coef("lambda"), fit.extra["phi"]
    ll, b = loglik(lam, phi)
    assert ll == pytest.approx(fit.logl, abs=1e-6)
    assert b == pytest.approx(fit.coefficients["coef"].to_numpy()[:5], abs=1e-7)
    for dl, dp in [(0.005, 0), (-0.005, 0), (0, 0.2), (0, -0.2)]:
        assert loglik(lam + dl, phi + dp)[0] < ll
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")
        r = spreg.Panel_RE_Error(y.reshape(-1, 1), Xm[:, 1:], queen48)
    lam_s = float(np.ravel(r.lam)[0])
    phi_s = float(np.ravel(r.sig2_u)[0] / np.ravel(r.sig2)[0])
    assert loglik(lam_s, phi_s)[0] < ll - 1e-3


def test_munnell_pooled_elasticities(produc):
    """Munnell's pooled Cobb-Douglas elasticities (as quoted by Eisner) from panel_models."""
    pf = spp.panel_models(produc, y="lgsp", x=["lpcap", "lpc", "lemp", "unemp"],
                          entity="state", time="year")
    pool = pf.coefficients.query("model == 'pooled OLS'").set_index("term")
    L = Ledger("ch5-spatial-panel")
    for tid, term in [("munnell_t5_pooled_pcap", "lpcap"), ("munnell_t5_pooled_pc", "lpc"),
                      ("munnell_t5_pooled_emp", "lemp")]:
        row = L.record(tid, pool.loc[term, "coef"])
        assert row["kind"] == "published" and row["status"] == "within", row
