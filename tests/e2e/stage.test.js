// Treatment stage, pigment, grouping and physical scale: the controls, the settings they write,
// what describe() makes of them, the eye-line marker and the scale bar.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, events, waitForEvents, settle, ui, canvasHash, state, darkening, description, centre, stagePoint } from './helpers.js';

let env;
before(async () => {
  env = await setup();
});
after(async () => {
  await env?.close();
});

/** Locators of the new controls. */
function controls(page) {
  const { host } = ui(page);
  return {
    session: (n) => host.getByRole('button', { name: `Session ${n}`, exact: true }),
    months: host.getByLabel('Time since last session', { exact: true }),
    monthsOut: host.locator('#o-months'),
    advice: host.locator('.advice'),
    pigment: host.getByLabel('Pigment', { exact: true }),
    grouping: host.getByLabel('Group impressions like follicular units'),
    setScale: host.getByRole('button', { name: 'Set scale', exact: true }),
    useHeadWidth: host.getByRole('button', { name: 'Use head width', exact: true }),
    pupilDistance: host.getByLabel('Pupil distance', { exact: true }),
    headWidth: host.getByLabel('Head width', { exact: true }),
    leftPupil: host.getByRole('slider', { name: 'Left pupil', exact: true }),
    rightPupil: host.getByRole('slider', { name: 'Right pupil', exact: true }),
    marker: host.locator('[part=eye-marker]'),
    scaleBar: host.locator('[part=scale-bar]'),
    scaleBarLine: host.locator('.scale-bar-line'),
    scaleSection: host.locator('[part=scale-controls]'),
    scaleSummary: host.locator('[part=scale-controls] > summary'),
  };
}

/** Opens the folded "Physical scale" section (closed by default) by clicking its summary. */
async function openScale(c) {
  if (!(await c.scaleSection.evaluate((d) => d.open))) await c.scaleSummary.click();
  await c.setScale.waitFor({ state: 'visible' });
  // Opening the section scrolls the panel smoothly to it: wait until it rests, as a visitor
  // would, so that clicks land where they are aimed.
  await c.scaleSection.evaluate(async (details) => {
    const panel = details.parentElement;
    const frame = () => new Promise((r) => requestAnimationFrame(r));
    let last = -1;
    for (let still = 0; still < 3; ) {
      await frame();
      still = panel.scrollTop === last ? still + 1 : 0;
      last = panel.scrollTop;
    }
  });
}

/** The summary line of "Physical scale", whitespace collapsed. */
async function scaleSummaryText(c) {
  return (await c.scaleSummary.textContent()).replace(/\s+/g, ' ').trim();
}

/** Bar width expected from describe().pxPerMm and the canvas' CSS scaling, and the one shown. */
function scaleBarGeometry(page) {
  return page.evaluate(() => {
    const el = document.querySelector('smp-preview');
    const root = el.shadowRoot;
    const canvas = root.querySelector('canvas.after');
    const shownScale = canvas.getBoundingClientRect().width / canvas.width; // CSS px per image px
    const bar = root.querySelector('[part=scale-bar]');
    const line = root.querySelector('.scale-bar-line');
    return {
      pxPerMm: el.description.pxPerMm,
      shownScale,
      mm: Number(bar.dataset.mm),
      width: line.getBoundingClientRect().width,
      text: bar.textContent.trim(),
      visible: bar.getBoundingClientRect().width > 0,
      inStage: (() => {
        const s = root.querySelector('.stage').getBoundingClientRect();
        const b = bar.getBoundingClientRect();
        return b.left >= s.left && b.right <= s.right && b.top >= s.top && b.bottom <= s.bottom;
      })(),
    };
  });
}

/** Expected on-screen centres of two pupils given in fractions of the image. */
async function expectedCentres(page, eyes) {
  return Promise.all(eyes.map(([x, y]) => stagePoint(page, x, y)));
}

function assertNear(actual, expected, tolerance, message) {
  assert.ok(Math.abs(actual - expected) <= tolerance, `${message}: ${actual} vs ${expected} (±${tolerance})`);
}

