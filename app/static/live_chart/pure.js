// The live chart's pure parts: no DOM, no Plotly, no window. Each takes plain values (the
// figure Python sends, numbers, the plain objects Plotly keeps on a graph div) and returns
// plain values; live_chart.js does the drawing. Tested under Node: tests/js/.

// Below this width (px) the figure's `narrow` layout (one column) is used.
export const NARROW_PX = 700;
// A click within this many pixels of a drawn point removes it.
export const PICK_PX = 10;
// A pointer that moved more than this between down and click was a drag (a zoom).
export const DRAG_PX = 4;

export const isArrayOrTypedArray = (a) => Array.isArray(a) || (ArrayBuffer.isView(a) && !(a instanceof DataView));
export const isPlainObject = (o) =>
  Object.prototype.toString.call(o) === "[object Object]" && Object.getPrototypeOf(o).hasOwnProperty("hasOwnProperty");

// plotly.js's PlotSchema.findArrayAttributes without Array.concat (why: live_chart.js,
// withoutConcat): the names of `trace`'s array attributes ("x", "marker.color",
// "dimensions[0].values"), found by crawling every trace's common attributes
// (`baseAttributes`), then the trace type's own, with plotly's `crawl(attrs, visit)`.
export function arrayAttributes(crawl, baseAttributes, trace) {
  const found = [], path = [], linked = [];
  function intoTrace(container, i, prefix) {
    const item = container[path[i]];
    const name = prefix + path[i];
    if (i === path.length - 1) {
      if (isArrayOrTypedArray(item)) found.push(name);
    } else if (linked[i]) {
      if (Array.isArray(item)) {
        for (let j = 0; j < item.length; j++) {
          if (isPlainObject(item[j])) intoTrace(item[j], i + 1, `${name}[${j}].`);
        }
      }
    } else if (isPlainObject(item)) {
      intoTrace(item, i + 1, `${name}.`);
    }
  }
  function visit(attr, name, attrs, level) {
    path.length = level;
    path.push(name);
    linked.length = level;
    linked.push(attr && attr._isLinkedToArray);
    const arrayAttr = attr && (attr.valType === "data_array" || attr.arrayOk === true);
    if (arrayAttr && !(path[level - 1] === "colorbar" && (name === "ticktext" || name === "tickvals"))) {
      intoTrace(trace, 0, "");
    }
  }
  crawl(baseAttributes, visit);
  if (trace._module && trace._module.attributes) crawl(trace._module.attributes, visit);
  return found;
}

// --- layout ------------------------------------------------------------------------------

// Whether a chart `width` px wide shows the figure's narrow layout.
export const isNarrow = (fig, width) => Boolean(fig.narrow) && width < NARROW_PX;

// The figure's layout with its `narrow` part laid over it: an axis is merged (the narrow
// part changes a few of its keys), anything else replaced.
export function narrowLayout(layout, narrow) {
  const out = { ...layout };
  for (const [key, value] of Object.entries(narrow)) {
    out[key] = /^[xy]axis/.test(key) ? { ...layout[key], ...value } : value;
  }
  return out;
}

// The height of a wide figure that grows with the screen (`fill`: {max}, lecture mode's):
// the window's height less the `around` px the page has above and below the chart (its
// top on the page, the player and the keys under it), never below the figure's own
// height nor above `max`. Any other figure: its own height.
export function fillHeight(fig, height, windowHeight, around) {
  if (!fig.fill || !(windowHeight > 0) || !(around >= 0)) return height;
  return Math.round(Math.min(Math.max(windowHeight - around, height), fig.fill.max));
}

