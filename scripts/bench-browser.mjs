#!/usr/bin/env node
// Browser benchmark: drives www/bench.html in Debian's headless Chromium and prints medians,
// the Canvas 2D baseline's ratio, and what a visitor downloads. Figures are printed, never
// asserted. Run scripts/build.sh first. Usage:
//   node scripts/bench-browser.mjs [--runs 30] [--uploads 50]
import { gzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { serve, launch, WWW } from '../tests/e2e/helpers.js';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const runs = arg('runs', 30);
const uploads = arg('uploads', 50);

const server = await serve();
const browser = await launch();
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));

  // Footprint: every response the product page loads, measured on disk (raw and gzip -9).
  const loaded = new Set();
  page.on('response', (r) => {
    const url = new URL(r.url());
    if (url.origin === new URL(server.url).origin) loaded.add(url.pathname);
  });
  await page.goto(server.url);
  await page.waitForFunction(() => document.querySelector('smp-preview')?.width > 0);
  await page.waitForLoadState('networkidle');
  const files = [...loaded].map((p) => {
    const file = path.join(WWW, p.endsWith('/') ? `${p}index.html` : p);
    const body = readFileSync(file);
    return { file: path.relative(WWW, file), raw: body.length, gzip: gzipSync(body, { level: 9 }).length };
  });

  const open = async () => {
    await page.goto(`${server.url}bench.html`);
    await page.waitForFunction(() => typeof window.smpBench === 'function' && document.querySelector('smp-preview')?.width > 0);
  };
  await open();
  const result = await page.evaluate((options) => window.smpBench(options), { runs });
  // Uploads in a fresh page: its wasm memory holds only what the product itself allocated.
  await open();
  result.upload = await page.evaluate((options) => window.smpUploads(options), { jpeg: result.jpeg, uploads });

  const ms = (v) => `${v.toFixed(1)} ms`;
  const kb = (v) => `${(v / 1024).toFixed(1)} KB`;
  const mb = (v) => `${(v / 1024 / 1024).toFixed(1)} MB`;
  const version = browser.version();
  console.log(`Chromium ${version} headless, ${runs} runs per median, ${uploads} uploads, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}\n`);
  console.log('slider change to painted frame (demo head, density 80 ↔ 60):');
  console.log('| image | impressions | render() | update() | Canvas 2D baseline | baseline ÷ update() |');
  console.log('|---|---|---|---|---|---|');
  for (const [name, r] of Object.entries(result.slider)) {
    console.log(`| ${name} ${r.size} | ${r.impressions} | ${ms(r.render)} | ${ms(r.update)} | ${ms(r.canvas2d)} | ${(r.canvas2d / r.update).toFixed(1)}× |`);
  }
  const u = result.upload;
  console.log(`\nupload of a 12 MP JPEG (${kb(u.jpegBytes)}) to first preview at ${u.working}: median ${ms(u.upload)} (first ${ms(u.uploadFirst)})`);
  console.log(`divider drag: ${result.divider.fps.toFixed(1)} frames per second (longest frame ${ms(result.divider.worstFrame)})`);
  console.log(
    `wasm memory: ${mb(u.memoryAfterOne)} after one upload, ${mb(u.memoryAfterAll)} after ${u.uploads}; ` +
      `${(u.memoryAfterAll / u.workingRgbaBytes).toFixed(1)}× the working image's RGBA (${mb(u.workingRgbaBytes)})`,
  );
  console.log('\nwhat a visitor downloads (index.html and everything it loads):');
  console.log('| file | raw | gzip -9 |');
  console.log('|---|---|---|');
  for (const f of files) console.log(`| ${f.file} | ${kb(f.raw)} | ${kb(f.gzip)} |`);
  const total = (key) => files.reduce((s, f) => s + f[key], 0);
  console.log(`| total | ${kb(total('raw'))} | ${kb(total('gzip'))} |`);
  if (problems.length) console.log(`\npage errors:\n${problems.join('\n')}`);
} finally {
  await browser.close();
  await server.close();
}
