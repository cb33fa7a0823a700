"""The app starts in a real browser, shows its title and no exception."""

from playwright.sync_api import expect

from tests.e2e.conftest import assert_no_exception, open_app


def test_app_opens_with_title_and_no_exception(page, app_server):
    open_app(page, app_server)
    expect(page.locator("[data-testid=stHeading] h1").first).to_be_visible()
    assert_no_exception(page)
