import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { inflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture } from './fixture';
import { renderReport } from './render';

/** The browser: `CHROMIUM_PATH`, else Debian's `/usr/bin/chromium`. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const HAS_CHROMIUM = existsSync(CHROMIUM);

/** Each Chromium run is killed (its whole process group) after this long. */
const CHROMIUM_TIMEOUT_MS = 50_000;
const TEST_TIMEOUT_MS = 60_000;

/** The flags of every run; `--user-data-dir` is added per run. */
const BASE_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

interface ChromiumResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs Chromium with a fresh profile under `directory`; kills its process group on timeout. */
function runChromium(directory: string, flags: readonly string[]): Promise<ChromiumResult> {
  const profile = mkdtempSync(join(directory, 'profile-'));
  return new Promise((resolve, reject) => {
    const child = spawn(CHROMIUM, [...BASE_FLAGS, `--user-data-dir=${profile}`, ...flags], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    const timer = setTimeout(() => {
      if (child.pid !== undefined) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          child.kill('SIGKILL');
        }
      }
      reject(new Error(`chromium did not exit within ${CHROMIUM_TIMEOUT_MS} ms: ${Buffer.concat(stderr).toString().slice(-2000)}`));
    }, CHROMIUM_TIMEOUT_MS);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8') });
    });
  });
}

