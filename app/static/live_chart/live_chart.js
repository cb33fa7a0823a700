// live_chart: ONE Plotly graph div per chart, kept mounted and updated in place.
//
// An ES module, imported by the Streamlit components.v2 component's loader
// (app/ui/live_chart/__init__.py) from Streamlit's static file serving. The component
// lives in a shadow root of the main document (no iframe; isolate_styles=True), into
// which the chart's CSS and plotly.js's are copied. Streamlit calls the default export
// on mount and every time `data` changes, with the same `parentElement`, so each chart's
// state lives in a WeakMap keyed by that element. Each update is one draw on the same
// div: the changed traces alone when only their x and y changed (see pure.js,
// tracesToRedraw), else one Plotly.react.
//
// Under an animated figure it draws the player: Play/Pause, an epoch scrubber
// (a native range input: keyboard and touch work) with a few labelled ticks,
// and the current epoch's label. The figure opens on its last frame; Play
// replays it from the first. Alt+P plays or pauses, Alt+, and Alt+. step.
// Below NARROW_PX of width the figure's `narrow` layout (one column) is used.
//
// What needs neither the DOM nor Plotly is in pure.js (tested under Node: tests/js/). It
// is imported with this module's own query (?v=, the hash of both files, set by Python),
// so a browser never pairs this module with an older copy of it: a static import's
// "./pure.js" would drop the query, and Streamlit's static files carry no Cache-Control.
const {
  arrayAttributes,
  axisName,
  chartLayout,
  clampFrame,
  figureFrames,
  frameOf,
  isNarrow,
  isRaster,
  keyAction,
  keyPieces,
  shownKeys,
  labelWidth,
  nothingToDraw,
  placement,
  playButton,
  player,
  playFrom,
  plotlyConfig,
  rasterImage,
  rasterKey,
  rasterPlaces,
  tickPlaces,
  tracesToRedraw,
  withoutRasterPoints,
} = await import(`./pure.js${new URL(import.meta.url).search}`);

const STATE = new WeakMap();
const ANIMATED = new Set(); // states of charts with a player, for the keyboard
const DISPOSE_AFTER_MS = 200; // a cleanup not followed by a call within this disposes
const FILL_SLACK_PX = 8; // left free under a chart that fills the window
const STILL = { frame: { duration: 0, redraw: false }, transition: { duration: 0 }, mode: "immediate" };

// Streamlit's components v2 load Apache Arrow, which marks its classes with
// Symbol.isConcatSpreadable. From then on V8 takes its slow path for every Array.concat in
// the page, about 5x slower. plotly.js's findArrayAttributes, run for every trace on every
// update, builds its paths with concat: in this page it was a fifth of a Plotly.react
// (about 5 of 25 ms; a clean A/B in the app page). This is the same algorithm without
// concat. It is checked against the original on the first trace of each trace type, and
// the original comes back for good if they ever differ (a future plotly.js).
function withoutConcat(Plotly) {
  const schema = Plotly.PlotSchema;
  if (!schema || typeof schema.crawl !== "function") return;
  const original = schema.findArrayAttributes;
  const crawl = schema.crawl;
  const checked = new Set(); // trace modules whose result matched the original's
  let baseAttributes = null; // every trace's common attributes, crawled first by the original
  const find = (trace) => arrayAttributes((attrs, visit) => crawl.call(schema, attrs, visit), baseAttributes, trace);

  function findArrayAttributes(trace) {
    if (checked.has(trace._module)) return find(trace);
    if (!baseAttributes) {
      schema.crawl = function (attrs, callback, level) {
        if (!level && !baseAttributes) baseAttributes = attrs;
        return crawl.apply(this, arguments);
      };
    }
    let expected;
    try {
      expected = original(trace);
    } finally {
      schema.crawl = crawl;
    }
    if (baseAttributes && JSON.stringify(find(trace)) === JSON.stringify(expected)) {
      checked.add(trace._module);
    } else {
      schema.findArrayAttributes = original;
      console.warn("live_chart: plotly.js's findArrayAttributes changed; using the original");
    }
    return expected;
  }
  findArrayAttributes.original = original;
  schema.findArrayAttributes = findArrayAttributes;
}

