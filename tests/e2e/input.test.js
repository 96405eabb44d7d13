// Getting a photo in: a file that is not an image, drag and drop, paste, load() from a URL or
// Blob, EXIF orientation and the max-size attribute.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { setup, photoPaths, events, waitForEvents, settle, ui, canvasHash, state, makeImage, dataTransferWith, withExifOrientation } from './helpers.js';

let env;
let photo; // bytes of a real photo when the shared photos are present, else a generated PNG
let photoType;
before(async () => {
  env = await setup();
  const photos = photoPaths();
  if (photos && photos.length) {
    photo = await readFile(photos.find((p) => p.includes('front_')) ?? photos[0]);
    photoType = 'image/jpeg';
  }
});
after(async () => {
  await env?.close();
});

async function imageBytes(page) {
  return photo ? { bytes: photo, type: photoType } : { bytes: await makeImage(page), type: 'image/png' };
}

test('a text file renamed .jpg shows a clear message and keeps the previous photo', async () => {
  const { page, problems } = await env.open();
  const { file, message, button } = ui(page);
  // Change something first, so "settings unchanged" means something.
  await button('Clear area').click();
  await settle(page);
  const before = await state(page);
  const beforeHash = await canvasHash(page, 'before');
  const afterHash = await canvasHash(page, 'after');

  await file.setInputFiles({ name: 'holiday.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('This is not a photo, just some text.\n') });
  await waitForEvents(page, 'smp-error', 1);
  const [error] = await events(page, 'smp-error');
  assert.match(error.detail.message, /could not be opened as a photo/i);

  assert.ok(await message.isVisible());
  assert.match(await message.textContent(), /could not be opened as a photo.*JPEG, PNG or WebP/i);
  assert.equal(await message.getAttribute('role'), 'alert');
  assert.equal(await ui(page).host.getAttribute('busy'), null, 'not left busy');

  const now = await state(page);
  assert.deepEqual(now.settings, before.settings);
  assert.equal(now.width, 1200);
  assert.equal(await canvasHash(page, 'before'), beforeHash, 'the previous photo stays');
  assert.equal(await canvasHash(page, 'after'), afterHash);
  assert.equal((await events(page, 'smp-ready')).length, 1, 'no new photo was shown');

  // Still usable: undo works and renders.
  await button('Undo').click();
  await settle(page);
  assert.equal((await state(page)).settings.area.base, 'auto');
  assert.notEqual(await canvasHash(page, 'after'), afterHash);

  // The message can be dismissed, and a good photo clears it.
  await message.getByRole('button', { name: 'Dismiss message' }).click();
  assert.equal(await message.isVisible(), false);
  assert.ok(problems.every((p) => !/pageerror/.test(p)), problems.join('\n'));
});

test('dropping an image file on the preview loads it, with a visible drop highlight', async () => {
  const { page, problems } = await env.open();
  const { stage } = ui(page);
  const beforeHash = await canvasHash(page, 'before');
  const { bytes, type } = await imageBytes(page);
  const dt = await dataTransferWith(page, bytes, type === 'image/png' ? 'head.png' : 'head.jpg', type);

  await stage.dispatchEvent('dragenter', { dataTransfer: dt });
  await stage.dispatchEvent('dragover', { dataTransfer: dt });
  assert.equal(await stage.evaluate((el) => el.classList.contains('drop-target')), true);
  const highlight = await stage.evaluate((el) => getComputedStyle(el, '::after').content);
  assert.match(highlight, /Drop/);

  await stage.dispatchEvent('drop', { dataTransfer: dt });
  await waitForEvents(page, 'smp-ready', 2);
  const ready = (await events(page, 'smp-ready')).at(-1).detail;
  assert.equal(ready.source, 'file');
  assert.equal(await stage.evaluate((el) => el.classList.contains('drop-target')), false);
  const s = await state(page);
  assert.equal(s.width, ready.width);
  assert.notEqual(await canvasHash(page, 'before'), beforeHash);
  assert.deepEqual(problems, []);
});

test('pasting an image loads it; pastes into text fields are left alone', async () => {
  const { page, problems } = await env.open();
  const { bytes, type } = await imageBytes(page);
  const b64 = Buffer.from(bytes).toString('base64');
  const paste = (targetSelector) =>
    page.evaluate(
      ([data, t, sel]) => {
        const bin = atob(data);
        const arr = new Uint8Array(bin.length);
        for (let i = 0; i < bin.length; i++) arr[i] = bin.charCodeAt(i);
        const dt = new DataTransfer();
        dt.items.add(new File([arr], 'clipboard-image', { type: t }));
        const target = sel ? document.querySelector(sel) : document.body;
        target.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true, composed: true }));
      },
      [b64, type, targetSelector],
    );

  // A text field on the embedding page keeps its own pastes.
  await page.evaluate(() => {
    const input = document.createElement('input');
    input.id = 'note';
    document.body.append(input);
    input.focus();
  });
  await paste('#note');
  await page.waitForTimeout(300);
  assert.equal((await events(page, 'smp-ready')).length, 1, 'a paste into a text field is ignored');

  await page.evaluate(() => document.activeElement.blur());
  const beforeHash = await canvasHash(page, 'before');
  await paste(null);
  await waitForEvents(page, 'smp-ready', 2);
  assert.equal((await events(page, 'smp-ready')).at(-1).detail.source, 'file');
  assert.notEqual(await canvasHash(page, 'before'), beforeHash);
  assert.deepEqual(problems, []);
});