test('session buttons write settings.session, are one undo step, and session 1 darkens less than session 3', async () => {
  const { page, problems } = await env.open();
  const c = controls(page);
  await settle(page);
  const s0 = await state(page);
  assert.equal(s0.settings.session, 3, 'session 3 is the default');
  for (let n = 1; n <= 4; n++) {
    assert.equal(await c.session(n).getAttribute('aria-pressed'), String(n === 3), `Session ${n} pressed state`);
  }
  const three = await darkening(page);
  assert.ok(three.dark > 1000, `session 3 darkens the scalp: ${JSON.stringify(three)}`);

  await c.session(1).click();
  await settle(page);
  let s = await state(page);
  assert.equal(s.settings.session, 1);
  assert.equal(await c.session(1).getAttribute('aria-pressed'), 'true');
  assert.equal(await c.session(3).getAttribute('aria-pressed'), 'false');
  assert.ok(s.renderCount > s0.renderCount, 'a new session re-renders');
  assert.equal((await events(page, 'smp-change')).at(-1).detail.settings.session, 1);
  assert.equal(s.undoDisabled, false);
  // The session note comes from the core's description.
  assert.match(await c.advice.textContent(), /Session 1/);

  const one = await darkening(page);
  // The first session places about a third of the impressions (DESIGN.md: ~30 % → 70 % → 100 %).
  assert.ok(one.dark < three.dark * 0.7, `session 1 has fewer dark pixels than session 3: ${one.dark} vs ${three.dark}`);
  assert.ok(one.total < three.total * 0.7, `session 1 darkens less than session 3: ${one.total} vs ${three.total}`);

  await ui(page).button('Undo').click();
  await settle(page);
  s = await state(page);
  assert.equal(s.settings.session, 3);
  assert.equal(await c.session(3).getAttribute('aria-pressed'), 'true');
  assert.deepEqual(await darkening(page), three, 'undo gives the session 3 pixels back');
  assert.deepEqual(problems, []);
});

test('time since last session: stepped stops, their labels, and the touch-up advice after years', async () => {
  const { page, problems } = await env.open();
  const c = controls(page);
  await settle(page);
  assert.equal((await state(page)).settings.monthsSinceSession, 1);
  assert.equal(await c.monthsOut.textContent(), 'Healed');
  assert.equal(await c.advice.textContent(), '', 'no note for a healed result after 3 sessions');
  assert.equal((await description(page)).advice, null);

  await c.months.focus();
  await page.keyboard.press('Home');
  await settle(page);
  assert.equal((await state(page)).settings.monthsSinceSession, 0);
  assert.equal(await c.monthsOut.textContent(), 'Fresh');
  assert.match(await c.months.getAttribute('aria-valuetext'), /Fresh/);
  assert.ok((await c.advice.textContent()).length > 0, 'the first days have a note');

  const expected = [
    [1, 'Healed'],
    [12, '1 y'],
    [24, '2 y'],
    [36, '3 y'],
    [48, '4 y'],
    [60, '5 y'],
    [72, '6 y'],
    [84, '7 y'],
    [96, '8 y'],
  ];
  for (const [months, label] of expected) {
    await page.keyboard.press('ArrowRight');
    await settle(page);
    assert.equal((await state(page)).settings.monthsSinceSession, months, `stop ${label}`);
    assert.equal(await c.monthsOut.textContent(), label);
  }
  assert.equal(await c.months.getAttribute('aria-valuetext'), '8 years');

  // Years later: the core advises a touch-up, shown as a polite live hint.
  const advice = await c.advice.textContent();
  assert.match(advice, /touch-up/);
  assert.equal(advice, (await description(page)).advice);
  assert.equal(await c.advice.getAttribute('aria-live'), 'polite');
  assert.ok(await c.advice.isVisible(), 'the advice is visible');

  // Each stop is a settings change; undo walks back through them.
  await ui(page).button('Undo').click();
  await settle(page);
  assert.equal((await state(page)).settings.monthsSinceSession, 84);
  assert.equal(await c.monthsOut.textContent(), '7 y');

  // A value between stops, set by script, is shown as it is.
  await page.evaluate(() => {
    const el = document.querySelector('smp-preview');
    el.settings = { ...el.settings, monthsSinceSession: 6, session: 1 };
  });
  await settle(page);
  assert.equal(await c.monthsOut.textContent(), '6 mo');
  assert.equal(await c.session(1).getAttribute('aria-pressed'), 'true');
  assert.deepEqual(problems, []);
});

