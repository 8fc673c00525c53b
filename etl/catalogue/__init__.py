"""The catalogue is data: indicators, units, header synonyms and zone aliases live in files beside this module."""
from __future__ import annotations

import csv
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import cache

from etl.paths import CATALOGUE_DIR, chain_segments_file, indicators_file, progress_rules_file, zones_file

_QUOTE_MARKS = str.maketrans("", "", "\"'“”‘’「」《》")


def normalise_label(text: object) -> str:
    """Fold a header or name for matching: NFKC, no whitespace or quote marks, parentheses unified."""
    return "".join(unicodedata.normalize("NFKC", str(text)).translate(_QUOTE_MARKS).split())


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
def column_labels() -> dict[str, str]:
    """Canonical column key -> its first spelling in columns.toml (how the account names it)."""
    with open(CATALOGUE_DIR / "columns.toml", "rb") as handle:
        return {key: spellings[0] for key, spellings in tomllib.load(handle).items()}


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


def zone_names() -> dict[str, str]:
    """zone_id -> full name."""
    return {z["zone_id"]: z["zone_name"] for z in zones()}


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


# ---- project progress (链主 chains, alerts, 季考核): read fresh each time, they are small and may be edited

PROGRESS_RULES = ("signed_not_started", "past_planned_production", "no_update")
ASSESSMENT_DIRECTIONS = ("higher", "lower")


def progress_rules() -> list[dict[str, object]]:
    """Rows for the progress_rules table: rule, name_zh, name_en, yellow_days, red_days, default_days, sort_order.

    Raises ValueError with a plain message when the file is incomplete or inconsistent.
    """
    path = progress_rules_file()
    with open(path, "rb") as handle:
        table = tomllib.load(handle)
    rules = table.get("rules", {})
    rows = []
    for order, rule in enumerate(PROGRESS_RULES):
        spec = rules.get(rule)
        if not isinstance(spec, dict) or not isinstance(spec.get("yellow_days"), int):
            raise ValueError(f"{path.name}: [rules.{rule}] 缺少整数 yellow_days")
        red = spec.get("red_days")
        if red is not None and (not isinstance(red, int) or red < spec["yellow_days"]):
            raise ValueError(f"{path.name}: [rules.{rule}] red_days 应为不小于 yellow_days 的整数")
        default = spec.get("default_build_days")
        if rule == "past_planned_production" and not isinstance(default, int):
            raise ValueError(f"{path.name}: [rules.{rule}] 缺少整数 default_build_days")
        rows.append({"rule": rule, "name_zh": spec.get("name_zh", rule), "name_en": spec.get("name_en", rule),
                     "yellow_days": spec["yellow_days"], "red_days": red, "default_days": default,
                     "sort_order": order})
    return rows


def assessment_weights() -> list[dict[str, object]]:
    """Rows for the assessment_weights table: component, name_zh, name_en, weight, direction, sort_order."""
    path = progress_rules_file()
    with open(path, "rb") as handle:
        table = tomllib.load(handle)
    rows = []
    for order, spec in enumerate(table.get("assessment", [])):
        weight, direction = spec.get("weight"), spec.get("direction", "higher")
        if not isinstance(weight, (int, float)) or weight < 0 or direction not in ASSESSMENT_DIRECTIONS:
            raise ValueError(f"{path.name}: [[assessment]] {spec.get('component')}：weight 应为非负数，"
                             f"direction 应为 higher 或 lower")
        rows.append({"component": spec["component"], "name_zh": spec.get("name_zh", spec["component"]),
                     "name_en": spec.get("name_en", spec["component"]), "weight": float(weight),
                     "direction": direction, "sort_order": order})
    return rows


def chain_segments() -> list[dict[str, object]]:
    """Rows for the chain_segments table: chain, position, segment, keywords (list), sort_order."""
    with open(chain_segments_file(), "rb") as handle:
        table = tomllib.load(handle)
    rows = []
    for chain in table.get("chain", []):
        for spec in chain.get("segments", []):
            rows.append({"chain": chain["name"], "position": spec["position"], "segment": spec["segment"],
                         "keywords": list(spec.get("keywords", [])), "sort_order": len(rows)})
    return rows
