"""The five analyst queries of docs/data-contract.md, run as written against the demo, each checked against the
same answer worked out another way (pandas on the views, or the dashboard's own views)."""
from __future__ import annotations

import re
import shutil

import pandas as pd
import pytest

from etl.paths import REPO_ROOT
from etl.publish import load_files
from tests.builders import frame as run
from tests.builders import write_csv

CONTRACT = REPO_ROOT / "docs" / "data-contract.md"
NAMES = ("zone_trend", "top_ten", "growth_ranking", "ledger_vs_reported", "stalled_projects")


def documented() -> dict[str, str]:
    """name -> SQL of every ```sql block in the contract that starts with `-- query: name`."""
    blocks = re.findall(r"```sql\n(-- query: (\w+)\n.*?)```", CONTRACT.read_text(encoding="utf-8"), re.S)
    return {name: sql for sql, name in blocks}


@pytest.fixture(scope="module")
def db(demo_db, tmp_path_factory):
    """The demo plus one reported figure that the ledger contradicts, so the ledger query has a row to find."""
    home = tmp_path_factory.mktemp("contract_queries")
    path = home / "devzone.duckdb"
    shutil.copy(demo_db, path)
    (ledger_count,), = run(path, "SELECT count(*) FROM projects p JOIN zones z USING (zone_id) WHERE z.short_name ="
                                 " '盐湖高新区' AND year(signed_date) = 2020 AND status <> '在谈'").itertuples(index=False)
    correction = write_csv(home / "correction.csv", ["开发区,年份,指标,数值,单位",
                                                     f"盐湖高新区,2020,签约项目数,{ledger_count + 5},个"])
    assert load_files([correction], path, confirm_outliers=True).published
    return path


@pytest.fixture(scope="module")
def views(db) -> dict[str, pd.DataFrame]:
    return {name: run(db, f"SELECT * FROM {name}") for name in ("zones", "indicators", "indicator_values",
                                                                  "provincial_rankings", "projects")}


def test_the_contract_documents_the_five_queries():
    assert tuple(documented()) == NAMES


def test_zone_trend(db, views):
    got = run(db, documented()["zone_trend"])
    values, zones = views["indicator_values"], views["zones"]
    zone_id = zones.loc[zones["short_name"] == "盐湖高新区", "zone_id"].item()
    expected = values[(values["zone_id"] == zone_id) & (values["indicator"] == "signed_investment")].sort_values("year")
    assert len(got) > 1
    assert got.values.tolist() == expected[["year", "value", "unit", "is_synthetic"]].values.tolist()


def _ranked(values: pd.DataFrame, zones: pd.DataFrame, year: int, indicator: str) -> pd.DataFrame:
    shanxi = set(zones.loc[zones["province"] == "山西省", "zone_id"])
    frame = values[(values["year"] == year) & (values["indicator"] == indicator) & values["zone_id"].isin(shanxi)
                   & values["value"].notna()].copy()
    frame["rank"] = frame["value"].rank(method="min", ascending=False).astype(int)  # signed_investment: higher is better
    return frame


def test_top_ten(db, views):
    assert views["indicators"].set_index("indicator").loc["signed_investment", "direction"] != "lower"
    got = run(db, documented()["top_ten"])
    ranked = _ranked(views["indicator_values"], views["zones"], 2021, "signed_investment")
    expected = ranked[ranked["rank"] <= 10].sort_values(["rank", "zone_id"])
    assert len(got) >= 10
    assert got.values.tolist() == expected[["rank", "zone_name", "value"]].values.tolist()


def test_growth_ranking(db, views):
    got = run(db, documented()["growth_ranking"])
    values = views["indicator_values"]
    this = values[(values["year"] == 2021) & (values["indicator"] == "signed_investment")]
    last = values[(values["year"] == 2020) & (values["indicator"] == "signed_investment")]
    both = this.merge(last[["zone_id", "value"]], on="zone_id", suffixes=("", "_before"))
    both = both[both["value_before"] > 0].copy()
    both["ratio"] = both["value"] / both["value_before"]
    both["growth_rank"] = both["ratio"].rank(method="min", ascending=False).astype(int)
    expected = both.sort_values(["growth_rank", "zone_name"])
    assert len(got) == len(expected) > 1
    assert got["zone_name"].tolist() == expected["zone_name"].tolist()
    assert got["growth_rank"].tolist() == expected["growth_rank"].tolist()
    assert got["growth_pct"].tolist() == pytest.approx((100 * (expected["ratio"] - 1)).tolist(), abs=0.051)


def test_ledger_vs_reported(db, views):
    got = run(db, documented()["ledger_vs_reported"])
    projects, values = views["projects"], views["indicator_values"]
    signed = projects[projects["signed_date"].notna() & (projects["status"] != "在谈")].copy()
    signed["year"] = pd.to_datetime(signed["signed_date"]).dt.year
    ledger = signed.groupby(["zone_id", "year"]).agg(n=("project_id", "size"), inv=("total_investment", "sum"))
    reported = values[(values["source"] != "项目台账汇总")
                      & values["indicator"].isin(["signed_projects", "signed_investment"])]
    reported = reported.pivot_table(index=["zone_id", "zone_name", "year"], columns="indicator", values="value",
                                    aggfunc="max").reset_index()
    both = reported.merge(ledger.reset_index(), on=["zone_id", "year"])
    # a figure the statistics table does not give is not a disagreement
    count_differs = both["signed_projects"].notna() & (both["signed_projects"] != both["n"])
    investment_differs = both["signed_investment"].notna() & ((both["signed_investment"] - both["inv"]).abs() > 1e-6)
    differ = both[count_differs | investment_differs]
    assert sorted(zip(got["zone_name"], got["year"], strict=True)) == sorted(
        zip(differ["zone_name"], differ["year"], strict=True))
    # the correction loaded above is found, with both figures
    row = got[(got["zone_name"].str.contains("盐湖")) & (got["year"] == 2020)]
    assert (row["reported_projects"] - row["ledger_projects"]).tolist() == [5]
    # and the dashboard's own check agrees on the signed-project counts
    own = run(db, "SELECT zone_name, year FROM ledger_discrepancies WHERE indicator = 'signed_projects'")
    mismatched = got[got["reported_projects"] != got["ledger_projects"]]
    assert sorted(zip(own["zone_name"], own["year"], strict=True)) == sorted(
        zip(mismatched["zone_name"], mismatched["year"], strict=True))


def test_stalled_projects(db):
    got = run(db, documented()["stalled_projects"])
    # the dashboard's 旬预警 measures the same days for projects still at the 签约 stage
    alerts = run(db, "SELECT project_id, days_since_signed FROM project_alerts"
                     " WHERE stage = '签约' AND days_since_signed > 180")
    assert dict(zip(got["project_id"], got["days_since_signing"], strict=True)) == dict(
        zip(alerts["project_id"], alerts["days_since_signed"], strict=True))
    assert got["days_since_signing"].is_monotonic_decreasing
