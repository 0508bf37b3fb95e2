// ltt-view's HTML report in a real browser: Debian's chromium, headless,
// driven by playwright-core (which downloads nothing: it is pointed at the
// system's browser).
//
// A small simulated host (ltt-synth, with a loss on CPU 1) is reported;
// timeline_expect.py computes from `ltt-view events` alone what the timeline
// must hold. The page must then: load from file:// with no request other
// than itself and no console error; show one lane per physical CPU (and one
// per dom0 vCPU) holding exactly the expected slices; change its visible
// range on zoom (wheel, keys); draw the expected slices one by one when
// zoomed in; list a slice's events when it is clicked. Screenshots go to
// --shots (the build directory).
//
//   node report_browser.mjs --synth LTT_SYNTH --view LTT_VIEW --python PYTHON
//        --expect timeline_expect.py --work DIR --shots DIR [--chromium PATH]
//
// Exit status 77 (CTest's skip) only when chromium is not installed.

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const args = {};
for (let i = 2; i < process.argv.length; i += 2) args[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];
const chromiumPath = args.chromium || '/usr/bin/chromium';
if (!fs.existsSync(chromiumPath)) {
  console.log(`SKIP: no chromium at ${chromiumPath} (Debian package chromium; make deps installs it)`);
  process.exit(77);
}
const here = path.dirname(fileURLToPath(import.meta.url));
let chromium;
try {
  ({ chromium } = await import(pathToFileURL(path.join(here, 'node_modules', 'playwright-core', 'index.mjs'))));
} catch (e) {
  console.log(`FAIL: playwright-core is not installed in ${here}/node_modules: run make deps ` +
              `(npm ci there) (${e.message})`);
  process.exit(1);
}

const failures = [];
const check = (ok, what) => { if (!ok) { failures.push(what); console.log('FAIL:', what); } };
const run = (cmd, argv) => execFileSync(cmd, argv, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'],
                                                     maxBuffer: 1 << 28 });

// ---- the trace and what its timeline must be ----
fs.mkdirSync(args.work, { recursive: true });
fs.mkdirSync(args.shots, { recursive: true });
const session = path.join(args.work, 'browser-session');
fs.rmSync(session, { recursive: true, force: true });
run(args.synth, ['--output', session, '--events', '30000', '--seed', '5', '--lose-at', '6000']);
const truth = JSON.parse(fs.readFileSync(session + '.truth.json', 'utf8'));
const html = path.join(args.work, 'report.html');
const terminal = run(args.view, ['report', session, '-o', html]);
check(terminal.includes('report: ' + html), 'ltt-view report names the file it wrote');
for (const title of ['Events per source and CPU', 'Interrupt delivery latency', 'vCPU scheduling latency'])
  check(terminal.includes(title), `the terminal shows "${title}"`);
const expectFile = path.join(args.work, 'expected-timeline.json');
run(args.python, [args.expect, '--view', args.view, '--json', expectFile, session]);
const expected = JSON.parse(fs.readFileSync(expectFile, 'utf8'));
const cpuLanes = expected.lanes.filter((l) => l.kind === 'cpu');
check(cpuLanes.length === truth.lanes.length, `expected ${truth.lanes.length} CPU lanes from events, got ${cpuLanes.length}`);
const origin = expected.first;