test('load() takes a Blob or a URL, honours EXIF orientation and max-size', async () => {
  const { page, problems } = await env.open();
  const png = await makeImage(page, 640, 480, 'image/png');
  const jpeg = await makeImage(page, 640, 480, 'image/jpeg');
  const rotated = withExifOrientation(jpeg, 6); // 90° clockwise: shown 480 × 640

  const result = await page.evaluate(
    async ([pngB64, jpegB64]) => {
      const bytes = (b64) => Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0));
      const el = document.querySelector('smp-preview');
      const out = {};
      out.blob = await el.load(new Blob([bytes(pngB64)], { type: 'image/png' }));
      const url = URL.createObjectURL(new Blob([bytes(jpegB64)], { type: 'image/jpeg' }));
      out.url = await el.load(url);
      // Where is the red corner marker now? Orientation 6 moves the top-left to the top-right.
      const c = el.shadowRoot.querySelector('canvas.before');
      const px = (x, y) => Array.from(c.getContext('2d').getImageData(x, y, 1, 1).data);
      out.topLeft = px(5, 5);
      out.topRight = px(c.width - 6, 5);
      el.setAttribute('max-size', '300');
      out.small = await el.load(new Blob([bytes(pngB64)], { type: 'image/png' }));
      try {
        await el.load(url + '-missing');
      } catch (error) {
        out.missing = error.message;
      }
      return out;
    },
    [png.toString('base64'), rotated.toString('base64')],
  );
  assert.deepEqual(result.blob, { width: 640, height: 480, source: 'blob' });
  assert.deepEqual(result.url, { width: 480, height: 640, source: 'url' });
  assert.ok(result.topRight[0] > 200 && result.topRight[1] < 60, `marker at top right: ${result.topRight}`);
  assert.ok(result.topLeft[0] < 200, `no marker at top left: ${result.topLeft}`);
  assert.deepEqual(result.small, { width: 300, height: 225, source: 'blob' });
  assert.match(result.missing, /could not be downloaded/);
  const readies = await events(page, 'smp-ready');
  assert.deepEqual(readies.map((e) => e.detail.source), ['sample', 'blob', 'url', 'blob']);
  await settle(page);
  assert.equal((await state(page)).width, 300);
  // The failed URL leaves one expected console error (the browser logs the failed fetch).
  assert.ok(problems.every((p) => /Failed to load resource|ERR_FILE_NOT_FOUND|net::/.test(p)), problems.join('\n'));
});

test('the src attribute loads a photo instead of the demo', async () => {
  const { page, problems } = await env.open();
  const png = await makeImage(page, 500, 400, 'image/png');
  const ready = await page.evaluate(async (b64) => {
    const bytes = Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0));
    const url = URL.createObjectURL(new Blob([bytes], { type: 'image/png' }));
    const el = document.createElement('smp-preview');
    const seen = [];
    el.addEventListener('smp-ready', (e) => seen.push(e.detail));
    el.setAttribute('src', url);
    document.body.append(el);
    await new Promise((resolve) => el.addEventListener('smp-ready', resolve, { once: true }));
    await new Promise((r) => setTimeout(r, 200));
    return { seen, width: el.width, height: el.height };
  }, png.toString('base64'));
  assert.deepEqual(ready.seen, [{ width: 500, height: 400, source: 'url' }], 'no demo first, just the photo');
  assert.equal(ready.width, 500);
  assert.deepEqual(problems, []);
});
