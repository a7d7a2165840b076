// One EventSource for the whole console (GET /api/v1/events); pages subscribe to event names.
const handlers = new Map();
let source = null;

export function connect() {
  if (source) return;
  source = new EventSource('/api/v1/events');
  for (const name of ['uploads', 'upload-started', 'upload-completed', 'upload-failed', 'dump-analyzed', 'dump-deleted']) {
    source.addEventListener(name, e => {
      const data = JSON.parse(e.data);
      for (const fn of handlers.get(name) || []) fn(data);
    });
  }
}

export function disconnect() {
  if (source) source.close();
  source = null;
}

/** Subscribes; returns the function that unsubscribes (pages call it when they are left). */
export function on(name, fn) {
  if (!handlers.has(name)) handlers.set(name, new Set());
  handlers.get(name).add(fn);
  return () => handlers.get(name).delete(fn);
}
