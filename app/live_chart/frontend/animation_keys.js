// animation_keys: keyboard shortcuts for a Plotly animation drawn elsewhere on the page.
//
//   Alt+P  play / pause      Alt+,  previous frame      Alt+.  next frame
//
// A components.v2 module in the main document (no iframe). It finds the graph
// div inside the element keyed `target` (Streamlit puts the class `st-key-<key>`
// on a keyed element's container) and drives it the way a mouse would: a click
// on the Play or Pause button, a press on the epoch slider's rail at the tick of
// the wanted frame. That needs no handle on the plotly.js instance that drew the
// chart (st.plotly_chart bundles its own; there is no global Plotly).

const SHARED = (window.__animationKeys ??= { targets: new Set(), listening: false });

const TEXT_TYPES = /^(text|search|email|url|tel|password|number|date|time|datetime-local|month|week)$/;

function typing(el) {
  if (!el) return false;
  if (el.isContentEditable || el.tagName === "TEXTAREA" || el.tagName === "SELECT") return true;
  return el.tagName === "INPUT" && TEXT_TYPES.test(el.type || "text");
}

function graphDiv(target) {
  return document.querySelector(`.st-key-${CSS.escape(target)} .js-plotly-plot`);
}

function playing(gd) {
  // plotly.js keeps a requestAnimationFrame handle while frames are queued.
  return Boolean(gd._transitionData && gd._transitionData._animationRaf);
}

function click(el) {
  el?.dispatchEvent(new MouseEvent("click", { bubbles: true, cancelable: true }));
}

// Play and Pause are the updatemenu buttons whose `animate` args are `null`
// (all frames) and `[null]` (stop); the DOM buttons follow the layout order.
function menuButton(gd, which) {
  const menus = gd._fullLayout?.updatemenus || [];
  for (let m = 0; m < menus.length; m++) {
    const buttons = menus[m].buttons || [];
    const i = buttons.findIndex((b) =>
      b.method === "animate" &&
      (which === "play" ? b.args?.[0] === null : Array.isArray(b.args?.[0]) && b.args[0][0] === null));
    if (i >= 0) {
      const group = gd.querySelectorAll(".updatemenu-container")[m];
      return group?.querySelectorAll(".updatemenu-button")[i];
    }
  }
  return null;
}

// Press the slider rail where tick `k` is: plotly.js maps the pointer position
// to the nearest step and runs that step's `animate` command.
function goToStep(gd, k) {
  const slider = gd._fullLayout?.sliders?.[0];
  if (!slider) return;
  const n = slider.steps.length;
  k = Math.max(0, Math.min(n - 1, k));
  if (k === slider.active) return;
  const group = gd.querySelector(".slider-container .slider-group") || gd;
  const rail = group.querySelector(".slider-rail-touch-rect");
  const ticks = group.querySelectorAll(".slider-tick-rect"); // one per visible step
  if (!rail || ticks.length < 2) return;
  const centre = (el) => {
    const b = el.getBoundingClientRect();
    return b.left + b.width / 2;
  };
  // Ticks are evenly spaced: interpolate in case some steps are hidden.
  const first = centre(ticks[0]);
  const x = ticks.length === n ? centre(ticks[k]) : first + ((centre(ticks[ticks.length - 1]) - first) * k) / (n - 1);
  const r = rail.getBoundingClientRect();
  const at = { bubbles: true, cancelable: true, view: window, button: 0,
               clientX: x, clientY: r.top + r.height / 2 };
  rail.dispatchEvent(new MouseEvent("mousedown", at));
  gd.dispatchEvent(new MouseEvent("mouseup", at));
}

function onKey(event) {
  if (!event.altKey || event.ctrlKey || event.metaKey || typing(event.target)) return;
  const action = { KeyP: "toggle", Comma: "previous", Period: "next" }[event.code];
  if (!action) return;
  const gd = [...SHARED.targets].map(graphDiv).find(Boolean);
  if (!gd || !gd._fullLayout) return;
  event.preventDefault();
  if (action === "toggle") {
    if (playing(gd)) {
      click(menuButton(gd, "pause"));
      return;
    }
    const slider = gd._fullLayout.sliders?.[0];
    // At the last frame, Play starts over (fromcurrent would have nothing to show).
    if (slider && slider.active === slider.steps.length - 1) goToStep(gd, 0);
    click(menuButton(gd, "play"));
    return;
  }
  if (playing(gd)) click(menuButton(gd, "pause"));
  const active = gd._fullLayout.sliders?.[0]?.active ?? 0;
  goToStep(gd, active + (action === "next" ? 1 : -1));
}

export default function animationKeys({ data, parentElement }) {
  // Nothing to show: hide the element's container so it adds no gap to the page.
  const box = parentElement?.closest?.("[data-testid=stElementContainer]");
  if (box) box.style.display = "none";
  const target = data?.target;
  if (!target) return undefined;
  SHARED.targets.add(target);
  if (!SHARED.listening) {
    SHARED.listening = true;
    document.addEventListener("keydown", onKey, true);
  }
  return () => SHARED.targets.delete(target);
}
