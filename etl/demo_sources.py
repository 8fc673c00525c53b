"""Deterministic generator of the demo *input* files in ``data/demo/``.

    python -m etl.demo_sources [--out DIR] [--quiet]

Writes, in the messy shapes real statistics offices send (title rows, unit
lines, footnotes, merged cells, numbers as text, ``—``/``/`` gaps, GBK CSV,
dates as text, zone names in full or short form):

=====================================  ===================================================
``00_种子数据_盐湖高新区2021年.csv``      long, UTF-8 with BOM, CRLF: the seed article's facts
``01_全省开发区招商引资主要指标.xlsx``     wide, one sheet per year ``2015``…``2021`` (万元)
``02_开发区企业培育情况.csv``            wide with a 年份 column, GBK, CRLF, title/unit/footnote
``03_重点项目台账.xlsx``                 project ledger (项目台账), sheet ``项目台账``, 截至2021年12月31日
``04_企业名录.csv``                     enterprise list, UTF-8 without BOM, LF
``05_年度目标.xlsx``                     annual targets, long, sheet ``年度目标``
``06_链主招商关系.csv``                  chain links (链主关系), UTF-8 with BOM, CRLF
``07_重点项目周调度台账_…3月19日.xlsx``    weekly dispatch ledger (周调度): the projects under way,
``08_重点项目周调度台账_…3月26日.xlsx``    with 计划投产日期 and 更新日期; loaded one after the other
=====================================  ===================================================

The demo tells the seed article's story: the article was written in 2022 about 2021, so the statistics
(files 00–02, 04) run 2015–2021, and the project records run into the first months of 2022. The year-end
ledger (file 03) is 截至2021年12月31日; files 07 and 08 are the ledger as re-sent after the Saturday
dispatch meetings of 2022-03-19 and 2022-03-26 (``etl.demo`` loads each as its own load, so
project_history keeps one version per week), so the data is as of :data:`DATA_AS_OF` (2022-03-26). They
carry what happened in 2022: new signings, starts (签约→开工), completions (开工→投产), terminations,
planned production dates, 包联领导, 备注 and 更新日期 — no date in them falls in 2021 or earlier, so the
indicator values of 2015–2021 stay those of files 00–05 (a 2022 figure the ledger adds up to is a year
under way and is not a reported year).

Everything is synthetic (``是否模拟`` = ``是``) except the rows that restate
the seed article (运城日报《高超：“链主”招商的领路人》), which carry ``否``.

The ledger is generated first; file 01's project figures are *derived* from
it (so reported and ledger-derived figures agree), then exactly the
discrepancies in :data:`PLANTED_DISCREPANCIES` are planted for the
data-quality view. Enterprise counts in file 02 agree with the enterprise
list in file 04 (a ``—`` gap in file 02 hides a count the list still has).

Determinism: only ``random.Random`` instances with fixed (string) seeds, no
wall clock, no set iteration. CSVs are byte-identical on every run; the xlsx
files are written with fixed document timestamps and fixed zip entry times, so
they are byte-identical for a given openpyxl/zlib (and value-identical always).
"""
from __future__ import annotations

import argparse
import csv
import io
import math
import random
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from etl.paths import DEMO_DIR, REFERENCE_DIR

SEED = 20211115  # the day 宏明空调全产业链生产基地 was signed
YEARS = tuple(range(2015, 2022))  # reported statistics: the article's year and six before it
LAST_YEAR = YEARS[-1]
TARGET_YEARS = tuple(range(2017, LAST_YEAR + 2))  # up to the year under way at DATA_AS_OF
LEDGER_CUTOFF = date(LAST_YEAR, 12, 31)  # file 03, the year-end ledger
DISPATCH_DAYS = (date(2022, 3, 19), date(2022, 3, 26))  # Saturdays: 每周六召开项目调度会
DATA_AS_OF = DISPATCH_DAYS[-1]  # the day the demo describes: the last weekly dispatch ledger
FIXED_TIMESTAMP = datetime(2022, 3, 26, 0, 0, 0)

YANHU = "X140802"  # 运城盐湖高新技术产业开发区 / 盐湖高新区
TOP2_2021 = ("G142005", "G141004")  # 太原高新区, 太原经开区: the only zones ahead of 盐湖 in 2021
SEED_SOURCE = "运城日报《高超：“链主”招商的领路人》"
SYN, REAL = "是", "否"

F_SEED = "00_种子数据_盐湖高新区2021年.csv"
F_INVEST = "01_全省开发区招商引资主要指标.xlsx"
F_CULTIVATION = "02_开发区企业培育情况.csv"
F_LEDGER = "03_重点项目台账.xlsx"
F_ENTERPRISES = "04_企业名录.csv"
F_TARGETS = "05_年度目标.xlsx"
F_CHAIN_LINKS = "06_链主招商关系.csv"
F_DISPATCH = tuple(f"{7 + i:02d}_重点项目周调度台账_{d.year}年{d.month}月{d.day}日.xlsx"
                   for i, d in enumerate(DISPATCH_DAYS))
ALL_FILES = (F_SEED, F_INVEST, F_CULTIVATION, F_LEDGER, F_ENTERPRISES, F_TARGETS, F_CHAIN_LINKS, *F_DISPATCH)

# (指标, 数值, 单位) — the seed facts for 盐湖高新区 2021, exactly as the article states them.
SEED_FACTS = (
    ("签约项目数", "36", "个"),
    ("签约项目总投资", "179.78", "亿元"),
    ("当年签约并开工项目数", "34", "个"),
    ('新培育"四上"企业数', "19", "家"),
    ("两化融合贯标试点企业数", "2", "家"),
    ("专精特新企业数", "4", "家"),
    ("国家级科技企业孵化器数", "1", "家"),
)

# ---- file 01 layout -------------------------------------------------------------------------
INVEST_COLUMNS = (  # (header, indicator code or None)
    ("序号", None),
    ("开发区名称", None),
    ("签约项目数（个）", "signed_projects"),
    ("签约项目总投资（万元）", "signed_investment"),
    ("当年签约并开工项目数（个）", "signed_started_projects"),
    ("新开工项目数（个）", "started_projects"),
    ("预计年产值（万元）", "projected_output"),
    ("预计利税（万元）", "projected_tax"),
    ("是否模拟", None),
)
MONEY_INDICATORS = ("signed_investment", "projected_output", "projected_tax")


@dataclass(frozen=True)
class Discrepancy:
    """A reported figure in file 01 that deliberately differs from what the ledger adds up to."""

    zone_id: str
    year: int
    indicator: str
    delta: float  # reported − ledger, in file 01's unit (个 or 万元)
    why: str


PLANTED_DISCREPANCIES = (
    Discrepancy("G141060", 2019, "signed_projects", +1,
                "大同经开区2019年报表把一个仍在洽谈的项目计入签约，比台账多1个"),
    Discrepancy("G141062", 2018, "signed_investment", +3000.0,
                "晋中经开区2018年一个项目按变更前的总投资填报，报表比台账多3000万元（0.3亿元）"),
    Discrepancy("S147015", 2020, "signed_started_projects", -1,
                "临汾经开区2020年一个12月底开工的项目漏报，报表比台账少1个"),
)

# ---- file 02 / 04 -----------------------------------------------------------------------------
CULTIVATION_COLUMNS = (  # (header in file 02, enterprise-list category)
    ('新培育"四上"企业数', "四上企业"),
    ("专精特新企业数", "专精特新中小企业"),
    ("两化融合贯标试点企业数", "两化融合管理体系贯标"),
    ("高新技术企业数", "高新技术企业"),
    ("国家级科技企业孵化器数", "国家级科技企业孵化器"),
)
CATEGORIES = ("四上企业", "专精特新中小企业", '专精特新"小巨人"', "两化融合管理体系贯标",
              "高新技术企业", "国家级科技企业孵化器")
YANHU_2021_ENTERPRISES = {"四上企业": 19, "专精特新中小企业": 4, "两化融合管理体系贯标": 2,
                          "国家级科技企业孵化器": 1}

LEDGER_HEADER = ("项目编号", "项目名称", "所属开发区", "投资方", "投资方所在地", "产业链", "总投资（亿元）",
                 "签约日期", "开工日期", "投产日期", "项目状态", "预计年产值（亿元）", "预计利税（万元）",
                 "链主企业", "包联领导", "备注", "是否模拟")
STATUSES = ("在谈", "签约", "开工", "投产", "终止")

TARGET_INDICATORS = (("签约项目数", "个"), ("签约项目总投资", "亿元"),
                     ('新培育"四上"企业数', "家"), ("专精特新企业数", "家"))

# ---- sizes and trends -------------------------------------------------------------------------
BASE_SIGNED = {  # signed projects in a typical (2021-level) year
    "G143011": 6, "G141004": 45, "G141060": 30, "G141061": 26, "G141062": 30, "G142005": 50,
    "G142057": 28, "S149001": 18, "S149002": 14, "S149011": 12, "S149019": 10, "S147003": 16,
    "S147007": 12, "S147014": 8, "S147005": 12, "S147012": 8, "S147018": 20, "S147021": 9,
    "S147020": 8, "S147006": 12, "S147023": 8, "S147015": 14, "S147016": 12, "S147009": 8,
    "S147022": 10, "S147008": 14, "S147024": 9,
}
YANHU_SIGNED = {2015: 9, 2016: 11, 2017: 12, 2018: 14, 2019: 16, 2020: 19, 2021: 36, 2022: 40}
YEAR_FACTOR = {2015: 0.64, 2016: 0.7, 2017: 0.76, 2018: 0.82, 2019: 0.88, 2020: 0.74, 2021: 1.0, 2022: 1.06}
# 2022 is under way at DATA_AS_OF: the ledger holds the signings of its first weeks only (share of the year).
PARTIAL_YEAR = DATA_AS_OF.year
PARTIAL_SHARE = (DATA_AS_OF - date(PARTIAL_YEAR, 1, 1)).days / 365

