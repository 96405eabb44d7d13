// Treatments: the picker and its presets, the hairline designer, scar strips, FUE dots and
// patches; what each does to the rendered pixels, their undo steps, and that every treatment's
// settings survive a trip through JSON with identical pixels.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, settle, ui, canvasHash, state, diffStats, description, centre, stagePoint, mouseStroke, touchDriver } from './helpers.js';

let env;
before(async () => {
  env = await setup();
});
after(async () => {
  await env?.close();
});

const TREATMENTS = [
  // The Hairline tool shows whenever there is a hairline to edit.
  { value: 'fullHead', label: 'Full head', base: 'auto', hairline: true, tools: ['Hairline'] },
  { value: 'hairline', label: 'Hairline', base: 'auto', hairline: true, tools: ['Hairline'] },
  { value: 'crown', label: 'Crown', base: 'empty', hairline: false, tools: ['Patch'] },
  { value: 'densityFill', label: 'Density fill', base: 'auto', hairline: false, tools: [] },
  { value: 'scars', label: 'Scars', base: 'empty', hairline: false, tools: ['Scar strip', 'FUE dot'] },
  { value: 'alopecia', label: 'Alopecia patches', base: 'empty', hairline: false, tools: ['Patch'] },
];
const SHAPE_TOOL_NAMES = ['Hairline', 'Scar strip', 'FUE dot', 'Patch'];
const HANDLES = ['Left temple peak', 'Left frontotemporal point', 'Mid-frontal point', 'Right frontotemporal point', 'Right temple peak'];

function controls(page) {
  const { host } = ui(page);
  return {
    treatment: (label) => host.getByRole('radio', { name: label, exact: true }),
    hint: host.locator('#h-treatment'),
    tool: (name) => host.getByRole('button', { name, exact: true }),
    handle: (name) => host.getByRole('slider', { name, exact: true }),
    hairlineStyle: host.getByLabel('Hairline style', { exact: true }),
    hairlineAdvice: host.locator('[part=hairline-advice]'),
    hairlineSection: host.locator('[part=hairline-controls]'),
    shapesSection: host.locator('[part=shape-controls]'),
    stripWidth: host.getByLabel('Strip width', { exact: true }),
    dotSize: host.getByLabel('FUE dot size', { exact: true }),
  };
}

async function pick(page, label) {
  await controls(page).treatment(label).check();
  await settle(page);
}

function settingsOf(page) {
  return page.evaluate(() => document.querySelector('smp-preview').settings);
}

function limits(page) {
  return page.evaluate(() => import('./pkg/smp_preview.js').then((m) => m.Preview.limits()));
}

/**
 * Sets the element's settings to a JSON copy of themselves (as a share link would) and checks
 * that the after-image is byte for byte the same.
 */
async function assertRoundTrip(page, what) {
  await settle(page);
  const before = await canvasHash(page, 'after');
  const settings = await settingsOf(page);
  await page.evaluate(() => {
    const el = document.querySelector('smp-preview');
    el.settings = JSON.parse(JSON.stringify(el.settings));
  });
  await settle(page);
  assert.equal(await canvasHash(page, 'after'), before, `${what}: settings set back from JSON render identical bytes`);
  const again = await settingsOf(page);
  assert.equal(again.treatment, settings.treatment);
  assert.deepEqual(roundNumbers(again), roundNumbers(settings), `${what}: the same settings come back`);
}

/** Settings with every number rounded to 6 decimals (the core keeps 32-bit floats). */
function roundNumbers(value) {
  return JSON.parse(JSON.stringify(value, (key, v) => (typeof v === 'number' ? Math.round(v * 1e6) / 1e6 : v)));
}

/**
 * In-page: changed pixels (after vs before) by their distance in pixels from a shape: a
 * polyline (`points` in fractions) or a point (`center`). Returns the number changed, the
 * number within `near` px, and the largest distance of a changed pixel.
 */
function changedByDistance(page, shape, near) {
  return page.evaluate(
    ([s, nearPx]) => {
      const root = document.querySelector('smp-preview').shadowRoot;
      const read = (w) => {
        const c = root.querySelector(`canvas.${w}`);
        return c.getContext('2d').getImageData(0, 0, c.width, c.height);
      };
      const before = read('before');
      const after = read('after');
      const { width, height } = before;
      const points = (s.points || [s.center]).map(([x, y]) => [x * width, y * height]);
      const distance = (px, py) => {
        if (points.length === 1) return Math.hypot(px - points[0][0], py - points[0][1]);
        let best = Infinity;
        for (let k = 1; k < points.length; k++) {
          const [ax, ay] = points[k - 1];
          const [bx, by] = points[k];
          const dx = bx - ax;
          const dy = by - ay;
          const len2 = dx * dx + dy * dy;
          const t = len2 > 0 ? Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / len2)) : 0;
          best = Math.min(best, Math.hypot(px - (ax + t * dx), py - (ay + t * dy)));
        }
        return best;
      };
      let changed = 0;
      let within = 0;
      let worst = 0;
      let pixelsWithin = 0;
      for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) {
          const d = distance(x + 0.5, y + 0.5);
          if (d <= nearPx) pixelsWithin++;
          const i = (y * width + x) * 4;
          if (after.data[i] === before.data[i] && after.data[i + 1] === before.data[i + 1] && after.data[i + 2] === before.data[i + 2]) continue;
          changed++;
          if (d <= nearPx) within++;
          worst = Math.max(worst, d);
        }
      }
      return { changed, within, pixelsWithin, worst, width, height };
    },
    [shape, near],
  );
}