// plotly.js (the basic partial bundle, 1.2 MB) is loaded once per page as a classic
// <script>, from app/static/plotly/ (URL sent by Python). Nothing else in the page loads it.
function loadPlotly(src) {
  if (!window.__liveChartPlotly) {
    window.__liveChartPlotly = new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = src;
      script.async = true;
      script.onload = () => {
        withoutConcat(window.Plotly);
        resolve(window.Plotly);
      };
      script.onerror = () => {
        window.__liveChartPlotly = undefined; // allow a retry on the next update
        script.remove();
        reject(new Error(`live_chart: failed to load ${src}`));
      };
      document.head.appendChild(script);
    });
  }
  return window.__liveChartPlotly;
}

const CSS = `
.live-chart-player{display:flex;flex-wrap:wrap;align-items:center;gap:.4em .9em;margin:.3em 0 0 0;
  font-family:var(--st-font, inherit);color:var(--st-text-color, inherit)}
.live-chart-player[hidden]{display:none}
.live-chart-player button{min-width:6.5em;min-height:44px;padding:.2em .9em;font:inherit;cursor:pointer;
  color:inherit;background:var(--st-secondary-background-color, transparent);
  border:1px solid var(--st-border-color, rgba(128,128,128,.5));border-radius:.5em}
.live-chart-player button:focus-visible,.live-chart-player input:focus-visible{
  outline:2px solid var(--st-primary-color, #0072B2);outline-offset:2px}
.live-chart-scrub{flex:1 1 14em;min-width:10em;position:relative;padding-bottom:1.3em}
.live-chart-scrub input{width:100%;min-height:28px;margin:0;accent-color:var(--st-primary-color, #0072B2)}
.live-chart-ticks{position:absolute;left:8px;right:8px;bottom:0;height:1.2em;font-size:.95em;opacity:.85}
.live-chart-ticks span{position:absolute;transform:translateX(-50%);white-space:nowrap}
.live-chart-ticks span:first-child{transform:none}.live-chart-ticks span:last-child{transform:translateX(-100%)}
.live-chart-label{flex:0 1 auto;font-variant-numeric:tabular-nums}
.live-chart-table{border-collapse:collapse;margin:0 0 .6em 0;font-family:var(--st-font, inherit);
  color:var(--st-text-color, inherit);font-variant-numeric:tabular-nums;line-height:1.3}
.live-chart-table[hidden]{display:none}
.live-chart-table th,.live-chart-table td{padding:.2em 0 .2em 1.4em;text-align:right;vertical-align:bottom;
  border-bottom:1px solid var(--st-border-color, rgba(128,128,128,.3))}
.live-chart-table thead th{font-weight:400;font-size:.85em;opacity:.8;max-width:11em}
.live-chart-table tr>:first-child{padding-left:0}
.live-chart-table tbody th{text-align:left;font-weight:400}
.live-chart-table tbody td:first-of-type{font-size:1.4em;font-weight:600}
@media (max-width:480px){.live-chart-table th,.live-chart-table td{padding-left:.7em}}
.live-chart-table caption{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%)}
.live-chart-keys{margin:.5em 0 0 0;font-family:var(--st-font, inherit);line-height:1.6;
  color:var(--st-text-color, inherit);opacity:.8}
.live-chart-keys[hidden]{display:none}
.live-chart-keys kbd{font:inherit;font-weight:600;white-space:nowrap}
`;

// The chart lives in a shadow root (isolate_styles=True): its own CSS, and plotly.js's
// (which plotly.js puts in document.head, out of the shadow root's reach), are copied into it.
function injectCss(shadowRoot) {
  if (shadowRoot.querySelector("style.live-chart-css")) return;
  const style = document.createElement("style");
  style.className = "live-chart-css";
  style.textContent = CSS;
  shadowRoot.appendChild(style);
}

