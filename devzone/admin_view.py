"""数据管理 page (app_pages/data_admin.py): everything but the widgets.

Uploads are checked (size, type, names), written into a private temporary directory under their own
names (so error messages name the file the person sent) and handed to the ETL's `load_files` — the code
path of `python -m etl load`, no second implementation. The directory is removed on every path. Every
action is written to the audit log (devzone/audit.py). Tables come back labelled in the page's language.
"""
from __future__ import annotations

import contextlib
import hashlib
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import pandas as pd
from openpyxl.utils import get_column_letter

from devzone import audit, fmt, periods
from devzone.i18n import t, t_or
from etl.account import group_rows

# What the ETL reads (etl/read.py): every spreadsheet format offices send, and CSV/TXT text.
ALLOWED_SUFFIXES = (".xlsx", ".xlsm", ".xlsb", ".xls", ".et", ".ods", ".csv", ".txt")
UPLOAD_TYPES = [suffix.lstrip(".") for suffix in ALLOWED_SUFFIXES]
MAX_UPLOAD_MB = 20  # the app's rule; .streamlit/config.toml server.maxUploadSize says the same to the browser
STATUS_ORDER = ("changed", "added", "removed", "unchanged")
PUBLISH_LOCK_TIMEOUT = 10.0
AUDIT_SHOWN = 50


class UploadedLike(Protocol):
    name: str

    def getvalue(self) -> bytes: ...


@dataclass(frozen=True)
class Upload:
    name: str
    content: bytes = field(repr=False)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()

    @property
    def size(self) -> int:
        return len(self.content)


def uploads_from(files: Iterable[UploadedLike] | None) -> list[Upload]:
    """st.file_uploader's files -> Upload (the base name only: a name never chooses a directory)."""
    return [Upload(Path(f.name.replace("\\", "/")).name, f.getvalue()) for f in files or []]


def batch_key(uploads: Sequence[Upload]) -> str:
    """Identifies exactly these files (names and contents, in any order): a dry run is valid for its key only."""
    digest = hashlib.sha256()
    for name, sha in sorted((u.name, u.sha256) for u in uploads):
        digest.update(f"{name}\0{sha}\n".encode())
    return digest.hexdigest()


def upload_problems(uploads: Sequence[Upload], lang: str, max_mb: float = MAX_UPLOAD_MB) -> list[str]:
    """Why these files cannot be checked at all (too big, wrong type, an empty file, two with one name)."""
    problems = []
    seen: set[str] = set()
    for upload in uploads:
        if not upload.name or upload.name.startswith("."):
            problems.append(t("admin.upload.bad_name", lang, name=fmt.plain(upload.name)))
        elif upload.name in seen:
            problems.append(t("admin.upload.duplicate", lang, name=fmt.plain(upload.name)))
        seen.add(upload.name)
        if Path(upload.name).suffix.lower() not in ALLOWED_SUFFIXES:
            problems.append(t("admin.upload.bad_type", lang, name=fmt.plain(upload.name)))
        if upload.size > max_mb * 1024 * 1024:
            problems.append(t("admin.upload.too_big", lang, name=fmt.plain(upload.name),
                              size=fmt.number(upload.size / 1024 / 1024, 1), limit=fmt.number(max_mb, 0)))
        elif upload.size == 0:
            problems.append(t("admin.upload.empty", lang, name=fmt.plain(upload.name)))
    return problems


@contextlib.contextmanager
def staged(uploads: Sequence[Upload]) -> Iterator[list[Path]]:
    """The uploads as files in a private temporary directory (mode 0700), removed when the block ends."""
    with tempfile.TemporaryDirectory(prefix="devzone-upload-") as directory:
        paths = []
        for upload in uploads:
            path = Path(directory) / upload.name
            path.write_bytes(upload.content)
            paths.append(path)
        yield paths


# ---------------------------------------------------------------- the actions

@dataclass
class Outcome:
    """What one check / publish / rollback came to. `status`: ok, rejected, busy or failed."""

    status: str
    key: str = ""
    result: object | None = None  # etl LoadResult
    errors: list = field(default_factory=list)  # etl.errors.InputError
    error_lines: list[str] = field(default_factory=list)
    detail: str = ""
    accounts: list = field(default_factory=list)  # etl.account.SheetAccount: what was read, also when refused

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    @property
    def outliers(self) -> list:
        """Suspect magnitudes of a dry run (etl/plausibility.py): publishing them needs a confirmation."""
        return list(getattr(self.result, "outliers", None) or [])


