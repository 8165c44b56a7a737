// The script the customer-cost part adds to every page (Playwright init script). It is browser
// JavaScript kept as text here because the bench is type-checked without the DOM library.
// It mutates the page like a busy shop page does, records long tasks (PerformanceObserver
// 'longtask'), and starts capture with rrweb's record (the library the snippet uses), timing the
// first full snapshot and serializing every event to JSON as a sender would (the reference row;
// the snippet rows use the snippet's own capture and its performance measures).

export const PAGE_PROBE_JS = String.raw`(() => {
  'use strict';
  const longTasks = [];
  // Init scripts also run in frames; only the top page is measured.
  if (window.top !== window) return;
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) longTasks.push({ start: e.startTime, duration: e.duration });
  }).observe({ type: 'longtask', buffered: true });

  let timer = null;
  let ops = 0;
  let tick = 0;
  const rnd = (n) => Math.floor(Math.random() * n);

  // One tick: 10 price texts, 2 class toggles, one card added at the end and the first removed.
  function mutate() {
    const list = document.getElementById('list');
    const prices = list.getElementsByClassName('price');
    const cards = list.children;
    for (let i = 0; i < 10; i++) prices[rnd(prices.length)].textContent = (rnd(100000) / 100).toFixed(2);
    for (let i = 0; i < 2; i++) cards[rnd(cards.length)].classList.toggle('sel');
    const clone = cards[rnd(cards.length)].cloneNode(true);
    clone.id = 'n' + tick;
    list.appendChild(clone);
    list.removeChild(list.firstElementChild);
    ops += 14;
    tick += 1;
  }

  let recorder = null;
  window.__bench = {
    elementCount: () => document.getElementsByTagName('*').length,
    now: () => performance.now(),
    startMutations(everyMs) {
      ops = 0;
      timer = setInterval(mutate, everyMs);
    },
    stopMutations() {
      clearInterval(timer);
      return ops;
    },
    longTasksSince: (t) => longTasks.filter((x) => x.start >= t),
    longTaskCount: () => longTasks.length,
    // Runs in a task of the page's own (setTimeout), as the snippet's start would, so the
    // long-task observer sees the snapshot's task like any other.
    startCapture: () =>
      new Promise((resolve) => {
        setTimeout(() => {
          const encoder = new TextEncoder();
          const stats = { events: 0, bytes: 0, snapshotBytes: 0, snapshotAt: null };
          const t0 = performance.now();
          const stop = window.rrwebRecord.record({
            emit(event) {
              const size = encoder.encode(JSON.stringify(event)).length;
              stats.events += 1;
              stats.bytes += size;
              // type 2 is rrweb's FullSnapshot; type 4 (Meta) comes just before it.
              if (event.type === 2 || event.type === 4) {
                stats.snapshotBytes += size;
                if (event.type === 2) stats.snapshotAt = performance.now();
              }
            },
          });
          recorder = { stop, stats };
          const snapshotMs = (stats.snapshotAt ?? performance.now()) - t0;
          // Resolved from the next task, so "done" is after the snapshot's task has ended.
          setTimeout(() => resolve({ snapshotMs, snapshotBytes: stats.snapshotBytes, startedAt: t0, done: performance.now() }), 0);
        }, 0);
      }),
    captureStats: () => ({ events: recorder.stats.events, bytes: recorder.stats.bytes }),
    stopCapture() {
      recorder.stop();
    },
  };
})();`;
