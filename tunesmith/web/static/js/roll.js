// The piano roll: notes as bars on a grid of beats and bars, one colour per voice, a playhead.

const TPQ = 480;
const COLORS = ["#3f6ad8", "#d9734e", "#2f9e8f", "#8a5cc7", "#b8860b", "#c2185b"];
const NAMES = ["C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B"];

export class Roll {
  constructor(canvas) {
    this.canvas = canvas;
    this.notes = [];
    this.meter = [4, 4];
    this.length = 0; // ticks shown at least (the expected length while notes stream in)
    this.playhead = -1;
    this.placeholder = canvas.dataset.placeholder || "";
    new ResizeObserver(() => this.draw()).observe(canvas);
  }

  show(notes, meter, length = 0) {
    this.notes = notes;
    this.meter = meter || [4, 4];
    this.length = length;
    this.draw();
  }

  add(note) {
    this.notes.push(note);
    this.draw();
  }

  barTicks() {
    return (this.meter[0] * 4 * TPQ) / this.meter[1];
  }

  draw() {
    const c = this.canvas;
    const dpr = window.devicePixelRatio || 1;
    const w = c.clientWidth;
    const h = c.clientHeight;
    if (!w || !h) return;
    c.width = Math.round(w * dpr);
    c.height = Math.round(h * dpr);
    const g = c.getContext("2d");
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.fillStyle = "#fff";
    g.fillRect(0, 0, w, h);
    const left = 34;
    const top = 18;
    const notes = this.notes;
    c.dataset.notes = notes.length; // what the page shows, for its tests
    const bar = this.barTicks();
    const end = Math.max(this.length, ...notes.map((n) => n.start + n.duration), bar);
    const span = Math.ceil(end / bar) * bar;
    let lo = Math.min(...notes.map((n) => n.pitch), 60) - 2;
    let hi = Math.max(...notes.map((n) => n.pitch), 72) + 2;
    if (hi - lo < 24) {
      const mid = (hi + lo) / 2;
      lo = Math.floor(mid - 12);
      hi = Math.ceil(mid + 12);
    }
    const x = (t) => left + ((w - left - 6) * t) / span;
    const rowH = (h - top - 4) / (hi - lo + 1);
    const y = (p) => top + (hi - p) * rowH;
    // rows: black keys shaded, C labelled
    for (let p = lo; p <= hi; p++) {
      if ([1, 3, 6, 8, 10].includes(p % 12)) {
        g.fillStyle = "#f4f6fa";
        g.fillRect(left, y(p), w - left, rowH);
      }
      if (p % 12 === 0) {
        g.fillStyle = "#8a93a8";
        g.font = "10px system-ui, sans-serif";
        g.fillText(`${NAMES[0]}${p / 12 - 1}`, 4, y(p) + rowH - 1);
        g.fillStyle = "#e3e7ef";
        g.fillRect(left, y(p) + rowH - 0.5, w - left, 0.5);
      }
    }
    // beats and bars, numbered
    const beat = this.meter[1] === 8 && this.meter[0] % 3 === 0 && this.meter[0] > 3 ? (3 * TPQ) / 2 : (4 * TPQ) / this.meter[1];
    for (let t = 0; t <= span; t += beat) {
      const isBar = t % bar === 0;
      g.fillStyle = isBar ? "#c3cad8" : "#eceff5";
      g.fillRect(x(t), top, isBar ? 1 : 0.6, h - top);
      if (isBar && t < span) {
        g.fillStyle = "#8a93a8";
        g.font = "10px system-ui, sans-serif";
        g.fillText(String(t / bar + 1), x(t) + 3, 12);
      }
    }
    for (const n of notes) {
      g.fillStyle = COLORS[n.voice % COLORS.length];
      const nx = x(n.start);
      const nw = Math.max(x(n.start + n.duration) - nx - 1, 2);
      const ny = y(n.pitch) + 0.5;
      g.beginPath();
      g.roundRect(nx, ny, nw, Math.max(rowH - 1, 2), 2);
      g.fill();
    }
    if (!notes.length && this.placeholder) {
      g.fillStyle = "#8a93a8";
      g.font = "13px system-ui, sans-serif";
      g.textAlign = "center";
      g.fillText(this.placeholder, (left + w) / 2, h / 2);
      g.textAlign = "start";
    }
    if (this.playhead >= 0 && this.playhead <= span) {
      g.fillStyle = "#e53e3e";
      g.fillRect(x(this.playhead), top - 4, 1.5, h - top + 4);
    }
  }
}
