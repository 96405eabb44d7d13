// Every shared test photo: upload through the file input, clear the area, paint one stroke
// with the mouse, and check that impressions land inside the painted stroke only.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { setup, photoPaths, PHOTOS, events, waitForEvents, settle, ui, state, mouseStroke, strokeContainment } from './helpers.js';

const photos = photoPaths() ?? [];
if (photos.length === 0) {
  // Outside CI a checkout without the shared folder skips (with a message); CI must have them.
  const message = `no photos in ${PHOTOS} (expected ../shared/photos/*.jpg next to the repository)`;
  if (process.env.CI === 'true') {
    test('the shared test photos are present', () => assert.fail(message));
  } else {
    test('every shared photo renders inside its painted stroke', { skip: message }, () => {});
  }
}

/** A stroke across the upper middle of the head, in fractions of the photo. */
const STROKE = [
  [0.34, 0.3],
  [0.42, 0.25],
  [0.5, 0.23],
  [0.58, 0.25],
  [0.66, 0.3],
];

let env;
let session;
before(async () => {
  if (photos.length === 0) return;
  env = await setup();
  session = await env.open();
});
after(async () => {
  await env?.close();
});

for (const file of photos) {
  const name = path.basename(file);
  test(`${name}: upload, clear, paint a stroke: dots inside the stroke only`, async () => {
    const { page } = session;
    const { file: input, button } = ui(page);
    const readyBefore = (await events(page, 'smp-ready')).length;
    await input.setInputFiles(file);
    await waitForEvents(page, 'smp-ready', readyBefore + 1);
    const ready = (await events(page, 'smp-ready')).at(-1).detail;
    assert.equal(ready.source, 'file');
    const s0 = await state(page);
    assert.equal(ready.width, s0.width);
    assert.ok(Math.max(ready.width, ready.height) <= 2048);
    assert.ok(s0.pxPerMm > 0);
    assert.deepEqual(s0.settings.area, { base: 'auto', hairline: null, shapes: [], strokes: [] }, 'a new photo starts from the detected scalp');

    await button('Clear area').click();
    await button('Paint').click();
    await mouseStroke(page, STROKE, 6);
    await settle(page);

    const s = await state(page);
    assert.equal(s.settings.area.base, 'empty');
    assert.equal(s.settings.area.strokes.length, 1);
    const stroke = s.settings.area.strokes[0];
    assert.equal(stroke.tool, 'paint');
    assert.ok(Math.abs(stroke.radius - (10 * s.pxPerMm) / s.width) < 1e-6, `radius ${stroke.radius} is 10 mm`);
    assert.ok(stroke.points.length >= 5, `${stroke.points.length} points`);

    const c = await strokeContainment(page, 1.5);
    assert.equal(c.outside, 0, `${c.outside} changed pixels outside the stroke (worst ${c.worst.toFixed(2)} px beyond)`);
    // The stroke covers about 2r × length pixels; a good share of them must show impressions.
    const r = stroke.radius * c.width;
    let length = 0;
    for (let i = 1; i < stroke.points.length; i++) {
      const [ax, ay] = stroke.points[i - 1];
      const [bx, by] = stroke.points[i];
      length += Math.hypot((bx - ax) * c.width, (by - ay) * c.height);
    }
    const strokeArea = 2 * r * length + Math.PI * r * r;
    assert.ok(c.changed > 0.1 * strokeArea, `only ${c.changed} changed pixels for a stroke of ~${Math.round(strokeArea)} px²`);

    await button('Compare').click();
  });
}

if (photos.length) test('no console or page errors across all photos', async () => {
  assert.deepEqual(session.problems, []);
  assert.deepEqual(await events(session.page, 'smp-error'), []);
});