/**
 * In-page: in a column `halfWidth` px either side of x (fraction), the changed pixels between
 * two heights (fractions), and the lowest changed row (the area's front edge there).
 */
function column(page, x, halfWidth, y0, y1) {
  return page.evaluate(
    ([fx, half, fy0, fy1]) => {
      const root = document.querySelector('smp-preview').shadowRoot;
      const read = (w) => {
        const c = root.querySelector(`canvas.${w}`);
        return c.getContext('2d').getImageData(0, 0, c.width, c.height);
      };
      const before = read('before');
      const after = read('after');
      const { width, height } = before;
      const cx = Math.round(fx * width);
      let between = 0;
      let lowest = -1;
      for (let y = 0; y < height; y++) {
        for (let x = cx - half; x <= cx + half; x++) {
          const i = (y * width + x) * 4;
          if (after.data[i] === before.data[i] && after.data[i + 1] === before.data[i + 1] && after.data[i + 2] === before.data[i + 2]) continue;
          if (y >= fy0 * height && y < fy1 * height) between++;
          lowest = Math.max(lowest, y);
        }
      }
      return { between, lowest: lowest / height };
    },
    [x, halfWidth, y0, y1],
  );
}

/** In-page: keeps a copy of the after image, for changedSinceSaved(). */
function saveAfter(page) {
  return page.evaluate(() => {
    const c = document.querySelector('smp-preview').shadowRoot.querySelector('canvas.after');
    window.__savedAfter = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  });
}

/**
 * In-page: pixels of the after image that differ from the saved one, by their distance from
 * the nearest of `centers` (fractions): the largest distance, and for each centre how many lie
 * within its shape's radius.
 */
function changedSinceSaved(page, centers) {
  return page.evaluate((cs) => {
    const el = document.querySelector('smp-preview');
    const c = el.shadowRoot.querySelector('canvas.after');
    const now = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    const saved = window.__savedAfter;
    const radii = el.settings.area.shapes.filter((s) => s.kind === 'dot').map((s) => (s.diameter / 2) * el.description.pxPerMm + 1);
    const points = cs.map(([x, y]) => [x * c.width, y * c.height]);
    const near = points.map(() => 0);
    let changed = 0;
    let worst = 0;
    for (let y = 0; y < c.height; y++) {
      for (let x = 0; x < c.width; x++) {
        const i = (y * c.width + x) * 4;
        if (now[i] === saved[i] && now[i + 1] === saved[i + 1] && now[i + 2] === saved[i + 2]) continue;
        changed++;
        let best = Infinity;
        points.forEach(([px, py], k) => {
          const d = Math.hypot(x + 0.5 - px, y + 0.5 - py);
          if (d <= (radii[k] ?? 0)) near[k]++;
          best = Math.min(best, d);
        });
        worst = Math.max(worst, best);
      }
    }
    return { changed, near, worst };
  }, centers);
}

async function visibleTools(page) {
  const shown = [];
  for (const name of SHAPE_TOOL_NAMES) if (await controls(page).tool(name).isVisible()) shown.push(name);
  return shown;
}