test('the pigment select writes settings.pigment and shows the suggestion for Auto', async () => {
  const { page, problems } = await env.open();
  const c = controls(page);
  await settle(page);
  const d0 = await description(page);
  assert.equal((await state(page)).settings.pigment, 'auto');
  assert.equal(await c.pigment.inputValue(), 'auto');
  const names = { black: 'Black', darkBrown: 'Dark brown', brown: 'Brown', lightBrown: 'Light brown', greyBlend: 'Grey blend' };
  const options = await c.pigment.locator('option').evaluateAll((os) => os.map((o) => [o.value, o.textContent]));
  assert.deepEqual(options, [
    ['auto', `Auto (suggested: ${names[d0.suggestedPigment]})`],
    ...Object.entries(names),
  ]);
  assert.equal(d0.pigment, d0.suggestedPigment, 'auto renders the suggestion');

  await c.pigment.selectOption('darkBrown');
  await settle(page);
  const s = await state(page);
  assert.equal(s.settings.pigment, 'darkBrown');
  assert.equal((await description(page)).pigment, 'darkBrown');
  assert.equal((await events(page, 'smp-change')).at(-1).detail.settings.pigment, 'darkBrown');

  await ui(page).button('Undo').click();
  await settle(page);
  assert.equal((await state(page)).settings.pigment, 'auto');
  assert.equal(await c.pigment.inputValue(), 'auto');
  assert.deepEqual(problems, []);
});

test('the grouping checkbox writes settings.grouping and is undoable', async () => {
  const { page, problems } = await env.open();
  const c = controls(page);
  await settle(page);
  assert.equal(await c.grouping.isChecked(), false);
  const start = await state(page);
  await c.grouping.check();
  await settle(page);
  let s = await state(page);
  assert.equal(s.settings.grouping, true);
  assert.ok(s.renderCount > start.renderCount);
  await page.keyboard.press('Control+z');
  await settle(page);
  s = await state(page);
  assert.equal(s.settings.grouping, false);
  assert.equal(await c.grouping.isChecked(), false);
  assert.deepEqual(problems, []);
});

test('the scale bar shows 1 cm at describe().pxPerMm in displayed pixels, at any display size', async () => {
  const { page, problems } = await env.open();
  const c = controls(page);
  await settle(page);
  const check = async (label) => {
    const g = await scaleBarGeometry(page);
    assert.ok(g.visible && g.inStage, `${label}: the bar is shown inside the picture ${JSON.stringify(g)}`);
    assert.ok(g.shownScale < 1, `${label}: the canvas is shown scaled (${g.shownScale})`);
    assertNear(g.width, g.mm * g.pxPerMm * g.shownScale, 1, `${label}: bar width`);
    return g;
  };
  let g = await check('desktop');
  assert.equal(g.mm, 10);
  assert.equal(g.text, '1 cm');
  assert.equal(await c.scaleBar.getAttribute('part'), 'scale-bar');
  assert.equal(await scaleSummaryText(c), `Physical scale · ${g.pxPerMm.toFixed(1)} px/mm from head width`);

  // A narrower window shows the canvas smaller: the bar follows.
  await page.setViewportSize({ width: 700, height: 900 });
  await page.waitForFunction((w) => Math.abs(document.querySelector('smp-preview').shadowRoot.querySelector('.scale-bar-line').getBoundingClientRect().width - w) > 1, g.width);
  const narrow = await check('narrow window');
  assert.ok(narrow.shownScale !== g.shownScale);

  // A different head width changes the scale in use, and the bar with it.
  await openScale(c);
  await c.headWidth.fill('120');
  await c.headWidth.press('Enter');
  await settle(page);
  g = await check('head width 120 mm');
  assertNear(g.pxPerMm, (narrow.pxPerMm * 150) / 120, 1e-3, 'px/mm from the head width');
  assert.equal((await state(page)).settings.scale.headWidth, 120);
  assert.deepEqual(problems, []);
});

