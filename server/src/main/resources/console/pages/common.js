// Pieces several pages share: the dumps table and a debounced refresher.
import { h, stateBadge } from '../dom.js';
import { size, time } from '../format.js';

export function dumpLink(id) {
  return '#/dump/' + encodeURIComponent(id);
}

/** A table of dump summaries (GET /api/v1/dumps items), newest first. */
export function dumpTable(items, { caption, empty = 'No dumps.' } = {}) {
  if (!items.length) return h('p', { class: 'muted' }, empty);
  return h('div', { class: 'scroll' }, h('table', { class: 'dumps' },
    caption ? h('caption', { class: 'muted' }, caption) : null,
    h('thead', {}, h('tr', {},
      h('th', { scope: 'col' }, 'Host'), h('th', { scope: 'col' }, 'Received'), h('th', { scope: 'col' }, 'State'),
      h('th', { scope: 'col', class: 'num' }, 'Size'), h('th', { scope: 'col', class: 'hide-narrow' }, 'Format'),
      h('th', { scope: 'col', class: 'hide-narrow' }, 'Kernel'), h('th', { scope: 'col' }, 'Panic'),
      h('th', { scope: 'col', class: 'hide-narrow' }, 'Signature'))),
    h('tbody', {}, items.map(d => h('tr', { 'data-id': d.id },
      h('td', {}, h('a', { href: dumpLink(d.id) }, d.host)),
      h('td', {}, time(d.created)),
      h('td', {}, stateBadge(d.state)),
      h('td', { class: 'num' }, d.dumpFile ? size(d.size) : '–'),
      h('td', { class: 'hide-narrow' }, d.format || '–'),
      h('td', { class: 'hide-narrow' }, d.kernel || '–'),
      h('td', { class: 'panic', title: d.panic || d.problem || '' }, d.panic || (d.problem ? h('span', { class: 'muted' }, d.problem) : '–')),
      h('td', { class: 'hide-narrow' }, d.signature
        ? h('a', { href: '#/signature/' + d.signature }, h('code', {}, d.signature)) : '–'))))));
}

/** Calls fn at most once per `ms`, the last call winning. */
export function debounce(fn, ms) {
  let t = null;
  const wrapped = () => { clearTimeout(t); t = setTimeout(fn, ms); };
  wrapped.cancel = () => clearTimeout(t);
  return wrapped;
}