INDUSTRY_TO_CHAIN = {
    "加工贸易": "电子信息", "保税物流": "现代物流", "保税服务": "现代物流", "电子信息": "电子信息",
    "装备制造": "装备制造", "新能源": "新能源", "医药": "生物医药", "汽车": "汽车及零部件",
    "建筑": "绿色建材", "精密光电": "电子信息", "食品": "食品加工", "光机电一体化": "装备制造",
    "新材料": "新材料", "煤化工": "现代煤化工", "生物医药": "生物医药", "商贸物流": "现代物流",
    "不锈钢加工": "新材料", "冶金制品": "新材料", "农副产品加工": "食品加工", "生物制药": "生物医药",
    "化工新材料": "新材料", "仓储物流": "现代物流", "化工": "现代煤化工", "商贸服务": "现代物流",
    "钢铁加工": "新材料", "煤炭": "现代煤化工", "煤机维修": "装备制造", "铁合金冶炼": "新材料",
    "玻璃": "绿色建材", "轻工": "食品加工", "精细化工": "现代煤化工", "能源": "新能源",
    "电力": "新能源", "钢结构": "绿色建材", "塑料编织": "新材料", "机电": "装备制造",
    "电商": "数字经济", "机械": "装备制造", "建材": "绿色建材", "耐火材料": "新材料",
    "酿酒": "食品加工", "空调制冷": "节能环保与空调制冷", "高效节能装备": "节能环保与空调制冷",
}
GENERAL_CHAINS = ("数字经济", "现代物流", "新能源", "装备制造", "新材料")

CHAIN_FIRM_WORDS = {
    "装备制造": ("重工", "机械", "智能装备", "精密机械", "机电设备"),
    "新材料": ("新材料", "材料科技", "合金", "复合材料"),
    "新能源": ("新能源", "能源科技", "光伏科技", "储能科技"),
    "节能环保与空调制冷": ("制冷设备", "节能科技", "环保科技", "热能科技", "暖通设备"),
    "生物医药": ("生物科技", "医药", "药业", "医疗器械"),
    "电子信息": ("电子", "光电科技", "微电子", "半导体", "信息技术"),
    "现代煤化工": ("化工", "煤化工", "精细化工", "化学"),
    "食品加工": ("食品", "农业科技", "饮品", "酒业"),
    "现代物流": ("物流", "供应链管理", "仓储"),
    "数字经济": ("数字科技", "网络科技", "云计算", "软件", "大数据"),
    "汽车及零部件": ("汽车零部件", "汽车科技", "动力科技"),
    "绿色建材": ("建材", "新型建材", "建筑科技"),
}
# (template, low, high): {n} is drawn from [low, high]
CHAIN_PROJECTS = {
    "装备制造": (("年产{n}台（套）智能矿山装备项目", 100, 2000), ("年产{n}台数控机床项目", 200, 3000),
              ("年产{n}套液压支架及煤机配件项目", 100, 1500), ("工业机器人生产线项目", 0, 0),
              ("轨道交通装备零部件生产基地项目", 0, 0), ("年产{n}台（套）风电装备项目", 50, 600),
              ("智能输送设备制造项目", 0, 0), ("年产{n}万台矿用电机项目", 1, 20)),
    "新材料": (("年产{n}万吨高性能铝合金型材项目", 2, 30), ("年产{n}万吨特种钢材深加工项目", 5, 60),
            ("年产{n}吨碳纤维复合材料项目", 500, 5000), ("年产{n}万吨镁合金项目", 1, 10),
            ("年产{n}万吨不锈钢精密带材项目", 2, 30), ("石墨烯新材料产业化项目", 0, 0),
            ("年产{n}万吨高端耐火材料项目", 2, 20), ("特种陶瓷材料生产线项目", 0, 0)),
    "新能源": (("{n}MW分布式光伏发电项目", 10, 200), ("{n}MW/{m}MWh储能电站项目", 50, 200),
            ("{n}MW风电项目", 50, 300), ("年产{n}GWh锂电池储能系统项目", 1, 10),
            ("氢能综合利用示范项目", 0, 0), ("光伏组件生产基地项目", 0, 0)),
    "节能环保与空调制冷": (("年产{n}万台空调压缩机项目", 10, 100), ("年产{n}万台商用空调机组项目", 1, 20),
                   ("年产{n}万套换热器项目", 5, 50), ("制冷阀件及配件生产项目", 0, 0),
                   ("年产{n}万台空气源热泵项目", 1, 20), ("冷却塔及流体冷却设备项目", 0, 0),
                   ("固废资源化综合利用项目", 0, 0)),
    "生物医药": (("中药饮片生产基地项目", 0, 0), ("年产{n}吨原料药项目", 100, 2000),
             ("医疗器械产业园项目", 0, 0), ("生物制剂研发生产项目", 0, 0),
             ("年产{n}万盒中成药项目", 100, 2000)),
    "电子信息": (("半导体封装测试项目", 0, 0), ("光电显示模组生产线项目", 0, 0),
             ("年产{n}万台智能终端项目", 10, 300), ("传感器研发生产基地项目", 0, 0),
             ("服务器整机制造项目", 0, 0), ("年产{n}万片电子元器件项目", 100, 5000)),
    "现代煤化工": (("煤焦油深加工项目", 0, 0), ("焦炉煤气制LNG项目", 0, 0),
              ("年产{n}万吨可降解材料项目", 3, 30), ("年产{n}万吨针状焦项目", 3, 20),
              ("年产{n}万吨精细化学品项目", 1, 10)),
    "食品加工": (("年产{n}万吨小米深加工项目", 1, 10), ("果蔬饮料生产线项目", 0, 0),
             ("年产{n}万吨肉制品加工项目", 1, 10), ("中央厨房及预制菜项目", 0, 0),
             ("年产{n}千升白酒酿造项目", 500, 5000), ("年产{n}万吨老陈醋项目", 1, 5)),
    "现代物流": (("冷链物流园项目", 0, 0), ("智慧物流仓储中心项目", 0, 0),
             ("多式联运物流枢纽项目", 0, 0), ("跨境电商分拨中心项目", 0, 0),
             ("保税仓储及配送中心项目", 0, 0)),
    "数字经济": (("数据中心项目", 0, 0), ("工业互联网平台项目", 0, 0), ("软件研发中心项目", 0, 0),
             ("呼叫中心及数字服务外包项目", 0, 0), ("{n}架机柜算力中心项目", 500, 5000)),
    "汽车及零部件": (("新能源汽车零部件项目", 0, 0), ("年产{n}万台汽车电机项目", 5, 50),
               ("汽车线束生产项目", 0, 0), ("年产{n}辆专用车项目", 500, 5000)),
    "绿色建材": (("装配式建筑构件生产基地项目", 0, 0), ("年产{n}万平方米光伏玻璃项目", 100, 2000),
             ("新型墙体材料项目", 0, 0), ("年产{n}吨钢结构项目", 5000, 50000)),
}

# (投资方所在地, weight) for investors from outside Shanxi
OUTSIDE_ORIGINS = (
    ("北京", 9), ("天津", 4), ("上海", 5), ("重庆", 1), ("香港", 1),
    ("山东济南", 4), ("山东青岛", 3), ("山东潍坊", 2), ("广东深圳", 7), ("广东广州", 3), ("广东佛山", 2),
    ("浙江杭州", 5), ("浙江宁波", 3), ("江苏苏州", 5), ("江苏南京", 3), ("江苏无锡", 2),
    ("湖北武汉", 3), ("河南郑州", 3), ("河北石家庄", 2), ("河北唐山", 1), ("陕西西安", 3),
    ("四川成都", 2), ("安徽合肥", 2), ("福建厦门", 2), ("内蒙古鄂尔多斯", 1), ("辽宁沈阳", 1),
    ("湖南长沙", 2),
)
SHANXI_CITIES = ("太原", "大同", "长治", "晋中", "运城", "临汾", "吕梁", "晋城", "阳泉", "朔州", "忻州")

BRAND_1 = "华恒鼎中瑞宏金新博联天海德盛睿泰永信东诚卓远晟汇嘉康正安航领"
BRAND_2 = "锐泰盛科达源通拓创辉昌瑞宇邦晖越润兴能力智川驰航坤峰诺锦鑫"
REAL_BRANDS = ("宏明", "凯丰", "美的", "网易", "亨通", "久特", "长实", "清控", "中科", "华为", "中航")
SURNAMES = ("王李张刘陈杨赵黄周吴徐孙马胡郭何林罗郑梁谢宋唐韩冯董程曹袁邓许"
            "沈彭吕苏卢蒋蔡贾丁魏薛叶阎潘杜田任姜范石姚郝白崔康秦史侯乔武常贺")
GIVEN = ("建国", "志强", "海峰", "文斌", "晓东", "俊杰", "立新", "丽娟", "红梅", "永刚", "卫东", "国庆",
         "宏伟", "振华", "鹏飞", "晓燕", "建华", "军", "伟", "敏", "静", "磊", "涛", "斌", "芳", "利民")
OFFICIAL_TITLES = ("管委会主任", "管委会副主任", "管委会副主任", "党工委副书记", "投资促进局局长",
                   "招商服务局局长", "项目建设部部长", "经济发展局局长")
NOTES_ACTIVE = ("已纳入省级重点项目", "正在办理土地手续", "环评审批中", "已完成备案", "以商招商引进",
                "云签约", "专班服务", "厂房建设中", "设备安装调试中", "已列入市级重点项目")
NOTES_STOPPED = ("投资方战略调整，项目终止", "因市场变化终止", "投资方资金未到位，终止合作")

