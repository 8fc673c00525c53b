"""The CLI of the data contract.

    python -m etl load PATH [PATH ...] [--db DB] [--dry-run] [--by NAME] [--json] [--confirm-outliers]
    python -m etl build-demo [--db DB]
    python -m etl history [--db DB]
    python -m etl rollback LOAD_ID [--db DB] [--by NAME] [--dry-run]
    python -m etl template LAYOUT --out FILE.xlsx
    python -m etl export --format parquet|csv|xlsx --out DIR [--year Y] [--zone Z] [--db DB]
    python -m etl distribute --to DIR [--db DB]

Exit status: 0 success, 1 rejected input, 2 usage error, 3 environment failure (disk full, folder missing or
not writable, a settings file that is not valid TOML…): one line on stderr says what and where; the database is unchanged.
"""
from __future__ import annotations

import argparse
import errno
import functools
import getpass
import json
import sys
import tomllib
from collections.abc import Callable
from pathlib import Path

from etl.errors import InputRejected, OutliersUnconfirmed, PublishBusy, StorageVersionError
from etl.paths import default_db_path

EXIT_REJECTED, EXIT_USAGE, EXIT_ENVIRONMENT = 1, 2, 3
_CAUSES = {errno.ENOSPC: "磁盘空间不足", errno.EDQUOT: "超出磁盘配额", errno.EACCES: "没有写权限",
           errno.EPERM: "没有写权限", errno.EROFS: "文件系统只读", errno.ENOTDIR: "路径中有一段不是文件夹",
           errno.EEXIST: "路径中有一段不是文件夹", errno.ENOENT: "文件夹不存在", errno.EMFILE: "打开的文件过多"}


def environment_message(exc: BaseException) -> str:
    """One line for a failure of the machine rather than of the input: the cause, the path and what to do."""
    if isinstance(exc, MemoryError):
        return "环境错误：内存不足 — 请关闭其他程序或换一台内存更大的机器后重试；数据库未作任何改动。"
    cause = _CAUSES.get(getattr(exc, "errno", None) or 0)
    text = " ".join(str(exc).split())  # DuckDB's messages span lines
    if cause is None:
        lowered = text.lower()
        cause = ("磁盘空间不足" if "no space left" in lowered else "没有写权限" if "permission denied" in lowered
                 else "读写文件失败")
    where = getattr(exc, "filename", None)
    detail = f"{where}（{exc.strerror}）" if where and getattr(exc, "strerror", None) else text
    return f"环境错误：{cause}：{detail} — 请检查磁盘空间、文件夹是否存在且可写，然后重试；数据库未作任何改动。"


def _toml_file(exc: BaseException) -> str:
    """The settings file a TOML error came from (the `handle` the loader had open), else the catalogue folder."""
    found, frame = None, exc.__traceback__
    while frame is not None:
        handle = frame.tb_frame.f_locals.get("handle")
        found = getattr(handle, "name", None) or found
        frame = frame.tb_next
    return str(found or "etl/catalogue/*.toml")


