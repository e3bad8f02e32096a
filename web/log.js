// A job's log pane: streamed live (api.streamLog), ANSI colours rendered, a link per line,
// follow-tail that pauses when asked (or when the reader scrolls up), download of the whole log.
import {AnsiState, renderAnsiLine} from './ansi.js';
import {AuthError, fetchWholeLog, streamLog} from './api.js';

export class LogPane {
  constructor(container, runId, job, onAuthError) {
    this.runId = runId;
    this.job = job;
    this.onAuthError = onAuthError;
    this.state = new AnsiState();
    this.lineCount = 0;
    this.partial = '';
    this.offset = 0;
    this.follow = true;
    this.ended = false;
    this.abort = new AbortController();
    this.build(container);
    this.run();
  }

  build(container) {
    const pane = document.createElement('section');
    pane.className = 'log-pane';
    pane.id = 'log-pane';
    const bar = document.createElement('div');
    bar.className = 'log-bar';
    const title = document.createElement('strong');
    title.textContent = this.job.name;
    this.status = document.createElement('span');
    this.status.className = 'log-status';
    this.status.textContent = 'connecting…';
    this.followButton = document.createElement('button');
    this.followButton.id = 'follow';
    this.followButton.addEventListener('click', () => this.setFollow(!this.follow));
    const download = document.createElement('button');
    download.id = 'download';
    download.textContent = 'Download';
    download.addEventListener('click', () => this.download());
    bar.append(title, this.status, this.followButton, download);
    this.body = document.createElement('pre');
    this.body.className = 'log';
    this.body.id = 'log';
    this.body.addEventListener('scroll', () => {
      const atBottom = this.body.scrollHeight - this.body.scrollTop - this.body.clientHeight < 8;
      if (!atBottom && this.follow && !this.autoScrolling) this.setFollow(false);
    });
    pane.append(bar, this.body);
    container.appendChild(pane);
    this.setFollow(true);
  }

  setFollow(follow) {
    this.follow = follow;
    this.followButton.textContent = follow ? 'Pause' : 'Follow';
    this.followButton.setAttribute('aria-pressed', follow ? 'false' : 'true');
    if (follow) this.scrollToEnd();
  }

  scrollToEnd() {
    this.autoScrolling = true;
    this.body.scrollTop = this.body.scrollHeight;
    requestAnimationFrame(() => (this.autoScrolling = false));
  }

  close() {
    this.abort.abort();
  }

  async run() {
    // Reconnects from the last offset until the server sends `end` (it closes idle streams).
    for (let attempt = 0; !this.ended && !this.abort.signal.aborted; ++attempt) {
      try {
        this.status.textContent = 'live';
        await streamLog(this.job.id, this.offset, (event) => this.onEvent(event), this.abort.signal);
      } catch (error) {
        if (this.abort.signal.aborted) return;
        if (error instanceof AuthError) {
          this.onAuthError(error);
          return;
        }
        this.status.textContent = 'reconnecting…';
        await new Promise((resolve) => setTimeout(resolve, Math.min(5000, 500 * (attempt + 1))));
      }
    }
  }

  onEvent(event) {
    if (event.event === 'log') {
      this.append(event.data.text, event.data.stream);
      if (event.id) this.offset = parseInt(event.id, 10);
    } else if (event.event === 'end') {
      if (this.partial) this.appendLine(this.partial, 'stdout');
      this.partial = '';
      this.ended = true;
      this.status.textContent = 'ended: ' + event.data.status;
    }
  }

  append(text, stream) {
    const lines = (this.partial + text).split('\n');
    this.partial = lines.pop();
    const fragment = document.createDocumentFragment();
    for (const line of lines) fragment.appendChild(this.lineNode(line, stream));
    this.body.appendChild(fragment);
    if (this.follow) this.scrollToEnd();
  }

  appendLine(line, stream) {
    this.body.appendChild(this.lineNode(line, stream));
  }

  lineNode(line, stream) {
    const number = ++this.lineCount;
    const row = document.createElement('div');
    row.className = 'line' + (stream === 'stderr' ? ' stderr' : '');
    row.id = 'L' + number;
    const link = document.createElement('a');
    link.className = 'ln';
    link.href = `#/runs/${this.runId}/jobs/${this.job.id}/L${number}`;
    link.textContent = String(number);
    const text = document.createElement('span');
    text.className = 'text';
    renderAnsiLine(line, this.state, text);
    row.append(link, text);
    return row;
  }

  async download() {
    try {
      const text = await fetchWholeLog(this.job.id);
      const url = URL.createObjectURL(new Blob([text], {type: 'text/plain'}));
      const link = document.createElement('a');
      link.href = url;
      link.download = `${this.runId}-${this.job.name.replace(/[^A-Za-z0-9._-]+/g, '_')}.log`;
      document.body.appendChild(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10000);
    } catch (error) {
      if (error instanceof AuthError) this.onAuthError(error);
      else this.status.textContent = 'download failed: ' + error.message;
    }
  }
}
