"""Project ledgers and a wide sheet through `python -m etl load`, each in a subprocess timed with its own peak RSS.

  ledger_csv_200k_s      a GBK CSV ledger into a fresh database
  ledger_resend_200k_s   the same file again into the database that holds it (the weekly re-send)
  ledger_xlsx_200k_s     the same rows as .xlsx (openpyxl write_only), fresh database
  ledger_xlsx_vs_csv     their ratio
  ledger_*_rss_mb        peak resident memory of each load
  wide_xlsx_26k_s        a 26,000-row wide sheet (2,600 zones × 10 years, 年份 column) .xlsx, fresh database
"""
from __future__ import annotations

import csv
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

import openpyxl

from etl import catalogue, synth

FULL = {"ledger_rows": 200_000, "wide_zones": 2600, "wide_years": 10}
QUICK = {"ledger_rows": 20_000, "wide_zones": 260, "wide_years": 10}
TARGETS = {"ledger_csv_200k_s": 8.0, "ledger_resend_200k_s": 8.0, "ledger_xlsx_vs_csv": 2.0,
           "ledger_csv_200k_rss_mb": 600, "ledger_xlsx_200k_rss_mb": 600, "wide_xlsx_26k_s": 3.0}


def timed_load(path: Path, db: Path, env: dict[str, str], cwd: Path) -> tuple[float, float]:
    """(seconds, peak RSS in MB) of one `python -m etl load` in its own process (os.wait4 gives that child's
    rusage alone, where RUSAGE_CHILDREN would give the largest of every child so far)."""
    started = time.perf_counter()
    with open(db.with_suffix(".log"), "wb") as log:
        # synthetic figures jump more from year to year than real ones: the check runs, the clerk's "yes" is given
        process = subprocess.Popen([sys.executable, "-m", "etl", "load", str(path), "--db", str(db),
                                     "--confirm-outliers"], cwd=cwd,
                                   env=env, stdout=log, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise RuntimeError(f"load of {path.name} failed: {db.with_suffix('.log').read_text(errors='replace')[-2000:]}")
    return seconds, usage.ru_maxrss / 1024


def write_inputs(folder: Path, size: dict) -> dict[str, Path]:
    """Zones and indicators registers, the ledger as GBK CSV and as .xlsx (same rows), and the wide .xlsx."""
    folder.mkdir(parents=True, exist_ok=True)
    register = synth._zone_register(size["wide_zones"])
    indicators = synth._indicator_catalogue()
    paths = {"zones": synth._write_csv(folder / "zones.csv", list(register[0]), [list(z.values()) for z in register]),
             "indicators": synth._write_csv(folder / "indicators.csv", list(indicators[0]),
                                            [list(r.values()) for r in indicators])}
    years = range(2015, 2015 + size["wide_years"])
    rows = list(synth.ledger_rows(register, years, size["ledger_rows"], random.Random(20260101)))
    paths["csv"] = folder / "ledger.csv"
    with open(paths["csv"], "w", encoding="gbk", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(synth.LEDGER_HEADER)
        writer.writerows(["" if v is None else v for v in row] for row in rows)
    paths["xlsx"] = folder / "ledger.xlsx"
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("项目台账")
    sheet.append(synth.LEDGER_HEADER)
    for row in rows:
        sheet.append(row)
    workbook.save(paths["xlsx"])
    paths["wide"] = folder / "wide.xlsx"
    rnd = random.Random(7)
    core = list(catalogue.indicators().values())
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("主要指标")
    sheet.append(["开发区名称", "年份", *(f"{i.name_zh}（{i.unit}）" for i in core), "是否模拟"])
    for year in years:
        for zone in register:
            sheet.append([zone["zone_name"], year, *(round(rnd.uniform(1, 500), 2) if i.kind == "money"
                                                      else rnd.randint(0, 300) for i in core), "是"])
    workbook.save(paths["wide"])
    return paths


def bench_ledger(work: Path, size: dict, repeat: int, cwd: Path) -> dict:
    inputs = write_inputs(work / "ledger-inputs", size)
    env = {**os.environ, "DEVZONE_ZONES_FILE": str(inputs["zones"]),
           "DEVZONE_INDICATORS_FILE": str(inputs["indicators"])}
    samples: dict[str, list[tuple[float, float]]] = {"csv": [], "resend": [], "xlsx": [], "wide": []}
    for _ in range(repeat):
        for kind in ("csv", "xlsx", "wide"):
            db = work / f"ledger-{kind}.duckdb"
            db.unlink(missing_ok=True)
            samples[kind].append(timed_load(inputs[kind], db, env, cwd))
            if kind == "csv":
                samples["resend"].append(timed_load(inputs["csv"], db, env, cwd))
    seconds = {kind: round(statistics.median(s for s, _ in runs), 2) for kind, runs in samples.items()}
    rss = {kind: round(max(r for _, r in runs)) for kind, runs in samples.items()}
    return {
        "ledger_csv_200k_s": seconds["csv"], "ledger_resend_200k_s": seconds["resend"],
        "ledger_xlsx_200k_s": seconds["xlsx"], "ledger_xlsx_vs_csv": round(seconds["xlsx"] / seconds["csv"], 2),
        "ledger_csv_200k_rss_mb": rss["csv"], "ledger_resend_200k_rss_mb": rss["resend"],
        "ledger_xlsx_200k_rss_mb": rss["xlsx"], "wide_xlsx_26k_s": seconds["wide"],
        "ledger": {"rows": size["ledger_rows"], "wide_rows": size["wide_zones"] * size["wide_years"],
                   "csv_mb": round(inputs["csv"].stat().st_size / 2**20, 1),
                   "xlsx_mb": round(inputs["xlsx"].stat().st_size / 2**20, 1), "wide_rss_mb": rss["wide"]},
    }