// `layout` made `height` px high (taller than its own): the panels grow, and the gaps
// between them keep their pixels, as do the margins (a panel's title above it and its
// tick labels below need the same room at any height). Every vertical place in the
// plotting area's fractions moves with them: the y axes' domains and the annotations on
// the paper (the panels' titles).
export function stretchLayout(layout, height) {
  const margin = layout.margin || {};
  const room = (layout.height || 450) - (margin.t ?? 100) - (margin.b ?? 80);
  const grown = room + height - (layout.height || 450);
  const axes = Object.keys(layout).filter((k) => /^yaxis\d*$/.test(k));
  const spans = axes.map((k) => (layout[k] || {}).domain || [0, 1]).sort((a, b) => a[0] - b[0]);
  const covered = [];
  for (const [lo, hi] of spans) {
    const last = covered[covered.length - 1];
    if (last && lo <= last[1]) last[1] = Math.max(last[1], hi);
    else covered.push([lo, hi]);
  }
  const panels = covered.reduce((sum, [lo, hi]) => sum + hi - lo, 0);
  if (!(room > 0) || !(panels > 0) || grown <= room) return { ...layout };
  const scale = (grown - (1 - panels) * room) / (panels * room); // a panel's px grow by this
  const place = (f) => {
    if (f <= 0) return (f * room) / grown; // below the plotting area: the same px below it
    if (f >= 1) return 1 + ((f - 1) * room) / grown;
    let px = 0;
    let at = 0;
    for (const [lo, hi] of covered) {
      if (f <= lo) break;
      px += (lo - at) * room + (Math.min(f, hi) - lo) * room * scale;
      at = Math.min(f, hi);
    }
    return (px + (f - at) * room) / grown;
  };
  const out = { ...layout, height };
  for (const k of axes) {
    const domain = (layout[k] || {}).domain;
    if (domain) out[k] = { ...layout[k], domain: domain.map(place) };
  }
  if (layout.annotations) {
    out.annotations = layout.annotations.map((a) =>
      a.yref === "paper" && typeof a.y === "number" ? { ...a, y: place(a.y) } : a,
    );
  }
  return out;
}

// The layout handed to Plotly: the wide or the narrow one, as wide as its container
// (no width of its own), 450 px high unless the figure says; a wide figure that fills
// the window (`fill`) is stretched to its height (`fillHeight`'s).
export function chartLayout(fig, narrow, windowHeight = 0, around = NaN) {
  const layout = narrow ? narrowLayout(fig.layout || {}, fig.narrow) : { ...(fig.layout || {}) };
  delete layout.width;
  const height = layout.height || 450;
  const filled = narrow ? height : fillHeight(fig, height, windowHeight, around);
  const sized = filled > height ? stretchLayout({ ...layout, height }, filled) : layout;
  return { ...sized, height: filled, autosize: true };
}

// The config handed to Plotly.react, and its key: the config without the PNG options
// (`toImageButtonOptions`), which live_chart.js sets where the button reads them.
export function plotlyConfig(config) {
  const { toImageButtonOptions, ...rest } = config;
  return {
    key: JSON.stringify(rest),
    config: { displaylogo: false, responsive: false, modeBarButtonsToRemove: ["sendChartToCloud"], ...rest },
  };
}

// --- the player ----------------------------------------------------------------------------

// The player of an animated figure: its frames' names (epochs, as text), one label per
// frame, the epochs with a tick, and the time per frame; null when there is nothing to play.
export function player(fig) {
  const names = frameNames(fig);
  const anim = fig.animation;
  if (!anim || names.length < 2) return null;
  const labels = anim.labels_packed ? unpackLabels(anim.labels_packed) : anim.labels;
  return { names, labels, ticks: anim.ticks, frameMs: anim.frame_ms };
}

// The labels app/charts/encode.py's packed_labels stands for: its `words`, each null filled
// with the label's next value, joined by single spaces.
export function unpackLabels({ words, values }) {
  return values.map((rest) => {
    let j = 0;
    return words.map((word) => (word === null ? rest[j++] : word)).join(" ");
  });
}

// The figure's frames' names: of its `frames`, or of its `frames_packed`.
export const frameNames = (fig) => (fig.frames_packed ? fig.frames_packed.names : (fig.frames || []).map((f) => f.name));

