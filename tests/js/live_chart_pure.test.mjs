// The live chart's pure parts (app/static/live_chart/pure.js) under Node's own test runner:
// node --test tests/js/*.test.mjs  (no npm packages). The chart as a whole, with the DOM
// and Plotly, is driven in Chromium by tests/e2e/.
import assert from "node:assert/strict";
import { describe, test } from "node:test";

import * as pure from "../../app/static/live_chart/pure.js";

// A figure as app/charts/animation.py sends it: frames named by epoch, one label a frame.
const EPOCHS = [0, 25, 50, 75, 100, 125, 150, 175, 200];
const LABEL = (k) => `epoch ${k} · w = ${(k / 100).toFixed(3)} · b = 0.5 · loss = ${k ? (1.815e3 / k).toPrecision(4) : "1.771e+06"}`;
const FIGURE = {
  data: [{ type: "scatter", x: [0, 1], y: [0, 1] }],
  layout: { height: 640, width: 900, xaxis: { range: [0, 1], title: { text: "x" } }, grid: { rows: 2, columns: 2 } },
  frames: EPOCHS.map((k) => ({ name: String(k), traces: [0], data: [{ y: [k, k] }] })),
  animation: { frame_ms: 40, labels: EPOCHS.map(LABEL), ticks: [0, 50, 100, 150, 200] },
  narrow: { xaxis: { range: [0, 2] }, grid: { rows: 4, columns: 1 }, height: 1200 },
};

describe("the player", () => {
  const anim = pure.player(FIGURE);

  test("takes the frames' names, the labels, the ticks and the time per frame", () => {
    assert.deepEqual(anim.names, ["0", "25", "50", "75", "100", "125", "150", "175", "200"]);
    assert.equal(anim.frameMs, 40);
    assert.deepEqual(anim.ticks, [0, 50, 100, 150, 200]);
  });

  test("shows an epoch's own label on that epoch's frame", () => {
    assert.equal(pure.frameOf(anim, "125"), 5);
    assert.equal(anim.labels[pure.frameOf(anim, "125")], "epoch 125 · w = 1.250 · b = 0.5 · loss = 14.52");
    assert.equal(anim.labels[pure.frameOf(anim, "0")], "epoch 0 · w = 0.000 · b = 0.5 · loss = 1.771e+06");
    assert.equal(pure.frameOf(anim, "130"), -1); // not a frame
  });

  test("is there only for an animation of two frames or more", () => {
    assert.equal(pure.player({ ...FIGURE, animation: undefined }), null);
    assert.equal(pure.player({ ...FIGURE, frames: FIGURE.frames.slice(0, 1) }), null);
    assert.equal(pure.player({ ...FIGURE, frames: undefined }), null);
    assert.notEqual(pure.player({ ...FIGURE, frames: FIGURE.frames.slice(0, 2) }), null);
  });

  test("plays from the next frame, and from the first at the end", () => {
    assert.equal(pure.playFrom(anim, 0), 1);
    assert.equal(pure.playFrom(anim, 3), 4);
    assert.equal(pure.playFrom(anim, 7), 8);
    assert.equal(pure.playFrom(anim, 8), 0); // the last frame: Play replays the run
  });

  test("keeps a step of the scrubber or a key on the frames", () => {
    assert.equal(pure.clampFrame(anim, -1), 0);
    assert.equal(pure.clampFrame(anim, 4), 4);
    assert.equal(pure.clampFrame(anim, 9), 8);
  });

  test("places each tick at its epoch's share of the last epoch", () => {
    assert.deepEqual(pure.tickPlaces(anim), [
      { text: "0", left: "0%" },
      { text: "50", left: "25%" },
      { text: "100", left: "50%" },
      { text: "150", left: "75%" },
      { text: "200", left: "100%" },
    ]);
    // Uneven frames: the place follows the epoch, not the frame's index.
    const uneven = { names: ["0", "1", "2", "40"], ticks: [0, 10, 40] };
    assert.deepEqual(pure.tickPlaces(uneven).map((t) => t.left), ["0%", "25%", "100%"]);
    // A run of epoch 0 only divides by 1, not 0.
    assert.deepEqual(pure.tickPlaces({ names: ["0", "0"], ticks: [0] }), [{ text: "0", left: "0%" }]);
  });

  test("reserves the longest label's width from the start", () => {
    assert.equal(pure.labelWidth(["epoch 0 · loss = 1.815", "epoch 90 · loss = 5.606e+13", "x"]), "min(27ch, 100%)");
    // "epoch 0 · w = 0.000 · b = 0.5 · loss = 1.771e+06", the longest: 48 characters.
    assert.equal(pure.labelWidth(anim.labels), "min(48ch, 100%)");
  });

  test("names its button by what it does", () => {
    assert.deepEqual(pure.playButton(false), { text: "▶ Play", label: "Play" });
    assert.deepEqual(pure.playButton(true), { text: "❚❚ Pause", label: "Pause" });
  });
});

