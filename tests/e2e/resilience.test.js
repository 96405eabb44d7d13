// Issue 7, bad settings and panics: hostile values through every way in (attributes, the
// `#smp=` preset link, the `settings` property, a seeded fuzz of the property), and a real
// panic inside the wasm module, after which the next photo works on a fresh instance.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, ui, events, waitForEvents, settle, diffStats } from './helpers.js';
import { jpeg } from './corpus.js';

let env;
before(async () => {
  env = await setup();
});
after(() => env.close());

const b64url = (text) => Buffer.from(text, 'utf8').toString('base64url');

/** A 400×300 "photo": a skin-toned oval on a darker background, as a JPEG. */
const headPhoto = (tone = 200) =>
  jpeg(400, 300, 3, (bx, by, c) => {
    const inside = ((bx - 25) / 18) ** 2 + ((by - 19) / 15) ** 2 < 1;
    return c === 0 ? (inside ? tone : 60) : c === 1 ? 120 : 150;
  });

test('a panic inside the wasm module: smp-error and a message, then the next photo works on a fresh instance with the last good settings', async () => {
  const { page, problems } = await env.open();
  const { file, message, slider } = ui(page);
  await file.setInputFiles({ name: 'head.jpg', mimeType: 'image/jpeg', buffer: headPhoto() });
  await waitForEvents(page, 'smp-ready', 2);
  await slider('Density').fill('40');
  await settle(page);
  const good = await page.evaluate(() => document.querySelector('smp-preview').settings);
  assert.equal(good.density, 40);

  // The next render traps: the test-only method panics while the Preview is borrowed, as a
  // bug in render() would.
  await page.evaluate(() => {
    const el = document.querySelector('smp-preview');
    window.__dead = { preview: el._preview, module: el._wasm };
    // (Slider changes go through `update`, a new photo's first frame through `render`.)
    el._preview.render = el._preview.update = function () {
      return this.__panicForTests();
    };
  });
  await slider('Density').fill('90');
  await waitForEvents(page, 'smp-error', 1);
  const [error] = await events(page, 'smp-error');
  assert.match(error.detail.message, /internal error.*next photo you choose starts it afresh/i);
  assert.match(await message.textContent(), /internal error/i);
  assert.ok(await message.isVisible());
  const after = await page.evaluate(() => {
    const el = document.querySelector('smp-preview');
    let reuse = null;
    try {
      void window.__dead.preview.width;
    } catch (e) {
      reuse = e.message;
    }
    return { width: el.width, panicked: window.__dead.module.Preview.panicked(), reuse };
  });
  assert.equal(after.panicked, true, 'the module knows it panicked');
  assert.match(after.reuse, /recursive use/, 'the trapped object is unusable, as the element assumes');
  assert.equal(after.width, 0, 'the dead instance is dropped');
  assert.equal(await slider('Density').inputValue(), '40', 'the controls show the last good settings');
  // The panic reached the console with its message (it is a bug), and nothing else failed.
  assert.ok(problems.some((p) => /deliberate panic/.test(p)), problems.join('\n'));
  const others = problems.filter((p) => !/deliberate panic|RuntimeError: unreachable/.test(p));
  assert.deepEqual(others, []);

  // Using the controls meanwhile throws nothing.
  await slider('Pigment shade').fill('30');
  await settle(page);
  assert.equal(problems.filter((p) => /pageerror/.test(p)).length, 0);

  // The next photo: a fresh module instance, the last settings that rendered, dots drawn.
  await file.setInputFiles({ name: 'head2.jpg', mimeType: 'image/jpeg', buffer: headPhoto(210) });
  await waitForEvents(page, 'smp-ready', 3);
  const revived = await page.evaluate(() => {
    const el = document.querySelector('smp-preview');
    return { fresh: el._wasm !== window.__dead.module, panicked: el._wasm.Preview.panicked(), settings: el.settings, width: el.width, renders: el.renderCount };
  });
  assert.ok(revived.fresh, 'a fresh instance of the module');
  assert.equal(revived.panicked, false);
  assert.equal(revived.width, 400);
  assert.equal(revived.settings.density, 40, 'the last good settings');
  assert.equal(await message.isVisible(), false, 'the message is gone');
  const diff = await diffStats(page);
  assert.ok(diff.changed > 100 && diff.darker === diff.changed, `rendered after recovery: ${JSON.stringify(diff)}`);
  await slider('Density').fill('70');
  await page.waitForFunction((n) => document.querySelector('smp-preview').renderCount > n, revived.renders);
  assert.equal(problems.filter((p) => !/deliberate panic|RuntimeError: unreachable/.test(p)).length, 0);
});