test('the treatment picker: six choices, a hint, and each preset as one undo step that renders and round-trips', async () => {
  const { page, problems } = await env.open();
  const c = controls(page);
  await settle(page);
  const s0 = await state(page);
  assert.equal(s0.settings.treatment, 'fullHead');
  assert.equal(await c.treatment('Full head').isChecked(), true);
  assert.ok((await c.hint.textContent()).length > 10, 'the selected treatment has a hint');
  assert.deepEqual(await visibleTools(page), [], 'no hairline yet: no Hairline tool');

  // Start from Scars so that every pick, Full head included, changes something.
  let previous = { settings: s0.settings, hash: await canvasHash(page, 'after') };
  for (const t of [TREATMENTS[4], ...TREATMENTS.filter((x) => x.value !== 'scars')]) {
    const d = await description(page);
    const hint = await c.hint.textContent();
    await pick(page, t.label);
    const s = await state(page);
    const at = `${t.label}: ${JSON.stringify(s.settings.area)}`;
    assert.equal(s.settings.treatment, t.value, at);
    assert.equal(await c.treatment(t.label).isChecked(), true);
    assert.notEqual(await c.hint.textContent(), hint, `${t.label} has its own hint`);
    assert.equal(s.settings.area.base, t.base, at);
    assert.equal(Boolean(s.settings.area.hairline), t.hairline, at);
    if (t.hairline && !previous.settings.area.hairline) {
      // A new hairline is the core's guess for the chosen style, with that style's softness.
      const guess = d.hairlineGuesses[s.settings.area.hairline.style];
      assert.deepEqual(roundNumbers(s.settings.area.hairline.points), roundNumbers(guess.points), at);
      assert.equal(s.settings.softness, guess.softness);
    }
    if (t.value === 'crown') {
      const patch = s.settings.area.shapes.find((shape) => shape.kind === 'patch');
      assert.ok(patch, `Crown places a patch: ${at}`);
      assert.deepEqual(roundNumbers(patch.center), roundNumbers(d.crownGuess.center));
      assert.deepEqual(patch.radii, d.crownGuess.radii);
    }
    for (const name of SHAPE_TOOL_NAMES) {
      const expected = name === 'Hairline' ? Boolean(s.settings.area.hairline) : t.tools.includes(name);
      assert.equal(await c.tool(name).isVisible(), expected, `${t.label}: ${name} tool ${expected ? 'shown' : 'hidden'}`);
    }
    assert.equal(await c.hairlineSection.isVisible(), t.tools.includes('Hairline') || Boolean(s.settings.area.hairline));
    const hash = await canvasHash(page, 'after');
    assert.ok(s.renderCount > 0);

    // One undo step: back to the previous treatment and its pixels, then forward again.
    await ui(page).button('Undo').click();
    await settle(page);
    assert.deepEqual(roundNumbers(await settingsOf(page)), roundNumbers(previous.settings), `${t.label}: undo restores the settings`);
    assert.equal(await canvasHash(page, 'after'), previous.hash, `${t.label}: undo restores the pixels`);
    await ui(page).button('Redo').click();
    await settle(page);
    assert.equal(await canvasHash(page, 'after'), hash);
    await assertRoundTrip(page, t.label);
    previous = { settings: await settingsOf(page), hash };
  }
  assert.deepEqual(problems, []);
});

test('the picker works from the keyboard: arrow keys move the choice', async () => {
  const { page, problems } = await env.open();
  const c = controls(page);
  await settle(page);
  await c.treatment('Full head').focus();
  await page.keyboard.press('ArrowRight');
  await settle(page);
  assert.equal((await settingsOf(page)).treatment, 'hairline');
  assert.equal(await c.treatment('Hairline').evaluate((el) => el.getRootNode().activeElement === el), true);
  await page.keyboard.press('ArrowRight');
  await settle(page);
  assert.equal((await settingsOf(page)).treatment, 'crown');
  await page.keyboard.press('Control+z');
  await settle(page);
  assert.equal((await settingsOf(page)).treatment, 'hairline');
  assert.equal(await c.treatment('Hairline').isChecked(), true, 'undo moves the choice back');
  assert.deepEqual(problems, []);
});

test('scars: nothing is treated until a scar is drawn; a strip changes pixels only near it', async () => {
  const { page, problems } = await env.open();
  const c = controls(page);
  const lim = await limits(page);
  await settle(page);
  await pick(page, 'Scars');
  let s = await state(page);
  assert.deepEqual(s.settings.area, { base: 'empty', hairline: null, shapes: [], strokes: [] });
  assert.equal((await diffStats(page)).changed, 0, 'scars with no scar drawn leave the photo as it is');
  assert.equal(await c.tool('Scar strip').getAttribute('aria-pressed'), 'true', 'Scars starts with the Scar strip tool');
  assert.equal(await c.stripWidth.inputValue(), String(lim.stripWidth.default));
  assert.equal(await c.dotSize.inputValue(), String(lim.dotDiameter.default));

  // A tap is not a strip, and a size typed is no undo step: undo goes back to Full head.
  await page.mouse.click(...(await stagePoint(page, 0.5, 0.3)));
  await settle(page);
  assert.equal((await settingsOf(page)).area.shapes.length, 0, 'a tap draws no strip');
  await c.stripWidth.fill('5');
  await c.stripWidth.press('Enter');
  await ui(page).button('Undo').click();
  assert.equal((await settingsOf(page)).treatment, 'fullHead');
  await ui(page).button('Redo').click();
  await c.tool('Scar strip').click();

  // A 5 mm strip drawn across the crown.
  await mouseStroke(page, [[0.3, 0.34], [0.42, 0.3], [0.5, 0.29], [0.58, 0.3], [0.7, 0.34]], 10);
  await settle(page);
  s = await state(page);
  assert.equal(s.settings.area.shapes.length, 1);
  const strip = s.settings.area.shapes[0];
  assert.equal(strip.kind, 'strip');
  assert.equal(strip.width, 5);
  assert.ok(strip.points.length >= 2 && strip.points.length <= 20, `the drawn line is simplified: ${strip.points.length} points`);
  assert.equal(await c.stripWidth.inputValue(), '5', 'the width typed stays for the next strip');

  const d = await description(page);
  // The strip's half width plus its blending band (1.5 × softness): nothing beyond that changes.
  const reach = (strip.width / 2 + 1.5 * s.settings.softness) * d.pxPerMm;
  const near = await changedByDistance(page, { points: strip.points }, (strip.width / 2) * d.pxPerMm);
  assert.ok(near.changed > 2000, `the strip shows impressions: ${JSON.stringify(near)}`);
  assert.ok(near.within > 0.5 * near.pixelsWithin, `most of the scar itself is covered: ${JSON.stringify(near)}`);
  assert.ok(near.worst <= reach + 3, `changed pixels stay within the strip and its blending band: worst ${near.worst.toFixed(1)} px, reach ${reach.toFixed(1)} px`);
  await assertRoundTrip(page, 'a scar strip');

  // The list in the panel: the strip's width can be changed, the strip removed.
  const width = ui(page).host.getByLabel('Scar strip 1 width in mm');
  await width.fill('2');
  await width.press('Enter');
  await settle(page);
  assert.equal((await settingsOf(page)).area.shapes[0].width, 2);
  const narrower = await changedByDistance(page, { points: strip.points }, 0);
  assert.ok(narrower.worst < near.worst, `a narrower strip changes a narrower band: ${narrower.worst} vs ${near.worst}`);
  await ui(page).host.getByRole('button', { name: 'Remove scar strip 1' }).click();
  await settle(page);
  assert.equal((await diffStats(page)).changed, 0, 'with no scar left, nothing is treated');
  await ui(page).button('Undo').click();
  await settle(page);
  assert.equal((await settingsOf(page)).area.shapes.length, 1, 'removing a scar is one undo step');
  assert.deepEqual(problems, []);
});

