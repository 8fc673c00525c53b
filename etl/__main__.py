"""The CLI of the data contract.

    python -m etl load PATH [PATH ...] [--db DB] [--dry-run]
    python -m etl build-demo [--db DB]

Exit status: 0 success, 1 rejected input, 2 usage error.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from etl.errors import InputRejected
from etl.paths import default_db_path


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m etl", description="开发区经济指标数据导入")
    commands = parser.add_subparsers(dest="command", required=True)
    load = commands.add_parser("load", help="导入 .xlsx/.csv 文件（全部成功才写入）")
    load.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    load.add_argument("--db", type=Path, default=None, help="数据库文件（默认 $DEVZONE_DB 或 data/devzone.duckdb）")
    load.add_argument("--dry-run", action="store_true", help="只检查并显示将发生的变化，不写入")
    demo = commands.add_parser("build-demo", help="用 data/demo/ 中的演示源文件重建演示数据库")
    demo.add_argument("--db", type=Path, default=None)
    synth = commands.add_parser("synth", help="生成全国规模的合成输入文件（用于基准测试）")
    synth.add_argument("--zones", type=int, default=2600)
    synth.add_argument("--years", type=int, default=10)
    synth.add_argument("--projects", type=int, default=200_000)
    synth.add_argument("--out", type=Path, required=True)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    db = args.db if getattr(args, "db", None) else default_db_path()
    if args.command == "synth":
        from etl.synth import write_national_inputs

        for path in write_national_inputs(args.out, zones=args.zones, years=args.years, projects=args.projects):
            print(path)
        return 0
    try:
        if args.command == "build-demo":
            from etl.demo import build_demo

            result = build_demo(db)
        else:
            missing = [str(p) for p in args.paths if not p.exists()]
            if missing:
                print(f"找不到文件：{'、'.join(missing)}", file=sys.stderr)
                return 2
            from etl.publish import load_files

            result = load_files(args.paths, db, dry_run=args.dry_run)
    except InputRejected as rejected:
        for line in rejected.report():
            print(line, file=sys.stderr)
        print(f"导入被拒绝：共 {len(rejected.errors)} 处错误，数据库未作任何改动。", file=sys.stderr)
        return 1
    for line in result.summary_lines():
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