function copyPlotlyCss(shadowRoot) {
  if (shadowRoot.querySelector("style.plotly-css")) return;
  const source = document.querySelectorAll('style[id^="plotly.js"]');
  if (!source.length) return;
  const style = document.createElement("style");
  style.className = "plotly-css";
  style.textContent = [...source].map((s) => s.textContent || [...(s.sheet?.cssRules || [])].map((r) => r.cssText).join("\n")).join("\n");
  shadowRoot.appendChild(style);
}

function el(tag, props = {}, parent = null) {
  const node = Object.assign(document.createElement(tag), props);
  if (parent) parent.appendChild(node);
  return node;
}

function mount(parentElement) {
  injectCss(parentElement.getRootNode());
  const root = el("div", { className: "live-chart" }, parentElement);
  // A labelled figure (not role="img") so the mode bar and the player stay reachable.
  root.setAttribute("role", "figure");
  // Containment: the chart's many layout reads and writes stay inside it.
  root.style.cssText = "width:100%;background:transparent;contain:layout paint style;";
  const table = el("table", { className: "live-chart-table", hidden: true }, root);
  const gd = el("div", {}, root);
  gd.style.cssText = "width:100%;";
  const player = el("div", { className: "live-chart-player", hidden: true }, root);
  const play = el("button", { type: "button", className: "live-chart-play" }, player);
  const scrub = el("div", { className: "live-chart-scrub" }, player);
  const range = el("input", { type: "range", min: 0, step: 1 }, scrub);
  range.setAttribute("aria-label", "Epoch");
  const ticks = el("div", { className: "live-chart-ticks" }, scrub);
  ticks.setAttribute("aria-hidden", "true");
  const label = el("div", { className: "live-chart-label" }, player);
  label.setAttribute("aria-live", "polite");
  const keys = el("p", { className: "live-chart-keys", hidden: true }, root);

  const state = { root, table, gd, player, play, range, ticks, label, keys, seq: 0, queue: Promise.resolve() };
  state.drawnText = new Map(); // node -> the JSON of what drawText last drew there
  state.anim = null; // {names, labels, frameMs}
  state.playing = false;
  play.addEventListener("click", () => toggle(state));
  range.addEventListener("input", () => goTo(state, Number(range.value)));
  // The chart's width as last laid out, from the observer: reading it from the DOM in an
  // update forced a layout of the page in the middle of Streamlit's commits.
  state.resizeObserver = new ResizeObserver((entries) => {
    state.observedWidth = entries[entries.length - 1].contentRect.width;
    onResize(state);
  });
  state.resizeObserver.observe(root);
  // A figure that fills the window (lecture mode's) follows its height too.
  state.onWindowResize = () => state.fig && state.fig.fill && onResize(state);
  window.addEventListener("resize", state.onWindowResize);
  const dispose = () => {
    state.disposed = true;
    ANIMATED.delete(state);
    state.resizeObserver.disconnect();
    window.removeEventListener("resize", state.onWindowResize);
    if (window.Plotly) window.Plotly.purge(gd);
    root.remove();
    STATE.delete(parentElement);
  };
  // Streamlit also runs the cleanup right before calling the component again on the same
  // element (seen after quick key presses on a slider): disposing of the chart then would
  // draw it again from scratch. So it is disposed of only if no call follows.
  state.cleanup = () => {
    clearTimeout(state.disposeTimer);
    state.disposeTimer = setTimeout(dispose, DISPOSE_AFTER_MS);
  };
  STATE.set(parentElement, state);
  return state;
}

function show(state, i) {
  const { anim, range, label } = state;
  state.current = i;
  range.value = String(i);
  range.setAttribute("aria-valuetext", anim.labels[i]);
  label.textContent = anim.labels[i];
}