describe("packed frames", () => {
  // app/charts/encode.py's packed_frames of a path so far (0, 1, 2, ...) with "now" at its
  // end, and a marker that moves on its own.
  const PATHS = [[0, 1, 9], [0, 1, 2, 8], [0, 1, 2, 3, 7]];
  const FRAMES = PATHS.map((x, k) => ({ name: String(k), traces: [3, 4], data: [{ x, y: x.map((v) => -v) }, { x: [k] }] }));
  const PACKED = {
    names: ["0", "1", "2"],
    traces: [3, 4],
    data: [
      {
        x: { keep: [0, 2, 3], count: [3, 2, 2], add: [0, 1, 9, 2, 8, 3, 7] },
        y: { keep: [0, 2, 3], count: [3, 2, 2], add: [-0, -1, -9, -2, -8, -3, -7] },
      },
      { x: { keep: [0, 0, 0], count: [1, 1, 1], add: [0, 1, 2] } },
    ],
  };

  test("are the frames they stand for, each with arrays of its own", () => {
    const frames = pure.figureFrames({ frames_packed: PACKED });
    assert.deepEqual(frames, FRAMES);
    frames[1].data[0].x.push(99); // Plotly may keep and change a frame's arrays
    assert.deepEqual(frames[2].data[0].x, [0, 1, 2, 3, 7]);
    assert.notEqual(frames[0].traces, frames[1].traces);
  });

  test("labels sent as their shared words and the rest are the labels", () => {
    const labels_packed = { words: ["epoch", null, "·", "w", "=", null], values: [["0", "0.0000"], ["25", "1.2"]] };
    assert.deepEqual(pure.unpackLabels(labels_packed), ["epoch 0 · w = 0.0000", "epoch 25 · w = 1.2"]);
    const figure = { ...FIGURE, frames: FIGURE.frames.slice(0, 2), animation: { ...FIGURE.animation, labels: undefined, labels_packed } };
    assert.deepEqual(pure.player(figure).labels, ["epoch 0 · w = 0.0000", "epoch 25 · w = 1.2"]);
  });

  test("give the player its frames' names; frames sent whole are taken as they are", () => {
    assert.deepEqual(pure.frameNames({ frames_packed: PACKED }), ["0", "1", "2"]);
    assert.deepEqual(pure.player({ ...FIGURE, frames: undefined, frames_packed: PACKED }).names, ["0", "1", "2"]);
    assert.equal(pure.figureFrames(FIGURE), FIGURE.frames);
    assert.deepEqual(pure.figureFrames({ data: [] }), []);
  });
});