def _audit_files(uploads: Sequence[Upload]) -> list[dict[str, str]]:
    return [{"name": u.name, "sha256": u.sha256} for u in uploads]


def _audit(action: str, user: str, role: str, outcome: Outcome, files: list[dict[str, str]], db_path: Path,
           detail: str = "") -> None:
    audit.record(action, user=user, role=role, result=outcome.status, files=files,
                 detail=detail or outcome.detail, path=audit.audit_log_path(db_path))


def _run_load(uploads: Sequence[Upload], db_path: Path, user: str, *, dry_run: bool,
              confirm_outliers: bool = False) -> Outcome:
    from etl.errors import InputRejected, OutliersUnconfirmed, PublishBusy
    from etl.publish import load_files

    key = batch_key(uploads)
    try:
        with staged(uploads) as paths:
            if dry_run:
                result = load_files(paths, db_path, dry_run=True, loaded_by=user)
            else:
                result = load_files(paths, db_path, dry_run=False, loaded_by=user, lock_timeout=PUBLISH_LOCK_TIMEOUT,
                                    confirm_outliers=confirm_outliers)
    except InputRejected as rejected:
        what = "unconfirmed outliers" if isinstance(rejected, OutliersUnconfirmed) else "errors"
        return Outcome("rejected", key, errors=list(rejected.errors), error_lines=rejected.report(),
                       detail=f"{len(rejected.errors)} {what}", accounts=list(rejected.accounts))
    except PublishBusy as busy:
        return Outcome("busy", key, detail=str(busy))
    except Exception as exc:  # noqa: BLE001 - told to the admin and recorded; the live file is untouched
        return Outcome("failed", key, detail=f"{type(exc).__name__}: {exc}")
    parts = [f"load {result.load_id}"] if getattr(result, "published", False) else []
    outliers = len(getattr(result, "outliers", None) or [])
    if outliers:
        parts.append(f"{outliers} outliers confirmed" if getattr(result, "outliers_confirmed", False)
                     else f"{outliers} outliers")
    return Outcome("ok", key, result=result, detail="; ".join(parts), accounts=list(getattr(result, "accounts", [])))


def check(uploads: Sequence[Upload], db_path: Path, user: str, role: str) -> Outcome:
    """「检查（试运行）」: the ETL's dry run of exactly these files; nothing is written but the audit line."""
    outcome = _run_load(uploads, db_path, user, dry_run=True)
    _audit("dry_run", user, role, outcome, _audit_files(uploads), db_path)
    return outcome


def publish(uploads: Sequence[Upload], db_path: Path, user: str, role: str, *,
            confirm_outliers: bool = False) -> Outcome:
    """「发布」: the same files for real (waits at most PUBLISH_LOCK_TIMEOUT s for another publish). Suspect
    magnitudes refuse it unless confirm_outliers (the page's checkbox); the audit detail says they were confirmed."""
    outcome = _run_load(uploads, db_path, user, dry_run=False, confirm_outliers=confirm_outliers)
    _audit("publish", user, role, outcome, _audit_files(uploads), db_path)
    return outcome


def rollback(db_path: Path, load_id: int, user: str, role: str) -> Outcome:
    """Restore the data as it was right after load `load_id` (recorded as a new publish)."""
    from etl.errors import PublishBusy
    from etl.history import rollback as etl_rollback

    try:
        result = etl_rollback(db_path, load_id, by=user, lock_timeout=PUBLISH_LOCK_TIMEOUT)
        outcome = Outcome("ok", result=result, detail=f"to load {load_id}; new load {result.load_id}")
    except PublishBusy as busy:
        outcome = Outcome("busy", detail=str(busy))
    except Exception as exc:  # noqa: BLE001
        outcome = Outcome("failed", detail=f"to load {load_id}: {type(exc).__name__}: {exc}")
    _audit("rollback", user, role, outcome, [], db_path)
    return outcome


def record_template_download(layout: str, user: str, role: str, db_path: Path) -> None:
    audit.record("template", user=user, role=role, result="ok", detail=layout, path=audit.audit_log_path(db_path))


def record_views_download(scope: str, user: str, role: str, db_path: Path) -> None:
    """The 数据质量 page's export of the public views (devzone/export/views.py)."""
    audit.record("export_views", user=user, role=role, result="ok", detail=scope, path=audit.audit_log_path(db_path))