// The figure's Plotly frames: its `frames`, or the ones its `frames_packed` stands for
// (app/charts/encode.py, packed_frames): for each moving trace's array attribute, frame f
// keeps the first keep[f] values of frame f - 1's array and adds the next count[f] of `add`.
export function figureFrames(fig) {
  const packed = fig.frames_packed;
  if (!packed) return fig.frames || [];
  const frames = packed.names.map((name) => ({ name, traces: [...packed.traces], data: [] }));
  for (const attrs of packed.data) {
    const entries = frames.map(() => ({}));
    for (const [attr, { keep, count, add }] of Object.entries(attrs)) {
      let before = [];
      let at = 0;
      frames.forEach((_, f) => {
        const now = before.slice(0, keep[f]);
        for (let j = 0; j < count[f]; j++) now.push(add[at++]);
        entries[f][attr] = now;
        before = now;
      });
    }
    entries.forEach((entry, f) => frames[f].data.push(entry));
  }
  return frames;
}

// The frame with this name (Plotly's plotly_animatingframe event), or -1.
export const frameOf = (anim, name) => anim.names.indexOf(name);

// Frame `i` kept within the player's frames.
export const clampFrame = (anim, i) => Math.max(0, Math.min(anim.names.length - 1, i));

// Where Play starts from frame `current`: the next frame, or the first at the end (Play
// replays the run).
export const playFrom = (anim, current) => (current >= anim.names.length - 1 ? 0 : current + 1);

// The label's minimum width, as wide as the longest label from the start: a label growing
// during Play (a diverging loss, "1.815" to "5.606e+13") shrank the scrubber beside it,
// which then jittered.
export const labelWidth = (labels) => `min(${Math.max(...labels.map((text) => text.length))}ch, 100%)`;

// The scrubber's ticks: each tick's epoch and its place (percent from the left). Frames
// are spread evenly over the epochs, so an epoch's place is its share of the last one.
export function tickPlaces(anim) {
  const last = Math.max(Number(anim.names[anim.names.length - 1]), 1);
  return anim.ticks.map((epoch) => ({ text: String(epoch), left: `${(100 * epoch) / last}%` }));
}

// The Play button's text and accessible name.
export const playButton = (playing) =>
  playing ? { text: "❚❚ Pause", label: "Pause" } : { text: "▶ Play", label: "Play" };

// --- text beside the chart -------------------------------------------------------------------

// Nothing to draw: no table, or no keys.
export const nothingToDraw = (spec) => !spec || (Array.isArray(spec) && !spec.length);

// The keys listed under the chart: the player's own (Play, previous, next) only when there
// is a player, then the page's.
export const shownKeys = (playerKeys, pageKeys, hasPlayer) => [
  ...(hasPlayer ? playerKeys || [] : []),
  ...(pageKeys || []),
];

// The keyboard's keys under the player, from [[key, what it does], ...]: pieces of
// ["text", ...] and ["kbd", key].
export function keyPieces(pairs) {
  const pieces = [["text", "Keyboard: "]];
  pairs.forEach(([name, what], i) => {
    if (i) pieces.push(["text", " · "]);
    pieces.push(["kbd", name], ["text", ` ${what}`]);
  });
  return pieces;
}

// --- redrawing only the changed traces -------------------------------------------------------

// The same array values, or the same typed array as Plotly's JSON spells it
// ({dtype, bdata, shape}).
export function sameValues(a, b) {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }
  const typed = (v) => Boolean(v) && typeof v === "object" && typeof v.bdata === "string";
  return typed(a) && typed(b) && a.bdata === b.bdata && a.dtype === b.dtype && String(a.shape) === String(b.shape);
}

const withoutXY = (trace) => JSON.stringify({ ...trace, x: undefined, y: undefined });