// Text beside the chart, drawn into `node` by `build(spec)` (a list of nodes) only when
// `spec` changed; hidden when there is none. Every piece is a text node or an element with
// textContent: nothing in it is read as HTML. The size follows the player's (20 px and
// more at a projector), also when nothing else changed.
function drawText(state, node, spec, fontSize, build) {
  node.style.fontSize = `${fontSize || 14}px`;
  const key = JSON.stringify(spec || null);
  if (state.drawnText.get(node) === key) return;
  state.drawnText.set(node, key);
  node.hidden = nothingToDraw(spec);
  node.replaceChildren(...(node.hidden ? [] : build(spec)));
}

// The table above the chart: {caption, columns, rows}, all text.
function tableParts(spec) {
  const caption = el("caption", { textContent: spec.caption || "" });
  const head = el("thead");
  const top = el("tr", {}, head);
  spec.columns.forEach((text, i) => {
    if (i === 0) el("td", {}, top); // the corner above the row names heads nothing
    else el("th", { textContent: text, scope: "col" }, top);
  });
  const body = el("tbody");
  for (const [name, ...cells] of spec.rows) {
    const tr = el("tr", {}, body);
    el("th", { textContent: name, scope: "row" }, tr);
    for (const text of cells) el("td", { textContent: text }, tr);
  }
  return [caption, head, body];
}

// The keyboard's keys under the player: [[key, what it does], ...].
function keyParts(pairs) {
  return keyPieces(pairs).map(([tag, text]) =>
    tag === "kbd" ? el("kbd", { textContent: text }) : document.createTextNode(text),
  );
}

function setPlaying(state, playing) {
  state.playing = playing;
  const button = playButton(playing);
  state.play.textContent = button.text;
  state.play.setAttribute("aria-label", button.label);
  state.root.dataset.playing = String(playing);
  state.label.setAttribute("aria-live", playing ? "off" : "polite"); // no flood while playing
}

function pause(state) {
  if (!state.playing) return;
  setPlaying(state, false);
  window.Plotly.animate(state.gd, [null], STILL).catch(interrupted);
}

// Plotly rejects an animation's promise, with no reason, when a newer one interrupts it
// (Pause, the scrubber, a new figure): expected, not an error.
function interrupted() {}

// Frames are handed to Plotly only when first needed (Play, the scrubber, a key):
// Plotly.react with frames crawls every frame's arrays, a fifth of an update's cost,
// and most updates are never played.
async function framesReady(state) {
  if (state.pendingFrames) {
    const frames = figureFrames(state.pendingFrames);
    state.pendingFrames = null;
    if (frames.length) await window.Plotly.addFrames(state.gd, frames);
  }
}

async function toggle(state) {
  const { anim, gd } = state;
  if (!anim) return;
  if (state.playing) return pause(state);
  await framesReady(state);
  if (state.anim !== anim) return; // a new figure arrived meanwhile
  const from = playFrom(anim, state.current);
  setPlaying(state, true);
  window.Plotly.animate(gd, anim.names.slice(from), {
    frame: { duration: anim.frameMs, redraw: false },
    transition: { duration: 0 },
    mode: "immediate",
  }).catch(interrupted);
}

async function goTo(state, i) {
  const { anim, gd } = state;
  if (!anim) return;
  i = clampFrame(anim, i);
  if (state.playing) pause(state);
  show(state, i);
  await framesReady(state);
  if (state.anim !== anim) return; // a new figure arrived meanwhile
  window.Plotly.animate(gd, [anim.names[i]], STILL).catch(interrupted);
}

function drawTicks(state) {
  const { anim, ticks } = state;
  // Ticks are epochs (0, round steps, the last).
  ticks.replaceChildren();
  for (const { text, left } of tickPlaces(anim)) el("span", { textContent: text }, ticks).style.left = left;
}

// The chart's width: the observer's, or the DOM's until the observer has seen it.
function rootWidth(state) {
  return state.observedWidth ?? state.root.getBoundingClientRect().width;
}