describe("the layout", () => {
  test("is the narrow one below NARROW_PX, and only for a figure that has one", () => {
    assert.equal(pure.NARROW_PX, 700);
    assert.equal(pure.isNarrow(FIGURE, 699), true);
    assert.equal(pure.isNarrow(FIGURE, 700), false);
    assert.equal(pure.isNarrow({ ...FIGURE, narrow: undefined }, 320), false);
  });

  test("merges the narrow part's axes and replaces its other keys", () => {
    const out = pure.narrowLayout(FIGURE.layout, FIGURE.narrow);
    assert.deepEqual(out.xaxis, { range: [0, 2], title: { text: "x" } });
    assert.deepEqual(out.grid, { rows: 4, columns: 1 });
    assert.equal(out.height, 1200);
    assert.deepEqual(FIGURE.layout.xaxis.range, [0, 1]); // the figure itself is left as it was
  });

  test("follows the container's width, keeps the figure's height or takes 450 px", () => {
    const wide = pure.chartLayout(FIGURE, false);
    assert.equal("width" in wide, false);
    assert.equal(wide.height, 640);
    assert.equal(wide.autosize, true);
    assert.deepEqual(wide.xaxis.range, [0, 1]);
    assert.equal(FIGURE.layout.width, 900);
    assert.equal(pure.chartLayout(FIGURE, true).height, 1200);
    assert.deepEqual(pure.chartLayout(FIGURE, true).xaxis.range, [0, 2]);
    assert.deepEqual(pure.chartLayout({ data: [] }, false), { height: 450, autosize: true });
  });

  test("a figure that fills the window grows with it, between its own height and its max", () => {
    const fig = { ...FIGURE, fill: { max: 930 } };
    assert.equal(pure.fillHeight(fig, 465, 720, 255), 465); // a 1280 x 720 projector: as it was
    assert.equal(pure.fillHeight(fig, 465, 1080, 255), 825);
    assert.equal(pure.fillHeight(fig, 465, 1080, 355), 725); // a status line of three rows
    assert.equal(pure.fillHeight(fig, 465, 2160, 255), 930);
    assert.equal(pure.fillHeight(fig, 465, 500, 255), 465); // never below its own height
    assert.equal(pure.fillHeight(fig, 465, 1080, NaN), 465); // nothing measured: its own
    assert.equal(pure.fillHeight(FIGURE, 465, 1080, 255), 465); // no `fill`: its own height
    assert.equal(pure.chartLayout(fig, false, 1080, 255).height, 825);
    assert.equal(pure.chartLayout(fig, true, 1080, 255).height, 1200); // a phone: the narrow one's
  });

  test("stretched, the panels grow and the gaps and margins keep their pixels", () => {
    // Two rows: 100 px each with a 50 px gap, in 250 px between 40 px and 60 px margins.
    const layout = {
      height: 350,
      margin: { t: 40, b: 60 },
      yaxis: { domain: [0.6, 1] },
      yaxis2: { domain: [0.6, 1] },
      yaxis3: { domain: [0, 0.4] },
      annotations: [
        { text: "top title", yref: "paper", y: 1 },
        { text: "bottom title", yref: "paper", y: 0.4 },
        { text: "in a domain", yref: "y3 domain", y: 0.97 },
      ],
    };
    const out = pure.stretchLayout(layout, 550); // 450 px of plotting area
    const px = (f) => Math.round(f * 450 * 1e6) / 1e6;
    assert.equal(out.height, 550);
    assert.deepEqual(out.margin, layout.margin);
    assert.deepEqual(out.yaxis3.domain.map(px), [0, 200]); // 100 px -> 200 px
    assert.deepEqual(out.yaxis.domain.map(px), [250, 450]); // after the 50 px gap
    assert.deepEqual(out.yaxis2.domain, out.yaxis.domain);
    assert.deepEqual(out.annotations.map((a) => a.y).slice(0, 2).map(px), [450, 200]);
    assert.equal(out.annotations[2].y, 0.97); // relative to its axis: stays
    assert.deepEqual(layout.yaxis.domain, [0.6, 1]); // the layout itself is left as it was
    assert.deepEqual(pure.stretchLayout(layout, 300), layout); // never shrunk
  });

  test("hands Plotly its config, keyed without the PNG options", () => {
    const a = pure.plotlyConfig({ toImageButtonOptions: { filename: "run-1" }, scrollZoom: true });
    const b = pure.plotlyConfig({ toImageButtonOptions: { filename: "run-2" }, scrollZoom: true });
    assert.equal(a.key, '{"scrollZoom":true}');
    assert.equal(a.key, b.key); // a new file name alone redraws nothing
    assert.notEqual(pure.plotlyConfig({ scrollZoom: false }).key, a.key);
    assert.deepEqual(a.config, {
      displaylogo: false,
      responsive: false,
      modeBarButtonsToRemove: ["sendChartToCloud"],
      scrollZoom: true,
    });
    assert.equal(pure.plotlyConfig({ displaylogo: true }).config.displaylogo, true);
  });
});

