"""Every t("…") key used by the exports and the present page exists (tests/test_i18n.py scans only devzone/*.py)."""
import re
from pathlib import Path

from devzone.i18n import STRINGS

REPO_ROOT = Path(__file__).resolve().parents[2]


def test_every_key_used_by_the_exports_exists():
    literal_key = re.compile(r"""\bt\(\s*["']([a-z_]+(?:\.[a-z_]+)+)["']""")
    used = set()
    for source in [*(REPO_ROOT / "devzone" / "export").glob("*.py"), REPO_ROOT / "app_pages" / "present.py"]:
        used |= set(literal_key.findall(source.read_text(encoding="utf-8")))
    assert len(used) > 50
    assert sorted(used - set(STRINGS)) == []


def test_export_package_does_not_need_streamlit():
    for module in (REPO_ROOT / "devzone" / "export").glob("*.py"):
        assert "import streamlit" not in module.read_text(encoding="utf-8"), module.name
