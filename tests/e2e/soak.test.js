// Issue 7, long life: many uploads and slider changes in one page; no errors, and wasm memory
// and the JS heap stay flat. Short in the test command; `SOAK=full` runs the 100
// uploads and 2,000 slider changes (README).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, ui, waitForEvents, wasmMemory, rendererMemory } from './helpers.js';
import { jpeg } from './corpus.js';

const FULL = process.env.SOAK === 'full';
const UPLOADS = FULL ? 100 : 12;
const SLIDES = FULL ? 2000 : 240;

let env;
before(async () => {
  env = await setup();
});
after(() => env.close());

/** JS heap in use after a full garbage collection, in bytes. */
async function heap(cdp) {
  await cdp.send('HeapProfiler.collectGarbage');
  const { metrics } = await cdp.send('Performance.getMetrics');
  return metrics.find((m) => m.name === 'JSHeapUsedSize').value;
}

test(`soak: ${UPLOADS} uploads and ${SLIDES} slider changes in one page`, { timeout: FULL ? 1800000 : 120000 }, async () => {
  const { page, problems } = await env.open();
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const { file } = ui(page);
  // Photos of a few sizes (the largest first, so the warm-up reaches the peak working size).
  const photos = [
    [1600, 1200],
    [1200, 1600],
    [1024, 768],
    [800, 800],
  ].map(([w, h], i) => jpeg(w, h, 3, (bx, by, c) => (c ? 120 + i * 4 : 70 + ((bx * 7 + by * 3 + i * 11) % 130))));
  let ready = 1;
  const upload = async (n) => {
    await file.setInputFiles({ name: `photo-${n}.jpg`, mimeType: 'image/jpeg', buffer: photos[n % photos.length] });
    await waitForEvents(page, 'smp-ready', ++ready);
  };
  /** `count` slider changes, as a visitor dragging: input events, each rendered in its frame. */
  const slide = (count, offset) =>
    page.evaluate(
      async ([count, offset]) => {
        const root = document.querySelector('smp-preview').shadowRoot;
        const sliders = ['density', 'impressionSize', 'shade', 'softness'].map((k) => root.getElementById(`s-${k}`));
        for (let i = 0; i < count; i++) {
          const s = sliders[(i + offset) % sliders.length];
          const span = Number(s.max) - Number(s.min);
          s.value = String(Number(s.min) + ((i * 37 + offset) % 100) / 100 * span);
          s.dispatchEvent(new Event('input', { bubbles: true }));
          if (i % 4 === 3) await new Promise((r) => requestAnimationFrame(r));
        }
        sliders[0].dispatchEvent(new Event('change', { bubbles: true }));
        await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      },
      [count, offset],
    );

  // Warm-up: every photo once with each slider over its range, then the baseline.
  // Three rounds: the allocator settles once each photo has followed each other one and the
  // partial redraws (`update`) have met each size.
  for (let n = 0; n < 3 * photos.length; n++) {
    await upload(n);
    await slide(60, n);
  }
  const wasmBefore = await wasmMemory(page);
  const heapBefore = await heap(cdp);
  const rendererBefore = rendererMemory();
  const rendersBefore = await page.evaluate(() => document.querySelector('smp-preview').renderCount);

  const MB = (b) => (b / 2 ** 20).toFixed(1);
  const series = [];
  const perUpload = Math.ceil(SLIDES / UPLOADS);
  let slid = 0;
  for (let n = 0; n < UPLOADS; n++) {
    await upload(n);
    const count = Math.min(perUpload, SLIDES - slid);
    if (count > 0) await slide(count, n);
    slid += count;
    if (n % 10 === 9) series.push(MB(await wasmMemory(page)));
  }
  const wasmAfter = await wasmMemory(page);
  const heapAfter = await heap(cdp);
  const rendererAfter = rendererMemory();
  const renders = (await page.evaluate(() => document.querySelector('smp-preview').renderCount)) - rendersBefore;
  const errors = await page.evaluate(() => window.__smpEvents.filter((e) => e.type === 'smp-error').length);
  console.log(`wasm memory every 10 uploads: ${series.join(', ')} MB`);
  console.log(
    `soak: ${UPLOADS} uploads, ${slid} slider changes, ${renders} renders; wasm memory ${MB(wasmBefore)} → ${MB(wasmAfter)} MB; ` +
      `JS heap ${MB(heapBefore)} → ${MB(heapAfter)} MB; renderer resident ${rendererBefore?.rss} → ${rendererAfter?.rss} MB`,
  );
  assert.equal(slid, SLIDES);
  assert.equal(errors, 0, 'no smp-error');
  assert.deepEqual(problems, [], 'no console error or exception');
  assert.ok(renders >= SLIDES / 4, `renders follow the sliders (${renders})`);
  // Flat: the module's memory does not grow once the largest photo has been seen, and the JS
  // heap comes back to within a few MB (the settings history and the canvases' wrappers).
  assert.ok(wasmAfter <= wasmBefore * 1.1, `wasm memory ${wasmBefore} → ${wasmAfter}`);
  assert.ok(heapAfter - heapBefore < 8 * 2 ** 20, `JS heap ${heapBefore} → ${heapAfter}`);
});