describe("the text beside the chart", () => {
  test("lists the keys, each in a kbd", () => {
    const pairs = [["Alt+P", "play / pause"], ["Alt+,", "previous frame"], ["Alt+.", "next frame"]];
    assert.deepEqual(pure.keyPieces(pairs), [
      ["text", "Keyboard: "],
      ["kbd", "Alt+P"], ["text", " play / pause"], ["text", " · "],
      ["kbd", "Alt+,"], ["text", " previous frame"], ["text", " · "],
      ["kbd", "Alt+."], ["text", " next frame"],
    ]);
    assert.equal(pure.keyPieces(pairs).map(([, text]) => text).join(""),
      "Keyboard: Alt+P play / pause · Alt+, previous frame · Alt+. next frame");
  });

  test("lists the player's keys only when there is a player", () => {
    const own = [["Alt+P", "play / pause"]];
    const page = [["Alt+Z", "reset"]];
    assert.deepEqual(pure.shownKeys(own, page, true), [...own, ...page]);
    assert.deepEqual(pure.shownKeys(own, page, false), page);
    assert.deepEqual(pure.shownKeys(undefined, undefined, true), []);
  });

  test("is hidden when there is none", () => {
    assert.equal(pure.nothingToDraw(null), true);
    assert.equal(pure.nothingToDraw(undefined), true);
    assert.equal(pure.nothingToDraw([]), true);
    assert.equal(pure.nothingToDraw([["Alt+P", "play"]]), false);
    assert.equal(pure.nothingToDraw({ caption: "", columns: [], rows: [] }), false); // a table
  });
});

describe("the keyboard", () => {
  const key = (code, more = {}) => ({ code, altKey: true, ctrlKey: false, metaKey: false, target: null, ...more });

  test("maps Alt+P, Alt+, and Alt+. to play/pause, previous and next", () => {
    assert.equal(pure.keyAction(key("KeyP")), "toggle");
    assert.equal(pure.keyAction(key("Comma")), "previous");
    assert.equal(pure.keyAction(key("Period")), "next");
    assert.equal(pure.keyAction(key("KeyQ")), null);
    assert.equal(pure.keyAction(key("constructor")), null);
  });

  test("needs Alt alone", () => {
    assert.equal(pure.keyAction(key("KeyP", { altKey: false })), null);
    assert.equal(pure.keyAction(key("KeyP", { ctrlKey: true })), null);
    assert.equal(pure.keyAction(key("KeyP", { metaKey: true })), null);
    assert.equal(pure.keyAction(key("KeyP", { shiftKey: true })), "toggle");
  });

  test("leaves the keys to a field that takes text", () => {
    for (const target of [
      { tagName: "INPUT", type: "text" },
      { tagName: "INPUT", type: "number" },
      { tagName: "INPUT", type: "" }, // no type: a text field
      { tagName: "TEXTAREA" },
      { tagName: "SELECT" },
      { tagName: "DIV", isContentEditable: true },
    ]) {
      assert.equal(pure.typing(target), true, JSON.stringify(target));
      assert.equal(pure.keyAction(key("KeyP", { target })), null, JSON.stringify(target));
    }
    for (const target of [{ tagName: "INPUT", type: "range" }, { tagName: "BUTTON" }, { tagName: "INPUT", type: "checkbox" }]) {
      assert.equal(pure.typing(target), false, JSON.stringify(target));
      assert.equal(pure.keyAction(key("Period", { target })), "next", JSON.stringify(target));
    }
  });
});

