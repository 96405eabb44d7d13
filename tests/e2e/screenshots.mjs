// Visual review, not a test: screenshots of the page (desktop and phone) with the demo head and
// with a few shared photos after painting and moving a slider.
//   node tests/e2e/screenshots.mjs [out-dir]   (default: test-results/screenshots)
// `readme.png` (the desktop demo in the compare view, the element with a 10 px margin) is the
// README's docs/screenshot.png; `demo-desktop-scale.png` shows Physical scale open, Set scale on;
// `demo-<desktop|phone>-<hairline|scars|patches>.png` show the treatments with their tools, and
// `<photo>-<desktop|phone>-hairline.png` the hairline placed on a photo (the after side only);
// `embed-<desktop|phone360>*.png` the embed example page, with the compare views.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { setup, photoPaths, REPO, events, waitForEvents, settle, ui, mouseStroke } from './helpers.js';

const out = path.resolve(process.argv[2] ?? path.join(REPO, 'test-results', 'screenshots'));
mkdirSync(out, { recursive: true });
const env = await setup();
const shots = [];
const viewports = {
  desktop: { viewport: { width: 1280, height: 900 } },
  phone: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 },
};
try {
  for (const [name, options] of Object.entries(viewports)) {
    const { page, problems } = await env.open(options);
    await settle(page);
    const file = path.join(out, `demo-${name}.png`);
    await page.screenshot({ path: file, fullPage: name === 'phone' });
    shots.push(file);
    if (name === 'desktop') {
      const box = await page.locator('smp-preview').boundingBox();
      const readme = path.join(out, 'readme.png');
      await page.screenshot({ path: readme, clip: { x: box.x - 10, y: box.y - 10, width: box.width + 20, height: box.height + 20 } });
      shots.push(readme);
      // Physical scale opened and Set scale on; folding it again ends Set scale.
      const summary = page.locator('smp-preview [part=scale-controls] > summary');
      await summary.click();
      await ui(page).button('Set scale').click();
      await page.waitForTimeout(400); // the panel's smooth scroll to the opened section
      await settle(page);
      const scale = path.join(out, 'demo-desktop-scale.png');
      await page.locator('smp-preview').screenshot({ path: scale });
      shots.push(scale);
      await summary.click();
      await page.locator('smp-preview [part=eye-marker]').waitFor({ state: 'hidden' });
    }

    // The treatments with their on-photo tools: the hairline's handles, scars, patches.
    const host = page.locator('smp-preview');
    const treatment = async (label) => {
      await host.getByRole('radio', { name: label, exact: true }).click();
      await settle(page);
      await page.evaluate(() => scrollTo(0, 0));
    };
    const shoot = async (what) => {
      await settle(page);
      const file = path.join(out, `demo-${name}-${what}.png`);
      await host.screenshot({ path: file });
      shots.push(file);
    };
    await treatment('Hairline');
    await shoot('hairline');
    await treatment('Scars');
    await mouseStroke(page, [[0.33, 0.36], [0.45, 0.31], [0.55, 0.3], [0.67, 0.34]], 8);
    await ui(page).button('FUE dot').click();
    await page.waitForTimeout(400); // a finger lifts before it taps again
    for (const [x, y] of [[0.4, 0.5], [0.46, 0.47], [0.55, 0.52], [0.6, 0.46]]) {
      const box = await ui(page).stage.boundingBox();
      const at = [box.x + x * box.width, box.y + y * box.height];
      if (name === 'phone') await page.touchscreen.tap(...at);
      else await page.mouse.click(...at);
    }
    await shoot('scars');
    await ui(page).button('Clear area').click();
    await treatment('Alopecia patches');
    {
      const box = await ui(page).stage.boundingBox();
      await page.mouse.click(box.x + 0.4 * box.width, box.y + 0.3 * box.height);
      await page.mouse.move(box.x + 0.6 * box.width, box.y + 0.45 * box.height);
      await page.mouse.down();
      await page.mouse.move(box.x + 0.6 * box.width + 25, box.y + 0.45 * box.height, { steps: 4 });
      await page.mouse.up();
    }
    await shoot('patches');
    await ui(page).button('Clear area').click();
    await treatment('Full head');
    await ui(page).button('Compare').click();

    const wanted = ['front_bald_dark_e.jpg', 'top_L6_olive_19.jpg', 'front_norwood6_light_a.jpg'];
    const photos = (photoPaths() ?? []).filter((p) => wanted.includes(path.basename(p)));
    for (const photo of photos) {
      const n = (await events(page, 'smp-ready')).length;
      await ui(page).file.setInputFiles(photo);
      await waitForEvents(page, 'smp-ready', n + 1);
      await ui(page).button('Clear area').click();
      await ui(page).button('Paint').click();
      await mouseStroke(page, [[0.3, 0.28], [0.4, 0.2], [0.5, 0.17], [0.6, 0.2], [0.7, 0.28]], 6);
      await mouseStroke(page, [[0.36, 0.3], [0.5, 0.26], [0.64, 0.3]], 6);
      await ui(page).slider('Pigment shade').focus();
      for (let i = 0; i < 10; i++) await page.keyboard.press('ArrowLeft');
      await settle(page);
      const painting = path.join(out, `${path.basename(photo, '.jpg')}-${name}-paint.png`);
      await page.evaluate(() => scrollTo(0, 0));
      await page.locator('smp-preview').screenshot({ path: painting });
      shots.push(painting);
      await ui(page).button('Compare').click();
      await ui(page).handle.focus();
      await page.keyboard.press('Shift+ArrowLeft');
      await page.keyboard.press('Shift+ArrowLeft');
      await settle(page);
      const compare = path.join(out, `${path.basename(photo, '.jpg')}-${name}-compare.png`);
      await page.locator('smp-preview').screenshot({ path: compare });
      shots.push(compare);
      // The hairline placed by the core on a real face, with its handles.
      await treatment('Hairline');
      await ui(page).handle.focus();
      await page.keyboard.press('Home'); // all after
      await page.evaluate(() => scrollTo(0, 0));
      const hairline = path.join(out, `${path.basename(photo, '.jpg')}-${name}-hairline.png`);
      await settle(page);
      await page.locator('smp-preview').screenshot({ path: hairline });
      shots.push(hairline);
      await treatment('Full head');
      await ui(page).button('Compare').click();
    }
    if (problems.length) console.error(problems.join('\n'));
  }
  // The embed example (two instances, one in Spanish) on a desktop and a 360 px phone, and the
  // compare views.
  for (const [name, options] of Object.entries({ desktop: viewports.desktop, phone360: { ...viewports.phone, viewport: { width: 360, height: 740 } } })) {
    const { page, problems } = await env.open({ ...options, path: 'embed.html', readyCount: 2 });
    await settle(page);
    const full = path.join(out, `embed-${name}.png`);
    await page.screenshot({ path: full, fullPage: true });
    const top = path.join(out, `embed-${name}-top.png`);
    await page.locator('#clinic-preview').scrollIntoViewIfNeeded();
    await page.screenshot({ path: top });
    shots.push(full, top);
    for (const view of ['y', 'side']) {
      await page.evaluate((v) => (document.querySelector('#clinic-preview').compareMode = v), view);
      await settle(page);
      const file = path.join(out, `embed-${name}-view-${view}.png`);
      await page.locator('#clinic-preview').screenshot({ path: file });
      shots.push(file);
    }
    if (problems.length) console.error(problems.join('\n'));
  }
} finally {
  await env.close();
}
console.log(shots.join('\n'));
