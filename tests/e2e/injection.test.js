// Issue 7, injection: attribute values, locale strings and preset-link values are shown as
// text, never parsed as HTML; the call to action takes only https (or local http) links.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup } from './helpers.js';

let env;
before(async () => {
  env = await setup();
});
after(() => env.close());

const MARKUP = '"><img src=x onerror="window.__xss=1"><script>window.__xss=1</script>';

/** Appends an <smp-preview> with these attributes to the page and waits until it shows. */
function addElement(page, attrs) {
  return page.evaluate(async (attributes) => {
    const el = document.createElement('smp-preview');
    for (const [k, v] of Object.entries(attributes)) el.setAttribute(k, v);
    const ready = new Promise((r, reject) => {
      el.addEventListener('smp-ready', r, { once: true });
      setTimeout(() => reject(new Error('no smp-ready within 15 s')), 15000);
    });
    document.body.append(el);
    await ready;
    window.__el = el;
  }, attrs);
}

test('markup in every text attribute stays text', async () => {
  const { page, problems } = await env.open({ path: 'examples/blank.html' });
  const attrs = {};
  for (const name of ['logo-alt', 'cta-label', 'disclaimer', 'share-key', 'compare', 'treatment', 'hairline-style', 'pigment', 'max-size', 'lang']) attrs[name] = MARKUP;
  attrs['cta-href'] = 'https://example.com/book';
  attrs.logo = 'embed-assets/none.svg';
  attrs['share-url'] = MARKUP;
  await addElement(page, attrs);
  const out = await page.evaluate(async () => {
    const el = window.__el;
    const root = el.shadowRoot;
    const blob = await el.exportImage({ kind: 'after' });
    return {
      xss: window.__xss ?? null,
      imgs: root.querySelectorAll('img').length,
      scripts: root.querySelectorAll('script').length + document.querySelectorAll('script:not([src])').length,
      cta: root.querySelector('.cta').textContent,
      alt: root.querySelector('.logo').alt,
      shareUrl: el.shareUrl,
      exported: blob.size > 0,
    };
  });
  assert.equal(out.xss, null);
  assert.equal(out.imgs, 1, 'only the logo image');
  assert.equal(out.scripts, 0);
  assert.equal(out.cta, MARKUP, 'the label shown as text');
  assert.equal(out.alt, MARKUP);
  assert.ok(out.exported, 'the disclaimer with markup is drawn as text on the export');
  assert.ok(!out.shareUrl.includes('<'), 'the share link is a URL, markup escaped');
  await page.waitForTimeout(300);
  assert.equal(await page.evaluate(() => window.__xss ?? null), null);
  assert.deepEqual(problems.filter((p) => !/404|Failed to load resource/.test(p)), []);
});

test('locale strings with markup stay text', async () => {
  const { page, problems } = await env.open({ path: 'examples/blank.html' });
  await page.evaluate(async () => {
    const { STRINGS } = await import(new URL('pkg/smp-preview.js', new URL('..', location.href)).href);
    STRINGS.xx = { ...STRINGS.en, upload: '<img src=x onerror="window.__xss=1">Upload', dropHere: '\'; } * { display: none } x { content: \'', sliders: { ...STRINGS.en.sliders, density: ['<b>Density</b>', '<script>window.__xss=1</script>', 'per cm²'] } };
  });
  await addElement(page, { lang: 'xx' });
  const out = await page.evaluate(() => {
    const root = window.__el.shadowRoot;
    return {
      xss: window.__xss ?? null,
      imgs: root.querySelectorAll('img').length,
      bold: root.querySelectorAll('b, script').length,
      upload: root.querySelector('.upload span').textContent,
      label: root.querySelector('label[for=s-density]').textContent,
      stageShown: getComputedStyle(root.querySelector('.stage')).display !== 'none',
    };
  });
  assert.equal(out.xss, null);
  assert.equal(out.imgs, 1);
  assert.equal(out.bold, 0);
  assert.equal(out.upload, '<img src=x onerror="window.__xss=1">Upload');
  assert.equal(out.label, '<b>Density</b>');
  assert.ok(out.stageShown, 'a string cannot break out of its CSS value');
  assert.deepEqual(problems, []);
});

test('the call to action accepts only https links (or http on this machine)', async () => {
  const { page, problems } = await env.open({ path: 'examples/blank.html' });
  const hrefs = {
    'javascript:window.__xss=1': null,
    'JaVaScRiPt:window.__xss=1': null,
    ' javascript:window.__xss=1': null,
    'java\tscript:window.__xss=1': null,
    'data:text/html,<script>window.__xss=1</script>': null,
    'vbscript:msgbox(1)': null,
    'file:///etc/passwd': null,
    'http://example.com/book': null,
    '//example.com/book': null,
    'https://example.com/book?a=<b>': 'https://example.com/book?a=%3Cb%3E',
    'HTTPS://EXAMPLE.COM/': 'https://example.com/',
  };
  await addElement(page, { 'cta-label': 'Book' });
  for (const [href, expected] of Object.entries(hrefs)) {
    const cta = await page.evaluate((h) => {
      window.__el.setAttribute('cta-href', h);
      const a = window.__el.shadowRoot.querySelector('.cta');
      return { hidden: a.hidden, href: a.getAttribute('href') };
    }, href);
    if (expected) assert.deepEqual(cta, { hidden: false, href: expected }, href);
    else assert.deepEqual(cta, { hidden: true, href: null }, `${href} is refused`);
  }
  assert.equal(await page.evaluate(() => window.__xss ?? null), null);
  console.log(`call-to-action links tried: ${Object.keys(hrefs).length}`);
  assert.deepEqual(problems, []);
});
