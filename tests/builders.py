"""Write small input files the way statistics offices send them (used by the ETL tests)."""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import duckdb
import openpyxl


def query(db: Path, sql: str, params: list | None = None) -> list[tuple]:
    """Rows of a query against a database file, opened read-only as any client would."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def frame(db: Path, sql: str, params: list | None = None):
    """A query's result as a DataFrame, the database opened read-only as any client would."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params or []).df()
    finally:
        con.close()


def digest(path: Path) -> str:
    """SHA-256 of a file: a refused load leaves the database byte-identical."""
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


def write_csv(path: Path, lines: list[str], encoding: str = "utf-8") -> Path:
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return path


def write_xlsx(path: Path, sheets: dict[str, list[list[Any]]], merge_title: bool = True) -> Path:
    """Each sheet is a list of rows; a one-cell first row is merged across the table width like a real title."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        width = max(len(r) for r in rows)
        for row in rows:
            sheet.append(row)
        for row_cells in sheet.iter_rows():
            for cell in row_cells:
                if isinstance(cell.value, (dt.date, dt.datetime)):
                    cell.number_format = "yyyy-mm-dd"
        if merge_title and len(rows[0]) == 1 and width > 1:
            sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    workbook.save(path)
    return path


LEDGER_HEADER = ["项目编号", "项目名称", "所属开发区", "投资方", "投资方所在地", "产业链", "总投资（万元）", "签约日期",
                 "开工日期", "投产日期", "项目状态", "预计年产值（亿元）", "预计利税（万元）", "链主企业", "包联领导", "备注"]


def ledger_row(number: str, name: str, zone: str = "盐湖高新区", investment: Any = 50000, signed: Any = None,
               started: Any = None, produced: Any = None, status: str = "签约", **extra: Any) -> list[Any]:
    row = {"项目编号": number, "项目名称": name, "所属开发区": zone, "投资方": extra.get("investor", "某某科技有限公司"),
           "投资方所在地": extra.get("origin", "山东济南"), "产业链": extra.get("chain", "装备制造"),
           "总投资（万元）": investment, "签约日期": signed, "开工日期": started, "投产日期": produced,
           "项目状态": status, "预计年产值（亿元）": extra.get("output", 20), "预计利税（万元）": extra.get("tax", 5000),
           "链主企业": extra.get("leader"), "包联领导": extra.get("official", "王建国（副主任）"), "备注": None}
    return [row[h] for h in LEDGER_HEADER]


# ---------------------------------------------------------------- hostile names (issue #7)
# Names that a browser, markdown or plotly would interpret if they were not shown as plain text.

XSS_SCRIPT = "<script>window.__xss=1</script>"
XSS_IMG = '<img src=x onerror="window.__xss=1">'
XSS_MARKDOWN = "**粗体** [链接](javascript:window.__xss=1) www.evil.example"  # and a bare URL (GFM links it); no "/": a file name
XSS_BOLD = "<b>加粗</b>"
XSS_LINK = '<a href="javascript:window.__xss=1">点我</a>'
LONG_NAME = ("超长名称" + "甲乙丙丁戊己庚辛壬癸" * 30)[:300]
HOSTILE_NAMES = (XSS_SCRIPT, XSS_IMG, XSS_MARKDOWN, XSS_BOLD, XSS_LINK, LONG_NAME)

HOSTILE_ZONE_ID = "X149901"
HOSTILE_ZONE_SHORT = XSS_SCRIPT + "高新区"
HOSTILE_ZONE_NAME = XSS_IMG + "**运城** <b>开发区</b>"
HOSTILE_LEADER = XSS_BOLD + "链主集团有限公司"
HOSTILE_INVESTORS = (XSS_LINK + "有限公司", XSS_SCRIPT + "投资有限公司", XSS_MARKDOWN + "股份公司")
HOSTILE_ENTERPRISES = (XSS_SCRIPT + "科技有限公司", XSS_MARKDOWN + "材料有限公司", XSS_IMG + "制造有限公司",
                       LONG_NAME)


def write_hostile_inputs(folder: Path, reference_zones: Path) -> tuple[Path, list[Path]]:
    """A zones file (the register plus one zone with hostile names) and input files for that zone.

    Returns (zones_file, input files): a long table of indicators, a project ledger, an enterprise list,
    chain links and targets, in the formats statistics offices send; every name in them is hostile.
    """
    import csv

    folder.mkdir(parents=True, exist_ok=True)
    zones_file = folder / "zones.csv"
    with open(reference_zones, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    fields = list(rows[0])
    rows.append({**{f: "" for f in fields}, "zone_id": HOSTILE_ZONE_ID, "zone_name": HOSTILE_ZONE_NAME,
                 "short_name": HOSTILE_ZONE_SHORT, "city": "运城市", "province": "山西省", "level": "省级",
                 "zone_type": "高新区", "leading_industries": XSS_BOLD + "装备制造", "source": "测试"})
    with open(zones_file, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fields)
        writer.writeheader()
        writer.writerows(rows)

    zone = HOSTILE_ZONE_SHORT
    long_rows = [["开发区", "年份", "指标", "数值", "单位", "来源", "是否模拟"]]
    for year in range(2019, 2026):
        n = year - 2015
        long_rows += [[zone if year % 2 else HOSTILE_ZONE_NAME, year, "签约项目数", n, "个", XSS_BOLD + "统计局", "是"],
                      [zone, year, "签约项目总投资", 10.5 * n, "亿元", "统计局", "是"],
                      [zone, year, "当年签约并开工项目数", n - 1, "个", "统计局", "是"],
                      [zone, year, "新培育\"四上\"企业数", n + 2, "家", "统计局", "是"],
                      [zone, year, "专精特新企业数", n, "家", "统计局", "是"],
                      [zone, year, "高新技术企业数", 2 * n, "家", "统计局", "是"],
                      [zone, year, "预计年产值", 30.0 + n, "亿元", "统计局", "是"],
                      [zone, year, "预计利税", 3.0 + n / 10, "亿元", "统计局", "是"]]
    values = write_xlsx(folder / "90_敌意名称_指标.xlsx", {"指标": [["敌意名称开发区主要指标"], *long_rows]})

    header = [*LEDGER_HEADER, "是否模拟"]
    ledger = [["敌意名称项目台账（截至2025年12月）"], header]
    plans = [(XSS_SCRIPT, dt.date(2025, 3, 2), dt.date(2025, 5, 1), None, "在建"),
             (XSS_IMG, dt.date(2025, 4, 9), None, None, "签约"),
             (XSS_MARKDOWN, dt.date(2025, 6, 18), dt.date(2025, 7, 1), dt.date(2025, 11, 20), "投产"),
             (XSS_BOLD, dt.date(2024, 8, 8), dt.date(2024, 9, 9), None, "在建"),
             (XSS_LINK, dt.date(2025, 9, 30), None, None, "签约"),
             (LONG_NAME, dt.date(2024, 2, 14), dt.date(2024, 6, 1), dt.date(2025, 3, 1), "投产")]
    for index, (name, signed, started, produced, status) in enumerate(plans):
        row = ledger_row(f"{HOSTILE_ZONE_ID}-{index + 1:04d}", name, zone=zone, investment=20000 * (index + 1),
                         signed=signed, started=started, produced=produced, status=status,
                         investor=HOSTILE_INVESTORS[index % len(HOSTILE_INVESTORS)], origin=XSS_BOLD + "山东",
                         chain=("装备制造", XSS_SCRIPT + "产业链")[index % 2], output=10 + index, tax=2000 + index,
                         leader=HOSTILE_LEADER if index < 4 else None, official=XSS_IMG + "（副主任）")
        ledger.append([*row, "是"])
    ledger_file = write_xlsx(folder / "91_敌意名称_项目台账.xlsx", {"项目台账": ledger})

    enterprises = write_csv(folder / "92_敌意名称_企业名录.csv", [
        "企业名称,所属开发区,认定类别,认定年份,是否模拟",
        *(f'"{name.replace(chr(34), chr(34) * 2)}",{zone},{category},{year},是'
          for name, category, year in zip(HOSTILE_ENTERPRISES, ("专精特新", "高新技术企业", "四上企业", "专精特新"),
                                          (2023, 2024, 2024, 2025), strict=True)),
        f"{HOSTILE_LEADER},{zone},四上企业,2022,是",
    ])

    def quoted(text: str) -> str:
        return '"' + text.replace('"', '""') + '"'

    links = write_csv(folder / "93_敌意名称_链主招商关系.csv", [
        "所属开发区,链主企业,引进企业,关系,招商方式,引荐企业,产业链,项目名称,备注,是否模拟",
        *(f"{zone},{HOSTILE_LEADER},{quoted(investor)},业务伙伴,以企招企,,装备制造,{quoted(project)},"
          f"{quoted(XSS_MARKDOWN)},是"
          for investor, project in zip(HOSTILE_INVESTORS, (XSS_SCRIPT, XSS_IMG, XSS_MARKDOWN), strict=True)),
        f"{zone},{HOSTILE_LEADER},{quoted(HOSTILE_ENTERPRISES[0])},慕名入驻,以商招商,"
        f"{quoted(HOSTILE_INVESTORS[0])},装备制造,,,是",
    ])

    targets = [["敌意名称年度目标"], ["开发区", "年份", "指标", "目标值", "单位", "是否模拟"]]
    for year in (2024, 2025, 2026):
        targets += [[zone, year, "签约项目数", 12, "个", "是"], [zone, year, "签约项目总投资", 120, "亿元", "是"]]
    targets_file = write_xlsx(folder / "94_敌意名称_年度目标.xlsx", {"年度目标": targets})
    return zones_file, [values, ledger_file, enterprises, links, targets_file]


# A second province beside the demo's Shanxi: three zones of 河北省 whose signed-project counts (90, 60, 45 a
# year) would top every Shanxi zone if the two provinces were ever ranked together.
OTHER_PROVINCE = "河北省"
OTHER_ZONES = (("T130101", "石家庄测试高新技术产业开发区", "石家庄测试高新区", "石家庄市", "国家级", "高新区", 90),
               ("T130102", "唐山测试经济技术开发区", "唐山测试经开区", "唐山市", "国家级", "经开区", 60),
               ("T130103", "保定测试工业园区", "保定测试园区", "保定市", "省级", "工业园区", 45))


def many_other_zones(n: int) -> tuple[tuple, ...]:
    """`n` zones of OTHER_PROVINCE shaped like OTHER_ZONES, T2xxxxx, the first with the most signed projects."""
    return tuple((f"T2{i:05d}", f"河北第{i}测试高新技术产业开发区", f"河北第{i}高新区", "沧州市", "省级", "高新区", n + 10 - i)
                 for i in range(1, n + 1))


def write_other_province_inputs(folder: Path, reference_zones: Path,
                                zones: tuple[tuple, ...] = OTHER_ZONES) -> tuple[Path, list[Path]]:
    """A zones file (the register plus `zones`) and a long table of their indicators, 2019–2025, and a ledger."""
    import csv

    folder.mkdir(parents=True, exist_ok=True)
    zones_file = folder / "zones.csv"
    with open(reference_zones, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    fields = list(rows[0])
    for zone_id, name, short, city, level, zone_type, _ in zones:
        rows.append({**{f: "" for f in fields}, "zone_id": zone_id, "zone_name": name, "short_name": short,
                     "city": city, "province": OTHER_PROVINCE, "level": level, "zone_type": zone_type,
                     "source": "测试"})
    with open(zones_file, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fields)
        writer.writeheader()
        writer.writerows(rows)
    long_rows = [["开发区", "年份", "指标", "数值", "单位", "来源", "是否模拟"]]
    for _, _, short, _, _, _, signed in zones:
        for year in range(2019, 2026):
            step = year - 2019
            long_rows += [[short, year, "签约项目数", signed + step, "个", "统计局", "是"],
                          [short, year, "签约项目总投资", 8.0 * signed + step, "亿元", "统计局", "是"],
                          [short, year, "当年签约并开工项目数", signed - 5, "个", "统计局", "是"],
                          [short, year, "高新技术企业数", signed * 2, "家", "统计局", "是"]]
    values = write_xlsx(folder / "80_河北测试_指标.xlsx", {"指标": [["河北省测试开发区主要指标"], *long_rows]})
    ledger = [["河北省测试开发区项目台账（截至2025年12月）"], [*LEDGER_HEADER, "是否模拟"]]
    for index, (zone_id, _, short, *_) in enumerate(zones[:3]):
        ledger.append([*ledger_row(f"{zone_id}-0001", f"{short}测试项目", zone=short, investment=300000 + index,
                                   signed=dt.date(2021, 3 + index, 8), started=dt.date(2021, 6 + index, 1),
                                   status="在建", origin="河北石家庄"), "是"])
    projects = write_xlsx(folder / "81_河北测试_项目台账.xlsx", {"项目台账": ledger})
    return zones_file, [values, projects]
