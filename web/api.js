// Every call the page makes is one of docs/api.md's endpoints; the token (when the service has
// one) travels in the Authorization header and is kept in this tab's sessionStorage only.
const kTokenKey = 'docker-pipeline-token';

export class AuthError extends Error {}

export function getToken() {
  return sessionStorage.getItem(kTokenKey) || '';
}

export function setToken(token) {
  if (token) sessionStorage.setItem(kTokenKey, token);
  else sessionStorage.removeItem(kTokenKey);
}

function headers(extra) {
  const all = Object.assign({}, extra || {});
  const token = getToken();
  if (token) all.Authorization = 'Bearer ' + token;
  return all;
}

export async function api(method, path, body) {
  const init = {method, cache: 'no-store', headers: headers(body === undefined ? {} : {'Content-Type': 'application/json'})};
  if (body !== undefined) init.body = JSON.stringify(body);
  const response = await fetch(path, init);
  let data = null;
  try {
    data = await response.json();
  } catch (e) {
    data = null;
  }
  const message = data && data.error ? data.error : 'HTTP ' + response.status;
  if (response.status === 401) throw new AuthError(message);
  if (!response.ok) throw new Error(message);
  return data;
}

// The whole log, page by page (GET /api/v1/jobs/{id}/logs), as one string.
export async function fetchWholeLog(jobId) {
  let offset = 0;
  let text = '';
  for (;;) {
    const page = await api('GET', `/api/v1/jobs/${jobId}/logs?offset=${offset}&limit=1048576`);
    for (const chunk of page.chunks) text += chunk.text;
    if (page.complete || page.next_offset === offset) return text;
    offset = page.next_offset;
  }
}

// GET /api/v1/jobs/{id}/logs/stream read with fetch, not EventSource, which cannot send the
// Authorization header. Calls onEvent({event, id, data}) per frame; resolves when the server
// ends the stream, rejects on a network error or when `signal` aborts.
export async function streamLog(jobId, offset, onEvent, signal) {
  const response = await fetch(`/api/v1/jobs/${jobId}/logs/stream?offset=${offset}`,
                               {headers: headers({Accept: 'text/event-stream'}), cache: 'no-store', signal});
  if (response.status === 401) throw new AuthError('missing or wrong bearer token');
  if (!response.ok) throw new Error('log stream: HTTP ' + response.status);
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const {value, done} = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, {stream: true});
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const frame = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const parsed = {event: 'message', id: null, data: ''};
      for (const line of frame.split('\n')) {
        if (line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const text = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'event') parsed.event = text;
        else if (field === 'id') parsed.id = text;
        else if (field === 'data') parsed.data += (parsed.data ? '\n' : '') + text;
      }
      if (!parsed.data) continue;
      parsed.data = JSON.parse(parsed.data);
      onEvent(parsed);
    }
  }
}