// The traces to redraw when only the x and y of some traces changed; else null (then the
// update is a full Plotly.react). `drawn` is what was drawn last ({data, layoutKey}),
// `fullLayout` and `fullData` Plotly's own view of it (the graph div's _fullLayout and
// _fullData). Required: the same layout and config, the same traces otherwise, every axis
// on a fixed range (a redrawn trace does not move an autoranged axis), and only SVG
// scatter traces (which Plotly can redraw one by one) besides WebGL points. Plotly then
// redraws only the listed traces and leaves the others drawn, but it empties a layer (a
// panel's traces of one zorder) none of whose traces is listed; so for each such layer
// one trace is listed too, unchanged: its one with the fewest points. (Listing them all
// redrew the 2,000 data points of a panel whose line had not moved: at 5,000 epochs two
// learning rates end on the same line, and that was most of a key press.)
export function tracesToRedraw(drawn, data, layoutKey, fullLayout, fullData) {
  if (!drawn || !fullLayout || !fullData || drawn.layoutKey !== layoutKey) return null;
  if (drawn.data.length !== data.length || fullData.length !== data.length) return null;
  for (const key of Object.keys(fullLayout)) {
    if (/^[xy]axis\d*$/.test(key) && fullLayout[key].autorange) return null;
  }
  const changed = new Set();
  const layers = new Map(); // "x2y2 0" (panel, zorder) -> that layer's scatter traces
  for (let i = 0; i < data.length; i++) {
    const [before, now, trace] = [drawn.data[i], data[i], fullData[i]];
    if (withoutXY(before) !== withoutXY(now)) return null;
    const scatter = trace.type === "scatter" && trace._module && trace._module.animatable;
    if (!scatter && trace.type !== "scattergl") return null;
    const same = sameValues(before.x, now.x) && sameValues(before.y, now.y);
    if (!same && !scatter) return null; // WebGL points are redrawn by a full update only
    if (!scatter) continue;
    const layer = `${trace.xaxis}${trace.yaxis} ${trace.zorder || 0}`;
    if (!layers.has(layer)) layers.set(layer, []);
    layers.get(layer).push(i);
    if (!same) changed.add(i);
  }
  if (!changed.size) return null;
  const points = (i) => fullData[i]._length ?? Infinity;
  for (const traces of layers.values()) {
    if (traces.some((i) => changed.has(i))) continue;
    changed.add(traces.reduce((best, i) => (points(i) < points(best) ? i : best)));
  }
  return [...changed].sort((a, b) => a - b);
}

// --- keyboard: Alt+P play/pause, Alt+, previous frame, Alt+. next frame ----------------------

const TEXT_TYPES = /^(text|search|email|url|tel|password|number|date|time|datetime-local|month|week)$/;
const KEYS = new Map([
  ["KeyP", "toggle"],
  ["Comma", "previous"],
  ["Period", "next"],
]);

// Whether `node` (the key's target) takes typed text: the keys are then left alone.
export function typing(node) {
  if (!node) return false;
  if (node.isContentEditable || node.tagName === "TEXTAREA" || node.tagName === "SELECT") return true;
  return node.tagName === "INPUT" && TEXT_TYPES.test(node.type || "text");
}

// What a keydown does: "toggle", "previous", "next", or null.
export function keyAction(event) {
  if (!event.altKey || event.ctrlKey || event.metaKey || typing(event.target)) return null;
  return KEYS.get(event.code) || null;
}

// --- placing points (issue 13) ---------------------------------------------------------------

// Where a click on the first panel places a point: {action: "add", x, y} in data
// coordinates, or {action: "remove", x, y} with a drawn point's own coordinates when the
// click is within PICK_PX of it; null for a click off the panel, a drag (zoom: `down` is
// where the pointer went down) or the second click of a double-click. `rect` is the graph
// div's box, `xa` and `ya` Plotly's full axes (_offset, _length, d2p, p2d), `points` the
// first trace (it holds the points).
export function placement(click, down, rect, xa, ya, points) {
  if (click.detail > 1) return null;
  if (down && Math.hypot(click.clientX - down.x, click.clientY - down.y) > DRAG_PX) return null;
  const px = click.clientX - rect.left - xa._offset;
  const py = click.clientY - rect.top - ya._offset;
  if (px < 0 || px > xa._length || py < 0 || py > ya._length) return null;
  let best = null;
  if (points && points.x && points.y) {
    for (let i = 0; i < points.x.length; i++) {
      const d = Math.hypot(xa.d2p(points.x[i]) - px, ya.d2p(points.y[i]) - py);
      if (d <= PICK_PX && (!best || d < best.d)) best = { d, x: Number(points.x[i]), y: Number(points.y[i]) };
    }
  }
  if (best) return { action: "remove", x: best.x, y: best.y };
  return { action: "add", x: Number(xa.p2d(px)), y: Number(ya.p2d(py)) };
}

