"""CBP state file: the official layout served from a loopback server, loaded via book.data."""
import hashlib
import io
import zipfile

import pytest

from book import data
from book.datasets.cbp import read_cbp_state
from book.errors import DataIntegrityError

# the 2018+ official state layout (cbpYYst.txt), a few real-format rows (values invented
# for the test: they never reach a page)
LAYOUT = ('"fipstate","naics","lfo","emp_nf","emp","qp1_nf","qp1","ap_nf","ap","est","n<5",'
          '"n5_9","n10_19","n20_49","n50_99","n100_249","n250_499","n500_999","n1000",'
          '"n1000_1","n1000_2","n1000_3","n1000_4"\n')
ROWS = [
    '"01","------","-","G",1000,"G",900,"G",4000,80,40,20,10,5,3,1,1,0,0,0,0,0,0',
    '"01","31----","-","G",300,"G",250,"G",1100,10,4,2,2,1,1,0,0,0,0,0,0,0,0',
    '"01","31----","C","G",280,"G",240,"G",1000,8,3,2,1,1,1,0,0,0,0,0,0,0,0',
    '"01","311///","-","H",50,"H",40,"H",170,3,1,1,1,0,0,0,0,0,0,0,0,0,0',
    '"01","44----","-","G",200,"G",150,"G",700,30,20,5,3,1,1,0,0,0,0,0,0,0,0',
    '"06","------","-","G",5000,"G",4000,"G",20000,300,100,80,60,30,20,5,3,1,1,1,0,0,0',
    '"06","31----","-","H",900,"H",800,"H",3500,40,10,10,10,5,3,1,1,0,0,0,0,0,0',
    '"06","44----","-","G",1100,"G",900,"G",3900,90,50,20,10,5,3,1,1,0,0,0,0,0,0',
]


def _zip_bytes(text: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("cbp21st.txt", text)
    return buf.getvalue()


def test_cbp_state_loads_through_registry(loopback_server, data_cache):
    base, folder = loopback_server
    payload = _zip_bytes(LAYOUT + "\n".join(ROWS) + "\n")
    (folder / "cbp21st.zip").write_bytes(payload)
    df = data.load("cbp_state_2021", base_url=base)
    assert list(df.columns) == ["state_fips", "sector", "employment", "establishments",
                                "noise_flag"]
    # only all-legal-form rows at the two-digit sector level survive
    assert df[["state_fips", "sector"]].values.tolist() == [["01", "31"], ["01", "44"],
                                                          ["06", "31"], ["06", "44"]]
    assert df["employment"].tolist() == [300.0, 200.0, 900.0, 1100.0]
    assert df["establishments"].tolist() == [10, 30, 40, 90]
    # downloaded into the cache, hash recorded on first use
    cached = data_cache / "cbp_state_2021" / "cbp21st.zip"
    assert cached.read_bytes() == payload
    recorded = (data_cache / "cbp_state_2021" / "cbp21st.zip.sha256").read_text().strip()
    assert recorded == hashlib.sha256(payload).hexdigest()
    # the indices run on it
    from book.measures import location_quotient
    lq = location_quotient(df, region="state_fips", industry="sector", value="employment")
    assert lq.shape == (2, 2)


def test_cbp_reader_rejects_foreign_layout(tmp_path):
    p = tmp_path / "cbp21st.zip"
    p.write_bytes(_zip_bytes("a,b,c\n1,2,3\n"))
    with pytest.raises(DataIntegrityError, match="lacks CBP column"):
        read_cbp_state(p)


def test_cbp_withheld_cells_are_missing(tmp_path):
    p = tmp_path / "cbp21st.zip"
    rows = ['"02","31----","-","D",0,"D",0,"D",0,3,1,1,1,0,0,0,0,0,0,0,0,0,0']
    p.write_bytes(_zip_bytes(LAYOUT + "\n".join(rows) + "\n"))
    df = read_cbp_state(p)
    assert df["employment"].isna().all()
