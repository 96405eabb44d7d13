// Accessibility: axe-core (from npm) finds no violations on the page and the embed example,
// desktop and phone, with the element's controls in their usual states; keyboard reach.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { setup, settle, ui, REPO } from './helpers.js';

const AXE = path.join(REPO, 'node_modules', 'axe-core', 'axe.min.js');

let env;
before(async () => {
  env = await setup();
});
after(async () => {
  await env?.close();
});

/** Runs axe-core on the whole page (it enters open shadow roots); returns the violations, short. */
async function axe(page) {
  await page.addScriptTag({ path: AXE });
  const violations = await page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 4).map((n) => `${JSON.stringify(n.target)} ${n.failureSummary.split('\n').slice(0, 3).join(' | ')}`),
    }));
  });
  return violations;
}

const PHONE = { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };

for (const [name, options] of [
  ['index, desktop', { path: '' }],
  ['index, phone', { path: '', ...PHONE }],
  ['embed page, desktop', { path: 'embed.html', readyCount: 2 }],
  ['embed page, phone', { path: 'embed.html', readyCount: 2, ...PHONE }],
]) {
  test(`axe-core: no violations on the ${name}`, async () => {
    const { page, problems } = await env.open(options);
    await settle(page);
    assert.deepEqual(await axe(page), []);
    assert.deepEqual(problems, []);
  });
}

test('axe-core: no violations with the tools, the marker, messages and the preset link shown', async () => {
  const { page, problems } = await env.open();
  const host = ui(page).host;
  await host.getByLabel('Show area').check();
  await host.getByRole('radio', { name: 'Scars' }).check();
  await host.locator('[part=scale-controls] > summary').click();
  await ui(page).button('Set scale').click();
  await ui(page).button('Copy preset link').click();
  await page.evaluate(() => {
    const el = document.querySelector('smp-preview');
    el.settings = { ...el.settings, sparkle: 1 }; // an error message
  });
  await settle(page);
  assert.deepEqual(await axe(page), []);
  assert.deepEqual(problems, []);
});

test('keyboard: Tab reaches every visible control in order, each with a visible focus ring', async () => {
  const { page, problems } = await env.open({ path: 'embed.html', readyCount: 2 });
  await settle(page);
  // The controls a pointer could use in the first instance (a radio group is one Tab stop).
  const expected = await page.evaluate(() => {
    const root = document.querySelector('#clinic-preview').shadowRoot;
    const seen = new Set();
    const list = [];
    for (const c of root.querySelectorAll('a[href], button, input, select, summary, [tabindex="0"]')) {
      const r = c.getBoundingClientRect();
      if (c.disabled || (!r.width && !(c.type === 'radio' || c.type === 'file')) || c.closest('[hidden]')) continue;
      if (c.tagName !== 'SUMMARY' && c.closest('details:not([open])')) continue; // folded away
      if (c.type === 'radio') {
        if (seen.has(c.name)) continue;
        seen.add(c.name);
        list.push(`radio:${c.name}`);
        continue;
      }
      list.push(c.outerHTML.slice(0, 50));
    }
    return list;
  });
  // Start just before the element, on the heading above it.
  await page.evaluate(() => {
    document.querySelector('#try').setAttribute('tabindex', '-1');
    document.querySelector('#try').focus();
  });
  const reached = [];
  const unringed = [];
  for (let i = 0; i < expected.length + 5; i++) {
    await page.keyboard.press('Tab');
    const info = await page.evaluate(() => {
      const host = document.activeElement;
      if (!host || host.id !== 'clinic-preview') return null;
      const c = host.shadowRoot.activeElement;
      if (!c) return null;
      // The ring is drawn on the element itself or, for a hidden input, on its visible stand-in.
      const ringed = (el) => {
        const s = getComputedStyle(el);
        return (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2) || s.boxShadow.includes('0px 0px 0px 4px');
      };
      let ring = ringed(c);
      if (!ring && c.type === 'radio') ring = ringed(c.nextElementSibling);
      if (!ring && c.type === 'file') ring = ringed(c.parentElement);
      if (!ring && c.classList.contains('mark-handle')) ring = getComputedStyle(c, '::before').boxShadow.includes('0px 0px 0px 4px');
      return { key: c.type === 'radio' ? `radio:${c.name}` : c.outerHTML.slice(0, 50), ring };
    });
    if (!info) {
      if (reached.length) break;
      continue;
    }
    reached.push(info.key);
    if (!info.ring) unringed.push(info.key);
  }
  assert.deepEqual(reached, expected, 'Tab order covers every control');
  assert.deepEqual(unringed, [], 'every focused control shows a focus ring');
  assert.deepEqual(problems, []);
});