// --- many data points as one image (raster) ---------------------------------------------------

// A trace marked `meta: {raster: true}` by Python (thousands of data points, which do not
// change when the learning rate moves) is drawn as one picture under the panel, not as an
// SVG mark per point: Chromium gives each translated SVG mark a paint chunk of its own, and
// re-layerised all 2,000 of them after every change on the page (a third of a key press at
// the maximum, in a CPU profile). The trace stays for its legend entry, with one empty
// point (with none, Plotly hides the trace and its legend entry).
export const isRaster = (trace) => Boolean(trace && trace.meta && trace.meta.raster);

// The figure's traces as handed to Plotly: a raster trace without its points.
export const withoutRasterPoints = (data) =>
  data.map((trace) => (isRaster(trace) ? { ...trace, x: [null], y: [null], hoverinfo: "skip" } : trace));

// An array as Python sends it: a plain list, or Plotly's typed-array JSON
// ({dtype, bdata: base64}, little-endian).
const TYPED = { f4: Float32Array, f8: Float64Array, i1: Int8Array, u1: Uint8Array, i2: Int16Array, u2: Uint16Array, i4: Int32Array, u4: Uint32Array };
export function numbers(values) {
  if (Array.isArray(values)) return values.map(Number);
  if (!values || typeof values.bdata !== "string" || !TYPED[values.dtype]) return [];
  const bytes = Uint8Array.from(atob(values.bdata), (c) => c.charCodeAt(0));
  return Array.from(new TYPED[values.dtype](bytes.buffer));
}

// The axis names of a trace's axis ids: "x2" -> "xaxis2".
export const axisName = (id) => `${id[0]}axis${id.slice(1)}`;

// What a raster picture shows, without its size in pixels: the points and their look, and
// the axes' ranges. The same key: the picture drawn before still fits.
export const rasterKey = (trace, xRange, yRange) =>
  JSON.stringify([trace.x, trace.y, trace.marker, trace.xaxis, trace.yaxis, xRange, yRange]);

// Where each point of a raster trace is drawn on a picture `width` x `height` px that spans
// the axes' ranges (linear axes), and its radius: [[px, py], ...], r. Plotly's marker size
// is the circle's diameter in CSS pixels; `scale` is the device's pixels per CSS pixel.
export function rasterPlaces(trace, xRange, yRange, width, height, scale) {
  const xs = numbers(trace.x), ys = numbers(trace.y);
  const [x0, x1] = xRange, [y0, y1] = yRange;
  const places = [];
  for (let i = 0; i < Math.min(xs.length, ys.length); i++) {
    if (!Number.isFinite(xs[i]) || !Number.isFinite(ys[i])) continue;
    places.push([((xs[i] - x0) / (x1 - x0)) * width, ((y1 - ys[i]) / (y1 - y0)) * height]);
  }
  const size = (trace.marker && trace.marker.size) || 6;
  return { places, r: (size / 2) * scale };
}

// The layout image that holds a raster picture: the axes' whole ranges, stretched to them,
// under the panel's lines.
export const rasterImage = (source, trace, xRange, yRange) => ({
  source,
  xref: trace.xaxis || "x",
  yref: trace.yaxis || "y",
  x: xRange[0],
  y: yRange[1],
  sizex: xRange[1] - xRange[0],
  sizey: yRange[1] - yRange[0],
  xanchor: "left",
  yanchor: "top",
  sizing: "stretch",
  layer: "below",
  name: "live-chart-raster",
});
