// Playing notes in the browser with WebAudio: a small additive voice per note (triangle and sine, soft
// attack, gentle release), one stereo position per voice. Notes can be scheduled as they stream in.

const TPQ = 480;
const PAN = [-0.35, 0.35, -0.15, 0.15];

export class Synth {
  constructor() {
    this.ctx = null;
    this.nodes = [];
    this.startedAt = 0;
    this.qpm = 100;
    this.onend = null;
    this.endTimer = null;
  }

  ensure() {
    if (!this.ctx) {
      this.ctx = new AudioContext();
      this.master = this.ctx.createGain();
      this.master.gain.value = 0.22;
      this.master.connect(this.ctx.destination);
    }
    if (this.ctx.state === "suspended") this.ctx.resume();
    return this.ctx;
  }

  get playing() {
    return this.nodes.length > 0;
  }

  // Start a timeline at `qpm` quarter notes per minute; notes are added with `add`.
  begin(qpm, lead = 0.15) {
    this.stop();
    const ctx = this.ensure();
    this.qpm = qpm;
    this.startedAt = ctx.currentTime + lead;
    this.last = this.startedAt;
  }

  seconds(ticks) {
    return (ticks / TPQ) * (60 / this.qpm);
  }

  // Position of the playhead in ticks (negative before the start).
  position() {
    if (!this.ctx) return -1;
    return ((this.ctx.currentTime - this.startedAt) * this.qpm * TPQ) / 60;
  }

  add(note) {
    const ctx = this.ctx;
    const t0 = Math.max(this.startedAt + this.seconds(note.start), ctx.currentTime + 0.01);
    const t1 = t0 + Math.max(this.seconds(note.duration), 0.06);
    const freq = 440 * Math.pow(2, (note.pitch - 69) / 12);
    const gain = ctx.createGain();
    gain.gain.setValueAtTime(0, t0);
    gain.gain.linearRampToValueAtTime(0.5, t0 + 0.02);
    gain.gain.setTargetAtTime(0.32, t0 + 0.03, 0.15);
    gain.gain.setTargetAtTime(0, t1, 0.06);
    const pan = ctx.createStereoPanner();
    pan.pan.value = PAN[note.voice % PAN.length];
    gain.connect(pan).connect(this.master);
    for (const [type, mult, level] of [["triangle", 1, 1], ["sine", 2, 0.18]]) {
      const osc = ctx.createOscillator();
      osc.type = type;
      osc.frequency.value = freq * mult;
      const g = ctx.createGain();
      g.gain.value = level;
      osc.connect(g).connect(gain);
      osc.start(t0);
      osc.stop(t1 + 0.4);
      this.nodes.push(osc);
      osc.onended = () => {
        const i = this.nodes.indexOf(osc);
        if (i >= 0) this.nodes.splice(i, 1);
        if (!this.nodes.length && this.onend) this.onend();
      };
    }
    this.last = Math.max(this.last, t1);
  }

  play(notes, qpm) {
    this.begin(qpm);
    for (const n of notes) this.add(n);
  }

  stop() {
    for (const osc of this.nodes.splice(0)) {
      try {
        osc.onended = null;
        osc.stop();
      } catch (e) {
        /* not started yet */
      }
    }
  }
}
