// timeline_view.js - the report's timeline: one lane per physical CPU (and
// per traced guest vCPU), drawn on a canvas, zoomed with the mouse wheel,
// the buttons or W/S (+/-), panned by dragging, with A/D or the arrow keys;
// 0 shows everything again. A click on a slice lists its events below.
//
// Slices narrower than a pixel are merged: per pixel the one covering most
// of it is drawn (from the model's summaries when zoomed out, from the
// slices themselves when zoomed in), so drawing costs the canvas's width,
// not the trace's length. window.lttTimeline is for tests and scripts.
'use strict';

(async () => {
  const root = document.getElementById('timeline');
  const source = document.getElementById('ltt-timeline-data');
  if (!root || !source) return;
  root.innerHTML = '<p class="tl-hint">Decoding the timeline\u2026</p>';
  const t0 = performance.now();
  const timing = {};
  let model;
  try {
    if (typeof DecompressionStream === 'undefined') {
      throw new Error('this browser has no DecompressionStream; the timeline needs Chrome 80, ' +
                      'Firefox 113, Safari 16.4 or later (the tables above need nothing)');
    }
    model = await LttModel.decode(JSON.parse(source.textContent), timing);
  } catch (e) {
    root.innerHTML = '';
    const p = document.createElement('p');
    p.className = 'notice';
    p.textContent = 'The timeline cannot be shown: ' + e.message;
    root.appendChild(p);
    console.error('ltt-view timeline:', e);
    return;
  }
  const decodeMs = performance.now() - t0;

  // ---- colours ----
  const DOMAINS = ['#2563eb', '#16a34a', '#ea580c', '#9333ea', '#0891b2', '#ca8a04', '#db2777',
                   '#4f46e5'];
  const KIND_COLOURS = {
    idle: '#e5e7eb', interrupt: '#dc2626', hypercall: '#f59e0b', exit: '#a855f7',
    scheduler: '#475569', lost: '#1f2937', unknown: '#cbd5e1', blocked: '#f1f5f9',
    upcall: '#0d9488', irq_handler: '#e11d48', event: '#64748b', loss: '#b91c1c',
  };
  const KIND_TITLES = {
    idle: 'idle', interrupt: 'interrupt (Xen)', hypercall: 'hypercall', exit: 'HVM exit',
    scheduler: "Xen's scheduler", lost: 'lost (events dropped)', unknown: 'unknown (before the trace says)',
    runnable: 'vCPU runnable (waiting)', blocked: 'vCPU blocked', upcall: 'guest upcall',
    irq_handler: 'guest irq handler', event: 'guest event', loss: 'loss report',
  };
  const domainColour = (d) => DOMAINS[d === 0 ? 0 : 1 + ((d - 1) % (DOMAINS.length - 1))];
  function lighten(hex, f) {
    const v = parseInt(hex.slice(1), 16);
    const mix = (c) => Math.round(c + (255 - c) * f);
    return 'rgb(' + mix(v >> 16) + ',' + mix((v >> 8) & 255) + ',' + mix(v & 255) + ')';
  }
  function hatch(base, stripe) {
    const c = document.createElement('canvas');
    c.width = c.height = 8;
    const g = c.getContext('2d');
    g.fillStyle = base; g.fillRect(0, 0, 8, 8);
    g.strokeStyle = stripe; g.lineWidth = 2;
    g.beginPath(); g.moveTo(0, 8); g.lineTo(8, 0); g.moveTo(-2, 2); g.lineTo(2, -2);
    g.moveTo(6, 10); g.lineTo(10, 6); g.stroke();
    return c;
  }
  // Per name: fill style (colour or pattern key), text colour.
  const styles = model.names.map((n) => {
    let fill;
    if (n.kind === 'guest') fill = domainColour(n.domid < 0 ? 0 : n.domid);
    else if (n.kind === 'runnable') fill = lighten(domainColour(n.domid < 0 ? 0 : n.domid), 0.6);
    else fill = KIND_COLOURS[n.kind] || '#94a3b8';
    const v = fill.startsWith('#') ? parseInt(fill.slice(1), 16) : 0xcccccc;
    const lum = 0.299 * (v >> 16) + 0.587 * ((v >> 8) & 255) + 0.114 * (v & 255);
    return { fill, key: n.kind === 'guest' || n.kind === 'runnable' ? n.kind + n.domid : n.kind,
             text: fill.startsWith('#') && lum < 150 ? '#fff' : '#111827',
             hatched: n.kind === 'lost' || n.kind === 'unknown' };
  });

  // ---- layout ----
  const GUTTER = 168, MARKS = 8, CPU_ROW = 22, VCPU_ROW = 13, LANE_PAD = 6, GROUP_H = 22;
  const layout = [];
  let y = 0, lastGroup = null;
  model.lanes.forEach((lane, index) => {
    if (lane.group !== lastGroup) {
      layout.push({ group: lane.group, y });
      y += GROUP_H;
      lastGroup = lane.group;
    }
    const rowH = lane.kind === 'cpu' ? CPU_ROW : VCPU_ROW;
    layout.push({ lane, index, y, rowH, height: MARKS + rowH * lane.rows.length + LANE_PAD });
    y += MARKS + rowH * lane.rows.length + LANE_PAD;
  });
  const totalHeight = y + 4;
  const laneBoxes = layout.filter((l) => l.lane);

  // ---- DOM ----
  root.innerHTML = '';
  const el = (tag, cls, parent, text) => {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    if (parent) parent.appendChild(e);
    return e;
  };
  const bar = el('div', 'tl-toolbar', root);
  const buttons = el('div', 'tl-buttons', bar);
  const button = (label, title, fn) => {
    const b = el('button', 'tl-button', buttons, label);
    b.title = title;
    b.type = 'button';
    b.addEventListener('click', () => { markInput(); fn(); });
    return b;
  };
  const rangeText = el('div', 'tl-range', bar);
  const help = el('div', 'tl-help', bar,
                  'wheel or W/S: zoom \u00b7 drag, A/D or \u2190/\u2192: pan \u00b7 0: all \u00b7 click: events');
  const legend = el('div', 'tl-legend', root);
  const overview = el('canvas', 'tl-overview', root);
  const axis = el('canvas', 'tl-axis', root);
  const canvasBox = el('div', 'tl-lanes', root);
  const canvas = el('canvas', '', canvasBox);
  const tip = el('div', 'tl-tip', root);
  const details = el('div', 'tl-details', root);
  details.innerHTML = '<p class="tl-hint">Click a slice to see its events.</p>';

  // ---- time ----
  const hz = model.freq;
  const fmtNum = (v, d) => v.toFixed(d);
  function fmtDuration(ticks) {
    if (!hz) return Math.round(ticks).toLocaleString('en') + ' cycles';
    const s = ticks / hz, a = Math.abs(s);
    if (a >= 1) return fmtNum(s, 3) + ' s';
    if (a >= 1e-3) return fmtNum(s * 1e3, 3) + ' ms';
    if (a >= 1e-6) return fmtNum(s * 1e6, 3) + ' us';
    return fmtNum(s * 1e9, 0) + ' ns';
  }
  // A time since the trace's start, with the digits `step` needs.
  function fmtTime(ticks, step) {
    if (!hz) return Math.round(ticks).toLocaleString('en');
    const s = ticks / hz, st = (step || 1) / hz;
    const span = Math.max(Math.abs(s), st);
    const unit = span >= 1 ? [1, 's'] : span >= 1e-3 ? [1e3, 'ms'] : span >= 1e-6 ? [1e6, 'us'] : [1e9, 'ns'];
    const d = Math.max(0, Math.min(9, Math.ceil(-Math.log10(st * unit[0]) - 1e-9)));
    return fmtNum(s * unit[0], d) + ' ' + unit[1];
  }
  // Exact time of an event (seconds with nanoseconds).
  const fmtStamp = (ticks) => hz ? fmtNum(ticks / hz, 9) + ' s' : Math.round(ticks).toLocaleString('en');

  // ---- view ----
  const margin = model.span * 0.01;
  const full = { start: -margin, end: model.last + margin };
  const view = { start: full.start, end: full.end };
  const MIN_RANGE = 20;
  let width = 800, dpr = 1;
  const plotW = () => Math.max(10, width - GUTTER);
  const X = (t) => GUTTER + (t - view.start) / (view.end - view.start) * plotW();
  const T = (x) => view.start + (x - GUTTER) / plotW() * (view.end - view.start);
  function setView(s, e) {
    let r = Math.max(MIN_RANGE, e - s);
    const maxR = full.end - full.start;
    if (r > maxR) r = maxR;
    if (s < full.start) s = full.start;
    if (s + r > full.end) s = full.end - r;
    view.start = s; view.end = s + r;
    schedule();
  }
  function zoom(factor, atX) {
    const x = atX === undefined ? GUTTER + plotW() / 2 : atX;
    const t = T(x), r = (view.end - view.start) * factor;
    const f = (x - GUTTER) / plotW();
    setView(t - f * r, t - f * r + r);
  }
  const pan = (fraction) => {
    const r = view.end - view.start;
    setView(view.start + fraction * r, view.end + fraction * r);
  };
  const reset = () => setView(full.start, full.end);

  button('\u2212', 'zoom out (S, -)', () => zoom(2));
  button('+', 'zoom in (W, +)', () => zoom(0.5));
  button('\u25c0', 'pan left (A, \u2190)', () => pan(-0.25));
  button('\u25b6', 'pan right (D, \u2192)', () => pan(0.25));
  button('All', 'show everything (0)', reset);

  // ---- legend: what the slices' colours mean ----
  {
    const seen = new Map();
    model.names.forEach((n, i) => {
      const s = styles[i];
      if (seen.has(s.key)) return;
      let title = KIND_TITLES[n.kind] || n.kind;
      if (n.kind === 'guest') title = 'dom' + n.domid + ' running';
      if (n.kind === 'runnable') title = 'dom' + n.domid + ' vCPU runnable';
      seen.set(s.key, { title, style: s });
    });
    const order = ['guest', 'runnable', 'idle', 'interrupt', 'hypercall', 'exit', 'scheduler',
                   'blocked', 'upcall', 'irq_handler', 'event', 'lost', 'unknown', 'loss'];
    const entries = [...seen.entries()].sort((a, b) => {
      const ka = order.findIndex((k) => a[0].startsWith(k)), kb = order.findIndex((k) => b[0].startsWith(k));
      return ka - kb || (a[0] < b[0] ? -1 : 1);
    });
    for (const [, v] of entries) {
      const item = el('span', 'tl-legend-item', legend);
      const chip = el('span', 'tl-chip', item);
      chip.style.background = v.style.fill;
      if (v.style.hatched) chip.classList.add('tl-chip-hatched');
      el('span', '', item, v.title);
    }
    const tick = el('span', 'tl-legend-item', legend);
    el('span', 'tl-chip tl-chip-tick', tick);
    el('span', '', tick, 'interrupt / guest event (tick above the lane)');
  }

  // ---- drawing ----
  const ctx = canvas.getContext('2d');
  const actx = axis.getContext('2d');
  const octx = overview.getContext('2d');
  const patterns = {
    lost: ctx.createPattern(hatch('#1f2937', '#6b7280'), 'repeat'),
    unknown: ctx.createPattern(hatch('#e2e8f0', '#cbd5e1'), 'repeat'),
  };
  const fillOf = (name) => {
    const s = styles[name];
    return s.hatched ? patterns[model.names[name].kind] : s.fill;
  };
  const stats = {
    decodeMs, timing, firstRenderMs: null, firstRenderAt: null, renders: 0, lastRenderMs: 0,
    lastInputLatencyMs: null, decimated: [], rawSlices: [],
  };
  let inputAt = null;
  function markInput() { inputAt = performance.now(); }
  let pending = false;
  function schedule() {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => { pending = false; render(); });
  }
  function resize() {
    dpr = window.devicePixelRatio || 1;
    width = Math.max(400, root.clientWidth);
    for (const [c, h] of [[canvas, totalHeight], [axis, 30], [overview, 34]]) {
      c.width = Math.round(width * dpr); c.height = Math.round(h * dpr);
      c.style.width = width + 'px'; c.style.height = h + 'px';
    }
    schedule();
  }

  // Slices of one row in view, merged per pixel: returns slices visited.
  function drawRow(row, top, h, labels) {
    const W = plotW(), pxTicks = (view.end - view.start) / W;
    const level = row.level(pxTicks);
    let runFill = null, runX0 = 0, runX1 = 0;
    const flushRun = () => {
      if (runFill !== null && runX1 > runX0) {
        ctx.fillStyle = runFill;
        ctx.fillRect(runX0, top, runX1 - runX0, h);
      }
      runFill = null;
    };
    const put = (fill, x0, x1, alpha) => {
      x0 = Math.max(x0, GUTTER); x1 = Math.min(x1, width);
      if (x1 <= x0) return;
      if (alpha < 1) {
        flushRun();
        ctx.globalAlpha = alpha; ctx.fillStyle = fill; ctx.fillRect(x0, top, x1 - x0, h);
        ctx.globalAlpha = 1;
        return;
      }
      if (fill === runFill && x0 <= runX1 + 0.01) { runX1 = Math.max(runX1, x1); return; }
      flushRun();
      runFill = fill; runX0 = x0; runX1 = x1;
    };
    if (level) {
      const b0 = Math.max(0, Math.floor(view.start / level.w));
      const b1 = Math.min(level.dom.length - 1, Math.floor(view.end / level.w));
      for (let b = b0; b <= b1; b++) {
        const d = level.dom[b];
        if (d < 0) continue;
        const frac = level.cover[b] / level.w;
        put(fillOf(d), X(b * level.w), X((b + 1) * level.w), frac > 0.98 ? 1 : Math.max(0.35, frac));
      }
      flushRun();
      return -1;
    }
    let i = row.firstEndingAfter(view.start);
    let visited = 0;
    let col = -1, colBest = -1, colDur = 0;
    const flushCol = () => {
      if (col >= 0) put(fillOf(colBest), col, col + 1, 1);
      col = -1; colBest = -1; colDur = 0;
    };
    for (; i < row.n && row.starts[i] < view.end; i++) {
      visited++;
      const s = row.starts[i], e = row.ends[i], name = row.names[i];
      const x0 = X(s), x1 = X(e);
      if (x1 - x0 >= 1) {
        flushCol();
        put(fillOf(name), x0, x1, 1);
        if (labels && x1 - x0 > 44) labels.push([x0, x1, name]);
        continue;
      }
      const px = Math.floor(x0);
      if (px !== col) { flushCol(); col = px; }
      const d = Math.min(e, T(px + 1)) - Math.max(s, T(px));
      if (d > colDur) { colDur = d; colBest = name; }
    }
    flushCol();
    flushRun();
    return visited;
  }

  function drawLabels(labels, top, h) {
    if (!labels.length) return;
    ctx.font = (h >= 18 ? 11 : 9) + 'px system-ui, -apple-system, "Segoe UI", sans-serif';
    ctx.textBaseline = 'middle';
    for (const [x0, x1, name] of labels) {
      const a = Math.max(x0, GUTTER) + 4, b = Math.min(x1, width) - 3;
      if (b - a < 30) continue;
      let text = model.names[name].label;
      const avail = b - a;
      if (ctx.measureText(text).width > avail) {
        while (text.length > 1 && ctx.measureText(text + '\u2026').width > avail) text = text.slice(0, -1);
        text += '\u2026';
      }
      ctx.fillStyle = styles[name].text;
      ctx.fillText(text, a, top + h / 2 + 0.5);
    }
  }

  // Instants: one tick per pixel that has any; losses always, in red.
  function drawMarks(lane, top) {
    const pts = lane.instants, W = plotW();
    let i = pts.from(view.start);
    while (i < pts.n && pts.ts[i] < view.end) {
      const x = X(pts.ts[i]);
      const px = Math.floor(x);
      const kind = model.names[pts.names[i]].kind;
      ctx.fillStyle = kind === 'interrupt' ? '#dc2626' : '#64748b';
      ctx.fillRect(px, top + 1, 1, MARKS - 3);
      i = pts.from(T(px + 1));
    }
    ctx.fillStyle = '#b91c1c';
    for (const k of lane.losses) {
      const x = X(pts.ts[k]);
      if (x < GUTTER - 4 || x > width + 4) continue;
      ctx.beginPath();
      ctx.moveTo(x - 5, top - 1); ctx.lineTo(x + 5, top - 1); ctx.lineTo(x, top + MARKS);
      ctx.closePath(); ctx.fill();
    }
    return W;
  }

  let selection = null; // {box, row, index} or {box, instant}
  function render() {
    const start = performance.now();
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, width, totalHeight);
    stats.decimated = []; stats.rawSlices = [];
    for (const item of layout) {
      if (!item.lane) {
        ctx.fillStyle = '#f8fafc';
        ctx.fillRect(0, item.y, width, GROUP_H);
        ctx.fillStyle = '#334155';
        ctx.font = '600 12px system-ui, -apple-system, "Segoe UI", sans-serif';
        ctx.textBaseline = 'middle';
        ctx.fillText(item.group === 'hypervisor' ? 'Hypervisor \u2014 physical CPUs' : item.group,
                     10, item.y + GROUP_H / 2);
        continue;
      }
      const lane = item.lane;
      const top = item.y + MARKS;
      ctx.fillStyle = item.index % 2 ? '#fcfcfd' : '#ffffff';
      ctx.fillRect(0, item.y, width, item.height);
      let visited = 0, decimated = false;
      lane.rows.forEach((row, r) => {
        const labels = [];
        const v = drawRow(row, top + r * item.rowH, item.rowH - 1, labels);
        if (v < 0) decimated = true; else visited += v;
        drawLabels(labels, top + r * item.rowH, item.rowH - 1);
      });
      drawMarks(lane, item.y);
      stats.decimated.push(decimated);
      stats.rawSlices.push(decimated ? -1 : visited);
      // Lane name in the gutter.
      ctx.fillStyle = '#ffffff';
      ctx.fillRect(0, item.y, GUTTER - 1, item.height);
      ctx.fillStyle = '#0f172a';
      ctx.font = '500 12px system-ui, -apple-system, "Segoe UI", sans-serif';
      ctx.textBaseline = 'middle';
      ctx.fillText(lane.name, 12, top + (item.rowH * lane.rows.length) / 2);
      if (lane.kind === 'vcpu') {
        ctx.fillStyle = '#94a3b8';
        ctx.font = '9px system-ui, sans-serif';
        ['runstate', 'upcall', 'handler'].forEach((t, r) =>
          ctx.fillText(t, GUTTER - 50, top + r * item.rowH + item.rowH / 2));
      }
      ctx.fillStyle = '#e2e8f0';
      ctx.fillRect(0, item.y + item.height - 1, width, 1);
    }
    ctx.fillStyle = '#cbd5e1';
    ctx.fillRect(GUTTER - 1, 0, 1, totalHeight);
    drawSelection();
    drawAxis();
    drawOverview();
    rangeText.textContent = fmtTime(Math.max(0, view.start), view.end - view.start) + ' \u2013 ' +
      fmtTime(view.end, view.end - view.start) + '  (' + fmtDuration(view.end - view.start) + ' shown)';
    const end = performance.now();
    stats.renders++;
    stats.lastRenderMs = end - start;
    if (stats.firstRenderMs === null) { stats.firstRenderMs = end - t0; stats.firstRenderAt = end; }
    if (inputAt !== null) { stats.lastInputLatencyMs = end - inputAt; inputAt = null; }
  }

  function drawSelection() {
    if (!selection) return;
    const item = selection.box;
    ctx.strokeStyle = '#0f172a'; ctx.lineWidth = 2;
    if (selection.instant !== undefined) {
      const x = X(item.lane.instants.ts[selection.instant]);
      ctx.strokeRect(x - 3, item.y, 6, MARKS + 2);
      return;
    }
    const row = item.lane.rows[selection.row];
    const x0 = Math.max(GUTTER, X(row.starts[selection.index]));
    const x1 = Math.min(width, X(row.ends[selection.index]));
    const top = item.y + MARKS + selection.row * item.rowH;
    ctx.strokeRect(x0, top - 1, Math.max(2, x1 - x0), item.rowH + 1);
  }

  function niceStep(ticks) {
    const unit = hz ? hz : 1;
    const raw = ticks / unit;
    const p = Math.pow(10, Math.floor(Math.log10(raw)));
    const m = raw / p;
    return (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10) * p * unit;
  }
  function drawAxis() {
    actx.setTransform(dpr, 0, 0, dpr, 0, 0);
    actx.clearRect(0, 0, width, 30);
    actx.fillStyle = '#ffffff'; actx.fillRect(0, 0, width, 30);
    actx.fillStyle = '#cbd5e1'; actx.fillRect(GUTTER, 29, width - GUTTER, 1);
    const step = niceStep((view.end - view.start) / Math.max(1, plotW() / 110));
    actx.font = '11px system-ui, -apple-system, "Segoe UI", sans-serif';
    actx.textBaseline = 'top';
    actx.fillStyle = '#334155';
    for (let t = Math.ceil(view.start / step) * step; t <= view.end; t += step) {
      const x = X(t);
      if (x < GUTTER) continue;
      actx.fillStyle = '#94a3b8'; actx.fillRect(Math.round(x), 20, 1, 9);
      actx.fillStyle = '#334155';
      actx.fillText(fmtTime(t, step), Math.round(x) + 3, 6);
    }
    actx.fillStyle = '#64748b';
    actx.fillText(hz ? 'time since trace start' : 'cycles since trace start (TSC frequency unknown)', 10, 6);
    // Grid lines on the lanes.
    ctx.fillStyle = 'rgba(15, 23, 42, 0.06)';
    for (let t = Math.ceil(view.start / step) * step; t <= view.end; t += step) {
      const x = X(t);
      if (x >= GUTTER) ctx.fillRect(Math.round(x), 0, 1, totalHeight);
    }
  }

  // The whole trace, small, with the part shown framed.
  function drawOverview() {
    octx.setTransform(dpr, 0, 0, dpr, 0, 0);
    octx.clearRect(0, 0, width, 34);
    octx.fillStyle = '#f8fafc'; octx.fillRect(GUTTER, 0, width - GUTTER, 34);
    const W = plotW();
    const OX = (t) => GUTTER + (t - full.start) / (full.end - full.start) * W;
    const cpuLanes = model.lanes.filter((l) => l.kind === 'cpu');
    const h = Math.max(2, Math.min(8, Math.floor(30 / Math.max(1, cpuLanes.length))));
    cpuLanes.forEach((lane, k) => {
      const row = lane.rows[0];
      const top = 2 + k * h;
      if (top + h > 32) return;
      const levels = row.levels;
      if (levels) {
        const l = levels[levels.length - 1];
        for (let b = 0; b < l.dom.length; b++) {
          if (l.dom[b] < 0) continue;
          octx.fillStyle = styles[l.dom[b]].fill;
          octx.fillRect(OX(b * l.w), top, Math.max(1, OX((b + 1) * l.w) - OX(b * l.w)), h - 1);
        }
      } else {
        for (let i = 0; i < row.n; i++) {
          octx.fillStyle = styles[row.names[i]].fill;
          octx.fillRect(OX(row.starts[i]), top, Math.max(0.5, OX(row.ends[i]) - OX(row.starts[i])), h - 1);
        }
      }
    });
    const a = OX(view.start), b = OX(view.end);
    octx.fillStyle = 'rgba(148, 163, 184, 0.45)';
    octx.fillRect(GUTTER, 0, Math.max(0, a - GUTTER), 34);
    octx.fillRect(b, 0, Math.max(0, width - b), 34);
    octx.strokeStyle = '#0f172a'; octx.lineWidth = 1.5;
    octx.strokeRect(a, 0.75, Math.max(2, b - a), 32.5);
    octx.fillStyle = '#475569';
    octx.font = '11px system-ui, sans-serif';
    octx.textBaseline = 'middle';
    octx.fillText('whole trace', 12, 17);
  }

  // ---- finding what is under the mouse ----
  function hit(x, yy) {
    if (x < GUTTER) return null;
    const box = laneBoxes.find((b) => yy >= b.y && yy < b.y + b.height);
    if (!box) return null;
    const t = T(x), tol = (view.end - view.start) / plotW() * 3;
    if (yy < box.y + MARKS) {
      const pts = box.lane.instants;
      const i = pts.from(t - tol);
      if (i < pts.n && pts.ts[i] <= t + tol) return { box, instant: i };
      return null;
    }
    const r = Math.floor((yy - box.y - MARKS) / box.rowH);
    if (r < 0 || r >= box.lane.rows.length) return null;
    const row = box.lane.rows[r];
    let i = row.at(t);
    if (i < 0) {
      // The nearest slice within a few pixels (narrow ones are hard to hit).
      const j = row.firstEndingAfter(t - tol);
      if (j < row.n && row.starts[j] <= t + tol) i = j;
    }
    if (i < 0) return null;
    const pxTicks = (view.end - view.start) / plotW();
    const many = row.ends[i] - row.starts[i] < pxTicks;
    return { box, row: r, index: i, merged: many ? pxRange(row, x) : null };
  }
  function pxRange(row, x) {
    const px = Math.floor(x);
    const a = row.firstEndingAfter(T(px)), b = LttModel.lowerBound(row.starts, T(px + 1), a, row.n);
    return [a, b];
  }

  function escapeHtml(s) {
    return String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[c]));
  }

  const MAX_ROWS = 500;
  function showDetails(h) {
    selection = h;
    schedule();
    if (!h) { details.innerHTML = '<p class="tl-hint">Click a slice to see its events.</p>'; return; }
    const lane = h.box.lane;
    let html = '';
    let from, to;
    if (h.instant !== undefined) {
      const n = model.names[lane.instants.names[h.instant]];
      from = to = lane.instants.ts[h.instant];
      html += '<h3>' + escapeHtml(n.label) + ' <span class="tl-sub">' + escapeHtml(lane.name) +
        ' \u00b7 at ' + fmtStamp(from) + '</span></h3>';
    } else {
      const row = lane.rows[h.row];
      const n = model.names[row.names[h.index]];
      from = row.starts[h.index]; to = row.ends[h.index];
      html += '<h3><span class="tl-chip" style="background:' + styles[row.names[h.index]].fill +
        '"></span>' + escapeHtml(n.label) + ' <span class="tl-sub">' + escapeHtml(lane.name) +
        ' \u00b7 ' + fmtStamp(from) + ' \u2192 ' + fmtStamp(to) + ' \u00b7 ' + fmtDuration(to - from) +
        '</span></h3>';
      if (h.merged && h.merged[1] - h.merged[0] > 1) {
        const [a, b] = h.merged;
        html += '<p class="tl-note">' + (b - a).toLocaleString('en') + ' slices share this pixel; ' +
          'the one covering most of it is drawn. Zoom in to see them apart ' +
          '<button type="button" class="tl-button tl-zoom-here">zoom here</button></p>';
        html += '<table class="tl-table"><thead><tr><th>slice</th><th>start</th><th>duration</th></tr></thead><tbody>';
        for (let k = a; k < Math.min(b, a + 50); k++) {
          html += '<tr><td>' + escapeHtml(model.names[row.names[k]].label) + '</td><td class="num">' +
            fmtStamp(row.starts[k]) + '</td><td class="num">' + fmtDuration(row.ends[k] - row.starts[k]) + '</td></tr>';
        }
        html += '</tbody></table>';
        if (b - a > 50) html += '<p class="tl-note">\u2026 and ' + (b - a - 50).toLocaleString('en') + ' more.</p>';
      }
    }
    const ev = lane.events;
    const a = ev.from(from), b = ev.after(to);
    const detail = model.detail;
    const beyond = detail.until !== null && to > detail.until && detail.kept < detail.total;
    html += '<h4>Events (' + (b - a).toLocaleString('en') + ')</h4>';
    if (beyond) {
      html += '<p class="tl-warn">Event details stop at ' + fmtStamp(detail.until) + ': this report keeps the first ' +
        detail.kept.toLocaleString('en') + ' of ' + detail.total.toLocaleString('en') +
        ' events (--detail-events). Events after that are counted in the tables but not listed here.</p>';
    }
    if (b > a) {
      html += '<table class="tl-table tl-events"><thead><tr><th>time</th><th>event</th><th>fields</th></tr></thead><tbody>';
      for (let k = a; k < Math.min(b, a + MAX_ROWS); k++) {
        const text = model.texts[ev.names[k]];
        const colon = text.indexOf(':');
        html += '<tr><td class="num">' + fmtStamp(ev.ts[k]) + '</td><td class="tl-ev-name">' +
          escapeHtml(colon < 0 ? text : text.slice(0, colon)) + '</td><td class="tl-fields">' +
          escapeHtml(colon < 0 ? '' : text.slice(colon + 1).trim()) + '</td></tr>';
      }
      html += '</tbody></table>';
      if (b - a > MAX_ROWS) html += '<p class="tl-note">Showing the first ' + MAX_ROWS + ' of ' +
        (b - a).toLocaleString('en') + ' events; zoom in and click a narrower slice for the rest.</p>';
    } else if (!beyond) {
      html += '<p class="tl-note">No event of this lane falls in this slice.</p>';
    }
    details.innerHTML = html;
    const zh = details.querySelector('.tl-zoom-here');
    if (zh) zh.addEventListener('click', () => {
      markInput();
      const mid = (from + to) / 2, r = Math.max(MIN_RANGE, (view.end - view.start) / 50);
      setView(mid - r / 2, mid + r / 2);
    });
  }

  // ---- input ----
  const local = (ev) => {
    const r = canvas.getBoundingClientRect();
    return [ev.clientX - r.left, ev.clientY - r.top];
  };
  canvas.addEventListener('wheel', (ev) => {
    ev.preventDefault();
    markInput();
    const [x] = local(ev);
    const scale = ev.deltaMode === 1 ? 20 : ev.deltaMode === 2 ? 400 : 1;
    const dx = ev.deltaX * scale, dy = ev.deltaY * scale;
    if (ev.shiftKey || Math.abs(dx) > Math.abs(dy)) pan((ev.shiftKey ? dy || dx : dx) / plotW());
    else zoom(Math.exp(dy * 0.0015), Math.max(GUTTER, x));
  }, { passive: false });
  let drag = null;
  canvas.addEventListener('mousedown', (ev) => {
    if (ev.button !== 0) return;
    const [x, yy] = local(ev);
    drag = { x, y: yy, start: view.start, end: view.end, moved: false };
    ev.preventDefault();
  });
  window.addEventListener('mousemove', (ev) => {
    const [x, yy] = local(ev);
    if (drag) {
      if (Math.abs(x - drag.x) > 3) drag.moved = true;
      if (drag.moved) {
        markInput();
        const dt = (x - drag.x) / plotW() * (drag.end - drag.start);
        setView(drag.start - dt, drag.end - dt);
        canvas.style.cursor = 'grabbing';
      }
      return;
    }
    if (ev.target !== canvas) { tip.style.display = 'none'; return; }
    const h = hit(x, yy);
    if (!h) { tip.style.display = 'none'; return; }
    let text;
    if (h.instant !== undefined) {
      text = model.names[h.box.lane.instants.names[h.instant]].label + ' at ' + fmtStamp(h.box.lane.instants.ts[h.instant]);
    } else {
      const row = h.box.lane.rows[h.row];
      text = model.names[row.names[h.index]].label + ' \u00b7 ' + fmtDuration(row.ends[h.index] - row.starts[h.index]);
      if (h.merged && h.merged[1] - h.merged[0] > 1) text += ' (+' + (h.merged[1] - h.merged[0] - 1) + ' more in this pixel)';
    }
    tip.textContent = text;
    tip.style.display = 'block';
    const rr = root.getBoundingClientRect();
    tip.style.left = Math.min(ev.clientX - rr.left + 12, width - 260) + 'px';
    tip.style.top = (ev.clientY - rr.top + 14) + 'px';
  });
  window.addEventListener('mouseup', (ev) => {
    if (!drag) return;
    const d = drag;
    drag = null;
    canvas.style.cursor = '';
    if (!d.moved && ev.target === canvas) {
      const [x, yy] = local(ev);
      showDetails(hit(x, yy));
    }
  });
  // The overview: click or drag to move the part shown.
  let odrag = false;
  const overviewTo = (ev) => {
    const r = overview.getBoundingClientRect();
    const x = ev.clientX - r.left;
    const t = full.start + (x - GUTTER) / plotW() * (full.end - full.start);
    const half = (view.end - view.start) / 2;
    markInput();
    setView(t - half, t + half);
  };
  overview.addEventListener('mousedown', (ev) => { odrag = true; overviewTo(ev); ev.preventDefault(); });
  window.addEventListener('mousemove', (ev) => { if (odrag) overviewTo(ev); });
  window.addEventListener('mouseup', () => { odrag = false; });
  document.addEventListener('keydown', (ev) => {
    if (ev.target && /INPUT|TEXTAREA|SELECT/.test(ev.target.tagName)) return;
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    const k = ev.key;
    const act = { w: () => zoom(0.7), W: () => zoom(0.7), '+': () => zoom(0.7), '=': () => zoom(0.7),
                  s: () => zoom(1 / 0.7), S: () => zoom(1 / 0.7), '-': () => zoom(1 / 0.7),
                  a: () => pan(-0.2), A: () => pan(-0.2), ArrowLeft: () => pan(-0.2),
                  d: () => pan(0.2), D: () => pan(0.2), ArrowRight: () => pan(0.2),
                  '0': reset, Home: reset, Escape: () => showDetails(null) }[k];
    if (!act) return;
    const r = root.getBoundingClientRect();
    if (r.bottom < 0 || r.top > window.innerHeight) return; // the timeline is not on screen
    ev.preventDefault();
    markInput();
    act();
  });
  window.addEventListener('resize', resize);

  // ---- for tests and scripts ----
  window.lttTimeline = {
    model, stats,
    lanes: () => model.lanes.map((l) => ({
      name: l.name, kind: l.kind, group: l.group,
      slices: l.rows.map((r) => r.n), instants: l.instants.n, events: l.events.n,
      losses: l.losses.length,
    })),
    view: () => ({ start: view.start, end: view.end }),
    setView: (s, e) => { markInput(); setView(s, e); },
    zoom: (f) => { markInput(); zoom(f); },
    reset: () => { markInput(); reset(); },
    // CSS pixels relative to the lanes canvas.
    timeToX: (t) => X(t),
    rowY: (laneIndex, row) => {
      const b = laneBoxes[laneIndex];
      return b.y + MARKS + row * b.rowH + b.rowH / 2;
    },
    slice: (laneIndex, row, i) => {
      const r = model.lanes[laneIndex].rows[row];
      return { start: r.starts[i], end: r.ends[i], label: model.names[r.names[i]].label };
    },
    selected: () => selection && { lane: selection.box.index, row: selection.row, index: selection.index },
    rendered: () => new Promise((res) => requestAnimationFrame(() => requestAnimationFrame(() => res(stats)))),
  };
  resize();
})();