test('scars: each tap with FUE dot adds a dot, one undo step each, rendered on and near the dot only', async () => {
  const { page, problems } = await env.open();
  const c = controls(page);
  const lim = await limits(page);
  await settle(page);
  await pick(page, 'Scars');
  await mouseStroke(page, [[0.3, 0.3], [0.5, 0.27], [0.7, 0.3]], 8);
  await settle(page);
  const stripHash = await canvasHash(page, 'after');
  await saveAfter(page);
  await c.tool('FUE dot').click();
  const taps = [
    [0.35, 0.5],
    [0.45, 0.52],
    [0.62, 0.48],
  ];
  for (const [x, y] of taps) await page.mouse.click(...(await stagePoint(page, x, y)));
  await settle(page);
  const s = await state(page);
  const d = await description(page);
  const dots = s.settings.area.shapes.filter((shape) => shape.kind === 'dot');
  assert.equal(dots.length, 3);
  const box = await ui(page).stage.boundingBox();
  dots.forEach((dot, i) => {
    assert.equal(dot.diameter, lim.dotDiameter.default);
    assert.ok(Math.abs(dot.center[0] - taps[i][0]) < 1.5 / box.width && Math.abs(dot.center[1] - taps[i][1]) < 1.5 / box.height, `dot ${i} where tapped`);
  });
  assert.equal(await ui(page).host.locator('.shape-name').getByText('3 FUE dots').isVisible(), true, 'the panel counts the dots');
  // What the dots added to the strip's image.
  const added = await changedSinceSaved(page, dots.map((dot) => dot.center));
  await assertRoundTrip(page, 'a strip and three dots');
  await ui(page).button('Undo').click();
  await settle(page);
  assert.equal((await settingsOf(page)).area.shapes.filter((shape) => shape.kind === 'dot').length, 2, 'undo removes the last dot only');
  await ui(page).host.getByRole('button', { name: 'Remove all FUE dots' }).click();
  await settle(page);
  assert.equal(await canvasHash(page, 'after'), stripHash, 'without the dots, the strip alone again');
  assert.deepEqual(problems, []);

  // Impressions on each dot (the scar itself), and nothing beyond a dot and its blending band.
  const dotReach = (lim.dotDiameter.default / 2 + 1.5 * s.settings.softness) * d.pxPerMm;
  assert.ok(added.worst <= dotReach + 3, `the dots change pixels only near them: worst ${added.worst.toFixed(1)} px, reach ${dotReach.toFixed(1)} px`);
  dots.forEach((dot, i) => {
    const r = (dot.diameter / 2) * d.pxPerMm + 1;
    assert.ok(added.near[i] > 0, `a ${dot.diameter} mm FUE dot at ${dot.center} shows impressions within ${r.toFixed(1)} px of its centre (${JSON.stringify(added)})`);
  });
});

