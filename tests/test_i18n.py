import re
import string
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
    assert t("home.title") == "数据概况"
    assert t("home.title", "en") == "Data overview"
    assert t("home.title", "fr") == "数据概况"  # anything unknown reads as the default
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
    import tomllib

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
