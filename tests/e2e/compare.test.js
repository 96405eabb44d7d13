// Compare views: the divider across and up and down, side by side, press and hold for the
// photo before, the loupe at 100 % (desktop) and pinch zoom (touch).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, settle, ui, canvasHash } from './helpers.js';

let env;
before(async () => {
  env = await setup();
});
after(async () => {
  await env?.close();
});

const shadow = (page, fn, arg) => page.evaluate(([f, a]) => new Function('el', 'root', 'arg', `return (${f})(el, root, arg)`)(document.querySelector('smp-preview'), document.querySelector('smp-preview').shadowRoot, a), [fn.toString(), arg]);

test('the divider up and down: drag and keys move it, the after layer is cut across, the split export follows', async () => {
  const { page, problems } = await env.open();
  const host = ui(page).host;
  await host.getByRole('button', { name: 'Top | bottom' }).click();
  assert.equal(await host.getByRole('button', { name: 'Top | bottom' }).getAttribute('aria-pressed'), 'true');
  assert.equal(await ui(page).handle.getAttribute('aria-orientation'), 'vertical');
  const box = await ui(page).stage.boundingBox();
  await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.5);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.6, box.y + box.height * 0.25, { steps: 8 });
  await page.mouse.up();
  const at = await page.evaluate(() => document.querySelector('smp-preview').divider);
  assert.ok(Math.abs(at - 25) <= 1, `divider at ${at} (follows the pointer's height)`);
  assert.equal(await shadow(page, (el, root) => getComputedStyle(root.querySelector('canvas.after')).clipPath), 'inset(25% 0px 0px)');
  await ui(page).handle.focus();
  await page.keyboard.press('ArrowUp');
  assert.equal(await page.evaluate(() => document.querySelector('smp-preview').divider), 24, 'Up moves the divider up');

  // The split export is cut across at the divider: before above, after below.
  const result = await shadow(
    page,
    async (el, root) => {
      el.divider = 40;
      const blob = await el.exportImage({ kind: 'split', disclaimer: false });
      const bitmap = await createImageBitmap(blob);
      const c = new OffscreenCanvas(bitmap.width, bitmap.height);
      c.getContext('2d').drawImage(bitmap, 0, 0);
      const out = c.getContext('2d').getImageData(0, 0, bitmap.width, bitmap.height).data;
      const read = (w) => root.querySelector(`canvas.${w}`).getContext('2d').getImageData(0, 0, bitmap.width, bitmap.height).data;
      const src = { before: read('before'), after: read('after') };
      const count = (y0, y1, which) => {
        let same = 0;
        let n = 0;
        for (let y = Math.floor(y0 * bitmap.height); y < y1 * bitmap.height; y += 3) {
          for (let x = Math.floor(0.25 * bitmap.width); x < 0.75 * bitmap.width; x += 3) {
            const i = (y * bitmap.width + x) * 4;
            n++;
            if (out[i] === src[which][i] && out[i + 1] === src[which][i + 1] && out[i + 2] === src[which][i + 2]) same++;
          }
        }
        return same / n;
      };
      return { size: [bitmap.width, bitmap.height], topBefore: count(0.12, 0.38, 'before'), topAfter: count(0.12, 0.38, 'after'), bottomAfter: count(0.42, 0.6, 'after'), bottomBefore: count(0.42, 0.6, 'before') };
    },
    null,
  );
  assert.deepEqual(result.size, [1200, 900]);
  assert.equal(result.topBefore, 1, JSON.stringify(result));
  assert.equal(result.bottomAfter, 1, JSON.stringify(result));
  assert.ok(result.topAfter < 0.95 && result.bottomBefore < 0.95, `the halves differ: ${JSON.stringify(result)}`);
  assert.deepEqual(problems, []);
});

test('side by side: before and after next to each other, each half as wide', async () => {
  const { page, problems } = await env.open();
  const host = ui(page).host;
  await host.getByRole('group', { name: 'Compare view' }).getByRole('button', { name: 'Side by side' }).click();
  await settle(page);
  const s = await shadow(page, (el, root) => {
    const r = (sel) => root.querySelector(sel).getBoundingClientRect();
    const copy = root.querySelector('canvas.before-copy');
    const before = root.querySelector('canvas.before');
    const a = copy.getContext('2d').getImageData(0, 0, copy.width, copy.height).data;
    const b = before.getContext('2d').getImageData(0, 0, before.width, before.height).data;
    let diff = 0;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) diff++;
    return {
      left: r('.side-before').toJSON(),
      right: r('.stage').toJSON(),
      diff,
      afterClip: getComputedStyle(root.querySelector('canvas.after')).clipPath,
      divider: getComputedStyle(root.querySelector('.divider')).display,
    };
  });
  assert.ok(s.left.right <= s.right.left && Math.abs(s.left.width - s.right.width) < 1 && Math.abs(s.left.top - s.right.top) < 1, JSON.stringify(s));
  assert.equal(s.diff, 0, 'the left picture is the photo before');
  assert.equal(s.afterClip, 'none', 'the right picture is the whole after image');
  assert.equal(s.divider, 'none');
  assert.deepEqual(problems, []);
});