test('hostile attribute values are ignored with a warning naming the attribute; the element starts with the defaults', async () => {
  const { page, problems } = await env.open({ path: 'examples/blank.html' });
  const warnings = [];
  page.on('console', (msg) => {
    if (msg.type() === 'warning') warnings.push(msg.text());
  });
  const hostile = {
    density: 'NaN',
    'impression-size': 'Infinity',
    shade: '-5',
    softness: '1e308',
    session: '2.5',
    pigment: '<img src=x onerror="window.__xss=1">',
    treatment: '__proto__',
    lang: '__proto__',
    'hairline-style': 'constructor',
    'max-size': '-Infinity',
    compare: '"><script>window.__xss=1</script>',
  };
  const result = await page.evaluate(async (attrs) => {
    const el = document.createElement('smp-preview');
    el.id = 'hostile';
    for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
    const ready = new Promise((r, reject) => {
      el.addEventListener('smp-ready', r, { once: true });
      setTimeout(() => reject(new Error('no smp-ready within 15 s')), 15000);
    });
    document.body.append(el);
    await ready;
    const defaults = document.querySelector('smp-preview').settings;
    return { settings: el.settings, defaults, width: el.width, xss: window.__xss ?? null, imgs: el.shadowRoot.querySelectorAll('img').length };
  }, hostile);
  assert.deepEqual(result.settings, result.defaults, 'every hostile starting value ignored');
  assert.ok(result.width > 0, 'the demo head shows');
  assert.equal(result.xss, null);
  assert.equal(result.imgs, 1, 'only the logo image');
  for (const name of ['density', 'impression-size', 'shade', 'softness', 'session', 'pigment', 'treatment', 'hairline-style']) {
    assert.ok(warnings.some((w) => w.includes(name)), `a warning names ${name}: ${warnings.join(' | ')}`);
  }
  assert.deepEqual(problems, []);
});

test('hostile preset links are refused with a message and change nothing', async () => {
  const { page, problems } = await env.open({ path: `#smp=${b64url('{"density": -5}')}` });
  const [first] = await events(page, 'smp-error');
  assert.match(first.detail.message, /preset link.*density/i);
  const defaults = await page.evaluate(() => document.querySelector('smp-preview').settings);
  assert.equal(defaults.density, 80);
  const links = [
    ['%%%not base64%%%', /damaged/i],
    [b64url('not json at all'), /damaged/i],
    [b64url('[1, 2, 3]'), /preset link/i],
    [b64url('{"density": 1e999}'), /density/],
    [b64url('{"density": "90"}'), /density/],
    [b64url('{"shade": null}'), /shade/],
    [b64url('{"seed": -1}'), /seed/],
    [b64url('{"scale": {"pupilDistance": 1e308}}'), /scale\.pupilDistance/],
    [b64url('{"bogus": 1}'), /bogus/],
    [b64url('{"pigment": "<img src=x onerror=window.__xss=1>"}'), /pigment/],
    [b64url(JSON.stringify({ area: { strokes: Array.from({ length: 3000 }, () => ({ tool: 'paint', radius: 0.03, points: new Array(70).fill([0.5, 0.5]) })) } })), /area\.strokes/],
  ];
  let count = 1;
  for (const [link, expected] of links) {
    await page.evaluate((h) => {
      location.hash = `smp=${h}`;
    }, link);
    await waitForEvents(page, 'smp-error', ++count);
    const all = await events(page, 'smp-error');
    assert.match(all.at(-1).detail.message, expected, link.slice(0, 40));
    assert.deepEqual(await page.evaluate(() => document.querySelector('smp-preview').settings), defaults, 'settings unchanged');
  }
  assert.equal(await page.evaluate(() => window.__xss ?? null), null);
  assert.equal(await page.evaluate(() => document.querySelector('smp-preview').shadowRoot.querySelectorAll('img').length), 1);
  console.log(`preset links tried: ${links.length + 1}`);
  assert.deepEqual(problems, []);
});