describe("placing points", () => {
  // The first panel: 400 x 300 px at (60, 20) in a graph div at (100, 50) on the page;
  // x from 0 to 4 (100 px a unit), y from 0 to 3 upwards (100 px a unit).
  const xa = { _offset: 60, _length: 400, d2p: (v) => 100 * v, p2d: (p) => p / 100 };
  const ya = { _offset: 20, _length: 300, d2p: (v) => 300 - 100 * v, p2d: (p) => (300 - p) / 100 };
  const rect = { left: 100, top: 50 };
  const at = (x, y, more = {}) => ({ clientX: 160 + 100 * x, clientY: 370 - 100 * y, detail: 1, ...more });
  const points = { x: [1, 2, 3.5], y: [1, 2.5, 0.5] };

  test("adds a point where the click landed, in data coordinates", () => {
    assert.deepEqual(pure.placement(at(1.5, 2), null, rect, xa, ya, points), { action: "add", x: 1.5, y: 2 });
    assert.deepEqual(pure.placement(at(0, 0), null, rect, xa, ya, undefined), { action: "add", x: 0, y: 0 });
  });

  test("removes the nearest drawn point within PICK_PX", () => {
    assert.equal(pure.PICK_PX, 10);
    assert.deepEqual(pure.placement(at(2.05, 2.5), null, rect, xa, ya, points), { action: "remove", x: 2, y: 2.5 });
    // 11 px away: a new point instead.
    assert.equal(pure.placement(at(2.11, 2.5), null, rect, xa, ya, points).action, "add");
    // Two within reach: the nearer one goes.
    const close = { x: [1, 1.12], y: [1, 1] };
    assert.deepEqual(pure.placement(at(1.07, 1), null, rect, xa, ya, close), { action: "remove", x: 1.12, y: 1 });
    // Coordinates as Plotly may hold them (text): numbers in the trigger value.
    assert.deepEqual(pure.placement(at(1, 1), null, rect, xa, ya, { x: ["1"], y: ["1"] }), { action: "remove", x: 1, y: 1 });
  });

  test("ignores a click off the panel, a drag and a double-click's second click", () => {
    assert.equal(pure.placement(at(-0.01, 1), null, rect, xa, ya, points), null);
    assert.equal(pure.placement(at(4.01, 1), null, rect, xa, ya, points), null);
    assert.equal(pure.placement(at(1, 3.01), null, rect, xa, ya, points), null);
    assert.equal(pure.placement(at(1.5, 2, { detail: 2 }), null, rect, xa, ya, points), null);
    const click = at(1.5, 2);
    assert.equal(pure.DRAG_PX, 4);
    const moved = (dx) => ({ x: click.clientX - dx, y: click.clientY });
    assert.equal(pure.placement(click, moved(5), rect, xa, ya, points), null);
    assert.equal(pure.placement(click, moved(4), rect, xa, ya, points).action, "add");
  });
});