// The px the page has above and below a chart that fills the window: the chart's top on
// the page (scrolled to the top) and what the chart draws under the plot (the player, the
// keys). Read from the DOM, so only for such a chart (lecture mode's).
function around(state, fig) {
  if (!fig.fill) return NaN;
  const main = document.querySelector("[data-testid=stMain]");
  const top = state.root.getBoundingClientRect().top + (main ? main.scrollTop : 0) + window.scrollY;
  return top + state.root.offsetHeight - state.gd.offsetHeight + FILL_SLACK_PX;
}

function heightFor(state, fig, narrow) {
  return chartLayout(fig, narrow, window.innerHeight, around(state, fig)).height;
}

function layoutFor(state, fig) {
  const width = rootWidth(state) || window.innerWidth;
  state.narrow = isNarrow(fig, width);
  const layout = chartLayout(fig, state.narrow, window.innerHeight, around(state, fig));
  state.height = layout.height;
  return layout;
}

// --- many data points as one picture (see pure.js, isRaster) ---------------------------

// The figure's raster trace and its axes' ranges in `layout`, or null.
function rasterOf(fig, layout) {
  const trace = (fig.data || []).find(isRaster);
  if (!trace) return null;
  const xRange = (layout[axisName(trace.xaxis || "x")] || {}).range;
  const yRange = (layout[axisName(trace.yaxis || "y")] || {}).range;
  if (!xRange || !yRange) return null;
  return { trace, xRange, yRange, key: rasterKey(trace, xRange, yRange) };
}

// `layout` with the picture drawn last, when it still shows the same points on the same
// ranges (stretched meanwhile to a new size, until drawRaster draws it again): a full
// update then does not take the points away for a moment.
function withRaster(state, fig, layout) {
  const raster = rasterOf(fig, layout);
  if (!raster || !state.raster || state.raster.key !== raster.key) return layout;
  return { ...layout, images: [...(layout.images || []), state.raster.image] };
}

// Whether the raster trace is shown (a click on its legend entry hides it).
function rasterVisible(state) {
  const trace = (state.gd._fullData || []).find(isRaster);
  return !trace || trace.visible === true;
}

// The picture follows its trace's legend entry.
function onRestyle(state) {
  const raster = state.raster;
  const images = state.gd.layout.images || [];
  const k = images.indexOf(raster && raster.image);
  if (k < 0 || raster.image.visible === rasterVisible(state)) return;
  raster.image.visible = rasterVisible(state);
  window.Plotly.relayout(state.gd, { [`images[${k}].visible`]: raster.image.visible }).catch(interrupted);
}

// Draws the raster trace's points into a picture as large as its panel (in device pixels,
// at least twice the CSS pixels: the PNG download is at scale 2), each a circle of the
// marker's size, colour and opacity, as Plotly draws them; and puts it under the panel.
async function drawRaster(state, layout) {
  const { gd, fig } = state;
  const raster = rasterOf(fig, layout);
  const full = gd._fullLayout;
  if (!raster || !full) {
    state.raster = null;
    return;
  }
  const { trace, xRange, yRange, key } = raster;
  const xa = full[axisName(trace.xaxis || "x")], ya = full[axisName(trace.yaxis || "y")];
  if (!xa || !ya || !(xa._length > 0) || !(ya._length > 0)) return;
  const scale = Math.max(2, window.devicePixelRatio || 1);
  const width = Math.round(xa._length * scale), height = Math.round(ya._length * scale);
  const sized = `${width}x${height} ${key}`;
  const shown = (gd.layout.images || []).some((image) => state.raster && image === state.raster.image);
  if (shown && state.raster.sized === sized) return;
  const canvas = el("canvas", { width, height });
  const context = canvas.getContext("2d");
  const marker = trace.marker || {};
  context.fillStyle = marker.color || "#1f77b4";
  context.globalAlpha = marker.opacity ?? 1;
  const { places, r } = rasterPlaces(trace, xRange, yRange, width, height, scale);
  for (const [px, py] of places) {
    context.beginPath();
    context.arc(px, py, r, 0, 2 * Math.PI);
    context.fill();
  }
  const image = rasterImage(canvas.toDataURL("image/png"), trace, xRange, yRange);
  image.visible = rasterVisible(state);
  state.raster = { key, sized, image };
  await window.Plotly.relayout(gd, { images: [...(layout.images || []), image] });
}

