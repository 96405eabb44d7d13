// Issue 7, Content Security Policy: the page and the embed example work under a strict policy
// (no inline scripts or styles, no eval) with no violation reported.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, ui, waitForEvents } from './helpers.js';
import { jpeg } from './corpus.js';

export const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' blob: data:";

let env;
before(async () => {
  env = await setup();
});
after(() => env.close());

for (const [path, readyCount] of [['', 1], ['embed.html', 2]]) {
  test(`${path || 'index.html'} under "${CSP}": works, no violation`, async () => {
    const context = await env.browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const problems = [];
    page.on('console', (msg) => {
      if (msg.type() === 'error') problems.push(`console: ${msg.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
    await page.addInitScript(() => {
      window.__violations = [];
      window.__smpEvents = [];
      document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sample}`), true);
      for (const type of ['smp-ready', 'smp-error']) document.addEventListener(type, (e) => window.__smpEvents.push({ type, detail: e.detail }));
    });
    await page.route('**/*', async (route) => {
      const response = await route.fetch();
      await route.fulfill({ response, headers: { ...response.headers(), 'content-security-policy': CSP } });
    });
    await page.goto(env.server.url + path);
    await page.waitForFunction((n) => window.__smpEvents.filter((e) => e.type === 'smp-ready').length >= n, readyCount);
    const { file, slider } = ui(page);
    await file.first().setInputFiles({ name: 'me.jpg', mimeType: 'image/jpeg', buffer: jpeg(320, 240, 3, (bx, by, c) => (c ? 128 : 90 + ((bx + by) % 7) * 15)) });
    await waitForEvents(page, 'smp-ready', readyCount + 1);
    const renders = await page.evaluate(() => document.querySelector('smp-preview').renderCount);
    await slider('Density').first().fill('110');
    await page.waitForFunction((n) => document.querySelector('smp-preview').renderCount > n, renders);
    const sizes = await page.evaluate(async () => {
      const el = document.querySelector('smp-preview');
      return [(await el.exportImage({ kind: 'side-by-side' })).size, (await el.toBlob()).size];
    });
    assert.ok(sizes.every((s) => s > 1000), 'exports work (logo and disclaimer stamped)');
    // The element's styles apply (constructed stylesheet): the stage is laid out.
    const stage = await page.evaluate(() => getComputedStyle(document.querySelector('smp-preview').shadowRoot.querySelector('.stage')).position);
    assert.equal(stage, 'relative');
    assert.deepEqual(await page.evaluate(() => window.__violations), [], 'no violation report');
    assert.deepEqual(problems, []);
    // The policy is in force and reports reach the listener: an inline script is refused.
    const inline = await page.evaluate(async () => {
      const script = document.createElement('script');
      script.textContent = 'window.__inline = 1;';
      document.head.append(script);
      await new Promise((r) => setTimeout(r, 100));
      return { ran: window.__inline ?? null, violations: window.__violations.length };
    });
    assert.deepEqual(inline, { ran: null, violations: 1 });
    await context.close();
  });
}