// ---- the browser ----
const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'ltt-report-chromium-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: chromiumPath,
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
         '--disable-component-update', '--disable-sync', '--no-first-run'],
  viewport: { width: 1400, height: 1000 },
});
try {
  const page = context.pages()[0] || await context.newPage();
  const errors = [];
  const requests = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('request', (r) => requests.push(r.url()));
  const url = pathToFileURL(html).href;
  await page.goto(url);
  await page.waitForFunction(() => window.lttTimeline && window.lttTimeline.stats.firstRenderMs !== null,
                             null, { timeout: 120000 });
  check(requests.every((u) => u === url), `the page loads nothing but itself: ${requests.filter((u) => u !== url)}`);
  check(await page.locator('#audit.ok').count() === 1, 'the audit box is green on a good clock');

  // Lanes and slices.
  const lanes = await page.evaluate(() => lttTimeline.lanes());
  check(lanes.filter((l) => l.kind === 'cpu').length === truth.lanes.length,
        `one lane per physical CPU: ${lanes.filter((l) => l.kind === 'cpu').length}, expected ${truth.lanes.length}`);
  check(JSON.stringify(lanes.map((l) => l.name)) === JSON.stringify(expected.lanes.map((l) => l.name)),
        `lanes ${lanes.map((l) => l.name)}, expected ${expected.lanes.map((l) => l.name)}`);
  expected.lanes.forEach((want, i) => {
    const got = lanes[i];
    if (!got) return;
    const counts = want.rows.map((r) => r.length);
    check(JSON.stringify(got.slices) === JSON.stringify(counts), `${want.name}: slices ${got.slices}, expected ${counts}`);
    check(got.instants === want.instants.length, `${want.name}: ${got.instants} instants, expected ${want.instants.length}`);
    check(got.losses === want.instants.filter(([, k]) => k === 'loss').length, `${want.name}: losses`);
  });

  // Zoom: the wheel and the keys change the range shown.
  await page.evaluate(() => document.getElementById('timeline-section').scrollIntoView({ block: 'start' }));
  const canvas = page.locator('.tl-lanes canvas');
  const box = await canvas.boundingBox();
  const before = await page.evaluate(() => lttTimeline.view());
  await page.mouse.move(box.x + box.width * 0.6, box.y + 40);
  await page.mouse.wheel(0, -400);
  await page.evaluate(() => lttTimeline.rendered());
  const wheeled = await page.evaluate(() => lttTimeline.view());
  check(wheeled.end - wheeled.start < (before.end - before.start) * 0.9,
        `the wheel zooms in: ${JSON.stringify(before)} -> ${JSON.stringify(wheeled)}`);
  await page.keyboard.press('s');
  await page.evaluate(() => lttTimeline.rendered());
  const keyed = await page.evaluate(() => lttTimeline.view());
  check(keyed.end - keyed.start > wheeled.end - wheeled.start, 'S zooms out');
  await page.keyboard.press('0');
  await page.evaluate(() => lttTimeline.rendered());
  const all = await page.evaluate(() => lttTimeline.view());
  check(Math.abs((all.end - all.start) - (before.end - before.start)) < 1, '0 shows everything again');

  // Zoomed in on CPU 0: every slice of the window drawn, none merged.
  const rows = cpuLanes[0].rows[0];
  const k = Math.floor(rows.length / 2);
  const a = rows[k][0] - origin, b = rows[k + 60][1] - origin;
  await page.evaluate(([s, e]) => lttTimeline.setView(s, e), [a, b]);
  const stats = await page.evaluate(() => lttTimeline.rendered());
  const overlapping = rows.filter(([s, e]) => e - origin > a && s - origin < b).length;
  check(stats.decimated[0] === false && stats.rawSlices[0] === overlapping,
        `zoomed in, CPU 0 draws ${stats.rawSlices[0]} slices one by one (decimated ${stats.decimated[0]}), expected ${overlapping}`);

  // A click on a slice lists its events.
  let pick = -1;
  for (let j = k; j < rows.length; j++) if (rows[j][1] - rows[j][0] > 2000 && rows[j][2].startsWith('hypercall')) { pick = j; break; }
  check(pick >= 0, 'a hypercall slice to click');
  const [s0, e0, label] = rows[pick];
  const d = e0 - s0;
  await page.evaluate(([s, e]) => lttTimeline.setView(s, e), [s0 - origin - 2 * d, e0 - origin + 2 * d]);
  await page.evaluate(() => lttTimeline.rendered());
  const x = await page.evaluate((t) => lttTimeline.timeToX(t), (s0 + e0) / 2 - origin);
  const y = await page.evaluate(() => lttTimeline.rowY(0, 0));
  await page.mouse.click(box.x + x, box.y + y);
  await page.evaluate(() => lttTimeline.rendered());
  const title = await page.locator('.tl-details h3').innerText();
  check(title.includes(label), `the details of the clicked slice: "${title}", expected ${label}`);
  const events = cpuLanes[0].events.filter((t) => t >= s0 && t <= e0).length;
  const listed = await page.locator('.tl-details table.tl-events tbody tr').count();
  check(events > 0 && listed === events, `the slice's events listed: ${listed}, expected ${events}`);
  const names = await page.locator('.tl-details td.tl-ev-name').allInnerTexts();
  check(names[0] === 'hypercall_entry' && names[names.length - 1] === 'hypercall_exit',
        `a hypercall slice's events run from its entry to its exit: ${names}`);

  // Screenshots: the timeline with a selection, and the top of the page.
  // (A clip of the page rather than the element: the page's sticky bar
  // would cover the element's top once the element is scrolled to.)
  await page.evaluate(() => document.getElementById('timeline-section').scrollIntoView({ block: 'start' }));
  const section = await page.locator('#timeline-section').boundingBox();
  await page.screenshot({ path: path.join(args.shots, 'report-screenshot.png'),
                          clip: { x: 0, y: Math.max(0, section.y - 10), width: 1400,
                                  height: Math.min(section.height + 20, 1000 - Math.max(0, section.y - 10)) } });
  await page.keyboard.press('0');
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: path.join(args.shots, 'report-page.png') });
  check(errors.length === 0, `no console errors: ${errors}`);
  console.log(`browser: ${lanes.length} lanes, ${lanes.reduce((n, l) => n + l.slices.reduce((p, q) => p + q, 0), 0)} slices as expected; ` +
              `first render ${stats.firstRenderMs.toFixed(0)} ms after load; screenshots in ${args.shots}`);
} finally {
  await context.close();
  fs.rmSync(profile, { recursive: true, force: true });
}
if (failures.length) {
  console.log(`${failures.length} checks failed`);
  process.exit(1);
}
console.log('all checks passed');