# ---- the seed article's projects (盐湖高新区) ------------------------------------------------
HONGMING = "山西宏明空调科技有限公司"
TERMINATED_HEADLINE_YEARS = (2017, 2019)  # 盐湖高新区's largest signing of the year was later 终止
SEED_CHAIN = "节能环保与空调制冷"


# =============================================================================================
@dataclass
class Zone:
    zone_id: str
    zone_name: str
    short_name: str
    city: str
    level: str
    zone_type: str
    leading_industries: str

    @property
    def spellings(self) -> tuple[str, ...]:
        """zone_name, zone_name without a leading 山西, short_name — the only spellings we write."""
        out = [self.zone_name]
        if self.zone_name.startswith("山西"):
            out.append(self.zone_name[2:])
        out.append(self.short_name)
        return tuple(dict.fromkeys(out))

    @property
    def chains(self) -> tuple[str, ...]:
        found = [INDUSTRY_TO_CHAIN[t] for t in self.leading_industries.split("、") if t in INDUSTRY_TO_CHAIN]
        if self.zone_type == "高新区":
            found.append("数字经济")
        return tuple(dict.fromkeys(found)) or GENERAL_CHAINS

    @property
    def city_stem(self) -> str:
        return self.city.removesuffix("市")

    @property
    def national(self) -> bool:
        return self.level == "国家级"


@dataclass
class Project:
    seq: int
    zone: Zone
    name: str
    investor: str
    origin: str
    chain: str
    inv_c: int | None  # 总投资 in 0.01 亿元 (i.e. 百万元) — exact integer arithmetic
    signed: date | None
    started: date | None
    production: date | None
    status: str
    out_c: int | None  # 预计年产值 in 0.01 亿元
    tax_w: int | None  # 预计利税 in 万元
    leader: str = ""
    official: str = ""
    note: str = ""
    synthetic: bool = True
    zone_label: str = ""

    @property
    def project_id(self) -> str:
        return f"{self.zone.zone_id}-{self.seq:04d}"

    @property
    def counts_as_signed(self) -> bool:
        return self.signed is not None and self.status != "在谈"


@dataclass
class Demo:
    zones: list[Zone]
    plan: dict[tuple[str, int], tuple[int, int]]
    projects: list[Project]
    reported: dict[tuple[str, int], dict[str, float | None]]  # file 01 (after planting), None = gap
    derived: dict[tuple[str, int], dict[str, float]]  # what the ledger adds up to, file 01 units
    enterprise_counts: dict[tuple[str, int, str], int]  # true counts (zone_id, year, category)
    enterprises: list[tuple[str, Zone, str, int, bool]] = field(default_factory=list)
    targets: list[tuple[Zone, int, str, str, float]] = field(default_factory=list)
    chain_links: list[tuple[str, ...]] = field(default_factory=list)  # rows of file 06 (without header)
    dispatch: list[list[DispatchRow]] = field(default_factory=list)  # files 07, 08


@dataclass
class DispatchRow:
    """One project as a weekly dispatch ledger shows it: the ledger row plus progress fields."""

    project: Project
    status: str
    started: date | None
    production: date | None
    planned: date | None
    updated: date
    official: str
    note: str

    def key(self) -> tuple:
        return (self.status, self.started, self.production, self.planned, self.updated, self.official, self.note)


