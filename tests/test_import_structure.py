"""Data flows one way: the import contracts in pyproject.toml ([tool.importlinter]) hold, and no module of etl or
devzone comes back to itself through its imports (imports inside functions count too)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("etl", "devzone")


def _env() -> dict[str, str]:
    """This checkout first on the path, whatever else is installed."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    return env


def test_the_import_contracts_hold():
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint_imports), "--no-cache"], cwd=ROOT, env=_env(), capture_output=True,
                            text=True, timeout=240)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    assert "0 broken" in result.stdout


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    for package in PACKAGES:  # the graph must be of this checkout, not of another copy installed in the venv
        assert Path(__import__(package).__file__).resolve().parent == ROOT / package
    return grimp.build_graph(*PACKAGES, include_external_packages=True, cache_dir=None)


def cycles(graph: grimp.ImportGraph, package: str) -> list[tuple[str, ...]]:
    """One shortest cycle through each import that closes one (a -> b where b leads back to a)."""
    found = []
    for importer in sorted(m for m in graph.modules if m == package or m.startswith(package + ".")):
        for imported in sorted(graph.find_modules_directly_imported_by(importer)):
            if imported.startswith(package + ".") and graph.chain_exists(importer=imported, imported=importer):
                found.append((importer, *graph.find_shortest_chain(importer=imported, imported=importer)))
    return found


@pytest.mark.parametrize("package", PACKAGES)
def test_no_import_cycle(graph, package):
    assert cycles(graph, package) == []


def test_the_packages_do_not_import_the_pages(graph):
    assert {"app_pages", "dashboard"} & graph.modules == set()