test('the scale bar is right on a phone, where the canvas is shown at a third of its size', async () => {
  const { page, problems } = await env.open({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
  const c = controls(page);
  await settle(page);
  const g = await scaleBarGeometry(page);
  assert.ok(g.visible && g.inStage);
  assertNear(g.width, g.mm * g.pxPerMm * g.shownScale, 1, 'bar width');
  for (const locator of [c.session(1), c.session(4), c.months, c.pigment, c.grouping, c.scaleSummary]) {
    assert.ok(await locator.isVisible());
  }
  // Physical scale is folded; open, its controls fit the screen too.
  assert.equal(await c.setScale.isVisible(), false);
  await openScale(c);
  for (const locator of [c.setScale, c.useHeadWidth, c.pupilDistance, c.headWidth]) {
    assert.ok(await locator.isVisible());
  }
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.equal(overflow, 0, 'no horizontal scrolling');
  assert.deepEqual(problems, []);
});

test('the eye-line marker: starting place, dragging sets settings.scale.eyes and the scale, one undo step per drag', async () => {
  const { page, problems } = await env.open();
  const c = controls(page);
  await settle(page);
  const d0 = await description(page);
  const s0 = await state(page);
  assert.equal(d0.scaleFrom, 'headWidth');
  assert.equal(s0.settings.scale.eyes, null);
  assert.equal(await c.marker.isVisible(), false, 'the marker is hidden until Set scale');
  await openScale(c);
  assert.equal(await c.useHeadWidth.isDisabled(), true);
  await c.setScale.click();
  assert.equal(await c.setScale.getAttribute('aria-pressed'), 'true');
  assert.ok(await c.marker.isVisible());
  assert.equal((await state(page)).settings.scale.eyes, null, 'showing the marker changes nothing');

  // Without marked or detected pupils: level at 40 % of the height, one pupil distance apart.
  const start =
    d0.eyesGuess ??
    (() => {
      const half = (s0.settings.scale.pupilDistance * d0.pxPerMm) / s0.width / 2;
      return [
        [0.5 - half, 0.4],
        [0.5 + half, 0.4],
      ];
    })();
  const [expectLeft, expectRight] = await expectedCentres(page, start);
  const left0 = await centre(c.leftPupil);
  const right0 = await centre(c.rightPupil);
  for (const [actual, expected, name] of [
    [left0, expectLeft, 'left'],
    [right0, expectRight, 'right'],
  ]) {
    assertNear(actual[0], expected[0], 1, `${name} pupil x`);
    assertNear(actual[1], expected[1], 1, `${name} pupil y`);
  }
  assert.match(await c.marker.textContent(), /63 mm/);

  // Drag the right pupil 80 px further right: the eyes are set, the scale follows, re-render.
  const hash0 = await canvasHash(page, 'after');
  const renders = (await state(page)).renderCount;
  await page.mouse.move(...right0);
  await page.mouse.down();
  await page.mouse.move(right0[0] + 80, right0[1] + 6, { steps: 8 });
  await page.mouse.up();
  await settle(page);
  let s = await state(page);
  const eyes1 = s.settings.scale.eyes;
  assert.ok(Array.isArray(eyes1), 'dragging sets settings.scale.eyes');
  const stageBox = await ui(page).stage.boundingBox();
  assertNear(eyes1[0][0], start[0][0], 1e-6, 'the left pupil stays');
  assertNear(eyes1[1][0], start[1][0] + 80 / stageBox.width, 1.5 / stageBox.width, 'the right pupil follows the pointer');
  assertNear(eyes1[1][1], start[1][1] + 6 / stageBox.height, 1.5 / stageBox.height, 'the right pupil follows the pointer down');
  const d1 = await description(page);
  assert.equal(d1.scaleFrom, 'eyes');
  const distancePx = Math.hypot((eyes1[1][0] - eyes1[0][0]) * s.width, (eyes1[1][1] - eyes1[0][1]) * s.height);
  assertNear(d1.pxPerMm, distancePx / s.settings.scale.pupilDistance, 1e-3 * d1.pxPerMm, 'px/mm from the pupils');
  assert.ok(d1.pxPerMm > d0.pxPerMm * 1.1, `wider pupils, more px/mm: ${d0.pxPerMm} → ${d1.pxPerMm}`);
  assertNear(s.pxPerMm, d1.pxPerMm, 1e-6, 'the pxPerMm property is the scale in use');
  assert.ok(s.renderCount > renders, 'the drag re-rendered');
  assert.notEqual(await canvasHash(page, 'after'), hash0, 'the new scale changes the impressions');
  assert.equal(await scaleSummaryText(c), `Physical scale · ${d1.pxPerMm.toFixed(1)} px/mm from pupils`);
  assert.equal(s.valuenow, 50, 'dragging a pupil leaves the divider alone');
  assert.equal(await c.useHeadWidth.isDisabled(), false);
  const g = await scaleBarGeometry(page);
  assertNear(g.width, g.mm * d1.pxPerMm * g.shownScale, 1, 'the scale bar follows the new scale');
  const changes = await events(page, 'smp-change');
  assert.deepEqual(changes.at(-1).detail.settings.scale.eyes, eyes1);
  const hash1 = await canvasHash(page, 'after');

  // A second drag, of the left pupil: one more undo step.
  const left1 = await centre(c.leftPupil);
  await page.mouse.move(...left1);
  await page.mouse.down();
  await page.mouse.move(left1[0] - 30, left1[1], { steps: 5 });
  await page.mouse.up();
  await settle(page);
  s = await state(page);
  assert.ok(s.settings.scale.eyes[0][0] < eyes1[0][0]);
  assert.deepEqual(s.settings.scale.eyes[1], eyes1[1]);

  // Undo restores the previous eye positions (and their pixels), then none at all.
  await ui(page).button('Undo').click();
  await settle(page);
  s = await state(page);
  assert.deepEqual(s.settings.scale.eyes, eyes1, 'undo gives back the positions after the first drag');
  assert.equal(await canvasHash(page, 'after'), hash1);
  const [l, r] = await expectedCentres(page, eyes1);
  assertNear((await centre(c.leftPupil))[0], l[0], 1, 'the marker follows undo');
  assertNear((await centre(c.rightPupil))[0], r[0], 1, 'the marker follows undo');
  await ui(page).button('Undo').click();
  await settle(page);
  s = await state(page);
  assert.equal(s.settings.scale.eyes, null);
  assert.equal((await description(page)).scaleFrom, 'headWidth');
  assert.equal(await canvasHash(page, 'after'), hash0);
  await ui(page).button('Redo').click();
  await settle(page);
  assert.deepEqual((await state(page)).settings.scale.eyes, eyes1);

  // Use head width forgets the pupils, as one more undo step.
  await c.useHeadWidth.click();
  await settle(page);
  assert.equal((await state(page)).settings.scale.eyes, null);
  assert.equal((await description(page)).scaleFrom, 'headWidth');
  await ui(page).button('Undo').click();
  await settle(page);
  assert.deepEqual((await state(page)).settings.scale.eyes, eyes1);

  // Set scale again hides the marker; the settings stay.
  await c.setScale.click();
  assert.equal(await c.setScale.getAttribute('aria-pressed'), 'false');
  assert.equal(await c.marker.isVisible(), false);
  assert.deepEqual((await state(page)).settings.scale.eyes, eyes1);
  assert.deepEqual(problems, []);
});

test('pupil handles move from the keyboard and never start a stroke', async () => {
  const { page, problems } = await env.open();
  const c = controls(page);
  await settle(page);
  await openScale(c);
  await c.setScale.click();
  const start = await centre(c.leftPupil);
  await c.leftPupil.focus();
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('Shift+ArrowUp');
  await settle(page);
  let s = await state(page);
  const eyes = s.settings.scale.eyes;
  assert.ok(eyes, 'the keyboard sets the pupils');
  const now = await centre(c.leftPupil);
  assertNear(now[0], start[0] - 1, 0.5, 'ArrowLeft moves one pixel');
  assertNear(now[1], start[1] - 10, 0.5, 'Shift+ArrowUp moves ten pixels');
  assert.equal(await c.leftPupil.getAttribute('aria-valuenow'), String(Math.round(eyes[0][0] * 100)));
  assert.match(await c.leftPupil.getAttribute('aria-valuetext'), /from the left/);
  await page.keyboard.press('Control+z');
  await settle(page);
  s = await state(page);
  assert.notEqual(s.settings.scale.eyes, null, 'each key press is one undo step');
  assertNear((await centre(c.leftPupil))[0], start[0] - 1, 0.5, 'undo moved the handle back up');

  // With the paint tool on, dragging a pupil moves it and paints nothing.
  await ui(page).button('Paint').click();
  const right = await centre(c.rightPupil);
  await page.mouse.move(...right);
  await page.mouse.down();
  await page.mouse.move(right[0] + 40, right[1], { steps: 4 });
  await page.mouse.up();
  await settle(page);
  s = await state(page);
  assert.equal(s.settings.area.strokes.length, 0, 'no stroke');
  assertNear((await centre(c.rightPupil))[0], right[0] + 40, 1, 'the right pupil moved');
  assert.deepEqual(problems, []);
});

test('marker positions are right when the canvas is shown scaled (phone), from settings set by script', async () => {
  const { page, problems } = await env.open({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
  const c = controls(page);
  await settle(page);
  const eyes = [
    [0.31, 0.44],
    [0.63, 0.47],
  ];
  await page.evaluate((e) => {
    const el = document.querySelector('smp-preview');
    el.settings = { ...el.settings, scale: { ...el.settings.scale, eyes: e, pupilDistance: 60 } };
  }, eyes);
  await openScale(c);
  await c.setScale.click();
  await settle(page);
  const [l, r] = await expectedCentres(page, eyes);
  for (const [handle, expected] of [
    [c.leftPupil, l],
    [c.rightPupil, r],
  ]) {
    const [x, y] = await centre(handle);
    assertNear(x, expected[0], 1, 'x');
    assertNear(y, expected[1], 1, 'y');
  }
  assert.match(await c.marker.textContent(), /60 mm/);
  assert.equal(await c.pupilDistance.inputValue(), '60');
  const s = await state(page);
  const d = await description(page);
  assertNear(d.pxPerMm, Math.hypot(0.32 * s.width, 0.03 * s.height) / 60, 1e-3 * d.pxPerMm, 'px/mm from the pupils');
  const g = await scaleBarGeometry(page);
  assertNear(g.width, g.mm * d.pxPerMm * g.shownScale, 1, 'scale bar');
  assert.deepEqual(problems, []);
});

test('pupil distance and head width inputs clamp to the core limits and change the scale', async () => {
  const { page, problems } = await env.open();
  const c = controls(page);
  await settle(page);
  const limits = await page.evaluate(async () => (await import('./pkg/smp_preview.js')).Preview.limits());
  assert.equal(await c.pupilDistance.getAttribute('min'), String(limits.pupilDistance.min));
  assert.equal(await c.pupilDistance.getAttribute('max'), String(limits.pupilDistance.max));
  assert.equal(await c.headWidth.getAttribute('max'), String(limits.headWidth.max));

  await page.evaluate(() => {
    const el = document.querySelector('smp-preview');
    el.settings = { ...el.settings, scale: { ...el.settings.scale, eyes: [[0.4, 0.5], [0.6, 0.5]] } };
  });
  await settle(page);
  const before = await description(page);
  await openScale(c);
  await c.pupilDistance.fill('70');
  await c.pupilDistance.press('Enter');
  await settle(page);
  assert.equal((await state(page)).settings.scale.pupilDistance, 70);
  const d = await description(page);
  assertNear(d.pxPerMm, (before.pxPerMm * 63) / 70, 1e-3, 'a wider pupil distance means fewer px per mm');

  await c.pupilDistance.fill('500');
  await c.pupilDistance.press('Enter');
  await settle(page);
  assert.equal((await state(page)).settings.scale.pupilDistance, limits.pupilDistance.max);
  assert.equal(await c.pupilDistance.inputValue(), String(limits.pupilDistance.max));
  await c.headWidth.fill('');
  await c.headWidth.press('Enter');
  assert.equal((await state(page)).settings.scale.headWidth, limits.headWidth.default, 'an empty field keeps the value');
  assert.deepEqual((await events(page, 'smp-error')).length, 0);
  assert.deepEqual(problems, []);
});

test('stage settings carry over to a new photo; marked pupils do not', async () => {
  const { page, problems } = await env.open();
  await settle(page);
  await page.evaluate(() => {
    const el = document.querySelector('smp-preview');
    el.settings = { ...el.settings, session: 2, monthsSinceSession: 24, pigment: 'brown', grouping: true, scale: { eyes: [[0.4, 0.5], [0.6, 0.5]], pupilDistance: 65, headWidth: 160 } };
  });
  await settle(page);
  const n = (await events(page, 'smp-ready')).length;
  const { makeImage } = await import('./helpers.js');
  await ui(page).file.setInputFiles({ name: 'head.png', mimeType: 'image/png', buffer: await makeImage(page) });
  await waitForEvents(page, 'smp-ready', n + 1);
  const s = (await state(page)).settings;
  assert.equal(s.session, 2);
  assert.equal(s.monthsSinceSession, 24);
  assert.equal(s.pigment, 'brown');
  assert.equal(s.grouping, true);
  assert.deepEqual(s.scale, { eyes: null, pupilDistance: 65, headWidth: 160 });
  assert.equal((await description(page)).scaleFrom, 'headWidth');
  assert.deepEqual(problems, []);
});

test('the pupil circles cannot be dragged onto each other', async () => {
  const { page, problems } = await env.open();
  const c = controls(page);
  await settle(page);
  await openScale(c);
  await c.setScale.click();
  const left = await centre(c.leftPupil);
  const right = await centre(c.rightPupil);
  await page.mouse.move(...right);
  await page.mouse.down();
  await page.mouse.move(left[0], left[1], { steps: 10 });
  await page.mouse.up();
  await settle(page);
  const size = (await c.leftPupil.boundingBox()).width;
  const now = await centre(c.rightPupil);
  const apart = Math.hypot(now[0] - left[0], now[1] - left[1]);
  assert.ok(Math.abs(apart - size) <= 1.5, `the circles stop one circle apart (${apart} px, circle ${size} px)`);
  // Moving them apart again always works.
  await page.mouse.move(...now);
  await page.mouse.down();
  await page.mouse.move(now[0] + 50, now[1], { steps: 5 });
  await page.mouse.up();
  assertNear((await centre(c.rightPupil))[0], now[0] + 50, 1, 'moved apart');
  assert.deepEqual(problems, []);
});

test('Physical scale is folded by default, shows the scale in its summary, and works from the keyboard', async () => {
  const { page, problems } = await env.open();
  const c = controls(page);
  await settle(page);
  const d0 = await description(page);
  assert.equal(await c.scaleSection.evaluate((d) => d.tagName), 'DETAILS');
  assert.equal(await c.scaleSection.evaluate((d) => d.open), false, 'closed by default');
  assert.equal(await scaleSummaryText(c), `Physical scale · ${d0.pxPerMm.toFixed(1)} px/mm from head width`);
  for (const locator of [c.setScale, c.useHeadWidth, c.pupilDistance, c.headWidth]) {
    assert.equal(await locator.isVisible(), false, 'folded away');
  }

  // Tab from the last impression control reaches the summary; Enter opens the section.
  await c.grouping.focus();
  await page.keyboard.press('Tab');
  const focused = () => page.evaluate(() => {
    const a = document.querySelector('smp-preview').shadowRoot.activeElement;
    return a ? a.tagName + (a.dataset.action ? `:${a.dataset.action}` : '') : null;
  });
  assert.equal(await focused(), 'SUMMARY');
  await page.keyboard.press('Enter');
  await c.setScale.waitFor({ state: 'visible' });
  assert.equal(await c.scaleSection.evaluate((d) => d.open), true);

  // Set scale from the keyboard shows the marker; a pupil moved by arrow keys sets the scale.
  await page.keyboard.press('Tab');
  assert.equal(await focused(), 'BUTTON:set-scale');
  await page.keyboard.press('Enter');
  assert.equal(await c.setScale.getAttribute('aria-pressed'), 'true');
  assert.ok(await c.marker.isVisible());
  await c.rightPupil.focus();
  await page.keyboard.press('Shift+ArrowRight');
  await settle(page);
  const eyes = (await state(page)).settings.scale.eyes;
  assert.ok(eyes, 'the pupils are marked');
  const d1 = await description(page);
  assert.equal(await scaleSummaryText(c), `Physical scale · ${d1.pxPerMm.toFixed(1)} px/mm from pupils`);

  // Folding the section ends Set scale (its button is hidden); the marked pupils stay.
  await c.scaleSummary.focus();
  await page.keyboard.press('Enter');
  await c.marker.waitFor({ state: 'hidden' });
  // (A folded button has no role for getByRole: found by its data attribute.)
  assert.equal(await ui(page).host.locator('[data-action=set-scale]').getAttribute('aria-pressed'), 'false');
  assert.deepEqual((await state(page)).settings.scale.eyes, eyes);
  assert.equal((await description(page)).scaleFrom, 'eyes');

  // Opened again, Set scale works as before, on the marked pupils.
  await page.keyboard.press('Space');
  await c.setScale.waitFor({ state: 'visible' });
  await c.setScale.click();
  assert.ok(await c.marker.isVisible());
  const [l, r] = await expectedCentres(page, eyes);
  assertNear((await centre(c.leftPupil))[0], l[0], 1, 'left pupil where it was marked');
  assertNear((await centre(c.rightPupil))[0], r[0], 1, 'right pupil where it was marked');
  assert.deepEqual(problems, []);
});
