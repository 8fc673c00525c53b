"""The demo input files in data/demo/: deterministic, seed facts intact, internally consistent.

These tests read the files the way a person would (openpyxl / csv), independently of the ETL.
"""
from __future__ import annotations

import csv
import io
import re
from collections import Counter, defaultdict
from datetime import date, datetime

import openpyxl
import pytest

from etl import demo_sources as ds
from etl.paths import DEMO_DIR, REFERENCE_DIR

YEARS = ds.YEARS
YANHU = "X140802"
GAP = {"", "—", "-", "/"}


# ---- helpers ----------------------------------------------------------------------------------
def num(v):
    if v is None:
        return None
    if isinstance(v, (int, float)):
        return float(v)
    s = str(v).strip().replace(",", "")
    return None if s in GAP else float(s)


def as_date(v):
    if v is None or v == "":
        return None
    if isinstance(v, datetime):
        return v.date()
    m = re.fullmatch(r"(\d{4})(?:-|/|年)(\d{1,2})(?:-|/|月)(\d{1,2})日?", str(v).strip())
    assert m, f"unparseable date {v!r}"
    return date(int(m[1]), int(m[2]), int(m[3]))


def read_csv(name, encoding):
    text = (DEMO_DIR / name).read_bytes().decode(encoding)
    return list(csv.reader(io.StringIO(text, newline="")))


