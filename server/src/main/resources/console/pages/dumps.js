// Dumps: one page of GET /api/v1/dumps, newest first, with its filters and search in the URL
// (#/dumps?host=...&cursor=...): links can be shared, Back goes to the previous page.
import { api } from '../api.js';
import { h, append } from '../dom.js';
import * as events from '../events.js';
import { dumpTable, debounce } from './common.js';

const FILTERS = ['host', 'state', 'signature', 'kernel', 'since', 'until', 'q'];
const previous = [];

function toLocalInput(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  if (isNaN(d)) return '';
  const pad = n => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export default async function dumps(main, ctx) {
  const p = ctx.params;
  const field = (name, label, input) => h('label', { for: 'f-' + name }, label, input);
  const text = (name, extra = {}) => h('input', Object.assign({ id: 'f-' + name, name, value: p.get(name) || '' }, extra));
  const state = h('select', { id: 'f-state', name: 'state' },
    ['', 'complete', 'incomplete', 'receiving', 'rejected'].map(s => h('option', { value: s, selected: (p.get('state') || '') === s }, s || 'any')));
  const since = h('input', { id: 'f-since', name: 'since', type: 'datetime-local', value: toLocalInput(p.get('since')) });
  const until = h('input', { id: 'f-until', name: 'until', type: 'datetime-local', value: toLocalInput(p.get('until')) });
  const form = h('form', { class: 'filters', role: 'search', id: 'dump-filters' },
    field('q', 'Search', text('q', { type: 'search', placeholder: 'id, host, panic, kernel…', size: 24 })),
    field('host', 'Host', text('host', { size: 12 })),
    field('state', 'State', state),
    field('signature', 'Signature', text('signature', { size: 16 })),
    field('kernel', 'Kernel', text('kernel', { size: 14 })),
    field('since', 'From', since),
    field('until', 'To', until),
    h('button', { type: 'submit', class: 'primary' }, 'Filter'),
    h('a', { class: 'button', href: '#/dumps' }, 'Clear'));
  form.addEventListener('submit', ev => {
    ev.preventDefault();
    const q = new URLSearchParams();
    for (const name of FILTERS) {
      let v = form.elements[name].value.trim();
      if ((name === 'since' || name === 'until') && v) v = new Date(v).toISOString();
      if (v) q.set(name, v);
    }
    previous.length = 0;
    location.hash = '#/dumps' + (q.toString() ? '?' + q : '');
  });
  const result = h('div', { id: 'dump-results' });
  append(main, [h('h1', {}, 'Dumps'), form, result]);

  const query = new URLSearchParams();
  for (const name of [...FILTERS, 'cursor']) if (p.get(name)) query.set(name, p.get(name));
  query.set('limit', '50');
  const load = async () => {
    let page;
    try {
      page = await api('/api/v1/dumps?' + query);
    } catch (e) {
      if (e.status === 400) {
        result.replaceChildren(h('p', { class: 'error', role: 'alert' }, e.message));
        return;
      }
      throw e;
    }
    const here = new URLSearchParams(query);
    here.delete('limit');
    const go = cursor => {
      const next = new URLSearchParams(here);
      if (cursor) next.set('cursor', cursor); else next.delete('cursor');
      return '#/dumps?' + next;
    };
    const first = !p.get('cursor');
    result.replaceChildren(
      h('p', { class: 'muted', id: 'dump-total' }, `${page.total} dump${page.total === 1 ? '' : 's'}` + (first ? '' : ' (a later page)')),
      dumpTable(page.items, { empty: 'No dump matches.' }),
      h('nav', { class: 'pager', 'aria-label': 'Pages' },
        first ? null : h('a', { class: 'button', href: go(previous.length ? previous[previous.length - 1] : null), onclick: () => previous.pop() }, '← Newer'),
        first ? null : h('a', { class: 'button', href: go(null), onclick: () => { previous.length = 0; } }, 'Newest'),
        page.next ? h('a', { class: 'button', id: 'next-page', href: go(page.next), onclick: () => previous.push(p.get('cursor')) }, 'Older →') : null));
    performance.mark('dumps-painted'); // time from navigation to the rows, for docs/performance.md
  };
  await load();
  if (!p.get('cursor')) {
    const refresh = debounce(() => load().catch(() => {}), 500);
    const offs = ['upload-completed', 'upload-failed', 'dump-analyzed', 'dump-deleted'].map(n => events.on(n, refresh));
    return () => { refresh.cancel(); offs.forEach(off => off()); };
  }
  return null;
}
