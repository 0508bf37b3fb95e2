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
// zoomed in; list a slice's events when it is clicked. Its tables must hold
// what the commands' --json output holds, cell by cell, and the numbers
// ltt-synth says it put in the trace (event counts, CPU time, grants, losses);
// its canvas must really be drawn (pixels read back: lanes filled, a slice in
// its legend colour, lost time hatched, a loss report's red triangle).
// Screenshots go to --shots (the build directory).
//
//   node report_browser.mjs --synth LTT_SYNTH --view LTT_VIEW --python PYTHON
//        --expect timeline_expect.py --work DIR --shots DIR [--chromium PATH]
//
// A missing chromium, node or playwright-core is a failure (make deps installs
// them all): the test never passes without having looked at the page.

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const args = {};
for (let i = 2; i < process.argv.length; i += 2) args[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];
const chromiumPath = args.chromium || '/usr/bin/chromium';
if (!fs.existsSync(chromiumPath)) {
  console.log(`FAIL: no chromium at ${chromiumPath}: run make deps (Debian package chromium)`);
  process.exit(1);
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
const check = (ok, what) => { if (!ok) { failures.push(what); console.log('FAIL:', what); } return ok; };
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

  // ---- the tables: as the commands' --json output has them ----
  const shown = await page.evaluate(() => {
    const out = {};
    for (const sec of document.querySelectorAll('section[data-analysis]')) {
      for (const b of sec.querySelectorAll('[data-table]')) {
        out[sec.dataset.analysis + '/' + b.dataset.table] = [...b.querySelectorAll('table.data tbody tr')]
          .map((tr) => [...tr.cells].map((td) => ({ text: td.textContent.trim(), missing: td.classList.contains('missing') })));
      }
    }
    // The audit box's other tables (guest_events, violations), as the
    // sections' tables.
    for (const b of document.querySelectorAll('#audit [data-table]')) {
      out['audit/' + b.dataset.table] = [...b.querySelectorAll('table.data tbody tr')]
        .map((tr) => [...tr.cells].map((td) => ({ text: td.textContent.trim(), missing: td.classList.contains('missing') })));
    }
    out['audit/checks'] = [...document.querySelectorAll('#audit > .table-wrap table.data tbody tr')]
      .map((tr) => [...tr.cells].map((td) => ({ text: td.textContent.trim(), missing: false })));
    return out;
  });
  // A cell as the page prints it, read back into the JSON's unit (seconds
  // for times, per second for rates), with half its last digit as tolerance.
  const SCALE = { s: 1, ms: 1e-3, us: 1e-6, ns: 1e-9, 'M/s': 1e6, 'k/s': 1e3, '/s': 1 };
  const readCell = (text, u) => {
    if (u === 'count' || u === 'id') return /^[0-9,]+$/.test(text) ? { v: Number(text.replaceAll(',', '')), tol: 0 } : null;
    const m = /^(-?[0-9]+)(?:\.([0-9]+))?\s*(%|s|ms|us|ns|M\/s|k\/s|\/s)$/.exec(text);
    if (!m) return null;
    const scale = m[3] === '%' ? 1 : SCALE[m[3]];
    const digits = m[2] ? m[2].length : 0;
    return { v: Number(m[1] + '.' + (m[2] || '0')) * scale, tol: 0.5 * 10 ** -digits * scale * 1.0001 + 1e-15 };
  };
  const sameCell = (got, want, u) => {
    if (want === null) return got.missing || got.text === '-';
    if (u === 'text') return got.text === String(want);
    if (typeof want !== 'number') return false;
    const r = readCell(got.text, u);
    return r !== null && Math.abs(r.v - want) <= r.tol;
  };
  let cellsCompared = 0;
  for (const command of ['summary', 'irq-latency', 'sched-latency', 'cpu', 'grants', 'loss']) {
    const json = JSON.parse(run(args.view, [command, '--json', session]));
    for (const result of json.results) {
      for (const t of result.tables) {
        const key = `${result.analysis}/${t.name}`;
        const rows = shown[key];
        if (!check(rows !== undefined, `the page has the table ${key} of ${command} --json`)) continue;
        check(rows.length === t.rows.length, `${key}: ${rows.length} rows on the page, ${t.rows.length} in ${command} --json`);
        t.rows.slice(0, rows.length).forEach((row, i) => {
          if (key === 'audit/checks') {
            const [verdict, name, count] = rows[i];
            check(verdict.text === row.verdict && name.text === row.check && sameCell(count, row.count, 'count'),
                  `audit check ${i}: page ${JSON.stringify(rows[i].map((c) => c.text))}, json ${JSON.stringify(row)}`);
            cellsCompared += 3;
            return;
          }
          t.columns.forEach((c, j) => {
            const got = rows[i][j];
            cellsCompared++;
            check(got !== undefined && sameCell(got, row[c.name], c.unit),
                  `${key} row ${i} ${c.name}: page "${got && got.text}", ${command} --json ${row[c.name]} (${c.unit})`);
          });
        });
      }
    }
  }
  check(cellsCompared > 500, `${cellsCompared} table cells compared with the --json output`);

  // ---- the numbers ltt-synth put in the trace ----
  const cellText = (key, match, column) => {
    const json = JSON.parse(run(args.view, [key.command, '--json', session]));
    const t = json.results.find((r) => r.analysis === key.analysis).tables.find((x) => x.name === key.table);
    const j = t.columns.findIndex((c) => c.name === column);
    const i = t.rows.findIndex(match);
    return i < 0 ? undefined : shown[`${key.analysis}/${key.table}`][i][j].text;
  };
  const classes = { command: 'summary', analysis: 'event_counts', table: 'event_classes' };
  for (const [name, count] of Object.entries(truth.xen_events)) {
    const got = cellText(classes, (r) => r.layer === 'xen' && r.event === name, 'count');
    check(got !== undefined && Number(got.replaceAll(',', '')) === count,
          `Xen's ${name}: ${got} on the page, ${count} written by ltt-synth`);
  }
  const cpuLanesKey = { command: 'cpu', analysis: 'cpu', table: 'lanes' };
  for (const lane of truth.lanes) {
    for (const what of ['hypervisor', 'idle', 'lost']) {
      const got = cellText(cpuLanesKey, (r) => r.cpu === lane.pcpu, what);
      const r = got === undefined ? null : readCell(got, 'time');
      check(r !== null && Math.abs(r.v - lane[what] / truth.tsc_hz) <= r.tol,
            `CPU ${lane.pcpu} ${what} time: ${got} on the page, ${lane[what] / truth.tsc_hz} s written by ltt-synth`);
    }
  }
  for (const g of truth.grants) {
    for (const what of ['maps', 'unmaps']) {
      const got = cellText({ command: 'grants', analysis: 'grants', table: 'pairs' },
                           (r) => r.granting_domid === g.granting_domid && r.mapping_domid === g.mapping_domid, what);
      check(got !== undefined && Number(got.replaceAll(',', '')) === g[what],
            `grants dom${g.granting_domid} -> dom${g.mapping_domid} ${what}: ${got} on the page, ${g[what]} by ltt-synth`);
    }
  }

  // ---- losses, visible before anything else ----
  const lostTotal = Object.values(truth.lost).reduce((a, b) => a + b, 0);
  check(lostTotal > 0, 'the session has losses');
  const banner = page.locator('#losses');
  check(await banner.isVisible(), 'a loss banner is shown');
  const bannerText = await banner.innerText();
  check(bannerText.includes(`${lostTotal.toLocaleString('en-US')} events lost`), `the banner says ${lostTotal} events lost: "${bannerText}"`);
  for (const [cpu, n] of Object.entries(truth.lost))
    check(bannerText.includes(`hypervisor CPU ${cpu}: ${n.toLocaleString('en-US')} events`), `the banner names CPU ${cpu}'s ${n} lost events`);
  const bannerBox = await banner.boundingBox();
  check(bannerBox && bannerBox.y < 1000, 'the loss banner is on the first screen');
  check(await page.locator('.card.loss').innerText().then((t) => t.includes(lostTotal.toLocaleString('en-US'))),
        'the header\'s red card counts the lost events');

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

  // ---- the canvas, read back: drawn, in the legend's colours ----
  // Pixels of the lanes canvas at CSS coordinates, as [r, g, b].
  const pixels = (points) => page.evaluate((pts) => {
    const c = document.querySelector('.tl-lanes canvas');
    const d = window.devicePixelRatio || 1;
    const g = c.getContext('2d');
    return pts.map(([x, y]) => [...g.getImageData(Math.floor(x * d), Math.floor(y * d), 1, 1).data].slice(0, 3));
  }, points);
  const legendColour = (title) => page.evaluate((t) => {
    const item = [...document.querySelectorAll('.tl-legend-item')].find((i) => i.innerText.trim() === t);
    if (!item) return null;
    return getComputedStyle(item.querySelector('.tl-chip')).backgroundColor.match(/\d+/g).slice(0, 3).map(Number);
  }, title);
  const near = (p, q, tol = 3) => q !== null && p.every((v, i) => Math.abs(v - q[i]) <= tol);
  const background = (p) => p.every((v) => v >= 250);
  const cpu0 = cpuLanes[0].rows[0];
  {
    // Everything shown: CPU 0's lane is filled wherever it has slices.
    const y = await page.evaluate(() => lttTimeline.rowY(0, 0));
    const xs = [];
    for (let i = 0; i < 200; i++) {
      const t = cpu0[0][0] + (cpu0[cpu0.length - 1][1] - cpu0[0][0]) * (i + 0.5) / 200 - origin;
      xs.push([await page.evaluate((tt) => lttTimeline.timeToX(tt), t), y]);
    }
    const filled = (await pixels(xs)).filter((p) => !background(p)).length;
    check(filled >= 195, `the whole trace shown, CPU 0's lane is drawn: ${filled} of 200 samples filled`);
  }

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
  // The slice and its neighbours in their legend colours (sampled near the
  // row's top edge, clear of the labels).
  for (const j of [pick - 1, pick, pick + 1]) {
    const [s1, e1, l1] = rows[j];
    const title = l1.startsWith('hypercall') ? 'hypercall' : /^dom\d+ vCPU/.test(l1) ? l1.split(' ')[0] + ' running'
      : l1 === 'interrupts' ? 'interrupt (Xen)' : l1;
    const want = await legendColour(title);
    const sx = await page.evaluate((t) => lttTimeline.timeToX(t), (Math.max(s1, s0 - 2 * d) + Math.min(e1, e0 + 2 * d)) / 2 - origin);
    const [got] = await pixels([[sx, y - 8]]);
    check(want !== null && near(got, want), `"${l1}" drawn in its legend colour ${want}: ${got}`);
  }
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

  // The loss on CPU 1: its lost time hatched, its report a red triangle.
  const lossLane = expected.lanes.findIndex((l) => l.instants.some(([, k]) => k === 'loss'));
  check(lossLane >= 0, 'a lane with a loss report');
  if (lossLane >= 0) {
    const lane = expected.lanes[lossLane];
    const [tLoss] = lane.instants.find(([, k]) => k === 'loss');
    const lost = lane.rows[0].filter(([, , l]) => l === 'lost').reduce((a, b) => (b[1] - b[0] > a[1] - a[0] ? b : a));
    const span = lost[1] - lost[0];
    await page.evaluate(([a1, b1]) => lttTimeline.setView(a1, b1), [lost[0] - origin - span / 4, Math.max(lost[1], tLoss) - origin + span / 4]);
    await page.evaluate(() => lttTimeline.rendered());
    const ly = await page.evaluate((li) => lttTimeline.rowY(li, 0), lossLane);
    const patch = [];
    for (let i = 0; i < 40; i++) {
      const t = lost[0] + span * (0.3 + 0.4 * i / 40) - origin;
      const lx = await page.evaluate((tt) => lttTimeline.timeToX(tt), t);
      for (const dy of [-8, -6, 6, 8]) patch.push([lx, ly + dy]);
    }
    const got = await pixels(patch);
    const base = got.filter((p) => near(p, [31, 41, 55], 8)).length, stripe = got.filter((p) => near(p, [107, 114, 128], 8)).length;
    check(base > 0 && stripe > 0 && base + stripe >= got.length * 0.6,
          `${lane.name}'s lost time is hatched: ${base} dark and ${stripe} stripe pixels of ${got.length}`);
    const tx = await page.evaluate((tt) => lttTimeline.timeToX(tt), tLoss - origin);
    const column = [];
    for (let dy = -30; dy <= -5; dy++) for (const dx of [-1, 0, 1]) column.push([tx + dx, ly + dy]);
    const red = (await pixels(column)).filter((p) => near(p, [185, 28, 28], 8)).length;
    check(red >= 10, `${lane.name}'s loss report is drawn as a red triangle: ${red} red pixels above the lane`);
  }

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
  console.log(`browser: ${cellsCompared} table cells as --json has them; ${lanes.length} lanes, ${lanes.reduce((n, l) => n + l.slices.reduce((p, q) => p + q, 0), 0)} slices as expected; ` +
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
