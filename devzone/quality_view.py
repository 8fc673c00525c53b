"""What the 数据质量 (Data & sources) screen shows, as frames and strings. Pure: no Streamlit, no SQL.

- coverage: which zone × year × indicator cells hold a value, and which are gaps;
- provenance: where one value came from (file, sheet, row, SHA-256, load time), or which ledger
  projects add up to it when it is a 项目台账汇总 figure;
- reported-vs-ledger discrepancies, synthetic shares per table.
The headline numbers, catalogue and load history come from devzone.overview and devzone.tables.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from devzone import charts, fmt, periods
from devzone.i18n import t, t_or
from devzone.labels import LEDGER_SOURCE


def _name_column(lang: str) -> str:
    return "name_en" if lang == "en" else "name_zh"


def _signed(value: object, unit: str, lang: str) -> str:
    """`+1个`, `-1个`, `+3,000万元`; English `+1`, `+RMB 30 mn`."""
    if fmt.is_missing(value):
        return fmt.MISSING
    number = float(value)  # type: ignore[arg-type]
    if abs(number) < 1e-9:
        return fmt.indicator_value(0, unit, lang)
    return ("+" if number > 0 else "-") + fmt.indicator_value(abs(number), unit, lang)


def indicator_names(catalogue: pd.DataFrame, lang: str) -> dict[str, str]:
    """code -> name in `lang`, in catalogue order."""
    return dict(zip(catalogue["indicator"], catalogue[_name_column(lang)].astype(str), strict=True))


# ---------------------------------------------------------------- coverage

@dataclass(frozen=True)
class Coverage:
    cells: pd.DataFrame  # zone label, year, n, text, hover — one row per zone and year, zones in display order
    table: pd.DataFrame  # labelled wide table (zone × year), for download
    gaps: pd.DataFrame   # labelled: zone, year, how many missing, which
    expected: int
    present: int


def coverage(values: pd.DataFrame, zones: pd.DataFrame, years: Sequence[int], catalogue: pd.DataFrame,
             lang: str) -> Coverage:
    """From `queries.value_coverage`: how many of the catalogue's indicators each zone has in each year."""
    years = sorted({int(y) for y in years})
    codes = list(catalogue["indicator"])
    names = dict(zip(catalogue["indicator"], catalogue[_name_column(lang)], strict=True))
    zone_ids = list(zones["zone_id"])
    labels = dict(zip(zones["zone_id"], zones["short_name"], strict=True))
    known = values[values["indicator"].isin(codes) & values["zone_id"].isin(zone_ids)]
    have = {(z, int(y)): set(g["indicator"]) for (z, y), g in known.groupby(["zone_id", "year"])}
    ledger = {(z, int(y)): int(g["from_ledger"].sum()) for (z, y), g in known.groupby(["zone_id", "year"])}
    rows, gap_rows = [], []
    for zone_id in zone_ids:
        for year in years:
            present = have.get((zone_id, year), set())
            missing = [code for code in codes if code not in present]
            n = len(codes) - len(missing)
            hover = t("dq.cov.hover", lang, n=n, total=len(codes), ledger=ledger.get((zone_id, year), 0))
            if missing:
                separator = ", " if lang == "en" else "、"
                hover += "<br>" + t("dq.cov.hover_missing", lang,
                                    missing=separator.join(charts.plain(names[c]) for c in missing))
            rows.append({"zone_id": zone_id, "zone": labels[zone_id], "year": year, "n": n, "text": str(n),
                         "hover": hover})
            if missing:
                gap_rows.append({
                    t("dq.col.zone", lang): labels[zone_id],
                    t("dq.col.year", lang): fmt.year(year, lang),
                    t("dq.col.n_missing", lang): len(missing),
                    t("dq.col.missing", lang): ("; " if lang == "en" else "、").join(str(names[c]) for c in missing),
                })
    cells = pd.DataFrame(rows, columns=["zone_id", "zone", "year", "n", "text", "hover"])
    wide = cells.pivot_table(index="zone", columns="year", values="n", aggfunc="first", sort=False)
    table = wide.reset_index().rename(columns={"zone": t("dq.col.zone", lang)})
    table.columns = [str(c) if not isinstance(c, str) else c for c in table.columns]
    gap_columns = [t(k, lang) for k in ("dq.col.zone", "dq.col.year", "dq.col.n_missing", "dq.col.missing")]
    gaps = pd.DataFrame(gap_rows, columns=gap_columns)
    return Coverage(cells, table, gaps, expected=len(zone_ids) * len(years) * len(codes),
                    present=int(cells["n"].sum()) if not cells.empty else 0)


