// One crash group: its sample crash, hosts and kernels, dumps per day, and its dumps.
import { api } from '../api.js';
import { h, append } from '../dom.js';
import { time } from '../format.js';
import { stackedBars } from '../chart.js';
import { dumpTable } from './common.js';

export default async function signature(main, ctx) {
  const sig = ctx.arg;
  const groups = await api('/api/v1/signatures');
  const g = groups.find(x => x.signature === sig);
  if (!g) {
    append(main, [h('h1', {}, 'Signature ', h('code', {}, sig)), h('p', {}, 'No dump in the spool has this signature.')]);
    return null;
  }
  const [stats, page] = await Promise.all([
    api('/api/v1/stats/crashes?days=30&bucket=day&top=1&signature=' + encodeURIComponent(sig)),
    api('/api/v1/dumps?limit=50&signature=' + encodeURIComponent(sig))]);
  append(main, [
    h('h1', {}, 'Signature ', h('code', {}, sig)),
    h('div', { class: 'grid' },
      h('section', { class: 'card' }, h('h2', {}, 'Crash'),
        h('dl', { class: 'facts' },
          h('dt', {}, 'Dumps'), h('dd', { id: 'group-count' }, String(g.count)),
          h('dt', {}, 'Panic'), h('dd', {}, h('code', {}, g.panicLine || g.trigger || '–')),
          h('dt', {}, 'Function'), h('dd', {}, h('code', {}, g.faultingFunction || '–')),
          h('dt', {}, 'Top frames'), h('dd', {}, h('ol', {}, (g.topFrames || []).map(f => h('li', {}, h('code', {}, f))))),
          h('dt', {}, 'First seen'), h('dd', {}, time(g.firstSeen)),
          h('dt', {}, 'Last seen'), h('dd', {}, time(g.lastSeen)))),
      h('section', { class: 'card' }, h('h2', {}, 'Where'),
        h('dl', { class: 'facts' },
          h('dt', {}, `Hosts (${g.hostCount})`), h('dd', {}, g.hosts.map((x, i) => [i ? ', ' : '', h('a', { href: '#/dumps?host=' + encodeURIComponent(x) + '&signature=' + sig }, x)])),
          h('dt', {}, 'Kernels'), h('dd', {}, g.kernels.join(', ') || '–')))),
    h('section', { class: 'card' }, h('h2', {}, 'Dumps per day, last 30 days'), stackedBars(stats, { title: `${stats.total} dumps in 30 days` })),
    h('section', { class: 'card' }, h('h2', {}, 'Its dumps'), dumpTable(page.items),
      page.next ? h('p', {}, h('a', { href: '#/dumps?signature=' + sig }, `All ${page.total} dumps`)) : null)]);
  return null;
}
