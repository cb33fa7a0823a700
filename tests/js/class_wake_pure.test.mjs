// The class wake poller (app/static/class_wake/pure.js) under Node's own test runner:
// node --test tests/js/*.test.mjs. A fake server answers HEAD and GET for the wake file, a
// fake clock and timer run the ticks; the page itself is driven in Chromium by tests/e2e/.
import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { RETRY_MS, poller, shouldWake } from "../../app/static/class_wake/pure.js";

describe("shouldWake", () => {
  const base = { drawn: "a", file: "a", woke: null, wokeAt: -Infinity };

  test("not while the file shows the page's board, or before the file was read", () => {
    assert.equal(shouldWake(base, 0), false);
    assert.equal(shouldWake({ ...base, file: null }, 0), false);
  });

  test("when the file shows another board", () => {
    assert.equal(shouldWake({ ...base, file: "b" }, 0), true);
  });

  test("once per board, then again only after RETRY_MS", () => {
    const s = { ...base, file: "b", woke: "b", wokeAt: 1000 };
    assert.equal(shouldWake(s, 1000 + RETRY_MS - 1), false);
    assert.equal(shouldWake(s, 1000 + RETRY_MS), true);
    assert.equal(shouldWake({ ...s, file: "c" }, 1001), true); // a newer board: at once
  });
});

/** A wake file served like Streamlit's static files: an ETag that moves with each write. */
function server(digest) {
  const file = { digest, tag: 1, up: true };
  const log = [];
  const headers = () => new Map([["etag", `"${file.tag}"`]]);
  async function fetch(url, options = {}) {
    const method = options.method || "GET";
    log.push(method);
    assert.equal(options.cache, "no-store");
    if (!file.up) throw new TypeError("Failed to fetch");
    return {
      ok: true,
      headers: headers(),
      json: async () => ({ digest: file.digest }),
    };
  }
  return {
    file,
    log,
    fetch,
    write(d) {
      file.digest = d;
      file.tag += 1;
    },
  };
}

/** A clock and a timer that run only when told to. */
function clock() {
  const c = { t: 0, queue: [] };
  c.now = () => c.t;
  c.setTimeout = (f, ms) => c.queue.push({ at: c.t + ms, f });
  c.advance = async (ms) => {
    const end = c.t + ms;
    for (;;) {
      c.queue.sort((a, b) => a.at - b.at);
      if (!c.queue.length || c.queue[0].at > end) break;
      const next = c.queue.shift();
      c.t = next.at;
      await next.f();
    }
    c.t = end;
  };
  return c;
}

async function settle() {
  for (let i = 0; i < 10; i += 1) await Promise.resolve();
}

function setup(drawn = "a", fileDigest = "a") {
  const srv = server(fileDigest);
  const c = clock();
  const woken = [];
  const p = poller({ fetch: srv.fetch, setTimeout: c.setTimeout, now: c.now, wake: (d) => woken.push(d) });
  p.update({ src: "http://x/app/static/wake/p/ABCDEF.json", drawn, every_ms: 1500 });
  return { srv, c, woken, p };
}

