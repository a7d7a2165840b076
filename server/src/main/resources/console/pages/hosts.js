// Hosts: every host with dumps or an enrolled SSH key; its dumps per day over 30 days, its
// dumps per state, its newest dump, its keys' fingerprints.
import { api } from '../api.js';
import { h, append, stateBadge } from '../dom.js';
import { time } from '../format.js';
import { sparkline } from '../chart.js';
import { dumpLink } from './common.js';

export default async function hosts(main) {
  const list = await api('/api/v1/hosts');
  const filter = h('input', { type: 'search', id: 'host-filter', placeholder: 'Filter hosts', 'aria-label': 'Filter hosts' });
  const body = h('tbody', {});
  append(main, [h('h1', {}, 'Hosts'), h('p', { class: 'muted' }, `${list.length} host${list.length === 1 ? '' : 's'}. `, filter),
    h('div', { class: 'scroll' }, h('table', { id: 'hosts' },
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Host'), h('th', { scope: 'col', class: 'num' }, 'Dumps'),
        h('th', { scope: 'col' }, 'Dumps per day, 30 days'), h('th', { scope: 'col' }, 'Last dump'),
        h('th', { scope: 'col' }, 'SSH keys'))),
      body))]);
  const rows = list.map(host => {
    const spark = h('td', {});
    const per = Object.entries(host.perState || {}).filter(([, n]) => n).map(([s, n]) => `${n} ${s}`).join(', ');
    const row = h('tr', { 'data-host': host.host },
      h('th', { scope: 'row' }, h('a', { href: '#/dumps?host=' + encodeURIComponent(host.host) }, host.host)),
      h('td', { class: 'num', title: per }, String(host.dumps)),
      spark,
      h('td', {}, host.last ? [h('a', { href: dumpLink(host.last.id) }, time(host.last.created)), ' ', stateBadge(host.last.state),
        host.last.panic ? h('div', { class: 'muted panic', title: host.last.panic }, host.last.panic) : null] : '–'),
      h('td', {}, host.keys.length ? h('ul', { class: 'files' }, host.keys.map(k => h('li', { title: k.comment || '' },
        h('code', {}, k.fingerprint), ' ', h('span', { class: 'muted' }, k.type)))) : h('span', { class: 'muted' }, 'none')));
    row.spark = spark;
    row.host = host;
    return row;
  });
  body.append(...rows);
  filter.addEventListener('input', () => {
    const q = filter.value.toLowerCase();
    rows.forEach(r => { r.hidden = !!q && !r.host.host.toLowerCase().includes(q); });
  });
  // the sparklines after the first paint, a few at a time
  for (const r of rows.slice(0, 200)) {
    if (!r.host.dumps) continue;
    const st = await api('/api/v1/stats/crashes?days=30&bucket=day&top=1&host=' + encodeURIComponent(r.host.host));
    const counts = new Array(st.buckets).fill(0);
    for (const se of st.series) se.counts.forEach((c, i) => { counts[i] += c; });
    r.spark.replaceChildren(sparkline(counts, `${st.total} dumps of ${r.host.host} in 30 days`));
  }
  return null;
}
