// Shared helpers for the end-to-end tests: a tiny static server for www/, Debian's Chromium
// driven by playwright-core, and in-page measurements of the <smp-preview> canvases.

import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const WWW = path.join(REPO, 'www');
// The shared test photos live next to the repository (never copied into it); SMP_PHOTOS overrides.
export const PHOTOS = path.resolve(process.env.SMP_PHOTOS ?? path.join(REPO, '..', 'shared', 'photos'));

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

/** Serves `root` on 127.0.0.1 with a free port; resolves { url, close }. */
export async function serve(root = WWW) {
  const server = createServer(async (req, res) => {
    try {
      const pathname = decodeURIComponent(new URL(req.url, 'http://x').pathname);
      let file = path.normalize(path.join(root, pathname));
      if (!file.startsWith(root)) {
        res.writeHead(403).end();
        return;
      }
      if ((await stat(file).catch(() => null))?.isDirectory()) file = path.join(file, 'index.html');
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': MIME[path.extname(file).toLowerCase()] || 'application/octet-stream', 'cache-control': 'no-store' });
      res.end(body);
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

export async function launch() {
  if (!['smp_preview_bg.wasm', 'smp-preview.js'].every((file) => existsSync(path.join(WWW, 'pkg', file)))) {
    throw new Error('www/pkg is missing or out of date: run scripts/build.sh first');
  }
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * One browser and one server per test file. `open()` gives a fresh page on index.html with the
 * demo shown, and a list of console errors and page errors collected so far.
 */
export async function setup() {
  const server = await serve();
  const browser = await launch();
  const pages = [];
  return {
    server,
    browser,
    async open({ viewport = { width: 1280, height: 900 }, waitForReady = true, deviceScaleFactor = 1, hasTouch = false, isMobile = false, path = '', readyCount = 1, routes = {} } = {}) {
      const context = await browser.newContext({ viewport, deviceScaleFactor, hasTouch, isMobile });
      const page = await context.newPage();
      const problems = [];
      page.on('console', (msg) => {
        if (msg.type() === 'error') problems.push(`console: ${msg.text()}`);
      });
      page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
      // Record every event the element fires, from the very start.
      await page.addInitScript(() => {
        window.__smpEvents = [];
        for (const type of ['smp-ready', 'smp-change', 'smp-error', 'smp-analytics']) {
          document.addEventListener(type, (e) => window.__smpEvents.push({ type, id: e.target.id || null, detail: JSON.parse(JSON.stringify(e.detail)) }));
        }
      });
      // Stand-ins for outside URLs (the tests never reach the internet).
      for (const [url, response] of Object.entries(routes)) await page.route(url, (route) => route.fulfill(response));
      await page.goto(server.url + path);
      if (waitForReady) await page.waitForFunction((n) => window.__smpEvents.filter((e) => e.type === 'smp-ready').length >= n, readyCount);
      pages.push(context);
      return { page, problems };
    },
    async close() {
      for (const context of pages) await context.close().catch(() => {});
      await browser.close();
      await server.close();
    },
  };
}

/** The shared test photos (absolute paths), or null when the folder is missing. */
export function photoPaths() {
  if (!existsSync(PHOTOS)) return null;
  return readdirSync(PHOTOS)
    .filter((name) => name.toLowerCase().endsWith('.jpg'))
    .sort()
    .map((name) => path.join(PHOTOS, name));
}

/** Events of one type the element fired so far (recorded by the init script). */
export function events(page, type) {
  return page.evaluate((t) => window.__smpEvents.filter((e) => e.type === t), type);
}

/** Waits until `count` events of `type` have been fired in total. */
export async function waitForEvents(page, type, count) {
  await page.waitForFunction(([t, n]) => window.__smpEvents.filter((e) => e.type === t).length >= n, [type, count]);
}

/** Waits for two animation frames so a scheduled render has happened. */
export function settle(page) {
  return page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
}

/** The element's shadow parts as locators. */
export function ui(page) {
  const host = page.locator('smp-preview');
  return {
    host,
    stage: host.locator('.stage'),
    handle: host.getByRole('slider', { name: 'Before and after divider' }),
    file: host.locator('input[type=file]'),
    message: host.locator('[role=alert]'),
    button: (name) => host.getByRole('button', { name, exact: true }),
    slider: (label) => host.getByLabel(label, { exact: true }),
  };
}

/** In-page: a compact fingerprint of a canvas' pixels ('before' | 'after' | 'area'). */
export function canvasHash(page, which) {
  return page.evaluate((w) => {
    const canvas = document.querySelector('smp-preview').shadowRoot.querySelector(`canvas.${w}`);
    const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    let h1 = 0x811c9dc5;
    let sum = 0;
    for (let i = 0; i < data.length; i++) {
      h1 = Math.imul(h1 ^ data[i], 16777619);
      sum += data[i];
    }
    return `${canvas.width}x${canvas.height}:${(h1 >>> 0).toString(16)}:${sum}`;
  }, which);
}

/**
 * In-page: compares the after canvas with the before canvas. Returns the size, the number of
 * changed pixels, and (when `region` is given) how many lie inside it: region is
 * { x0, y0, x1, y1 } in fractions of the image.
 */
export function diffStats(page, region = null) {
  return page.evaluate((r) => {
    const root = document.querySelector('smp-preview').shadowRoot;
    const read = (w) => {
      const c = root.querySelector(`canvas.${w}`);
      return c.getContext('2d').getImageData(0, 0, c.width, c.height);
    };
    const before = read('before');
    const after = read('after');
    const { width, height } = before;
    let changed = 0;
    let inside = 0;
    let darker = 0;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const i = (y * width + x) * 4;
        const d = after.data[i] !== before.data[i] || after.data[i + 1] !== before.data[i + 1] || after.data[i + 2] !== before.data[i + 2];
        if (!d) continue;
        changed++;
        if (after.data[i] + after.data[i + 1] + after.data[i + 2] < before.data[i] + before.data[i + 1] + before.data[i + 2]) darker++;
        if (r && x >= r.x0 * width && x < r.x1 * width && y >= r.y0 * height && y < r.y1 * height) inside++;
      }
    }
    return { width, height, changed, inside, darker };
  }, region);
}

/**
 * In-page: every changed pixel must lie within the strokes' radius (+ `tolerance` px) of their
 * polylines. Returns { changed, outside, worst } where worst is the largest excess distance.
 */
export function strokeContainment(page, tolerance = 1.5) {
  return page.evaluate((tol) => {
    const el = document.querySelector('smp-preview');
    const root = el.shadowRoot;
    const read = (w) => {
      const c = root.querySelector(`canvas.${w}`);
      return c.getContext('2d').getImageData(0, 0, c.width, c.height);
    };
    const before = read('before');
    const after = read('after');
    const { width, height } = before;
    const strokes = el.settings.area.strokes.map((s) => ({
      radius: s.radius * width,
      points: s.points.map(([x, y]) => [x * width, y * height]),
    }));
    const segDistance = (px, py, [ax, ay], [bx, by]) => {
      const dx = bx - ax;
      const dy = by - ay;
      const len2 = dx * dx + dy * dy;
      const t = len2 > 0 ? Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / len2)) : 0;
      return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
    };
    let changed = 0;
    let outside = 0;
    let worst = 0;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const i = (y * width + x) * 4;
        if (after.data[i] === before.data[i] && after.data[i + 1] === before.data[i + 1] && after.data[i + 2] === before.data[i + 2]) continue;
        changed++;
        const cx = x + 0.5;
        const cy = y + 0.5;
        let best = Infinity;
        for (const s of strokes) {
          const pts = s.points;
          let d = Infinity;
          if (pts.length === 1) d = Math.hypot(cx - pts[0][0], cy - pts[0][1]);
          for (let k = 1; k < pts.length; k++) d = Math.min(d, segDistance(cx, cy, pts[k - 1], pts[k]));
          best = Math.min(best, d - s.radius);
        }
        if (best > tol) {
          outside++;
          worst = Math.max(worst, best);
        }
      }
    }
    return { changed, outside, worst, strokes: strokes.length, width, height };
  }, tolerance);
}

