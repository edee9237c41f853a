// Renders media/icon.png (the extension's 128x128 Marketplace icon) from the inline SVG below in
// headless Chromium via playwright-core: a shield guarding a database cylinder, on a dark blue
// rounded square, with a transparent background outside the square.
// Run: node scripts/make-icon.mjs [out.png]   (CHROMIUM_BIN overrides /usr/bin/chromium)
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const out = path.resolve(process.argv[2] ?? path.join(here, '..', 'media', 'icon.png'));

// The same flags as CHROMIUM_ARGS in test/harness/codeServer.ts (kept in step by hand: this script
// is plain Node and does not load the TypeScript harness).
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
  '--disable-dev-shm-usage',
];

const SIZE = 128;

// Cylinder: centre x 64, top ellipse at y 47, bottom at y 79, radii 19 x 6.5.
const svg = `
<svg id="icon" xmlns="http://www.w3.org/2000/svg" width="${SIZE}" height="${SIZE}" viewBox="0 0 128 128">
  <defs>
    <linearGradient id="bg" x1="0" y1="0" x2="0" y2="1">
      <stop offset="0" stop-color="#1d3f73"/>
      <stop offset="1" stop-color="#0b1f3f"/>
    </linearGradient>
    <linearGradient id="shield" x1="0" y1="0" x2="1" y2="1">
      <stop offset="0" stop-color="#4fa8ff"/>
      <stop offset="1" stop-color="#1f5fc8"/>
    </linearGradient>
    <linearGradient id="db" x1="0" y1="0" x2="1" y2="0">
      <stop offset="0" stop-color="#dfeaff"/>
      <stop offset="0.5" stop-color="#ffffff"/>
      <stop offset="1" stop-color="#c9dafa"/>
    </linearGradient>
  </defs>
  <rect x="2" y="2" width="124" height="124" rx="26" ry="26" fill="url(#bg)"/>
  <rect x="2.75" y="2.75" width="122.5" height="122.5" rx="25.5" ry="25.5" fill="none" stroke="#ffffff" stroke-opacity="0.08" stroke-width="1.5"/>
  <!-- shield -->
  <path d="M64 15 L29 28.5 V58 C29 82.5 44 101.5 64 112 C84 101.5 99 82.5 99 58 V28.5 Z"
        fill="url(#shield)" stroke="#cfe6ff" stroke-width="3.5" stroke-linejoin="round"/>
  <path d="M64 22 L36 32.8 V58 C36 78.5 48 94.5 64 103.8 Z" fill="#ffffff" fill-opacity="0.10"/>
  <!-- database cylinder -->
  <path d="M45 47 V79 A19 6.5 0 0 0 83 79 V47 Z" fill="url(#db)" stroke="#0f3a80" stroke-width="2.5" stroke-linejoin="round"/>
  <path d="M45 58 A19 6.5 0 0 0 83 58" fill="none" stroke="#1f5fc8" stroke-width="2.5"/>
  <path d="M45 69 A19 6.5 0 0 0 83 69" fill="none" stroke="#1f5fc8" stroke-width="2.5"/>
  <ellipse cx="64" cy="47" rx="19" ry="6.5" fill="#ffffff" stroke="#0f3a80" stroke-width="2.5"/>
</svg>`;

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_BIN ?? '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
try {
  const page = await browser.newPage({ viewport: { width: SIZE, height: SIZE }, deviceScaleFactor: 1 });
  await page.setContent(
    `<!doctype html><html><head><style>html,body{margin:0;padding:0;background:transparent}svg{display:block}</style></head><body>${svg}</body></html>`,
  );
  fs.mkdirSync(path.dirname(out), { recursive: true });
  await page.locator('#icon').screenshot({ path: out, omitBackground: true });
} finally {
  await browser.close();
}
const png = fs.readFileSync(out);
// PNG IHDR: width and height are big-endian u32 at bytes 16 and 20.
const width = png.readUInt32BE(16);
const height = png.readUInt32BE(20);
if (width !== SIZE || height !== SIZE) throw new Error(`${out} is ${width}x${height}, not ${SIZE}x${SIZE}`);
console.log(`wrote ${path.relative(process.cwd(), out) || out} (${width}x${height}, ${png.length} bytes)`);
