// Overview: uploads in flight (live), spool space, the last 24 hours, crashes per hour over
// 7 days stacked by signature, the newest signatures.
import { api } from '../api.js';
import { h, append } from '../dom.js';
import * as events from '../events.js';
import { size, rate, duration, time, ago } from '../format.js';
import { stackedBars, legend } from '../chart.js';
import { dumpTable, dumpLink, debounce } from './common.js';

export default async function overview(main, ctx) {
  const uploads = h('ul', { class: 'uploads', id: 'uploads', 'aria-live': 'polite' });
  const status = h('div', { id: 'status' });
  const chart = h('div', { id: 'crash-chart' });
  const recent = h('div', { id: 'recent' });
  const newest = h('div', { id: 'newest-signatures' });
  append(main, [h('h1', {}, 'Overview'), h('div', { class: 'grid' },
    h('section', { class: 'card', 'aria-labelledby': 'h-up' }, h('h2', { id: 'h-up' }, 'Uploads in flight'), uploads),
    h('section', { class: 'card', 'aria-labelledby': 'h-spool' }, h('h2', { id: 'h-spool' }, 'Spool'), status),
    h('section', { class: 'card wide', 'aria-labelledby': 'h-chart' }, h('h2', { id: 'h-chart' }, 'Crashes per hour, last 7 days'), chart),
    h('section', { class: 'card wide', 'aria-labelledby': 'h-recent' }, h('h2', { id: 'h-recent' }, 'Dumps of the last 24 hours'), recent),
    h('section', { class: 'card wide', 'aria-labelledby': 'h-sig' }, h('h2', { id: 'h-sig' }, 'Newest signatures'), newest))]);

  const showUploads = list => {
    if (!list.length) {
      uploads.replaceChildren(h('li', { class: 'muted' }, 'No upload is running.'));
      return;
    }
    uploads.replaceChildren(...list.map(u => {
      const known = u.expected !== null && u.expected > 0;
      const bar = h('progress', known ? { max: u.expected, value: u.bytes } : {}, known ? Math.round(100 * u.bytes / u.expected) + '%' : '');
      return h('li', { 'data-dump': u.dump, 'data-bytes': u.bytes },
        h('div', { class: 'row' }, h('strong', {}, u.host), h('a', { href: dumpLink(u.dump) }, h('code', {}, u.dump)),
          h('span', { class: 'muted' }, u.file + ' over ' + u.transport)),
        bar,
        h('div', { class: 'muted upload-numbers' }, size(u.bytes) + (known ? ' of ' + size(u.expected) : ''), ' · ',
          rate(u.rate), known && u.eta !== null ? ' · ' + duration(u.eta) + ' left' : '',
          ' · started ', time(u.started)));
    }));
  };

  const loadStatus = async () => {
    const st = await api('/api/v1/status');
    const used = Math.max(0, Math.min(1, st.spoolMinFree / Math.max(st.spoolFree, st.spoolMinFree * 2, 1)));
    const meter = h('div', { class: 'meter' + (st.spoolLow ? ' low' : ''), role: 'img',
      'aria-label': `free ${size(st.spoolFree)}, watermark ${size(st.spoolMinFree)}` },
    h('div', { style: { width: (100 * (1 - used)).toFixed(1) + '%' } }), h('i', { style: { left: (100 * used).toFixed(1) + '%' } }));
    const d = st.last24h;
    status.replaceChildren(
      h('dl', { class: 'facts' },
        h('dt', {}, 'Free'), h('dd', { id: 'spool-free' }, size(st.spoolFree), st.spoolLow ? h('strong', { class: 'error' }, ' below the watermark: uploads are refused') : ''),
        h('dt', {}, 'Watermark'), h('dd', {}, size(st.spoolMinFree), h('span', { class: 'muted' }, ' (spool.min-free)')),
        h('dt', {}, 'Dumps'), h('dd', {}, String(st.dumps)),
        h('dt', {}, 'Last 24 h'), h('dd', {}, `${d.all} dump${d.all === 1 ? '' : 's'}: ${d.complete} complete, ${d.incomplete} incomplete, ${d.rejected} rejected, ${d.receiving} receiving`)),
      meter);
  };
  const loadChart = async () => {
    const stats = await api('/api/v1/stats/crashes?days=7&bucket=hour&top=8');
    chart.replaceChildren(stackedBars(stats, { title: `${stats.total} dumps in the last 7 days, per hour and signature` }),
      legend(stats, sig => '#/signature/' + sig));
  };
  const loadRecent = async () => {
    const since = new Date(Date.now() - 86400000).toISOString();
    const page = await api('/api/v1/dumps?limit=25&since=' + encodeURIComponent(since));
    recent.replaceChildren();
    append(recent, [dumpTable(page.items, { empty: 'No dump arrived in the last 24 hours.' }),
      page.total > page.items.length ? h('p', {}, h('a', { href: '#/dumps?since=' + encodeURIComponent(since) }, `All ${page.total} dumps of the last 24 hours`)) : null]);
  };
  const loadSignatures = async () => {
    const groups = await api('/api/v1/signatures');
    groups.sort((a, b) => (b.firstSeen || '').localeCompare(a.firstSeen || ''));
    const top = groups.slice(0, 8);
    newest.replaceChildren(top.length ? h('div', { class: 'scroll' }, h('table', {},
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Signature'), h('th', { scope: 'col' }, 'First seen'),
        h('th', { scope: 'col', class: 'num' }, 'Dumps'), h('th', { scope: 'col' }, 'Panic'))),
      h('tbody', {}, top.map(g => h('tr', {},
        h('td', {}, h('a', { href: '#/signature/' + g.signature }, h('code', {}, g.signature))),
        h('td', { title: g.firstSeen }, ago(g.firstSeen)),
        h('td', { class: 'num' }, String(g.count)),
        h('td', { class: 'panic', title: g.panicLine || g.trigger || '' }, g.panicLine || g.trigger || '–'))))))
      : h('p', { class: 'muted' }, 'No crash signature yet.'));
  };

  const refresh = debounce(() => Promise.all([loadStatus(), loadChart(), loadRecent(), loadSignatures()]).catch(() => {}), 400);
  const offs = [
    events.on('uploads', showUploads),
    events.on('upload-started', () => refresh()),
    events.on('upload-completed', () => refresh()),
    events.on('upload-failed', () => refresh()),
    events.on('dump-analyzed', () => refresh()),
    events.on('dump-deleted', () => refresh()),
  ];
  showUploads(await api('/api/v1/uploads'));
  await Promise.all([loadStatus(), loadChart(), loadRecent(), loadSignatures()]);
  return () => { refresh.cancel(); offs.forEach(off => off()); };
}
