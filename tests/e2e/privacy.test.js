// Issue 7, privacy: every network request from page load through upload, painting, render and
// export is recorded. After the page's own files there are none: the photo never leaves.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, ui, waitForEvents, settle } from './helpers.js';
import { jpeg } from './corpus.js';

let env;
before(async () => {
  env = await setup();
});
after(() => env.close());

test('no request leaves the page after its own files: upload, render, sliders, exports, preset link', async () => {
  const requests = [];
  const { page, problems } = await env.open({ waitForReady: false });
  // The listener is attached before the navigation in open() ends: take what the page loaded.
  page.on('request', (r) => requests.push({ url: r.url(), at: 'after-load', method: r.method() }));
  page.on('websocket', (ws) => requests.push({ url: ws.url(), at: 'websocket' }));
  await page.waitForFunction(() => window.__smpEvents.some((e) => e.type === 'smp-ready'));
  const loadEntries = await page.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name).concat(location.href));
  const afterLoad = requests.length;

  const { file, slider, button, host } = ui(page);
  const photo = jpeg(640, 480, 3, (bx, by, c) => (c ? 128 : 80 + ((bx * 3 + by * 5) % 120)));
  await file.setInputFiles({ name: 'me.jpg', mimeType: 'image/jpeg', buffer: photo });
  await waitForEvents(page, 'smp-ready', 2);
  await slider('Density').fill('100');
  await slider('Pigment shade').fill('40');
  await settle(page);
  // Paint a stroke on the stage.
  await button('Paint').click();
  const box = await host.locator('.stage').boundingBox();
  await page.mouse.move(box.x + box.width * 0.4, box.y + box.height * 0.3);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.6, box.y + box.height * 0.35, { steps: 8 });
  await page.mouse.up();
  await settle(page);
  const exported = await page.evaluate(async () => {
    const el = document.querySelector('smp-preview');
    const sizes = [];
    for (const kind of ['after', 'side-by-side', 'split']) sizes.push((await el.exportImage({ kind })).size);
    sizes.push((await el.toBlob('image/jpeg')).size);
    return { sizes, link: el.shareUrl };
  });
  assert.ok(exported.sizes.every((s) => s > 1000));
  assert.ok(!exported.link.includes('data:') && exported.link.length < 4000, 'the preset link carries settings, not the photo');
  await page.waitForTimeout(1500); // anything sent late (a beacon, a timer) would show up here

  const origin = new URL(env.server.url).origin;
  const all = [...new Set(loadEntries)];
  const foreign = all.filter((u) => !u.startsWith(origin) && !u.startsWith('data:') && !u.startsWith('blob:'));
  assert.deepEqual(foreign, [], 'the page loads only its own files');
  const later = requests.slice(afterLoad).filter((r) => !r.url.startsWith('data:') && !r.url.startsWith('blob:'));
  assert.deepEqual(later, [], 'no request after the page has loaded');
  console.log(`requests: ${all.length} at load (all ${origin}: ${all.map((u) => new URL(u).pathname).join(', ')}); ${later.length} after load, through upload, painting, 3 exports, toBlob and the preset link`);
  assert.deepEqual(problems, []);
});
