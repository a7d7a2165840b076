// One dump: state and timeline, sender, sizes and checksums, the crash (panic line, faulting
// function, top frames), the whole kernel log with search and the crash lines highlighted,
// a download link for every stored file, and delete for the operator.
import { api, text, dumpUrl, fileUrl } from '../api.js';
import { h, append, stateBadge } from '../dom.js';
import { size, time, duration } from '../format.js';

const CRASH = /(Kernel panic|BUG:|Oops|RIP:|Call Trace:|general protection fault|sysrq: Trigger a crash|unable to handle|Hardware name:|CPU: \d+ PID:)/;

function facts(pairs) {
  return h('dl', { class: 'facts' }, pairs.filter(([, v]) => v !== null && v !== undefined && v !== '')
    .map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
}

function listedFiles(m) {
  const names = new Set(Object.keys(m.files || {}));
  if (m.dumpFile) names.add(m.dumpFile);
  const a = m.analysis || {};
  if (a.dmesgFile) names.add(a.dmesgFile);
  if (a.clientDmesg) names.add(a.clientDmesg);
  return [...names].sort();
}

function timeline(m) {
  const steps = [['Created (first byte)', m.created]];
  for (const [name, f] of Object.entries(m.files || {})) {
    if (f.started) steps.push([`${name}: upload started`, f.started]);
    if (f.finished) steps.push([`${name}: upload ended ${f.state}` + (f.transferMillis ? ` after ${duration(f.transferMillis / 1000)}` : ''), f.finished]);
    if (f.synced) steps.push([`${name}: forced to disk, checksummed`, f.synced]);
  }
  if (m.resumes) steps.push([`Resumed ${m.resumes} time${m.resumes === 1 ? '' : 's'}`, null]);
  if (m.finished) steps.push([`Dump ended ${m.state}`, m.finished]);
  if (m.analysis && m.analysis.analyzed) steps.push([`Analyzed (${m.analysis.outcome}, ${m.analysis.millis} ms)`, m.analysis.analyzed]);
  steps.sort((a, b) => (a[1] || '9').localeCompare(b[1] || '9'));
  return h('ol', { class: 'timeline' }, steps.map(([what, when]) => h('li', {}, when ? time(when) : '', ' ', what)));
}

function kernelLog(m, body) {
  const a = m.analysis || {};
  const marks = [a.trigger, a.panicLine].filter(Boolean);
  const lines = body.split('\n');
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  let trace = 0; // lines of a call trace still to come (it ends at </TASK> or the end marker)
  const spans = lines.map(line => {
    if (/Call Trace:/.test(line)) trace = 60;
    const crash = trace > 0 || CRASH.test(line) || marks.some(mk => line.includes(mk));
    if (trace > 0) trace = /<\/TASK>|---\[ end/.test(line) ? 0 : trace - 1;
    return h('span', { class: crash ? 'crash' : null }, line);
  });
  const pre = h('pre', { id: 'kernel-log' }, spans);
  const count = h('span', { class: 'muted', id: 'log-matches', 'aria-live': 'polite' }, `${lines.length} lines`);
  const only = h('input', { type: 'checkbox', id: 'log-only' });
  const search = h('input', { type: 'search', id: 'log-search', placeholder: 'Search the kernel log', size: 30 });
  const apply = () => {
    const q = search.value.toLowerCase();
    let n = 0;
    spans.forEach((sp, i) => {
      const line = lines[i];
      const at = q ? line.toLowerCase().indexOf(q) : -1;
      if (at >= 0) {
        n++;
        sp.replaceChildren(line.slice(0, at), h('mark', {}, line.slice(at, at + q.length)), line.slice(at + q.length));
      } else if (sp.firstElementChild) {
        sp.replaceChildren(line);
      }
      sp.classList.toggle('hidden', !!q && only.checked && at < 0);
    });
    count.textContent = q ? `${n} of ${lines.length} lines match` : `${lines.length} lines`;
    const first = pre.querySelector('mark');
    if (first) reveal(first);
  };
  search.addEventListener('input', apply);
  only.addEventListener('change', apply);
  const box = h('div', { class: 'log', tabindex: '0', 'aria-label': 'Kernel log' }, pre);
  // scrolls the log box only, never the page under the reader's search field
  const reveal = el => { box.scrollTop = Math.max(0, el.offsetTop - box.offsetTop - box.clientHeight / 3); };
  const firstCrash = spans.find(sp => sp.classList.contains('crash'));
  return [h('div', { class: 'row' },
    h('label', { for: 'log-search' }, 'Search '), search,
    h('label', {}, only, ' matching lines only'), count,
    firstCrash ? h('button', { type: 'button', id: 'to-crash', onclick: () => reveal(firstCrash) }, 'Go to the crash') : null),
  box];
}

function deleteButton(m) {
  const dialog = h('dialog', { id: 'confirm-delete', 'aria-labelledby': 'del-title' },
    h('form', { method: 'dialog' },
      h('h2', { id: 'del-title' }, 'Delete this dump?'),
      h('p', {}, 'Dump ', h('code', {}, m.id), ' and all its files (', String(listedFiles(m).length),
        ') are removed from the spool. This cannot be undone.'),
      h('div', { class: 'row' },
        h('button', { value: 'cancel', id: 'delete-cancel', autofocus: true }, 'Cancel'),
        h('button', { value: 'delete', class: 'danger', id: 'delete-confirm' }, 'Delete'))));
  const status = h('span', { role: 'status' });
  dialog.addEventListener('close', async () => {
    if (dialog.returnValue !== 'delete') return;
    try {
      await api(dumpUrl(m.id), { method: 'DELETE' });
      location.hash = '#/dumps';
    } catch (e) {
      status.textContent = e.message;
      status.className = 'error';
    }
  });
  return [h('button', { type: 'button', class: 'danger', id: 'delete', onclick: () => { dialog.returnValue = ''; dialog.showModal(); } }, 'Delete…'), status, dialog];
}

export default async function dump(main, ctx) {
  const m = await api(dumpUrl(ctx.arg));
  const a = m.analysis || {};
  const ins = m.inspect || {};
  const main0 = m.dumpFile ? (m.files || {})[m.dumpFile] : null;
  const operator = ctx.session.role === 'operator';
  append(main, [
    h('div', { class: 'row' }, h('h1', {}, m.host, ' ', h('small', { class: 'muted' }, h('code', {}, m.id))), stateBadge(m.state),
      operator && m.state !== 'receiving' ? deleteButton(m) : null),
    h('div', { class: 'grid' },
      h('section', { class: 'card', 'aria-labelledby': 'h-crash' }, h('h2', { id: 'h-crash' }, 'Crash'),
        facts([
          ['Panic', a.panicLine ? h('code', { id: 'panic-line' }, a.panicLine) : null],
          ['Trigger', a.trigger && a.trigger !== a.panicLine ? h('code', {}, a.trigger) : null],
          ['Function', a.faultingFunction ? h('code', { id: 'faulting-function' }, a.faultingFunction) : null],
          ['Top frames', a.topFrames && a.topFrames.length ? h('ol', { id: 'top-frames' }, a.topFrames.map(f => h('li', {}, h('code', {}, f)))) : null],
          ['Signature', a.signature ? h('a', { href: '#/signature/' + a.signature }, h('code', {}, a.signature)) : null],
          ['Kernel', ins.kernel || a.kernelRelease],
          ['Uptime', a.uptime !== undefined && a.uptime !== null ? duration(Number(a.uptime)) : null],
          ['Crash time', ins.crashTime ? time(ins.crashTime) : null],
          ['Analysis', a.outcome ? `${a.outcome}` + (a.source ? `, from the ${a.source}'s log` : '') + (a.problems && a.problems.length ? ': ' + a.problems.join('; ') : '') : 'not analyzed'],
        ])),
      h('section', { class: 'card', 'aria-labelledby': 'h-dump' }, h('h2', { id: 'h-dump' }, 'Dump'),
        facts([
          ['State', m.state], ['Problem', m.problem],
          ['Host', h('a', { href: '#/dumps?host=' + encodeURIComponent(m.host) }, m.host)],
          ['Transport', m.transport], ['Sender\'s id', m.clientId],
          ['Sender', m.sender ? Object.entries(m.sender).map(([k, v]) => `${k}=${v}`).join(' ') : null],
          ['Steering', m.steer && Object.keys(m.steer).length ? Object.entries(m.steer).map(([k, v]) => `${k}=${v}`).join(' ') : null],
          ['Dump file', m.dumpFile], ['Format', ins.format],
          ['Size', main0 ? size(main0.fileSize) + (main0.streamBytes !== main0.fileSize ? ` (stream ${size(main0.streamBytes)})` : '') : null],
          ['Checksum', main0 && main0.checksum ? h('code', { id: 'checksum' }, main0.checksum) : null],
        ])),
      h('section', { class: 'card', 'aria-labelledby': 'h-time' }, h('h2', { id: 'h-time' }, 'Timeline'), timeline(m)),
      h('section', { class: 'card wide', 'aria-labelledby': 'h-files' }, h('h2', { id: 'h-files' }, 'Files'),
        h('div', { class: 'scroll' }, h('table', { id: 'files' },
          h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'File'), h('th', { scope: 'col' }, 'State'),
            h('th', { scope: 'col', class: 'num' }, 'Size'), h('th', { scope: 'col' }, 'Checksum'))),
          h('tbody', {}, [...listedFiles(m), 'manifest.json'].map(name => {
            const f = (m.files || {})[name] || {};
            const href = name === 'manifest.json' ? dumpUrl(m.id) + '/manifest.json' : fileUrl(m.id, name);
            return h('tr', {}, h('td', {}, h('a', { href, download: '', 'data-file': name }, name)),
              h('td', {}, f.state || (name === 'manifest.json' ? '' : 'server')),
              h('td', { class: 'num' }, f.fileSize !== undefined ? size(f.fileSize) : ''),
              h('td', {}, f.checksum ? h('code', {}, f.checksum) : ''));
          })))))),
    h('section', { class: 'card', 'aria-labelledby': 'h-log', id: 'log-section' }, h('h2', { id: 'h-log' }, 'Kernel log',
      a.dmesgFile ? h('span', { class: 'muted' }, ' (', a.dmesgFile, ')') : null))]);
  const logName = a.dmesgFile || a.clientDmesg;
  const section = document.getElementById('log-section');
  if (!logName) {
    section.append(h('p', { class: 'muted' }, m.state === 'receiving' ? 'The dump is still arriving.' : 'No kernel log was found in this dump.'));
  } else {
    const body = await text(fileUrl(m.id, logName));
    if (ctx.alive()) append(section, kernelLog(m, body));
  }
  return null;
}
