// Issue 7, bad files: a corpus made by corpus.js is uploaded one file after another into one
// page. Each is either shown correctly (scaled down, transparency flattened, first frame) or
// refused with a message saying what to do, the previous photo staying; no uncaught error.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, ui, events, canvasHash, rendererMemory, wasmMemory, beforePixel } from './helpers.js';
import { png, pngBomb, jpeg, animatedGif, heicLike } from './corpus.js';

let env;
before(async () => {
  env = await setup();
});
after(() => env.close());

/** Uploads one file; resolves with the element's answer: the smp-ready or smp-error event. */
async function upload(page, name, mimeType, buffer) {
  const seen = (await page.evaluate(() => window.__smpEvents.length));
  await ui(page).file.setInputFiles({ name, mimeType, buffer });
  await page.waitForFunction((n) => window.__smpEvents.slice(n).some((e) => e.type === 'smp-ready' || e.type === 'smp-error'), seen, { timeout: 60000 });
  return page.evaluate((n) => window.__smpEvents.slice(n).find((e) => e.type === 'smp-ready' || e.type === 'smp-error'), seen);
}

const grey = ([r, g, b]) => Math.abs(r - g) <= 2 && Math.abs(g - b) <= 2;

test('the hostile file corpus: each is shown correctly or refused with a clear message, the previous photo kept', async () => {
  const { page, problems } = await env.open();
  await page.evaluate(() => {
    window.__svgScript = false;
  });
  const memoryStart = rendererMemory();
  const wasmStart = await wasmMemory(page);

  // A valid 64×64 JPEG to cut short: grey blocks, a light square in the middle.
  const whole = jpeg(64, 64, 3, (bx, by, c) => (c ? 128 : bx > 2 && bx < 5 && by > 2 && by < 5 ? 220 : 90));
  const W = 8160;
  const H = 6120; // 49.9 megapixels
  const cases = [
    { name: 'empty.jpg', type: 'image/jpeg', bytes: Buffer.alloc(0), expect: /empty.*choose a photo/i },
    { name: 'holiday.jpg', type: 'image/jpeg', bytes: Buffer.from('Dear diary, this is a text file.\n'), expect: /could not be opened as a photo.*JPEG, PNG or WebP/i },
    { name: 'truncated.jpg', type: 'image/jpeg', bytes: whole.subarray(0, Math.floor(whole.length * 0.6)), expect: 'either' },
    { name: 'bomb.png', type: 'image/png', bytes: await pngBomb(30000), expect: /30000 × 30000.*too large/i },
    { name: 'dot.png', type: 'image/png', bytes: png(1, 1, () => [200, 40, 40]), size: [1, 1] },
    { name: 'strip.png', type: 'image/png', bytes: png(10000, 100, (x) => [x < 5000 ? 30 : 220, 120, 90]), size: [2048, 20], check: async () => {
      assert.ok((await beforePixel(page, 0.1, 0.5))[0] < 60 && (await beforePixel(page, 0.9, 0.5))[0] > 190, 'the strip is scaled, not cropped');
    } },
    { name: 'alpha.png', type: 'image/png', bytes: png(64, 64, (x) => (x < 32 ? [0, 0, 0, 0] : [200, 30, 30, 255]), { colorType: 6 }), size: [64, 64], check: async () => {
      assert.deepEqual((await beforePixel(page, 0.2, 0.5)).slice(0, 3), [255, 255, 255], 'transparent pixels are flattened over white');
      assert.deepEqual(await beforePixel(page, 0.8, 0.5), [200, 30, 30, 255]);
    } },
    { name: 'grey.png', type: 'image/png', bytes: png(80, 60, (x, y) => [(x * 3 + y) % 256], { colorType: 0 }), size: [80, 60], check: async () => {
      assert.ok(grey(await beforePixel(page, 0.5, 0.5)));
    } },
    { name: 'grey.jpg', type: 'image/jpeg', bytes: jpeg(80, 64, 1, (bx) => 40 + bx * 15), size: [80, 64], check: async () => {
      const [l, r] = [await beforePixel(page, 0.05, 0.5), await beforePixel(page, 0.95, 0.5)];
      assert.ok(grey(l) && grey(r) && l[0] < r[0], `grey ramp: ${l} → ${r}`);
    } },
    { name: 'cmyk.jpg', type: 'image/jpeg', bytes: jpeg(64, 64, 4, (bx, by, c) => [255, 0, 0, 255][c]), size: [64, 64], check: async () => {
      const [r, g, b] = await beforePixel(page, 0.5, 0.5);
      assert.ok(r > 180 && g < 80 && b < 80, `CMYK (no cyan, full magenta and yellow) reads as red: ${[r, g, b]}`);
    } },
    { name: 'deep.png', type: 'image/png', bytes: png(50, 40, () => [30, 140, 220], { bitDepth: 16 }), size: [50, 40], check: async () => {
      const [r, g, b] = await beforePixel(page, 0.5, 0.5);
      assert.ok(Math.abs(r - 30) <= 2 && Math.abs(g - 140) <= 2 && Math.abs(b - 220) <= 2, `16-bit colour kept: ${[r, g, b]}`);
    } },
    { name: 'animated.gif', type: 'image/gif', bytes: animatedGif(40, 30, [0, 1, 1]), size: [40, 30], check: async () => {
      assert.deepEqual((await beforePixel(page, 0.5, 0.5)).slice(0, 3), [255, 0, 0], 'the first frame (red) is used');
    } },
    {
      name: 'drawing.svg',
      type: 'image/svg+xml',
      bytes: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100" onload="window.__svgScript=true"><script>window.__svgScript = true; parent.__svgScript = true;</script><rect width="100" height="100" fill="red"/></svg>'),
      expect: /SVG drawings cannot be used.*choose a photo/i,
    },
    { name: 'IMG_0001.HEIC', type: 'image/heic', bytes: heicLike(), expect: /cannot open HEIC.*JPEG/i },
    { name: 'camera-50mp.jpg', type: 'image/jpeg', bytes: jpeg(W, H, 3, (bx, by, c) => (c ? 128 : 30 + (190 * bx) / (W / 8))), size: [2048, 1536], check: async () => {
      const [l, r] = [await beforePixel(page, 0.02, 0.5), await beforePixel(page, 0.98, 0.5)];
      assert.ok(l[0] < 60 && r[0] > 180, `the whole 50 MP photo, scaled down: ${l} … ${r}`);
    } },
  ];

  let lastGood = await canvasHash(page, 'before');
  const figures = [];
  for (const c of cases) {
    const answer = await upload(page, c.name, c.type, c.bytes);
    const hash = await canvasHash(page, 'before');
    const message = answer.type === 'smp-error' ? answer.detail.message : null;
    if (c.expect === 'either') {
      // A cut-off JPEG may be shown partly decoded or refused: both are handled.
      if (message) assert.match(message, /could not be opened as a photo/i, c.name);
    } else if (c.expect) {
      assert.equal(answer.type, 'smp-error', `${c.name} is refused`);
      assert.match(message, c.expect, c.name);
      assert.match(await ui(page).message.textContent(), c.expect, `${c.name}: the message is shown`);
    } else {
      assert.equal(answer.type, 'smp-ready', `${c.name} is shown (${message})`);
      // Scaled by the browser: a side may round either way.
      const { width, height } = answer.detail;
      assert.ok(Math.abs(width - c.size[0]) <= 1 && Math.abs(height - c.size[1]) <= 1, `${c.name} working size ${width}×${height}, expected ${c.size}`);
      await c.check?.();
    }
    if (message) assert.equal(hash, lastGood, `${c.name}: the previous photo stays`);
    else lastGood = hash;
    assert.equal(await ui(page).host.getAttribute('busy'), null, `${c.name}: not left busy`);
    figures.push(`${c.name} (${c.bytes.length} B): ${message ? 'refused' : `shown ${answer.detail.width}×${answer.detail.height}`}`);
  }
  assert.equal(await page.evaluate(() => window.__svgScript), false, 'no script in the SVG ran');
  assert.deepEqual(problems, [], 'no uncaught exception or console error');

  // Still fully working: a slider re-renders the last photo shown.
  const renders = await page.evaluate(() => document.querySelector('smp-preview').renderCount);
  await ui(page).slider('Density').fill('40');
  await page.waitForFunction((n) => document.querySelector('smp-preview').renderCount > n, renders);

  const memoryEnd = rendererMemory();
  const wasmEnd = await wasmMemory(page);
  console.log(`hostile files: ${cases.length} inputs\n  ${figures.join('\n  ')}`);
  console.log(`renderer memory: ${memoryStart?.rss} MB → ${memoryEnd?.rss} MB resident, peak ${memoryEnd?.peak} MB; wasm memory ${wasmStart / 2 ** 20} → ${wasmEnd / 2 ** 20} MB`);
  // Bounded: the bomb was never decoded (900 MP would be 3.6 GB) and the 50 MP photo works at 2048 px.
  if (memoryEnd) assert.ok(memoryEnd.peak < 1500, `renderer peak ${memoryEnd.peak} MB`);
  assert.ok(wasmEnd <= 256 * 2 ** 20, `wasm memory ${wasmEnd} bytes`);
});