def record_refusal(user: str, role: str, db_path: Path, page: str) -> None:
    audit.record("refused", user=user or "(anonymous)", role=role, result="refused", detail=page,
                 path=audit.audit_log_path(db_path))


# ---------------------------------------------------------------- tables a person reads

def error_table(errors: Sequence, lang: str) -> pd.DataFrame:
    """Every located error: 文件, 工作表, 行, 列 (a letter, as Excel shows it), 问题 — the CLI's messages."""
    return pd.DataFrame({
        t("admin.err.file", lang): [e.file_name for e in errors],
        t("admin.err.sheet", lang): [e.sheet or "" for e in errors],
        t("admin.err.row", lang): [str(e.row) if e.row is not None else "" for e in errors],
        t("admin.err.column", lang): [get_column_letter(e.column) if e.column else "" for e in errors],
        t("admin.err.message", lang): [e.message for e in errors],
    })


def error_column_widths(lang: str) -> dict[str, str]:
    """Narrow location columns, so the message has the room."""
    return {t("admin.err.file", lang): "medium", t("admin.err.sheet", lang): "small",
            t("admin.err.row", lang): "small", t("admin.err.column", lang): "small",
            t("admin.err.message", lang): "large"}


def can_publish(checked: Outcome | None, outliers_confirmed: bool) -> bool:
    """「发布」 needs a successful dry run of these files, and a ticked box if it found suspect figures."""
    return bool(checked and checked.ok and (outliers_confirmed or not checked.outliers))


def outliers_key(key: str) -> str:
    """The confirmation checkbox's key: one per batch, so other files never inherit a tick."""
    return "admin_confirm_outliers_" + key[:16]


def account_label(account, lang: str) -> str:
    """An expander's label (markdown): the sheet, how it was read, its rows — names escaped."""
    place = fmt.plain(account.place)
    if account.skipped:
        return t("admin.account.skipped_label", lang, place=place, reason=fmt.plain(account.skipped))
    layout = account.layout_name or account.layout or t("admin.account.unrecognised", lang)
    return t("admin.account.label", lang, place=place, layout=fmt.plain(layout), rows=account.rows)


def account_table(account, lang: str) -> pd.DataFrame:
    """What the ETL recorded for one sheet, one line per fact (plain text in a data frame: names stay inert)."""
    rows: list[tuple[str, str]] = []
    if account.skipped:
        rows.append((t("admin.account.skipped", lang), account.skipped))
    elif account.layout or account.layout_name or account.reason:
        layout = account.layout_name or account.layout or t("admin.account.unrecognised", lang)
        rows.append((t("admin.account.layout", lang), layout + (f"（{account.reason}）" if account.reason else "")))
    if account.header_row:
        rows.append((t("admin.account.header_row", lang), str(account.header_row)))
    if not account.skipped:
        rows.append((t("admin.account.rows", lang), str(account.rows)))
    rows += [(t("admin.account.units", lang), unit) for unit in account.units]
    rows += [(t("admin.account.column", lang, letter=note.letter, header=note.header), note.outcome)
             for note in account.columns]
    rows += [(t("admin.account.skipped_rows", lang, reason=reason), numbers)
             for reason, numbers in group_rows(account.skipped_rows)]
    rows += [(t("admin.account.note", lang), note) for note in account.notes]
    return pd.DataFrame(rows, columns=[t("admin.account.aspect", lang), t("admin.account.detail", lang)])


def counts_table(result, lang: str) -> pd.DataFrame:
    """One row per kind of fact the files hold: added, changed, unchanged."""
    rows = [(kind, c) for kind, c in result.changes.items() if c.added or c.changed or c.unchanged
            or getattr(c, "removed", 0)]
    return pd.DataFrame({
        t("admin.counts.kind", lang): [t_or(f"admin.kind.{kind}", kind, lang) for kind, _ in rows],
        t("admin.status.added", lang): [c.added for _, c in rows],
        t("admin.status.changed", lang): [c.changed for _, c in rows],
        t("admin.status.unchanged", lang): [c.unchanged for _, c in rows],
    })


def sheets_lines(result, lang: str) -> list[str]:
    from etl.layout import LAYOUT_NAMES

    return [t("admin.preview.sheet", lang, file=fmt.plain(s.file_name + (f":{s.sheet}" if s.sheet else "")),
              layout=LAYOUT_NAMES.get(s.layout, s.layout), rows=s.rows) for s in result.sheets]