/** Page coordinates of a point given in fractions of the stage (image). */
export async function stagePoint(page, fx, fy) {
  const box = await ui(page).stage.boundingBox();
  return [box.x + fx * box.width, box.y + fy * box.height];
}

/** Drags the mouse across the stage through the given fractional points. */
export async function mouseStroke(page, points, steps = 12) {
  const [first, ...rest] = points;
  await page.mouse.move(...(await stagePoint(page, ...first)));
  await page.mouse.down();
  for (const p of rest) await page.mouse.move(...(await stagePoint(page, ...p)), { steps });
  await page.mouse.up();
}

/** Builds a File in the page from bytes (base64) and returns a handle to a DataTransfer holding it. */
export function dataTransferWith(page, bytes, name, type) {
  return page.evaluateHandle(
    ([b64, n, t]) => {
      const bin = atob(b64);
      const arr = new Uint8Array(bin.length);
      for (let i = 0; i < bin.length; i++) arr[i] = bin.charCodeAt(i);
      const dt = new DataTransfer();
      dt.items.add(new File([arr], n, { type: t }));
      return dt;
    },
    [Buffer.from(bytes).toString('base64'), name, type],
  );
}

/**
 * In-page: the area tint canvas against the after/before difference. Needs the area overlay
 * drawn (Show area on, or a painting tool active). Returns the number of area pixels, changed
 * pixels, and changed pixels outside the area.
 */