# =============================================================================================
def load_zones(path: Path | None = None) -> list[Zone]:
    path = path or REFERENCE_DIR / "zones.csv"
    with open(path, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    return [Zone(r["zone_id"], r["zone_name"], r["short_name"], r["city"], r["level"], r["zone_type"],
                 r["leading_industries"]) for r in rows]


def _rng(part: str) -> random.Random:
    return random.Random(f"{SEED}:{part}")


def _weighted(rng: random.Random, items):
    total = sum(w for _, w in items)
    x = rng.random() * total
    for item, w in items:
        x -= w
        if x < 0:
            return item
    return items[-1][0]


def _rand_date(rng: random.Random, lo: date, hi: date) -> date:
    return lo + timedelta(days=rng.randint(0, (hi - lo).days))


# ---- zone-year plan -------------------------------------------------------------------------
def plan_counts(zones: list[Zone]) -> dict[tuple[str, int], tuple[int, int]]:
    """(zone_id, year) -> (signed projects, of which signed and started in the same year)."""
    rng = _rng("plan")
    plan = {}
    for z in zones:
        for y in (*YEARS, PARTIAL_YEAR):
            if z.zone_id == YANHU:
                n = YANHU_SIGNED[y] if y == 2021 else round(YANHU_SIGNED[y] * rng.uniform(0.92, 1.08))
            else:
                n = round(BASE_SIGNED[z.zone_id] * YEAR_FACTOR[y] * rng.uniform(0.88, 1.12))
            n = max(5, min(8 if z.zone_id == "G143011" else 60, n))
            ratio = rng.uniform(0.5, 0.72) if y == 2020 else rng.uniform(0.58, 0.86)
            if y == PARTIAL_YEAR:  # the first weeks of the year only; few have started yet
                n, ratio = max(1, round(n * PARTIAL_SHARE)), rng.uniform(0.2, 0.45)
            ss = round(n * ratio)
            if y == 2021:
                if z.zone_id == YANHU:
                    n, ss = 36, 34
                elif z.zone_id in TOP2_2021:
                    n = max(n, 40)
                    ss = min(n, max(ss, 35))
                else:
                    if n >= 36:
                        n = rng.randint(29, 35)
                        ss = round(n * ratio)
                    ss = min(ss, 33)
            plan[(z.zone_id, y)] = (n, max(1, ss))
    return plan


# ---- names ----------------------------------------------------------------------------------
class Namer:
    def __init__(self, rng: random.Random):
        self.rng = rng
        self.used: set[str] = set()  # membership only, never iterated
        self.last_brand = ""

    def unique(self, make) -> str:
        """Call make() until it gives a name not used yet."""
        while True:
            name = make()
            if name not in self.used:
                self.used.add(name)
                return name

    def brand(self) -> str:
        while True:
            b = self.rng.choice(BRAND_1) + self.rng.choice(BRAND_2)
            if b[0] != b[1] and b not in REAL_BRANDS:
                return b

    def firm(self, chain: str, place: str = "") -> str:
        for _ in range(200):
            suffix = _weighted(self.rng, (("有限公司", 6), ("股份有限公司", 2), ("集团有限公司", 1),
                                          ("有限责任公司", 1)))
            word = self.rng.choice(CHAIN_FIRM_WORDS[chain])
            if word[-2:] not in ("科技", "设备") and self.rng.random() < 0.35:
                word += "科技"
            brand = self.brand()
            name = f"{place}{brand}{word}{suffix}"
            if name not in self.used:
                self.used.add(name)
                self.last_brand = brand
                return name
        raise RuntimeError("name space exhausted")

    def investor(self, chain: str, origin: str) -> str:
        if origin == "香港":
            while True:
                brand = self.brand()
                name = f"{brand}（香港）投资有限公司"
                if name not in self.used:
                    self.used.add(name)
                    self.last_brand = brand
                    return name
        stem = origin if len(origin) <= 2 else (origin[3:] if origin.startswith("内蒙古") else origin[2:])
        province = origin[:3] if origin.startswith("内蒙古") else origin[:2]
        place = _weighted(self.rng, ((stem, 5), (province, 2), ("", 3)))
        return self.firm(chain, place)

    def person(self) -> str:
        while True:
            p = self.rng.choice(SURNAMES) + self.rng.choice(GIVEN)
            if p != "高超":
                return p


def _project_name(rng: random.Random, chain: str, brand: str) -> str:
    template, lo, hi = rng.choice(CHAIN_PROJECTS[chain])
    n = rng.randint(lo, hi) if hi else 0
    if hi >= 1000:
        n = round(n, -2)
    elif hi >= 100:
        n = round(n, -1) or lo
    name = template.format(n=n, m=2 * n)
    return brand + name if rng.random() < 0.55 else name


# ---- the ledger -----------------------------------------------------------------------------
def _money(rng: random.Random, national: bool) -> int:
    """A project's 总投资 in 0.01 亿元: lognormal, median ~3 亿元 (national zones a bit more), 0.5–30."""
    median = 3.6 if national else 2.8
    v = rng.lognormvariate(math.log(median), 0.85)
    return max(50, min(3000, round(v * 100)))


def _output_tax(rng: random.Random, inv_c: int | None, chain: str) -> tuple[int | None, int | None]:
    if inv_c is None or rng.random() < (0.3 if chain in ("现代物流", "数字经济") else 0.04):
        return None, None
    out_c = max(20, round(inv_c * math.exp(rng.uniform(math.log(0.5), math.log(3.0)))))
    tax_w = round(out_c * 100 * rng.uniform(0.05, 0.12))  # 万元 = 0.01亿元 × 100
    return out_c, tax_w


def _origin(rng: random.Random, zone: Zone) -> str:
    r = rng.random()
    if r < 0.25:
        return "山西" + zone.city_stem
    if r < 0.45:
        return "山西" + rng.choice(SHANXI_CITIES)
    return _weighted(rng, OUTSIDE_ORIGINS)


def _chain(rng: random.Random, zone: Zone) -> str:
    if zone.zone_id == YANHU:
        return SEED_CHAIN if rng.random() < 0.7 else rng.choice(
            ("装备制造", "新材料", "数字经济", "现代物流", "食品加工"))
    return rng.choice(zone.chains) if rng.random() < 0.78 else rng.choice(GENERAL_CHAINS)


def _dates(rng: random.Random, y: int, kind: str) -> tuple[date, date | None, date | None, str]:
    """Dates and status at DATA_AS_OF for a project signed in year y. kind: ss (started same year) | later |
    pending. Nothing is dated after DATA_AS_OF; a project signed in the year under way is not yet 终止."""
    last = min(date(y, 12, 28), DATA_AS_OF - timedelta(days=3))
    if kind == "ss":
        signed = _rand_date(rng, date(y, 1, 6), min(date(y, 11, 20), DATA_AS_OF - timedelta(days=10)))
        started = _rand_date(rng, signed + timedelta(days=7),
                             min(date(y, 12, 31), signed + timedelta(days=150), DATA_AS_OF))
    else:
        signed = _rand_date(rng, date(y, 1, 6), last)
        started = None
        if kind == "later":
            nxt = y + (2 if rng.random() < 0.25 else 1)
            cand = _rand_date(rng, date(nxt, 1, 10), date(nxt, 11, 30))
            if cand <= DATA_AS_OF:
                started = cand
    if started is None:
        stopped = y < PARTIAL_YEAR and rng.random() < (0.35 if y <= PARTIAL_YEAR - 4 else 0.08)
        return signed, None, None, ("终止" if stopped else "签约")
    production = started + timedelta(days=rng.randint(180, 900))
    if production <= DATA_AS_OF and rng.random() < 0.82:
        return signed, started, production, "投产"
    return signed, started, None, "开工"


def state_at(p: Project, day: date) -> tuple[date | None, date | None, str]:
    """(started, production, status) of a project as a ledger dated `day` shows it (its dates up to `day`)."""
    if p.status in ("在谈", "终止"):
        return p.started, p.production, p.status
    started = p.started if p.started and p.started <= day else None
    production = p.production if p.production and p.production <= day else None
    return started, production, "投产" if production else "开工" if started else "签约"


def _split_kinds(rng: random.Random, y: int, n_other: int) -> list[str]:
    return ["pending" if y == PARTIAL_YEAR or rng.random() >= 0.78 else "later" for _ in range(n_other)]


def _scale_to_total(rng: random.Random, values: list[int], total: int, lo: int = 50, hi: int = 3000) -> list[int]:
    """Rescale integer amounts so they sum to exactly `total` while staying in [lo, hi]."""
    s = sum(values)
    out = [max(lo, min(hi, round(v * total / s))) for v in values]
    diff = total - sum(out)
    order = sorted(range(len(out)), key=lambda i: -out[i])
    i = 0
    while diff:
        j = order[i % len(order)]
        step = max(-(out[j] - lo), min(hi - out[j], diff))
        out[j] += step
        diff -= step
        i += 1
    return out


def _seed_projects() -> dict[int, list[dict]]:
    """The 盐湖高新区 projects named in the article, by signing year (key 0 = 在谈, no dates).

    Only 宏明's project and the two negotiations are real (是否模拟 = 否); the followers' firm names are
    real but their dates and figures are invented, so they are flagged synthetic. Keys missing here
    (inv_c, out_c, tax_w, official) are filled with synthetic values.
    """
    via_leader = {"leader": HONGMING, "note": "“链主”宏明以商招商引进", "synthetic": True}
    y21 = [
        {"name": "宏明空调全产业链生产基地", "investor": HONGMING, "origin": "山西运城",
         "signed": date(2021, 11, 15), "started": None, "production": None, "status": "签约",
         "inv_c": None, "out_c": 2000, "tax_w": 5000, "official": "",
         "note": "运城日报报道；宏明与凯丰强强联合", "synthetic": False},
        {"name": "凯丰节能换热设备生产项目", "investor": "山东凯丰节能科技有限公司", "origin": "山东",
         "signed": date(2021, 11, 15), "started": date(2021, 12, 20), "production": None,
         "status": "开工", **via_leader},
        {"name": "久特空调电机组装项目", "investor": "湖北久特电机组装总成分厂", "origin": "湖北",
         "signed": date(2021, 12, 16), "started": date(2022, 3, 18), "production": None,
         "status": "开工", **via_leader},
    ]
    y22 = [
        {"name": "CCS流体冷却设备生产项目", "investor": "CCS流体冷却技术有限公司", "origin": "",
         "signed": date(2022, 1, 19), "started": date(2022, 3, 9), "production": None,
         "status": "开工", **via_leader},
        {"name": "长实流体设备生产项目", "investor": "深圳长实流体设备有限公司", "origin": "广东深圳",
         "signed": date(2022, 3, 8), "started": None, "production": None,
         "status": "签约", **via_leader},
    ]
    talks = [
        {"name": "年产100台套装配式及集成式高效节能装备项目", "investor": "天津亨通制冷机电有限公司",
         "origin": "天津", "note": "计划采取“云签约”方式", "synthetic": False},
        {"name": "美的集团项目（洽谈中）", "investor": "美的集团", "origin": "广东佛山", "note": "",
         "synthetic": False},
    ]
    return {2021: y21, 2022: y22, 0: talks}


@dataclass
class _ZoneLedger:
    """Generates one zone's synthetic projects; keeps its officials, repeat investors and used names."""

    rng: random.Random
    namer: Namer
    zone: Zone
    officials: list[str]
    investor_pool: list[tuple[str, str, str, str]] = field(default_factory=list)  # name, origin, chain, brand
    names: set[str] = field(default_factory=set)  # membership only, never iterated

    def project(self, y: int, kind: str) -> Project:
        rng, z = self.rng, self.zone
        chain = _chain(rng, z)
        if self.investor_pool and rng.random() < 0.08:
            investor, origin, chain, brand = rng.choice(self.investor_pool)
        else:
            origin = _origin(rng, z)
            investor = self.namer.investor(chain, origin)
            brand = self.namer.last_brand
            self.investor_pool.append((investor, origin, chain, brand))
        signed, started, production, status = _dates(rng, y, kind)
        inv = _money(rng, z.national)
        out_c, tax_w = _output_tax(rng, inv, chain)
        name = _project_name(rng, chain, brand)
        tries = 0
        while name in self.names:  # (所属开发区, 项目名称) identifies a project when 项目编号 is absent
            tries += 1
            name = _project_name(rng, chain, brand) if tries < 8 else name.removesuffix("项目") + "（二期）项目"
        self.names.add(name)
        note = ""
        if status == "终止":
            note = rng.choice(NOTES_STOPPED)
        elif rng.random() < 0.12:
            note = rng.choice(NOTES_ACTIVE)
        return Project(0, z, name, investor, origin, chain, inv, signed, started, production, status,
                       out_c, tax_w, official=rng.choice(self.officials), note=note)


def build_ledger(zones: list[Zone], plan) -> list[Project]:
    rng = _rng("ledger")
    namer = Namer(_rng("ledger-names"))
    label_rng = _rng("ledger-labels")
    text_rng = _rng("ledger-officials")
    projects: list[Project] = []
    for z in zones:
        officials = [f"{namer.person()}（{t}）" for t in text_rng.sample(OFFICIAL_TITLES, 5)]
        seeds = _seed_projects() if z.zone_id == YANHU else {}
        zone_projects: list[Project] = []
        gen = _ZoneLedger(rng, namer, z, officials)
        gen.names.update(d["name"] for group in seeds.values() for d in group)
        generic = gen.project

        for y in (*YEARS, PARTIAL_YEAR):
            n, ss = plan[(z.zone_id, y)]
            fixed = []
            for d in seeds.get(y, []):
                fixed.append(Project(0, z, d["name"], d["investor"], d["origin"], SEED_CHAIN, d.get("inv_c", -1),
                                     d["signed"], d["started"], d["production"], d["status"],
                                     d.get("out_c", -1), d.get("tax_w", -1), d.get("leader", ""),
                                     d.get("official", ""), d["note"], d["synthetic"]))
            fixed_ss = sum(1 for p in fixed if p.started and p.started.year == y)
            n_gen, ss_gen = n - len(fixed), ss - fixed_ss
            kinds = ["ss"] * ss_gen + _split_kinds(rng, y, n_gen - ss_gen)
            rng.shuffle(kinds)
            batch = [generic(y, k) for k in kinds]
            for p in fixed:  # seed-adjacent synthetic figures, official
                if p.inv_c == -1:
                    p.inv_c = _money(rng, False)
                if p.out_c == -1:
                    p.out_c, p.tax_w = _output_tax(rng, p.inv_c, p.chain)
                if p.synthetic:
                    p.official = rng.choice(officials)
            batch += fixed
            if z.zone_id == YANHU and y == 2021:  # 35 known amounts must add up to exactly 179.78 亿元
                priced = [p for p in batch if p.inv_c is not None]
                for p, v in zip(priced, _scale_to_total(rng, [p.inv_c for p in priced], 17978), strict=True):
                    p.inv_c = v
                    if p.synthetic:
                        p.out_c, p.tax_w = _output_tax(rng, v, p.chain)
            zone_projects += batch
        # in negotiation: no dates at all
        for _ in range(rng.randint(1, 4 if z.national else 3)):
            p = generic(PARTIAL_YEAR, "pending")
            p.signed = p.started = p.production = None
            p.status, p.note = "在谈", rng.choice(("", "", "多轮洽谈中", "已考察对接", "拟于近期签约"))
            zone_projects.append(p)
        for d in seeds.get(0, []):
            zone_projects.append(Project(0, z, d["name"], d["investor"], d["origin"], SEED_CHAIN, None,
                                         None, None, None, "在谈", None, None, note=d["note"],
                                         synthetic=d["synthetic"]))
        if z.zone_id == YANHU:
            _plant_terminated_headliners(zone_projects)
        # order like a real ledger: by signing date, talks last; then number them
        zone_projects.sort(key=lambda p: (p.signed is None, p.signed or date.max, p.name))
        for i, p in enumerate(zone_projects, 1):
            p.seq = i
            p.zone_label = "盐湖高新区" if z.zone_id == YANHU else label_rng.choice(z.spellings)
        projects += zone_projects
    _assign_chain_leaders(projects, zones, _rng("chain-leaders"))
    return projects


def _plant_terminated_headliners(zone_projects: list[Project]) -> None:
    """In TERMINATED_HEADLINE_YEARS the zone's largest signing was later 终止 (it must never headline a report)."""
    for y in TERMINATED_HEADLINE_YEARS:
        in_year = [p for p in zone_projects if p.signed and p.signed.year == y and p.status != "在谈"]
        movable = [p for p in in_year if p.synthetic and (p.started is None or p.started.year < LAST_YEAR)]
        p = max(movable, key=lambda p: (p.started is None, p.inv_c or 0, p.name))
        p.inv_c = min(3000, max(q.inv_c or 0 for q in in_year) + 150)
        p.started = p.production = None
        p.status, p.note = "终止", NOTES_STOPPED[0]


def _assign_chain_leaders(projects: list[Project], zones: list[Zone], rng: random.Random) -> None:
    """A few other zones get a synthetic 链主 that brought later projects of its chain."""
    for zid in ("G141004", "G142057", "G141062", "S147018", "G141061", "S147022"):
        zp = [p for p in projects if p.zone.zone_id == zid and p.signed and p.status in ("开工", "投产")
              and YEARS[0] <= p.signed.year <= YEARS[3]]
        if not zp:
            continue
        def followers_of(leader: Project, zid: str = zid) -> list[Project]:
            return [p for p in projects if p.zone.zone_id == zid and p.chain == leader.chain and p.signed
                    and p.signed > leader.signed and p is not leader and not p.leader]

        # the biggest project that has later ones of its chain to bring in (else the biggest)
        leader = max(zp, key=lambda p: (len(followers_of(p)) >= 3, p.inv_c or 0, p.project_id))
        followers = followers_of(leader)
        for p in followers[: rng.randint(3, 5)]:
            p.leader = leader.investor
            if not p.note:
                p.note = "以商招商（链主引荐）"


# ---- file 01 figures ------------------------------------------------------------------------
def derive_from_ledger(projects: list[Project], zones: list[Zone]) -> dict[tuple[str, int], dict[str, float]]:
    """Zone-year figures in file 01's units (个, 万元), the way ledger_indicator_values computes them."""
    out = {}
    for z in zones:
        for y in YEARS:
            signed = [p for p in projects if p.zone is z and p.counts_as_signed and p.signed.year == y]
            out[(z.zone_id, y)] = {
                "signed_projects": len(signed),
                "signed_investment": float(sum(p.inv_c for p in signed if p.inv_c is not None) * 100),
                "signed_started_projects": sum(1 for p in signed if p.started and p.started.year == y),
                "started_projects": sum(1 for p in projects if p.zone is z and p.started and p.started.year == y),
                "projected_output": float(sum(p.out_c for p in signed if p.out_c is not None) * 100),
                "projected_tax": float(sum(p.tax_w for p in signed if p.tax_w is not None)),
            }
    return out


def reported_figures(derived, zones: list[Zone]) -> dict[tuple[str, int], dict[str, float | None]]:
    rng = _rng("file01-gaps")
    reported = {k: dict(v) for k, v in derived.items()}
    del reported[(YANHU, 2021)]  # the seed file supplies it
    planted = {(d.zone_id, d.year, d.indicator) for d in PLANTED_DISCREPANCIES}
    for d in PLANTED_DISCREPANCIES:
        reported[(d.zone_id, d.year)][d.indicator] += d.delta
    candidates = [(z.zone_id, y, ind) for z in zones if z.zone_id != YANHU for y in YEARS
                  for ind in ("signed_investment", "started_projects", "projected_output", "projected_tax",
                              "signed_projects", "signed_started_projects")
                  if (z.zone_id, y, ind) not in planted
                  and not (y == 2021 and ind in ("signed_projects", "signed_started_projects"))]
    weights = {"signed_investment": 1, "started_projects": 3, "projected_output": 4, "projected_tax": 5,
               "signed_projects": 1, "signed_started_projects": 1}
    chosen: list[tuple[str, int, str]] = []
    while len(chosen) < 9:
        c = _weighted(rng, [(c, weights[c[2]]) for c in candidates])
        if c not in chosen:
            chosen.append(c)
    for zid, y, ind in chosen:
        reported[(zid, y)][ind] = None
    return reported


# ---- enterprises ----------------------------------------------------------------------------
INCUBATORS = {("G142005", 2015): 1, ("G142057", 2016): 1, ("G141062", 2017): 1, ("G142005", 2018): 1,
              ("G141004", 2019): 1, ("G141060", 2020): 1, (YANHU, 2021): 1}
LITTLE_GIANTS = (("G142005", 2019), ("G142005", 2020), ("G141004", 2019), ("G142057", 2020),
                 ("G141062", 2020), ("S147018", 2021), ("G141061", 2021), ("G142005", 2021), (YANHU, 2020))


def enterprise_counts(zones: list[Zone]) -> dict[tuple[str, int, str], int]:
    rng = _rng("enterprise-counts")
    f_four = {2015: .7, 2016: .75, 2017: .8, 2018: .85, 2019: .9, 2020: .8, 2021: 1.0}
    f_srdi = {2015: .1, 2016: .15, 2017: .2, 2018: .3, 2019: .4, 2020: .6, 2021: 1.0}
    f_tech = {2015: .6, 2016: .65, 2017: .7, 2018: .75, 2019: .8, 2020: .85, 2021: 1.0}
    base_tech = {"G142005": 55, "G142057": 18, "G141004": 24, YANHU: 8}
    out = {}
    for z in zones:
        big = z.zone_id in TOP2_2021
        for y in YEARS:
            four = (26 if big else 16 if z.national else 14 if z.zone_id == YANHU else 6) * f_four[y]
            srdi = (4.5 if big else 3 if z.national else 2 if z.zone_id == YANHU else 1.3) * f_srdi[y]
            ii = 1.6 if z.national else 0.8
            tech = base_tech.get(z.zone_id, 9 if z.national else 3) * f_tech[y]
            c = {
                "四上企业": max(1, round(four * rng.uniform(0.7, 1.3))),
                "专精特新中小企业": max(0, round(srdi * rng.uniform(0.5, 1.5))),
                "两化融合管理体系贯标": max(0, round(ii * rng.uniform(0.3, 1.9))),
                "高新技术企业": max(0, round(tech * rng.uniform(0.7, 1.3))),
                "国家级科技企业孵化器": INCUBATORS.get((z.zone_id, y), 0),
            }
            if z.zone_id == "G143011":  # 综保区: few
                c["四上企业"] = max(1, c["四上企业"] // 3)
            if (z.zone_id, y) == (YANHU, 2021):
                c.update(YANHU_2021_ENTERPRISES)
            c['专精特新"小巨人"'] = sum(1 for k in LITTLE_GIANTS if k == (z.zone_id, y))
            for cat, v in c.items():
                out[(z.zone_id, y, cat)] = v
    return out


def enterprise_list(zones: list[Zone], counts) -> list[tuple[str, Zone, str, int, bool]]:
    """(企业名称, zone, 认定类别, 认定年份, synthetic) — unique per (name, zone, category)."""
    rng = _rng("enterprise-list")
    namer = Namer(_rng("enterprise-names"))
    rows = []
    for z in zones:
        seen: dict[str, list[str]] = {cat: [] for cat in CATEGORIES}  # category -> firms (ordered)
        srdi_by_year: list[tuple[int, str]] = []
        for y in YEARS:
            for cat in ("四上企业", "高新技术企业", "专精特新中小企业", "两化融合管理体系贯标",
                        "国家级科技企业孵化器", '专精特新"小巨人"'):
                for _ in range(counts[(z.zone_id, y, cat)]):
                    synthetic = True
                    if cat == "国家级科技企业孵化器":
                        if (z.zone_id, y) == (YANHU, 2021):
                            name, synthetic = "网易", False
                        else:
                            stem = z.city_stem
                            name = namer.unique(lambda stem=stem: f"{stem}{namer.brand()}科技企业孵化器有限公司")
                    elif cat == '专精特新"小巨人"':
                        pool = [n for yy, n in srdi_by_year if yy < y and n not in seen[cat]]
                        name = rng.choice(pool) if pool else namer.firm(rng.choice(z.chains), z.city_stem)
                    else:
                        reuse_p = {"四上企业": 0.0, "高新技术企业": 0.25, "专精特新中小企业": 0.5,
                                   "两化融合管理体系贯标": 0.5}[cat]
                        pool = [n for other in ("四上企业", "高新技术企业") if other != cat
                                for n in seen[other] if n not in seen[cat]]
                        if pool and rng.random() < reuse_p:
                            name = rng.choice(pool)
                        else:
                            place = rng.choice((z.city_stem, "山西", ""))
                            name = namer.firm(_chain(rng, z), place)
                    seen[cat].append(name)
                    if cat == "专精特新中小企业":
                        srdi_by_year.append((y, name))
                    rows.append((name, z, cat, y, synthetic))
    order = {c: i for i, c in enumerate(CATEGORIES)}
    zorder = {z.zone_id: i for i, z in enumerate(zones)}
    rows.sort(key=lambda r: (order[r[2]], r[3], zorder[r[1].zone_id]))
    return rows


# ---- targets --------------------------------------------------------------------------------
def build_targets(zones: list[Zone], derived, counts) -> list[tuple[Zone, int, str, str, float]]:
    rng = _rng("targets")
    out = []
    for z in zones:
        for y in TARGET_YEARS:
            for ind, unit in TARGET_INDICATORS:
                ay = min(y, LAST_YEAR)
                actual = {
                    "签约项目数": derived[(z.zone_id, ay)]["signed_projects"],
                    "签约项目总投资": derived[(z.zone_id, ay)]["signed_investment"] / 10000,
                    '新培育"四上"企业数': counts[(z.zone_id, ay, "四上企业")],
                    "专精特新企业数": counts[(z.zone_id, ay, "专精特新中小企业")],
                }[ind]
                f = rng.uniform(1.05, 1.2) if y > LAST_YEAR else rng.uniform(0.85, 1.17)
                if (z.zone_id, y) == (YANHU, 2021):  # the article's year: 盐湖 beat its targets
                    f = 0.85
                t = actual * f
                if unit == "亿元":
                    value = float(round(t / 5) * 5) if t >= 100 else float(round(t))
                    value = max(value, 5.0)
                else:
                    value = float(max(1, round(t)))
                out.append((z, y, ind, unit, value))
    return out


# ---- chain links (file 06) --------------------------------------------------------------------
CHAIN_LINK_HEADER = ("所属开发区", "链主企业", "引进企业", "关系", "招商方式", "引荐企业", "产业链", "项目名称", "备注",
                     "是否模拟")
PARTNER_RELATIONS = ("上游供应商", "下游客户", "业务伙伴", "配套企业")


def _seed_chain_links() -> list[tuple[str, ...]]:
    """What the article says: 宏明 brought its business partner 凯丰 (以企招企); their joint base drew 久特, CCS
    and 长实 (以商招商). Real, so 是否模拟 = 否; no invented project names or links in these rows. The two
    negotiations are tied to the 宏明 chain by us (the article does not say who found them): synthetic."""
    base = "宏明空调全产业链生产基地"
    rows = [("盐湖高新区", HONGMING, "山东凯丰节能科技有限公司", "业务伙伴", "以企招企", "", SEED_CHAIN, "",
             "宏明与凯丰长期业务往来；2021年9月赴山东商谈，10月凯丰来区考察，共建" + base, REAL)]
    for firm in ("湖北久特电机组装总成分厂", "CCS流体冷却技术有限公司", "深圳长实流体设备有限公司"):
        rows.append(("盐湖高新区", HONGMING, firm, "慕名入驻", "以商招商", "山东凯丰节能科技有限公司", SEED_CHAIN, "",
                     "宏明与凯丰“强强联合”后慕名入驻" + base, REAL))
    rows.append(("盐湖高新区", HONGMING, "天津亨通制冷机电有限公司", "洽谈中", "以企招企", "", SEED_CHAIN,
                 "年产100台套装配式及集成式高效节能装备项目", "计划采取“云签约”方式", SYN))
    rows.append(("盐湖高新区", HONGMING, "美的集团", "洽谈中", "以企招企", "", SEED_CHAIN, "美的集团项目（洽谈中）",
                 "积极争取中", SYN))
    return rows


def build_chain_links(projects: list[Project]) -> list[tuple[str, ...]]:
    """File 06: the seed chain, the synthetic 链主 of the ledger with who introduced whom, a second 盐湖 链主
    declared only here, and a few firms still in talks. Keys (开发区, 链主企业, 引进企业) are unique."""
    rng = _rng("chain-links")
    namer = Namer(_rng("chain-link-names"))
    namer.used.update(p.investor for p in projects)
    rows = _seed_chain_links()
    by_zone: dict[str, list[Project]] = {}
    for p in projects:
        by_zone.setdefault(p.zone.zone_id, []).append(p)

    # a second 链主 in 盐湖高新区, declared only in the chain-links file
    yanhu = by_zone[YANHU]
    candidates = [p for p in yanhu if p.synthetic and p.chain != SEED_CHAIN and p.status in ("开工", "投产")
                  and p.signed and p.signed.year <= YEARS[3] and not p.leader]
    second = max(candidates, key=lambda p: (p.inv_c or 0, p.project_id))
    followers = [p for p in yanhu if p.synthetic and p.chain == second.chain and p.signed and p.signed > second.signed
                 and not p.leader and p is not second and p.investor != second.investor]
    leaders = [(second, followers[:6])]
    for zid in sorted({p.zone.zone_id for p in projects if p.leader and p.zone.zone_id != YANHU}):
        zone_projects = by_zone[zid]
        for name in sorted({p.leader for p in zone_projects if p.leader}):
            leader = next(p for p in zone_projects if p.investor == name)
            leaders.append((leader, [p for p in zone_projects if p.leader == name]))
    for leader, followers in leaders:
        seen: list[Project] = []
        for p in sorted(followers, key=lambda p: (p.signed, p.project_id)):
            if p.investor in {q.investor for q in seen} or p.investor == leader.investor:
                continue  # one row per (链主, 引进企业)
            introducer = rng.choice(seen) if seen and rng.random() < 0.45 else None
            mode = "以商招商" if introducer else "以企招企"
            relation = "慕名入驻" if introducer and rng.random() < 0.4 else rng.choice(PARTNER_RELATIONS)
            rows.append((p.zone_label, leader.investor, p.investor, relation, mode,
                         introducer.investor if introducer else "", p.chain, p.name, "", SYN))
            seen.append(p)
        for _ in range(rng.randint(1, 2)):  # firms the 链主 is still courting: no project yet
            introducer = rng.choice(seen) if seen and rng.random() < 0.5 else None
            firm = namer.investor(leader.chain, _weighted(rng, OUTSIDE_ORIGINS))
            rows.append((leader.zone_label, leader.investor, firm, "洽谈中", "以商招商" if introducer else "以企招企",
                         introducer.investor if introducer else "", leader.chain, "", "多轮洽谈中", SYN))
    return rows


# ---- weekly dispatch ledgers (files 07, 08) ---------------------------------------------------
DISPATCH_HEADER = ("项目编号", "项目名称", "所属开发区", "投资方", "投资方所在地", "产业链", "总投资（亿元）", "签约日期",
                   "开工日期", "计划投产日期", "投产日期", "项目状态", "预计年产值（亿元）", "预计利税（万元）", "链主企业",
                   "包联领导", "更新日期", "备注", "是否模拟")
PROGRESS_NOTES = ("主体结构施工中", "设备安装调试中", "厂房已封顶", "正在办理施工许可", "专班服务跟进中", "配套设施建设中",
                  "试生产准备中", "钢结构安装中")
SIGNED_NOTES = ("正在办理土地手续", "环评审批中", "前期手续办理中", "待资金到位", "规划设计方案审查中")


def _planned(rng: random.Random, p: Project, started: date, week1: date) -> date:
    """计划投产日期 as the first dispatch ledger states it: most ahead, some just past, some long past."""
    if p.investor == "深圳长实流体设备有限公司":
        return date(PARTIAL_YEAR, 12, 30)
    r = rng.random()
    if r < 0.62:
        planned = _rand_date(rng, week1 + timedelta(days=17), week1 + timedelta(days=412))
    elif r < 0.8:
        planned = _rand_date(rng, week1 - timedelta(days=76), week1 + timedelta(days=6))
    else:
        planned = _rand_date(rng, week1 - timedelta(days=409), week1 - timedelta(days=86))
    return max(planned, started + timedelta(days=120))


def build_dispatch(projects: list[Project]) -> list[list[DispatchRow]]:
    """The projects under way (签约/开工, synthetic) as the two weekly dispatch ledgers of 2022 show them: those
    of the year-end ledger still under way, and the year's new signings up to each dispatch day."""
    rng = _rng("dispatch")
    week1, week2 = DISPATCH_DAYS
    stale_from, stale_to = LEDGER_CUTOFF + timedelta(days=5), week1 - timedelta(days=27)
    officials: dict[str, list[str]] = {}
    for p in projects:
        if p.official:
            officials.setdefault(p.zone.zone_id, [])
            if p.official not in officials[p.zone.zone_id]:
                officials[p.zone.zone_id].append(p.official)
    first: list[DispatchRow] = []
    for p in projects:
        if not p.synthetic or p.signed is None or p.signed > week1:
            continue
        if p.signed <= LEDGER_CUTOFF and state_at(p, LEDGER_CUTOFF)[2] not in ("签约", "开工"):
            continue  # finished or stopped by the year-end ledger: not under dispatch
        started, production, status = state_at(p, week1)
        planned, note = None, p.note
        if status == "签约":
            if p.signed.year <= PARTIAL_YEAR - 3 and rng.random() < 0.5:
                status, note = "终止", "长期未开工，经研究终止合作"
            elif not note or p.signed > LEDGER_CUTOFF:
                note = rng.choice(SIGNED_NOTES)
        elif status == "投产":
            planned, note = production + timedelta(days=rng.randint(-20, 30)), "已竣工投产"
        else:
            planned = _planned(rng, p, started, week1)
            if planned <= week1 - timedelta(days=10) and rng.random() < 0.15:
                status = "投产"
                production = max(started + timedelta(days=30), min(planned + timedelta(days=rng.randint(0, 20)),
                                                                   week1 - timedelta(days=1)))
                note = "已竣工投产"
            else:
                note = rng.choice(PROGRESS_NOTES)
        stale = p.signed <= LEDGER_CUTOFF and rng.random() < 0.12
        updated = (_rand_date(rng, stale_from, stale_to) if stale
                   else _rand_date(rng, week1 - timedelta(days=1), week1))
        updated = max(updated, p.signed, started or p.signed)
        first.append(DispatchRow(p, status, started, production, planned, updated, p.official, note))
    second: list[DispatchRow] = []
    for row in first:
        if row.status not in ("签约", "开工"):
            continue  # finished or stopped: off the dispatch list
        new = DispatchRow(row.project, row.status, row.started, row.production, row.planned, row.updated,
                          row.official, row.note)
        if row.updated < week1 - timedelta(days=20) and rng.random() < 0.7:
            second.append(new)  # still nobody has reported on it
            continue
        new.updated = _rand_date(rng, week2 - timedelta(days=1), week2)
        p = row.project
        if row.status == "签约" and p.started and week1 < p.started <= week2:
            new.status, new.started, new.note = "开工", p.started, "本周开工"
            new.planned = _planned(rng, p, p.started, week1)
        elif row.status == "开工" and row.planned <= week2 and rng.random() < 0.25:
            new.status, new.note = "投产", "已竣工投产"
            new.production = max(row.started + timedelta(days=30), _rand_date(rng, week2 - timedelta(days=6), week2))
        elif row.status == "开工" and rng.random() < 0.05:
            new.planned = row.planned + timedelta(days=rng.randint(60, 180))
            new.note = "受设备到货影响，计划投产日期顺延"
        elif row.status == "签约" and p.signed <= LEDGER_CUTOFF and rng.random() < 0.03:
            new.status, new.note = "终止", "投资方战略调整，终止合作"
        elif rng.random() < 0.12:
            new.note = rng.choice(PROGRESS_NOTES if row.status == "开工" else SIGNED_NOTES)
        if rng.random() < 0.02 and len(officials.get(p.zone.zone_id, [])) > 1:
            new.official = rng.choice([o for o in officials[p.zone.zone_id] if o != row.official])
        second.append(new)
    for p in projects:  # signed between the two dispatch days: first reported in the second
        if p.synthetic and p.signed and week1 < p.signed <= week2:
            started, production, status = state_at(p, week2)
            planned = _planned(rng, p, started, week1) if started else None
            note = rng.choice(PROGRESS_NOTES if started else SIGNED_NOTES)
            second.append(DispatchRow(p, status, started, production, planned,
                                      _rand_date(rng, week2 - timedelta(days=1), week2), p.official, note))
    return [first, second]


# ---- build everything -----------------------------------------------------------------------
def build(zones: list[Zone] | None = None) -> Demo:
    zones = zones or load_zones()
    plan = plan_counts(zones)
    projects = build_ledger(zones, plan)
    derived = derive_from_ledger(projects, zones)
    reported = reported_figures(derived, zones)
    counts = enterprise_counts(zones)
    demo = Demo(zones, plan, projects, reported, derived, counts)
    demo.enterprises = enterprise_list(zones, counts)
    demo.targets = build_targets(zones, derived, counts)
    demo.chain_links = build_chain_links(projects)
    demo.dispatch = build_dispatch(projects)
    return demo


# =============================================================================================
# writers
def _csv_bytes(rows, encoding: str, lineterminator: str) -> bytes:
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator=lineterminator)
    w.writerows(rows)
    return buf.getvalue().encode(encoding)


def _save_xlsx(wb: Workbook, path: Path) -> None:
    """Save with fixed document timestamps and zip entry times, so reruns give identical bytes."""
    wb.properties.creator = "devzone etl.demo_sources"
    wb.properties.created = FIXED_TIMESTAMP
    buf = io.BytesIO()
    wb.save(buf)
    stamp = FIXED_TIMESTAMP.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)", rb"\g<1>" + stamp + rb"\g<2>",
                              data)
            zi = zipfile.ZipInfo(info.filename, date_time=FIXED_TIMESTAMP.timetuple()[:6])
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            dst.writestr(zi, data)
    path.write_bytes(out.getvalue())