test('hostile values for the settings property, and a seeded fuzz of it: refused with the field named, never a crash', async () => {
  const { page, problems } = await env.open();
  const out = await page.evaluate(async () => {
    const el = document.querySelector('smp-preview');
    const start = el.settings;
    const errors = () => window.__smpEvents.filter((e) => e.type === 'smp-error').length;
    const cycle = {};
    cycle.self = cycle;
    const named = [
      [{ ...start, density: NaN }, 'density'],
      [{ ...start, density: Infinity }, 'density'],
      [{ ...start, impressionSize: -Infinity }, 'impressionSize'],
      [{ ...start, shade: -1 }, 'shade'],
      [{ ...start, softness: 1e308 }, 'softness'],
      [{ ...start, session: 2.5 }, 'session'],
      [{ ...start, grouping: 'yes' }, 'grouping'],
      [{ ...start, treatment: 42 }, 'treatment'],
      [{ ...start, surprise: true }, 'surprise'],
      [{ ...start, scale: { ...start.scale, eyes: [[0.4, 0.4], [0.4, 0.4]] } }, 'scale.eyes'],
      [{ ...start, area: { ...start.area, strokes: [{ tool: 'paint', radius: 0.03, points: new Array(200001).fill([0.5, 0.5]) }] } }, 'area.strokes'],
      [{ ...start, area: { ...start.area, shapes: new Array(5001).fill({ kind: 'dot', center: [0.5, 0.5], diameter: 1 }) } }, 'area.shapes'],
      [null, 'Settings'],
      ['density=90', 'Settings'],
      [[1, 2], 'Settings'],
      [cycle, 'JSON'],
      [{ ...start, seed: 10n }, 'JSON'],
    ];
    const results = [];
    for (const [value, field] of named) {
      const n = errors();
      el.settings = value;
      const message = errors() > n ? window.__smpEvents.filter((e) => e.type === 'smp-error').at(-1).detail.message : null;
      results.push({ field, message, same: JSON.stringify(el.settings) === JSON.stringify(start) });
    }

    // A seeded fuzz: one to three fields of the defaults, nested ones too, set to hostile values.
    let seed = 7;
    const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    const pick = (list) => list[Math.floor(rand() * list.length)];
    const values = () => [NaN, Infinity, -Infinity, -1, 0, 1, 0.5, 1e308, -1e308, 2 ** 53, 2 ** 32, rand() * 2000 - 1000, '80', '', true, null, [], {}, [NaN, 1], [[0.5, 0.5]], '<b>x</b>', new Array(1000).fill(0.5)];
    const paths = ['version', 'seed', 'density', 'impressionSize', 'shade', 'softness', 'pigment', 'session', 'monthsSinceSession', 'grouping', 'treatment', 'scale', 'scale.eyes', 'scale.pupilDistance', 'scale.headWidth', 'area', 'area.base', 'area.hairline', 'area.shapes', 'area.strokes', 'unknownKey', 'area.unknown'];
    let accepted = 0;
    let refused = 0;
    const cases = 400;
    for (let i = 0; i < cases; i++) {
      const value = JSON.parse(JSON.stringify(start));
      for (let k = 0, n = 1 + Math.floor(rand() * 3); k < n; k++) {
        const path = pick(paths).split('.');
        const holder = path.length === 2 ? value[path[0]] : value;
        if (holder && typeof holder === 'object') holder[path.at(-1)] = pick(values());
      }
      const before = errors();
      el.settings = value;
      if (errors() > before) refused++;
      else accepted++;
      if (i % 25 === 0) await new Promise((r) => requestAnimationFrame(r));
    }
    // Still alive: valid settings render.
    el.settings = { ...start, density: 55 };
    const renders = el.renderCount;
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    return { results, accepted, refused, cases, rendered: el.renderCount > renders, density: el.settings.density, panicked: el._wasm.Preview.panicked() };
  });
  for (const r of out.results) {
    assert.ok(r.message, `${r.field}: refused with a message`);
    assert.ok(r.message.includes(r.field), `${r.field}: named in "${r.message}"`);
    assert.ok(r.same, `${r.field}: settings unchanged`);
  }
  assert.ok(out.rendered && out.density === 55 && !out.panicked, 'still rendering after the fuzz');
  assert.ok(out.refused > out.cases / 2, `most fuzz cases are refused (${out.refused})`);
  console.log(`settings property: ${out.results.length} named hostile values; fuzz: ${out.cases} cases, ${out.refused} refused with a message, ${out.accepted} accepted and rendered`);
  assert.deepEqual(problems, []);
});
