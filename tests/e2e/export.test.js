// Keeping results: exported images (sizes, both halves of a composite, logo and disclaimer),
// preset links in the URL fragment, and the analytics events (documented payloads, no image data).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, settle, events, ui, makeImage } from './helpers.js';

let env;
before(async () => {
  env = await setup();
});
after(async () => {
  await env?.close();
});

/**
 * In-page: exports `options` from the element `selector` and decodes the result. Returns the
 * blob's type, the decoded size, and how far (mean absolute RGB difference per pixel) given
 * rectangles of the export are from the same rectangles of the before or after canvas.
 * `regions` are [name, { x0, y0, x1, y1 } of the export in fractions, source, dx] where the
 * source pixel is the export pixel shifted left by dx × the image width.
 */
function exportAndMeasure(page, options, regions = [], selector = 'smp-preview') {
  return page.evaluate(
    async ([opts, regs, sel]) => {
      const el = document.querySelector(sel);
      const blob = await el.exportImage(opts);
      const bitmap = await createImageBitmap(blob);
      const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
      const ctx = canvas.getContext('2d');
      ctx.drawImage(bitmap, 0, 0);
      const out = ctx.getImageData(0, 0, bitmap.width, bitmap.height).data;
      const read = (w) => {
        const c = el.shadowRoot.querySelector(`canvas.${w}`);
        return c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      };
      const src = { before: read('before'), after: read('after') };
      const w = el.width;
      const distances = {};
      for (const [name, r, which, dx] of regs) {
        let sum = 0;
        let n = 0;
        for (let y = Math.floor(r.y0 * bitmap.height); y < Math.floor(r.y1 * bitmap.height); y += 2) {
          for (let x = Math.floor(r.x0 * bitmap.width); x < Math.floor(r.x1 * bitmap.width); x += 2) {
            const i = (y * bitmap.width + x) * 4;
            const j = (y * w + (x - Math.round(dx * w))) * 4;
            sum += Math.abs(out[i] - src[which][j]) + Math.abs(out[i + 1] - src[which][j + 1]) + Math.abs(out[i + 2] - src[which][j + 2]);
            n++;
          }
        }
        distances[name] = sum / n / 3;
      }
      // The bottom band: the disclaimer's dark band with white text.
      let white = 0;
      let dark = 0;
      const y0 = Math.floor(bitmap.height * 0.965);
      for (let y = y0; y < bitmap.height; y++) {
        for (let x = 0; x < bitmap.width; x++) {
          const i = (y * bitmap.width + x) * 4;
          const s = out[i] + out[i + 1] + out[i + 2];
          if (s > 700) white++;
          else if (s < 200) dark++;
        }
      }
      const band = (bitmap.height - y0) * bitmap.width;
      const { width, height } = bitmap;
      bitmap.close();
      return { type: blob.type, size: blob.size, width, height, distances, bandWhite: white / band, bandDark: dark / band, w, h: el.height };
    },
    [options, regions, selector],
  );
}

