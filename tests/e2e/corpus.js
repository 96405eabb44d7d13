// Hostile image files, made byte by byte here (nothing downloaded, nothing committed): tiny
// PNG, baseline JPEG (flat 8×8 blocks: DC coefficients only) and GIF encoders, enough to
// produce every shape of file a phone might hand over.

import { createDeflate, deflateSync } from 'node:zlib';

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function u32be(n) {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
}

function pngChunk(type, data) {
  const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  return Buffer.concat([u32be(data.length), td, u32be(crc32(td))]);
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const CHANNELS = { 0: 1, 2: 3, 4: 2, 6: 4 };

function pngHeader(width, height, bitDepth, colorType) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = bitDepth;
  ihdr[9] = colorType;
  return pngChunk('IHDR', ihdr);
}

/**
 * A PNG of `pixel(x, y)` → samples (0–255 each; scaled to 16 bits when bitDepth is 16).
 * colorType: 0 grey, 2 RGB, 4 grey + alpha, 6 RGBA.
 */
export function png(width, height, pixel, { colorType = 2, bitDepth = 8 } = {}) {
  const channels = CHANNELS[colorType];
  const bytesPerSample = bitDepth / 8;
  const stride = 1 + width * channels * bytesPerSample;
  const raw = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    let o = y * stride + 1;
    for (let x = 0; x < width; x++) {
      const samples = pixel(x, y);
      for (let c = 0; c < channels; c++) {
        if (bitDepth === 16) {
          raw.writeUInt16BE(samples[c] * 257, o);
          o += 2;
        } else raw[o++] = samples[c];
      }
    }
  }
  return Buffer.concat([PNG_SIGNATURE, pngHeader(width, height, bitDepth, colorType), pngChunk('IDAT', deflateSync(raw)), pngChunk('IEND', Buffer.alloc(0))]);
}

/**
 * A valid greyscale PNG declaring `side` × `side` pixels, all black: a decompression bomb
 * (30000² is 900 MB of pixels from under a megabyte of file). Streamed, so it is cheap to make.
 */
export async function pngBomb(side) {
  const deflate = createDeflate({ level: 9 });
  const parts = [];
  deflate.on('data', (d) => parts.push(d));
  const done = new Promise((resolve) => deflate.on('end', resolve));
  const row = Buffer.alloc(side + 1);
  for (let y = 0; y < side; y++) {
    if (!deflate.write(row)) await new Promise((r) => deflate.once('drain', r));
  }
  deflate.end();
  await done;
  return Buffer.concat([PNG_SIGNATURE, pngHeader(side, side, 8, 0), pngChunk('IDAT', Buffer.concat(parts)), pngChunk('IEND', Buffer.alloc(0))]);
}

class BitWriter {
  constructor() {
    this.bytes = [];
    this.acc = 0;
    this.n = 0;
  }
  put(value, length) {
    for (let i = length - 1; i >= 0; i--) {
      this.acc = (this.acc << 1) | ((value >> i) & 1);
      if (++this.n === 8) {
        this.bytes.push(this.acc);
        if (this.acc === 0xff) this.bytes.push(0); // byte stuffing
        this.acc = 0;
        this.n = 0;
      }
    }
  }
  finish() {
    while (this.n) this.put(1, 1);
    return Buffer.from(this.bytes);
  }
}

function segment(marker, data) {
  const head = Buffer.from([0xff, marker, (data.length + 2) >> 8, (data.length + 2) & 0xff]);
  return Buffer.concat([head, data]);
}

/**
 * A baseline JPEG whose 8×8 blocks are flat: `block(bx, by, c)` gives component c's value
 * (0–255) for block (bx, by). components: 1 (grey), 3 (YCbCr) or 4 (Adobe CMYK, stored
 * inverted as Photoshop writes it).
 */
