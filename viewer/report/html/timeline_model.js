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

  // LEB128 varints (zigzag when signed), as doubles: exact up to 2^53.
  function varints(bytes, n, signed, Out) {
    const out = new (Out || Float64Array)(n);
    let p = 0;
    for (let k = 0; k < n; k++) {
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
      if (signed) v = (v % 2) ? -(v + 1) / 2 : v / 2;
      out[k] = v;
    }
    if (p !== bytes.length) throw new Error('timeline data: ' + (bytes.length - p) + ' bytes left over');
    return out;
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
    constructor(enc) {
      this.n = enc.n;
      const gaps = varints(base64(enc.gap), enc.n, true);
      const durs = varints(base64(enc.dur), enc.n, false);
      this.names = varints(base64(enc.name), enc.n, false, Uint32Array);
      this.starts = new Float64Array(enc.n);
      this.ends = new Float64Array(enc.n);
      let prev = 0;
      for (let i = 0; i < enc.n; i++) {
        const s = prev + gaps[i];
        this.starts[i] = s;
        prev = this.ends[i] = s + durs[i];
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
    constructor(enc, textField) {
      this.n = enc ? enc.n : 0;
      this.ts = new Float64Array(this.n);
      if (!enc || this.n === 0) { this.names = new Uint32Array(0); return; }
      const gaps = varints(base64(enc.gap), enc.n, true);
      this.names = varints(base64(enc[textField]), enc.n, false, Uint32Array);
      let prev = 0;
      for (let i = 0; i < this.n; i++) { prev += gaps[i]; this.ts[i] = prev; }
    }
    from(t) { return lowerBound(this.ts, t, 0, this.n); }
    after(t) { return upperBound(this.ts, t, 0, this.n); }
  }

  function decode(doc) {
    const span = Math.max(1, doc.last - doc.first);
    const names = doc.names.map(([kind, domid, label]) => ({ kind: doc.kinds[kind], domid, label }));
    const lanes = doc.lanes.map((l) => {
      const lane = {
        name: l.name, group: l.group, kind: l.kind, cpu: l.cpu, domid: l.domid,
        rows: l.rows.map((r) => new Row(r)),
        instants: new Points(l.instants, 'name'),
        events: new Points(l.events, 'text'),
        losses: [],
      };
      for (let i = 0; i < lane.instants.n; i++) {
        if (names[lane.instants.names[i]].kind === 'loss') lane.losses.push(i);
      }
      for (const r of lane.rows) r.summarize(doc.last);
      return lane;
    });
    return {
      unit: doc.unit, freq: doc.freq_hz, first: doc.first, last: doc.last, span,
      names, texts: doc.texts, lanes, detail: doc.detail, instantCap: doc.instant_cap,
      notes: doc.notes || [],
    };
  }

  return { decode, lowerBound, upperBound };
})();
