// The example embed page (www/embed.html): two instances on a page with hostile CSS, branding
// through attributes and custom properties, the call to action, and a 360 × 740 phone.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { setup, settle, events, REPO, touchDriver } from './helpers.js';

let env;
before(async () => {
  env = await setup();
});
after(async () => {
  await env?.close();
});

const PHONE = { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };

/** In-page: how each instance looks inside, measured from its shadow root. */
function instances(page) {
  return page.evaluate(() =>
    [...document.querySelectorAll('smp-preview')].map((el) => {
      const root = el.shadowRoot;
      const box = (sel) => {
        const r = root.querySelector(sel).getBoundingClientRect();
        return { width: Math.round(r.width), height: Math.round(r.height) };
      };
      const upload = getComputedStyle(root.querySelector('.upload'));
      const compare = getComputedStyle(root.querySelector('button[data-tool=compare]'));
      const after = root.querySelector('canvas.after');
      const px = after.getContext('2d').getImageData(after.width / 2, after.height / 4, 1, 1).data;
      const cta = root.querySelector('.cta');
      const logo = root.querySelector('.logo');
      return {
        id: el.id,
        settings: el.settings,
        stage: box('.stage'),
        canvasDisplay: getComputedStyle(after).display,
        canvasFilter: getComputedStyle(after).filter,
        canvasPixel: [px[0], px[1], px[2], px[3]],
        uploadBg: upload.backgroundColor,
        compareFont: compare.fontSize,
        compareBorder: compare.borderTopStyle,
        textTransform: getComputedStyle(root.querySelector('.frame')).textTransform,
        letterSpacing: getComputedStyle(root.querySelector('.frame')).letterSpacing,
        addHairlineShown: root.querySelector('[data-action=add-hairline]').getBoundingClientRect().height > 0,
        fontFamily: getComputedStyle(root.querySelector('.frame')).fontFamily,
        radius: getComputedStyle(root.querySelector('.frame')).borderTopLeftRadius,
        cta: cta.hidden ? null : { text: cta.textContent, href: cta.href, bg: getComputedStyle(cta).backgroundColor },
        logo: logo.hidden ? null : { alt: logo.alt, loaded: logo.naturalWidth > 0, height: Math.round(logo.getBoundingClientRect().height) },
      };
    }),
  );
}

test('the embed page: two instances render correctly despite hostile host CSS, and leave the page alone', async () => {
  const { page, problems } = await env.open({ path: 'embed.html', readyCount: 2 });
  await settle(page);
  const [clinic, second] = await instances(page);

  for (const inst of [clinic, second]) {
    assert.ok(inst.stage.width > 400 && Math.abs(inst.stage.width / inst.stage.height - 4 / 3) < 0.02, `${inst.id} stage ${JSON.stringify(inst.stage)}`);
    assert.equal(inst.canvasDisplay, 'block', 'the host page hides canvases; not inside the element');
    assert.equal(inst.canvasFilter, 'none');
    assert.ok(inst.canvasPixel[3] === 255 && inst.canvasPixel[0] + inst.canvasPixel[1] + inst.canvasPixel[2] > 60, `${inst.id} after canvas painted: ${inst.canvasPixel}`);
    assert.notEqual(inst.uploadBg, 'rgb(255, 0, 170)', 'the host page’s !important button colours stay outside');
    assert.equal(inst.compareFont, '14px');
    assert.notEqual(inst.compareBorder, 'dotted');
    assert.equal(inst.textTransform, 'none', 'inherited text-transform stops at the frame');
    assert.equal(inst.letterSpacing, 'normal');
    assert.equal(inst.addHairlineShown, false, '[hidden] inside stays hidden');
  }
  // Branding: custom properties and attributes.
  assert.equal(clinic.uploadBg, 'rgb(109, 40, 217)', '--smp-accent');
  assert.match(clinic.fontFamily, /Georgia/, '--smp-font');
  assert.equal(clinic.radius, '2px', '--smp-radius');
  assert.equal(second.uploadBg, 'rgb(14, 116, 144)');
  assert.deepEqual(clinic.cta, { text: 'Book a consultation', href: 'https://example.com/book', bg: 'rgb(180, 83, 9)' });
  assert.deepEqual(clinic.logo, { alt: 'Northfield Hair Clinic', loaded: true, height: 40 });
  assert.equal(second.logo, null);
  assert.equal(second.cta.text, 'Pedir cita para densidad');

  // Starting settings from attributes, the treatment's preset applied on the demo head.
  assert.equal(clinic.settings.treatment, 'hairline');
  assert.equal(clinic.settings.density, 90);
  assert.equal(clinic.settings.shade, 65);
  assert.equal(clinic.settings.area.hairline.style, 'defined');
  assert.equal(second.settings.treatment, 'densityFill');
  assert.equal(second.settings.density, 60);
  assert.equal(second.settings.area.hairline, null);

  // Independent: a slider moved in one leaves the other alone.
  const density = page.locator('#clinic-preview').getByLabel('Density', { exact: true });
  await density.focus();
  await page.keyboard.press('End');
  await settle(page);
  const [c2, s2] = await instances(page);
  assert.ok(c2.settings.density > 90);
  assert.deepEqual(s2.settings, second.settings);

  // The element adds no style to the page: the host page's own look is untouched.
  const host = await page.evaluate(() => ({
    sheets: document.styleSheets.length,
    h2: getComputedStyle(document.querySelector('h2')).textTransform,
    bodyFont: getComputedStyle(document.body).fontFamily,
  }));
  assert.deepEqual(host, { sheets: 1, h2: 'uppercase', bodyFont: 'Georgia, "Times New Roman", serif' });
  assert.deepEqual(problems, []);
});

