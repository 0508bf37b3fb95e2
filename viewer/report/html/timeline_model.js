// timeline_model.js - the timeline ltt-view wrote into the report
// (report/timeline_data.cpp documents the encoding), decoded into typed
// arrays, with the summaries that let a view draw millions of slices at any
// zoom: per row, buckets of time holding the slice that covers most of each
// (level 0), then levels of twice the width, down to a few hundred buckets.
// A view draws from the coarsest level whose buckets are no wider than a
// pixel, and from the slices themselves once zoomed in further.
'use strict';

const LttModel = (() => {
  const B64 = new Uint8Array(128);
  'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'
    .split('').forEach((c, i) => { B64[c.charCodeAt(0)] = i; });

  function base64(s) {
    let len = s.length;
    while (len > 0 && s.charCodeAt(len - 1) === 61) len--; // '='
    const out = new Uint8Array(Math.floor(len * 3 / 4));
    let o = 0, i = 0;
    for (; i + 4 <= len; i += 4) {
      const v = (B64[s.charCodeAt(i)] << 18) | (B64[s.charCodeAt(i + 1)] << 12) |
                (B64[s.charCodeAt(i + 2)] << 6) | B64[s.charCodeAt(i + 3)];
      out[o++] = v >> 16; out[o++] = (v >> 8) & 255; out[o++] = v & 255;
    }
    const rest = len - i;
    if (rest >= 2) {
      const v = (B64[s.charCodeAt(i)] << 18) | (B64[s.charCodeAt(i + 1)] << 12) |
                (rest === 3 ? B64[s.charCodeAt(i + 2)] << 6 : 0);
      out[o++] = v >> 16;
      if (rest === 3) out[o++] = (v >> 8) & 255;
    }
    return out;
  }

  // The columns: base64 of zlib-deflated bytes (report/timeline_data.cpp).
  // Written to the stream in one piece and read back in chunks: much faster
  // than going through a Blob's stream or a Response.
  async function inflate(text) {
    const ds = new DecompressionStream('deflate');
    const writer = ds.writable.getWriter();
    writer.write(base64(text));
    writer.close();
    const reader = ds.readable.getReader();
    const chunks = [];
    let n = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      n += value.length;
    }
    const out = new Uint8Array(n);
    let at = 0;
    for (const c of chunks) { out.set(c, at); at += c.length; }
    return out;
  }

  // A cursor over LEB128 varints (zigzag-signed ones too), read as doubles:
  // exact up to 2^53.
  function reader(bytes) {
    let p = 0;
    const next = () => {
      let b = bytes[p++];
      let v = b & 127;
      if (b & 128) {
        let mult = 128;
        do {
          b = bytes[p++];
          v += (b & 127) * mult;
          mult *= 128;
        } while (b & 128);
      }
      return v;
    };
    const signed = () => { const v = next(); return (v % 2) ? -(v + 1) / 2 : v / 2; };
    const done = () => {
      if (p !== bytes.length) throw new Error('timeline data: ' + (bytes.length - p) + ' bytes left over');
    };
    return { next, signed, done };
  }

  // First index i in [lo, n) with a[i] > t (a sorted).
  function upperBound(a, t, lo, n) {
    let hi = n;
    while (lo < hi) {
      const m = (lo + hi) >>> 1;
      if (a[m] > t) hi = m; else lo = m + 1;
    }
    return lo;
  }
  // First index i in [lo, n) with a[i] >= t.
  function lowerBound(a, t, lo, n) {
    let hi = n;
    while (lo < hi) {
      const m = (lo + hi) >>> 1;
      if (a[m] >= t) hi = m; else lo = m + 1;
    }
    return lo;
  }

  // A row of slices: [starts[i], ends[i]) named names[i], in time order,
  // never overlapping.
  class Row {
    constructor(n, gap, dur, name) {
      this.n = n;
      this.names = new Uint32Array(n);
      this.starts = new Float64Array(n);
      this.ends = new Float64Array(n);
      // The three varint columns read side by side, inline: this loop runs
      // once per slice (millions), a function call per value would double it.
      let pg = 0, pd = 0, pn = 0, prev = 0;
      for (let i = 0; i < n; i++) {
        let b = gap[pg++], g = b & 127, mult = 128;
        while (b & 128) { b = gap[pg++]; g += (b & 127) * mult; mult *= 128; }
        b = dur[pd++]; let d = b & 127; mult = 128;
        while (b & 128) { b = dur[pd++]; d += (b & 127) * mult; mult *= 128; }
        b = name[pn++]; let m = b & 127; mult = 128;
        while (b & 128) { b = name[pn++]; m += (b & 127) * mult; mult *= 128; }
        const s = prev + ((g % 2) ? -(g + 1) / 2 : g / 2);
        this.starts[i] = s;
        prev = this.ends[i] = s + d;
        this.names[i] = m;
      }
      if (pg !== gap.length || pd !== dur.length || pn !== name.length) {
        throw new Error('timeline data: slice columns of the wrong length');
      }
      this.levels = null;
    }
    // The slice under time t, or -1.
    at(t) {
      const i = upperBound(this.ends, t, 0, this.n);
      return i < this.n && this.starts[i] <= t ? i : -1;
    }
    // Index of the first slice ending after t.
    firstEndingAfter(t) { return upperBound(this.ends, t, 0, this.n); }

    // Summaries, once, for rows too long to draw slice by slice.
    summarize(span) {
      if (this.n < 4096 || span <= 0) return;
      let buckets = 1;
      while (buckets < this.n / 2 && buckets < (1 << 17)) buckets *= 2;
      const w = span / buckets;
      const dom = new Int32Array(buckets).fill(-1);
      const cover = new Float32Array(buckets);
      const domCover = new Float32Array(buckets);
      // Per bucket: time covered by each name (few names per bucket).
      const accName = [], accDur = [];
      let cur = -1;
      const finish = () => {
        if (cur < 0) return;
        let best = -1, bestDur = -1, sum = 0;
        for (let k = 0; k < accName.length; k++) {
          sum += accDur[k];
          if (accDur[k] > bestDur) { bestDur = accDur[k]; best = accName[k]; }
        }
        dom[cur] = best; cover[cur] = sum; domCover[cur] = bestDur;
        accName.length = 0; accDur.length = 0;
      };
      const add = (name, d) => {
        for (let k = 0; k < accName.length; k++) {
          if (accName[k] === name) { accDur[k] += d; return; }
        }
        accName.push(name); accDur.push(d);
      };
      for (let i = 0; i < this.n; i++) {
        const s = this.starts[i], e = this.ends[i], name = this.names[i];
        const b0 = Math.min(buckets - 1, Math.max(0, Math.floor(s / w)));
        const b1 = Math.min(buckets - 1, Math.max(b0, Math.ceil(e / w) - 1));
        if (b0 !== cur) { finish(); cur = b0; }
        if (b0 === b1) { add(name, e - s); continue; }
        add(name, (b0 + 1) * w - s);
        finish();
        for (let b = b0 + 1; b < b1; b++) { dom[b] = name; cover[b] = w; domCover[b] = w; }
        cur = b1;
        add(name, e - b1 * w);
      }
      finish();
      const levels = [{ w, dom, cover, domCover }];
      for (let l = levels[0]; l.dom.length > 512;) {
        const m = l.dom.length / 2;
        const next = { w: l.w * 2, dom: new Int32Array(m), cover: new Float32Array(m),
                       domCover: new Float32Array(m) };
        for (let b = 0; b < m; b++) {
          const a = 2 * b, c = a + 1;
          next.cover[b] = l.cover[a] + l.cover[c];
          if (l.dom[a] === l.dom[c]) {
            next.dom[b] = l.dom[a]; next.domCover[b] = l.domCover[a] + l.domCover[c];
          } else if (l.domCover[a] >= l.domCover[c]) {
            next.dom[b] = l.dom[a]; next.domCover[b] = l.domCover[a];
          } else {
            next.dom[b] = l.dom[c]; next.domCover[b] = l.domCover[c];
          }
        }
        levels.push(next);
        l = next;
      }
      this.levels = levels;
    }
    // The coarsest summary level whose buckets are at most `ticks` wide.
    level(ticks) {
      if (!this.levels || this.levels[0].w > ticks) return null;
      let best = this.levels[0];
      for (const l of this.levels) if (l.w <= ticks) best = l;
      return best;
    }
  }

  // Points in time: ts[i] named names[i].
  class Points {
    constructor(n, gap, name) {
      this.n = n;
      this.ts = new Float64Array(n);
      this.names = new Uint32Array(n);
      if (n === 0) return;
      const g = reader(gap), m = reader(name);
      let prev = 0;
      for (let i = 0; i < n; i++) {
        prev += g.signed();
        this.ts[i] = prev;
        this.names[i] = m.next();
      }
      g.done(); m.done();
    }
    from(t) { return lowerBound(this.ts, t, 0, this.n); }
    after(t) { return upperBound(this.ts, t, 0, this.n); }
  }

  // The document ltt-view wrote, decoded; `timing` gets how long each part took.
  async function decode(doc, timing) {
    if (doc.format !== 3) throw new Error('timeline data format ' + doc.format + ', expected 3');
    let t = performance.now();
    const blob = await inflate(doc.columns);
    const col = ([at, length]) => blob.subarray(at, at + length);
    timing.inflateMs = performance.now() - t;
    t = performance.now();
    const names = doc.names.map(([kind, domid, label]) => ({ kind: doc.kinds[kind], domid, label }));
    const lanes = doc.lanes.map((l) => {
      const lane = {
        name: l.name, group: l.group, kind: l.kind, cpu: l.cpu, domid: l.domid,
        rows: l.rows.map((r) => new Row(r.n, col(r.gap), col(r.dur), col(r.name))),
        instants: new Points(l.instants.n, col(l.instants.gap), col(l.instants.name)),
        events: new Points(l.events.n, col(l.events.gap), col(l.events.text)),
        losses: [],
      };
      for (let i = 0; i < lane.instants.n; i++) {
        if (names[lane.instants.names[i]].kind === 'loss') lane.losses.push(i);
      }
      return lane;
    });
    timing.columnsMs = performance.now() - t;
    t = performance.now();
    for (const lane of lanes) for (const r of lane.rows) r.summarize(doc.last);
    timing.summariesMs = performance.now() - t;
    return {
      unit: doc.unit, freq: doc.freq_hz, first: doc.first, last: doc.last,
      span: Math.max(1, doc.last - doc.first),
      names, texts: doc.texts, lanes, detail: doc.detail, instantCap: doc.instant_cap,
    };
  }

  return { decode, lowerBound, upperBound };
})();
