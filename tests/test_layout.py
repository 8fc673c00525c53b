"""House rules of the code layout that a reviewer would otherwise have to remember."""
import ast
import re
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
PAGE_FILES = sorted((REPO_ROOT / "app_pages").glob("*.py"))


def test_there_is_no_pages_directory():
    # A directory named pages/ next to dashboard.py puts Streamlit into its legacy multipage mode for
    # the first run of a server process and for every AppTest run: that run executes the page file
    # directly, skipping dashboard.py (no sidebar, no database check). Screens live in app_pages/.
    assert not (REPO_ROOT / "pages").exists()
    assert PAGE_FILES


def test_pages_hold_no_sql_and_no_number_formatting():
    sql = re.compile(r"\b(SELECT|FROM|WHERE|JOIN)\b")
    for page in PAGE_FILES:
        tree = ast.parse(page.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                assert not sql.search(node.value), f"{page.name}: SQL belongs in devzone/queries.py"
            assert not isinstance(node, ast.JoinedStr), f"{page.name}:{node.lineno}: format in devzone/fmt.py"
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                assert node.func.attr != "format", f"{page.name}:{node.lineno}: format in devzone/fmt.py"
            if isinstance(node, ast.Import | ast.ImportFrom):
                names = [a.name for a in node.names] + [getattr(node, "module", None) or ""]
                assert "duckdb" not in names, f"{page.name}: pages read data through devzone.ui.load"


def test_devzone_core_does_not_need_streamlit():
    """Everything but the Streamlit glue (the devzone/ui package) must import without Streamlit, for exports
    and tests."""
    modules = sorted((REPO_ROOT / "devzone").glob("*.py"))
    assert modules
    for module in modules:
        assert "import streamlit" not in module.read_text(encoding="utf-8"), module.name
