// Packaging: `npm pack` of www/ holds the element (minified, beside its wasm), the type
// declarations and the changelog, and every `exports` target exists. (No browser needed.)

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { WWW, REPO } from './helpers.js';

test('npm pack: the element, its wasm, types and changelog, with exports that resolve', () => {
  const pkg = JSON.parse(readFileSync(path.join(WWW, 'package.json'), 'utf8'));
  assert.equal(pkg.name, 'smp-preview');
  assert.match(pkg.version, /^\d+\.\d+\.\d+$/);
  const changelog = readFileSync(path.join(WWW, 'CHANGELOG.md'), 'utf8');
  assert.ok(changelog.includes(`## ${pkg.version}`), 'the changelog has an entry for this version');
  const cargo = readFileSync(path.join(REPO, 'Cargo.toml'), 'utf8').match(/^version = "(.+)"$/m)[1];
  assert.equal(pkg.version, cargo, 'the package and the crate share one version');

  const [result] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: WWW, encoding: 'utf8' }));
  const files = result.files.map((f) => f.path).sort();
  assert.deepEqual(files, ['CHANGELOG.md', 'README.md', 'package.json', 'pkg/smp-preview.js', 'pkg/smp_preview.js', 'pkg/smp_preview_bg.wasm', 'smp-preview.d.ts']);

  const targets = [];
  const walk = (value) => (typeof value === 'string' ? targets.push(value) : Object.values(value).forEach(walk));
  walk(pkg.exports);
  for (const target of [...targets, pkg.main, pkg.types]) {
    assert.ok(files.includes(path.posix.normalize(target)), `${target} is packed`);
    assert.ok(existsSync(path.join(WWW, target)), `${target} exists`);
  }
  // The module finds its wasm next to itself, as packed: the minified one in pkg/ (what is
  // shipped) and its readable source in www/ (which a page may load while developing).
  const element = readFileSync(path.join(WWW, 'pkg', 'smp-preview.js'), 'utf8');
  assert.match(element, /new URL\(["']\.\/smp_preview\.js["'], ?import\.meta\.url\)/);
  const source = readFileSync(path.join(WWW, 'smp-preview.js'), 'utf8');
  assert.match(source, /new URL\('\.\/pkg\/smp_preview\.js', import\.meta\.url\)/);
  assert.ok(element.length < source.length / 1.3, `minified: ${element.length} bytes from ${source.length}`);
  // The declarations name the element and every event it fires.
  const types = readFileSync(path.join(WWW, 'smp-preview.d.ts'), 'utf8');
  for (const name of ["'smp-preview': SmpPreview", "'smp-ready'", "'smp-change'", "'smp-error'", "'smp-analytics'", 'exportImage', 'shareUrl']) {
    assert.ok(types.includes(name), `types mention ${name}`);
  }
});
