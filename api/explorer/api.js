// Talking to the registry API: JSON in and out, problem+json errors as ApiError.

export class ApiError extends Error {
  constructor(status, problem, path) {
    super(problem?.detail || problem?.title || `HTTP ${status} from ${path}`);
    this.status = status;
    this.problem = problem;
    this.reason = problem?.reason ?? `http-${status}`;
  }
}

function url(path, params) {
  const target = new URL(path, window.location.origin);
  for (const [name, value] of Object.entries(params ?? {})) {
    if (value !== null && value !== undefined && value !== '') target.searchParams.set(name, value);
  }
  return target;
}

async function answer(response, path) {
  const body = await response.json().catch(() => null);
  if (!response.ok) throw new ApiError(response.status, body, path);
  return body;
}

export async function getJSON(path, params) {
  const response = await fetch(url(path, params), { headers: { Accept: 'application/json' } });
  return answer(response, path);
}

export async function postJSON(path, body) {
  const response = await fetch(url(path), {
    method: 'POST',
    headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  return answer(response, path);
}

/**
 * Every item of a paginated list, following `next_cursor`, up to `maxPages` pages.
 * Returns `{items, complete}`; `complete` is false when pages were left unread.
 */
export async function getAll(path, params = {}, { pageSize = 200, maxPages = 10 } = {}) {
  const items = [];
  let cursor = null;
  for (let page = 0; page < maxPages; page += 1) {
    const body = await getJSON(path, { ...params, limit: pageSize, cursor });
    items.push(...body.items);
    cursor = body.next_cursor;
    if (!cursor) return { items, complete: true };
  }
  return { items, complete: false };
}

/** An asset reference as the API path takes it: a content hash or a registration number. */
export function assetPath(ref, suffix = '') {
  return `/assets/${encodeURIComponent(ref)}${suffix}`;
}
