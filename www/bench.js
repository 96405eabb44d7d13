// The browser benchmark (not part of the product). scripts/bench-browser.mjs calls
// window.smpBench(options) and prints what it returns; the Run button does the same by hand.
// Every time is from a change to the end of the frame that shows it: the work starts at the
// top of an animation frame, as the element's handlers do, and the clock stops in the first
// task after that frame (its style, layout, paint and commit done).

import init, { Preview } from './pkg/smp_preview.js';
import './pkg/smp-preview.js';

const SIZES = { '2 MP': [1632, 1224], '8 MP': [3264, 2448] };

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** Milliseconds from running `work` at the top of a frame to the end of that frame. */
function timedFrame(work) {
  return new Promise((resolve, reject) => {
    requestAnimationFrame(() => {
      const start = performance.now();
      try {
        work();
      } catch (error) {
        reject(error);
        return;
      }
      const channel = new MessageChannel();
      channel.port1.onmessage = () => resolve(performance.now() - start);
      channel.port2.postMessage(0);
    });
  });
}

const nextFrame = () => timedFrame(() => {});

async function times(runs, work) {
  // Warm-up: the browser compiles hot wasm functions again, optimised, after a few calls.
  for (let i = 0; i < 8; i++) await timedFrame(() => work(i));
  const out = [];
  for (let i = 0; i < runs; i++) out.push(await timedFrame(() => work(i)));
  return out;
}

function canvas(width, height) {
  const el = document.createElement('canvas');
  el.width = width;
  el.height = height;
  el.style.width = '400px';
  document.getElementById('stage').append(el);
  return el;
}

/** The same impressions as the core shows, drawn the way a web developer would: one arc and
 *  fill per impression, with its load as globalAlpha and multiply compositing. */
function canvas2d(ctx, photo, dots) {
  ctx.globalCompositeOperation = 'copy';
  ctx.globalAlpha = 1;
  ctx.drawImage(photo, 0, 0);
  ctx.globalCompositeOperation = 'multiply';
  ctx.fillStyle = '#2b2b2e';
  for (let i = 0; i < dots.length; i += 4) {
    ctx.globalAlpha = dots[i + 3];
    ctx.beginPath();
    ctx.arc(dots[i], dots[i + 1], Math.max(dots[i + 2], 0.5), 0, 2 * Math.PI);
    ctx.fill();
  }
}

async function sliderBench(name, runs, settings) {
  const [w, h] = SIZES[name];
  const preview = Preview.sample(w, h);
  const before = canvas(w, h).getContext('2d');
  preview.drawPhoto(before);
  const afterCanvas = canvas(w, h);
  const after = afterCanvas.getContext('2d');
  const density = (i) => ({ ...settings, density: i % 2 ? 60 : 80 });
  const render = await times(runs, (i) => preview.render(after, density(i)));
  const update = await times(runs, (i) => preview.update(after, density(i)));
  const dots = preview.impressions(density(0));
  const photoCanvas = before.canvas;
  const baseCtx = canvas(w, h).getContext('2d');
  const baseline = await times(runs, () => canvas2d(baseCtx, photoCanvas, dots));
  preview.free();
  for (const el of [...document.getElementById('stage').children]) el.remove();
  return { size: `${w}×${h}`, impressions: dots.length / 4, render: median(render), update: median(update), canvas2d: median(baseline) };
}

/** A 12 MP JPEG of the demo head, made in the page. */
async function bigJpeg() {
  const [w, h] = [4000, 3000];
  const preview = Preview.sample(w, h);
  const el = document.createElement('canvas');
  el.width = w;
  el.height = h;
  preview.drawPhoto(el.getContext('2d'));
  preview.free();
  const blob = await new Promise((resolve) => el.toBlob(resolve, 'image/jpeg', 0.9));
  el.width = el.height = 0;
  return blob;
}

/** Uploads `blob` (a 12 MP JPEG) `uploads` times through the element, as a visitor's file. */
async function uploadBench(blob, uploads, memory) {
  const el = document.querySelector('smp-preview');
  const out = [];
  let afterOne = 0;
  for (let i = 0; i < uploads; i++) {
    const start = performance.now();
    await el.load(blob);
    await nextFrame();
    out.push(performance.now() - start);
    if (i === 0) afterOne = memory.buffer.byteLength;
  }
  return {
    jpegBytes: blob.size,
    working: `${el.width}×${el.height}`,
    workingRgbaBytes: el.width * el.height * 4,
    upload: median(out.slice(1)),
    uploadFirst: out[0],
    memoryAfterOne: afterOne,
    memoryAfterAll: memory.buffer.byteLength,
    uploads,
  };
}

/** Frames per second while the divider moves every frame (the element's `divider` property,
 *  as a drag sets it). */
async function dividerBench(seconds) {
  const el = document.querySelector('smp-preview');
  const frames = [];
  const end = performance.now() + seconds * 1000;
  let t = 0;
  await new Promise((resolve) => {
    const step = (now) => {
      frames.push(now);
      el.divider = 50 + 40 * Math.sin(t++ / 10);
      if (now < end) requestAnimationFrame(step);
      else resolve();
    };
    requestAnimationFrame(step);
  });
  const gaps = frames.slice(1).map((f, i) => f - frames[i]);
  return { fps: 1000 / median(gaps), worstFrame: Math.max(...gaps) };
}

const toBase64 = async (blob) => {
  const bytes = new Uint8Array(await blob.arrayBuffer());
  let text = '';
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
};

const fromBase64 = (text) => new Blob([Uint8Array.from(atob(text), (c) => c.charCodeAt(0))], { type: 'image/jpeg' });

/** Slider and divider figures, and (as base64) the 12 MP JPEG for `uploads`: the upload and
 *  memory figures come from a fresh page, whose wasm memory saw nothing but the product's
 *  own work. */
window.smpBench = async ({ runs = 30, sizes = Object.keys(SIZES) } = {}) => {
  await init();
  await customElements.whenDefined('smp-preview');
  const settings = Preview.defaultSettings();
  const result = { slider: {} };
  for (const name of sizes) result.slider[name] = await sliderBench(name, runs, settings);
  result.divider = await dividerBench(3);
  result.jpeg = await toBase64(await bigJpeg());
  return result;
};

window.smpUploads = async ({ jpeg, uploads = 50 }) => {
  const wasm = await init();
  await customElements.whenDefined('smp-preview');
  return uploadBench(fromBase64(jpeg), uploads, wasm.memory);
};

document.getElementById('run').addEventListener('click', async () => {
  const out = document.getElementById('out');
  const result = await window.smpBench();
  out.textContent = JSON.stringify({ ...result, jpeg: undefined }, null, 2);
  const uploads = await window.smpUploads({ jpeg: result.jpeg, uploads: 10 });
  out.textContent += `\n(in this same page, so memory includes the benchmarks above)\n${JSON.stringify(uploads, null, 2)}`;
});
