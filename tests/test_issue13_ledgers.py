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


@pytest.fixture(scope="module")
def produc():
    p = data.load("munnell_produc")
    for c in ("gsp", "pcap", "pc", "emp"):
        p["l" + c] = np.log(p[c])
    return p


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
