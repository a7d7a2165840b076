// Signatures: every crash group with its count, hosts, kernels, first and last seen, and a
// small plot of its dumps per day over 30 days.
import { api } from '../api.js';
import { h, append } from '../dom.js';
import * as events from '../events.js';
import { debounce } from './common.js';
import { time } from '../format.js';
import { sparkline } from '../chart.js';

export default async function signatures(main, ctx) {
  const body = h('div', {});
  append(main, [h('h1', {}, 'Signatures'), body]);
  const refresh = debounce(() => table(body, ctx).catch(() => {}), 500);
  const offs = ['dump-analyzed', 'dump-deleted'].map(n => events.on(n, refresh));
  await table(body, ctx);
  return () => { refresh.cancel(); offs.forEach(off => off()); };
}

async function table(body, ctx) {
  const groups = await api('/api/v1/signatures');
  const rows = groups.map(g => {
    const spark = h('td', { class: 'hide-narrow' });
    const row = h('tr', { 'data-signature': g.signature },
      h('th', { scope: 'row' }, h('a', { href: '#/signature/' + g.signature }, h('code', {}, g.signature))),
      h('td', { class: 'num count' }, String(g.count)),
      h('td', { class: 'panic', title: g.panicLine || g.trigger || '' }, g.panicLine || g.trigger || '–',
        g.faultingFunction ? h('div', { class: 'muted' }, 'in ', h('code', {}, g.faultingFunction)) : null),
      h('td', { title: g.hosts.join(', ') }, `${g.hostCount} host${g.hostCount === 1 ? '' : 's'}`,
        h('div', { class: 'muted' }, g.hosts.slice(0, 3).join(', ') + (g.hostCount > 3 ? ', …' : ''))),
      h('td', { class: 'hide-narrow' }, g.kernels.join(', ') || '–'),
      h('td', {}, time(g.firstSeen)), h('td', {}, time(g.lastSeen)), spark);
    row.spark = spark;
    return row;
  });
  body.replaceChildren(
    groups.length ? h('div', { class: 'scroll' }, h('table', { id: 'signatures' },
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Signature'), h('th', { scope: 'col', class: 'num' }, 'Dumps'),
        h('th', { scope: 'col' }, 'Panic'), h('th', { scope: 'col' }, 'Hosts'), h('th', { scope: 'col', class: 'hide-narrow' }, 'Kernels'),
        h('th', { scope: 'col' }, 'First seen'), h('th', { scope: 'col' }, 'Last seen'), h('th', { scope: 'col', class: 'hide-narrow' }, '30 days'))),
      h('tbody', {}, rows)))
      : h('p', { class: 'muted' }, 'No crash signature yet: dumps get one once analyzed.'));
  for (const [i, g] of groups.slice(0, 100).entries()) {
    if (!ctx.alive()) return;
    const st = await api('/api/v1/stats/crashes?days=30&bucket=day&top=1&signature=' + g.signature);
    const counts = st.series.length ? st.series[0].counts : new Array(st.buckets).fill(0);
    rows[i].spark.replaceChildren(sparkline(counts, `${st.total} dumps in 30 days`));
  }
}
