"""The catalogue is data: indicators, units, header synonyms and zone aliases live in files beside this module."""
from __future__ import annotations

import csv
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import cache

from etl.paths import CATALOGUE_DIR, indicators_file, zones_file


def normalise_label(text: object) -> str:
    """Fold a header or name for matching: NFKC, no whitespace or quote marks, parentheses unified."""
    folded = unicodedata.normalize("NFKC", str(text))
    for mark in ("\"", "'", "“", "”", "‘", "’", "「", "」", "《", "》"):
        folded = folded.replace(mark, "")
    return "".join(folded.split())


@dataclass(frozen=True)
class Indicator:
    code: str
    name_zh: str
    name_en: str
    unit: str
    direction: str
    category: str
    kind: str  # "count" or "money"
    sort_order: int


@dataclass(frozen=True)
class Unit:
    name: str
    kind: str
    factor: float  # multiply to reach the canonical unit of that kind


@cache
def indicators() -> dict[str, Indicator]:
    with open(indicators_file(), encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return {
        r["indicator"]: Indicator(r["indicator"], r["name_zh"], r["name_en"], r["unit"], r["direction"],
                                  r["category"], r["kind"], order)
        for order, r in enumerate(rows)
    }


@cache
def indicator_aliases() -> dict[str, str]:
    """Folded alias -> indicator code (code, Chinese name, English name and listed aliases)."""
    with open(indicators_file(), encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    aliases: dict[str, str] = {}
    for r in rows:
        for alias in [r["indicator"], r["name_zh"], r["name_en"], *r["aliases"].split("|")]:
            if alias:
                aliases.setdefault(normalise_label(alias), r["indicator"])
    return aliases


@cache
def units() -> dict[str, Unit]:
    with open(CATALOGUE_DIR / "units.csv", encoding="utf-8", newline="") as handle:
        return {r["unit"]: Unit(r["unit"], r["kind"], float(r["factor_to_canonical"])) for r in csv.DictReader(handle)}


@cache
def column_synonyms() -> dict[str, str]:
    """Folded header spelling -> canonical column key (see columns.toml)."""
    with open(CATALOGUE_DIR / "columns.toml", "rb") as handle:
        table = tomllib.load(handle)
    synonyms: dict[str, str] = {}
    for key, spellings in table.items():
        for spelling in spellings:
            synonyms.setdefault(normalise_label(spelling), key)
    return synonyms


@cache
def zones() -> list[dict[str, str]]:
    with open(zones_file(), encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@cache
def zone_aliases() -> dict[str, str]:
    """Folded zone spelling -> zone_id: full name, short name, with and without the 山西 prefix, plus extras."""
    aliases: dict[str, str] = {}
    for zone in zones():
        for name in (zone["zone_name"], zone["short_name"], zone["zone_id"]):
            bare = name.removeprefix("山西")
            for spelling in (name, bare, "山西" + bare, "山西省" + bare):
                aliases.setdefault(normalise_label(spelling), zone["zone_id"])
    with open(CATALOGUE_DIR / "zone_aliases.csv", encoding="utf-8", newline="") as handle:
        for r in csv.DictReader(handle):
            aliases[normalise_label(r["alias"])] = r["zone_id"]
    return aliases


def _alias_table(file_name: str, key: str) -> dict[str, str]:
    with open(CATALOGUE_DIR / file_name, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    table: dict[str, str] = {}
    for r in rows:
        for alias in [r[key], *r["aliases"].split("|")]:
            if alias:
                table.setdefault(normalise_label(alias), r[key])
    return table


@cache
def enterprise_categories() -> dict[str, str]:
    """Folded spelling -> canonical 认定类别."""
    return _alias_table("enterprise_categories.csv", "category")


@cache
def project_statuses() -> dict[str, str]:
    """Folded spelling -> canonical 项目状态 (在谈/签约/开工/投产/终止)."""
    return _alias_table("project_status.csv", "status")
