// The page with the demo head: start-up, sliders, divider, undo/redo, export, settings API.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, events, waitForEvents, settle, ui, canvasHash, diffStats, areaStats, state, mouseStroke, stagePoint, touchDriver } from './helpers.js';

let env;
before(async () => {
  env = await setup();
});
after(async () => {
  await env?.close();
});

test('the page loads with the demo head, no errors, and dots inside the scalp only', async () => {
  const { page, problems } = await env.open();
  assert.equal(await page.title(), 'SMP Preview: see scalp micropigmentation on your own photo');
  assert.equal(await page.locator('h1').textContent(), 'SMP Preview');
  assert.match(await page.textContent('body'), /Your photo stays on your device — nothing is uploaded/);

  const ready = await events(page, 'smp-ready');
  assert.equal(ready.length, 1);
  assert.deepEqual(ready[0].detail, { width: 1200, height: 900, source: 'sample' });

  // The area tint shows where the treatment area is; dots land in it and nowhere else.
  await ui(page).host.getByLabel('Show area').check();
  await settle(page);
  const stats = await areaStats(page);
  assert.ok(stats.areaPixels > stats.pixels * 0.02, `the default area is tiny: ${JSON.stringify(stats)}`);
  assert.ok(stats.changed > stats.areaPixels * 0.05, `few dots in the scalp: ${JSON.stringify(stats)}`);
  assert.equal(stats.changedOutside, 0, `dots outside the area: ${JSON.stringify(stats)}`);
  const diff = await diffStats(page);
  assert.equal(diff.darker, diff.changed, 'pigment only darkens');

  // The canvases are shown at the stage's size, keeping the photo's aspect ratio.
  const box = await ui(page).stage.boundingBox();
  assert.ok(Math.abs(box.width / box.height - 1200 / 900) < 0.01, `stage aspect ${box.width}x${box.height}`);
  assert.deepEqual(problems, []);
});