test('alopecia: a tapped patch changes pixels inside it, not far outside; drag to size, rim and keys resize, Delete removes', async () => {
  const { page, problems } = await env.open();
  const c = controls(page);
  const lim = await limits(page);
  await settle(page);
  await pick(page, 'Alopecia patches');
  assert.equal((await diffStats(page)).changed, 0, 'no patch yet: nothing treated');
  assert.equal(await c.tool('Patch').getAttribute('aria-pressed'), 'true');

  await page.mouse.click(...(await stagePoint(page, 0.42, 0.35)));
  await settle(page);
  let s = await state(page);
  assert.equal(s.settings.area.shapes.length, 1);
  let patch = s.settings.area.shapes[0];
  assert.equal(patch.kind, 'patch');
  assert.deepEqual(patch.radii, [lim.patchRadius.default, lim.patchRadius.default]);
  assert.equal(patch.angle, 0);
  const d = await description(page);
  const r = patch.radii[0] * d.pxPerMm;
  const reach = r + 1.5 * s.settings.softness * d.pxPerMm;
  let inside = await changedByDistance(page, { center: patch.center }, r);
  assert.ok(inside.within > 0.5 * inside.pixelsWithin, `most of the patch shows impressions: ${JSON.stringify(inside)}`);
  assert.ok(inside.worst <= reach + 3, `nothing changes beyond the patch and its blending band: ${inside.worst.toFixed(1)} px vs ${reach.toFixed(1)} px`);
  await assertRoundTrip(page, 'one patch');

  // Dragging while placing sets the radius: 60 displayed px from the centre.
  const box = await ui(page).stage.boundingBox();
  const [x0, y0] = await stagePoint(page, 0.62, 0.45);
  await page.mouse.move(x0, y0);
  await page.mouse.down();
  await page.mouse.move(x0 + 60, y0, { steps: 6 });
  await page.mouse.up();
  await settle(page);
  s = await state(page);
  assert.equal(s.settings.area.shapes.length, 2);
  patch = s.settings.area.shapes[1];
  const expected = (60 * (s.width / box.width)) / d.pxPerMm;
  assert.ok(Math.abs(patch.radii[0] - expected) <= 0.6, `radius ${patch.radii[0]} mm for a 60 px drag (${expected.toFixed(1)} mm)`);

  // The rim handle of the second patch: drag outwards 30 px, then the keyboard.
  const rim = c.handle('Patch 2 size');
  assert.equal(Number(await rim.getAttribute('aria-valuenow')), patch.radii[0]);
  const [rx, ry] = await centre(rim);
  await page.mouse.move(rx, ry);
  await page.mouse.down();
  await page.mouse.move(rx + 30, ry, { steps: 5 });
  await page.mouse.up();
  await settle(page);
  let resized = (await settingsOf(page)).area.shapes[1];
  const grown = (90 * (s.width / box.width)) / d.pxPerMm;
  assert.ok(Math.abs(resized.radii[0] - grown) <= 0.6, `rim dragged to ${resized.radii[0]} mm (${grown.toFixed(1)} mm)`);
  assert.deepEqual(resized.center, patch.center, 'resizing leaves the centre');
  await rim.focus();
  await page.keyboard.press('ArrowDown');
  await settle(page);
  assert.equal((await settingsOf(page)).area.shapes[1].radii[0], Math.round((resized.radii[0] - 1) * 10) / 10);
  await page.keyboard.press('Home');
  await settle(page);
  assert.deepEqual((await settingsOf(page)).area.shapes[1].radii, [lim.patchRadius.min, lim.patchRadius.min]);
  await page.keyboard.press('Control+z');
  await page.keyboard.press('Control+z');
  await settle(page);
  resized = (await settingsOf(page)).area.shapes[1];
  assert.ok(Math.abs(resized.radii[0] - grown) <= 0.6, 'each key press was one undo step, the drag another');

  // The centre handle moves the patch, by pointer and keys.
  const move = c.handle('Patch 1 position');
  const [mx, my] = await centre(move);
  const before = (await settingsOf(page)).area.shapes[0].center;
  await page.mouse.move(mx, my);
  await page.mouse.down();
  await page.mouse.move(mx - 20, my + 10, { steps: 4 });
  await page.mouse.up();
  await settle(page);
  let moved = (await settingsOf(page)).area.shapes[0].center;
  assert.ok(Math.abs(moved[0] - (before[0] - 20 / box.width)) < 1.5 / box.width && Math.abs(moved[1] - (before[1] + 10 / box.height)) < 1.5 / box.height, `moved to ${moved}`);
  inside = await changedByDistance(page, { center: moved }, r);
  assert.ok(inside.within > 0.5 * inside.pixelsWithin, 'the moved patch is rendered where it now is');
  await move.focus();
  await page.keyboard.press('Shift+ArrowRight');
  await settle(page);
  moved = (await settingsOf(page)).area.shapes[0].center;
  assert.ok(Math.abs(moved[0] - (before[0] - 10 / box.width)) < 1.5 / box.width, 'Shift+ArrowRight moves ten pixels');

  // Delete removes the focused handle's patch, as one undo step.
  await page.keyboard.press('Delete');
  await settle(page);
  s = await state(page);
  assert.equal(s.settings.area.shapes.length, 1);
  assert.equal(await c.handle('Patch 1 size').isVisible(), true, 'the other patch is now Patch 1');
  await ui(page).button('Undo').click();
  await settle(page);
  assert.equal((await settingsOf(page)).area.shapes.length, 2);
  await assertRoundTrip(page, 'two patches');
  assert.deepEqual(problems, []);
});