def status_label(status: str, lang: str) -> str:
    return t_or(f"admin.status.{status}", status, lang)


def _ordered(diff: pd.DataFrame, statuses: Iterable[str] | None) -> pd.DataFrame:
    if statuses is not None:
        diff = diff[diff["status"].isin(list(statuses))]
    order = diff["status"].map({s: i for i, s in enumerate(STATUS_ORDER)}).fillna(len(STATUS_ORDER))
    return diff.assign(_order=order).sort_values("_order", kind="stable").drop(columns="_order")


def value_diff_table(diff: pd.DataFrame, lang: str, statuses: Iterable[str] | None = None) -> pd.DataFrame:
    """The value diff as read: zone, year, indicator, old → new, status; changed first, then added."""
    diff = _ordered(diff, statuses)
    units = [str(u) if not fmt.is_missing(u) else "" for u in diff["unit"]]
    old = [fmt.indicator_value(v, u, lang) for v, u in zip(diff["old_value"], units, strict=True)]
    new = [fmt.indicator_value(v, u, lang) for v, u in zip(diff["new_value"], units, strict=True)]
    return pd.DataFrame({
        t("admin.diff.zone", lang): diff["zone_name"].fillna(diff["zone_code"]).tolist(),
        t("admin.diff.year", lang): [fmt.year(y, lang) for y in diff["year"]],
        t("admin.diff.indicator", lang): diff["indicator_name"].fillna(diff["indicator_code"]).tolist(),
        t("admin.diff.old", lang): old,
        t("admin.diff.new", lang): new,
        t("admin.diff.change", lang): [f"{o} → {n}" for o, n in zip(old, new, strict=True)],
        t("admin.diff.status", lang): [status_label(s, lang) for s in diff["status"]],
    })