def environment_failures_exit_3(run: Callable[[list[str] | None], int]) -> Callable[[list[str] | None], int]:
    """A failure of the environment (not of the input) exits 3 with one line on stderr, no traceback."""

    @functools.wraps(run)
    def guarded(argv: list[str] | None = None) -> int:
        import duckdb

        try:
            return run(argv)
        except (OSError, duckdb.IOException, MemoryError) as exc:
            print(environment_message(exc), file=sys.stderr)
            return EXIT_ENVIRONMENT
        except tomllib.TOMLDecodeError as exc:  # a settings file edited by hand (thresholds, rules, synonyms)
            print(f"环境错误：配置文件格式有误：{_toml_file(exc)}：{exc} — 请按 TOML 格式改正该文件后重试；"
                  "数据库未作任何改动。", file=sys.stderr)
            return EXIT_ENVIRONMENT

    return guarded


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m etl", description="开发区经济指标数据导入")
    commands = parser.add_subparsers(dest="command", required=True)
    load = commands.add_parser("load", help="导入 .xlsx/.csv 文件（全部成功才写入）")
    load.add_argument("paths", nargs="+", metavar="PATH")  # text: Path("") would be the current folder
    load.add_argument("--db", type=Path, default=None, help="数据库文件（默认 $DEVZONE_DB 或 data/devzone.duckdb）")
    load.add_argument("--dry-run", action="store_true", help="只检查并显示将发生的变化，不写入")
    load.add_argument("--by", default=None, help="记录在导入历史中的操作人（默认当前系统用户）")
    load.add_argument("--json", action="store_true", help="以 JSON 输出读取说明、变化和错误（供脚本使用）")
    load.add_argument("--confirm-outliers", action="store_true",
                      help="确认疑似异常值（量级远超以往，见 etl/catalogue/plausibility.toml）无误，仍然发布")
    history = commands.add_parser("history", help="列出导入历史（最新在前）")
    history.add_argument("--db", type=Path, default=None)
    rollback = commands.add_parser("rollback", help="把数据恢复到某次导入后的状态（作为一次新的发布）")
    rollback.add_argument("load_id", type=int, metavar="LOAD_ID")
    rollback.add_argument("--db", type=Path, default=None)
    rollback.add_argument("--by", default=None, help="操作人（默认当前系统用户）")
    rollback.add_argument("--dry-run", action="store_true", help="只显示回滚将带来的变化，不写入")
    template = commands.add_parser("template", help="生成空白填报模板（.xlsx）")
    template.add_argument("layout", metavar="LAYOUT", help="long / wide / ledger / enterprises / targets")
    template.add_argument("--out", type=Path, required=True)
    export = commands.add_parser("export", help="把公共视图导出为 Parquet / CSV / Excel 文件（供 Excel、WPS、Power BI 使用）")
    export.add_argument("--format", required=True, choices=("parquet", "csv", "xlsx"), dest="file_format")
    export.add_argument("--out", type=Path, required=True, help="输出文件夹（每个视图一个文件；xlsx 为一个工作簿）")
    export.add_argument("--year", type=int, default=None, help="只导出该年（指标值、排名；项目按签约年份）")
    export.add_argument("--zone", default=None, help="只导出该开发区（代码、简称或全称）")
    export.add_argument("--db", type=Path, default=None)
    distribute = commands.add_parser("distribute", help="把当前快照发布到分发目录（供其他主机上的副本同步）")
    distribute.add_argument("--to", type=Path, required=True, metavar="DIR",
                            help="分发目录：编号的快照文件和指针文件 CURRENT（另见环境变量 DEVZONE_PUBLISH_DIR）")
    distribute.add_argument("--db", type=Path, default=None)
    demo = commands.add_parser("build-demo", help="用 data/demo/ 中的演示源文件重建演示数据库")
    demo.add_argument("--db", type=Path, default=None)
    synth = commands.add_parser("synth", help="生成全国规模的合成输入文件（用于基准测试）")
    synth.add_argument("--zones", type=int, default=2600)
    synth.add_argument("--years", type=int, default=10)
    synth.add_argument("--projects", type=int, default=200_000)
    synth.add_argument("--out", type=Path, required=True)
    return parser


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "命令行"


def _print_history(db: Path) -> int:
    import pandas as pd

    from etl.history import KIND_NAMES, STATUS_NAMES, list_loads

    if not db.exists():
        print(f"数据库 {db} 不存在", file=sys.stderr)
        return 2
    loads = list_loads(db)
    if loads.empty:
        print("尚无导入记录")
        return 0

    def show(value: object) -> str:
        return "-" if value is None or pd.isna(value) else str(value)

    print("编号\t时间\t类型\t操作人\t状态\t快照\t指标值 新增/更新/未变\t文件或说明")
    for row in loads.to_dict("records"):
        status = STATUS_NAMES.get(row["status"], row["status"])
        if show(row["rolled_back_by"]) != "-":
            status += f"（被第 {row['rolled_back_by']} 次回滚）"
        if row["is_current"]:
            status += "·当前"
        what = f"恢复到第 {row['target_load_id']} 次导入后的数据" if row["kind"] == "rollback" else row["file_names"]
        counts = "/".join(show(row[c]) for c in ("values_added", "values_changed", "values_unchanged"))
        print("\t".join([str(row["load_id"]), f"{row['loaded_at']:%Y-%m-%d %H:%M:%S}",
                         KIND_NAMES.get(row["kind"], row["kind"]), show(row["loaded_by"]), status,
                         "保留" if row["snapshot_kept"] else "已清理", counts, what]))
    return 0