test('crown: the preset places the crown area; it is rendered inside only and can be moved by dragging it', async () => {
  const { page, problems } = await env.open();
  const c = controls(page);
  await settle(page);
  const d = await description(page);
  await pick(page, 'Crown');
  const s = await state(page);
  assert.equal(s.settings.area.shapes.length, 1);
  const patch = s.settings.area.shapes[0];
  const r = patch.radii[0] * d.pxPerMm;
  const reach = r + 1.5 * s.settings.softness * d.pxPerMm;
  const inside = await changedByDistance(page, { center: patch.center }, r);
  assert.ok(inside.within > 0.5 * inside.pixelsWithin, `the crown area shows impressions: ${JSON.stringify(inside)}`);
  assert.ok(inside.worst <= reach + 3, `nothing changes beyond the crown area and its blending band: ${inside.worst.toFixed(1)} vs ${reach.toFixed(1)} px`);
  assert.equal(await c.handle('Crown area size').isVisible(), true);
  assert.equal(await c.shapesSection.getByText('Crown area', { exact: true }).first().isVisible(), true);

  // Dragging inside the area moves it (no second patch).
  const [x, y] = await stagePoint(page, patch.center[0] + 0.06, patch.center[1]);
  await page.mouse.move(x, y);
  await page.mouse.down();
  await page.mouse.move(x, y - 30, { steps: 5 });
  await page.mouse.up();
  await settle(page);
  const after = (await settingsOf(page)).area.shapes;
  assert.equal(after.length, 1, 'dragging inside a patch moves it');
  assert.ok(after[0].center[1] < patch.center[1], 'moved up');
  await ui(page).button('Undo').click();
  await settle(page);
  assert.deepEqual((await settingsOf(page)).area.shapes[0].center, patch.center, 'the move was one undo step');
  await assertRoundTrip(page, 'crown');
  assert.deepEqual(problems, []);
});

/**
 * Drags the mid-frontal handle 60 displayed px up and checks that the treated area's front edge
 * follows: in a column through the point, the pixels between the new and the old line lose
 * their impressions and the lowest changed pixel moves up. One undo step.
 */
async function dragMidFrontalUp(page, what) {
  const c = controls(page);
  const mid = (await settingsOf(page)).area.hairline.points[2];
  const box = await ui(page).stage.boundingBox();
  const lift = 60 / box.height; // as a fraction of the image
  const before = await column(page, mid[0], 12, mid[1] - lift, mid[1]);
  assert.ok(before.between > 200, `${what}: right behind the line is treated: ${JSON.stringify(before)}`);
  const [hx, hy] = await centre(c.handle('Mid-frontal point'));
  await page.mouse.move(hx, hy);
  await page.mouse.down();
  await page.mouse.move(hx, hy - 60, { steps: 8 });
  await page.mouse.up();
  await settle(page);
  const moved = (await settingsOf(page)).area.hairline.points[2];
  assert.ok(Math.abs(moved[1] - (mid[1] - lift)) < 1.5 / box.height, `${what}: the point followed the pointer: ${moved}`);
  assert.ok(Math.abs(moved[0] - mid[0]) < 1.5 / box.width);
  const after = await column(page, mid[0], 12, mid[1] - lift, mid[1]);
  assert.ok(after.between < 0.3 * before.between, `${what}: fewer changed pixels between the new and the old line: ${after.between} vs ${before.between}`);
  assert.ok(after.lowest < before.lowest - lift / 2, `${what}: the front edge moved up: ${after.lowest} vs ${before.lowest}`);
  await assertRoundTrip(page, `${what}, hairline moved`);
  await ui(page).button('Undo').click();
  await settle(page);
  assert.deepEqual(roundNumbers((await settingsOf(page)).area.hairline.points[2]), roundNumbers(mid), `${what}: the drag was one undo step`);
  assert.deepEqual(await column(page, mid[0], 12, mid[1] - lift, mid[1]), before, `${what}: undo gives the pixels back`);
}

