// A run's jobs as a DAG in SVG: stages as columns (plan levels when the file has no stages),
// `needs` as edges, each job's state, duration, peak memory and CPU seconds.
const kSvg = 'http://www.w3.org/2000/svg';
const kNodeWidth = 230;
const kNodeHeight = 50;
const kColumnGap = 70;
const kRowGap = 12;
const kHeader = 28;

function el(name, attributes, text) {
  const node = document.createElementNS(kSvg, name);
  for (const [key, value] of Object.entries(attributes || {})) node.setAttribute(key, value);
  if (text !== undefined) node.textContent = text;
  return node;
}

export function formatSeconds(seconds) {
  if (seconds === null || seconds === undefined || isNaN(seconds)) return '';
  if (seconds < 60) return seconds.toFixed(seconds < 10 ? 1 : 0) + ' s';
  const minutes = Math.floor(seconds / 60);
  return minutes + ' min ' + Math.round(seconds % 60) + ' s';
}

export function formatBytes(bytes) {
  if (!bytes) return '';
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    ++unit;
  }
  return value.toFixed(value < 10 && unit ? 1 : 0) + ' ' + units[unit];
}

export function jobSeconds(job, now) {
  if (!job.started_at) return null;
  const end = job.ended_at ? Date.parse(job.ended_at) : now;
  return (end - Date.parse(job.started_at)) / 1000;
}

// Columns of job indices: the run's stages in file order, else the plan's levels; jobs the plan
// left out (manual, level null) go last.
export function layoutColumns(run) {
  const columns = [];
  const byKey = new Map();
  const add = (key, title, index) => {
    if (!byKey.has(key)) {
      byKey.set(key, {title, jobs: []});
      columns.push(byKey.get(key));
    }
    byKey.get(key).jobs.push(index);
  };
  const stages = run.stages || [];
  const useStages = stages.length > 0 && run.jobs.some((job) => job.stage);
  if (useStages) {
    const order = new Map(stages.map((stage, i) => [stage, i]));
    const indices = run.jobs.map((job, i) => i);
    indices.sort((a, b) => {
      const sa = order.has(run.jobs[a].stage) ? order.get(run.jobs[a].stage) : stages.length;
      const sb = order.has(run.jobs[b].stage) ? order.get(run.jobs[b].stage) : stages.length;
      return sa - sb || a - b;
    });
    for (const i of indices) add('s:' + run.jobs[i].stage, run.jobs[i].stage || '(no stage)', i);
  } else {
    const indices = run.jobs.map((job, i) => i);
    const level = (i) => (run.jobs[i].level === null || run.jobs[i].level === undefined ? 1e9 : run.jobs[i].level);
    indices.sort((a, b) => level(a) - level(b) || a - b);
    for (const i of indices) {
      const l = level(i);
      add('l:' + l, l === 1e9 ? 'not planned' : 'level ' + (l + 1), i);
    }
  }
  return columns;
}

// Draws `run` into a new <svg>; onSelect(job) when a job is clicked.
export function renderGraph(run, selectedId, onSelect, now) {
  const columns = layoutColumns(run);
  const place = new Map();
  let tallest = 0;
  columns.forEach((column, c) => {
    column.jobs.forEach((index, row) => {
      place.set(run.jobs[index].name, {
        x: 10 + c * (kNodeWidth + kColumnGap),
        y: kHeader + row * (kNodeHeight + kRowGap),
        job: run.jobs[index],
      });
    });
    tallest = Math.max(tallest, column.jobs.length);
  });
  const width = 20 + columns.length * (kNodeWidth + kColumnGap) - kColumnGap;
  const height = kHeader + tallest * (kNodeHeight + kRowGap) + 10;
  const svg = el('svg', {class: 'graph', width, height, viewBox: `0 0 ${width} ${height}`, role: 'img',
                         'aria-label': 'job graph'});
  columns.forEach((column, c) => {
    svg.appendChild(el('text', {class: 'column-title', x: 10 + c * (kNodeWidth + kColumnGap), y: 16}, column.title));
  });
  const edges = el('g', {class: 'edges'});
  svg.appendChild(edges);
  for (const job of run.jobs) {
    if (!Array.isArray(job.needs)) continue;
    const to = place.get(job.name);
    for (const need of job.needs) {
      const from = place.get(need);
      if (!from || !to) continue;
      const x1 = from.x + kNodeWidth;
      const y1 = from.y + kNodeHeight / 2;
      const x2 = to.x;
      const y2 = to.y + kNodeHeight / 2;
      const bend = Math.max(30, Math.abs(x2 - x1) / 2);
      edges.appendChild(el('path', {class: 'edge', 'data-from': need, 'data-to': job.name,
                                    d: `M${x1},${y1} C${x1 + bend},${y1} ${x2 - bend},${y2} ${x2},${y2}`}));
    }
  }
  for (const {x, y, job} of place.values()) {
    const group = el('g', {'data-job': job.name, transform: `translate(${x},${y})`, tabindex: '0', role: 'button'});
    group.appendChild(el('rect', {width: kNodeWidth, height: kNodeHeight, rx: 6}));
    group.appendChild(el('text', {class: 'name', x: 10, y: 19}, truncate(job.name, 28)));
    group.appendChild(el('text', {class: 'detail', x: 10, y: 38}));
    group.appendChild(el('title'));
    group.addEventListener('click', () => onSelect(group.job));
    group.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' || event.key === ' ') onSelect(group.job);
    });
    svg.appendChild(group);
  }
  svg.dataset.shape = graphShape(run);
  updateGraph(svg, run, selectedId, now);
  return svg;
}

// What decides the drawing: the jobs, their columns and edges. The same shape is updated in
// place (states, times), so a click or focus is never lost to a redraw.
export function graphShape(run) {
  return JSON.stringify([run.stages, run.jobs.map((job) => [job.name, job.stage, job.level, job.needs])]);
}

export function updateGraph(svg, run, selectedId, now) {
  const groups = new Map([...svg.querySelectorAll('g[data-job]')].map((group) => [group.dataset.job, group]));
  for (const job of run.jobs) {
    const group = groups.get(job.name);
    if (!group) continue;
    group.job = job;
    group.setAttribute('class', 'job st-' + job.status + (job.id === selectedId ? ' selected' : ''));
    group.setAttribute('data-status', job.status);
    group.querySelector('.detail').textContent = detail(job, now);
    let title = job.name + ': ' + job.status;
    if (job.exit_code !== null && job.exit_code !== undefined) title += ', exit code ' + job.exit_code;
    if (job.reason) title += ' (' + job.reason + ')';
    group.querySelector('title').textContent = title;
  }
}

function truncate(text, length) {
  return text.length > length ? text.slice(0, length - 1) + '…' : text;
}

function detail(job, now) {
  const parts = [job.status === 'failed' && job.exit_code !== null ? 'failed (' + job.exit_code + ')' : job.status];
  const seconds = jobSeconds(job, now);
  if (seconds !== null) parts.push(formatSeconds(seconds));
  if (job.peak_memory_bytes) parts.push(formatBytes(job.peak_memory_bytes));
  if (job.cpu_seconds) parts.push('cpu ' + job.cpu_seconds.toFixed(1) + ' s');
  return parts.join(' · ');
}
