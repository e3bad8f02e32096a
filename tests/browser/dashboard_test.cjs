// The dashboard against a real service (run.sh starts it): token refused then accepted, the runs
// list shows a triggered run, the graph its jobs with the right edges, the log pane receives
// lines while a job runs, cancel from the page stops the run and removes its containers, rerun
// from failed queues a new run.
// Screenshots go to $ARTIFACTS. With DASHBOARD_PERF_JOBS it only measures the first paint.
'use strict';
const assert = require('node:assert');
const {execFileSync} = require('node:child_process');
const path = require('node:path');
const puppeteer = require('puppeteer-core');

const base = process.env.DASHBOARD_URL;
const token = process.env.DASHBOARD_TOKEN;
const artifacts = process.env.ARTIFACTS;

async function api(method, route, body) {
  const response = await fetch(base + route, {
    method,
    headers: {Authorization: 'Bearer ' + token, 'Content-Type': 'application/json'},
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return {status: response.status, data: await response.json()};
}

async function until(what, check, seconds = 60) {
  const end = Date.now() + seconds * 1000;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > end) throw new Error('timed out waiting for ' + what);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

function step(name) {
  console.log(`[${new Date().toISOString().slice(11, 23)}] ${name}`);
}

async function main() {
  const browser = await puppeteer.launch({
    executablePath: process.env.CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
  try {
    const page = await browser.newPage();
    await page.setViewport({width: 1280, height: 860});
    const violations = [];
    page.on('console', (message) => {
      if (/Content.Security.Policy|Refused to/i.test(message.text())) violations.push(message.text());
    });
    page.on('pageerror', (error) => violations.push('page error: ' + error.message));
    if (process.env.DASHBOARD_PERF_JOBS) return await measure(page);

    step('a wrong token shows an error, not data');
    await page.goto(base + '/', {waitUntil: 'load'});
    await page.waitForSelector('#login:not([hidden])');
    await page.type('#token', 'not-the-token-0123456789');
    await page.click('#login-form button[type=submit]');
    await page.waitForFunction(() => /wrong token/i.test(document.getElementById('error').textContent));
    assert.strictEqual(await page.$('#runs'), null, 'the runs list is shown with a wrong token');
    assert.ok(await page.$('#login:not([hidden])'), 'the token form is not shown again');

    step('the right token opens the runs list; a run triggered from the page appears in it');
    await page.type('#token', token);
    await page.click('#login-form button[type=submit]');
    await page.waitForSelector('#runs');
    await page.click('nav a[href="#/trigger"]');
    await page.waitForSelector('#trigger-form');
    await page.click('#trigger-form button[type=submit]');  // ref main, the default pipeline
    await page.waitForFunction(() => /^#\/runs\/[0-9a-f-]+$/.test(location.hash));
    const id = await page.evaluate(() => location.hash.slice('#/runs/'.length));
    assert.strictEqual((await api('GET', '/api/v1/pipelines/runs/' + id)).data.trigger, 'api');
    await page.click('nav a[href="#/"]');
    await page.waitForSelector(`tr[data-run="${id}"]`, {timeout: 10000});
    const stored = await page.evaluate(() => sessionStorage.getItem('docker-pipeline-token'));
    assert.strictEqual(stored, token, 'the token is kept in sessionStorage');
    await until('the run to start', async () => (await api('GET', '/api/v1/pipelines/runs/' + id)).data.jobs.length === 4);
    await page.waitForSelector(`tr[data-run="${id}"] .badge.st-running`, {timeout: 10000});
    await page.screenshot({path: path.join(artifacts, 'runs.png')});

    step('the run view draws the graph: stages as columns, needs as edges');
    await page.click(`tr[data-run="${id}"] a`);
    await page.waitForSelector('svg.graph g.job[data-job="slow"]');
    const jobs = await page.$$eval('svg.graph g.job', (nodes) => nodes.map((n) => n.dataset.job).sort());
    assert.deepStrictEqual(jobs, ['build', 'lint', 'slow', 'test']);
    const edges = await page.$$eval('svg.graph path.edge', (paths) => paths.map((p) => p.dataset.from + '->' + p.dataset.to).sort());
    assert.deepStrictEqual(edges, ['build->slow', 'build->test'], 'edges are the needs (lint follows by stage)');
    const columns = await page.$$eval('svg.graph .column-title', (titles) => titles.map((t) => t.textContent));
    assert.deepStrictEqual(columns, ['build', 'test']);
    await page.waitForSelector('svg.graph g.job[data-job="build"][data-status="success"]', {timeout: 30000});
    await page.waitForSelector('svg.graph g.job[data-job="slow"][data-status="running"]', {timeout: 30000});
    await page.screenshot({path: path.join(artifacts, 'graph.png')});

    step('the log pane streams lines while the job runs, colours rendered');
    await page.click('svg.graph g.job[data-job="build"]');
    await page.waitForSelector('#log .fg-c2', {timeout: 10000});
    const green = await page.$eval('#log .fg-c2', (span) => span.textContent);
    assert.strictEqual(green, 'green build');
    assert.ok(await page.$('#log .fg-c1.b'), 'bold red is rendered bold and red');
    assert.ok(!(await page.$eval('#log', (log) => log.textContent.includes('\u001b'))), 'escape codes are not shown raw');
    await page.click('svg.graph g.job[data-job="slow"]');
    const slowLines = () => [...document.querySelectorAll('#log .line .text')].filter((t) => /^slow line \d+$/.test(t.textContent)).length;
    await page.waitForFunction(`(${slowLines})() >= 3`, {timeout: 20000});
    const before = await page.evaluate(slowLines);
    await page.waitForFunction(`(${slowLines})() >= ${before + 3}`, {timeout: 10000});
    const status = (await api('GET', '/api/v1/pipelines/runs/' + id)).data.jobs.find((j) => j.name === 'slow').status;
    assert.strictEqual(status, 'running', 'the lines arrived while the job ran');
    const link = await page.$eval('#log .line:nth-child(2) a.ln', (a) => a.getAttribute('href'));
    assert.match(link, new RegExp(`^#/runs/${id}/jobs/\\d+/L2$`));
    await page.click('#follow');  // pause: lines keep coming, the view stays put
    assert.strictEqual(await page.$eval('#follow', (b) => b.textContent), 'Follow');
    await page.screenshot({path: path.join(artifacts, 'log.png'), fullPage: true});

    step('cancel from the page stops the run and removes its containers');
    await page.click('#cancel');
    await until('the run to end cancelled', async () => (await api('GET', '/api/v1/pipelines/runs/' + id)).data.status === 'cancelled', 30);
    await page.waitForSelector('.run-header .badge.st-cancelled', {timeout: 10000});
    await page.waitForFunction(() => /ended/.test(document.querySelector('.log-status').textContent), {timeout: 10000});
    const left = execFileSync('docker', ['ps', '-aq', '--filter', 'label=io.docker-pipeline.run=' + id]).toString().trim();
    assert.strictEqual(left, '', 'containers of the cancelled run are left: ' + left);
    step('rerun from failed from the page queues a new run of the same commit');
    await page.click('#rerun-failed');
    await page.waitForFunction((old) => /^#\/runs\/[0-9a-f-]+$/.test(location.hash) && !location.hash.endsWith(old), {}, id);
    const rerunId = await page.evaluate(() => location.hash.slice('#/runs/'.length));
    const rerun = (await api('GET', '/api/v1/pipelines/runs/' + rerunId)).data;
    assert.strictEqual(rerun.trigger, 'rerun');
    assert.strictEqual(rerun.commit, (await api('GET', '/api/v1/pipelines/runs/' + id)).data.commit);
    const stop = await api('POST', `/api/v1/pipelines/runs/${rerunId}/cancel`);
    assert.ok(stop.status === 200 || stop.status === 202 || stop.status === 409, JSON.stringify(stop));
    await until('the rerun to end', async () => !['queued', 'running'].includes((await api('GET', '/api/v1/pipelines/runs/' + rerunId)).data.status), 30);

    assert.deepStrictEqual(violations, [], 'the page broke its CSP or threw');
    step('passed');
  } catch (error) {
    const pages = await browser.pages();
    if (pages.length) await pages[pages.length - 1].screenshot({path: path.join(artifacts, 'failure.png'), fullPage: true}).catch(() => {});
    throw error;
  } finally {
    await browser.close();
  }
}

// The first paint of a run of DASHBOARD_PERF_JOBS jobs: the graph drawn from a cold page load.
async function measure(page) {
  const trigger = await api('POST', '/api/v1/repos/app/pipelines/run', {ref: 'main'});
  const id = trigger.data.id;
  const jobs = Number(process.env.DASHBOARD_PERF_JOBS);
  await until('the run to list its jobs', async () => (await api('GET', '/api/v1/pipelines/runs/' + id)).data.jobs.length >= jobs, 120);
  await page.evaluateOnNewDocument((t) => sessionStorage.setItem('docker-pipeline-token', t), token);
  const results = [];
  for (let i = 0; i < 5; ++i) {
    await page.goto('about:blank');
    const start = Date.now();
    await page.goto(`${base}/#/runs/${id}`, {waitUntil: 'load'});
    await page.waitForFunction((n) => document.querySelectorAll('svg.graph g.job').length >= n, {timeout: 30000}, jobs);
    const graphMs = Date.now() - start;
    // The paint that shows the graph: one frame after it is in the DOM.
    const timing = await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => setTimeout(() => {
      const paints = Object.fromEntries(performance.getEntriesByType('paint').map((p) => [p.name, p.startTime]));
      resolve({paints, now: performance.now()});
    }))));
    results.push({wall_ms_until_graph_in_dom: graphMs, first_paint_ms: timing.paints['first-paint'],
                  first_contentful_paint_ms: timing.paints['first-contentful-paint'], graph_painted_ms: timing.now});
  }
  console.log(JSON.stringify({jobs, runs: results}, null, 1));
  await api('POST', `/api/v1/pipelines/runs/${id}/cancel`);
}

main().then(() => process.exit(0), (error) => {
  console.error('FAIL: ' + (error && error.stack || error));
  process.exit(1);
});