export function areaStats(page) {
  return page.evaluate(() => {
    const root = document.querySelector('smp-preview').shadowRoot;
    const read = (w) => {
      const c = root.querySelector(`canvas.${w}`);
      return c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    };
    const before = read('before');
    const after = read('after');
    const area = read('area');
    let areaPixels = 0;
    let changed = 0;
    let changedOutside = 0;
    for (let i = 0; i < before.length; i += 4) {
      const inArea = area[i + 3] > 0;
      if (inArea) areaPixels++;
      if (after[i] !== before[i] || after[i + 1] !== before[i + 1] || after[i + 2] !== before[i + 2]) {
        changed++;
        if (!inArea) changedOutside++;
      }
    }
    return { pixels: before.length / 4, areaPixels, changed, changedOutside };
  });
}

/** Reads a few element properties at once. */
export function state(page) {
  return page.evaluate(() => {
    const el = document.querySelector('smp-preview');
    const root = el.shadowRoot;
    const handle = root.querySelector('.handle');
    const after = root.querySelector('canvas.after');
    return {
      renderCount: el.renderCount,
      width: el.width,
      height: el.height,
      pxPerMm: el.pxPerMm,
      settings: el.settings,
      valuenow: Number(handle.getAttribute('aria-valuenow')),
      valuetext: handle.getAttribute('aria-valuetext'),
      clip: getComputedStyle(after).clipPath,
      message: root.querySelector('[role=alert]').textContent.trim(),
      messageVisible: root.querySelector('[role=alert]').getBoundingClientRect().height > 0,
      undoDisabled: root.querySelector('[aria-label=Undo]').disabled,
      redoDisabled: root.querySelector('[aria-label=Redo]').disabled,
    };
  });
}

/** An image made by the browser itself (PNG bytes), for tests that must not need the photos. */
export async function makeImage(page, width = 640, height = 480, type = 'image/png') {
  const b64 = await page.evaluate(
    async ([w, h, t]) => {
      const c = new OffscreenCanvas(w, h);
      const ctx = c.getContext('2d');
      const g = ctx.createLinearGradient(0, 0, w, h);
      g.addColorStop(0, '#5b6770');
      g.addColorStop(1, '#a9b3bb');
      ctx.fillStyle = g;
      ctx.fillRect(0, 0, w, h);
      ctx.fillStyle = '#d9a887';
      ctx.beginPath();
      ctx.ellipse(w / 2, h * 0.55, w * 0.28, h * 0.4, 0, 0, Math.PI * 2);
      ctx.fill();
      // A marker in the top-left corner, to check orientation.
      ctx.fillStyle = '#ff0000';
      ctx.fillRect(0, 0, Math.round(w / 8), Math.round(h / 8));
      const blob = await c.convertToBlob({ type: t, quality: 0.92 });
      const bytes = new Uint8Array(await blob.arrayBuffer());
      let s = '';
      for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
      return btoa(s);
    },
    [width, height, type],
  );
  return Buffer.from(b64, 'base64');
}

/** Inserts an EXIF APP1 segment with the given orientation right after a JPEG's SOI marker. */
export function withExifOrientation(jpeg, orientation) {
  const tiff = Buffer.from([
    0x4d, 0x4d, 0x00, 0x2a, 0x00, 0x00, 0x00, 0x08, // big-endian TIFF header, IFD at 8
    0x00, 0x01, // one entry
    0x01, 0x12, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01, 0x00, orientation, 0x00, 0x00, // Orientation SHORT
    0x00, 0x00, 0x00, 0x00, // no next IFD
  ]);
  const payload = Buffer.concat([Buffer.from('Exif\0\0', 'binary'), tiff]);
  const header = Buffer.from([0xff, 0xe1, (payload.length + 2) >> 8, (payload.length + 2) & 0xff]);
  return Buffer.concat([jpeg.subarray(0, 2), header, payload, jpeg.subarray(2)]);
}