test('the page fits a phone screen without horizontal scrolling', async () => {
  const { page, problems } = await env.open({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.equal(overflow, 0);
  const box = await ui(page).stage.boundingBox();
  assert.ok(box.width <= 390 && box.width > 300, `stage width ${box.width}`);
  for (const name of ['Compare', 'Paint', 'Erase', 'Undo', 'Redo', 'Reset area', 'Clear area']) {
    assert.ok(await ui(page).button(name).isVisible(), `${name} is visible`);
  }
  assert.deepEqual(problems, []);
});

/** In-page: boxes of the element's frame, toolbar, picture area and control panel. */
function layout(page) {
  return page.evaluate(() => {
    const root = document.querySelector('smp-preview').shadowRoot;
    const box = (sel) => {
      const r = root.querySelector(sel).getBoundingClientRect();
      return { top: r.top, bottom: r.bottom, left: r.left, right: r.right, height: r.height };
    };
    const panel = root.querySelector('.panel');
    return {
      frame: box('.frame'),
      stageWrap: box('.stage-wrap'),
      stage: box('.stage'),
      panel: box('.panel'),
      scrollHeight: panel.scrollHeight,
      clientHeight: panel.clientHeight,
      overflowY: getComputedStyle(panel).overflowY,
      pageOverflowX: document.documentElement.scrollWidth - document.documentElement.clientWidth,
    };
  });
}

test('wide: the panel beside the picture is no taller than it and scrolls in its own column', async () => {
  const { page, problems } = await env.open();
  for (const viewport of [
    { width: 1280, height: 900 },
    { width: 900, height: 700 },
    { width: 1600, height: 1000 },
  ]) {
    await page.setViewportSize(viewport);
    await settle(page);
    const l = await layout(page);
    const at = JSON.stringify({ viewport, ...l });
    assert.ok(l.panel.left >= l.stageWrap.right - 1, `the panel is beside the picture: ${at}`);
    assert.ok(Math.abs(l.panel.top - l.stageWrap.top) <= 1 && Math.abs(l.panel.bottom - l.stageWrap.bottom) <= 1, `the panel is as tall as the picture's area: ${at}`);
    assert.ok(l.frame.bottom - l.stageWrap.bottom <= 2, `nothing below the picture: ${at}`);
    assert.ok(l.stageWrap.height - l.stage.height <= 40, `no large empty area around the picture: ${at}`);
    assert.equal(l.overflowY, 'auto');
    assert.ok(l.scrollHeight > l.clientHeight, `the panel's content scrolls: ${at}`);
    assert.equal(l.pageOverflowX, 0);
  }

  // Focus moving down the panel from the keyboard scrolls the panel to it.
  await page.setViewportSize({ width: 1280, height: 900 });
  await settle(page);
  const host = ui(page).host;
  await host.getByLabel('Pigment', { exact: true }).focus();
  for (let i = 0; i < 6; i++) await page.keyboard.press('Tab');
  const seen = await page.evaluate(() => {
    const root = document.querySelector('smp-preview').shadowRoot;
    const a = root.activeElement.getBoundingClientRect();
    const p = root.querySelector('.panel').getBoundingClientRect();
    return { tag: root.activeElement.tagName, inside: a.top >= p.top - 1 && a.bottom <= p.bottom + 1, scrolled: root.querySelector('.panel').scrollTop };
  });
  assert.equal(seen.tag, 'SUMMARY', 'six tabs from Pigment reach the Physical scale summary');
  assert.ok(seen.inside && seen.scrolled > 0, `the focused control is scrolled into the panel: ${JSON.stringify(seen)}`);
  assert.deepEqual(problems, []);
});

test('narrow: the controls sit below the picture at their full height', async () => {
  const { page, problems } = await env.open({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
  await settle(page);
  const l = await layout(page);
  assert.ok(l.panel.top >= l.stage.bottom - 1, `below the picture: ${JSON.stringify(l)}`);
  assert.ok(l.scrollHeight <= l.clientHeight + 1, `no scrolling inside the panel: ${JSON.stringify(l)}`);
  assert.equal(l.pageOverflowX, 0);
  assert.deepEqual(problems, []);
});

test('each slider changes the rendered pixels, from the keyboard, and back', async () => {
  const { page, problems } = await env.open();
  const sliders = [
    ['Density', 'density', 1, '/cm²'],
    ['Impression size', 'impressionSize', 5, 'µm'],
    ['Pigment shade', 'shade', 1, '%'],
    ['Hairline softness', 'softness', 0.5, 'mm'], // half steps: a defined hairline is 2.5 mm
  ];
  assert.equal(
    await ui(page).host.locator('#h-softness').textContent(),
    'Width of the transition at the edge: 2–3 mm reads as a defined hairline, 10–15 mm as a soft one.',
  );
  for (const [label, key, step, unit] of sliders) {
    const slider = ui(page).slider(label);
    const start = await state(page);
    const original = await canvasHash(page, 'after');
    await slider.focus();
    await page.keyboard.press('ArrowRight');
    await settle(page);
    const moved = await state(page);
    assert.equal(moved.settings[key], start.settings[key] + step, `${label} went up by one step`);
    assert.notEqual(await canvasHash(page, 'after'), original, `${label} changed the pixels`);
    assert.ok(moved.renderCount > start.renderCount);
    const output = ui(page).host.locator(`output[for="${await slider.getAttribute('id')}"]`);
    assert.equal(await output.textContent(), `${moved.settings[key]} ${unit}`);
    assert.equal(moved.undoDisabled, false, 'a slider change is undoable');

    await page.keyboard.press('ArrowLeft');
    await settle(page);
    assert.equal((await state(page)).settings[key], start.settings[key]);
    assert.equal(await canvasHash(page, 'after'), original, `${label} back gives the same pixels`);
  }

  // The brush size is not a rendered setting: it changes the cursor, never the picture.
  const brush = ui(page).slider('Brush size');
  const count = (await state(page)).renderCount;
  await brush.focus();
  await page.keyboard.press('ArrowRight');
  assert.equal(await ui(page).host.locator('output[for="s-brush"]').textContent(), '11 mm');
  await settle(page);
  assert.equal((await state(page)).renderCount, count);
  assert.deepEqual(problems, []);
});

function clipPercent(clip) {
  const m = /inset\(0px 0px 0px ([\d.]+)%\)/.exec(clip);
  assert.ok(m, `unexpected clip-path ${clip}`);
  return Number(m[1]);
}

test('the divider moves by mouse and keyboard without re-rendering', async () => {
  const { page, problems } = await env.open();
  const { handle, stage } = ui(page);
  await settle(page);
  const start = await state(page);
  assert.equal(start.valuenow, 50);
  assert.equal(clipPercent(start.clip), 50);
  assert.equal(await handle.getAttribute('aria-valuemin'), '0');
  assert.equal(await handle.getAttribute('aria-valuemax'), '100');
  assert.ok((await handle.getAttribute('aria-label')).length > 0);
  const afterHash = await canvasHash(page, 'after');

  // Drag the handle to a quarter of the width.
  const hb = await handle.boundingBox();
  await page.mouse.move(hb.x + hb.width / 2, hb.y + hb.height / 2);
  await page.mouse.down();
  const [qx, qy] = await stagePoint(page, 0.25, 0.5);
  await page.mouse.move(qx, qy, { steps: 8 });
  await page.mouse.up();
  let s = await state(page);
  assert.ok(Math.abs(s.valuenow - 25) <= 1, `valuenow ${s.valuenow}`);
  assert.ok(Math.abs(clipPercent(s.clip) - 25) <= 1, `clip ${s.clip}`);
  assert.equal(s.valuetext, `${s.valuenow}% before`);

  // In Compare mode, dragging anywhere on the stage moves it too.
  const [ax, ay] = await stagePoint(page, 0.6, 0.8);
  const [bx, by] = await stagePoint(page, 0.7, 0.7);
  await page.mouse.move(ax, ay);
  await page.mouse.down();
  await page.mouse.move(bx, by, { steps: 5 });
  await page.mouse.up();
  s = await state(page);
  assert.ok(Math.abs(s.valuenow - 70) <= 1, `valuenow ${s.valuenow}`);

  // Keyboard on the focused handle.
  await handle.focus();
  await page.keyboard.press('Home');
  assert.equal((await state(page)).valuenow, 0);
  await page.keyboard.press('ArrowRight');
  assert.equal((await state(page)).valuenow, 1);
  await page.keyboard.press('Shift+ArrowRight');
  s = await state(page);
  assert.equal(s.valuenow, 11);
  assert.equal(clipPercent(s.clip), 11);
  assert.equal(s.valuetext, '11% before');
  await page.keyboard.press('ArrowLeft');
  assert.equal((await state(page)).valuenow, 10);
  await page.keyboard.press('End');
  s = await state(page);
  assert.equal(s.valuenow, 100);
  assert.equal(clipPercent(s.clip), 100);

  await settle(page);
  s = await state(page);
  assert.equal(s.renderCount, start.renderCount, 'moving the divider never renders');
  assert.equal(await canvasHash(page, 'after'), afterHash);
  assert.equal((await events(page, 'smp-change')).length, 0);
  assert.deepEqual(problems, []);
});

test('undo and redo, by button and keyboard, restore the area and its pixels', async () => {
  const { page, problems } = await env.open();
  const { button, stage } = ui(page);
  await settle(page);
  const s0 = await state(page);
  const auto = await canvasHash(page, 'after');
  assert.equal(s0.undoDisabled, true);
  assert.equal(s0.redoDisabled, true);

  await button('Clear area').click();
  await settle(page);
  let s = await state(page);
  assert.deepEqual(s.settings.area, { base: 'empty', hairline: null, shapes: [], strokes: [] });
  assert.equal((await diffStats(page)).changed, 0, 'an empty area leaves the photo as it is');
  assert.equal(s.undoDisabled, false);

  await button('Undo').click();
  await settle(page);
  s = await state(page);
  assert.deepEqual(s.settings.area, s0.settings.area);
  assert.equal(await canvasHash(page, 'after'), auto);
  assert.equal(s.undoDisabled, true);
  assert.equal(s.redoDisabled, false);

  await button('Redo').click();
  await settle(page);
  s = await state(page);
  assert.equal(s.settings.area.base, 'empty');
  assert.equal((await diffStats(page)).changed, 0);
  assert.equal(s.redoDisabled, true);

  // A stroke is one undo step; Ctrl+Z / Ctrl+Shift+Z / Ctrl+Y while focus is in the element.
  await button('Paint').click();
  await mouseStroke(page, [[0.35, 0.3], [0.5, 0.25], [0.65, 0.3]]);
  await settle(page);
  s = await state(page);
  assert.equal(s.settings.area.strokes.length, 1);
  const painted = await canvasHash(page, 'after');
  assert.ok((await diffStats(page)).changed > 500);
  assert.equal(await stage.evaluate((el) => el.getRootNode().activeElement === el), true, 'the stage took focus');

  await page.keyboard.press('Control+z');
  await settle(page);
  s = await state(page);
  assert.deepEqual(s.settings.area, { base: 'empty', hairline: null, shapes: [], strokes: [] });
  assert.equal((await diffStats(page)).changed, 0);

  await page.keyboard.press('Control+Shift+z');
  await settle(page);
  assert.equal((await state(page)).settings.area.strokes.length, 1);
  assert.equal(await canvasHash(page, 'after'), painted);

  await page.keyboard.press('Control+z');
  await page.keyboard.press('Control+y');
  await settle(page);
  assert.equal(await canvasHash(page, 'after'), painted);

  // Reset area goes back to the detected scalp, as one more undo step.
  await button('Reset area').click();
  await settle(page);
  assert.deepEqual((await state(page)).settings.area, { base: 'auto', hairline: null, shapes: [], strokes: [] });
  assert.equal(await canvasHash(page, 'after'), auto);
  await button('Undo').click();
  await settle(page);
  assert.equal(await canvasHash(page, 'after'), painted);
  assert.deepEqual(problems, []);
});

test('erasing removes impressions under the brush', async () => {
  const { page, problems } = await env.open();
  const { button } = ui(page);
  await settle(page);
  const before = (await diffStats(page)).changed;
  await button('Erase').click();
  assert.equal(await ui(page).stage.evaluate((el) => getComputedStyle(el).touchAction), 'none');
  await mouseStroke(page, [[0.3, 0.3], [0.7, 0.3]]);
  await settle(page);
  const s = await state(page);
  assert.equal(s.settings.area.strokes.at(-1).tool, 'erase');
  const erased = await areaStats(page);
  assert.ok(erased.changed < before, `erasing removed dots (${before} → ${erased.changed})`);
  assert.equal(erased.changedOutside, 0);
  await button('Compare').click();
  assert.equal(await ui(page).stage.evaluate((el) => getComputedStyle(el).touchAction), 'pan-y');
  assert.deepEqual(problems, []);
});

test('toBlob gives a PNG of the after image at working size', async () => {
  const { page, problems } = await env.open();
  await settle(page);
  const result = await page.evaluate(async () => {
    const el = document.querySelector('smp-preview');
    const blob = await el.toBlob();
    const bytes = new Uint8Array(await blob.arrayBuffer());
    const bitmap = await createImageBitmap(blob);
    const c = new OffscreenCanvas(bitmap.width, bitmap.height);
    const ctx = c.getContext('2d');
    ctx.drawImage(bitmap, 0, 0);
    const exported = ctx.getImageData(0, 0, c.width, c.height).data;
    const shown = el.shadowRoot.querySelector('canvas.after');
    const live = shown.getContext('2d').getImageData(0, 0, shown.width, shown.height).data;
    let differing = 0;
    for (let i = 0; i < live.length; i++) if (live[i] !== exported[i]) differing++;
    const jpeg = await el.toBlob('image/jpeg', 0.8);
    return { type: blob.type, signature: Array.from(bytes.subarray(0, 8)), width: bitmap.width, height: bitmap.height, differing, jpegType: jpeg.type };
  });
  assert.equal(result.type, 'image/png');
  assert.deepEqual(result.signature, [137, 80, 78, 71, 13, 10, 26, 10]);
  assert.equal(result.width, 1200);
  assert.equal(result.height, 900);
  assert.equal(result.differing, 0, 'the PNG holds exactly the after image');
  assert.equal(result.jpegType, 'image/jpeg');
  assert.deepEqual(problems, []);
});

test('the settings property validates, renders, fires events and is undoable', async () => {
  const { page, problems } = await env.open();
  await settle(page);
  const original = (await state(page)).settings;
  const originalHash = await canvasHash(page, 'after');

  // The getter returns a copy.
  assert.equal(await page.evaluate(() => {
    const el = document.querySelector('smp-preview');
    el.settings.density = 11;
    return el.settings.density;
  }), original.density);

  // Invalid: an error naming the field, the previous settings kept, a message shown.
  await page.evaluate(() => {
    const el = document.querySelector('smp-preview');
    el.settings = { ...el.settings, density: 500 };
  });
  const errors = await events(page, 'smp-error');
  assert.equal(errors.length, 1);
  assert.match(errors[0].detail.message, /density/);
  let s = await state(page);
  assert.deepEqual(s.settings, original);
  assert.match(s.message, /density/);
  assert.equal(s.messageVisible, true);
  await settle(page);
  assert.equal(await canvasHash(page, 'after'), originalHash);

  // Valid: rendered, smp-change fired with the new settings, sliders follow, undoable.
  await page.evaluate(() => {
    const el = document.querySelector('smp-preview');
    el.settings = { ...el.settings, shade: 30, seed: 7 };
  });
  await waitForEvents(page, 'smp-change', 1);
  const changes = await events(page, 'smp-change');
  assert.equal(changes.at(-1).detail.settings.shade, 30);
  assert.equal(changes.at(-1).detail.settings.seed, 7);
  await settle(page);
  s = await state(page);
  assert.equal(s.settings.shade, 30);
  assert.notEqual(await canvasHash(page, 'after'), originalHash);
  assert.equal(await ui(page).slider('Pigment shade').inputValue(), '30');
  assert.equal(s.undoDisabled, false);
  await ui(page).button('Undo').click();
  await settle(page);
  assert.deepEqual((await state(page)).settings, original);
  assert.equal(await canvasHash(page, 'after'), originalHash);

  // Only the expected errors reached the console (none).
  assert.deepEqual(problems, []);
});

test('settings with an unknown field are refused, naming the field', async () => {
  const { page } = await env.open();
  const original = (await state(page)).settings;
  await page.evaluate(() => {
    const el = document.querySelector('smp-preview');
    el.settings = { ...el.settings, sparkle: true, area: { ...el.settings.area, glitter: 1 } };
  });
  const errors = await events(page, 'smp-error');
  assert.equal(errors.length, 1);
  assert.match(errors[0].detail.message, /sparkle|glitter/);
  assert.deepEqual((await state(page)).settings, original);
});

test('touch: a sideways swipe moves the divider, a vertical one scrolls, painting works', async () => {
  const { page, problems } = await env.open({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
  const { swipe } = await touchDriver(page);
  await settle(page);
  const start = await state(page);
  assert.equal(await ui(page).stage.evaluate((el) => getComputedStyle(el).touchAction), 'pan-y');

  const box = await ui(page).stage.boundingBox();
  await swipe(await stagePoint(page, 0.5, 0.5), [-0.3 * box.width, 4]);
  let s = await state(page);
  assert.ok(Math.abs(s.valuenow - 20) <= 2, `divider at ${s.valuenow}`);

  const scrollBefore = await page.evaluate(() => scrollY);
  await swipe(await stagePoint(page, 0.7, 0.8), [0, -250]);
  await page.waitForTimeout(300);
  s = await state(page);
  assert.ok(Math.abs(s.valuenow - 20) <= 2, `a vertical swipe left the divider alone (${s.valuenow})`);
  assert.ok((await page.evaluate(() => scrollY)) > scrollBefore, 'a vertical swipe scrolls the page');
  assert.equal(s.renderCount, start.renderCount);

  await page.evaluate(() => scrollTo(0, 0));
  await ui(page).button('Clear area').click();
  await ui(page).button('Paint').click();
  assert.equal(await ui(page).stage.evaluate((el) => getComputedStyle(el).touchAction), 'none');
  const b = await ui(page).stage.boundingBox();
  await swipe(await stagePoint(page, 0.3, 0.3), [0.4 * b.width, 0]);
  await settle(page);
  s = await state(page);
  assert.equal(s.settings.area.strokes.length, 1);
  assert.ok(s.settings.area.strokes[0].points.length >= 4);
  assert.ok((await diffStats(page)).changed > 500);
  assert.deepEqual(problems, []);
});

test('settings given before start-up are applied and are not an undo step', async () => {
  const { page, problems } = await env.open();
  const result = await page.evaluate(async () => {
    const el = document.createElement('smp-preview');
    el.settings = { version: 1, density: 40, shade: 90, area: { base: 'empty', strokes: [{ tool: 'paint', radius: 0.05, points: [[0.5, 0.3]] }] } };
    const ready = new Promise((resolve) => el.addEventListener('smp-ready', resolve, { once: true }));
    document.body.append(el);
    await ready;
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    return { settings: el.settings, canUndo: el.canUndo, renders: el.renderCount };
  });
  assert.equal(result.settings.density, 40);
  assert.equal(result.settings.shade, 90);
  assert.equal(result.settings.softness, 6, 'missing fields take their defaults');
  assert.equal(result.settings.area.strokes.length, 1);
  assert.equal(result.canUndo, false);
  assert.ok(result.renders >= 1);
  assert.deepEqual(problems, []);
});
