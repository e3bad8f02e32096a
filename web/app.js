// The dashboard: runs list, a run's graph and log, trigger/cancel/rerun, all over docs/api.md.
import {api, AuthError, getToken, setToken} from './api.js';
import {formatSeconds, graphShape, renderGraph, updateGraph} from './graph.js';
import {LogPane} from './log.js';

const kStatuses = ['queued', 'running', 'success', 'failed', 'cancelled', 'aborted'];
const view = document.getElementById('view');
let current = null;  // the view shown: {key, timer, stop()}

function h(tag, attributes, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes || {})) {
    if (key === 'class') node.className = value;
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else if (value !== false && value !== null && value !== undefined) node.setAttribute(key, value === true ? '' : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
  }
  return node;
}

function showError(message) {
  const box = document.getElementById('error');
  box.textContent = message;
  box.hidden = !message;
}

function askToken(message) {
  stopView();
  view.replaceChildren();
  document.getElementById('login').hidden = false;
  document.getElementById('signout').hidden = true;
  showError(message || '');
  document.getElementById('token').focus();
}

function handle(error) {
  if (error instanceof AuthError) {
    askToken(getToken() ? 'Wrong token: the service refused it (' + error.message + ').' : 'This service needs a token.');
  } else {
    showError(error.message);
  }
}

function stopView() {
  if (!current) return;
  clearInterval(current.timer);
  if (current.stop) current.stop();
  current = null;
}

function statusBadge(status) {
  return h('span', {class: 'badge st-' + status}, status);
}

function runSeconds(run) {
  if (!run.started_at) return null;
  return ((run.ended_at ? Date.parse(run.ended_at) : Date.now()) - Date.parse(run.started_at)) / 1000;
}