@pytest.fixture(scope="module")
def zones():
    with open(REFERENCE_DIR / "zones.csv", encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def zone_of(zones):
    """Allowed spelling -> zone_id: zone_name, zone_name without leading 山西, short_name."""
    out = {}
    for z in zones:
        for s in (z["zone_name"], z["zone_name"].removeprefix("山西"), z["short_name"]):
            assert out.get(s, z["zone_id"]) == z["zone_id"]
            out[s] = z["zone_id"]
    return out


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo_regen")
    ds.generate(out)
    return out


@pytest.fixture(scope="module")
def seed():
    rows = read_csv(ds.F_SEED, "utf-8-sig")
    return rows[0], rows[1:]


@pytest.fixture(scope="module")
def invest_wb():
    return openpyxl.load_workbook(DEMO_DIR / ds.F_INVEST)


@pytest.fixture(scope="module")
def reported(invest_wb, zone_of):
    """(zone_id, year) -> {column header: raw cell value} for the data rows of file 01."""
    out = {}
    for ws in invest_wb.worksheets:
        header = [c.value for c in ws[3]]
        for row in ws.iter_rows(min_row=4, values_only=True):
            if row[1] is None:
                continue
            key = (zone_of[row[1]], int(ws.title))
            assert key not in out, f"duplicate row {key}"
            out[key] = dict(zip(header, row, strict=True))
    return out


@pytest.fixture(scope="module")
def ledger_ws():
    return openpyxl.load_workbook(DEMO_DIR / ds.F_LEDGER)["项目台账"]


@pytest.fixture(scope="module")
def ledger(ledger_ws, zone_of):
    header = [c.value for c in ledger_ws[2]]
    rows = []
    for cells in ledger_ws.iter_rows(min_row=3):
        r = dict(zip(header, (c.value for c in cells), strict=True))
        r["_cells"] = dict(zip(header, cells, strict=True))
        r["zone_id"] = zone_of[r["所属开发区"]]
        r["signed"], r["started"], r["production"] = (as_date(r["签约日期"]), as_date(r["开工日期"]),
                                                      as_date(r["投产日期"]))
        rows.append(r)
    return rows


@pytest.fixture(scope="module")
def dispatch(zone_of):
    """The weekly dispatch ledgers (files 07, 08), each as (title, rows)."""
    out = []
    for name in ds.F_DISPATCH:
        ws = openpyxl.load_workbook(DEMO_DIR / name)["周调度"]
        header = [c.value for c in ws[2]]
        rows = []
        for cells in ws.iter_rows(min_row=3, values_only=True):
            r = dict(zip(header, cells, strict=True))
            r["zone_id"] = zone_of[r["所属开发区"]]
            r["_title"] = ws["A1"].value
            for h in ("签约日期", "开工日期", "计划投产日期", "投产日期", "更新日期"):
                r[h] = as_date(r[h])
            r["signed"] = r["签约日期"]
            rows.append(r)
        out.append(rows)
    return out


@pytest.fixture(scope="module")
def enterprises():
    rows = read_csv(ds.F_ENTERPRISES, "utf-8")
    return rows[0], rows[1:]


@pytest.fixture(scope="module")
def cultivation():
    return read_csv(ds.F_CULTIVATION, "gbk")


# ---- determinism, encodings, size -------------------------------------------------------------
def test_all_files_present_and_small():
    assert sorted(p.name for p in DEMO_DIR.iterdir() if p.is_file()) == sorted(ds.ALL_FILES)
    assert sum((DEMO_DIR / n).stat().st_size for n in ds.ALL_FILES) < 2 * 1024 * 1024


@pytest.mark.parametrize("name", [n for n in ds.ALL_FILES if n.endswith(".csv")])
def test_csv_regeneration_is_byte_identical(regenerated, name):
    assert (regenerated / name).read_bytes() == (DEMO_DIR / name).read_bytes(), \
        f"{name} is stale: run python -m etl.demo_sources"


@pytest.mark.parametrize("name", [n for n in ds.ALL_FILES if n.endswith(".xlsx")])
def test_xlsx_regeneration_is_value_identical(regenerated, name):
    new, old = openpyxl.load_workbook(regenerated / name), openpyxl.load_workbook(DEMO_DIR / name)
    assert new.sheetnames == old.sheetnames
    for a, b in zip(new.worksheets, old.worksheets, strict=True):
        assert sorted(map(str, a.merged_cells.ranges)) == sorted(map(str, b.merged_cells.ranges))
        assert list(a.iter_rows(values_only=True)) == list(b.iter_rows(values_only=True)), \
            f"{name}:{a.title} is stale: run python -m etl.demo_sources"


def test_xlsx_bytes_are_stable_across_runs(regenerated, tmp_path):
    ds.generate(tmp_path)
    for name in ds.ALL_FILES:
        assert (tmp_path / name).read_bytes() == (regenerated / name).read_bytes(), name


def test_encodings():
    assert (DEMO_DIR / ds.F_SEED).read_bytes().startswith(b"\xef\xbb\xbf")
    raw = (DEMO_DIR / ds.F_CULTIVATION).read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    assert raw.decode("gbk").startswith(f"{YEARS[0]}—{YEARS[-1]}年全省开发区企业培育情况")
    raw = (DEMO_DIR / ds.F_ENTERPRISES).read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf") and raw.decode("utf-8").startswith("企业名称,")


# ---- the seed facts ---------------------------------------------------------------------------
def test_seed_file(seed):
    header, rows = seed
    assert header == ["开发区", "年份", "指标", "数值", "单位", "来源", "是否模拟"]
    got = {r[2]: (r[3], r[4]) for r in rows}
    assert got == {
        "签约项目数": ("36", "个"), "签约项目总投资": ("179.78", "亿元"), "当年签约并开工项目数": ("34", "个"),
        '新培育"四上"企业数': ("19", "家"), "两化融合贯标试点企业数": ("2", "家"), "专精特新企业数": ("4", "家"),
        "国家级科技企业孵化器数": ("1", "家")}
    for r in rows:
        assert r[0] == "运城盐湖高新技术产业开发区" and r[1] == "2021"
        assert r[5] == "运城日报《高超：“链主”招商的领路人》" and r[6] == "否"


# ---- file 01 ----------------------------------------------------------------------------------
def test_invest_layout(invest_wb, reported, zones):
    assert invest_wb.sheetnames == [str(y) for y in YEARS]
    for ws in invest_wb.worksheets:
        y = ws.title
        assert ws["A1"].value == f"{y}年全省开发区招商引资主要指标完成情况表"
        assert "A1:I1" in map(str, ws.merged_cells.ranges)
        assert ws["A2"].value == "单位：个、万元"
        assert [c.value for c in ws[3]] == [h for h, _ in ds.INVEST_COLUMNS]
        col_a = [c.value for c in ws["A"]]
        assert any(str(v).startswith("注：") for v in col_a)
        assert "数据来源：各开发区管委会报送（模拟数据）" in col_a
    for z in zones:
        for y in YEARS:
            assert ((z["zone_id"], y) in reported) == ((z["zone_id"], y) != (YANHU, 2021))
    assert {r["是否模拟"] for r in reported.values()} == {"是"}


def test_invest_messy_but_protected(reported):
    raw = [v for r in reported.values() for h, v in r.items() if h not in ("序号", "开发区名称", "是否模拟")]
    assert any(isinstance(v, str) and "," in v for v in raw), "numbers as text with thousands separators"
    assert any(isinstance(v, str) and v != v.strip() for v in raw), "numbers with stray spaces"
    gaps = [(k, h) for k, r in reported.items() for h, v in r.items() if isinstance(v, str) and v.strip() in GAP]
    assert 3 <= len(gaps) <= 20
    for (zid, y), h in gaps:
        assert zid != YANHU
        assert not (y == 2021 and h in ("签约项目数（个）", "当年签约并开工项目数（个）"))


def test_2021_rank_constraints(reported, seed):
    _, rows = seed
    seedv = {r[2]: float(r[3]) for r in rows}
    for col, key, cut in (("签约项目数（个）", "签约项目数", 36),
                          ("当年签约并开工项目数（个）", "当年签约并开工项目数", 34)):
        vals = {zid: num(r[col]) for (zid, y), r in reported.items() if y == 2021}
        vals[YANHU] = seedv[key]
        assert seedv[key] == cut
        above = sorted(z for z, v in vals.items() if v > cut)
        assert above == sorted(ds.TOP2_2021), col
        assert all(v < cut for z, v in vals.items() if z not in ds.TOP2_2021 and z != YANHU), col
        rank = 1 + sum(v > vals[YANHU] for v in vals.values())
        assert rank == 3


# ---- file 03: the project ledger --------------------------------------------------------------
def test_ledger_layout(ledger_ws, ledger):
    cut = ds.LEDGER_CUTOFF
    assert ledger_ws["A1"].value == f"开发区重点招商引资项目台账（截至{cut.year}年{cut.month}月{cut.day}日）"
    assert "A1:Q1" in map(str, ledger_ws.merged_cells.ranges)
    assert [c.value for c in ledger_ws[2]] == list(ds.LEDGER_HEADER)
    assert len(ledger) >= 400
    assert len({r["项目编号"] for r in ledger}) == len(ledger)
    assert len({(r["zone_id"], r["项目名称"]) for r in ledger}) == len(ledger)
    assert len({r["产业链"] for r in ledger}) >= 8
    provinces = {re.match(r"(内蒙古|..)", r["投资方所在地"])[1] for r in ledger if r["投资方所在地"]}
    assert len(provinces) >= 10
    assert len({r["zone_id"] for r in ledger}) == 28


def test_ledger_dates_and_status(ledger):
    kinds = Counter()
    for r in ledger:
        for h in ("签约日期", "开工日期", "投产日期"):
            v = r[h]
            if isinstance(v, datetime):
                kinds["cell"] += 1
                assert r["_cells"][h].number_format == "yyyy-mm-dd"
            elif isinstance(v, str):
                kinds["年" if "年" in v else "/" if "/" in v else "-"] += 1
        s, st, p, status = r["signed"], r["started"], r["production"], r["项目状态"]
        assert status in ds.STATUSES
        expected = {"在谈": (False, False, False), "签约": (True, False, False), "开工": (True, True, False),
                    "投产": (True, True, True), "终止": (True, False, False)}[status]
        assert (s is not None, st is not None, p is not None) == expected, r["项目编号"]
        assert (s or date.min) <= (st or date.max) and (st or date.min) <= (p or date.max)
        assert max(d for d in (s, st, p, date.min) if d) <= ds.LEDGER_CUTOFF
        if s:
            assert YEARS[0] <= s.year <= YEARS[-1]
        if r["总投资（亿元）"] is not None:
            assert 0.5 <= r["总投资（亿元）"] <= 30
        assert r["是否模拟"] in ("是", "否")
    assert kinds["cell"] > 10 * (kinds["年"] + kinds["/"] + kinds["-"]) / 2
    assert kinds["年"] and kinds["/"] and kinds["-"], kinds


def test_ledger_seed_projects(ledger, dispatch):
    by_name = {r["项目名称"]: r for r in ledger if r["zone_id"] == YANHU}
    hm = by_name["宏明空调全产业链生产基地"]
    assert hm["所属开发区"] == "盐湖高新区"
    assert (hm["投资方"], hm["投资方所在地"]) == ("山西宏明空调科技有限公司", "山西运城")
    assert hm["signed"] == date(2021, 11, 15)
    assert (hm["预计年产值（亿元）"], hm["预计利税（万元）"], hm["总投资（亿元）"]) == (20, 5000, None)
    assert (hm["是否模拟"], hm["备注"]) == ("否", "运城日报报道；宏明与凯丰强强联合")
    in_ledger = {r["投资方"] for r in ledger if r["链主企业"] == "山西宏明空调科技有限公司"}
    assert in_ledger == {"山东凯丰节能科技有限公司", "湖北久特电机组装总成分厂"}  # signed in 2021
    followers = {r["投资方"]: r for r in [*ledger, *dispatch[-1]] if r["链主企业"] == "山西宏明空调科技有限公司"}
    assert set(followers) == {"山东凯丰节能科技有限公司", "湖北久特电机组装总成分厂", "CCS流体冷却技术有限公司",
                              "深圳长实流体设备有限公司"}
    assert followers["山东凯丰节能科技有限公司"]["signed"] == date(2021, 11, 15)
    assert followers["山东凯丰节能科技有限公司"]["投资方所在地"].startswith("山东")
    assert followers["湖北久特电机组装总成分厂"]["投资方所在地"].startswith("湖北")
    assert followers["深圳长实流体设备有限公司"]["投资方所在地"] == "广东深圳"
    for r in followers.values():
        assert r["是否模拟"] == "是" and r["zone_id"] == YANHU
        assert date(2021, 11, 15) <= r["signed"] <= ds.DATA_AS_OF
    ht = by_name["年产100台套装配式及集成式高效节能装备项目"]
    assert (ht["投资方"], ht["投资方所在地"], ht["项目状态"]) == ("天津亨通制冷机电有限公司", "天津", "在谈")
    assert ht["备注"] == "计划采取“云签约”方式"
    md = by_name["美的集团项目（洽谈中）"]
    assert md["项目状态"] == "在谈"
    for r in (ht, md):
        assert r["signed"] is r["started"] is r["production"] is None and r["是否模拟"] == "否"
    real = sorted(r["项目名称"] for r in ledger if r["是否模拟"] == "否")
    assert real == sorted([hm["项目名称"], ht["项目名称"], md["项目名称"]])
    other_leaders = {r["zone_id"] for r in ledger if r["链主企业"] and r["zone_id"] != YANHU}
    assert len(other_leaders) >= 3


def test_the_records_run_into_2022_as_of_the_last_dispatch(ledger, dispatch):
    """The seed article was written in 2022 about 2021: statistics end in 2021, the year-end ledger is dated
    31 December 2021, and the weekly dispatch ledgers carry the first weeks of 2022 up to DATA_AS_OF."""
    assert YEARS[-1] == 2021 and date(2021, 12, 31) == ds.LEDGER_CUTOFF
    assert ds.DISPATCH_DAYS[-1] == ds.DATA_AS_OF and ds.DATA_AS_OF.year == 2022 and ds.DATA_AS_OF.month <= 4
    by_id = {r["项目编号"]: r for r in ledger}
    for day, rows in zip(ds.DISPATCH_DAYS, dispatch, strict=True):
        assert rows[0]["_title"].endswith(f"（截至{day.year}年{day.month}月{day.day}日）")
        for r in rows:
            dates = [r[h] for h in ("签约日期", "开工日期", "投产日期", "更新日期") if r[h]]
            assert max(dates) <= day, r["项目编号"]
            old = by_id.get(r["项目编号"])
            if old is None:  # first reported in 2022: signed in 2022
                assert r["签约日期"].year == 2022, r["项目编号"]
            else:  # what the year-end ledger dated stays as it was: no 2021 statistic moves
                assert r["签约日期"] == old["signed"]
                assert r["开工日期"] == old["started"] or (old["started"] is None and r["开工日期"].year == 2022)
    new_2022 = [r for r in dispatch[-1] if r["项目编号"] not in by_id]
    months = Counter(r["签约日期"].month for r in new_2022)
    assert set(months) == {1, 2, 3} and len(new_2022) >= 28
    started_2022 = [r for r in dispatch[-1] if r["开工日期"] and r["开工日期"].year == 2022]
    assert len({r["开工日期"].month for r in started_2022}) == 3


def test_ledger_yanhu_2021_equals_seed(ledger):
    signed = [r for r in ledger if r["zone_id"] == YANHU and r["signed"] and r["signed"].year == 2021
              and r["项目状态"] != "在谈"]
    assert len(signed) == 36
    assert sum(round(r["总投资（亿元）"] * 100) for r in signed if r["总投资（亿元）"] is not None) == 17978
    assert sum(1 for r in signed if r["started"] and r["started"].year == 2021) == 34


def _ledger_figures(ledger):
    """What the ledger adds up to, in file 01's units (个, 万元)."""
    out = defaultdict(lambda: defaultdict(float))
    for r in ledger:
        if r["started"]:
            out[(r["zone_id"], r["started"].year)]["新开工项目数（个）"] += 1
        if r["signed"] is None or r["项目状态"] == "在谈":
            continue
        f = out[(r["zone_id"], r["signed"].year)]
        f["签约项目数（个）"] += 1
        f["签约项目总投资（万元）"] += round((r["总投资（亿元）"] or 0) * 100) * 100
        f["当年签约并开工项目数（个）"] += bool(r["started"] and r["started"].year == r["signed"].year)
        f["预计年产值（万元）"] += round((r["预计年产值（亿元）"] or 0) * 100) * 100
        f["预计利税（万元）"] += r["预计利税（万元）"] or 0
    return out


def test_file01_equals_ledger_except_planted(reported, ledger):
    derived = _ledger_figures(ledger)
    header_of = {ind: h for h, ind in ds.INVEST_COLUMNS if ind}
    found = {}
    for key, row in reported.items():
        for h in header_of.values():
            v = num(row[h])
            if v is not None and abs(v - derived[key][h]) > 1e-6:
                found[(*key, h)] = round(v - derived[key][h], 6)
    planted = {(d.zone_id, d.year, header_of[d.indicator]): d.delta for d in ds.PLANTED_DISCREPANCIES}
    assert found == planted
    assert len(planted) == 3 and all(y != 2021 for _, y, _ in planted)


# ---- files 02 and 04: enterprises -------------------------------------------------------------
def test_cultivation_layout(cultivation, zone_of):
    assert cultivation[0][0] == f"{YEARS[0]}—{YEARS[-1]}年全省开发区企业培育情况"
    assert cultivation[1][0] == "单位：家"
    assert cultivation[2] == ["开发区", "年份", '新培育"四上"企业数', "专精特新企业数", "两化融合贯标试点企业数",
                              "高新技术企业数", "国家级科技企业孵化器数", "是否模拟"]
    assert cultivation[-1][0] == "注：模拟数据，仅供演示。"
    body = cultivation[3:-1]
    keys = [(zone_of[r[0]], int(r[1])) for r in body]
    assert len(keys) == len(set(keys)) == 28 * 7 - 1 and (YANHU, 2021) not in keys
    assert {r[-1] for r in body} == {"是"}
    assert any(c.strip() == "—" for r in body for c in r[2:7])


def test_enterprise_list_consistent(enterprises, cultivation, seed, zone_of):
    header, rows = enterprises
    assert header == ["企业名称", "所属开发区", "认定类别", "认定年份", "是否模拟"]
    assert {r[2] for r in rows} == set(ds.CATEGORIES)
    keys = [(r[0], zone_of[r[1]], r[2]) for r in rows]
    assert len(keys) == len(set(keys))
    counts = Counter((zone_of[r[1]], int(r[3]), r[2]) for r in rows)
    checked = 0
    for r in cultivation[3:-1]:
        zid, y = zone_of[r[0]], int(r[1])
        for (col, cat), cell in zip(ds.CULTIVATION_COLUMNS, r[2:7], strict=True):
            if cell.strip() not in GAP:
                assert counts[(zid, y, cat)] == int(cell), (zid, y, col)
                checked += 1
    assert checked > 900
    seedv = {r[2]: int(float(r[3])) for r in seed[1]}
    for col, cat in ds.CULTIVATION_COLUMNS:
        if col in seedv:
            assert counts[(YANHU, 2021, cat)] == seedv[col], cat
    assert 3 <= sum(v for (z, y, c), v in counts.items() if c == '专精特新"小巨人"') <= 20
    netease = [r for r in rows if r[0] == "网易"]
    assert netease == [["网易", "运城盐湖高新技术产业开发区", "国家级科技企业孵化器", "2021", "否"]]
    assert {r[4] for r in rows if r[0] != "网易"} == {"是"}


# ---- file 05: targets -------------------------------------------------------------------------
def test_targets(zone_of, reported, seed):
    ws = openpyxl.load_workbook(DEMO_DIR / ds.F_TARGETS)["年度目标"]
    assert "A1:F1" in map(str, ws.merged_cells.ranges)
    assert [c.value for c in ws[2]] == ["开发区", "年份", "指标", "目标值", "单位", "是否模拟"]
    rows = [r for r in ws.iter_rows(min_row=3, values_only=True) if r[1] is not None]
    keys = Counter((zone_of[r[0]], r[1], r[2]) for r in rows)
    units = dict(ds.TARGET_INDICATORS)
    assert set(keys.values()) == {1} and len(keys) == 28 * len(ds.TARGET_YEARS) * 4
    assert {r[1] for r in rows} == set(ds.TARGET_YEARS)
    for r in rows:
        assert r[4] == units[r[2]] and r[5] == "是" and r[3] > 0
    actual = {(zid, y): num(row["签约项目数（个）"]) for (zid, y), row in reported.items()}
    actual[(YANHU, 2021)] = 36
    ahead = behind = 0
    for r in rows:
        a = actual.get((zone_of[r[0]], r[1]))
        if r[2] == "签约项目数" and a is not None:
            ahead += a > r[3]
            behind += a < r[3]
    assert ahead > 20 and behind > 20


# ---- zone spellings and flags across files ----------------------------------------------------
def test_zone_spellings_vary_and_are_allowed(zone_of, zones, enterprises, cultivation, invest_wb):
    full = {z["zone_name"] for z in zones}
    short = {z["short_name"] for z in zones} - full
    names = Counter()
    names.update(r[1] for r in enterprises[1])
    names.update(r[0] for r in cultivation[3:-1])
    for ws in invest_wb.worksheets:
        names.update(r[1] for r in ws.iter_rows(min_row=4, values_only=True) if r[1])
    assert all(n in zone_of for n in names), [n for n in names if n not in zone_of]
    assert any(n in full for n in names) and any(n in short for n in names)
    assert any(n not in full and n not in short for n in names)  # without the 山西 prefix
