"""Query results cached per snapshot, and the snapshot pinned for one script run."""
from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from devzone import db, queries

_SNAPSHOT_RETRIES = 3


@st.cache_resource(show_spinner=False, max_entries=2000)
def _cached_query(query_name: str, db_path: str, snapshot: str, args: tuple) -> pd.DataFrame:
    """One frame per snapshot and query, shared by every session: never handed out as is (see `load`).

    Not st.cache_data: that pickles and unpickles the frame on every call, which at national scale (hundreds
    of thousands of rows) costs more than the rest of a rerun."""
    query_fn = getattr(queries, query_name)
    return query_fn(db.reader(db_path).pinned(snapshot), *args)


def _private(frame: pd.DataFrame) -> pd.DataFrame:
    # pandas 3 copies on write: a shallow copy costs nothing, and whatever a page does to its copy (new
    # columns, changed values, sorting in place) never reaches the shared frame.
    return frame.copy(deep=False)


KEY_RUN_SNAPSHOT = "snapshot_of_this_run"


def begin_run() -> None:
    """Pin the snapshot for this script run, so every query of one page answers from the same file."""
    snapshot_reader = db.reader()
    st.session_state[KEY_RUN_SNAPSHOT] = (str(snapshot_reader.path), snapshot_reader.snapshot_id())


def run_snapshot_key() -> tuple[str, str]:
    """(database path, snapshot id) this run reads: with a query's arguments, an exact cache key for what is
    built from its result (cheaper than hashing a national-scale frame, and never the file swapped in mid-run)."""
    pin = st.session_state.get(KEY_RUN_SNAPSHOT)
    if not isinstance(pin, tuple):
        begin_run()
        pin = st.session_state[KEY_RUN_SNAPSHOT]
    return pin


def run_snapshot() -> str:
    """`run_snapshot_key()` as one string ("path|id")."""
    return "|".join(run_snapshot_key())


def _pinned_snapshot(db_path: str) -> str | None:
    """This run's snapshot of `db_path`, if one was pinned (a pin taken on another file does not count)."""
    pin = st.session_state.get(KEY_RUN_SNAPSHOT)
    return pin[1] if isinstance(pin, tuple) and pin[0] == db_path else None


def load(query_fn: Callable[..., pd.DataFrame], *args: object) -> pd.DataFrame:
    """`load(queries.zones)` — the result for this run's snapshot, cached until the file is replaced.

    If the ETL swaps a new snapshot in while a page is being drawn, the run starts again on the new one
    instead of mixing old and new figures on one screen.
    """
    if getattr(queries, query_fn.__name__, None) is not query_fn:
        raise ValueError(f"{query_fn!r} is not a function of devzone.queries")
    snapshot_reader = db.reader()
    db_path = str(snapshot_reader.path)
    pinned = _pinned_snapshot(db_path)
    if pinned is not None:
        try:
            return _private(_cached_query(query_fn.__name__, db_path, pinned, args))
        except db.SnapshotChangedError:
            begin_run()
            st.rerun()
    for _ in range(_SNAPSHOT_RETRIES):
        try:
            return _private(_cached_query(query_fn.__name__, db_path, snapshot_reader.snapshot_id(), args))
        except db.SnapshotChangedError:
            continue  # a new file was swapped in between taking the id and querying: ask again
    raise db.DatabaseBusyError(snapshot_reader.path, "数据库文件在持续更新 / the file keeps changing")