test('exports: after, side by side and split, as PNG and JPEG at full working size', async () => {
  const { page, problems } = await env.open();
  await page.evaluate(() => {
    document.querySelector('smp-preview').divider = 30;
  });
  // On the scalp (where before and after differ), away from the labels and the disclaimer.
  const scalp = { y0: 0.12, y1: 0.6 };
  for (const type of ['image/png', 'image/jpeg']) {
    // PNG is lossless: the pixels are the canvases' own. JPEG: far closer to the right one.
    const same = (d, other) => (type === 'image/png' ? d < 0.01 : d * 2 < other);
    const after = await exportAndMeasure(page, { kind: 'after', type }, [
      ['after', { x0: 0.3, x1: 0.7, ...scalp }, 'after', 0],
      ['before', { x0: 0.3, x1: 0.7, ...scalp }, 'before', 0],
    ]);
    assert.equal(after.type, type);
    assert.deepEqual([after.width, after.height], [1200, 900]);
    assert.ok(same(after.distances.after, after.distances.before), `after: ${JSON.stringify(after.distances)}`);

    const sbs = await exportAndMeasure(page, { kind: 'side-by-side', type }, [
      ['leftBefore', { x0: 0.15, x1: 0.35, ...scalp }, 'before', 0],
      ['leftAfter', { x0: 0.15, x1: 0.35, ...scalp }, 'after', 0],
      ['rightAfter', { x0: 0.65, x1: 0.85, ...scalp }, 'after', 1],
      ['rightBefore', { x0: 0.65, x1: 0.85, ...scalp }, 'before', 1],
    ]);
    const d = sbs.distances;
    assert.deepEqual([sbs.width, sbs.height], [2400, 900]);
    assert.ok(d.leftAfter > 1 && d.rightBefore > 1, `before and after differ on the scalp: ${JSON.stringify(d)}`);
    assert.ok(same(d.leftBefore, d.leftAfter), `left half is the before image: ${JSON.stringify(d)}`);
    assert.ok(same(d.rightAfter, d.rightBefore), `right half is the after image: ${JSON.stringify(d)}`);

    const split = await exportAndMeasure(page, { kind: 'split', type }, [
      ['leftBefore', { x0: 0.2, x1: 0.28, ...scalp }, 'before', 0],
      ['leftAfter', { x0: 0.2, x1: 0.28, ...scalp }, 'after', 0],
      ['rightAfter', { x0: 0.32, x1: 0.8, ...scalp }, 'after', 0],
      ['rightBefore', { x0: 0.32, x1: 0.8, ...scalp }, 'before', 0],
    ]);
    const e = split.distances;
    assert.deepEqual([split.width, split.height], [1200, 900]);
    assert.ok(same(e.leftBefore, e.leftAfter) && same(e.rightAfter, e.rightBefore), `split at the divider: ${JSON.stringify(e)}`);
  }
  assert.deepEqual(problems, []);
});

test('the disclaimer and the logo appear on exports when configured, and not otherwise', async () => {
  const { page, problems } = await env.open({ path: 'embed.html', readyCount: 2 });
  const sel = '#clinic-preview';
  const stamped = await exportAndMeasure(page, { kind: 'side-by-side' }, [], sel);
  const plain = await exportAndMeasure(page, { kind: 'side-by-side', disclaimer: false, logo: false }, [], sel);
  assert.ok(stamped.bandDark > 0.5 && stamped.bandWhite > 0.01, `disclaimer band: ${stamped.bandDark} dark, ${stamped.bandWhite} white`);
  assert.ok(plain.bandWhite < 0.001, `no band without the disclaimer: ${plain.bandWhite}`);

  // The logo (a purple mark, #5b21b6) is stamped near the bottom right corner, over the photo.
  const logoPixels = (options) =>
    page.evaluate(
      async ([opts, s]) => {
        const blob = await document.querySelector(s).exportImage(opts);
        const bitmap = await createImageBitmap(blob);
        const c = new OffscreenCanvas(bitmap.width, bitmap.height);
        const ctx = c.getContext('2d');
        ctx.drawImage(bitmap, 0, 0);
        const d = ctx.getImageData(bitmap.width / 2, bitmap.height / 2, bitmap.width / 2, bitmap.height / 2).data;
        let purple = 0;
        for (let i = 0; i < d.length; i += 4) if (Math.abs(d[i] - 0x5b) < 24 && Math.abs(d[i + 1] - 0x21) < 24 && Math.abs(d[i + 2] - 0xb6) < 24) purple++;
        return purple;
      },
      [options, sel],
    );
  const withLogo = await logoPixels({ kind: 'side-by-side' });
  const withoutLogo = await logoPixels({ kind: 'side-by-side', logo: false });
  assert.ok(withLogo > 400, `logo pixels: ${withLogo}`);
  assert.equal(withoutLogo, 0);
  // The text of the configured disclaimer is the attribute's; "" turns it off.
  const none = await page.evaluate(async () => {
    const el = document.querySelector('#density-preview');
    el.setAttribute('disclaimer', '');
    return el.exportImage({ kind: 'after' }).then((b) => b.size);
  });
  assert.ok(none > 0);
  const off = await exportAndMeasure(page, { kind: 'after' }, [], '#density-preview');
  assert.ok(off.bandWhite < 0.001);
  assert.deepEqual(problems, []);
});