interface DecodedPng {
  readonly width: number;
  readonly height: number;
  /** Bytes per pixel (3 for RGB, 4 for RGBA). */
  readonly channels: number;
  /** Unfiltered pixel rows, `height × width × channels` bytes. */
  readonly pixels: Buffer;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** The Paeth predictor of the PNG specification. */
function paeth(left: number, up: number, upLeft: number): number {
  const estimate = left + up - upLeft;
  const distanceLeft = Math.abs(estimate - left);
  const distanceUp = Math.abs(estimate - up);
  const distanceUpLeft = Math.abs(estimate - upLeft);
  if (distanceLeft <= distanceUp && distanceLeft <= distanceUpLeft) return left;
  return distanceUp <= distanceUpLeft ? up : upLeft;
}

/** Decodes a non-interlaced 8-bit RGB or RGBA PNG (what Chromium writes): chunks, zlib, scanline filters. */
function decodePng(file: Buffer): DecodedPng {
  expect(file.subarray(0, 8).equals(PNG_SIGNATURE), 'PNG signature').toBe(true);
  let offset = 8;
  let header: Buffer | undefined;
  const data: Buffer[] = [];
  while (offset + 8 <= file.length) {
    const length = file.readUInt32BE(offset);
    const type = file.toString('latin1', offset + 4, offset + 8);
    const body = file.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') header = body;
    if (type === 'IDAT') data.push(body);
    offset += 12 + length;
    if (type === 'IEND') break;
  }
  expect(header, 'IHDR chunk').toBeDefined();
  const width = header!.readUInt32BE(0);
  const height = header!.readUInt32BE(4);
  const [bitDepth, colorType, , , interlace] = [header![8], header![9], header![10], header![11], header![12]];
  expect({ bitDepth, interlace }).toEqual({ bitDepth: 8, interlace: 0 });
  expect([2, 6]).toContain(colorType);
  const channels = colorType === 6 ? 4 : 3;
  const raw = inflateSync(Buffer.concat(data));
  const stride = width * channels;
  expect(raw.length).toBe(height * (stride + 1));
  const pixels = Buffer.alloc(height * stride);
  for (let row = 0; row < height; row++) {
    const filter = raw[row * (stride + 1)]!;
    const source = row * (stride + 1) + 1;
    const target = row * stride;
    for (let index = 0; index < stride; index++) {
      const value = raw[source + index]!;
      const left = index >= channels ? pixels[target + index - channels]! : 0;
      const up = row > 0 ? pixels[target - stride + index]! : 0;
      const upLeft = row > 0 && index >= channels ? pixels[target - stride + index - channels]! : 0;
      const predicted = filter === 0 ? 0 : filter === 1 ? left : filter === 2 ? up : filter === 3 ? (left + up) >> 1 : paeth(left, up, upLeft);
      pixels[target + index] = (value + predicted) & 0xff;
    }
  }
  return { width, height, channels, pixels };
}

/** The suite's title, carrying the skip reason when there is no browser. */
const SUITE = HAS_CHROMIUM ? `the report in headless Chromium (${CHROMIUM})` : `the report in headless Chromium (skipped: no browser at ${CHROMIUM}; set CHROMIUM_PATH)`;

describe.skipIf(!HAS_CHROMIUM)(SUITE, () => {
  let directory = '';
  let reportUrl = '';
  const data = fixture();
  const html = renderReport(data);
  /** SFT loss; RL: accuracy, length, HWE count and κ per bucket, then α and τ; two held-out bar charts. */
  const expectedCharts = (data.sft.length > 0 ? 1 : 0) + (data.rl.length > 0 ? 4 * 3 + 2 : 0) + 2;
  const expectedMarks = data.samples.reduce((count, sample) => count + sample.hwe.filter(Boolean).length, 0);

  beforeAll(() => {
    directory = mkdtempSync(join(tmpdir(), 'ares-report-'));
    const file = join(directory, 'report.html');
    writeFileSync(file, html);
    reportUrl = pathToFileURL(file).href;
  });

  afterAll(() => {
    if (directory !== '') rmSync(directory, { recursive: true, force: true });
  });

  it(
    'parses into the expected DOM: tables, every chart, the highlighted tokens, all sections',
    async () => {
      const result = await runChromium(directory, ['--dump-dom', reportUrl]);
      expect(result.code, result.stderr.slice(-2000)).toBe(0);
      const dom = result.stdout;
      expect(dom).toContain('<table class="evaluation">');
      expect(dom.match(/<table\b/g)).toHaveLength(3); // evaluation, curation, timings
      expect(dom).toMatch(/<tr data-bucket="easy"><th scope="row">easy<\/th><td class="num group-start">67\.5%<\/td>/);
      expect(dom.match(/<svg\b/g)).toHaveLength(expectedCharts);
      expect(dom.match(/<svg\b[^>]*viewBox="/g)).toHaveLength(expectedCharts);
      expect(dom.match(/<mark class="hwe">/g)).toHaveLength(expectedMarks + 1); // + the legend's example
      expect(dom.match(/<article class="sample">/g)).toHaveLength(data.samples.length);
      for (const id of ['evaluation', 'sft', 'rl', 'comparison', 'curation', 'samples', 'timings', 'config']) expect(dom).toContain(`<section id="${id}">`);
      // The response tokens stayed text: no <think> element was created.
      expect(dom).not.toMatch(/<think\b/);
      expect(dom).toContain('&lt;think&gt;');
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'renders a 1200 px wide, non-blank screenshot with the charts painted',
    async () => {
      const shot = join(directory, 'shot.png');
      const result = await runChromium(directory, [`--screenshot=${shot}`, '--window-size=1200,3000', reportUrl]);
      expect(result.code, result.stderr.slice(-2000)).toBe(0);
      expect(existsSync(shot)).toBe(true);
      expect(statSync(shot).size).toBeGreaterThan(1000);
      const png = decodePng(readFileSync(shot));
      expect(png.width).toBe(1200);
      expect(png.height).toBe(3000);
      const { pixels, channels } = png;
      const total = png.width * png.height;
      const background = pixels.readUIntBE(0, 3);
      let differing = 0;
      let blue = 0;
      const colours = new Set<number>();
      for (let pixel = 0; pixel < total; pixel++) {
        const at = pixel * channels;
        const rgb = pixels.readUIntBE(at, 3);
        if (rgb !== background) differing++;
        if (colours.size < 1000) colours.add(rgb);
        // The GRPO colour #0072B2: RL lines and markers, τ, held-out bars.
        if (Math.abs(pixels[at]! - 0x00) + Math.abs(pixels[at + 1]! - 0x72) + Math.abs(pixels[at + 2]! - 0xb2) < 40) blue++;
      }
      expect(colours.size, 'distinct colours').toBeGreaterThan(50);
      expect(differing / total, 'share of non-background pixels').toBeGreaterThan(0.02);
      expect(blue, 'pixels in the GRPO colour').toBeGreaterThan(200);
    },
    TEST_TIMEOUT_MS,
  );
});
