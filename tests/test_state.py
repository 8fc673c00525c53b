import pandas as pd
import pytest

from devzone import state
from devzone.state import FilterState, ZoneDirectory

ZONES = pd.DataFrame(
    {
        "zone_id": ["G141004", "S147018", "X140802"],
        "zone_name": ["太原经济技术开发区", "山西运城经济开发区", "运城盐湖高新技术产业开发区"],
        "short_name": ["太原经开区", "运城经开区", "盐湖高新区"],
    }
)
YEARS = [2019, 2020, 2021, 2022]


@pytest.fixture
def zones() -> ZoneDirectory:
    return ZoneDirectory.from_frame(ZONES)


@pytest.mark.parametrize(
    "raw",
    ["X140802", "x140802", "盐湖高新区", "运城盐湖高新技术产业开发区", " 盐湖 高新区 ", "Ｘ１４０８０２"],
)
def test_zone_accepts_id_short_name_and_full_name(zones, raw):
    assert zones.resolve(raw) == "X140802"


@pytest.mark.parametrize("raw", [None, "", "  ", "不存在的开发区", "X999999", 42, ["盐湖"]])
def test_unknown_zone_resolves_to_nothing(zones, raw):
    assert zones.resolve(raw) is None


def test_default_zone_is_the_home_zone_then_the_first(zones):
    assert zones.default() == "X140802"
    without_home = ZoneDirectory.from_frame(ZONES[ZONES.zone_id != "X140802"])
    assert without_home.default() == "G141004"
    assert ZoneDirectory.from_frame(ZONES.iloc[0:0]).default() is None


def test_url_value_is_the_readable_short_name(zones):
    assert zones.url_value("X140802") == "盐湖高新区"
    assert zones.label("S147018") == "运城经开区"


def test_url_value_falls_back_to_id_when_a_short_name_is_ambiguous():
    clash = pd.DataFrame(
        {"zone_id": ["A1", "B2"], "zone_name": ["甲开发区", "乙开发区"], "short_name": ["同名区", "同名区"]}
    )
    directory = ZoneDirectory.from_frame(clash)
    assert {directory.url_value("A1"), directory.url_value("B2")} == {"A1", "B2"}
    assert directory.resolve("同名区") is None  # a shared name must not pick one zone at random
    assert directory.resolve("乙开发区") == "B2"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("2021", 2021), (" 2021 ", 2021), ("2021年", 2021), ("２０２１", 2021), (["2019", "2020"], 2020),
     ("1999", None), ("abc", None), ("", None), (None, None), ("2021.5", None)],
)
def test_year_must_be_one_with_data(raw, expected):
    assert state.resolve_year(raw, YEARS) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("zh", "zh"), ("en", "en"), ("EN", "en"), ("zh-CN", "zh"), ("en_US", "en"), ("fr", None), ("", None),
     (None, None)],
)
def test_language_codes(raw, expected):
    assert state.resolve_lang(raw) == expected


def test_url_with_every_parameter(zones):
    params = {"zone": "运城盐湖高新技术产业开发区", "year": "2021", "lang": "en"}
    assert state.from_query_params(params, zones, YEARS) == FilterState("X140802", 2021, "en")


def test_empty_url_gives_defaults(zones):
    assert state.from_query_params({}, zones, YEARS) == FilterState("X140802", 2022, "zh")


def test_invalid_values_fall_back_one_by_one(zones):
    params = {"zone": "太原经开区", "year": "1900", "lang": "klingon"}
    assert state.from_query_params(params, zones, YEARS) == FilterState("G141004", 2022, "zh")


def test_no_data_at_all(zones):
    empty = ZoneDirectory.from_frame(ZONES.iloc[0:0])
    nothing = state.from_query_params({"zone": "盐湖高新区", "year": "2021"}, empty, [])
    assert nothing == FilterState(None, None, "zh")


def test_round_trip_through_the_url(zones):
    for filters in (FilterState("S147018", 2019, "zh"), FilterState("X140802", 2022, "en")):
        params = state.to_query_params(filters, zones)
        assert state.from_query_params(params, zones, YEARS) == filters
    assert state.to_query_params(FilterState("X140802", 2021, "zh"), zones) == {
        "zone": "盐湖高新区", "year": "2021", "lang": "zh",
    }


def test_sanitise_replaces_what_a_new_snapshot_no_longer_has(zones):
    assert state.sanitise(FilterState("GONE", 1990, "en"), zones, YEARS) == FilterState("X140802", 2022, "en")
    kept = FilterState("S147018", 2020, "zh")
    assert state.sanitise(kept, zones, YEARS) == kept