test('hairline designer: handles on the photo; dragging the mid-frontal point up moves the front edge up', async () => {
  const { page, problems } = await env.open();
  const c = controls(page);
  await settle(page);
  await pick(page, 'Hairline');
  const s = await state(page);
  const line = s.settings.area.hairline;
  assert.ok(line, 'the Hairline treatment places a hairline');
  assert.equal(await c.tool('Hairline').getAttribute('aria-pressed'), 'true', 'with its handles shown');
  for (const [i, name] of HANDLES.entries()) {
    const handle = c.handle(name);
    assert.equal(await handle.isVisible(), true, name);
    const [hx, hy] = await centre(handle);
    const [ex, ey] = await stagePoint(page, ...line.points[i]);
    assert.ok(Math.abs(hx - ex) < 1 && Math.abs(hy - ey) < 1, `${name} sits on its point`);
  }
  assert.equal(await ui(page).host.locator('.hairline-main').evaluate((p) => p.getAttribute('d').startsWith('M')), true, 'the curve is drawn');
  await dragMidFrontalUp(page, 'Hairline');

  // Keys: one displayed pixel, ten with Shift; each press one undo step.
  const box = await ui(page).stage.boundingBox();
  const handle = c.handle('Left temple peak');
  const p0 = (await settingsOf(page)).area.hairline.points[0];
  await handle.focus();
  await page.keyboard.press('Shift+ArrowUp');
  await page.keyboard.press('ArrowRight');
  await settle(page);
  const p1 = (await settingsOf(page)).area.hairline.points[0];
  assert.ok(Math.abs(p1[1] - (p0[1] - 10 / box.height)) < 1e-6 && Math.abs(p1[0] - (p0[0] + 1 / box.width)) < 1e-6, `moved by keys: ${p1}`);
  assert.match(await handle.getAttribute('aria-valuetext'), /from the left/);
  await page.keyboard.press('Control+z');
  await settle(page);
  assert.ok(Math.abs((await settingsOf(page)).area.hairline.points[0][0] - p0[0]) < 1e-6);

  // Full head keeps the hairline and treats the scalp behind it: its front edge follows too.
  const kept = (await settingsOf(page)).area.hairline;
  await pick(page, 'Full head');
  assert.deepEqual((await settingsOf(page)).area.hairline, kept, 'Full head keeps the hairline');
  await c.tool('Hairline').click();
  await dragMidFrontalUp(page, 'Full head');
  assert.deepEqual(problems, []);
});

test('hairline style, remove and add; the core\'s advice on a low line is shown', async () => {
  const { page, problems } = await env.open();
  const c = controls(page);
  await settle(page);
  await pick(page, 'Hairline');
  let s = await state(page);
  assert.equal(s.settings.area.hairline.style, 'natural');
  assert.equal(await c.hairlineStyle.inputValue(), 'natural');

  // A style re-places the handles at its guess and sets its softness: one undo step.
  const d = await description(page);
  await c.hairlineStyle.selectOption('defined');
  await settle(page);
  s = await state(page);
  assert.equal(s.settings.area.hairline.style, 'defined');
  assert.deepEqual(roundNumbers(s.settings.area.hairline.points), roundNumbers(d.hairlineGuesses.defined.points));
  assert.equal(s.settings.softness, d.hairlineGuesses.defined.softness);
  assert.equal(Number(await ui(page).slider('Hairline softness').inputValue()), d.hairlineGuesses.defined.softness, 'the softness slider follows');
  await assertRoundTrip(page, 'a defined hairline');
  await c.hairlineStyle.selectOption('receded');
  await settle(page);
  assert.equal((await settingsOf(page)).area.hairline.style, 'receded');
  await ui(page).button('Undo').click();
  await settle(page);
  assert.equal(await c.hairlineStyle.inputValue(), 'defined', 'undo puts the style back in the menu');

  // Remove, then add again with the chosen style.
  const withLine = await canvasHash(page, 'after');
  await ui(page).button('Remove hairline').click();
  await settle(page);
  s = await state(page);
  assert.equal(s.settings.area.hairline, null);
  assert.equal(await ui(page).button('Add hairline').isVisible(), true);
  assert.equal(await c.handle('Mid-frontal point').isVisible(), false, 'no handles without a hairline');
  await ui(page).button('Add hairline').click();
  await settle(page);
  assert.equal((await settingsOf(page)).area.hairline.style, 'defined');
  assert.equal(await canvasHash(page, 'after'), withLine);

  // With the pupils marked, the core can tell a line that is far too low.
  await page.evaluate(() => {
    const el = document.querySelector('smp-preview');
    const settings = el.settings;
    settings.scale.eyes = [
      [0.39, 0.86],
      [0.61, 0.86],
    ];
    el.settings = settings;
  });
  await settle(page);
  await c.hairlineStyle.selectOption('natural');
  await settle(page);
  assert.equal(await c.hairlineAdvice.textContent(), (await description(page)).hairlineAdvice ?? '', 'the advice shown is the core\'s');
  const [hx, hy] = await centre(c.handle('Mid-frontal point'));
  await page.mouse.move(hx, hy);
  await page.mouse.down();
  await page.mouse.move(hx, hy + 120, { steps: 6 });
  await page.mouse.up();
  await settle(page);
  const advice = (await description(page)).hairlineAdvice;
  assert.ok(advice, 'a line moved far down gets advice from the core');
  assert.equal(await c.hairlineAdvice.textContent(), advice);
  assert.equal(await c.hairlineAdvice.isVisible(), true);
  assert.deepEqual(problems, []);
});