def write_seed(out_dir: Path) -> Path:
    rows = [("开发区", "年份", "指标", "数值", "单位", "来源", "是否模拟")]
    rows += [("运城盐湖高新技术产业开发区", "2021", ind, val, unit, SEED_SOURCE, REAL) for ind, val, unit in SEED_FACTS]
    path = out_dir / F_SEED
    path.write_bytes(_csv_bytes(rows, "utf-8-sig", "\r\n"))
    return path


def _fmt_count_text(rng: random.Random, v: int) -> str:
    return rng.choice((f" {v} ", f"{v} ", f" {v}"))


def write_investment(out_dir: Path, demo: Demo) -> Path:
    rng = _rng("file01-cells")
    wb = Workbook()
    wb.remove(wb.active)
    ncol = len(INVEST_COLUMNS)
    for y in YEARS:
        ws = wb.create_sheet(str(y))
        ws.cell(1, 1, f"{y}年全省开发区招商引资主要指标完成情况表").font = Font(bold=True, size=14)
        ws.cell(1, 1).alignment = Alignment(horizontal="center")
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=ncol)
        ws.cell(2, 1, "单位：个、万元")
        for c, (h, _) in enumerate(INVEST_COLUMNS, 1):
            ws.cell(3, c, h).font = Font(bold=True)
            ws.cell(3, c).alignment = Alignment(horizontal="center", wrap_text=True)
        r, seq = 4, 0
        for z in demo.zones:
            if (z.zone_id, y) not in demo.reported:
                continue
            seq += 1
            vals = demo.reported[(z.zone_id, y)]
            ws.cell(r, 1, seq)
            ws.cell(r, 2, rng.choice(z.spellings))
            for c, (_, ind) in enumerate(INVEST_COLUMNS[2:-1], 3):
                v = vals[ind]
                if v is None:
                    cell = ws.cell(r, c, rng.choice(("—", "—", "/")))
                elif ind in MONEY_INDICATORS:
                    if rng.random() < 0.1:
                        text = f"{v:,.2f}"
                        cell = ws.cell(r, c, f" {text}" if rng.random() < 0.3 else text)
                    else:
                        cell = ws.cell(r, c, round(v, 2))
                        cell.number_format = "#,##0.00"
                else:
                    cell = ws.cell(r, c, _fmt_count_text(rng, int(v)) if rng.random() < 0.05 else int(v))
                cell.alignment = Alignment(horizontal="right")
            ws.cell(r, ncol, SYN)
            r += 1
        r += 1  # blank spacer row
        notes = (("注：1.签约项目总投资、预计年产值、预计利税单位为万元；2.“—”“/”表示未报送；"
                 "3.当年签约并开工项目数指当年签约且当年开工的项目；4.本表为模拟数据，仅供演示。"),
                 "数据来源：各开发区管委会报送（模拟数据）")
        for text in notes:
            ws.cell(r, 1, text)
            ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=ncol)
            r += 1
        for col, width in zip("ABCDEFGHI", (6, 28, 12, 18, 14, 12, 18, 16, 9), strict=True):
            ws.column_dimensions[col].width = width
        ws.row_dimensions[3].height = 32
    path = out_dir / F_INVEST
    _save_xlsx(wb, path)
    return path


