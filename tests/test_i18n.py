import ast
import fnmatch
import re
import string
import tomllib
from pathlib import Path

import pytest

from devzone import i18n
from devzone.i18n import STRINGS, t

REPO_ROOT = Path(__file__).resolve().parent.parent


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("key", sorted(STRINGS))
def test_every_string_exists_in_both_languages_with_the_same_placeholders(key):
    zh, en = STRINGS[key]
    assert zh.strip() and en.strip()
    assert placeholders(zh) == placeholders(en)


def test_lookup_defaults_to_chinese_and_fills_placeholders():
    assert t("nav.overview") == "总览"
    assert t("nav.overview", "en") == "Overview"
    assert t("nav.overview", "fr") == "总览"  # anything unknown reads as the default
    assert t("db.corrupt_detail", "en", detail="disk full") == "Technical detail: disk full"


def test_unknown_key_is_loud():
    with pytest.raises(KeyError):
        t("no.such.key")
    assert i18n.t_or("unit.吨", "吨", "en") == "吨"
    assert i18n.t_or("unit.亿元", "亿元", "en") == "RMB 100 mn"


def test_every_key_used_in_the_code_exists():
    """Catch a typo in t("…") before a page shows a KeyError."""
    sources = [REPO_ROOT / "dashboard.py", *(REPO_ROOT / "devzone").glob("*.py"),
               *(REPO_ROOT / "app_pages").glob("*.py")]
    literal_key = re.compile(r"""\bt\(\s*["']([a-z_]+(?:\.[a-z_]+)+)["']""")
    used = set()
    for source in sources:
        used |= set(literal_key.findall(source.read_text(encoding="utf-8")))
    assert used, "no t() calls found: the pattern is out of date"
    assert sorted(used - set(STRINGS)) == []


def test_every_catalogue_chain_and_link_has_an_english_name():
    """No Chinese in English mode where a translation exists: the chains and links of chain_segments.toml."""
    from devzone.i18n import chain_name, segment_name
    from etl.paths import CATALOGUE_DIR

    catalogue = tomllib.loads((CATALOGUE_DIR / "chain_segments.toml").read_text(encoding="utf-8"))
    for chain in catalogue["chain"]:
        assert chain_name(chain["name"], "en").isascii(), chain["name"]
        assert chain_name(chain["name"], "zh") == chain["name"]
        for link in chain["segments"]:
            assert segment_name(link["segment"], "en").isascii(), link["segment"]
    assert chain_name("某个新产业链", "en") == "某个新产业链"  # not in the catalogue: shown as typed


def test_investor_provinces_in_english():
    from devzone.i18n import province_name

    assert province_name("山西", "en") == "Shanxi" and province_name("广东省", "en") == "Guangdong"
    assert province_name("内蒙古自治区", "en") == "Inner Mongolia"
    assert province_name("德国", "en") == "德国" and province_name("山西", "zh") == "山西"


# ---------------------------------------------------------------- the catalogue files (devzone/locales/*.toml)
def locale_texts(lang: str) -> dict[str, str]:
    data = tomllib.loads((i18n.LOCALES_DIR / f"{lang}.toml").read_text(encoding="utf-8"))
    return {key: value for key, value in data.items() if not isinstance(value, dict)}


def test_every_language_file_has_every_key():
    keys = {lang: set(locale_texts(lang)) for lang in i18n.LANGUAGES}
    for lang, found in keys.items():
        assert sorted(set(STRINGS) - found) == [], lang
        assert sorted(found - set(STRINGS)) == [], lang
    assert all(re.fullmatch(r"[a-z_]+\.\S+", key) for key in STRINGS), "every key is group.name"


def test_the_loader_refuses_a_key_missing_from_a_language(tmp_path):
    (tmp_path / "zh.toml").write_text('"a.one" = "一"\n"a.two" = "二"\n', encoding="utf-8")
    (tmp_path / "en.toml").write_text('"a.one" = "one"\n', encoding="utf-8")
    with pytest.raises(i18n.CatalogueError, match=r"en\.toml lacks 1 key.*a\.two"):
        i18n.load_catalogue(tmp_path)


