// ANSI SGR colours of job output rendered as spans with classes; every other escape sequence is
// dropped. Text is only ever set with textContent: a job's output is untrusted.
const kEscape = /\x1b(?:\[([0-9;?]*)([@-~])|\][^\x07\x1b]*(?:\x07|\x1b\\)|[@-Z\\-_])/g;

export class AnsiState {
  constructor() {
    this.reset();
  }

  reset() {
    this.fg = null;  // class name ("c1", "c9") or "#rrggbb"
    this.bg = null;
    this.bold = false;
    this.dim = false;
    this.italic = false;
    this.underline = false;
  }

  apply(params) {
    const codes = params === '' ? [0] : params.split(';').map((p) => parseInt(p || '0', 10));
    for (let i = 0; i < codes.length; ++i) {
      const code = codes[i];
      if (code === 0) this.reset();
      else if (code === 1) this.bold = true;
      else if (code === 2) this.dim = true;
      else if (code === 3) this.italic = true;
      else if (code === 4) this.underline = true;
      else if (code === 22) this.bold = this.dim = false;
      else if (code === 23) this.italic = false;
      else if (code === 24) this.underline = false;
      else if (code >= 30 && code <= 37) this.fg = 'c' + (code - 30);
      else if (code >= 90 && code <= 97) this.fg = 'c' + (code - 90 + 8);
      else if (code === 39) this.fg = null;
      else if (code >= 40 && code <= 47) this.bg = 'c' + (code - 40);
      else if (code >= 100 && code <= 107) this.bg = 'c' + (code - 100 + 8);
      else if (code === 49) this.bg = null;
      else if (code === 38 || code === 48) {
        let colour = null;
        if (codes[i + 1] === 5) {
          colour = extended(codes[i + 2]);
          i += 2;
        } else if (codes[i + 1] === 2) {
          colour = rgb(codes[i + 2], codes[i + 3], codes[i + 4]);
          i += 4;
        }
        if (code === 38) this.fg = colour;
        else this.bg = colour;
      }
    }
  }

  // A span for `text` in the current style (a text node when unstyled).
  node(text) {
    if (!this.fg && !this.bg && !this.bold && !this.dim && !this.italic && !this.underline) {
      return document.createTextNode(text);
    }
    const span = document.createElement('span');
    span.textContent = text;
    if (this.bold) span.classList.add('b');
    if (this.dim) span.classList.add('dim');
    if (this.italic) span.classList.add('i');
    if (this.underline) span.classList.add('u');
    if (this.fg) {
      if (this.fg[0] === '#') span.style.color = this.fg;  // CSSOM: allowed by the CSP
      else span.classList.add('fg-' + this.fg);
    }
    if (this.bg) {
      if (this.bg[0] === '#') span.style.backgroundColor = this.bg;
      else span.classList.add('bg-' + this.bg);
    }
    return span;
  }
}

function hex(n) {
  return Math.max(0, Math.min(255, n | 0)).toString(16).padStart(2, '0');
}

function rgb(r, g, b) {
  return '#' + hex(r) + hex(g) + hex(b);
}

function extended(n) {
  if (n === undefined || isNaN(n)) return null;
  if (n < 16) return 'c' + n;
  if (n < 232) {
    const v = n - 16;
    const level = (x) => (x === 0 ? 0 : 55 + x * 40);
    return rgb(level(Math.floor(v / 36)), level(Math.floor(v / 6) % 6), level(v % 6));
  }
  const grey = 8 + (n - 232) * 10;
  return rgb(grey, grey, grey);
}

// Appends one line of output (no newline) to `parent`, styled as `state` says, and leaves
// `state` as the line's escapes left it (colours carry over to the next line, as in a terminal).
export function renderAnsiLine(line, state, parent) {
  let last = 0;
  kEscape.lastIndex = 0;
  let match;
  while ((match = kEscape.exec(line)) !== null) {
    if (match.index > last) parent.appendChild(state.node(line.slice(last, match.index)));
    if (match[2] === 'm') state.apply(match[1]);
    last = kEscape.lastIndex;
  }
  if (last < line.length) parent.appendChild(state.node(line.slice(last)));
}