def write_cultivation(out_dir: Path, demo: Demo) -> Path:
    rng = _rng("file02-cells")
    ncol = 2 + len(CULTIVATION_COLUMNS) + 1
    pad = [""] * (ncol - 1)
    rows = [[f"{YEARS[0]}—{LAST_YEAR}年全省开发区企业培育情况", *pad], ["单位：家", *pad],
            ["开发区", "年份", *(h for h, _ in CULTIVATION_COLUMNS), "是否模拟"]]
    for z in demo.zones:
        for y in YEARS:
            if (z.zone_id, y) == (YANHU, 2021):
                continue  # the seed file supplies 盐湖高新区 2021
            row = [rng.choice(z.spellings), str(y)]
            for _, cat in CULTIVATION_COLUMNS:
                v = demo.enterprise_counts[(z.zone_id, y, cat)]
                r = rng.random()
                if z.zone_id != YANHU and r < 0.025:
                    row.append("—")
                elif r > 0.985:
                    row.append(f" {v} ")
                else:
                    row.append(str(v))
            row.append(SYN)
            rows.append(row)
    rows.append(["注：模拟数据，仅供演示。", *pad])
    path = out_dir / F_CULTIVATION
    path.write_bytes(_csv_bytes(rows, "gbk", "\r\n"))
    return path


