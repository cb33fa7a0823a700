// A student's phone following the class's board without rerunning Streamlit's script
// (app/ui/class_wake.py, app/classroom/wake.py). No DOM: fetch, the clock and the timer are
// passed in, so tests/js/ drives it under Node.
//
// Every `every_ms` it asks for the headers of the class's wake file (HEAD: no body); only
// when their ETag moved does it fetch the file, whose digest says what the board is now.
// When that digest differs from the one the page was drawn with, it wakes the page (a
// trigger, so Streamlit reruns it). When the page was known to be current and the ETag
// moved, the board has changed (the file is only rewritten then): it wakes the page at once
// and fetches the digest only at its first look after the redraw (to check that the redraw
// caught up), so the burst of redraws after an Ask has one request per phone less. A page
// that was redrawn but still shows an older board (a cache a moment behind) is woken again,
// at most every RETRY_MS. While a wake waits for its redraw, the page asks nothing: right
// after an Ask the server is busy redrawing the whole class, and every request it need not
// answer then brings the last phone's redraw sooner.

export const RETRY_MS = 5000;

/** Whether to wake the page now: the file shows another board than the page, and this
 * file's board was not already asked for within `retryMs`. */
export function shouldWake(s, now, retryMs = RETRY_MS) {
  if (!s.file || s.file === s.drawn) return false;
  return s.file !== s.woke || now - s.wokeAt >= retryMs;
}

/** A poller; `update(data)` on every render of the component, `stop()` when it is gone.
 * `alive()` false (the element left the page) stops it too. */
export function poller({ fetch, setTimeout, now, wake, alive = () => true, hidden = () => false }) {
  const s = {
    src: "",
    drawn: "",
    everyMs: 2000,
    tag: null, // the ETag of the file last fetched
    file: null, // the digest in it
    woke: null, // the digest the page was last woken for, and when
    wokeAt: -Infinity,
    pending: false, // woken, and not redrawn since
    started: false,
    stopped: false,
    polls: 0,
    fetches: 0,
  };

  function check() {
    if (shouldWake(s, now())) {
      s.woke = s.file;
      s.wokeAt = now();
      s.pending = true;
      wake(s.file);
    }
  }

  async function look() {
    const src = s.src;
    const head = await fetch(src, { method: "HEAD", cache: "no-store" });
    s.polls += 1;
    if (!head.ok) return;
    const tag = head.headers.get("etag") || head.headers.get("last-modified");
    if (tag && tag === s.tag && s.file) return; // unchanged: no body needed
    if (tag && s.tag && s.file && s.file === s.drawn) {
      // The page was current and the file moved: its board changed. Wake the page, and
      // leave the digest for the first look after the redraw: right after an Ask the
      // server is redrawing the whole class, and a GET now would only queue with it.
      s.wokeAt = now();
      s.pending = true;
      s.tag = null;
      s.file = null;
      s.woke = null;
      wake(null);
      return;
    }
    const res = await fetch(src, { cache: "no-store" });
    s.fetches += 1;
    if (!res.ok || src !== s.src) return;
    const body = await res.json();
    if (typeof body?.digest !== "string") return;
    s.file = body.digest;
    s.tag = res.headers.get("etag") || res.headers.get("last-modified");
  }

  async function tick() {
    if (s.stopped) return;
    if (!alive()) {
      s.stopped = true;
      return;
    }
    const waiting = s.pending && now() - s.wokeAt < RETRY_MS;
    if (!hidden() && !waiting) {
      try {
        await look();
      } catch {
        // offline, or the server restarting: the next tick tries again
      }
      check();
    }
    if (!s.stopped) setTimeout(tick, s.everyMs);
  }

  return {
    state: s,
    update(data) {
      s.drawn = String(data.drawn);
      s.pending = false; // a redraw came
      s.everyMs = Number(data.every_ms) || s.everyMs;
      if (data.src !== s.src) {
        s.src = data.src; // another process's file: learn it afresh
        s.tag = null;
        s.file = null;
      }
      check(); // the page was redrawn: is it still behind the file?
      if (!s.started) {
        s.started = true;
        tick();
      }
    },
    stop() {
      s.stopped = true;
    },
  };
}
