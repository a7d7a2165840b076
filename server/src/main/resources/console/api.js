// The collector's HTTP API, as the console calls it: same origin, the session cookie rides
// along by itself; changes carry the session's CSRF token in a header.
let csrf = null;
export function setCsrf(token) { csrf = token; }

export class ApiError extends Error {
  constructor(status, body) {
    super(body && body.message ? body.message : 'HTTP ' + status);
    this.status = status;
    this.body = body;
  }
}

export async function api(path, options = {}) {
  const headers = Object.assign({}, options.headers || {});
  if (options.method && options.method !== 'GET' && csrf) headers['X-Vmcored-Csrf'] = csrf;
  const r = await fetch(path, Object.assign({}, options, { headers, credentials: 'same-origin' }));
  const text = await r.text();
  let body = null;
  try { body = text ? JSON.parse(text) : null; } catch (e) { body = text; }
  if (!r.ok) throw new ApiError(r.status, body);
  return body;
}

export async function text(path) {
  const r = await fetch(path, { credentials: 'same-origin' });
  if (!r.ok) throw new ApiError(r.status, null);
  return r.text();
}

export function dumpUrl(id) {
  return '/api/v1/dumps/' + encodeURIComponent(id);
}

export function fileUrl(id, name) {
  return dumpUrl(id) + '/files/' + encodeURIComponent(name);
}
