// The console's shell: asks who is logged in, shows the login form when the collector wants
// one, and routes #/... to the pages. Pages render into <main> and return a cleanup function.
import { api, ApiError, setCsrf } from './api.js';
import { h, append } from './dom.js';
import * as events from './events.js';

// the session is asked for at once, and each page's module only when it is shown
const sessionAnswer = api('/console/session');
const overview = () => import('./pages/overview.js');
const dumps = () => import('./pages/dumps.js');
const dump = () => import('./pages/dump.js');
const hosts = () => import('./pages/hosts.js');
const signatures = () => import('./pages/signatures.js');
const signature = () => import('./pages/signature.js');

const main = document.getElementById('main');
const who = document.getElementById('who');
const session = { auth: 'open', role: null };
let cleanup = null;
let generation = 0;

const routes = [
  [/^\/?$/, overview, 'overview', 'Overview'],
  [/^\/dumps$/, dumps, 'dumps', 'Dumps'],
  [/^\/dump\/(.+)$/, dump, 'dumps', 'Dump'],
  [/^\/hosts$/, hosts, 'hosts', 'Hosts'],
  [/^\/signatures$/, signatures, 'signatures', 'Signatures'],
  [/^\/signature\/(.+)$/, signature, 'signatures', 'Signature'],
];

function parseHash() {
  const raw = location.hash.replace(/^#/, '') || '/';
  const q = raw.indexOf('?');
  return { path: q < 0 ? raw : raw.slice(0, q), params: new URLSearchParams(q < 0 ? '' : raw.slice(q + 1)) };
}

function current() {
  const { path } = parseHash();
  return routes.find(([re]) => re.test(path));
}

async function route() {
  if (cleanup) { try { cleanup(); } catch (e) { /* page already gone */ } cleanup = null; }
  const mine = ++generation;
  const { path, params } = parseHash();
  const found = routes.find(([re]) => re.test(path));
  for (const a of document.querySelectorAll('[data-nav]')) {
    if (found && a.dataset.nav === found[2]) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  main.replaceChildren();
  if (!found) {
    append(main, [h('h1', {}, 'Not found'), h('p', {}, 'No page ', h('code', {}, path), '.')]);
    return;
  }
  const [re, page, , title] = found;
  const m = path.match(re);
  document.title = title + ' · vmcored';
  try {
    const ctx = { session, params, arg: m[1] ? decodeURIComponent(m[1]) : null, alive: () => mine === generation };
    const c = await (await page()).default(main, ctx);
    if (mine === generation) cleanup = c || null;
    else if (c) c();
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) return showLogin('Your session ended: log in again.');
    if (mine !== generation) return;
    main.replaceChildren(h('h1', {}, title), h('p', { class: 'error', role: 'alert' }, e.message));
  }
}

function showWho() {
  who.replaceChildren();
  if (session.auth === 'login' && session.role) {
    who.append(h('span', {}, 'Logged in as ' + session.role),
      h('button', { type: 'button', onclick: logout }, 'Log out'));
  } else if (session.auth === 'open') {
    who.append(h('span', { title: 'No operator token is configured: the API and the console are open' }, 'open access'));
  }
}

async function logout() {
  try { await api('/console/logout', { method: 'POST' }); } catch (e) { /* cookie cleared anyway */ }
  events.disconnect();
  session.role = null;
  setCsrf(null);
  showWho();
  showLogin();
}

function showLogin(message) {
  events.disconnect();
  for (const a of document.querySelectorAll('[data-nav]')) a.removeAttribute('aria-current');
  const error = h('p', { class: 'error', role: 'alert', id: 'login-error' }, message || '');
  const input = h('input', { type: 'password', id: 'token', name: 'token', autocomplete: 'current-password', required: true });
  const form = h('form', { id: 'login' },
    h('label', { for: 'token' }, 'Operator or viewer token'),
    input,
    h('button', { type: 'submit', class: 'primary' }, 'Log in'),
    error);
  form.addEventListener('submit', async ev => {
    ev.preventDefault();
    try {
      // the token travels in a header of a POST: never in a URL, a history entry or a log of URLs
      const s = await api('/console/login', { method: 'POST', headers: { 'X-Vmcored-Token': input.value } });
      input.value = '';
      Object.assign(session, s);
      setCsrf(s.csrf);
      start();
    } catch (e) {
      error.textContent = e.status === 401 ? 'Wrong token.' : e.message;
      input.select();
    }
  });
  document.title = 'Log in · vmcored';
  main.replaceChildren(h('section', { class: 'card login' }, h('h1', {}, 'Log in'),
    h('p', { class: 'muted' }, 'This collector needs its operator token (or the read-only viewer token).'), form));
  input.focus();
}

function start() {
  showWho();
  events.connect();
  route();
}

window.addEventListener('hashchange', () => { if (session.role) route(); });

(async () => {
  try {
    const found = current();
    if (found) found[1]().catch(() => {}); // loads the page's module while the session is asked for
    Object.assign(session, await sessionAnswer);
  } catch (e) {
    main.replaceChildren(h('p', { class: 'error' }, 'The collector does not answer: ' + e.message));
    return;
  }
  setCsrf(session.csrf);
  if (!session.role) {
    showWho();
    showLogin();
  } else {
    start();
  }
})();
