#!/usr/bin/env bash
# 开发区经济指标看板 — one entry point for people and CI.
#
#   ./run.sh [run] [streamlit options]   start the dashboard (http://localhost:8501, this machine only);
#                                        builds the demo DB on first run; --server.address 0.0.0.0 opens it
#                                        to the intranet (or put nginx in front: deploy/)
#   ./run.sh test [pytest options]       run the whole test suite
#
# Both create .venv on first use and install requirements.lock (the versions CI tested) plus the project only
# when the venv lacks it or pyproject.toml / requirements.lock changed since. PYTHON picks the interpreter (>= 3.11).
# After changing dependencies in pyproject.toml: pip-compile --extra test --strip-extras --no-emit-index-url \
#   --no-emit-find-links --output-file requirements.lock pyproject.toml
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

VENV=.venv
STAMP="$VENV/.devzone-installed"
PYTHON="${PYTHON:-python3}"

ensure_venv() {
    if [[ ! -x "$VENV/bin/python" ]]; then
        if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
            echo "需要 Python 3.11 或更高版本 / Python >= 3.11 is required (set PYTHON=...)" >&2
            exit 2
        fi
        echo "创建虚拟环境 / creating $VENV"
        "$PYTHON" -m venv "$VENV"
    fi
}

installed() {
    "$VENV/bin/python" - <<'PY' 2>/dev/null
import importlib.metadata

importlib.metadata.version("devzone-dashboard")
import duckdb, playwright, pytest, streamlit  # noqa: F401,E401
PY
}

ensure_installed() {
    if installed && [[ -f "$STAMP" && ! pyproject.toml -nt "$STAMP" && ! requirements.lock -nt "$STAMP" ]]; then
        return
    fi
    echo "安装依赖 / installing dependencies"
    "$VENV/bin/python" -m pip install --upgrade --quiet pip
    # The exact versions CI tested (requirements.lock, made by pip-compile from pyproject.toml), then the project
    # itself; pyproject.toml's lower bounds alone only if the lock cannot be installed on this Python.
    if "$VENV/bin/python" -m pip install --quiet -r requirements.lock; then
        "$VENV/bin/python" -m pip install --quiet --no-deps -e .
    else
        echo "按 requirements.lock 安装失败，改按 pyproject.toml 安装 / the lock did not install here; using pyproject.toml" >&2
        "$VENV/bin/python" -m pip install --quiet -e '.[test]'
    fi
    touch "$STAMP"
}

command=run  # `./run.sh --server.port 8600` passes options straight to `streamlit run`
if [[ $# -gt 0 && "$1" != -* ]]; then
    command="$1"
    shift
fi
case "$command" in
    run)
        ensure_venv
        ensure_installed
        # "Today" decides 旬/月 alerts and load times: use China time even on a server kept in UTC.
        export TZ="${TZ:-Asia/Shanghai}"
        # Files the app writes (audit log, uploads in flight, a rebuilt demo DB) are not world-readable.
        umask 027
        # Loopback and a named browser address come from .streamlit/config.toml (server.address,
        # browser.serverAddress): Streamlit then never looks up its external IP on the internet at start.
        exec "$VENV/bin/python" -m streamlit run dashboard.py "$@"
        ;;
    test)
        ensure_venv
        ensure_installed
        exec "$VENV/bin/python" -m pytest -q "$@"
        ;;
    *)
        sed -n '2,10p' "$(basename "${BASH_SOURCE[0]}")" >&2
        exit 2
        ;;
esac