function shortRef(ref) {
  return (ref || '').replace(/^refs\/(heads|tags)\//, '');
}

// Runs, newest first, of one repository at a time (GET /api/v1/repos/{repo}/pipelines/runs),
// refreshed every 2 s.
async function runsView(query) {
  const repos = (await api('GET', '/api/v1/repos')).repos.map((r) => r.name);
  const repo = repos.includes(query.get('repo')) ? query.get('repo') : repos[0];
  const status = kStatuses.includes(query.get('status')) ? query.get('status') : '';
  const page = Math.max(1, parseInt(query.get('page') || '1', 10) || 1);
  const go = (changes) => {
    const next = new URLSearchParams({repo, status, page: String(page)});
    for (const [key, value] of Object.entries(changes)) next.set(key, value);
    if (!next.get('status')) next.delete('status');
    location.hash = '#/?' + next.toString();
  };
  const repoSelect = h('select', {id: 'filter-repo', onchange: (e) => go({repo: e.target.value, page: '1'})},
                       repos.map((name) => h('option', {value: name, selected: name === repo}, name)));
  const statusSelect = h('select', {id: 'filter-status', onchange: (e) => go({status: e.target.value, page: '1'})},
                         h('option', {value: ''}, 'any status'),
                         kStatuses.map((s) => h('option', {value: s, selected: s === status}, s)));
  const body = h('tbody', {id: 'runs'});
  const prev = h('button', {id: 'prev', disabled: page === 1, onclick: () => go({page: String(page - 1)})}, '← Newer');
  const next = h('button', {id: 'next', disabled: true}, 'Older →');
  next.addEventListener('click', () => go({page: String(page + 1)}));
  view.replaceChildren(
      h('div', {class: 'toolbar'}, h('label', {}, 'Repository ', repoSelect), h('label', {}, 'Status ', statusSelect),
        h('span', {class: 'spacer'}), prev, h('span', {class: 'page'}, 'page ' + page), next),
      h('table', {class: 'runs'},
        h('thead', {}, h('tr', {}, ['Run', 'Repository', 'Pipeline', 'Ref', 'Trigger', 'Status', 'Duration', 'Queued']
                                     .map((title) => h('th', {}, title)))),
        body));
  const refresh = async () => {
    const params = new URLSearchParams({page: String(page), per_page: '20'});
    if (status) params.set('status', status);
    const list = await api('GET', `/api/v1/repos/${encodeURIComponent(repo)}/pipelines/runs?${params}`);
    next.disabled = !list.next_page;
    // Rows are kept by run id and only their status and duration change in place: a click on a
    // link is never lost to a redraw.
    const old = new Map([...body.querySelectorAll('tr[data-run]')].map((row) => [row.dataset.run, row]));
    const rows = list.runs.map((run) => {
      const row = old.get(run.id) || h('tr', {class: 'run', 'data-run': run.id},
          h('td', {}, h('a', {href: '#/runs/' + run.id}, run.id)),
          h('td', {}, run.repo),
          h('td', {}, run.pipeline || 'default'),
          h('td', {}, shortRef(run.ref) + ' ', h('code', {}, run.commit.slice(0, 8))),
          h('td', {}, run.trigger),
          h('td'), h('td'),
          h('td', {}, run.queued_at ? new Date(run.queued_at).toLocaleString() : ''));
      const cells = row.children;
      if (cells[5].dataset.status !== run.status) {
        cells[5].dataset.status = run.status;
        cells[5].title = run.reason || '';
        cells[5].replaceChildren(statusBadge(run.status));
      }
      cells[6].textContent = formatSeconds(runSeconds(run));
      return row;
    });
    const same = rows.length === body.children.length && rows.every((row, i) => body.children[i] === row);
    if (!same) body.replaceChildren(...rows);
    if (list.runs.length === 0) body.replaceChildren(h('tr', {}, h('td', {colspan: '8', class: 'empty'}, 'No runs yet.')));
  };
  await refresh();
  return {timer: setInterval(() => refresh().catch(handle), 2000)};
}

// POST /api/v1/repos/{repo}/pipelines/run
async function triggerView() {
  const repos = (await api('GET', '/api/v1/repos')).repos.map((r) => r.name);
  const form = h('form', {class: 'card', id: 'trigger-form'},
      h('h2', {}, 'Trigger a run'),
      h('label', {}, 'Repository', h('select', {name: 'repo'}, repos.map((name) => h('option', {value: name}, name)))),
      h('label', {}, 'Ref (branch or tag)', h('input', {name: 'ref', value: 'main', required: true})),
      h('label', {}, 'Pipeline (empty: the one CI would pick)', h('input', {name: 'pipeline'})),
      h('label', {}, 'Variables, NAME=value a line', h('textarea', {name: 'variables', rows: '4'})),
      h('label', {}, 'Priority', h('select', {name: 'priority'}, ['normal', 'high', 'low'].map((p) => h('option', {value: p}, p)))),
      h('button', {type: 'submit'}, 'Run'));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const body = {ref: data.get('ref'), priority: data.get('priority')};
    if (data.get('pipeline')) body.pipeline = data.get('pipeline');
    const variables = {};
    for (const line of String(data.get('variables')).split('\n')) {
      const equals = line.indexOf('=');
      if (line.trim() && equals > 0) variables[line.slice(0, equals).trim()] = line.slice(equals + 1);
    }
    if (Object.keys(variables).length) body.variables = variables;
    try {
      const run = await api('POST', `/api/v1/repos/${encodeURIComponent(data.get('repo'))}/pipelines/run`, body);
      location.hash = '#/runs/' + run.id;
    } catch (error) {
      handle(error);
    }
  });
  view.replaceChildren(form);
  return {};
}

