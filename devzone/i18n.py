"""Every UI string, in one table: key -> (中文, English). Chinese is the default language.

Strings may hold `{name}` placeholders filled from keyword arguments of `t()`.
Data values (zone names, indicator names) are not here: they come from the database.
"""
from __future__ import annotations

from typing import Literal

Lang = Literal["zh", "en"]
LANGUAGES: tuple[Lang, ...] = ("zh", "en")
DEFAULT_LANG: Lang = "zh"

STRINGS: dict[str, tuple[str, str]] = {
    # app shell
    "app.title": ("开发区经济指标看板", "Development Zone Indicators"),
    "app.subtitle": ("山西省开发区主要经济指标", "Key indicators of Shanxi development zones"),
    "nav.overview": ("总览", "Overview"),
    "nav.projects": ("招商引资", "Investment projects"),
    "nav.enterprises": ("企业培育", "Enterprises"),
    "nav.output_tax": ("产值税收", "Output & tax"),
    "nav.rankings": ("全省排名", "Provincial rankings"),
    "nav.data_quality": ("数据质量", "Data & sources"),
    "sidebar.zone": ("开发区", "Development zone"),
    "sidebar.zone_help": ("可输入名称搜索，如“盐湖”", "Type to search, e.g. 盐湖"),
    "sidebar.zone_none": ("暂无开发区数据", "No zones loaded"),
    "sidebar.year": ("年份", "Year"),
    "sidebar.year_none": ("暂无年度数据", "No yearly data loaded"),
    "sidebar.language": ("语言 / Language", "语言 / Language"),
    "sidebar.zone_caption": (
        "{zone_name}｜{city}｜{level}{zone_type}",
        "{zone_name} | {city} | {level} {zone_type}",
    ),
    "lang.zh": ("中文", "中文"),
    "lang.en": ("English", "English"),
    # database bootstrap
    "db.building_demo": (
        "首次运行：正在生成演示数据库（约需几秒）……",
        "First run: building the demo database (a few seconds)…",
    ),
    "db.build_failed": ("演示数据库生成失败：{error}", "Building the demo database failed: {error}"),
    "db.etl_unavailable": (
        "找不到数据库 {path}，且无法自动生成演示数据（{error}）。请运行 `python -m etl build-demo`。",
        "Database {path} not found and the demo cannot be built automatically ({error}). "
        "Run `python -m etl build-demo`.",
    ),
    "db.corrupt": (
        "数据库文件 {path} 无法读取（文件已损坏或不是本看板的数据库）。",
        "The database file {path} cannot be read (it is damaged or not a dashboard database).",
    ),
    "db.corrupt_detail": ("技术细节：{detail}", "Technical detail: {detail}"),
    "db.busy": (
        "数据库 {path} 正在被其他程序写入，请稍后刷新页面。",
        "The database {path} is being written by another program; refresh the page shortly.",
    ),
    "db.rebuild_hint": (
        "可以重新生成演示数据库。原文件不会被删除，而是改名保留为 {backup_name}（日期时间）。"
        "如需载入自己的数据，请使用 `python -m etl load 文件…`。",
        "You can rebuild the demo database. The current file is not deleted: it is kept as "
        "{backup_name} (date and time). "
        "To load your own data use `python -m etl load FILE…`.",
    ),
    "db.rebuild_button": ("重新生成演示数据库", "Rebuild the demo database"),
    # shared page furniture (devzone.ui.chart_panel and friends)
    "panel.source": ("数据来源：{source}", "Source: {source}"),
    "panel.synthetic_mark": ("（含模拟数据）", "(includes synthetic data)"),
    "panel.show_table": ("查看数据表", "Show the data table"),
    "panel.download_csv": ("下载 CSV", "Download CSV"),
    "panel.download_xlsx": ("下载 Excel", "Download Excel"),
    "panel.synthetic_banner": (
        "演示数据：除种子报道中的真实数字外，本页数值均为模拟数据，仅供演示，不代表任何开发区的实际情况。",
        "Demo data: apart from the figures in the seed article, values on this page are synthetic, "
        "for demonstration only, and describe no real zone.",
    ),
    # home page
    "home.title": ("数据概况", "Data overview"),
    "home.caption": ("看板当前载入的数据：{path}", "What the dashboard has loaded: {path}"),
    "home.updated": ("数据更新于 {when}", "Data updated {when}"),
    "home.synthetic_banner": (
        "演示数据：当前数据中 {share} 的指标数值为模拟生成，仅用于演示看板功能，不是官方统计数据，请勿引用。"
        "真实数值仅限种子材料（盐湖高新区 2021 年）中的数据。",
        "Demo data: {share} of the indicator values shown are synthetic, generated only to demonstrate "
        "the dashboard. They are not official statistics; do not quote them. Only the seed facts "
        "(盐湖高新区, 2021) are real.",
    ),
    "home.metric.zones": ("开发区", "Development zones"),
    "home.metric.zones_help": ("数据库中登记的开发区数量", "Zones registered in the database"),
    "home.metric.years": ("覆盖年份", "Years covered"),
    "home.metric.indicators": ("指标", "Indicators"),
    "home.metric.values": ("指标数值", "Indicator values"),
    "home.metric.projects": ("招商项目", "Investment projects"),
    "home.metric.synthetic_share": ("模拟数据占比", "Synthetic share"),
    "home.metric.synthetic_share_help": (
        "模拟（演示）数值占全部指标数值的比例",
        "Share of indicator values that are synthetic demo data",
    ),
    "home.selection": ("当前选择", "Current selection"),
    "home.selection_coverage": (
        "{zone}　{year}：已有 {available}/{total} 项指标数值",
        "{zone}, {year}: {available} of {total} indicators have a value",
    ),
    "home.selection_none": ("尚未选择开发区或年份。", "No zone or year selected."),
    "home.indicators": ("指标目录", "Indicator catalogue"),
    "home.indicators_caption": (
        "数值统一按目录中的计量单位存储。", "Values are stored in the catalogue unit."
    ),
    "home.loads": ("最近载入记录", "Recent loads"),
    "home.loads_empty": ("尚无载入记录。", "No loads recorded yet."),
    "home.empty_db": (
        "数据库中还没有任何指标数值。请使用 `python -m etl load 文件…` 载入报表。",
        "The database holds no indicator values yet. Load reports with `python -m etl load FILE…`.",
    ),
    # table column headings
    "col.indicator": ("指标", "Indicator"),
    "col.indicator_code": ("代码", "Code"),
    "col.unit": ("单位", "Unit"),
    "col.direction": ("排名方向", "Ranking"),
    "col.category": ("类别", "Category"),
    "col.values": ("数值条数", "Values"),
    "col.years": ("年份", "Years"),
    "col.synthetic_share": ("模拟占比", "Synthetic"),
    "col.loaded_at": ("载入时间", "Loaded at"),
    "col.file": ("文件", "File"),
    "col.sheet": ("工作表", "Sheet"),
    "col.rows": ("行数", "Rows"),
    "col.status": ("状态", "Status"),
    "col.sha256": ("文件指纹（SHA-256 前12位）", "File SHA-256 (first 12)"),
    # catalogue vocabularies
    "direction.higher": ("越高越好", "Higher is better"),
    "direction.lower": ("越低越好", "Lower is better"),
    "category.projects": ("招商引资", "Investment attraction"),
    "category.enterprises": ("企业培育", "Enterprise cultivation"),
    "category.output_tax": ("产值税收", "Output and tax"),
    "unit.亿元": ("亿元", "CNY 100 mn"),
    "unit.万元": ("万元", "CNY 10,000"),
    "unit.个": ("个", "count"),
    "unit.家": ("家", "enterprises"),
    "unit.项": ("项", "items"),
    "unit.%": ("%", "%"),
    "status.ok": ("成功", "OK"),
    "status.success": ("成功", "OK"),
    "status.loaded": ("已载入", "Loaded"),
    "status.rejected": ("已拒绝", "Rejected"),
    "status.demo": ("演示数据", "Demo data"),
    # generic
    "missing": ("—", "—"),
}


def normalise_lang(lang: str | None) -> Lang:
    return "en" if lang == "en" else "zh"


def t(key: str, lang: str | None = DEFAULT_LANG, /, **values: object) -> str:
    """The UI string `key` in `lang`, with `{placeholders}` filled from `values`.

    An unknown key is a programming error and raises KeyError (the app tests render every page).
    """
    zh, en = STRINGS[key]
    text = en if normalise_lang(lang) == "en" else zh
    return text.format(**values) if values else text


def t_or(key: str, fallback: str, lang: str | None = DEFAULT_LANG) -> str:
    """Like `t`, but for vocabularies coming from data (units, categories): unknown keys show `fallback`."""
    return t(key, lang) if key in STRINGS else fallback