def project_diff_table(diff: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Projects the files add or change (unchanged ones left out), with what changes."""
    diff = _ordered(diff, ("changed", "added"))
    return pd.DataFrame({
        t("admin.proj.name", lang): diff["project_name"].tolist(),
        t("admin.diff.zone", lang): diff["zone_name"].fillna(diff["zone_code"]).tolist(),
        t("admin.proj.state", lang): diff["project_status"].fillna(fmt.MISSING).tolist(),
        t("admin.proj.investment", lang): fmt.money_column(diff["total_investment"], lang),
        t("admin.diff.status", lang): [status_label(s, lang) for s in diff["status"]],
        t("admin.proj.what", lang): diff["change_text"].fillna("").tolist(),
    })


def status_options(diff: pd.DataFrame) -> list[str]:
    present = set(diff["status"])
    return [s for s in STATUS_ORDER if s in present]


def audit_table(entries: Sequence[dict], lang: str) -> pd.DataFrame:
    """The newest audit entries: time, who (role), action, files (short SHA-256), result, detail (with the
    client address of what a viewer caused)."""
    def files(entry: dict) -> str:
        return "、".join(f"{f.get('name')} ({str(f.get('sha256', ''))[:12]})" for f in entry.get("files") or [])

    return pd.DataFrame({
        t("admin.audit.time", lang): [str(e.get("time", "")).replace("T", " ")[:19] for e in entries],
        t("admin.audit.user", lang): [e.get("user", "") for e in entries],
        t("admin.audit.role", lang): [t_or(f"role.{e.get('role')}", str(e.get("role")), lang) for e in entries],
        t("admin.audit.action", lang): [t_or(f"admin.action.{e.get('action')}", str(e.get("action")), lang)
                                        for e in entries],
        t("admin.audit.files", lang): [files(e) for e in entries],
        t("admin.audit.result", lang): [t_or(f"admin.result.{e.get('result')}", str(e.get("result")), lang)
                                        for e in entries],
        t("admin.audit.detail", lang): [" ".join(filter(None, [str(e.get("detail", "")),
                                                                (f"[{e['client']}]" if e.get("client") else "")]))
                                        for e in entries],
    })


def recent_audit(db_path: Path) -> list[dict]:
    """The newest admin actions, with runs of failed logins and refusals folded into one row each."""
    return audit.for_admins(AUDIT_SHOWN, audit.audit_log_path(db_path))


# ---------------------------------------------------------------- history and rollback

def history(db_path: Path) -> pd.DataFrame:
    """Every publish, newest first (etl.history.list_loads)."""
    from etl.history import list_loads

    return list_loads(db_path)


def _changes_text(row, lang: str) -> str:
    parts = []
    for status in ("added", "changed", "removed"):
        n = row[f"values_{status}"]
        if not fmt.is_missing(n) and int(n):
            parts.append(t("admin.history.change_part", lang, label=status_label(status, lang), n=int(n)))
    return "，".join(parts) if lang != "en" else ", ".join(parts)


def _files_text(files: object) -> str:
    if not isinstance(files, list):
        return fmt.MISSING
    return "、".join(f"{f.get('name')} ({str(f.get('sha256') or '')[:12]})" for f in files) or fmt.MISSING


def history_table(loads: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Who loaded what and when, what it changed, whether its snapshot is kept (so it can be restored)."""
    def kind(row) -> str:
        label = t_or(f"admin.history.kind.{row['kind']}", str(row["kind"]), lang)
        if row["kind"] == "rollback" and not fmt.is_missing(row["target_load_id"]):
            label = t("admin.history.kind_rollback_to", lang, label=label, load_id=int(row["target_load_id"]))
        return label

    def state(row) -> str:
        if row["is_current"]:
            return t("admin.history.state.current", lang)
        return t_or(f"admin.history.state.{row['status']}", str(row["status"]), lang)

    rows = [row for _, row in loads.iterrows()]
    return pd.DataFrame({
        t("admin.history.col.id", lang): [int(r["load_id"]) for r in rows],
        t("admin.history.col.when", lang): [periods.china_date_time(r["loaded_at"], lang) for r in rows],
        t("admin.history.col.who", lang): [fmt.MISSING if fmt.is_missing(r["loaded_by"]) else str(r["loaded_by"])
                                           for r in rows],
        t("admin.history.col.kind", lang): [kind(r) for r in rows],
        t("admin.history.col.state", lang): [state(r) for r in rows],
        t("admin.history.col.kept", lang): [t("admin.history.yes" if r["snapshot_kept"] else "admin.history.no", lang)
                                            for r in rows],
        t("admin.history.col.counts", lang): [_changes_text(r, lang) or fmt.MISSING for r in rows],
        t("admin.history.col.files", lang): [_files_text(r["files"]) for r in rows],
    })


def rollback_choices(loads: pd.DataFrame) -> list[int]:
    """Loads whose snapshot is kept and is not the live data, newest first."""
    usable = loads[loads["snapshot_kept"].astype(bool) & ~loads["is_current"].astype(bool)]
    return [int(i) for i in usable["load_id"]]


def rollback_pick_key(loads: pd.DataFrame) -> str:
    """The rollback selectbox's key, new whenever the live load changes."""
    current = loads.loc[loads["is_current"].astype(bool), "load_id"]
    return "admin_rollback_pick_" + (str(int(current.iloc[0])) if len(current) else "none")


def rollback_label(loads: pd.DataFrame, load_id: int, lang: str) -> str:
    row = loads.set_index("load_id").loc[load_id]
    who = fmt.MISSING if fmt.is_missing(row["loaded_by"]) else str(row["loaded_by"])
    return t("admin.history.option", lang, load_id=load_id, when=periods.china_date_time(row["loaded_at"], lang), who=who)


# ---------------------------------------------------------------- small pieces of the page

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def audit_path(db_path: Path) -> Path:
    return audit.audit_log_path(db_path)


def sheets_markdown(result, lang: str) -> str:
    """One bullet per sheet read: file, layout recognised, rows."""
    return "\n".join("- " + line for line in sheets_lines(result, lang))


def publish_notice(outcome: Outcome, lang: str) -> str:
    result = outcome.result
    if getattr(result, "published", False):
        return t("admin.published", lang, load_id=result.load_id)
    return t("admin.unchanged", lang)


@dataclass(frozen=True)
class Template:
    layout: str
    title: str
    description: str
    file_name: str
    lang: str

    @property
    def key(self) -> str:
        return "template_" + self.layout

    def data(self) -> bytes:
        from etl.templates import build_template

        return build_template(self.layout, self.lang)


def templates(lang: str) -> list[Template]:
    """One downloadable template per layout the ETL reads (none if this ETL cannot write templates)."""
    try:
        from etl import templates as etl_templates
    except ImportError:
        return []

    out = []
    for layout in etl_templates.LAYOUTS:
        title = t_or(f"admin.template.title.{layout}", layout, lang)
        out.append(Template(layout, title, t_or(f"admin.template.{layout}", "", lang),
                            t("admin.template.file_name", lang, name=title), lang))
    return out