function setupPlayer(state, fig, payload) {
  state.anim = player(fig);
  if (!state.anim) {
    state.player.hidden = true;
    ANIMATED.delete(state);
    return;
  }
  const count = state.anim.names.length;
  state.player.hidden = false;
  state.player.style.fontSize = `${payload.font_size || 14}px`;
  state.range.max = String(count - 1);
  state.label.style.minWidth = labelWidth(state.anim.labels);
  drawTicks(state);
  setPlaying(state, false);
  show(state, count - 1); // the figure opens on its last frame
  ANIMATED.add(state);
}

// The config handed to Plotly.react: undefined (keep the chart's own) when only the PNG
// options changed, since Plotly.react redraws everything when any config value differs.
function reactConfig(state, payloadConfig) {
  const { key, config } = plotlyConfig(payloadConfig);
  if (state.gd._context && key === state.configKey) return undefined;
  state.configKey = key;
  return config;
}

async function render(state, payload, seq) {
  const Plotly = await loadPlotly(payload.plotly_src);
  if (state.disposed || seq !== state.seq) return; // only the newest update is drawn
  if (state.playing) pause(state);
  const fig = payload.figure;
  copyPlotlyCss(state.root.getRootNode());
  drawText(state, state.table, payload.table, payload.font_size, tableParts);
  setupPlayer(state, fig, payload);
  const keys = shownKeys(payload.player_keys, payload.keys, Boolean(state.anim));
  drawText(state, state.keys, keys, payload.font_size, keyParts);
  state.fig = fig;
  state.payload = payload;
  state.pendingFrames = (fig.frames || fig.frames_packed) ? fig : null; // unpacked when needed
  const layout = layoutFor(state, fig);
  const layoutKey = JSON.stringify(layout); // taken before Plotly, which writes into it
  const config = reactConfig(state, payload.config || {});
  const { drawn, gd } = state;
  const data = withoutRasterPoints(fig.data || []); // what Plotly draws
  const changed =
    config === undefined ? tracesToRedraw(drawn, data, layoutKey, gd._fullLayout, gd._fullData) : null;
  state.drawn = null; // until this draw is done
  if (changed) {
    // Only the x and y of some traces changed (a new learning rate, say). Those traces are
    // redrawn where they are, as a frame of the player is; the axes, the legend, the
    // landscape and the other traces stay. A full Plotly.react would lay out and draw all
    // four panels again: about three times the work.
    await Plotly.deleteFrames(state.gd); // the old run's; the new ones wait (framesReady)
    const update = changed.map((i) => ({ x: data[i].x, y: data[i].y }));
    await Plotly.animate(state.gd, { data: update, traces: changed }, STILL).catch(interrupted);
  } else {
    // `frames: []` makes Plotly.react drop the old frames; the new ones wait (framesReady).
    const withPicture = withRaster(state, fig, layout);
    await Plotly.react(state.gd, { data, layout: withPicture, frames: [], config });
    await drawRaster(state, layout);
  }
  state.drawn = { data, layoutKey };
  state.root.dataset.update = changed ? "traces" : "full";
  // The PNG's file name follows the run, but a changed config makes Plotly.react redraw
  // the chart from scratch (and re-create WebGL), so it is set where the button reads it.
  state.gd._context.toImageButtonOptions = { ...(payload.config || {}).toImageButtonOptions };
  if (!state.listening) {
    state.listening = true;
    state.gd.on("plotly_animatingframe", (event) => {
      const i = state.anim ? frameOf(state.anim, event.name) : -1;
      if (i >= 0) show(state, i);
    });
    state.gd.on("plotly_animated", () => setPlaying(state, false));
    state.gd.on("plotly_restyle", () => onRestyle(state));
  }
  state.width = Math.round(rootWidth(state));
  state.root.dataset.renders = String(Number(state.root.dataset.renders || 0) + 1);
}

