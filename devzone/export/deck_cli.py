"""`devzone-deck`: every meeting document from the command line — the deck, the 综述, the 月通报, the workbook.

    devzone-deck --zone 盐湖高新区 --year 2021 [--lang zh|en] --out deck.pptx      # 汇报材料 (PowerPoint)
    devzone-deck --zone 盐湖高新区 --year 2021 --format docx                       # 文字综述 / 情况汇报 (Word)
    devzone-deck --zone 盐湖高新区 --year 2021 --format xlsx                       # 数据表 (Excel)
    devzone-deck --province 山西省 --year 2021 --month 11 --out 月通报.pptx          # 月通报 (PowerPoint)
    devzone-deck --province 山西省 --format docx --out /srv/share/月通报/            # 月通报 (Word), last month with data

`--format` defaults to the extension of `--out`, else pptx. `--out` may be a folder (it ends with / or exists):
the file gets its usual name there. Without `--year`, a zone's latest year with figures; without `--month`
(and `--year`), the province's last month with a signing in the ledger.

Reads the database the dashboard reads (`--db`, else DEVZONE_DB, else data/devzone.duckdb).
A template in data/templates/*.pptx lends its master when present (`--template FILE` picks one,
`--no-template` ignores it). Exit status: 0 written, 1 nothing to write (unknown zone, no data,
unreadable database), 2 usage error.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from devzone import db
from devzone.export import bulletin, deck, month_notice, official, story, workbook, zone_report
from devzone.export import data as report_data

FORMATS = ("pptx", "docx", "xlsx")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="devzone-deck",
        description="生成汇报材料（PowerPoint）/ Write the meeting deck or the monthly bulletin as .pptx",
    )
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--zone", help="开发区：代码、简称或全称 / zone id, short or full name")
    target.add_argument("--province", help="月通报：省份，如 山西省 / monthly bulletin of a province")
    parser.add_argument("--year", type=int, help="年份 / year (default: the latest with data)")
    parser.add_argument("--month", type=int, help="月通报的月份 1–12 / month of the bulletin")
    parser.add_argument("--highlight", help="月通报中突出显示的开发区 / zone drawn in red in the bulletin")
    parser.add_argument("--lang", choices=("zh", "en"), default="zh", help="语言 / language (default zh)")
    parser.add_argument("--format", choices=FORMATS,
                        help="pptx 汇报材料/月通报, docx 文字综述/月通报 (Word), xlsx 数据表 (default: from --out, else pptx)")
    parser.add_argument("--out",
                        help="输出文件或文件夹 / output file or folder (default: the usual name in the current folder)")
    parser.add_argument("--db", help="数据库文件 / database file (default DEVZONE_DB or data/devzone.duckdb)")
    templates = parser.add_mutually_exclusive_group()
    templates.add_argument("--template", type=Path, help="PowerPoint 模板 / a .pptx whose master is used")
    templates.add_argument("--no-template", action="store_true", help="不使用 data/templates/ 中的模板")
    parser.add_argument("--font", default=deck.DEFAULT_FONT, help=f"字体 / typeface (default {deck.DEFAULT_FONT})")
    return parser


def _format(args) -> str:
    if args.format:
        return args.format
    suffix = Path(args.out).suffix.lower().lstrip(".") if args.out is not None else ""
    return suffix if suffix in FORMATS else "pptx"


def _target(out: str | None, name: str) -> Path:
    """`--out` as given; a folder (an existing one, or a path ending with /) gets the file's usual name."""
    if out is None:
        return Path(name)
    if Path(out).is_dir() or out.endswith(("/", "\\")):
        return Path(out) / name
    return Path(out)


def _zone_year(load, args) -> int | None:
    from devzone import queries

    if args.year is not None:
        return args.year
    history = load(queries.report_zone_history, args.zone_id)
    return None if history.empty else int(history["year"].max())


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    kind = _format(args)
    if args.province and args.month is None and args.year is not None:
        parser.error("--province with --year needs --month (月通报); give neither for the last month with data")
    if args.zone and args.month is not None:
        parser.error("--month goes with --province (月通报); a zone deck covers the whole year")
    if args.province and kind == "xlsx":
        parser.error("the 月通报 is written as pptx or docx; the workbook (xlsx) is made for a zone")
    if args.template is not None and not args.template.is_file():
        parser.error(f"template not found: {args.template}")
    started = time.perf_counter()
    try:
        load = report_data.direct_loader(args.db)
        if args.zone:
            args.zone_id = report_data.resolve_zone(load, args.zone)
            if args.zone_id is None:
                print(f"devzone-deck: 未找到开发区 / unknown zone: {args.zone}", file=sys.stderr)
                return 1
            year = _zone_year(load, args)
            zone_year = report_data.gather(load, args.zone_id, year) if year is not None else None
            if zone_year is None or not story.has_data(zone_year):
                print(f"devzone-deck: {args.zone} {args.year or ''} 暂无数据 / no figures for that year",
                      file=sys.stderr)
                return 1
            the_story = story.zone_story(zone_year, args.lang)
        else:
            highlight = None
            if args.highlight:
                zone_id = report_data.resolve_zone(load, args.highlight)
                highlight = report_data.zone_directory(load).label(zone_id) if zone_id else None
            if args.month is None:
                latest = month_notice.last_month(load, args.province)
                if latest is None:
                    print(f"devzone-deck: {args.province} 项目台账中没有签约项目 / no signed project in the ledger",
                          file=sys.stderr)
                    return 1
                args.year, args.month = latest
            month = bulletin.gather(load, args.province, args.year, args.month)
            the_story = bulletin.bulletin_story(month, args.lang, highlight=highlight)
    except db.DatabaseError as exc:
        print(f"devzone-deck: 数据库无法读取 / cannot read the database: {exc}", file=sys.stderr)
        return 1
    except (LookupError, ValueError) as exc:
        print(f"devzone-deck: {exc}", file=sys.stderr)
        return 1
    if kind == "docx":
        document = zone_report.build(zone_year, args.lang) if args.zone else month_notice.build(month, args.lang)
        content, name, what = official.render(document), document.file_name(), "Word"
    elif kind == "xlsx":
        content, name, what = workbook.zone_workbook(zone_year, the_story, args.lang), the_story.file_name("xlsx"), \
            "Excel"
    else:
        template = None if args.no_template else (args.template or deck.find_template())
        content, name = deck.render(the_story, template=template, font=args.font), deck.file_name(the_story)
        what = f"{len(the_story.slides)} slides, {len(the_story.charts())} charts"
    out = _target(args.out, name)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(content)
    print(f"{out}  ({what}, {time.perf_counter() - started:.2f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