export function jpeg(width, height, components, block) {
  const ids = [1, 2, 3, 4].slice(0, components);
  const parts = [Buffer.from([0xff, 0xd8])];
  if (components === 3) parts.push(segment(0xe0, Buffer.from([0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0])));
  if (components === 4) parts.push(segment(0xee, Buffer.from([0x41, 0x64, 0x6f, 0x62, 0x65, 0, 100, 0, 0, 0, 0, 0])));
  parts.push(segment(0xdb, Buffer.from([0, ...new Array(64).fill(1)]))); // quantisation: all 1
  const sof = [8, height >> 8, height & 0xff, width >> 8, width & 0xff, components];
  for (const id of ids) sof.push(id, 0x11, 0);
  parts.push(segment(0xc0, Buffer.from(sof)));
  // DC: categories 0–11, all 4-bit codes; AC: only end-of-block, the 1-bit code "0".
  const dcBits = new Array(16).fill(0);
  dcBits[3] = 12;
  parts.push(segment(0xc4, Buffer.from([0x00, ...dcBits, ...Array.from({ length: 12 }, (_, i) => i)])));
  const acBits = new Array(16).fill(0);
  acBits[0] = 1;
  parts.push(segment(0xc4, Buffer.from([0x10, ...acBits, 0x00])));
  const sos = [components];
  for (const id of ids) sos.push(id, 0x00);
  sos.push(0, 63, 0);
  parts.push(segment(0xda, Buffer.from(sos)));
  const bits = new BitWriter();
  const previous = new Array(components).fill(0);
  const bw = Math.ceil(width / 8);
  const bh = Math.ceil(height / 8);
  for (let by = 0; by < bh; by++) {
    for (let bx = 0; bx < bw; bx++) {
      for (let c = 0; c < components; c++) {
        const dc = 8 * (Math.round(block(bx, by, c)) - 128);
        const diff = dc - previous[c];
        previous[c] = dc;
        const category = diff === 0 ? 0 : Math.floor(Math.log2(Math.abs(diff))) + 1;
        bits.put(category, 4);
        if (category) bits.put(diff > 0 ? diff : diff + (1 << category) - 1, category);
        bits.put(0, 1); // end of block
      }
    }
  }
  parts.push(bits.finish(), Buffer.from([0xff, 0xd9]));
  return Buffer.concat(parts);
}

/** An animated GIF: one solid frame per palette index in `frames` (palette: red, blue, green, white). */
export function animatedGif(width, height, frames) {
  const out = [Buffer.from('GIF89a', 'latin1')];
  const lsd = Buffer.alloc(7);
  lsd.writeUInt16LE(width, 0);
  lsd.writeUInt16LE(height, 2);
  lsd[4] = 0xf1; // global colour table of 4 entries
  out.push(lsd, Buffer.from([255, 0, 0, 0, 0, 255, 0, 255, 0, 255, 255, 255]));
  out.push(Buffer.from([0x21, 0xff, 0x0b, ...Buffer.from('NETSCAPE2.0', 'latin1'), 0x03, 0x01, 0, 0, 0]));
  for (const index of frames) {
    out.push(Buffer.from([0x21, 0xf9, 0x04, 0x04, 10, 0, 0, 0])); // 0.1 s per frame
    const desc = Buffer.alloc(10);
    desc[0] = 0x2c;
    desc.writeUInt16LE(width, 5);
    desc.writeUInt16LE(height, 7);
    out.push(desc, Buffer.from([2])); // LZW minimum code size 2: clear = 4, end = 5
    // Codes of 3 bits, least significant first; a clear code every two pixels keeps them at 3.
    const codes = [];
    for (let i = 0; i < width * height; i += 2) codes.push(4, index, ...(i + 1 < width * height ? [index] : []));
    codes.push(5);
    const data = [];
    let acc = 0;
    let n = 0;
    for (const code of codes) {
      acc |= code << n;
      n += 3;
      while (n >= 8) {
        data.push(acc & 0xff);
        acc >>= 8;
        n -= 8;
      }
    }
    if (n) data.push(acc & 0xff);
    for (let i = 0; i < data.length; i += 255) {
      const chunk = data.slice(i, i + 255);
      out.push(Buffer.from([chunk.length, ...chunk]));
    }
    out.push(Buffer.from([0]));
  }
  out.push(Buffer.from([0x3b]));
  return Buffer.concat(out);
}

/** The start of a HEIC file (an ISO-BMFF `ftyp` box with the iPhone's brands) and filler. */
export function heicLike() {
  const ftyp = Buffer.concat([u32be(24), Buffer.from('ftypheic', 'latin1'), u32be(0), Buffer.from('mif1heic', 'latin1')]);
  return Buffer.concat([ftyp, u32be(16), Buffer.from('metahdlrpict', 'latin1'), Buffer.alloc(2000, 7)]);
}