test('the call to action opens its link and reports a click; an unsafe link is left out', async () => {
  const { page, problems } = await env.open({ path: 'embed.html', readyCount: 2 });
  // Keep the test on this page: the link's own navigation is cancelled after the element saw it.
  await page.evaluate(() => document.addEventListener('click', (e) => e.preventDefault()));
  const cta = page.locator('#clinic-preview').getByRole('link', { name: 'Book a consultation' });
  assert.equal(await cta.getAttribute('target'), '_blank');
  assert.equal(await cta.getAttribute('rel'), 'noopener');
  await cta.click();
  const clicks = (await events(page, 'smp-analytics')).filter((e) => e.detail.action === 'cta-clicked');
  assert.deepEqual(clicks.map((e) => [e.id, e.detail]), [['clinic-preview', { action: 'cta-clicked', href: 'https://example.com/book' }]]);

  const unsafe = await page.evaluate(() => {
    const el = document.querySelector('#density-preview');
    el.setAttribute('cta-href', 'javascript:alert(1)');
    return el.shadowRoot.querySelector('.cta').hidden;
  });
  assert.equal(unsafe, true);
  assert.deepEqual(problems, []);
});

test('phone 360 × 740: controls reachable, the divider follows a finger, a vertical swipe scrolls the page', async () => {
  const { page, problems } = await env.open({ ...PHONE, path: 'embed.html', readyCount: 2 });
  await settle(page);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.equal(overflow, 0, 'no sideways scrolling');
  // Every visible control of both instances lies within the screen's width and is at least
  // 24 px tall (a finger's target; a checkbox's target is its whole label).
  const offscreen = await page.evaluate(() => {
    const bad = [];
    for (const el of document.querySelectorAll('smp-preview')) {
      for (const c of el.shadowRoot.querySelectorAll('button, select, input:not([type=file]):not([type=radio]):not([type=checkbox]), label.check, label.choice, a, summary, [role=slider]')) {
        const r = c.getBoundingClientRect();
        if (!r.width || !r.height) continue; // hidden
        if (r.left < -0.5 || r.right > innerWidth + 0.5 || r.height < 24) bad.push(`${el.id} ${c.outerHTML.slice(0, 60)} ${Math.round(r.left)}–${Math.round(r.right)} h${Math.round(r.height)}`);
      }
    }
    return bad;
  });
  assert.deepEqual(offscreen, []);

  const host = page.locator('#clinic-preview');
  const stage = host.locator('.stage');
  await stage.scrollIntoViewIfNeeded();
  const { swipe } = await touchDriver(page);
  const box = await stage.boundingBox();
  await swipe([box.x + box.width * 0.5, box.y + box.height * 0.5], [-0.3 * box.width, 3]);
  const divider = () => page.evaluate(() => document.querySelector('#clinic-preview').divider);
  assert.ok(Math.abs((await divider()) - 20) <= 2, `divider at ${await divider()}`);
  assert.equal(await page.evaluate(() => document.querySelector('#density-preview').divider), 50, 'the other instance’s divider stays');

  const scrollBefore = await page.evaluate(() => scrollY);
  const b2 = await stage.boundingBox();
  await swipe([b2.x + b2.width * 0.7, b2.y + b2.height * 0.8], [0, -200]);
  await page.waitForFunction((y) => scrollY > y, scrollBefore);
  assert.ok(Math.abs((await divider()) - 20) <= 2, 'a vertical swipe leaves the divider alone');

  // The call to action shares its row with the logo, whole and finger-sized.
  // (Both measured at once: the swipe's fling may still be scrolling the page.)
  const [cta, logo] = await page.evaluate(() => ['.cta', '.logo'].map((sel) => document.querySelector('#clinic-preview').shadowRoot.querySelector(sel).getBoundingClientRect().toJSON()));
  assert.ok(cta.x >= 0 && cta.x + cta.width <= 360 && cta.height >= 40 && cta.width >= 150, `call to action ${JSON.stringify(cta)}`);
  assert.ok(Math.abs(cta.y + cta.height / 2 - (logo.y + logo.height / 2)) < 2, 'beside the logo');
  assert.deepEqual(problems, []);
});

