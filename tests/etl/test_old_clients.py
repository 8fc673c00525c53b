"""Analysts' older DuckDB clients open the demo snapshot read-only and read every public view.

Each version gets a throwaway venv with that `duckdb` wheel from the package registry, cached under
~/.cache/devzone-duckdb-venvs/<version> (XDG_CACHE_HOME respected) so reruns cost nothing. The versions are
DUCKDB_OLD_CLIENTS (comma-separated) or OLD_CLIENTS below. A venv that cannot be made fails the test, in CI
and locally alike: the promise in README ("DuckDB 1.1 and later open it") must be checked, not assumed.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import duckdb
import pytest

from devzone.queries import PUBLIC_VIEWS

OLD_CLIENTS = ("1.1.3", "1.3.2")  # the oldest 1.x line that reads the snapshot, and the last before 1.4
INSTALL_TIMEOUT = 600

# Run inside the old client's venv: open read-only, read every view, print counts and a fingerprint.
READER = r"""
import json, sys
import duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
out = {"version": duckdb.__version__, "views": {}}
for view in sys.argv[2:]:
    columns = [d[0] for d in con.execute(f"SELECT * FROM {view} LIMIT 0").description]
    rows = con.execute(f"SELECT * FROM {view}").fetchall()
    out["views"][view] = {"columns": columns, "rows": sorted(repr(tuple(str(v) for v in r)) for r in rows)}
try:
    con.execute("CREATE TABLE analyst_scratch (x INTEGER)")
    out["wrote"] = True
except duckdb.Error:
    out["wrote"] = False
print(json.dumps(out, ensure_ascii=False))
"""


def _versions() -> list[str]:
    wanted = os.environ.get("DUCKDB_OLD_CLIENTS")
    return [v.strip() for v in wanted.split(",") if v.strip()] if wanted else list(OLD_CLIENTS)


def _cache_dir() -> Path:
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "devzone-duckdb-venvs"


def _python(venv: Path) -> Path:
    return venv / "bin" / "python"


def _has_version(venv: Path, version: str) -> bool:
    if not _python(venv).exists():
        return False
    probe = subprocess.run([str(_python(venv)), "-c", "import duckdb; print(duckdb.__version__)"],
                           capture_output=True, text=True, timeout=60)
    return probe.returncode == 0 and probe.stdout.strip() == version


def client_venv(version: str) -> Path:
    """A venv with duckdb==version: the cached one, else a new one built beside it and renamed into place."""
    venv = _cache_dir() / version
    if _has_version(venv, version):
        return venv
    venv.parent.mkdir(parents=True, exist_ok=True)
    building = venv.with_name(f".{version}-{uuid.uuid4().hex[:8]}")
    try:
        for command in ([sys.executable, "-m", "venv", str(building)],
                        [str(_python(building)), "-m", "pip", "install", "--quiet", f"duckdb=={version}"]):
            done = subprocess.run(command, capture_output=True, text=True, timeout=INSTALL_TIMEOUT)
            if done.returncode != 0:
                pytest.fail(f"could not make a venv with duckdb=={version} ({' '.join(command[-2:])}): "
                            f"{(done.stderr or done.stdout).strip()[-800:]}")
        shutil.rmtree(venv, ignore_errors=True)
        os.replace(building, venv)
    finally:
        shutil.rmtree(building, ignore_errors=True)
    return venv


@pytest.mark.parametrize("version", _versions())
def test_an_older_client_reads_every_public_view(demo_db, version):
    venv = client_venv(version)
    done = subprocess.run([str(_python(venv)), "-c", READER, str(demo_db), *PUBLIC_VIEWS],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"duckdb {version} could not read the snapshot: {done.stderr.strip()[-1500:]}"
    seen = json.loads(done.stdout)
    assert seen["version"] == version
    assert seen["wrote"] is False  # read-only really is read-only
    con = duckdb.connect(str(demo_db), read_only=True)
    try:
        for view in PUBLIC_VIEWS:
            columns = [d[0] for d in con.execute(f"SELECT * FROM {view} LIMIT 0").description]
            rows = sorted(repr(tuple(str(v) for v in r)) for r in con.execute(f"SELECT * FROM {view}").fetchall())
            assert rows, f"{view} is empty in the demo"
            assert seen["views"][view]["columns"] == columns, view
            assert seen["views"][view]["rows"] == rows, f"duckdb {version} reads {view} differently"
    finally:
        con.close()