describe("redrawing only the changed traces", () => {
  const animatable = { animatable: true };
  const layoutKey = '{"height":450}';
  const fixed = { xaxis: { autorange: false }, yaxis: { autorange: false }, xaxis2: { autorange: false } };
  const full = (data) =>
    data.map((t, i) => ({
      type: t.type,
      _module: t.type === "scatter" ? animatable : {},
      _length: t.x.length,
      xaxis: i < 2 ? "x" : "x2",
      yaxis: i < 2 ? "y" : "y2",
    }));
  const before = [
    { type: "scatter", x: [0, 1, 2], y: [1, 2, 0], name: "data" },
    { type: "scatter", x: [0, 1], y: [3, 4], name: "fit" },
    { type: "scatter", x: [0, 1], y: [5, 6], name: "loss" },
  ];
  const drawn = { data: before, layoutKey };
  const change = (i, y) => before.map((t, j) => (j === i ? { ...t, y } : t));

  test("lists the changed traces, and one trace of each layer none of whose traces changed", () => {
    // The fit moved: it is redrawn, and the loss (alone on its panel) is listed too.
    assert.deepEqual(pure.tracesToRedraw(drawn, change(1, [3, 5]), layoutKey, fixed, full(before)), [1, 2]);
    // The loss moved: the first panel has no changed trace; its trace with the fewest
    // points (the fit, not the data) is listed, so that Plotly keeps the panel drawn.
    assert.deepEqual(pure.tracesToRedraw(drawn, change(2, [5, 7]), layoutKey, fixed, full(before)), [1, 2]);
    const sizes = full(before).map((t, i) => ({ ...t, _length: [1, 9, 2][i] }));
    assert.deepEqual(pure.tracesToRedraw(drawn, change(2, [5, 7]), layoutKey, fixed, sizes), [0, 2]);
  });

  test("counts a panel's traces of another zorder as a layer of their own", () => {
    // Few data points stand in front of the line (zorder 1): Plotly draws them in a layer
    // of their own, which it would empty if none of its traces were listed.
    const front = full(before).map((t, i) => (i === 0 ? { ...t, zorder: 1 } : t));
    assert.deepEqual(pure.tracesToRedraw(drawn, change(1, [3, 5]), layoutKey, fixed, front), [0, 1, 2]);
  });

  test("asks for a full update otherwise", () => {
    const now = change(1, [3, 5]);
    assert.equal(pure.tracesToRedraw(null, now, layoutKey, fixed, full(before)), null); // nothing drawn yet
    assert.equal(pure.tracesToRedraw(drawn, before, layoutKey, fixed, full(before)), null); // nothing changed
    assert.equal(pure.tracesToRedraw(drawn, now, '{"height":451}', fixed, full(before)), null); // another layout
    assert.equal(pure.tracesToRedraw(drawn, now, layoutKey, { ...fixed, yaxis2: { autorange: true } }, full(before)), null);
    assert.equal(pure.tracesToRedraw(drawn, now.slice(0, 2), layoutKey, fixed, full(before)), null); // a trace less
    const renamed = now.map((t, i) => (i === 1 ? { ...t, name: "fit 2" } : t));
    assert.equal(pure.tracesToRedraw(drawn, renamed, layoutKey, fixed, full(before)), null); // not only x and y
    const bars = full(before).map((t, i) => (i === 0 ? { ...t, type: "bar" } : t));
    assert.equal(pure.tracesToRedraw(drawn, now, layoutKey, fixed, bars), null); // a trace Plotly cannot redraw alone
    const still = full(before).map((t, i) => (i === 0 ? { ...t, _module: {} } : t));
    assert.equal(pure.tracesToRedraw(drawn, now, layoutKey, fixed, still), null);
  });

  test("lets unchanged WebGL points stay, and redraws changed ones in full", () => {
    const gl = [{ type: "scattergl", x: [0, 1], y: [1, 2] }, ...before.slice(1)];
    const glDrawn = { data: gl, layoutKey };
    const glFull = full(gl);
    const fitMoved = gl.map((t, i) => (i === 1 ? { ...t, y: [3, 5] } : t));
    assert.deepEqual(pure.tracesToRedraw(glDrawn, fitMoved, layoutKey, fixed, glFull), [1, 2]);
    const pointsMoved = gl.map((t, i) => (i === 0 ? { ...t, y: [1, 3] } : t));
    assert.equal(pure.tracesToRedraw(glDrawn, pointsMoved, layoutKey, fixed, glFull), null);
  });

  test("compares arrays by value and typed arrays by their encoded bytes", () => {
    assert.equal(pure.sameValues([1, 2, 3], [1, 2, 3]), true);
    assert.equal(pure.sameValues([1, 2, 3], [1, 2, 4]), false);
    assert.equal(pure.sameValues([1, 2], [1, 2, 3]), false);
    assert.equal(pure.sameValues([NaN], [NaN]), false); // as !==: a NaN is never "the same"
    assert.equal(pure.sameValues([0], [-0]), true); // as !==
    const f8 = (bdata, shape) => ({ dtype: "f8", bdata, shape });
    assert.equal(pure.sameValues(f8("AAAAAAAA8D8=", "1"), f8("AAAAAAAA8D8=", "1")), true);
    assert.equal(pure.sameValues(f8("AAAAAAAA8D8=", "1"), f8("AAAAAAAAAEA=", "1")), false);
    assert.equal(pure.sameValues(f8("AAAAAAAA8D8=", "1"), { ...f8("AAAAAAAA8D8=", "1"), dtype: "f4" }), false);
    assert.equal(pure.sameValues(f8("AAAAAAAA8D8=", [1, 1]), f8("AAAAAAAA8D8=", [1])), false);
    assert.equal(pure.sameValues(undefined, undefined), true);
    assert.equal(pure.sameValues(undefined, [1]), false);
  });
});