describe("the poller", () => {
  test("reads the file once, then only its headers while nothing changes", async () => {
    const { srv, c, woken } = setup();
    await settle();
    assert.deepEqual(srv.log, ["HEAD", "GET"]);
    await c.advance(1500 * 4);
    assert.deepEqual(srv.log, ["HEAD", "GET", "HEAD", "HEAD", "HEAD", "HEAD"]);
    assert.deepEqual(woken, []);
  });

  test("wakes the page once within a poll of a change, and not again after the redraw", async () => {
    const srv = server("a");
    const c = clock();
    const woken = [];
    const p = poller({
      fetch: srv.fetch,
      setTimeout: c.setTimeout,
      now: c.now,
      wake: (d) => woken.push([d, srv.log.at(-1)]), // what the page was woken for, and when
    });
    p.update({ src: "http://x/app/static/wake/p/ABCDEF.json", drawn: "a", every_ms: 1500 });
    await settle();
    srv.write("b");
    await c.advance(1500);
    // The page was current and the ETag moved: woken right after the HEAD, with no GET
    // while the server redraws the class.
    assert.deepEqual(woken, [[null, "HEAD"]]);
    assert.deepEqual(srv.log, ["HEAD", "GET", "HEAD"]);
    assert.equal(p.state.file, null);
    await c.advance(1500); // the redraw is slow: not woken again, nothing asked
    assert.equal(woken.length, 1);
    assert.equal(srv.log.length, 3);
    p.update({ src: "http://x/app/static/wake/p/ABCDEF.json", drawn: "b", every_ms: 1500 });
    assert.equal(woken.length, 1); // the redraw before the digest is known: no second wake
    await c.advance(1500); // the first look after the redraw reads the digest: current
    assert.deepEqual(srv.log.slice(3), ["HEAD", "GET"]);
    assert.equal(p.state.file, "b");
    await c.advance(1500 * 4);
    assert.equal(woken.length, 1);
    assert.deepEqual(srv.log.slice(5), ["HEAD", "HEAD", "HEAD", "HEAD"]);
  });

  test("a redraw still behind the moved file is woken again at its first look", async () => {
    const { srv, c, woken, p } = setup();
    await settle();
    srv.write("b");
    await c.advance(1500);
    assert.deepEqual(woken, [null]);
    // The redraw read a shared board a moment old: it still shows "a".
    p.update({ src: "http://x/app/static/wake/p/ABCDEF.json", drawn: "a", every_ms: 1500 });
    assert.deepEqual(woken, [null]);
    await c.advance(1500);
    assert.deepEqual(woken, [null, "b"]);
  });

  test("a page drawn behind the file is woken at once, and again after RETRY_MS", async () => {
    const { c, woken, p } = setup("a", "b");
    await settle();
    assert.deepEqual(woken, ["b"]);
    p.update({ src: "http://x/app/static/wake/p/ABCDEF.json", drawn: "a", every_ms: 1500 });
    await c.advance(1500);
    assert.deepEqual(woken, ["b"]); // too soon to ask again
    await c.advance(RETRY_MS);
    assert.deepEqual(woken, ["b", "b"]);
  });

  test("asks nothing while a wake waits for its redraw (up to RETRY_MS)", async () => {
    const { srv, c, woken, p } = setup();
    await settle();
    srv.write("b");
    await c.advance(1500);
    assert.equal(woken.length, 1);
    const asked = srv.log.length;
    await c.advance(1500 * 2); // 3 s after the wake, still no redraw: no request
    assert.equal(srv.log.length, asked);
    p.update({ src: "http://x/app/static/wake/p/ABCDEF.json", drawn: "b", every_ms: 1500 });
    await c.advance(1500);
    // Redrawn: polling again; the first look reads the digest the wake skipped.
    assert.deepEqual(srv.log.slice(asked), ["HEAD", "GET"]);
    await c.advance(1500);
    assert.deepEqual(srv.log.slice(asked), ["HEAD", "GET", "HEAD"]); // then headers only
    assert.equal(woken.length, 1);
  });

  test("keeps polling through a server that is away, and wakes when it is back", async () => {
    const { srv, c, woken } = setup();
    await settle();
    srv.file.up = false;
    await c.advance(1500 * 3);
    assert.deepEqual(woken, []);
    srv.file.up = true;
    srv.write("c");
    await c.advance(1500);
    assert.deepEqual(woken, [null]);
  });

  test("stops when its element left the page", async () => {
    const srv = server("a");
    const c = clock();
    let alive = true;
    const p = poller({ fetch: srv.fetch, setTimeout: c.setTimeout, now: c.now, wake() {}, alive: () => alive });
    p.update({ src: "http://x/w.json", drawn: "a", every_ms: 1000 });
    await settle();
    alive = false;
    await c.advance(5000);
    const polls = srv.log.length;
    await c.advance(5000);
    assert.equal(srv.log.length, polls);
    assert.equal(p.state.stopped, true);
  });

  test("asks nothing while the page is hidden", async () => {
    const srv = server("a");
    const c = clock();
    let hidden = true;
    const p = poller({ fetch: srv.fetch, setTimeout: c.setTimeout, now: c.now, wake() {}, hidden: () => hidden });
    p.update({ src: "http://x/w.json", drawn: "a", every_ms: 1000 });
    await c.advance(5000);
    assert.deepEqual(srv.log, []);
    hidden = false;
    await c.advance(1000);
    assert.deepEqual(srv.log, ["HEAD", "GET"]);
  });
});