test('the Download button saves the chosen image and reports it without image data', async () => {
  const { page, problems } = await env.open();
  const host = ui(page).host;
  await host.getByRole('group', { name: 'Image' }).getByRole('button', { name: 'Side by side', exact: true }).click();
  await host.getByLabel('Format', { exact: true }).selectOption('image/jpeg');
  const [download] = await Promise.all([page.waitForEvent('download'), host.getByRole('button', { name: 'Download', exact: true }).click()]);
  assert.equal(download.suggestedFilename(), 'smp-preview-side-by-side.jpg');
  const bytes = await download.createReadStream().then(async (stream) => {
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    return Buffer.concat(chunks);
  });
  assert.deepEqual([...bytes.subarray(0, 3)], [0xff, 0xd8, 0xff], 'a JPEG');
  await page.waitForFunction(() => window.__smpEvents.some((e) => e.type === 'smp-analytics' && e.detail.action === 'exported'));
  const exported = (await events(page, 'smp-analytics')).filter((e) => e.detail.action === 'exported');
  assert.deepEqual(exported.map((e) => e.detail), [{ action: 'exported', kind: 'side-by-side', format: 'jpeg', width: 2400, height: 900, via: 'download' }]);
  assert.deepEqual(problems, []);
});

test('a preset link round-trips the settings exactly and applies them to a new photo', async () => {
  const { page, problems } = await env.open();
  const chosen = await page.evaluate(() => {
    const el = document.querySelector('smp-preview');
    const s = el.settings;
    el.settings = {
      ...s,
      treatment: 'hairline',
      density: 47,
      impressionSize: 135,
      shade: 83.5,
      softness: 3.25,
      pigment: 'darkBrown',
      session: 2,
      monthsSinceSession: 24,
      grouping: true,
      seed: 12345,
      scale: { eyes: [[0.41, 0.52], [0.59, 0.515]], pupilDistance: 61.5, headWidth: 142 },
      area: { ...s.area, strokes: [{ tool: 'paint', radius: 0.02, points: [[0.4, 0.2], [0.6, 0.21]] }] },
    };
    return { settings: el.settings, url: el.shareUrl };
  });
  const url = new URL(chosen.url);
  assert.match(url.hash, /^#smp=[A-Za-z0-9_-]+$/, 'base64url in the fragment');
  assert.ok(!url.search, 'nothing in the query (which would reach the server)');

  // The button shows the same link (and copies it where the clipboard is allowed).
  await ui(page).host.getByRole('button', { name: 'Copy preset link', exact: true }).click();
  assert.equal(await ui(page).host.getByLabel('Preset link', { exact: true }).inputValue(), chosen.url);
  const shared = (await events(page, 'smp-analytics')).filter((e) => e.detail.action === 'link-shared');
  assert.equal(shared.length, 1);

  const second = await env.open({ path: url.hash });
  const opened = await second.page.evaluate(() => ({ settings: document.querySelector('smp-preview').settings, canUndo: document.querySelector('smp-preview').canUndo }));
  assert.deepEqual(opened.settings, chosen.settings, 'exactly the same settings');
  assert.equal(opened.canUndo, false, 'the preset is the starting point');

  // A photo the visitor gives keeps the preset's choices; its area is placed anew.
  const png = await makeImage(second.page, 640, 480);
  await ui(second.page).file.setInputFiles({ name: 'me.png', mimeType: 'image/png', buffer: png });
  await second.page.waitForFunction(() => window.__smpEvents.filter((e) => e.type === 'smp-ready').length >= 2);
  const after = await second.page.evaluate(() => document.querySelector('smp-preview').settings);
  for (const key of ['treatment', 'density', 'impressionSize', 'shade', 'pigment', 'session', 'monthsSinceSession', 'grouping', 'seed']) {
    assert.deepEqual(after[key], chosen.settings[key], key);
  }
  assert.deepEqual(after.area.strokes, []);
  assert.deepEqual(second.problems, []);
  assert.deepEqual(problems, []);
});

test('a damaged or invalid preset link says so and keeps the defaults', async () => {
  const { page } = await env.open({ path: '#smp=%%%not-base64' });
  const s1 = await page.evaluate(() => ({ message: document.querySelector('smp-preview').shadowRoot.querySelector('[role=alert] p').textContent, density: document.querySelector('smp-preview').settings.density }));
  assert.match(s1.message, /preset link is damaged/);
  assert.equal(s1.density, 80);

  const bad = Buffer.from(JSON.stringify({ version: 1, density: 80, sparkle: 1 })).toString('base64url');
  const second = await env.open({ path: `#smp=${bad}` });
  const message = await second.page.evaluate(() => document.querySelector('smp-preview').shadowRoot.querySelector('[role=alert] p').textContent);
  assert.match(message, /sparkle/, 'the core names the field');
});

test('two instances on one page keep separate presets (share-key)', async () => {
  const { page } = await env.open({ path: 'embed.html', readyCount: 2 });
  const link = await page.evaluate(() => {
    const el = document.querySelector('#density-preview');
    el.settings = { ...el.settings, density: 33 };
    return el.shareUrl;
  });
  const hash = new URL(link).hash;
  assert.match(hash, /^#fill=/);
  const second = await env.open({ path: `embed.html${hash}`, readyCount: 2 });
  const densities = await second.page.evaluate(() => [...document.querySelectorAll('smp-preview')].map((e) => e.settings.density));
  assert.deepEqual(densities, [90, 33]);
});

test('analytics events: documented payloads, debounced settings, never image data', async () => {
  const { page, problems } = await env.open();
  const png = await makeImage(page, 640, 480);
  await ui(page).file.setInputFiles({ name: 'private-name.png', mimeType: 'image/png', buffer: png });
  await page.waitForFunction(() => window.__smpEvents.filter((e) => e.type === 'smp-ready').length >= 2);
  // A burst of slider moves is one event once the visitor pauses.
  const density = ui(page).slider('Density');
  await density.focus();
  for (let i = 0; i < 8; i++) await page.keyboard.press('ArrowLeft');
  await page.waitForFunction(() => window.__smpEvents.some((e) => e.type === 'smp-analytics' && e.detail.action === 'settings-changed'));
  await ui(page).host.getByRole('button', { name: 'Download', exact: true }).click();
  await page.waitForFunction(() => window.__smpEvents.some((e) => e.type === 'smp-analytics' && e.detail.action === 'exported'));

  const all = (await events(page, 'smp-analytics')).map((e) => e.detail);
  const byAction = (a) => all.filter((d) => d.action === a);
  assert.deepEqual(byAction('photo-loaded'), [
    { action: 'photo-loaded', width: 1200, height: 900, source: 'sample' },
    { action: 'photo-loaded', width: 640, height: 480, source: 'file' },
  ]);
  const changed = byAction('settings-changed');
  assert.equal(changed.length, 1, `one event for the burst: ${JSON.stringify(changed)}`);
  assert.deepEqual(Object.keys(changed[0]).sort(), ['action', 'density', 'grouping', 'hairlineStyle', 'impressionSize', 'monthsSinceSession', 'pigment', 'session', 'shade', 'shapes', 'softness', 'strokes', 'treatment'].sort());
  assert.equal(changed[0].density, 72);
  assert.deepEqual(byAction('exported'), [{ action: 'exported', kind: 'after', format: 'png', width: 640, height: 480, via: 'download' }]);

  // No image data, file names, URLs of data or positions in any of them: flat scalars only.
  for (const detail of all) {
    for (const [key, value] of Object.entries(detail)) {
      assert.ok(value === null || ['string', 'number', 'boolean'].includes(typeof value), `${detail.action}.${key} is a scalar`);
      if (typeof value === 'string') {
        assert.ok(value.length < 80 && !/^(data|blob):/.test(value) && !value.includes('private-name'), `${detail.action}.${key}: ${value}`);
      }
    }
  }
  assert.deepEqual(problems, []);
});