/**
 * In-page: how much the after image darkens the photo. Returns the number of pixels made darker
 * by more than `threshold` (sum of R+G+B), and the total darkening (sum over pixels of the R+G+B
 * drop), which grows with both the number and the darkness of the impressions.
 */
export function darkening(page, threshold = 12) {
  return page.evaluate((t) => {
    const root = document.querySelector('smp-preview').shadowRoot;
    const read = (w) => {
      const c = root.querySelector(`canvas.${w}`);
      return c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    };
    const before = read('before');
    const after = read('after');
    let dark = 0;
    let total = 0;
    for (let i = 0; i < before.length; i += 4) {
      const drop = before[i] + before[i + 1] + before[i + 2] - (after[i] + after[i + 1] + after[i + 2]);
      if (drop > 0) total += drop;
      if (drop > t) dark++;
    }
    return { dark, total };
  }, threshold);
}

/** The element's description of its current settings (scale in use, pigment, advice). */
export function description(page) {
  return page.evaluate(() => document.querySelector('smp-preview').description);
}

/** Centre of a locator's box, in page coordinates. */
export async function centre(locator) {
  const box = await locator.boundingBox();
  return [box.x + box.width / 2, box.y + box.height / 2];
}

/**
 * Memory of the renderer processes of the browser this test file started, from /proc (Linux):
 * resident now and the peak so far (VmHWM), in MB, summed over its renderers.
 */
export function rendererMemory() {
  if (!existsSync('/proc/self/status')) return null;
  const parents = new Map();
  for (const pid of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      parents.set(Number(pid), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      /* gone */
    }
  }
  // The browser is this test process's child (one browser per test file).
  const root = [...parents].find(([pid, ppid]) => ppid === process.pid && readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('chrom'))?.[0];
  if (!root) return null;
  const mine = (pid) => {
    for (let p = pid, n = 0; p > 1 && n < 10; p = parents.get(p), n++) if (p === root) return true;
    return false;
  };
  let rss = 0;
  let peak = 0;
  for (const pid of parents.keys()) {
    if (!mine(pid)) continue;
    try {
      if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('--type=renderer')) continue;
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      rss += Number(status.match(/VmRSS:\s+(\d+)/)[1]) / 1024;
      peak += Number(status.match(/VmHWM:\s+(\d+)/)[1]) / 1024;
    } catch {
      /* gone */
    }
  }
  return { rss: Math.round(rss), peak: Math.round(peak) };
}

/** In-page: the wasm module's memory in bytes (the element's own instance of the module). */
export function wasmMemory(page) {
  return page.evaluate(async () => {
    const mod = await import(new URL('pkg/smp_preview.js', document.baseURI).href);
    return (await mod.default()).memory.buffer.byteLength;
  });
}

/** In-page: the RGBA of the before canvas at (fx, fy), fractions of the image. */
export function beforePixel(page, fx, fy) {
  return page.evaluate(([x, y]) => {
    const c = document.querySelector('smp-preview').shadowRoot.querySelector('canvas.before');
    const px = Math.min(c.width - 1, Math.floor(x * c.width));
    const py = Math.min(c.height - 1, Math.floor(y * c.height));
    return Array.from(c.getContext('2d').getImageData(px, py, 1, 1).data);
  }, [fx, fy]);
}

/**
 * Raw touches through the DevTools protocol (real touch events, as a finger gives):
 * `touch(type, [[x, y], ...])`, and `swipe([x, y], [dx, dy], steps)` one finger's drag.
 */
export async function touchDriver(page) {
  const client = await page.context().newCDPSession(page);
  const touch = (type, points) => client.send('Input.dispatchTouchEvent', { type, touchPoints: points.map(([x, y]) => ({ x, y })) });
  const swipe = async ([x, y], [dx, dy], steps = 10) => {
    await touch('touchStart', [[x, y]]);
    for (let i = 1; i <= steps; i++) await touch('touchMove', [[x + (dx * i) / steps, y + (dy * i) / steps]]);
    await touch('touchEnd', []);
  };
  return { touch, swipe };
}
