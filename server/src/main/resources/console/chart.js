// Small SVG charts drawn by hand: stacked bars per time bucket, and a sparkline.
import { h, s } from './dom.js';

export const COLORS = ['#1a73e8', '#d93025', '#188038', '#f29900', '#9334e6', '#12b5cb', '#e52592', '#795548',
  '#5f6368', '#00897b'];
const NONE = '#bdc1c6';
const OTHER = '#80868b';

export function color(series, i) {
  return series.signature === 'none' ? NONE : series.signature === 'other' ? OTHER : COLORS[i % COLORS.length];
}

/** Stacked bars of GET /api/v1/stats/crashes; one bar per bucket, one colour per signature. */
export function stackedBars(stats, { title }) {
  const n = stats.buckets, W = 960, H = 200, pad = { l: 34, r: 8, t: 8, b: 22 };
  const totals = new Array(n).fill(0);
  for (const se of stats.series) se.counts.forEach((c, i) => { totals[i] += c; });
  const max = Math.max(1, ...totals);
  const bw = (W - pad.l - pad.r) / n;
  const y = v => pad.t + (H - pad.t - pad.b) * (1 - v / max);
  const start = new Date(stats.start).getTime();
  const step = stats.bucket === 'day' ? 86400000 : 3600000;
  const svg = s('svg', { class: 'chart', viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': title });
  svg.append(s('title', {}, title));
  for (const t of [0, Math.ceil(max / 2), max]) {
    svg.append(s('line', { x1: pad.l, x2: W - pad.r, y1: y(t), y2: y(t), stroke: '#e8eaed' }));
    svg.append(s('text', { x: pad.l - 4, y: y(t) + 4, 'text-anchor': 'end', 'font-size': 11, fill: '#5f6368' }, t));
  }
  const base = new Array(n).fill(0);
  stats.series.forEach((se, k) => {
    const fill = color(se, k);
    se.counts.forEach((c, i) => {
      if (!c) return;
      const y0 = y(base[i]), y1 = y(base[i] + c);
      base[i] += c;
      const when = new Date(start + i * step);
      svg.append(s('rect', { x: pad.l + i * bw + 0.5, y: y1, width: Math.max(1, bw - 1), height: Math.max(1, y0 - y1), fill },
        s('title', {}, `${when.toLocaleString()}: ${c} × ${se.signature}${se.panic ? ' — ' + se.panic : ''}`)));
    });
  });
  const labelEvery = stats.bucket === 'day' ? Math.ceil(n / 10) : 24;
  for (let i = 0; i < n; i += labelEvery) {
    const d = new Date(start + i * step);
    svg.append(s('text', { x: pad.l + i * bw, y: H - 6, 'font-size': 11, fill: '#5f6368' },
      d.toLocaleDateString(undefined, { month: 'short', day: 'numeric' })));
  }
  return svg;
}

export function legend(stats, link) {
  return h('ul', { class: 'legend' }, stats.series.map((se, k) => h('li', {},
    h('i', { style: { background: color(se, k) } }),
    link && se.signature !== 'none' && se.signature !== 'other'
      ? h('a', { href: link(se.signature), title: se.panic || '' }, h('code', {}, se.signature))
      : h('span', { title: se.panic || '' }, se.signature),
    ' (' + se.total + ')')));
}

/** A sparkline of counts (e.g. per day), as a small SVG. */
export function sparkline(counts, label) {
  const W = 160, H = 28, n = counts.length, max = Math.max(1, ...counts);
  const bw = W / n;
  const svg = s('svg', { class: 'spark', viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': label });
  svg.append(s('title', {}, label));
  counts.forEach((c, i) => {
    if (c) svg.append(s('rect', { x: i * bw, y: H - (H - 2) * c / max, width: Math.max(1, bw - 0.5), height: (H - 2) * c / max, fill: '#1a73e8' }));
  });
  svg.append(s('line', { x1: 0, x2: W, y1: H - 0.5, y2: H - 0.5, stroke: '#dadce0' }));
  return svg;
}
