"""The lesson in Chromium: answer, lock in, see the reveal, and walk to the takeaways."""

from playwright.sync_api import expect

from tests.e2e.conftest import assert_no_exception, open_app
from tests.e2e.lessons import next_step, predict_and_lock

STEPS = 8


def test_walk_the_whole_lesson(page, app_server):
    open_app(page, app_server.rstrip("/") + "/lesson")
    main = page.locator("[data-testid=stMain]")
    for k in range(1, STEPS + 1):
        expect(main.get_by_text(f"Step {k} of {STEPS}")).to_be_visible()
        lock = main.get_by_role("button", name="Lock in my prediction")
        if lock.count():
            expect(lock).to_be_disabled()  # nothing is revealed before a prediction
            predict_and_lock(page, main)
            expect(main.get_by_text("What happened").first).to_be_visible()
        if k == 1:  # the data alone: a chart with nothing to play shows no player
            players = main.locator(".live-chart-player")
            expect(players.first).to_be_attached()
            for player in players.all():
                expect(player).to_be_hidden()
        if k == 4:  # the notebook's final numbers, as it prints them
            expect(main.get_by_text("w ends at 1.4206 and b at 1.7024")).to_be_visible()
        assert_no_exception(page)
        if k == 3:
            page.screenshot(path="test-artifacts/lesson-step-3.png", full_page=True)
        if k < STEPS:
            next_step(page, main)
    expect(main.get_by_text("Close is not the same as true")).to_be_visible()
    page.screenshot(path="test-artifacts/lesson-takeaways.png", full_page=True)
    # No uncaught error. (Opened at /lesson, Streamlit first looks for its server under
    # /lesson/_stcore/ and logs the two 404s before it finds it at the root.)
    assert not [e for e in page.errors if e.startswith("page error")], page.errors