COVERAGE_ZONES_DRAWN = 60  # beyond this a heatmap row is thinner than its label: draw the zones with gaps


def coverage_chart_cells(result: Coverage, limit: int = COVERAGE_ZONES_DRAWN) -> tuple[pd.DataFrame, int]:
    """The heatmap's cells and how many zones were left out of it: every zone when there are few; otherwise
    the `limit` zones missing most (in display order). The downloadable table keeps every zone."""
    zones = list(dict.fromkeys(result.cells["zone_id"]))
    if len(zones) <= limit:
        return result.cells, 0
    missing = result.cells.groupby("zone_id", sort=False)["n"].sum()
    worst = set(missing.sort_values(kind="stable").index[:limit])
    return result.cells[result.cells["zone_id"].isin(worst)], len(zones) - len(worst)


def coverage_summary(result: Coverage, n_zones: int, n_years: int, n_indicators: int, lang: str) -> str:
    """`28个开发区 × 7年 × 11项指标 = 2,156个数值位置：已有 2,135个（99.0%），缺 21个。`"""
    share = result.present / result.expected if result.expected else float("nan")
    return t("dq.cov.summary", lang, zones=fmt.number(n_zones, 0), years=fmt.number(n_years, 0),
             indicators=fmt.number(n_indicators, 0), expected=fmt.number(result.expected, 0),
             present=fmt.number(result.present, 0), share=fmt.percent(share),
             missing=fmt.number(result.expected - result.present, 0))


# ---------------------------------------------------------------- provenance of one value

def source_kind(row: pd.Series) -> str:
    """'missing' | 'ledger' | 'file' — what kind of origin a `queries.zone_year_provenance` row has."""
    if fmt.is_missing(row["value"]):
        return "missing"
    if row["source"] == LEDGER_SOURCE or fmt.is_missing(row["file_name"]):
        return "ledger"
    return "file"


def _ledger_check(row: pd.Series, lang: str, *, short: bool = False) -> str:
    """How the reported value compares with the ledger total (empty when the ledger does not give it)."""
    ledger, value, unit = row["ledger_value"], row["value"], str(row["unit"])
    if fmt.is_missing(ledger) or fmt.is_missing(value) or source_kind(row) == "ledger":
        return ""
    prefix = "dq.check." if short else "dq.src.ledger_"
    if abs(float(value) - float(ledger)) <= 1e-6:
        return t(prefix + "agrees", lang, ledger=fmt.indicator_value(ledger, unit, lang))
    return t(prefix + "differs", lang, ledger=fmt.indicator_value(ledger, unit, lang),
             difference=_signed(float(value) - float(ledger), unit, lang))


def file_location(file_name: object, sheet: object, row_number: object, lang: str) -> str:
    """`01_全省开发区招商引资主要指标.xlsx：2021 第5行` — where to find the value in the file, as in Excel."""
    if fmt.is_missing(file_name):
        return fmt.MISSING
    where = str(file_name) if fmt.is_missing(sheet) else str(file_name) + "：" + str(sheet)
    if fmt.is_missing(row_number):
        return where
    return t("dq.src.location", lang, file=where, row=fmt.number(row_number, 0))


def _source_label(kind: str, row: dict, lang: str) -> str:
    """Where a value comes from, in one cell: `01_….xlsx：2023 第6行`, `项目台账汇总`, or the document named
    in the file's 来源 column followed by the file and row: `运城日报《…》（00_….csv 第2行）`."""
    if kind == "missing":
        return fmt.MISSING
    if kind == "ledger":
        return t("dq.src.ledger_label", lang)
    location = file_location(row["file_name"], row["sheet"], row["row_number"], lang)
    source, file_name = str(row["source"]), str(row["file_name"])
    if source in (file_name, file_name + "：" + str(row["sheet"])):
        return location
    return t("dq.src.cited", lang, source=source, location=location)


