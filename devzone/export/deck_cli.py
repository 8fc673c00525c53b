"""`devzone-deck`: the PowerPoint deck of a zone and year, or the monthly bulletin of a province.

    devzone-deck --zone 盐湖高新区 --year 2021 [--lang zh|en] --out deck.pptx
    devzone-deck --province 山西省 --year 2021 --month 11 [--zone 盐湖高新区] --out 月通报.pptx

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
from devzone.export import bulletin, deck, story
from devzone.export import data as report_data


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="devzone-deck",
        description="生成汇报材料（PowerPoint）/ Write the meeting deck or the monthly bulletin as .pptx",
    )
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--zone", help="开发区：代码、简称或全称 / zone id, short or full name")
    target.add_argument("--province", help="月通报：省份，如 山西省 / monthly bulletin of a province")
    parser.add_argument("--year", type=int, required=True, help="年份 / year")
    parser.add_argument("--month", type=int, help="月通报的月份 1–12 / month of the bulletin")
    parser.add_argument("--highlight", help="月通报中突出显示的开发区 / zone drawn in red in the bulletin")
    parser.add_argument("--lang", choices=("zh", "en"), default="zh", help="语言 / language (default zh)")
    parser.add_argument("--out", type=Path, help="输出文件 / output .pptx (default: a name in the current folder)")
    parser.add_argument("--db", help="数据库文件 / database file (default DEVZONE_DB or data/devzone.duckdb)")
    templates = parser.add_mutually_exclusive_group()
    templates.add_argument("--template", type=Path, help="PowerPoint 模板 / a .pptx whose master is used")
    templates.add_argument("--no-template", action="store_true", help="不使用 data/templates/ 中的模板")
    parser.add_argument("--font", default=deck.DEFAULT_FONT, help=f"字体 / typeface (default {deck.DEFAULT_FONT})")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.province and args.month is None:
        parser.error("--province needs --month (月通报)")
    if args.zone and args.month is not None:
        parser.error("--month goes with --province (月通报); a zone deck covers the whole year")
    if args.template is not None and not args.template.is_file():
        parser.error(f"template not found: {args.template}")
    started = time.perf_counter()
    try:
        load = report_data.direct_loader(args.db)
        if args.zone:
            zone_id = report_data.resolve_zone(load, args.zone)
            if zone_id is None:
                print(f"devzone-deck: 未找到开发区 / unknown zone: {args.zone}", file=sys.stderr)
                return 1
            zone_year = report_data.gather(load, zone_id, args.year)
            if not story.has_data(zone_year):
                print(f"devzone-deck: {args.zone} {args.year} 暂无数据 / no figures for that year", file=sys.stderr)
                return 1
            the_story = story.zone_story(zone_year, args.lang)
        else:
            highlight = None
            if args.highlight:
                zone_id = report_data.resolve_zone(load, args.highlight)
                highlight = report_data.zone_directory(load).label(zone_id) if zone_id else None
            month = bulletin.gather(load, args.province, args.year, args.month)
            the_story = bulletin.bulletin_story(month, args.lang, highlight=highlight)
    except db.DatabaseError as exc:
        print(f"devzone-deck: 数据库无法读取 / cannot read the database: {exc}", file=sys.stderr)
        return 1
    except (LookupError, ValueError) as exc:
        print(f"devzone-deck: {exc}", file=sys.stderr)
        return 1
    template = None if args.no_template else (args.template or deck.find_template())
    content = deck.render(the_story, template=template, font=args.font)
    out = args.out or Path(deck.file_name(the_story))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(content)
    print(f"{out}  ({len(the_story.slides)} slides, {len(the_story.charts())} charts, "
          f"{time.perf_counter() - started:.2f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
