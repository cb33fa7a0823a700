// live_chart: keep ONE Plotly graph div mounted and update it in place.
//
// Runs as a Streamlit components.v2 module in the main document (no iframe,
// isolate_styles=False so plotly.js's global <style> also applies to the
// mode bar). Streamlit calls the default export on mount and again every
// time `data` changes, always with the same `parentElement`, so the graph div
// and its state live in a WeakMap keyed by that element.

const STATE = new WeakMap();

// plotly.js (~4.6 MB) is loaded once per page as a classic <script>, from the
// copy inside the installed `plotly` Python package (URL sent by Python).
function loadPlotly(src) {
  if (window.Plotly) return Promise.resolve(window.Plotly);
  if (!window.__liveChartPlotly) {
    window.__liveChartPlotly = new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = src;
      script.async = true;
      script.onload = () => resolve(window.Plotly);
      script.onerror = () => {
        window.__liveChartPlotly = undefined; // allow a retry on next update
        script.remove();
        reject(new Error(`live_chart: failed to load ${src}`));
      };
      document.head.appendChild(script);
    });
  }
  return window.__liveChartPlotly;
}

function mount(parentElement) {
  const root = document.createElement("div");
  root.className = "live-chart";
  // A labelled figure (not role="img") so the mode bar and the Play/Pause
  // buttons inside stay reachable for assistive technology.
  root.setAttribute("role", "figure");
  root.style.cssText = "width:100%;background:transparent;overflow:hidden;";
  const gd = document.createElement("div");
  gd.style.cssText = "width:100%;height:100%;";
  root.appendChild(gd);
  parentElement.appendChild(root);

  const state = { root, gd, seq: 0, queue: Promise.resolve(), width: 0 };
  // Follow the container width (Streamlit columns/sidebar can resize it
  // without a window resize event, which is all config.responsive watches).
  state.resizeObserver = new ResizeObserver((entries) => {
    const width = Math.round(entries[0].contentRect.width);
    if (width !== state.width && gd._fullLayout && window.Plotly) {
      state.width = width;
      window.Plotly.Plots.resize(gd);
    }
  });
  state.resizeObserver.observe(root);
  state.cleanup = () => {
    state.disposed = true;
    state.resizeObserver.disconnect();
    if (window.Plotly) window.Plotly.purge(gd);
    root.remove();
    STATE.delete(parentElement);
  };
  STATE.set(parentElement, state);
  return state;
}

// Inside Streamlit, plotly.py's default template is Streamlit's "streamlit"
// template, whose colours are placeholders (#000001 ... #000040) that
// st.plotly_chart swaps for theme colours in the browser. Do the same, using
// the theme CSS variables Streamlit sets around v2 components, so such
// figures follow the light/dark theme; any other template is left untouched.
const PLACEHOLDER = /"#0000([0-3]\d|40)"/g;

function themeColors(el) {
  const css = getComputedStyle(el);
  const v = (name) => css.getPropertyValue(`--st-${name}`).trim();
  const list = (name) => v(name).split(",").map((c) => c.trim()).filter(Boolean);
  const text = v("text-color") || css.color;
  const border = v("border-color") || "rgba(128,128,128,0.3)";
  const second = v("secondary-background-color") || "rgba(128,128,128,0.15)";
  const map = {};
  const put = (first, colors) => colors.forEach((c, i) => (map[first + i] = c));
  put(1, list("chart-categorical-colors"));
  put(11, list("chart-sequential-colors"));
  put(21, list("chart-diverging-colors"));
  Object.assign(map, {
    32: v("green-color"), 33: v("red-color"), 34: v("blue-color"),
    36: text, 37: text, 38: v("background-color"), 39: border, 40: second,
  });
  return { map, text, border, second, font: v("font") || css.fontFamily };
}

function applyStreamlitTheme(json, el) {
  if (!json.includes('"colorway":["#000001"')) return JSON.parse(json);
  const t = themeColors(el);
  const fig = JSON.parse(
    json.replace(PLACEHOLDER, (m, n) => (t.map[+n] ? `"${t.map[+n]}"` : m)),
  );
  // Fill only what the template leaves to plotly.js defaults (white paper,
  // dark text); explicit figure layout values still win over the template.
  const tl = fig.layout.template.layout;
  const axis = { gridcolor: t.border, linecolor: t.border, zerolinecolor: t.border };
  const ui = { bgcolor: t.second, bordercolor: t.border, font: { color: t.text } };
  Object.assign(tl, {
    paper_bgcolor: "rgba(0,0,0,0)",
    plot_bgcolor: "rgba(0,0,0,0)",
    font: { color: t.text, family: t.font || undefined, ...tl.font },
    xaxis: { ...axis, ...tl.xaxis },
    yaxis: { ...axis, ...tl.yaxis },
    // showactive off: plotly.js paints the active button a fixed near-white.
    updatemenudefaults: { ...ui, showactive: false, ...tl.updatemenudefaults },
    sliderdefaults: { ...ui, activebgcolor: t.border, tickcolor: t.text, ...tl.sliderdefaults },
  });
  return fig;
}

async function render(state, payload, seq) {
  const Plotly = await loadPlotly(payload.plotly_src);
  // Skip stale payloads: only the newest one queued needs drawing.
  if (state.disposed || seq !== state.seq) return;
  const fig = applyStreamlitTheme(payload.figure, state.root);
  const layout = { ...(fig.layout || {}), height: payload.height, autosize: true };
  delete layout.width; // width follows the container
  // Passing `frames` (even []) makes Plotly.react drop all old frames and
  // re-add the new ones, so Play/slider animations use the new data and
  // nothing accumulates across updates.
  await Plotly.react(state.gd, {
    data: fig.data || [],
    layout,
    frames: fig.frames || [],
    // plotly.js 4 adds a "Share chart..." (upload to Plotly Cloud) button;
    // hide it unless the caller's config sets its own list.
    config: {
      displaylogo: false,
      modeBarButtonsToRemove: ["sendChartToCloud"],
      ...(payload.config || {}),
    },
  });
  state.width = Math.round(state.root.getBoundingClientRect().width);
}

export default function liveChart({ data, parentElement }) {
  const state = STATE.get(parentElement) || mount(parentElement);
  if (!data) return state.cleanup;
  state.root.setAttribute("aria-label", data.alt || "Chart");
  state.root.style.height = `${data.height}px`;
  const seq = ++state.seq;
  // Serialise renders: a Plotly.react never overlaps the previous one.
  state.queue = state.queue
    .then(() => render(state, data, seq))
    .catch((err) => console.error("live_chart:", err));
  // Streamlit keeps only the latest returned cleanup and runs it on unmount.
  return state.cleanup;
}