def provenance_table(provenance: pd.DataFrame, lang: str) -> pd.DataFrame:
    """All indicators of the chosen zone and year: value, where it comes from, real or synthetic, ledger check."""
    records = provenance.to_dict("records")
    kinds = [source_kind(pd.Series(r)) for r in records]
    return pd.DataFrame({
        t("dq.col.indicator", lang): provenance[_name_column(lang)],
        t("dq.col.value", lang): [fmt.indicator_value(r["value"], str(r["unit"]), lang) for r in records],
        t("dq.col.source", lang): [_source_label(kind, r, lang) for kind, r in zip(kinds, records, strict=True)],
        t("dq.col.nature", lang): [fmt.MISSING if kind == "missing" else
                                   t("dq.synthetic" if bool(r["is_synthetic"]) else "dq.real", lang)
                                   for kind, r in zip(kinds, records, strict=True)],
        t("dq.col.ledger_check", lang): [_ledger_check(pd.Series(r), lang, short=True) or fmt.MISSING
                                         for r in records],
    })


@dataclass(frozen=True)
class Provenance:
    kind: str                      # 'missing' | 'ledger' | 'file'
    headline: str                  # one sentence: the value and where it comes from
    facts: list[tuple[str, str]]   # (label, value) pairs shown as a small table
    check: str                     # the ledger comparison sentence, or ""


def provenance(provenance_frame: pd.DataFrame, indicator: str, zone_label: str, year: int,
               lang: str) -> Provenance:
    """The origin of one value of `queries.zone_year_provenance`."""
    row = provenance_frame[provenance_frame["indicator"] == indicator].iloc[0]
    kind = source_kind(row)
    name, unit = str(row[_name_column(lang)]), str(row["unit"])
    where = t("dq.src.where", lang, zone=zone_label, year=fmt.year(year, lang), indicator=name)
    if kind == "missing":
        return Provenance(kind, t("dq.src.missing", lang, where=where), [], "")
    value = fmt.indicator_value(row["value"], unit, lang)
    nature = t("dq.synthetic" if bool(row["is_synthetic"]) else "dq.real", lang)
    if kind == "ledger":
        return Provenance(kind, t("dq.src.from_ledger", lang, where=where, value=value),
                          [(t("dq.fact.source", lang), t("dq.src.ledger_label", lang)),
                           (t("dq.fact.nature", lang), nature)], "")
    sha = str(row["sha256"]) if not fmt.is_missing(row["sha256"]) else fmt.MISSING
    facts = [
        (t("dq.fact.source", lang), str(row["source"])),
        (t("dq.fact.file", lang), str(row["file_name"])),
        (t("dq.fact.sheet", lang), fmt.MISSING if fmt.is_missing(row["sheet"]) else str(row["sheet"])),
        (t("dq.fact.row", lang), fmt.MISSING if fmt.is_missing(row["row_number"]) else fmt.number(row["row_number"], 0)),
        (t("dq.fact.sha256", lang), sha),
        (t("dq.fact.loaded_at", lang), periods.china_date_time(row["loaded_at"], lang)),
        (t("dq.fact.load_id", lang), fmt.MISSING if fmt.is_missing(row["load_id"]) else fmt.number(row["load_id"], 0)),
        (t("dq.fact.nature", lang), nature),
    ]
    return Provenance(kind, t("dq.src.from_file", lang, where=where, value=value), facts, _ledger_check(row, lang))


def facts_table(facts: list[tuple[str, str]], lang: str) -> pd.DataFrame:
    return pd.DataFrame({t("dq.col.item", lang): [k for k, _ in facts], t("dq.col.detail", lang): [v for _, v in facts]})