def _export(db: Path, args: argparse.Namespace) -> int:
    from devzone.db import DatabaseError, SnapshotReader
    from devzone.export.views import ExportError, collect, write

    reader = SnapshotReader(db)
    try:
        exported = collect(reader, year=args.year, zone=args.zone)
        paths = write(exported, args.out, args.file_format)
    except DatabaseError as exc:
        print(f"数据库 {db} 无法读取：{exc.detail or exc}", file=sys.stderr)
        return 2
    except ExportError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    finally:
        reader.close()
    as_of = exported.as_of.isoformat() if exported.as_of else "-"
    print(f"已导出第 {exported.load_id} 次导入后的快照（数据截至 {as_of}）：")
    for path in paths:
        print(path)
    return 0


def _unusable_paths(paths: list[str]) -> str | None:
    """Why the files named on the command line cannot be loaded, or None."""
    if any(not p.strip() for p in paths):
        return "文件名为空 — 请给出要导入的 .xlsx / .xls / .et / .csv 文件"
    folders = [p for p in paths if Path(p).is_dir()]
    if folders:
        return f"这是文件夹，不是文件：{'、'.join(folders)} — 请给出文件夹中要导入的文件"
    missing = [p for p in paths if not Path(p).exists()]
    return f"找不到文件：{'、'.join(missing)}" if missing else None


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    db = args.db if getattr(args, "db", None) else default_db_path()
    if args.command == "history":
        return _print_history(db)
    if args.command == "template":
        from etl.templates import LAYOUTS, build_template

        if args.layout not in LAYOUTS:
            print(f"未知的模板格式“{args.layout}” — 应为 {' / '.join(LAYOUTS)} 之一", file=sys.stderr)
            return 2
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_bytes(build_template(args.layout))
        print(f"已生成模板：{args.out}")
        return 0
    if args.command == "rollback":
        from etl.history import RollbackError, rollback

        if not db.exists():
            print(f"数据库 {db} 不存在", file=sys.stderr)
            return 2
        try:
            result = rollback(db, args.load_id, args.by or _user(), dry_run=args.dry_run)
        except (RollbackError, PublishBusy, StorageVersionError) as exc:
            print(f"回滚失败：{exc}", file=sys.stderr)
            return 1
        for line in result.summary_lines():
            print(line)
        return 0
    if args.command == "distribute":
        from etl.distribute import publish_snapshot

        if not db.exists():
            print(f"数据库 {db} 不存在", file=sys.stderr)
            return 2
        pointer = publish_snapshot(db, args.to)
        print(f"已发布第 {pointer['load_id']} 次导入后的快照：{args.to / pointer['file']}")
        return 0
    if args.command == "export":
        return _export(db, args)
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
            problem = _unusable_paths(args.paths)
            if problem:
                print(problem, file=sys.stderr)
                return 2
            args.paths = [Path(p) for p in args.paths]
            from etl.publish import load_files

            result = load_files(args.paths, db, dry_run=args.dry_run, loaded_by=args.by or _user(),
                                confirm_outliers=args.confirm_outliers)
    except PublishBusy as busy:
        print(str(busy), file=sys.stderr)
        return 1
    except StorageVersionError as wrong:
        print(str(wrong), file=sys.stderr)
        return 2
    except InputRejected as rejected:
        for line in rejected.report():
            print(line, file=sys.stderr)
        if isinstance(rejected, OutliersUnconfirmed):
            print(f"导入被拒绝：{len(rejected.errors)} 处疑似异常值未经确认，数据库未作任何改动。"
                  "核对无误后加 --confirm-outliers 重新导入。", file=sys.stderr)
        else:
            print(f"导入被拒绝：共 {len(rejected.errors)} 处错误，数据库未作任何改动。", file=sys.stderr)
        if getattr(args, "json", False):
            print(json.dumps(rejected.to_dict(), ensure_ascii=False, indent=1))
        elif rejected.accounts:
            print("读取情况：")
            for line in (line for account in rejected.accounts for line in account.lines()):
                print(line)
        return 1
    if getattr(args, "json", False):
        print(json.dumps(result.to_dict(), ensure_ascii=False, indent=1, default=str))
        return 0
    for line in result.summary_lines():
        print(line)
    return 0


main = environment_failures_exit_3(main)

if __name__ == "__main__":
    sys.exit(main())