describe("the concat-free findArrayAttributes", () => {
  // plotly.js 4.1.1's PlotSchema.crawl and findArrayAttributes (src/plot_api/plot_schema.js,
  // MIT; as in app/static/plotly/plotly-basic-4.1.1.min.js), the original to agree with.
  const UNDERSCORE_ATTRS = ["_isSubplotObj", "_isLinkedToArray", "_arrayAttrRegexps", "_deprecated"];
  const isPlainObject = (o) =>
    Object.prototype.toString.call(o) === "[object Object]" && Object.getPrototypeOf(o).hasOwnProperty("hasOwnProperty");
  const isValObject = (o) => o && o.valType !== undefined;
  function crawl(attrs, callback, specifiedLevel, attrString) {
    const level = specifiedLevel || 0;
    attrString = attrString || "";
    Object.keys(attrs).forEach((attrName) => {
      const attr = attrs[attrName];
      if (UNDERSCORE_ATTRS.indexOf(attrName) !== -1) return;
      const fullAttrString = (attrString ? attrString + "." : "") + attrName;
      callback(attr, attrName, attrs, level, fullAttrString);
      if (isValObject(attr)) return;
      if (isPlainObject(attr) && attrName !== "impliedEdits") crawl(attr, callback, level + 1, fullAttrString);
    });
  }
  function original(baseAttributes, trace) {
    const arrayAttributes = [];
    let stack = [], isArrayStack = [];
    function callback(attr, attrName, attrs, level) {
      stack = stack.slice(0, level).concat([attrName]);
      isArrayStack = isArrayStack.slice(0, level).concat([attr && attr._isLinkedToArray]);
      const splittableAttr = attr && (attr.valType === "data_array" || attr.arrayOk === true) &&
        !(stack[level - 1] === "colorbar" && (attrName === "ticktext" || attrName === "tickvals"));
      if (splittableAttr) crawlIntoTrace(trace, 0, "");
    }
    function crawlIntoTrace(container, i, astrPartial) {
      const item = container[stack[i]];
      const newAstrPartial = astrPartial + stack[i];
      if (i === stack.length - 1) {
        if (Array.isArray(item) || (ArrayBuffer.isView(item) && !(item instanceof DataView))) arrayAttributes.push(newAstrPartial);
      } else if (isArrayStack[i]) {
        if (Array.isArray(item)) {
          for (let j = 0; j < item.length; j++) {
            if (isPlainObject(item[j])) crawlIntoTrace(item[j], i + 1, newAstrPartial + "[" + j + "].");
          }
        }
      } else if (isPlainObject(item)) {
        crawlIntoTrace(item, i + 1, newAstrPartial + ".");
      }
    }
    crawl(baseAttributes, callback);
    if (trace._module && trace._module.attributes) crawl(trace._module.attributes, callback);
    return arrayAttributes;
  }

  // A small schema of the same shape as plotly's.
  const data = { valType: "data_array" };
  const arrayOk = { valType: "number", arrayOk: true };
  const base = { type: { valType: "enumerated" }, customdata: data, ids: data, hovertext: { valType: "string", arrayOk: true } };
  const attributes = {
    x: data,
    y: data,
    text: { valType: "string", arrayOk: true },
    marker: {
      color: { valType: "color", arrayOk: true },
      size: arrayOk,
      colorbar: { tickvals: data, ticktext: data, len: { valType: "number" } },
      line: { width: arrayOk },
    },
    dimensions: { _isLinkedToArray: "dimension", values: data, label: { valType: "string" } },
    impliedEdits: { z: data },
  };
  const trace = {
    type: "scatter",
    x: [0, 1, 2],
    y: new Float64Array([1, 2, 3]),
    customdata: [[1], [2], [3]],
    hovertext: "one text for all", // arrayOk, but not an array here
    text: ["a", "b", "c"],
    marker: { color: ["red", "blue"], size: 4, colorbar: { tickvals: [1, 2], ticktext: ["a", "b"] }, line: { width: [1, 2, 3] } },
    dimensions: [{ values: [1, 2], label: "first" }, "not an object", { values: new Int8Array(2) }, { label: "none" }],
    impliedEdits: { z: [1] },
    _module: { attributes },
  };
  const expected = [
    "customdata",
    "x",
    "y",
    "text",
    "marker.color",
    "marker.line.width",
    "dimensions[0].values",
    "dimensions[2].values",
  ];

  test("finds a trace's array attributes, its linked arrays', and skips colorbar ticks", () => {
    assert.deepEqual(pure.arrayAttributes(crawl, base, trace), expected);
  });

  test("agrees with plotly.js's own", () => {
    assert.deepEqual(original(base, trace), expected);
    for (const t of [trace, { x: new DataView(new ArrayBuffer(8)), _module: { attributes } }, { ids: ["a"] }, { type: "bar", marker: [1] }]) {
      assert.deepEqual(pure.arrayAttributes(crawl, base, t), original(base, t));
    }
  });
});

