"""devzone.navigation: which addresses the dashboard serves, and which get its own "no such page"."""
from devzone import navigation
from devzone.navigation import ADMIN_PAGES, PAGES

FILES = [f for f, *_ in PAGES + ADMIN_PAGES]


def test_a_served_address_is_not_unknown():
    for file_name in FILES:
        assert navigation.unknown_address(navigation.url_path(file_name), FILES) is None
    assert navigation.unknown_address("", FILES) is None  # the landing page
    assert navigation.unknown_address(None, FILES) is None  # chosen by script (menu, st.switch_page)


def test_an_address_no_page_is_served_at_is_unknown():
    assert navigation.unknown_address("rankingz", FILES) == "rankingz"
    assert navigation.unknown_address("/旧页面/", FILES) == "旧页面"
    assert navigation.unknown_address("a/b", FILES) is None  # not one segment: Streamlit cannot serve it
