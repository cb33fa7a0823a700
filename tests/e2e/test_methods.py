"""Optimizers, mini-batches and standardizing in Chromium (the presets and the second lesson's
walk are AppTest's: tests/test_classroom.py and tests/test_beyond.py)."""

from urllib.parse import urlencode

import pytest
from playwright.sync_api import expect

from app.model.compute import run
from app.model.links import parse_query
from app.model.numbers import number_text
from app.model.settings import split
from tests.e2e.conftest import assert_no_exception, open_app, wait_for_rerun
from tests.e2e.player import CHART, GRAPH, LABEL, wait_for_player

#: A link per method, and words its status line must hold.
LINKS = {
    "gd": ({"lr": "0.05"}, "Converged"),
    "momentum": ({"optimizer": "momentum", "beta": "0.8"}, "Momentum β = 0.8 converges about"),
    "nesterov": ({"optimizer": "nesterov"}, "Nesterov β = 0.9 converges about"),
    "rmsprop": ({"optimizer": "rmsprop", "lr": "0.005"}, "no simple linear theory"),
    "adam": ({"optimizer": "adam", "beta2": "0.99"}, "no simple linear theory"),
    "mini-batch": ({"batch": "10", "lr": "0.05"}, "Mini-batches of 10"),
    "standardize": ({"x_center": "10", "standardize": "true", "lr": "0.5"}, "standardized x"),
}


@pytest.mark.parametrize("name", LINKS)
def test_each_method_by_link_renders(page, app_server, name):
    query, says = LINKS[name]
    open_app(page, app_server, urlencode(query))
    wait_for_player(page)
    assert_no_exception(page)
    assert not [e for e in page.errors if "Uncaught" in e or e.startswith("page error")]
    main = page.locator("[data-testid=stMain]")
    expect(main.get_by_text(says).first).to_be_visible()
    expect(page.locator(GRAPH).locator(".cartesianlayer .subplot")).to_have_count(4)
    h = run(split(parse_query(query).values)[0]).history
    # The player opens on the last epoch, with the run's numbers.
    expect(page.locator(LABEL)).to_contain_text(f"w = {h.w[-1]:.4f} · b = {h.b[-1]:.4f}")
    assert (
        page.locator(CHART)
        .get_attribute("aria-label")
        .endswith(
            f"Final w = {number_text(h.w[-1])}, b = {number_text(h.b[-1])}, "
            f"loss = {number_text(h.final_loss)}."
        )
    )


def test_switching_optimizer_in_the_sidebar(page, app_server):
    open_app(page, app_server)
    sidebar = page.locator("[data-testid=stSidebar]")
    expect(sidebar.get_by_text("Momentum β")).to_have_count(0)  # β only where it applies
    sidebar.get_by_text("Adam", exact=True).click()
    wait_for_rerun(page)
    expect(sidebar.get_by_text("Momentum β")).to_be_visible()
    expect(sidebar.get_by_text("β2 (squared-gradient memory)")).to_be_visible()
    expect(
        page.locator("[data-testid=stMain]").get_by_text("no simple linear theory")
    ).to_be_visible()
    assert_no_exception(page)


def _checked_optimizer(page) -> str:
    return (
        page.locator("[data-testid=stSidebar] [role=radiogroup][aria-label=Optimizer]")
        .locator("input:checked")
        .evaluate("e => e.closest('label').innerText")
    )


def _reload(page) -> None:
    page.reload()
    page.locator("[data-testid=stApp][data-test-script-state=notRunning]").wait_for()
    wait_for_player(page)


def test_the_optimizer_stays_in_the_address_and_a_reload_keeps_it(page, app_server):
    """A link's ``optimizer=momentum`` is written back as the radio button says it
    (Streamlit's bound radio dropped the name it could not read, and a reload opened plain
    gradient descent); an optimizer picked on the page is read back from its address."""
    open_app(page, app_server, "optimizer=momentum&beta=0.5")
    page.wait_for_function("new URLSearchParams(location.search).get('optimizer') === 'Momentum'")
    assert "beta=0.5" in page.evaluate("location.search")
    _reload(page)
    assert _checked_optimizer(page) == "Momentum"
    page.locator("[data-testid=stSidebar]").get_by_text("Nesterov", exact=True).click()
    wait_for_rerun(page)
    page.wait_for_function("new URLSearchParams(location.search).get('optimizer') === 'Nesterov'")
    _reload(page)
    assert _checked_optimizer(page) == "Nesterov"
    expect(page.get_by_text("unknown choice")).to_have_count(0)  # no notice about the link
    assert_no_exception(page)


def test_beta2_off_the_optimizer_s_default_stays_in_the_address(page, app_server):
    """β2's widget has the optimizer's own β2 for its default (as links leave that out), not
    the first offered 0.9: with 0.9 as its default, Streamlit left ``beta2=0.9`` out of the
    address and a reload ran RMSProp at its own 0.99; and picking RMSProp wrote its default
    0.99 into the address."""
    open_app(page, app_server, "optimizer=RMSProp&beta2=0.9&lr=0.005")
    page.wait_for_timeout(1000)  # time for the address to be rewritten if it were
    assert "beta2=0.9" in page.evaluate("location.search")
    _reload(page)
    assert "beta2=0.9" in page.evaluate("location.search")
    beta2 = page.locator(
        "[data-testid=stSidebar] [role=group][aria-label^='β2'] input[type=range]"
    ).first
    expect(beta2).to_have_attribute("aria-valuetext", "0.9")
    open_app(page, app_server)
    page.locator("[data-testid=stSidebar]").get_by_text("RMSProp", exact=True).click()
    wait_for_rerun(page)
    page.wait_for_function("new URLSearchParams(location.search).get('optimizer') === 'RMSProp'")
    page.wait_for_timeout(500)
    assert "beta2" not in page.evaluate("location.search")
    expect(beta2).to_have_attribute("aria-valuetext", "0.99")
    assert_no_exception(page)