describe("many data points as one picture", () => {
  const f4 = (values) => ({ dtype: "f4", bdata: Buffer.from(new Float32Array(values).buffer).toString("base64") });
  const points = {
    type: "scatter",
    mode: "markers",
    x: f4([0, 5, 10, Number.NaN]),
    y: f4([0, 2.5, 5, 1]),
    xaxis: "x",
    yaxis: "y",
    name: "data",
    marker: { color: "#56B4E9", size: 4, opacity: 0.45 },
    meta: { raster: true },
  };
  const line = { type: "scatter", x: [0, 10], y: [0, 5] };

  test("a marked trace goes to Plotly with one empty point, for its legend entry", () => {
    assert.equal(pure.isRaster(points), true);
    assert.equal(pure.isRaster(line), false);
    const [drawn, other] = pure.withoutRasterPoints([points, line]);
    assert.deepEqual([drawn.x, drawn.y, drawn.hoverinfo], [[null], [null], "skip"]);
    assert.deepEqual(drawn.marker, points.marker); // its look stays, for the legend
    assert.equal(other, line);
  });

  test("reads arrays as Python sends them", () => {
    assert.deepEqual(pure.numbers([1, "2"]), [1, 2]);
    assert.deepEqual(pure.numbers(f4([1.5, -2])), [1.5, -2]);
    assert.deepEqual(pure.numbers({ dtype: "f8", bdata: Buffer.from(new Float64Array([0.1]).buffer).toString("base64") }), [0.1]);
    assert.deepEqual(pure.numbers(undefined), []);
    assert.deepEqual(pure.numbers({ dtype: "x9", bdata: "" }), []);
    assert.equal(pure.axisName("x"), "xaxis");
    assert.equal(pure.axisName("y12"), "yaxis12");
  });

  test("places each point on a picture spanning the axes' ranges, up from the bottom", () => {
    const { places, r } = pure.rasterPlaces(points, [0, 10], [0, 5], 200, 100, 2);
    assert.deepEqual(places, [[0, 100], [100, 50], [200, 0]]); // the NaN point is left out
    assert.equal(r, 4); // a 4 px marker is 4 px across: radius 2, at 2 device pixels a px
  });

  test("the picture is a layout image over the axes' whole ranges, under the panel's lines", () => {
    const image = pure.rasterImage("data:image/png;base64,", { ...points, xaxis: "x2", yaxis: "y2" }, [0, 10], [-1, 5]);
    assert.deepEqual(
      [image.xref, image.yref, image.x, image.y, image.sizex, image.sizey, image.xanchor, image.yanchor, image.sizing, image.layer],
      ["x2", "y2", 0, 5, 10, 6, "left", "top", "stretch", "below"],
    );
  });

  test("its key follows the points, their look and the ranges, not the picture's size", () => {
    const key = pure.rasterKey(points, [0, 10], [0, 5]);
    assert.equal(pure.rasterKey({ ...points }, [0, 10], [0, 5]), key);
    assert.notEqual(pure.rasterKey(points, [0, 11], [0, 5]), key);
    assert.notEqual(pure.rasterKey({ ...points, x: f4([1, 5, 10, 0]) }, [0, 10], [0, 5]), key);
    assert.notEqual(pure.rasterKey({ ...points, marker: { ...points.marker, color: "#000" } }, [0, 10], [0, 5]), key);
  });
});