def ledger_projects_table(projects: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The ledger projects behind a 项目台账汇总 figure."""
    return pd.DataFrame({
        t("dq.col.project_id", lang): projects["project_id"].astype(str),
        t("dq.col.project", lang): projects["project_name"].astype(str),
        t("dq.col.status", lang): projects["status"].fillna(fmt.MISSING).astype(str),
        t("dq.col.signed", lang): [fmt.date(d, lang) for d in projects["signed_date"]],
        t("dq.col.started", lang): [fmt.date(d, lang) for d in projects["started_date"]],
        t("dq.col.investment", lang): fmt.money_column(projects["total_investment"], lang),
        t("dq.col.output", lang): fmt.money_column(projects["projected_output"], lang),
        t("dq.col.tax", lang): fmt.money_column(projects["projected_tax"], lang),
        t("dq.col.nature", lang): [t("dq.synthetic" if bool(s) else "dq.real", lang) for s in projects["is_synthetic"]],
    })


def ledger_projects_summary(projects: pd.DataFrame, indicator: str, lang: str) -> str:
    rule = t_or(f"dq.rule.{indicator}", "", lang)
    return t("dq.src.projects_counted", lang, n=fmt.number(len(projects), 0), rule=rule)


# ---------------------------------------------------------------- reported vs ledger

def discrepancy_table(discrepancies: pd.DataFrame, lang: str) -> pd.DataFrame:
    """From `queries.ledger_discrepancy_list`: each disagreement, with a plain sentence."""
    sentences = []
    for _, row in discrepancies.iterrows():
        unit, difference = str(row["unit"]), float(row["difference"])
        key = "dq.disc.more" if difference > 0 else "dq.disc.fewer"
        sentences.append(t(key, lang, gap=fmt.indicator_value(abs(difference), unit, lang)))
    return pd.DataFrame({
        t("dq.col.zone", lang): discrepancies["short_name"].astype(str),
        t("dq.col.year", lang): [fmt.year(y, lang) for y in discrepancies["year"]],
        t("dq.col.indicator", lang): discrepancies[_name_column(lang)].astype(str),
        t("dq.col.reported", lang): [fmt.indicator_value(v, str(u), lang)
                                     for v, u in zip(discrepancies["reported"], discrepancies["unit"], strict=True)],
        t("dq.col.ledger", lang): [fmt.indicator_value(v, str(u), lang)
                                   for v, u in zip(discrepancies["ledger"], discrepancies["unit"], strict=True)],
        t("dq.col.difference", lang): [_signed(d, str(u), lang)
                                       for d, u in zip(discrepancies["difference"], discrepancies["unit"], strict=True)],
        t("dq.col.meaning", lang): sentences,
    })


def discrepancy_summary(discrepancies: pd.DataFrame, zone_id: str | None, zone_label: str, lang: str) -> str:
    if discrepancies.empty:
        return t("dq.disc.none", lang)
    text = t("dq.disc.count", lang, n=fmt.number(len(discrepancies), 0))
    mine = int((discrepancies["zone_id"] == zone_id).sum()) if zone_id else 0
    if zone_id:
        text += " " + (t("dq.disc.zone_has", lang, zone=zone_label, n=mine) if mine
                       else t("dq.disc.zone_clean", lang, zone=zone_label))
    return text


# ---------------------------------------------------------------- synthetic shares

TABLE_ORDER = ("indicator_values", "projects", "enterprises", "annual_targets")


def synthetic_table(by_table: pd.DataFrame, lang: str) -> pd.DataFrame:
    """From `queries.synthetic_rows_by_table`, plus a total row: rows, synthetic rows, share."""
    ordered = by_table.set_index("table_name").reindex(
        [n for n in TABLE_ORDER if n in set(by_table["table_name"])]
        + [n for n in by_table["table_name"] if n not in TABLE_ORDER])
    rows = [(t_or(f"dq.table.{name}", str(name), lang), int(r["n_rows"]), int(r["n_synthetic"]))
            for name, r in ordered.iterrows()]
    rows.append((t("dq.table.total", lang), sum(r[1] for r in rows), sum(r[2] for r in rows)))
    return pd.DataFrame({
        t("dq.col.table", lang): [r[0] for r in rows],
        t("dq.col.rows", lang): [fmt.number(r[1], 0) for r in rows],
        t("dq.col.synthetic_rows", lang): [fmt.number(r[2], 0) for r in rows],
        t("dq.col.synthetic_share", lang): [share_text(r[2], r[1]) for r in rows],
    })


def share_text(part: int, whole: int) -> str:
    """`99.7%`; a share that is not 0 or 1 never reads `0.0%` or `100.0%` (`99.97%` instead)."""
    if not whole:
        return fmt.MISSING
    share = part / whole
    text = fmt.percent(share)
    if 0 < part < whole and text in ("0.0%", "100.0%"):
        text = fmt.percent(share, 2)
    return text


def load_history_caption(loads: pd.DataFrame, lang: str) -> str:
    """`6个文件，12条载入记录（工作表），共 9,342 行`."""
    return t("dq.loads.caption", lang, files=fmt.number(loads["file_name"].nunique(), 0),
             entries=fmt.number(len(loads), 0), rows=fmt.number(loads["rows"].fillna(0).sum(), 0))


# ---------------------------------------------------------------- everything the page shows, in two objects

@dataclass(frozen=True)
class SnapshotView:
    """What does not depend on the sidebar: built once per snapshot and language."""
    coverage: Coverage
    coverage_summary: str
    discrepancies: pd.DataFrame        # `queries.ledger_discrepancy_list`, as loaded
    discrepancy_table: pd.DataFrame
    synthetic_table: pd.DataFrame
    loads_caption: str


def build_snapshot(*, values: pd.DataFrame, zones: pd.DataFrame, years: Sequence[int], catalogue: pd.DataFrame,
                   discrepancies: pd.DataFrame, by_table: pd.DataFrame, loads: pd.DataFrame,
                   lang: str) -> SnapshotView:
    result = coverage(values, zones, years, catalogue, lang)
    return SnapshotView(
        coverage=result,
        coverage_summary=coverage_summary(result, len(zones), len(set(years)), len(catalogue), lang),
        discrepancies=discrepancies,
        discrepancy_table=discrepancy_table(discrepancies, lang),
        synthetic_table=synthetic_table(by_table, lang),
        loads_caption=load_history_caption(loads, lang) if not loads.empty else "",
    )


@dataclass(frozen=True)
class SelectionView:
    """The sources of the sidebar's zone and year, and of the one value picked."""
    table: pd.DataFrame
    origin: Provenance
    projects: pd.DataFrame | None  # labelled ledger projects behind the value (None: not a ledger matter)
    projects_summary: str


def build_selection(provenance_frame: pd.DataFrame, indicator: str, zone_label: str, year: int,
                    counted: pd.DataFrame | None, lang: str) -> SelectionView:
    """`counted` is `queries.ledger_projects_counted` when `needs_projects` said so, else None."""
    origin = provenance(provenance_frame, indicator, zone_label, year, lang)
    return SelectionView(
        table=provenance_table(provenance_frame, lang),
        origin=origin,
        projects=None if counted is None else ledger_projects_table(counted, lang),
        projects_summary="" if counted is None else ledger_projects_summary(counted, indicator, lang),
    )


def needs_projects(provenance_frame: pd.DataFrame, indicator: str) -> bool:
    """The ledger projects are worth listing: the value is a ledger total, or a report the ledger also gives."""
    row = provenance_frame[provenance_frame["indicator"] == indicator].iloc[0]
    kind = source_kind(row)
    return kind == "ledger" or (kind == "file" and not fmt.is_missing(row["ledger_value"]))


# ---------------------------------------------------------------- the public views for Excel / WPS / Power BI (admins)

EXPORT_SCOPES = ("all", "selection")


def export_scope_label(scope: str, lang: str) -> str:
    return t(f"dq.export.scope_{scope}", lang)


def export_scope(scope: str, zone_id: str | None, year: int | None) -> tuple[int | None, str | None]:
    """(year, zone_id) the download keeps: everything, or the sidebar's zone and year."""
    return (year, zone_id) if scope == "selection" else (None, None)


def views_file_name(stamp: pd.DataFrame, year: int | None, zone_id: str | None) -> str:
    """From `queries.export_stamp`: the name the download is saved under."""
    from devzone.export.views import workbook_file_name

    load_id = None if stamp.empty or fmt.is_missing(stamp["load_id"].iloc[0]) else int(stamp["load_id"].iloc[0])
    return workbook_file_name(load_id, year, zone_id)


def views_workbook(source, year: int | None, zone_id: str | None, lang: str) -> bytes:
    """The six public views as one .xlsx — the same workbook as `python -m etl export --format xlsx`."""
    from devzone.export import views

    return views.workbook(views.collect(source, year=year, zone=zone_id, lang=lang), lang)
