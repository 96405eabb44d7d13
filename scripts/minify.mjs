#!/usr/bin/env node
// Writes what a visitor downloads, minified, into www/pkg (run by scripts/build.sh after
// wasm-bindgen): the element (www/smp-preview.js, whose stylesheet is minified as CSS) as
// pkg/smp-preview.js, beside the wasm glue it loads; the glue itself, in place; and the demo
// page's stylesheet (www/smp-preview.css) as pkg/smp-preview.css. The readable sources stay
// where they are; nothing else changes (names of exports, custom element, events, strings,
// public properties and methods; only the element's private `_` members are renamed).
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const esbuild = createRequire(import.meta.url)('esbuild');
const WWW = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'www');
const read = (file) => readFileSync(path.join(WWW, file), 'utf8');
const write = (file, text) => writeFileSync(path.join(WWW, file), text);
const js = (code, options = {}) => esbuild.transformSync(code, { loader: 'js', format: 'esm', minify: true, legalComments: 'none', ...options });
const css = (code) => esbuild.transformSync(code, { loader: 'css', minify: true }).code.trim();

/** Replaces the one occurrence of `from` in `text`, or fails the build. */
function replaceOnce(text, from, to, what) {
  const parts = text.split(from);
  if (parts.length !== 2) throw new Error(`smp-preview.js: expected one ${what}, found ${parts.length - 1}`);
  return parts.join(to);
}

let element = read('smp-preview.js');
// The shadow DOM's stylesheet is a template literal: minify it as CSS (a JS minifier leaves
// strings alone). It must stay a plain string, without ${…} or escapes.
const style = element.match(/^const STYLE = \/\* css \*\/ `([^`]*)`;$/m);
if (!style || /\$\{|\\/.test(style[1])) throw new Error('smp-preview.js: STYLE must be one plain /* css */ template literal');
element = replaceOnce(element, style[0], `const STYLE = ${JSON.stringify(css(style[1]))};`, 'STYLE');
// Minified, the element lives in pkg/, next to the glue.
element = replaceOnce(element, "new URL('./pkg/smp_preview.js', import.meta.url)", "new URL('./smp_preview.js', import.meta.url)", 'PKG_URL');
// The element's own members (`this._name`, never part of its API) get short names: about 1 KB
// gzipped. `_preview` and `_wasm` keep theirs: the resilience test reaches the live module
// through them. A short name must not shadow what the element inherits from HTMLElement.
const minified = js(element, { mangleProps: /^_[a-z]/i, reserveProps: /^_(preview|wasm)$/, mangleCache: {} });
const INHERITED = ['id', 'dir', 'lang', 'slot', 'part', 'role', 'title', 'style', 'hidden', 'inert', 'popover', 'translate', 'draggable', 'onload'];
const clash = Object.values(minified.mangleCache).filter((name) => INHERITED.includes(name));
if (clash.length) throw new Error(`smp-preview.js: mangled names would shadow HTMLElement members: ${clash.join(', ')}`);
write('pkg/smp-preview.js', minified.code);
write('pkg/smp_preview.js', js(read('pkg/smp_preview.js')).code);
write('pkg/smp-preview.css', css(read('smp-preview.css')));
