"""An address the dashboard does not serve gets the app's own message in the viewer's language (zh by default),
never Streamlit's English "Page not found" (issue #13)."""
import pytest
from playwright.sync_api import Page, expect

from devzone.i18n import t
from tests.browser.helpers import open_page


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_an_unknown_page_address_says_so_in_the_viewers_language(browser_page: Page, app_server: str, lang: str):
    page = open_page(browser_page, app_server, "no_such_page", zone="X140802", year=2021, lang=lang)
    main = page.locator("[data-testid=stMainBlockContainer]")
    expect(main.locator("h1").first).to_have_text(t("nav.not_found", lang), timeout=60_000)
    expect(main).to_contain_text(t("nav.not_found.body", lang, name="no_such_page"))
    body = page.inner_text("body")  # after both runs of the session: Streamlit's own notice would be here by now
    if lang == "zh":
        assert "Page not found" not in body and "You have requested" not in body
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)
    main.get_by_test_id("stPageLink-NavLink").filter(has_text=t("nav.not_found.home", lang)).click()
    expect(main.locator("h1").first).to_have_text(t("nav.overview", lang), timeout=60_000)
