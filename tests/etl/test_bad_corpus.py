"""Every file of the bad-input corpus is refused with its exact located message, leaving the database as it was."""
import datetime as dt
import hashlib
import subprocess
import sys
from pathlib import Path

import pytest

from tests.builders import write_csv

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "bad"
EXPECTED = dict(line.split("\t", 1) for line in (CORPUS / "expected.tsv").read_text(encoding="utf-8").splitlines())


def test_corpus_is_complete():
    files = {p.name for p in CORPUS.iterdir() if p.name != "expected.tsv"}
    assert len(files) >= 30 and files == set(EXPECTED)


@pytest.fixture(scope="module")
def live_db(tmp_path_factory):
    folder = tmp_path_factory.mktemp("corpus")
    good = write_csv(folder / "good.csv", ["开发区,年份,签约项目数", "盐湖高新区,2021,36"])
    db = folder / "live.duckdb"
    subprocess.run([sys.executable, "-m", "etl", "load", str(good), "--db", str(db)], check=True, capture_output=True)
    return db


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_file_is_refused_with_its_message(name, live_db):
    before = hashlib.sha256(live_db.read_bytes()).hexdigest()
    result = subprocess.run([sys.executable, "-m", "etl", "load", str(CORPUS / name), "--db", str(live_db)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    expected = EXPECTED[name].replace("{next_year}", str(dt.date.today().year + 1))
    assert result.stderr.splitlines()[0] == expected
    assert "Traceback" not in result.stderr
    assert hashlib.sha256(live_db.read_bytes()).hexdigest() == before