def test_a_zone_opens_on_the_latest_year_of_its_own_province(zones):
    latest = {"G141004": 2020, "S147018": 2022}.get  # another province, a year behind
    assert state.from_query_params({"zone": "太原经开区"}, zones, YEARS, latest) == FilterState("G141004", 2020, "zh")
    assert state.from_query_params({"zone": "运城经开区"}, zones, YEARS, latest) == FilterState("S147018", 2022, "zh")
    # the link's own year wins; a province with no year of its own (None), or one the list lacks, takes the latest
    assert state.from_query_params({"zone": "太原经开区", "year": "2022"}, zones, YEARS, latest).year == 2022
    assert state.from_query_params({"zone": "盐湖高新区"}, zones, YEARS, latest).year == 2022
    assert state.zone_default_year("G141004", YEARS, lambda _zone: 1990) == 2022
    assert state.zone_default_year("G141004", [], latest) is None


def test_sanitise_gives_a_zone_the_latest_year_of_its_province(zones):
    latest = {"G141004": 2020}.get
    assert state.sanitise(FilterState("G141004", 1990, "zh"), zones, YEARS, latest) == FilterState("G141004", 2020, "zh")
    assert state.sanitise(FilterState("G141004", 2022, "zh"), zones, YEARS, latest).year == 2022


def test_a_link_with_an_unknown_zone_or_year_is_reported(zones):
    """A shared link whose zone or year the snapshot does not have says so (the page then shows the default)."""
    params = {"zone": "不存在开发区", "year": "2030", "lang": "en"}
    assert state.unknown_in_url(params, zones, [2020, 2021]) == [
        state.UrlMiss("zone", "不存在开发区"), state.UrlMiss("year", "2030")]
    assert state.unknown_in_url({"zone": "盐湖高新区", "year": "2021年"}, zones, [2020, 2021]) == []
    assert state.unknown_in_url({}, zones, [2021]) == []
    assert state.unknown_in_url({"zone": " ", "year": ["2030", "2021"]}, zones, [2021]) == []  # last one wins
    empty = ZoneDirectory.from_frame(ZONES.iloc[0:0])  # an empty snapshot says so itself
    assert state.unknown_in_url({"zone": "盐湖高新区", "year": "2021"}, empty, []) == []


# ---------------------------------------------------------------- a page's own parameters

SCOPES = ("zone", "province")


@pytest.mark.parametrize(("raw", "expected"), [
    ("province", "province"), (" Province ", "province"), ("ｐｒｏｖｉｎｃｅ", "province"), (["zone", "province"], "province"),
    ("全省", "zone"), ("", "zone"), (None, "zone"), ([], "zone"),
])
def test_a_keyword_forgives_case_width_and_spaces(raw, expected):
    assert state.resolve_choice(raw, SCOPES, "zone") == expected


@pytest.mark.parametrize(("raw", "expected"), [
    ("started_projects", "started_projects"), ("DROP TABLE", "signed_projects"), (None, "signed_projects"),
    ("Started_Projects", "signed_projects"), (" started_projects", "signed_projects"),
])
def test_an_option_is_kept_only_as_written(raw, expected):
    assert state.resolve_option(raw, ["signed_projects", "started_projects"], "signed_projects") == expected


def test_a_project_is_found_in_the_ledger_shown_whatever_its_case():
    ids = ["X140802-0068", "X140802-0223"]
    assert state.resolve_project("X140802-0068", ids) == "X140802-0068"
    assert state.resolve_project(" x140802-0223 ", ids) == "X140802-0223"
    assert state.resolve_project(["X140802-0068", "Ｘ140802-0223"], ids) == "X140802-0223"  # the last one wins
    assert state.resolve_project("G141004-0001", ids) is None
    assert state.resolve_project(None, ids) is None


def test_search_words_are_trimmed_and_cut_to_length():
    assert state.resolve_search("  宏明 ") == "宏明"
    assert state.resolve_search(None) == ""
    assert state.resolve_search(["旧", " 新 "]) == "新"
    assert len(state.resolve_search("长" * 500)) == 100


def test_a_list_keeps_known_values_in_option_order():
    options = ["国家级", "省级"]
    assert state.resolve_choices("省级,国家级", options) == ["国家级", "省级"]
    assert state.resolve_choices("省级，火星级", options) == ["省级"]
    assert state.resolve_choices("省级、国家级；", options) == ["国家级", "省级"]
    assert state.resolve_choices(None, options) == [] and state.resolve_choices("", options) == []
    assert state.split_list(["国家级", "省级 ，国家级"]) == ["省级", "国家级"]


def test_province_of_is_the_chosen_zones_else_the_first_zones():
    zones = pd.DataFrame({"zone_id": ["A", "B"], "province": ["山西省", "河北省"]})
    assert state.province_of(zones, "B") == "河北省"
    assert state.province_of(zones, "nowhere") == state.province_of(zones, None) == "山西省"
    assert state.province_of(zones.iloc[:0], "A") is None