test('shape outlines show with a shape tool or Show area; Clear area removes the hairline and shapes too', async () => {
  const { page, problems } = await env.open();
  await settle(page);
  await pick(page, 'Scars');
  await mouseStroke(page, [[0.3, 0.34], [0.5, 0.3], [0.7, 0.34]], 8);
  await settle(page);
  const marks = ui(page).host.locator('[part=marks]');
  assert.equal(await marks.isVisible(), true, 'the strip is outlined while Scar strip is chosen');
  assert.equal(await marks.locator('polyline').count(), 3);
  await ui(page).button('Compare').click();
  assert.equal(await marks.isVisible(), false, 'and hidden in Compare');
  await ui(page).host.getByLabel('Show area').check();
  assert.equal(await marks.isVisible(), true, 'Show area outlines it again');
  await ui(page).button('Clear area').click();
  await settle(page);
  assert.deepEqual((await settingsOf(page)).area, { base: 'empty', hairline: null, shapes: [], strokes: [] });
  assert.equal(await marks.isVisible(), false);
  assert.deepEqual(problems, []);
});

test('a new photo keeps the treatment: shapes go, the crown area and hairline are placed again', async () => {
  const { page, problems } = await env.open();
  await settle(page);
  await pick(page, 'Crown');
  const crown = (await settingsOf(page)).area.shapes;
  assert.equal(crown.length, 1);
  await ui(page).button('Patch').click();
  await page.mouse.click(...(await stagePoint(page, 0.2, 0.2)));
  assert.equal((await settingsOf(page)).area.shapes.length, 2);
  const n = await page.evaluate(() => window.__smpEvents.filter((e) => e.type === 'smp-ready').length);
  await page.evaluate(() => {
    const c = new OffscreenCanvas(800, 600);
    const ctx = c.getContext('2d');
    ctx.fillStyle = '#8a6f5c';
    ctx.fillRect(0, 0, 800, 600);
    return c.convertToBlob().then((blob) => document.querySelector('smp-preview').load(blob));
  });
  await page.waitForFunction((k) => window.__smpEvents.filter((e) => e.type === 'smp-ready').length > k, n);
  await settle(page);
  const s = await state(page);
  assert.equal(s.settings.treatment, 'crown');
  assert.equal(s.settings.area.shapes.length, 1, 'one crown area, guessed on the new photo');
  assert.equal(s.undoDisabled, true);
  assert.deepEqual(problems, []);
});

test('phone: treatments, shapes and hairline handles work by touch, and nothing overflows', async () => {
  const { page, problems } = await env.open({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
  const c = controls(page);
  const { swipe } = await touchDriver(page);
  await settle(page);
  await c.treatment('Scars').tap();
  await settle(page);
  assert.equal((await settingsOf(page)).treatment, 'scars');
  await page.evaluate(() => scrollTo(0, 0));
  for (const name of ['Compare', 'Paint', 'Erase', 'Scar strip', 'FUE dot']) assert.equal(await c.tool(name).isVisible(), true, `${name} visible`);
  assert.equal(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth), 0, 'no sideways scroll');
  assert.equal(await ui(page).stage.evaluate((el) => getComputedStyle(el).touchAction), 'none');

  const box = await ui(page).stage.boundingBox();
  await swipe(await stagePoint(page, 0.3, 0.32), [0.4 * box.width, -6]);
  await settle(page);
  let shapes = (await settingsOf(page)).area.shapes;
  assert.equal(shapes.length, 1);
  assert.equal(shapes[0].kind, 'strip');
  assert.ok((await diffStats(page)).changed > 500, 'the strip drawn by finger is rendered');

  // A finger lifts and comes down again no faster than this (Chromium takes a quicker second
  // touch for part of a double tap and sends no click).
  await page.waitForTimeout(400);
  await c.tool('FUE dot').tap();
  assert.equal(await c.tool('FUE dot').getAttribute('aria-pressed'), 'true');
  await page.touchscreen.tap(...(await stagePoint(page, 0.5, 0.55)));
  await settle(page);
  shapes = (await settingsOf(page)).area.shapes;
  assert.equal(shapes.length, 2);
  assert.equal(shapes[1].kind, 'dot');

  // The hairline: its handles follow a finger.
  await c.treatment('Hairline').tap();
  await settle(page);
  await page.evaluate(() => scrollTo(0, 0));
  const mid = (await settingsOf(page)).area.hairline.points[2];
  const [hx, hy] = await centre(c.handle('Mid-frontal point'));
  await swipe([hx, hy], [0, -30], 6);
  await settle(page);
  const moved = (await settingsOf(page)).area.hairline.points[2];
  assert.ok(Math.abs(moved[1] - (mid[1] - 30 / box.height)) < 2 / box.height, `the handle followed the finger: ${moved[1]} vs ${mid[1]}`);
  assert.equal(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth), 0);
  assert.deepEqual(problems, []);
});
