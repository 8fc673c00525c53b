"""National-scale synthetic inputs for benchmarks: `python -m etl synth --zones 2600 --years 10 --projects 200000 --out DIR`.

Writes, in the layouts users send: a zone register (zones.csv) and an extended indicator catalogue
(indicators.csv) — point DEVZONE_ZONES_FILE / DEVZONE_INDICATORS_FILE at them — then long.csv (one value per
row, every indicator), wide.xlsx (one sheet per year, the core indicators, same values) and ledger.xlsx.
Everything is deterministic for given arguments, and every row is flagged 是否模拟 = 是.
"""
from __future__ import annotations

import csv
import datetime as dt
import random
from pathlib import Path

import openpyxl

from etl import catalogue

PROVINCES = ["北京市", "天津市", "河北省", "山西省", "内蒙古自治区", "辽宁省", "吉林省", "黑龙江省", "上海市", "江苏省",
             "浙江省", "安徽省", "福建省", "江西省", "山东省", "河南省", "湖北省", "湖南省", "广东省", "广西壮族自治区",
             "海南省", "重庆市", "四川省", "贵州省", "云南省", "西藏自治区", "陕西省", "甘肃省", "青海省", "宁夏回族自治区",
             "新疆维吾尔自治区"]
TYPES = [("经济技术开发区", "经开区", "经开区"), ("高新技术产业开发区", "高新区", "高新区"), ("工业园区", "工业园区", "工业园区"),
         ("经济开发区", "经开区", "经开区")]
# Indicators an extended national catalogue typically adds to the contract's eleven.
EXTRA_INDICATORS = [
    ("operating_revenue", "营业收入", "Operating revenue", "亿元", "money"),
    ("industrial_output", "工业总产值", "Gross industrial output", "亿元", "money"),
    ("industrial_value_added", "规上工业增加值", "Industrial value added", "亿元", "money"),
    ("tax_revenue", "税收收入", "Tax revenue", "亿元", "money"),
    ("fixed_asset_investment", "固定资产投资", "Fixed-asset investment", "亿元", "money"),
    ("industrial_investment", "工业投资", "Industrial investment", "亿元", "money"),
    ("fdi_used", "实际使用外资", "Foreign investment used", "亿元", "money"),
    ("trade_total", "进出口总额", "Imports and exports", "亿元", "money"),
    ("exports", "出口额", "Exports", "亿元", "money"),
    ("rd_spending", "研发经费投入", "R&D spending", "亿元", "money"),
    ("tech_contracts", "技术合同成交额", "Technology contracts", "亿元", "money"),
    ("employees", "从业人员数", "Employees", "个", "count"),
    ("patents_granted", "专利授权数", "Patents granted", "个", "count"),
    ("invention_patents", "有效发明专利数", "Valid invention patents", "个", "count"),
    ("new_market_entities", "新增市场主体数", "New market entities", "家", "count"),
    ("above_scale_industrial", "规上工业企业数", "Above-scale industrial firms", "家", "count"),
    ("listed_companies", "上市企业数", "Listed companies", "家", "count"),
    ("foreign_firms", "外资企业数", "Foreign-invested firms", "家", "count"),
    ("new_projects_over_1e8", "亿元以上新开工项目数", "New projects over 1e8 yuan", "个", "count"),
    ("talent_introduced", "引进高层次人才数", "High-level talent introduced", "个", "count"),
    ("incubator_firms", "在孵企业数", "Incubated firms", "家", "count"),
    ("land_supplied", "供地宗数", "Land parcels supplied", "个", "count"),
    ("standard_factories", "标准厂房栋数", "Standard factory buildings", "个", "count"),
    ("green_factories", "绿色工厂数", "Green factories", "家", "count"),
    ("digital_workshops", "数字化车间数", "Digital workshops", "家", "count"),
    ("gazelle_firms", "瞪羚企业数", "Gazelle firms", "家", "count"),
    ("unicorn_candidates", "独角兽培育企业数", "Unicorn candidates", "家", "count"),
    ("service_platforms", "公共服务平台数", "Public service platforms", "个", "count"),
]
CHAINS = ["装备制造", "新材料", "新能源", "节能环保", "生物医药", "电子信息", "现代煤化工", "食品加工", "现代物流", "数字经济",
          "汽车及零部件", "纺织服装"]
STATUSES = ["在谈", "签约", "开工", "投产", "终止"]
LEDGER_HEADER = ["项目编号", "项目名称", "所属开发区", "投资方", "投资方所在地", "产业链", "总投资（亿元）", "签约日期", "开工日期",
                 "投产日期", "项目状态", "预计年产值（亿元）", "预计利税（万元）", "链主企业", "包联领导", "是否模拟"]


