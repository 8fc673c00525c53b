"""Manage the local users file (see devzone/auth.py).

    python -m devzone.users add NAME --role admin|viewer [--password-stdin] [--email EMAIL]
    python -m devzone.users add EMAIL --role admin --no-password     # an OIDC admin (signs in via st.login)
    python -m devzone.users list
    python -m devzone.users remove NAME
    python -m devzone.users passwd NAME [--password-stdin]    # also ends that user's sessions

The file is `DEVZONE_USERS_FILE` (default data/users.toml), or `--file PATH`. Passwords are asked twice
with getpass (not echoed), or read from the first line of standard input with --password-stdin.
Exit status: 0 done, 1 refused (unknown user, passwords differ, …), 2 usage error.
"""
from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

from devzone import auth

MIN_PASSWORD_LENGTH = 8


class Refused(Exception):
    pass


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m devzone.users", description="看板管理员/用户账号")
    parser.add_argument("--file", type=Path, default=None, help="用户文件（默认 $DEVZONE_USERS_FILE 或 data/users.toml）")
    commands = parser.add_subparsers(dest="command", required=True)
    add = commands.add_parser("add", help="新增用户")
    add.add_argument("name")
    add.add_argument("--role", choices=auth.ROLES, required=True)
    add.add_argument("--email", default=None, help="单位账号登录（OIDC）时的邮箱")
    secret = add.add_mutually_exclusive_group()
    secret.add_argument("--password-stdin", action="store_true", help="从标准输入读取密码（供脚本使用）")
    secret.add_argument("--no-password", action="store_true", help="只通过单位账号（OIDC）登录，不设密码")
    commands.add_parser("list", help="列出用户（不显示密码哈希）")
    remove = commands.add_parser("remove", help="删除用户")
    remove.add_argument("name")
    passwd = commands.add_parser("passwd", help="修改密码")
    passwd.add_argument("name")
    passwd.add_argument("--password-stdin", action="store_true")
    return parser


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = getpass.getpass("密码 / Password: ")
        if getpass.getpass("再输入一次 / Again: ") != password:
            raise Refused("两次输入的密码不一致 / the passwords differ")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise Refused(f"密码至少 {MIN_PASSWORD_LENGTH} 个字符 / at least {MIN_PASSWORD_LENGTH} characters")
    return password


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    path = args.file or auth.users_file_path()
    try:
        users = auth.read_users(path)
        if args.command == "list":
            if not users:
                print(f"{path}：没有用户 / no users")
            for name in sorted(users):
                user = users[name]
                login = "密码" if user.password_hash else "单位账号"
                print(f"{name}\t{user.role}\t{login}" + (f"\t{user.email}" if user.email else ""))
            return 0
        name = args.name.strip()
        if not name:
            raise Refused("用户名不能为空 / empty name")
        if args.command == "add":
            if name in users:
                raise Refused(f"用户 {name} 已存在（修改密码用 passwd）/ user exists")
            password_hash = None if args.no_password else auth.hash_password(_read_password(args.password_stdin))
            users[name] = auth.User(name, args.role, password_hash, args.email)
        elif name not in users:
            raise Refused(f"没有用户 {name} / no such user")
        elif args.command == "remove":
            del users[name]
        else:  # passwd
            old = users[name]
            users[name] = auth.User(name, old.role, auth.hash_password(_read_password(args.password_stdin)), old.email)
        auth.write_users(users, path)
    except (Refused, auth.UsersFileError) as exc:
        print(exc, file=sys.stderr)
        return 1
    print(f"{args.command} {name}: {path}")
    if args.command in ("passwd", "remove"):
        print("该用户已登录的会话将在下一次操作时退出 / that user's sessions end on their next click")
    return 0


if __name__ == "__main__":
    sys.exit(main())
