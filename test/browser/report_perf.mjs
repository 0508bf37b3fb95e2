// How responsive an ltt-view HTML report is in headless chromium: time to
// the timeline's first render, and the latency of zooming and panning (from
// the input event to the end of the frame it causes, measured by the page
// itself: window.lttTimeline.stats). Prints figures; never fails on timing.
//
//   node report_perf.mjs REPORT.html [--chromium /usr/bin/chromium]
//
// Make a large report with tools/ltt-synth first, e.g.
//   ltt-synth --output s5 --events 5000000 && ltt-view report s5 -o s5.html

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const file = process.argv[2];
const ci = process.argv.indexOf('--chromium');
const chromiumPath = ci > 0 ? process.argv[ci + 1] : '/usr/bin/chromium';
if (!file) { console.log('usage: node report_perf.mjs REPORT.html'); process.exit(2); }
const here = path.dirname(fileURLToPath(import.meta.url));
const { chromium } = await import(pathToFileURL(path.join(here, 'node_modules', 'playwright-core', 'index.mjs')));

const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'ltt-report-perf-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: chromiumPath, headless: true, viewport: { width: 1600, height: 1000 },
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
         '--disable-component-update', '--disable-sync', '--no-first-run'],
});
const median = (v) => { const s = [...v].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const max = (v) => Math.max(...v);
try {
  const page = context.pages()[0] || await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  const started = Date.now();
  await page.goto(pathToFileURL(path.resolve(file)).href, { timeout: 300000 });
  const loaded = Date.now() - started;
  await page.waitForFunction(() => window.lttTimeline && window.lttTimeline.stats.firstRenderMs !== null,
                             null, { timeout: 300000, polling: 50 });
  const first = await page.evaluate(() => ({
    at: lttTimeline.stats.firstRenderAt, decode: lttTimeline.stats.decodeMs,
    render: lttTimeline.stats.lastRenderMs,
    slices: lttTimeline.lanes().reduce((n, l) => n + l.slices.reduce((a, b) => a + b, 0), 0),
    heap: performance.memory ? performance.memory.usedJSHeapSize : null,
  }));
  await page.evaluate(() => document.getElementById('timeline-section').scrollIntoView({ block: 'start' }));
  const box = await page.locator('.tl-lanes canvas').boundingBox();
  const lat = async (act) => {
    await act();
    const s = await page.evaluate(() => lttTimeline.rendered());
    return s.lastInputLatencyMs;
  };
  // Zoom in step by step from the whole trace to a few microseconds, then out.
  const zoomIn = [], zoomOut = [], pan = [];
  await page.mouse.move(box.x + box.width * 0.55, box.y + 30);
  for (let i = 0; i < 14; i++) zoomIn.push(await lat(() => page.mouse.wheel(0, -500)));
  for (let i = 0; i < 5; i++) pan.push(await lat(async () => {
    await page.mouse.move(box.x + 900, box.y + 30);
    await page.mouse.down();
    await page.mouse.move(box.x + 700, box.y + 30, { steps: 2 });
    await page.mouse.up();
  }));
  for (let i = 0; i < 14; i++) zoomOut.push(await lat(() => page.mouse.wheel(0, 500)));
  const whole = [];
  for (let i = 0; i < 5; i++) whole.push(await lat(() => page.keyboard.press(i % 2 ? '0' : 'w')));
  const f = (v) => v.toFixed(0);
  console.log(`report ${file}: ${(fs.statSync(file).size / 1e6).toFixed(1)} MB, ${first.slices} slices`);
  console.log(`  page load event ${loaded} ms; timeline first drawn ${f(first.at)} ms after navigation ` +
              `(decode ${f(first.decode)} ms, first frame ${f(first.render)} ms)` +
              (first.heap ? `; JS heap ${(first.heap / 1e6).toFixed(0)} MB` : ''));
  console.log(`  zoom in  (wheel): median ${f(median(zoomIn))} ms, max ${f(max(zoomIn))} ms over ${zoomIn.length} steps`);
  console.log(`  zoom out (wheel): median ${f(median(zoomOut))} ms, max ${f(max(zoomOut))} ms`);
  console.log(`  pan (drag):       median ${f(median(pan))} ms, max ${f(max(pan))} ms`);
  console.log(`  keys (W, 0):      median ${f(median(whole))} ms, max ${f(max(whole))} ms`);
  if (errors.length) console.log('  console errors:', errors);
} finally {
  await context.close();
  fs.rmSync(profile, { recursive: true, force: true });
}