test('two instances: a pasted photo goes to the one with the focus only', async () => {
  const { page, problems } = await env.open({ path: 'embed.html', readyCount: 2 });
  const paste = () =>
    page.evaluate(async () => {
      const canvas = new OffscreenCanvas(320, 240);
      const ctx = canvas.getContext('2d');
      ctx.fillStyle = '#c08060';
      ctx.fillRect(0, 0, 320, 240);
      const blob = await canvas.convertToBlob({ type: 'image/png' });
      const dt = new DataTransfer();
      dt.items.add(new File([blob], 'clipboard-image', { type: 'image/png' }));
      document.body.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true, composed: true }));
      // A previewer that took the paste is busy from this moment on.
      return [...document.querySelectorAll('smp-preview')].map((e) => e.hasAttribute('busy'));
    });
  await page.locator('#density-preview .stage').focus();
  assert.deepEqual(await paste(), [false, true], 'only the focused one loads');
  await page.waitForFunction(() => window.__smpEvents.filter((e) => e.type === 'smp-ready').length >= 3);
  const ready = (await events(page, 'smp-ready')).map((e) => [e.id, e.detail.source]);
  assert.deepEqual(ready.slice(2), [['density-preview', 'file']]);
  assert.deepEqual(await page.evaluate(() => [...document.querySelectorAll('smp-preview')].map((e) => e.width)), [1200, 320]);
  // Focus on neither: with two previewers, neither takes it.
  await page.evaluate(() => document.activeElement.blur());
  assert.deepEqual(await paste(), [false, false]);
  assert.deepEqual(problems, []);
});

test('320 px, the narrowest phone: both instances fit, every control on screen', async () => {
  const { page, problems } = await env.open({ viewport: { width: 320, height: 640 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2, path: 'embed.html', readyCount: 2 });
  await settle(page);
  const result = await page.evaluate(() => {
    const bad = [];
    for (const el of document.querySelectorAll('smp-preview')) {
      const host = el.getBoundingClientRect();
      if (host.right > innerWidth + 0.5) bad.push(`${el.id} is ${Math.round(host.width)} px wide`);
      for (const c of el.shadowRoot.querySelectorAll('button, select, input:not([type=file]):not([type=radio]):not([type=checkbox]), label.check, label.choice, a, summary, [role=slider]')) {
        const r = c.getBoundingClientRect();
        if (!r.width || !r.height) continue;
        if (r.left < -0.5 || r.right > innerWidth + 0.5) bad.push(`${el.id} ${c.outerHTML.slice(0, 60)} ${Math.round(r.left)}–${Math.round(r.right)}`);
      }
    }
    return { bad, overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth };
  });
  assert.deepEqual(result, { bad: [], overflow: 0 });
  assert.deepEqual(problems, []);
});

test('a blank page in another folder: the module loads its wasm from next to itself', async () => {
  const { page, problems } = await env.open({ path: 'examples/blank.html', waitForReady: false });
  const wasm = page.waitForResponse((r) => r.url().endsWith('.wasm'));
  await page.waitForFunction(() => window.__smpEvents.some((e) => e.type === 'smp-ready'));
  const url = new URL((await wasm.catch(() => null))?.url() ?? (await page.evaluate(() => performance.getEntriesByType('resource').find((e) => e.name.endsWith('.wasm')).name)));
  assert.equal(url.pathname, '/pkg/smp_preview_bg.wasm');
  const size = await page.evaluate(() => {
    const r = document.querySelector('smp-preview').shadowRoot.querySelector('.stage').getBoundingClientRect();
    return [Math.round(r.width), Math.round(r.height)];
  });
  assert.ok(size[0] > 600, `stage ${size}`);
  assert.deepEqual(problems, []);
});

test('a plain Vue 3 page uses the element as it is: attributes, a bound attribute, events', async () => {
  // Vue comes from the npm dev dependency, served where the page's import map expects the CDN.
  const vue = await readFile(path.join(REPO, 'node_modules', 'vue', 'dist', 'vue.esm-browser.prod.js'));
  const { page, problems } = await env.open({
    path: 'examples/vue.html',
    waitForReady: false,
    routes: { 'https://unpkg.com/vue@3.5.45/dist/vue.esm-browser.prod.js': { body: vue, contentType: 'text/javascript' } },
  });
  await page.waitForFunction(() => window.__smpEvents.some((e) => e.type === 'smp-ready'));
  await page.waitForFunction(() => document.querySelector('#last').textContent === 'photo-loaded');
  const first = await page.evaluate(() => {
    const el = document.querySelector('#vue-preview');
    return { treatment: el.settings.treatment, density: el.settings.density, mode: el.compareMode, cta: el.shadowRoot.querySelector('.cta').textContent };
  });
  assert.deepEqual(first, { treatment: 'hairline', density: 85, mode: 'x', cta: 'Book a consultation' });
  await page.getByRole('button', { name: 'side', exact: true }).click();
  await page.waitForFunction(() => document.querySelector('#vue-preview').compareMode === 'side');
  assert.deepEqual(problems, []);
});