def test_the_loader_refuses_a_key_defined_twice_or_a_non_string(tmp_path):
    (tmp_path / "zh.toml").write_text('"a.one" = "一"\n"a.one" = "又一"\n', encoding="utf-8")
    (tmp_path / "en.toml").write_text('"a.one" = "one"\n', encoding="utf-8")
    with pytest.raises(i18n.CatalogueError, match=r"zh\.toml"):
        i18n.load_catalogue(tmp_path)
    (tmp_path / "zh.toml").write_text('"a.one" = 1\n', encoding="utf-8")
    with pytest.raises(i18n.CatalogueError, match=r"zh\.toml: not a string: a\.one"):
        i18n.load_catalogue(tmp_path)


def test_the_language_files_are_package_data():
    """An installed (not editable) package must find devzone/locales/*.toml."""
    pyproject = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = pyproject["tool"]["setuptools"]["package-data"]["devzone"]
    for path in i18n.LOCALES_DIR.glob("*.toml"):
        relative = path.relative_to(REPO_ROOT / "devzone").as_posix()
        assert any(fnmatch.fnmatch(relative, pattern) for pattern in patterns), relative


# Keys the code builds rather than spells out: f"pv.status.{status}", "dq.check." + outcome, …. A key under one of
# these prefixes counts as used. Keep the list to prefixes the code really builds (checked below), so that a key
# nothing builds any more is still reported.
DYNAMIC_PREFIXES = (
    # data vocabularies: units, categories, statuses, zone levels and types, chain relations (devzone/*_view.py)
    "unit.", "category.", "status.", "direction.", "zone.level.", "zone.type.", "role.", "lang.", "db.kind.",
    "chains.coverage.", "chains.mode.", "chains.position.", "chains.relation.", "chains.source.", "chains.status.",
    "pv.status.", "pv.unit.", "doc.status.", "targets.status.", "entcat.",
    # 数据管理 (admin_view.py)
    "admin.action.", "admin.history.kind.", "admin.history.state.", "admin.kind.", "admin.result.",
    "admin.status.", "admin.template.", "admin.template.title.",
    # one key per measure, period, scope or rule (projects_view, progress_view, quality_view, scorecard, ...)
    "projects.", "pv.check.ledger_part.", "pv.col.", "pv.headline.", "pv.measure.", "pv.measure_short.",
    "pv.period.", "pv.scope.", "pv.signing_period.",
    "progress.field.", "progress.level.", "progress.metric.", "progress.rule.", "progress.tab.", "progress.versus.",
    "progress.xun.part", "progress.file.", "map.geo.error.",
    "dq.check.", "dq.export.scope_", "dq.rule.", "dq.src.ledger_", "dq.table.",
    "ent.cmp.", "ent.short.", "rk.short.", "ov.attention.heading.", "ov.source_help.", "ov.source_kind.",
    # exports: wording of changes, per-indicator names, table names (devzone/export)
    "doc.change.", "doc.report.do.", "doc.table.", "summary.name.",
)
# A key spelt out with one of these endings added in the code: t("doc.notice.rose" + ("_each" if … else "")).
DYNAMIC_SUFFIXES = ("_one", "_each")


def source_strings() -> set[str]:
    """Every string literal of the app (f-string parts included), but not of the catalogue or the tests."""
    sources = [REPO_ROOT / "dashboard.py", *(REPO_ROOT / "devzone").rglob("*.py"),
               *(REPO_ROOT / "app_pages").rglob("*.py"), *(REPO_ROOT / "etl").rglob("*.py")]
    found = set()
    for source in sources:
        if source.name == "i18n.py":
            continue
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                found.add(node.value)
    return found


def test_no_key_is_unused():
    literals = source_strings()

    def used(key: str) -> bool:
        base = next((key.removesuffix(s) for s in DYNAMIC_SUFFIXES if key.endswith(s)), key)
        return key in literals or base in literals or key.startswith(DYNAMIC_PREFIXES)

    assert sorted(key for key in STRINGS if not used(key)) == []
    assert sorted(p for p in (*DYNAMIC_PREFIXES, *DYNAMIC_SUFFIXES) if p not in literals) == [], \
        "the code no longer builds keys with these: drop them from the list"
    assert all(any(key.startswith(p) for key in STRINGS) for p in DYNAMIC_PREFIXES)