def _date_cell(ws, r: int, c: int, d: date | None, rng: random.Random) -> None:
    if d is None:
        return
    x = rng.random()
    if x < 0.04:
        ws.cell(r, c, f"{d.year}年{d.month}月{d.day}日")
    elif x < 0.08:
        ws.cell(r, c, f"{d.year}/{d.month}/{d.day}")
    elif x < 0.11:
        ws.cell(r, c, d.isoformat())
    else:
        ws.cell(r, c, datetime(d.year, d.month, d.day)).number_format = "yyyy-mm-dd"


def in_ledger(projects: list[Project]) -> list[Project]:
    """The projects file 03 (the year-end ledger) lists: those signed by LEDGER_CUTOFF and those in talks."""
    return [p for p in projects if p.signed is None or p.signed <= LEDGER_CUTOFF]


def write_ledger(out_dir: Path, demo: Demo) -> Path:
    rng = _rng("ledger-cells")
    wb = Workbook()
    ws = wb.active
    ws.title = "项目台账"
    ncol = len(LEDGER_HEADER)
    ws.cell(1, 1, f"开发区重点招商引资项目台账（截至{LEDGER_CUTOFF.year}年{LEDGER_CUTOFF.month}月{LEDGER_CUTOFF.day}日）").font = Font(bold=True, size=14)
    ws.cell(1, 1).alignment = Alignment(horizontal="center")
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=ncol)
    for c, h in enumerate(LEDGER_HEADER, 1):
        ws.cell(2, c, h).font = Font(bold=True)
    for r, p in enumerate(in_ledger(demo.projects), 3):
        started, production, status = state_at(p, LEDGER_CUTOFF)
        ws.cell(r, 1, p.project_id)
        ws.cell(r, 2, p.name)
        ws.cell(r, 3, p.zone_label)
        ws.cell(r, 4, p.investor)
        ws.cell(r, 5, p.origin or None)
        ws.cell(r, 6, p.chain)
        if p.inv_c is not None:
            ws.cell(r, 7, p.inv_c / 100).number_format = "0.00"
        _date_cell(ws, r, 8, p.signed, rng)
        _date_cell(ws, r, 9, started, rng)
        _date_cell(ws, r, 10, production, rng)
        ws.cell(r, 11, status)
        if p.out_c is not None:
            ws.cell(r, 12, p.out_c / 100).number_format = "0.00"
        if p.tax_w is not None:
            ws.cell(r, 13, p.tax_w)
        ws.cell(r, 14, p.leader or None)
        ws.cell(r, 15, p.official or None)
        ws.cell(r, 16, p.note or None)
        ws.cell(r, 17, SYN if p.synthetic else REAL)
    widths = (15, 36, 16, 30, 12, 16, 10, 12, 12, 12, 8, 12, 10, 26, 22, 26, 8)
    for col, width in zip("ABCDEFGHIJKLMNOPQ", widths, strict=True):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "C3"
    path = out_dir / F_LEDGER
    _save_xlsx(wb, path)
    return path