// GET /api/v1/pipelines/runs/{id} every second; cancel and rerun; a job's log below the graph.
async function runView(id, jobId, line) {
  let run = null;
  let pane = null;
  const title = h('h2');
  const meta = h('p', {class: 'meta'});
  const reason = h('p', {class: 'reason', hidden: true});
  const actions = h('div', {class: 'actions'});
  const header = h('div', {class: 'run-header'}, title, meta, reason, actions);
  const graphBox = h('div', {class: 'graph-box', id: 'graph'});
  const logBox = h('div', {id: 'log-box'});
  view.replaceChildren(header, graphBox, logBox);
  const act = async (method, path, body, then) => {
    try {
      const answer = await api(method, path, body);
      showError('');
      if (then) then(answer);
      await refresh();
    } catch (error) {
      handle(error);
    }
  };
  const select = (job) => {
    location.hash = `#/runs/${id}/jobs/${job.id}`;
  };
  const openLog = (job) => {
    if (pane && pane.job.id === job.id) return;
    if (pane) pane.close();
    logBox.replaceChildren();
    pane = new LogPane(logBox, id, job, handle);
  };
  const refresh = async () => {
    run = await api('GET', '/api/v1/pipelines/runs/' + encodeURIComponent(id));
    const ended = !['queued', 'running'].includes(run.status);
    title.replaceChildren('Run ', h('code', {}, run.id), ' ', statusBadge(run.status));
    meta.replaceChildren(`${run.repo} · ${run.pipeline || 'default'} · ${shortRef(run.ref)} `,
                         h('code', {}, run.commit.slice(0, 8)), ` · ${run.trigger} · ${formatSeconds(runSeconds(run))}`);
    reason.textContent = run.reason;
    reason.hidden = !run.reason;
    // The buttons are rebuilt only when the status changes: a click is never lost to a redraw.
    if (actions.dataset.status !== run.status) {
      actions.dataset.status = run.status;
      actions.replaceChildren(...[
          ended ? null : h('button', {id: 'cancel', class: 'danger',
                                      onclick: () => act('POST', `/api/v1/pipelines/runs/${id}/cancel`)}, 'Cancel'),
          ended ? h('button', {id: 'rerun', onclick: () => act('POST', `/api/v1/pipelines/runs/${id}/rerun`, {from_failed: false},
                                                              (r) => (location.hash = '#/runs/' + r.id))}, 'Rerun') : null,
          ended && run.status !== 'success'
              ? h('button', {id: 'rerun-failed', onclick: () => act('POST', `/api/v1/pipelines/runs/${id}/rerun`, {from_failed: true},
                                                                   (r) => (location.hash = '#/runs/' + r.id))}, 'Rerun from failed')
              : null].filter(Boolean));
    }
    const selected = pane ? pane.job.id : jobId;
    const drawn = graphBox.querySelector('svg.graph');
    if (drawn && drawn.dataset.shape === graphShape(run)) {
      updateGraph(drawn, run, selected, Date.now());
    } else {
      graphBox.replaceChildren(run.jobs.length ? renderGraph(run, selected, select, Date.now())
                                               : h('p', {class: 'empty'}, run.status === 'queued' ? 'Queued: the jobs appear once it starts.' : 'No jobs.'));
    }
    if (jobId !== null && (!pane || pane.job.id !== jobId)) {
      const job = run.jobs.find((j) => j.id === jobId);
      if (job) openLog(job);
    }
  };
  await refresh();
  const state = {
    key: 'run:' + id,
    timer: setInterval(() => refresh().catch(handle), 1000),
    stop: () => pane && pane.close(),
    showJob: (nextJob, nextLine) => {
      jobId = nextJob;
      if (jobId !== null) refresh().catch(handle);
      highlight(nextLine);
    },
  };
  highlight(line);
  return state;
}

function highlight(line) {
  document.querySelectorAll('.line.target').forEach((node) => node.classList.remove('target'));
  if (!line) return;
  const node = document.getElementById('L' + line);
  if (node) {
    node.classList.add('target');
    node.scrollIntoView({block: 'center'});
  }
}

async function route() {
  const hash = location.hash.replace(/^#/, '') || '/';
  const [path, search] = hash.split('?');
  const query = new URLSearchParams(search || '');
  const match = path.match(/^\/runs\/([A-Za-z0-9._~-]+)(?:\/jobs\/(\d+)(?:\/L(\d+))?)?$/);
  if (match && current && current.key === 'run:' + match[1]) {
    current.showJob(match[2] ? parseInt(match[2], 10) : null, match[3] ? parseInt(match[3], 10) : null);
    return;
  }
  stopView();
  showError('');
  document.getElementById('login').hidden = true;
  document.getElementById('signout').hidden = !getToken();
  try {
    let state;
    if (match) state = await runView(match[1], match[2] ? parseInt(match[2], 10) : null, match[3] ? parseInt(match[3], 10) : null);
    else if (path === '/trigger') state = await triggerView();
    else state = await runsView(query);
    current = state;
  } catch (error) {
    handle(error);
  }
}

document.getElementById('login-form').addEventListener('submit', (event) => {
  event.preventDefault();
  setToken(document.getElementById('token').value.trim());
  document.getElementById('token').value = '';
  route();
});
document.getElementById('signout').addEventListener('click', () => {
  setToken('');
  askToken('');
});
window.addEventListener('hashchange', route);
route();
