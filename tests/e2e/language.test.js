// Language: every visible string comes from the one table (STRINGS); `lang="es"` shows Spanish
// throughout, with numbers written the Spanish way; English stays the default.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, settle } from './helpers.js';

let env;
before(async () => {
  env = await setup();
});
after(async () => {
  await env?.close();
});

/**
 * In-page: the strings an instance shows or speaks (text, aria-label, title, aria-valuetext,
 * option text), leaving out the wasm core's own advice notes, which are English only.
 */
function shownStrings(page, selector) {
  return page.evaluate((sel) => {
    const root = document.querySelector(sel).shadowRoot;
    const out = new Set();
    const walk = (node) => {
      if (node.nodeType === 3) {
        const text = node.textContent.trim();
        if (text) out.add(text);
        return;
      }
      if (node.nodeType === 11) {
        for (const child of node.childNodes) walk(child);
        return;
      }
      if (node.nodeType !== 1) return;
      if (node.matches('style, .advice, .hairline-advice')) return;
      for (const attr of ['aria-label', 'title', 'aria-valuetext', 'style']) {
        const v = node.getAttribute(attr);
        if (v && attr !== 'style') out.add(v);
        if (v && attr === 'style' && v.includes('--_drop-text')) out.add(v.match(/["']([^"']*)["']/)[1]);
      }
      for (const child of node.childNodes) walk(child);
    };
    walk(root);
    if (!out.size) throw new Error('nothing found');
    return [...out];
  }, selector);
}

test('lang="es": Spanish throughout, from the table, with numbers written the Spanish way', async () => {
  const { page, problems } = await env.open({ path: 'embed.html', readyCount: 2 });
  await page.evaluate(() => {
    const el = document.querySelector('#density-preview');
    el.settings = { ...el.settings, softness: 2.5 };
  });
  await settle(page);
  const table = await page.evaluate(async () => {
    const { STRINGS } = await import('./pkg/smp-preview.js');
    const flat = (value, into = []) => {
      if (typeof value === 'string') into.push(value);
      else if (Array.isArray(value) || (value && typeof value === 'object')) Object.values(value).forEach((v) => flat(v, into));
      return into;
    };
    const es = new Set(flat(STRINGS.es));
    return { englishOnly: flat(STRINGS.en).filter((s) => !es.has(s) && s.length > 3), spanish: [...es] };
  });
  const es = await shownStrings(page, '#density-preview');
  const en = await shownStrings(page, '#clinic-preview');
  const leaked = es.filter((text) => table.englishOnly.some((english) => text === english || (english.length > 12 && text.includes(english))));
  assert.deepEqual(leaked, [], 'no English string in the Spanish instance');
  const englishShown = en.filter((text) => table.englishOnly.includes(text)).length;
  assert.ok(englishShown > 60, `the same check finds the English instance's strings (${englishShown})`);
  for (const word of ['Subir foto', 'Tratamiento', 'Densidad', 'Guardar y compartir', 'Lado a lado', 'Ver antes', 'Escala física', 'Antes', 'Después']) {
    assert.ok(es.includes(word), `shows "${word}"`);
  }
  assert.ok(!en.includes('Subir foto') && en.includes('Upload photo'), 'the English instance on the same page stays English');

  // Numbers: a decimal comma in Spanish, a point in English.
  const numbers = await page.evaluate(() => {
    const read = (sel) => {
      const root = document.querySelector(sel).shadowRoot;
      return { softness: root.querySelector('#o-softness').textContent, scale: root.querySelector('[data-scale-value]').textContent, spoken: root.querySelector('#s-softness').getAttribute('aria-valuetext') };
    };
    const clinic = document.querySelector('#clinic-preview');
    clinic.settings = { ...clinic.settings, softness: 2.5 };
    return new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r({ es: read('#density-preview'), en: read('#clinic-preview') }))));
  });
  assert.deepEqual(numbers.es.softness, '2,5 mm');
  assert.equal(numbers.es.spoken, '2,5 milímetros');
  assert.match(numbers.es.scale, /^\d+,\d px\/mm$/);
  assert.deepEqual(numbers.en.softness, '2.5 mm');
  assert.match(numbers.en.scale, /^\d+\.\d px\/mm$/);

  // The export's labels and default disclaimer are Spanish too (checked on the table's text).
  assert.ok(table.spanish.includes('Simulación: los resultados varían según la persona.'));
  assert.deepEqual(problems, []);
});

test('an element made with createElement takes the lang set before it is connected (React, Vue)', async () => {
  const { page, problems } = await env.open();
  const label = await page.evaluate(async () => {
    const el = document.createElement('smp-preview');
    el.setAttribute('lang', 'es');
    const ready = new Promise((r) => el.addEventListener('smp-ready', r, { once: true }));
    document.body.append(el);
    await ready;
    return el.shadowRoot.querySelector('.upload span').textContent;
  });
  assert.equal(label, 'Subir foto');
  assert.deepEqual(problems, []);
});