def write_enterprises(out_dir: Path, demo: Demo) -> Path:
    rng = _rng("file04-labels")
    rows = [("企业名称", "所属开发区", "认定类别", "认定年份", "是否模拟")]
    for name, z, cat, y, synthetic in demo.enterprises:
        label = rng.choice(z.spellings)
        if (z.zone_id, y, name) == (YANHU, 2021, "网易"):
            label = "运城盐湖高新技术产业开发区"
        rows.append((name, label, cat, str(y), SYN if synthetic else REAL))
    path = out_dir / F_ENTERPRISES
    path.write_bytes(_csv_bytes(rows, "utf-8", "\n"))
    return path


def write_targets(out_dir: Path, demo: Demo) -> Path:
    rng = _rng("file05-labels")
    wb = Workbook()
    ws = wb.active
    ws.title = "年度目标"
    header = ("开发区", "年份", "指标", "目标值", "单位", "是否模拟")
    ws.cell(1, 1, f"{TARGET_YEARS[0]}—{TARGET_YEARS[-1]}年全省开发区年度目标任务表").font = Font(bold=True, size=14)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    for c, h in enumerate(header, 1):
        ws.cell(2, c, h).font = Font(bold=True)
    r = 3
    for z, y, ind, unit, value in demo.targets:
        ws.cell(r, 1, rng.choice(z.spellings))
        ws.cell(r, 2, y)
        ws.cell(r, 3, ind)
        ws.cell(r, 4, int(value) if value == int(value) else value)
        ws.cell(r, 5, unit)
        ws.cell(r, 6, SYN)
        r += 1
    r += 1
    ws.cell(r, 1, "注：模拟数据，仅供演示。")
    for col, width in zip("ABCDEF", (28, 8, 22, 10, 8, 9), strict=True):
        ws.column_dimensions[col].width = width
    path = out_dir / F_TARGETS
    _save_xlsx(wb, path)
    return path


def write_chain_links(out_dir: Path, demo: Demo) -> Path:
    path = out_dir / F_CHAIN_LINKS
    path.write_bytes(_csv_bytes([CHAIN_LINK_HEADER, *demo.chain_links], "utf-8-sig", "\r\n"))
    return path


def write_dispatch(out_dir: Path, demo: Demo, week: int) -> Path:
    rng = _rng(f"dispatch-cells-{week}")
    day = DISPATCH_DAYS[week]
    wb = Workbook()
    ws = wb.active
    ws.title = "周调度"
    ncol = len(DISPATCH_HEADER)
    ws.cell(1, 1, f"重点项目周调度台账（截至{day.year}年{day.month}月{day.day}日）").font = Font(bold=True, size=14)
    ws.cell(1, 1).alignment = Alignment(horizontal="center")
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=ncol)
    for c, h in enumerate(DISPATCH_HEADER, 1):
        ws.cell(2, c, h).font = Font(bold=True)
    for r, row in enumerate(demo.dispatch[week], 3):
        p = row.project
        ws.cell(r, 1, p.project_id)
        ws.cell(r, 2, p.name)
        ws.cell(r, 3, p.zone_label)
        ws.cell(r, 4, p.investor)
        ws.cell(r, 5, p.origin or None)
        ws.cell(r, 6, p.chain)
        if p.inv_c is not None:
            ws.cell(r, 7, p.inv_c / 100).number_format = "0.00"
        _date_cell(ws, r, 8, p.signed, rng)
        _date_cell(ws, r, 9, row.started, rng)
        _date_cell(ws, r, 10, row.planned, rng)
        _date_cell(ws, r, 11, row.production, rng)
        ws.cell(r, 12, row.status)
        if p.out_c is not None:
            ws.cell(r, 13, p.out_c / 100).number_format = "0.00"
        if p.tax_w is not None:
            ws.cell(r, 14, p.tax_w)
        ws.cell(r, 15, p.leader or None)
        ws.cell(r, 16, row.official or None)
        _date_cell(ws, r, 17, row.updated, rng)
        ws.cell(r, 18, row.note or None)
        ws.cell(r, 19, SYN)
    widths = (15, 36, 16, 30, 12, 16, 10, 12, 12, 12, 12, 8, 12, 10, 26, 22, 12, 26, 8)
    for col, width in zip("ABCDEFGHIJKLMNOPQRS", widths, strict=True):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "C3"
    path = out_dir / F_DISPATCH[week]
    _save_xlsx(wb, path)
    return path


def generate(out_dir: Path | str = DEMO_DIR) -> dict[str, Path]:
    """Build the demo and write every file of ALL_FILES into out_dir; returns {file name: path}."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    demo = build()
    paths = [write_seed(out_dir), write_investment(out_dir, demo), write_cultivation(out_dir, demo),
             write_ledger(out_dir, demo), write_enterprises(out_dir, demo), write_targets(out_dir, demo),
             write_chain_links(out_dir, demo), *(write_dispatch(out_dir, demo, w) for w in range(len(DISPATCH_DAYS)))]
    return {p.name: p for p in paths}


# =============================================================================================
# summary (computed from the files as written, not from memory)
def _num(v) -> float | None:
    if v is None:
        return None
    if isinstance(v, (int, float)):
        return float(v)
    s = str(v).strip().replace(",", "")
    if s in ("", "—", "-", "/"):
        return None
    return float(s)


def _zone_lookup(zones: list[Zone]) -> dict[str, str]:
    return {s: z.zone_id for z in zones for s in z.spellings}


def summary(out_dir: Path | str = DEMO_DIR) -> str:
    from openpyxl import load_workbook

    out_dir = Path(out_dir)
    zones = load_zones()
    lookup = _zone_lookup(zones)
    short = {z.zone_id: z.short_name for z in zones}
    lines = ["files:"]
    total = 0
    for name in ALL_FILES:
        p = out_dir / name
        total += p.stat().st_size
        if name.endswith(".csv"):
            enc = "gbk" if name == F_CULTIVATION else "utf-8-sig"
            n = len(p.read_bytes().decode(enc).splitlines())
            lines.append(f"  {name:<34} {p.stat().st_size / 1024:8.1f} KB  {n} lines")
        else:
            wb = load_workbook(p, read_only=True)
            desc = ", ".join(f"{ws.title}:{ws.max_row} rows" for ws in wb.worksheets)
            lines.append(f"  {name:<34} {p.stat().st_size / 1024:8.1f} KB  {desc}")
    lines.append(f"  total {total / 1024:.1f} KB")

    # 2021 ranks: file 01 sheet 2021 + the seed file
    wb = load_workbook(out_dir / F_INVEST, data_only=True)
    ws = wb["2021"]
    vals: dict[str, tuple[float, float]] = {}
    for row in ws.iter_rows(min_row=4, values_only=True):
        if row[1] in lookup:
            vals[lookup[row[1]]] = (_num(row[2]), _num(row[4]))
    with open(out_dir / F_SEED, encoding="utf-8-sig", newline="") as fh:
        seed = {r["指标"]: float(r["数值"]) for r in csv.DictReader(fh)}
    vals[YANHU] = (seed["签约项目数"], seed["当年签约并开工项目数"])
    for i, label in ((0, "签约项目数"), (1, "当年签约并开工项目数")):
        top = sorted(vals.items(), key=lambda kv: -kv[1][i])[:5]
        lines.append(f"2021 top-5 {label}: " + ", ".join(f"{short[k]} {v[i]:g}" for k, v in top))

    # 盐湖 2021 in the ledger
    ws = load_workbook(out_dir / F_LEDGER, data_only=True)["项目台账"]
    rows = list(ws.iter_rows(min_row=3, values_only=True))
    n = inv = ss = 0
    for row in rows:
        signed, started = _parse_date(row[7]), _parse_date(row[8])
        if row[2] == "盐湖高新区" and signed and signed.year == 2021 and row[10] != "在谈":
            n += 1
            inv += round((_num(row[6]) or 0) * 100)
            ss += bool(started and started.year == 2021)
    lines.append(f"盐湖高新区 2021 in ledger: {n} signed, total {inv / 100:.2f} 亿元, {ss} signed & started"
                 f" (seed: 36 / 179.78 / 34); ledger rows {len(rows)}")
    lines.append("planted discrepancies in file 01:")
    lines += [f"  {d.zone_id} {d.year} {d.indicator} {d.delta:+g}: {d.why}" for d in PLANTED_DISCREPANCIES]
    return "\n".join(lines)


def _parse_date(v) -> date | None:
    if v is None or v == "":
        return None
    if isinstance(v, datetime):
        return v.date()
    if isinstance(v, date):
        return v
    m = re.fullmatch(r"\s*(\d{4})\s*[-/年.]\s*(\d{1,2})\s*[-/月.]\s*(\d{1,2})\s*日?\s*", str(v))
    if not m:
        raise ValueError(f"not a date: {v!r}")
    return date(int(m[1]), int(m[2]), int(m[3]))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m etl.demo_sources", description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=DEMO_DIR, help="output folder (default data/demo/)")
    ap.add_argument("--quiet", action="store_true", help="do not print the summary")
    args = ap.parse_args(argv)
    generate(args.out)
    if not args.quiet:
        print(summary(args.out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