test('press and hold shows the photo before, by pointer and by Space', async () => {
  const { page, problems } = await env.open();
  const holdButton = ui(page).button('Hold for before');
  const afterShown = () => shadow(page, (el, root) => getComputedStyle(root.querySelector('canvas.after')).visibility);
  const b = await holdButton.boundingBox();
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2);
  await page.mouse.down();
  assert.equal(await afterShown(), 'hidden');
  assert.equal(await holdButton.getAttribute('aria-pressed'), 'true');
  await page.mouse.up();
  assert.equal(await afterShown(), 'visible');
  await holdButton.focus();
  await page.keyboard.down(' ');
  assert.equal(await afterShown(), 'hidden');
  await page.keyboard.up(' ');
  assert.equal(await afterShown(), 'visible');
  assert.deepEqual(problems, []);
});

test('the loupe shows the image at 100 % under the pointer, before or after as the divider decides', async () => {
  const { page, problems } = await env.open();
  await ui(page).button('Zoom').click();
  const box = await ui(page).stage.boundingBox();
  const check = async (fx, fy) => {
    await page.mouse.move(box.x + box.width * fx, box.y + box.height * fy);
    return shadow(
      page,
      (el, root, [x, y]) => {
        const loupe = root.querySelector('canvas.loupe');
        const source = root.querySelector(`canvas.${loupe.dataset.source}`);
        const n = 40; // the middle 40 × 40 pixels
        const lx = loupe.width / 2 - n / 2;
        const a = loupe.getContext('2d').getImageData(lx, lx, n, n).data;
        const sx = Math.round(x * source.width - loupe.width / 2) + lx;
        const sy = Math.round(y * source.height - loupe.height / 2) + lx;
        const b = source.getContext('2d').getImageData(sx, sy, n, n).data;
        let diff = 0;
        for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) diff++;
        const r = loupe.getBoundingClientRect();
        return { hidden: loupe.hidden, source: loupe.dataset.source, diff, size: [loupe.width, Math.round(r.width)] };
      },
      [fx, fy],
    );
  };
  const right = await check(0.6, 0.3);
  assert.deepEqual(right, { hidden: false, source: 'after', diff: 0, size: [180, 180] });
  const left = await check(0.3, 0.3);
  assert.equal(left.source, 'before');
  assert.equal(left.diff, 0);
  // Keyboard: arrows move it over the focused picture.
  await ui(page).stage.focus();
  const at = await page.evaluate(() => document.querySelector('smp-preview').shadowRoot.querySelector('canvas.loupe').style.transform);
  await page.keyboard.press('Shift+ArrowRight');
  const moved = await page.evaluate(() => document.querySelector('smp-preview').shadowRoot.querySelector('canvas.loupe').style.transform);
  assert.notEqual(moved, at);
  await ui(page).button('Zoom').click();
  assert.equal(await shadow(page, (el, root) => root.querySelector('canvas.loupe').hidden), true);
  assert.deepEqual(problems, []);
});

test('touch: a pinch zooms the picture (not the page) and Fit puts it back', async () => {
  const { page, problems } = await env.open({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
  await ui(page).stage.scrollIntoViewIfNeeded();
  const box = await ui(page).stage.boundingBox();
  const client = await page.context().newCDPSession(page);
  const touch = (type, points) => client.send('Input.dispatchTouchEvent', { type, touchPoints: points.map(([x, y], id) => ({ x, y, id })) });
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  const before = await canvasHash(page, 'after');
  await touch('touchStart', [[cx - 20, cy], [cx + 20, cy]]);
  for (let i = 1; i <= 10; i++) await touch('touchMove', [[cx - 20 - 6 * i, cy], [cx + 20 + 6 * i, cy]]);
  await touch('touchEnd', []);
  await settle(page);
  const z = await page.evaluate(() => ({ zoom: document.querySelector('smp-preview').zoom, divider: document.querySelector('smp-preview').divider, pageScale: visualViewport.scale }));
  assert.ok(z.zoom > 2.5 && z.zoom < 4.1, `zoom ${z.zoom}`);
  assert.equal(z.divider, 50, 'the divider stays');
  assert.equal(z.pageScale, 1, 'the page itself is not zoomed');
  assert.equal(await canvasHash(page, 'after'), before, 'zooming renders nothing');
  // The middle stays in the middle.
  const mid = await shadow(page, (el, root) => {
    const r = root.querySelector('.view').getBoundingClientRect();
    const s = root.querySelector('.stage').getBoundingClientRect();
    return [(s.left + s.width / 2 - r.left) / r.width, (s.top + s.height / 2 - r.top) / r.height];
  });
  assert.ok(Math.abs(mid[0] - 0.5) < 0.03 && Math.abs(mid[1] - 0.5) < 0.03, `centre of the view ${mid}`);
  await ui(page).button('Fit').click();
  assert.equal(await page.evaluate(() => document.querySelector('smp-preview').zoom), 1);
  assert.deepEqual(problems, []);
});
