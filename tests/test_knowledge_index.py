"""book.knowledge_index: known answers (closed forms, numpy eigen-decomposition) and bad inputs."""
import numpy as np
import pandas as pd
import pytest

import book
from book.errors import BookInputError
from book.knowledge_index import pca_index


def _frame(n=60, rho=0.6, offset=0):
    rng = book.rng(offset)
    f = rng.normal(size=n)
    return pd.DataFrame({
        "rd": f + np.sqrt(1 - rho) * rng.normal(size=n),
        "school": 2 * f + rng.normal(size=n) + 10,
        "illit": -f + rng.normal(size=n),
    })


def test_two_proxies_closed_form():
    # two standardised variables with correlation r: eigenvalues 1 +- r, loadings (1,1)/sqrt2
    df = _frame()
    ki = pca_index(df, ["rd", "school"])
    r = np.corrcoef(df["rd"], df["school"])[0, 1]
    assert ki.eigenvalues.iloc[0] == pytest.approx(1 + r, abs=1e-12)
    assert ki.eigenvalues.iloc[1] == pytest.approx(1 - r, abs=1e-12)
    assert ki.share == pytest.approx((1 + r) / 2, abs=1e-12)
    np.testing.assert_allclose(ki.loadings.to_numpy(), [2 ** -0.5, 2 ** -0.5], atol=1e-12)


def test_matches_numpy_eigen_of_correlation_matrix():
    df = _frame(offset=1)
    cols = ["rd", "school", "illit"]
    ki = pca_index(df, cols, directions={"illit": -1}, scale="raw")
    Z = (df[cols] - df[cols].mean()) / df[cols].std(ddof=0)
    Z["illit"] *= -1
    vals, vecs = np.linalg.eigh(np.corrcoef(Z.to_numpy().T))
    order = np.argsort(vals)[::-1]
    vals, vecs = vals[order], vecs[:, order]
    np.testing.assert_allclose(ki.eigenvalues.to_numpy(), vals, atol=1e-10)
    a = vecs[:, 0] * np.sign(vecs[:, 0].sum())
    np.testing.assert_allclose(ki.loadings.to_numpy(), a, atol=1e-10)
    np.testing.assert_allclose(ki.scores.to_numpy(), Z.to_numpy() @ a, atol=1e-10)
    assert ki.explained.sum() == pytest.approx(1.0)
    # raw score variance is the leading eigenvalue
    assert ki.scores.var(ddof=0) == pytest.approx(vals[0], rel=1e-10)


def test_direction_makes_inverse_proxy_load_positively_and_unit_scale():
    df = _frame(offset=2)
    ki = pca_index(df, ["rd", "school", "illit"], directions={"illit": -1})
    assert (ki.loadings > 0).all()
    assert ki.scores.mean() == pytest.approx(0, abs=1e-12)
    assert ki.scores.var(ddof=0) == pytest.approx(1.0)
    s = ki.summary()
    assert list(s.columns) == ["direction", "loading", "corr_with_index"]
    # corr(z_j, index) equals a_j sqrt(lambda_1)
    z = (df["rd"] - df["rd"].mean()) / df["rd"].std(ddof=0)
    assert np.corrcoef(z, ki.scores)[0, 1] == pytest.approx(s.loc["rd", "corr_with_index"])


def test_sign_convention_anchor_and_scale_invariance():
    df = _frame(offset=3)
    a = pca_index(df, ["rd", "school"], anchor="school")
    df2 = df.assign(school=df["school"] * 1000 + 7)  # units do not matter after standardising
    b = pca_index(df2, ["rd", "school"], anchor="school")
    np.testing.assert_allclose(a.scores, b.scores, atol=1e-10)
    assert a.loadings["school"] > 0
    # an anchor whose loading would be negative flips the whole vector
    c = pca_index(df.assign(neg=-df["rd"]), ["neg", "school"], anchor="school")
    assert c.loadings["school"] > 0 and c.loadings["neg"] < 0


def test_simulated_truth_index_tracks_latent_factor():
    rng = book.rng(4)
    f = rng.normal(size=400)
    df = pd.DataFrame({f"x{j}": f + 0.5 * rng.normal(size=400) for j in range(3)})
    ki = pca_index(df, list(df))
    assert np.corrcoef(ki.scores, f)[0, 1] > 0.95


@pytest.mark.parametrize("kwargs, match", [
    (dict(columns=["rd"]), "at least two proxies"),
    (dict(columns="rd"), "list of at least two"),
    (dict(columns=["rd", "rd"]), "repeats a name"),
    (dict(columns=["rd", "nope"]), "nope"),
    (dict(columns=["rd", "school"], directions={"illit": -1}), "not in columns"),
    (dict(columns=["rd", "school"], directions={"rd": 2}), "must be \\+1 or -1"),
    (dict(columns=["rd", "school"], anchor="illit"), "anchor 'illit' is not one"),
    (dict(columns=["rd", "school"], scale="z"), "scale must be"),
])
def test_bad_arguments(kwargs, match):
    with pytest.raises(BookInputError, match=match):
        pca_index(_frame(), **kwargs)