function onResize(state) {
  const width = Math.round(rootWidth(state));
  // A width of 0: the chart is hidden or leaving the page, and Plotly refuses to resize it.
  if (!state.fig || width === 0 || state.disposed) return;
  const narrow = isNarrow(state.fig, width);
  const height = heightFor(state, state.fig, narrow);
  if (width === state.width && height === state.height) return;
  state.width = width;
  if (narrow !== state.narrow || height !== state.height) {
    // The other layout, or a new height: same data and frames, so the run and its frame
    // stay where they were.
    const at = state.current;
    const layout = layoutFor(state, state.fig);
    window.Plotly.relayout(state.gd, withRaster(state, state.fig, layout))
      .then(() => {
        if (state.anim && at !== undefined) goTo(state, at);
        return drawRaster(state, layout);
      })
      .catch(interrupted); // the chart left the page meanwhile
  } else {
    // Still refused if it left the page meanwhile: nothing to draw then, not a page error.
    window.Plotly.Plots.resize(state.gd)
      .then(() => drawRaster(state, layoutFor(state, state.fig)))
      .catch(() => {});
  }
}

// --- keyboard: Alt+P play/pause, Alt+, previous frame, Alt+. next frame ----------------
function onKey(event) {
  const action = keyAction(event);
  if (!action) return;
  const state = [...ANIMATED].find((s) => s.root.isConnected);
  if (!state) return;
  event.preventDefault();
  if (action === "toggle") toggle(state);
  else goTo(state, state.current + (action === "next" ? 1 : -1));
}

if (!window.__liveChartKeys) {
  window.__liveChartKeys = true;
  document.addEventListener("keydown", onKey, true);
}

// --- placing points (issue 13) ---------------------------------------------------------
// When Python sends `clickable`, a click on the first panel (axes x, y) reports where it
// landed, in data coordinates, through the trigger value "click" (see pure.js, placement).
function placeAt(state, event) {
  const gd = state.gd;
  const full = gd._fullLayout;
  if (!state.payload || !state.payload.clickable || !full || !full.xaxis || !full.yaxis) return null;
  const rect = gd.getBoundingClientRect();
  return placement(event, state.pointerDown, rect, full.xaxis, full.yaxis, (gd._fullData || [])[0]);
}

function listenForPlacing(state) {
  state.gd.addEventListener("pointerdown", (e) => { state.pointerDown = { x: e.clientX, y: e.clientY }; }, true);
  state.gd.addEventListener("click", (e) => {
    const place = placeAt(state, e);
    if (place) state.setTriggerValue("click", place);
  });
}

// `data` is the component's data, parsed by the loader (app/ui/live_chart/__init__.py).
export default function liveChart({ parentElement, setTriggerValue }, data) {
  let state = STATE.get(parentElement);
  if (state) clearTimeout(state.disposeTimer); // called again: the chart stays
  if (!state) {
    state = mount(parentElement);
    listenForPlacing(state);
  }
  state.setTriggerValue = setTriggerValue;
  if (!data) return state.cleanup;
  state.root.dataset.clickable = String(Boolean(data.clickable));
  state.root.setAttribute("aria-label", data.alt || "Chart");
  const seq = ++state.seq;
  // Serialise renders: a Plotly.react never overlaps the previous one.
  state.queue = state.queue
    .then(() => render(state, data, seq))
    .catch((err) => console.error("live_chart:", err));
  // Streamlit keeps only the latest returned cleanup and runs it on unmount.
  return state.cleanup;
}