def write_national_inputs(out: Path, *, zones: int = 2600, years: int = 10, projects: int = 200_000,
                          first_year: int = 2015, seed: int = 20260101) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    rnd = random.Random(seed)
    register = _zone_register(zones)
    indicator_rows = _indicator_catalogue()
    written = [_write_csv(out / "zones.csv", list(register[0]), [list(z.values()) for z in register]),
               _write_csv(out / "indicators.csv", list(indicator_rows[0]), [list(r.values()) for r in indicator_rows])]
    year_range = range(first_year, first_year + years)
    values = {}
    for zone in register:
        scale = rnd.lognormvariate(0, 0.8)
        for year in year_range:
            for row in indicator_rows:
                base = 40 if row["kind"] == "money" else 25
                amount = base * scale * rnd.uniform(0.6, 1.4)
                values[(zone["zone_id"], year, row["indicator"])] = (
                    round(amount, 2) if row["kind"] == "money" else int(amount))
    zone_names = {z["zone_id"]: z["zone_name"] for z in register}
    names = {r["indicator"]: (r["name_zh"], r["unit"]) for r in indicator_rows}
    long_rows = [[zone_names[zone_id], year, names[code][0], value, names[code][1], "是"]
                 for (zone_id, year, code), value in values.items()]
    written.append(_write_csv(out / "long.csv", ["开发区", "年份", "指标", "数值", "单位", "是否模拟"], long_rows))
    written.append(_write_wide(out / "wide.xlsx", register, year_range, values))
    written.append(_write_ledger(out / "ledger.xlsx", register, year_range, projects, rnd))
    return written


def _zone_register(count: int) -> list[dict[str, str]]:
    register = []
    for index in range(count):
        province = PROVINCES[index % len(PROVINCES)]
        full, short, zone_type = TYPES[index % len(TYPES)]
        place = f"{province[:2]}第{index + 1}"
        register.append({"zone_id": f"N{index + 1:06d}", "zone_name": f"{place}{full}", "short_name": f"{place}{short}",
                         "city": f"{province[:2]}{index % 13 + 1}市", "province": province,
                         "level": "国家级" if index % 5 == 0 else "省级", "zone_type": zone_type, "approved": "",
                         "area_ha": "", "leading_industries": "、".join(CHAINS[index % 12: index % 12 + 2]),
                         "source": "合成数据（基准测试）"})
    return register


def _indicator_catalogue() -> list[dict[str, str]]:
    rows = [{"indicator": i.code, "name_zh": i.name_zh, "name_en": i.name_en, "unit": i.unit, "direction": i.direction,
             "category": i.category, "kind": i.kind, "aliases": ""} for i in catalogue.indicators().values()]
    rows += [{"indicator": code, "name_zh": zh, "name_en": en, "unit": unit, "direction": "higher", "category": "extended",
              "kind": kind, "aliases": ""} for code, zh, en, unit, kind in EXTRA_INDICATORS]
    return rows


def _write_csv(path: Path, header: list[str], rows: list[list[object]]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _write_wide(path: Path, register, year_range, values) -> Path:
    core = list(catalogue.indicators().values())
    workbook = openpyxl.Workbook(write_only=True)
    for year in year_range:
        sheet = workbook.create_sheet(str(year))
        sheet.append([f"{year}年全国开发区主要指标（合成数据）"])
        sheet.append(["开发区名称", *(f"{i.name_zh}（{i.unit}）" for i in core), "是否模拟"])
        for zone in register:
            sheet.append([zone["zone_name"], *(values[(zone["zone_id"], year, i.code)] for i in core), "是"])
    workbook.save(path)
    return path


def _write_ledger(path: Path, register, year_range, count: int, rnd: random.Random) -> Path:
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("项目台账")
    sheet.append(["全国开发区项目台账（合成数据）"])
    sheet.append(LEDGER_HEADER)
    for row in ledger_rows(register, year_range, count, rnd):
        sheet.append(row)
    workbook.save(path)
    return path


def ledger_rows(register, year_range, count: int, rnd: random.Random):
    """The rows of a synthetic project ledger (LEDGER_HEADER), dates as datetime.date or None."""
    years = list(year_range)
    for index in range(count):
        zone = register[index % len(register)]
        status = rnd.choices(STATUSES, weights=[5, 15, 35, 40, 5])[0]
        signed = dt.date(rnd.choice(years), rnd.randint(1, 12), rnd.randint(1, 28)) if status != "在谈" else None
        started = signed + dt.timedelta(days=rnd.randint(10, 200)) if status in ("开工", "投产") else None
        produced = started + dt.timedelta(days=rnd.randint(90, 700)) if status == "投产" else None
        investment = round(rnd.lognormvariate(1.0, 0.9), 2)
        yield [f"{zone['zone_id']}-{index:07d}", f"{rnd.choice(CHAINS)}项目{index}", zone["zone_name"],
               f"合成投资企业{index % 9973}有限公司", rnd.choice(PROVINCES)[:2], rnd.choice(CHAINS), investment,
               signed, started, produced, status, round(investment * rnd.uniform(0.5, 3), 2),
               round(investment * rnd.uniform(300, 1200), 2), None, f"负责人{index % 97}", "是"]