def test_bad_data():
    df = _frame()
    with pytest.raises(BookInputError, match="constant across regions"):
        pca_index(df.assign(school=1.0), ["rd", "school"])
    with pytest.raises(BookInputError, match="missing"):
        pca_index(df.assign(rd=np.where(df.index == 3, np.nan, df["rd"])), ["rd", "school"])
    with pytest.raises(BookInputError, match="more regions than proxies"):
        pca_index(df.head(2), ["rd", "school"])
    with pytest.raises(BookInputError, match="DataFrame"):
        pca_index(df.to_numpy(), ["rd", "school"])
    with pytest.raises(BookInputError, match="stored as text|non-numeric"):
        pca_index(df.assign(rd=df["rd"].astype(str)), ["rd", "school"])


# ----------------------------------------------------------------------------- the state data
def test_state_proxies_known_values_and_code_fixes():
    from book import data

    x77 = data.load("us_states_1977").set_index("state")
    assert x77.shape == (50, 7)
    assert x77.loc["Alabama", "hs_grad_1970"] == 41.3       # R ?state.x77
    assert x77.loc["Alaska", "area_sqmi"] == 566432
    ed = data.load("us_state_education_1975").set_index("abbr")
    assert ed.index.is_unique and len(ed) == 50
    assert ed.loc["NE", "state"] == "Nebraska" and ed.loc["KY", "state"] == "Kentucky"
    assert ed.loc["CA", "educ_spend_pc_1975"] == 332
    # the mapped codes carry the right states: 1973 and 1974 incomes agree closely
    both = ed.join(x77.reset_index().set_index("abbr")["income_1974"])
    assert np.corrcoef(both["income_pc_1973"], both["income_1974"])[0, 1] > 0.85
    for ab in ("NE", "KY"):
        assert abs(both.loc[ab, "income_pc_1973"] / both.loc[ab, "income_1974"] - 1) < 0.15


# the PTMT report layout (cells as in the published table; counts here are test values that
# never reach a page)
USPTO_HTML = """<html><body><table>
<tr><th>State/Country</th><th>Pre-1963</th><th>1963</th><th>1964</th><th>1965</th><th>Total</th></tr>
<tr><td>Total, U.S. And Foreign Origin</td><td>10</td><td>45,679</td><td>47,375</td><td>62,857</td><td>1</td></tr>
<tr><td>-- Subtotal -- U.S. Origin</td><td>9</td><td>37,174</td><td>38,410</td><td>50,331</td><td>1</td></tr>
<tr><td>ALABAMA</td><td>1</td><td>178</td><td>153</td><td>236</td><td>568</td></tr>
<tr><td>CALIFORNIA</td><td>2</td><td>4,357</td><td>4,604</td><td>6,305</td><td>15268</td></tr>
<tr><td>DISTRICT OF COLUMBIA</td><td>0</td><td>90</td><td>80</td><td>70</td><td>240</td></tr>
<tr><td>JAPAN</td><td>0</td><td>300</td><td>400</td><td>500</td><td>1200</td></tr>
</table></body></html>"""


def test_uspto_loads_through_registry_from_loopback(loopback_server, data_cache):
    import hashlib

    from book import data

    base, folder = loopback_server
    (folder / "cst_utlh.htm").write_text(USPTO_HTML, encoding="utf-8")
    df = data.load("uspto_state_patents", base_url=base)
    assert list(df.columns) == ["abbr", "state", "year", "patents"]
    assert sorted(df["abbr"].unique()) == ["AL", "CA", "DC"]           # countries dropped
    assert sorted(df["year"].unique()) == [1963, 1964, 1965]           # Pre-1963, Total ignored
    ca = df[df["abbr"] == "CA"].set_index("year")["patents"]
    assert ca.tolist() == [4357, 4604, 6305]                            # thousands separators
    rec = (data_cache / "uspto_state_patents" / "cst_utlh.htm.sha256").read_text().strip()
    assert rec == hashlib.sha256(USPTO_HTML.encode()).hexdigest()       # trust on first use


def test_uspto_reader_rejects_other_pages(tmp_path):
    from book.datasets.us_states import read_uspto_state_counts
    from book.errors import DataIntegrityError

    p = tmp_path / "x.htm"
    p.write_text("<table><tr><td>no years here</td></tr></table>")
    with pytest.raises(DataIntegrityError, match="no table header with calendar years"):
        read_uspto_state_counts(p)
    p.write_text(USPTO_HTML.replace("4,604", "n/a"))
    with pytest.raises(DataIntegrityError, match="not a whole number"):
        read_uspto_state_counts(p)
    p.write_text(USPTO_HTML.replace("ALABAMA", "ATLANTIS").replace("CALIFORNIA", "X")
                 .replace("DISTRICT OF COLUMBIA", "Y"))
    with pytest.raises(DataIntegrityError, match="no state rows"):
        read_uspto_state_counts(p)


def test_uspto_offline_is_a_clear_error(data_cache):
    from book import data
    from book.errors import DataUnavailableError

    with pytest.raises(DataUnavailableError, match="could not download"):
        data.load("uspto_state_patents", base_url="http://127.0.0.1:9")
