"""The live chart's player in the page: where its parts are and what state it shows."""

from __future__ import annotations

from playwright.sync_api import Page

# The chart draws inside a component's shadow root, which document.querySelector does not
# enter. deep(selector) and deepAll(selector) search the document and every open shadow
# root (Playwright's own locators pierce shadow roots already).
DEEP_JS = r"""
window.deepAll = (selector) => {
  const found = new Set(document.querySelectorAll(selector));
  const hosts = [...document.querySelectorAll("*")].filter((el) => el.shadowRoot);
  for (const part of selector.split(",")) {
    const [first, ...rest] = part.trim().split(/\s+/);  // "HOST-ANCESTOR INSIDE…"
    for (const host of hosts) {
      host.shadowRoot.querySelectorAll(part).forEach((el) => found.add(el));
      if (rest.length && host.closest(first)) {
        host.shadowRoot.querySelectorAll(rest.join(" ")).forEach((el) => found.add(el));
      }
    }
  }
  return [...found];
};
window.deep = (selector) => window.deepAll(selector)[0] ?? null;
"""

#: The playground's chart (its Streamlit key is "playground_chart").
CHART = ".st-key-playground_chart .live-chart"
GRAPH = f"{CHART} .js-plotly-plot"
PLAY = f"{CHART} .live-chart-play"
SCRUBBER = f"{CHART} .live-chart-scrub input[type=range]"
LABEL = f"{CHART} .live-chart-label"
#: The cells of the run's table under the chart (a Markdown table in the main area).
RESULT_CELLS = "[data-testid=stMain] [data-testid=stMarkdownContainer] table td"


def wait_for_player(page: Page, timeout_ms: int = 30_000) -> None:
    """Wait until the chart has been drawn and its player shows a frame."""
    page.wait_for_function(
        """([chart, scrubber]) => {
            const root = deep(chart);
            const range = deep(scrubber);
            return root && Number(root.dataset.renders || 0) >= 1 && range
                && range.getAttribute("aria-valuetext");
        }""",
        arg=[CHART, SCRUBBER],
        timeout=timeout_ms,
        polling=50,
    )


def frame(page: Page) -> int:
    """The frame the scrubber is on."""
    return int(page.locator(SCRUBBER).input_value())


def last_frame(page: Page) -> int:
    return int(page.locator(SCRUBBER).get_attribute("max"))


def playing(page: Page) -> bool:
    return page.locator(CHART).get_attribute("data-playing") == "true"


def wait_for_frame(page: Page, condition: str, timeout_ms: int = 15_000) -> None:
    """Wait until ``condition``, a JavaScript expression in ``i`` (the frame), holds."""
    page.wait_for_function(
        f"s => {{ const i = Number(deep(s).value); return {condition}; }}",
        arg=SCRUBBER,
        timeout=timeout_ms,
        polling=50,
    )
