"""Walking a lesson in the page: answer a step's questions, lock them in, go on."""

from __future__ import annotations

from playwright.sync_api import Locator, Page

from tests.e2e.conftest import wait_for_rerun


def _press(element: Locator, touch: bool) -> None:
    element.tap() if touch else element.click()


def predict_and_lock(page: Page, main: Locator, *, choice: int = 0, touch: bool = False) -> None:
    """Answer every question on the step shown (choice ``choice``, or -20 for a number),
    then lock the prediction in."""
    for group in main.locator("[role=radiogroup]").all():
        _press(group.locator("label").nth(choice), touch)
        wait_for_rerun(page)
    for field in main.locator("[data-testid=stNumberInput] input").all():
        field.fill("-20")
        field.press("Enter")
        wait_for_rerun(page)
    _press(main.get_by_role("button", name="Lock in my prediction"), touch)
    wait_for_rerun(page)


def next_step(page: Page, main: Locator, *, touch: bool = False) -> None:
    _press(main.get_by_role("button", name="Next ▶"), touch)
    wait_for_rerun(page)
