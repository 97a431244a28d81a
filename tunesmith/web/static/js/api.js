// Talking to the studio's HTTP API: JSON in and out, the session cookie signs every request in.

export class ApiError extends Error {
  constructor(status, detail) {
    super(detail);
    this.status = status;
  }
}

function message(detail) {
  if (typeof detail === "string") return detail;
  if (Array.isArray(detail)) return detail.map((d) => `${(d.loc || []).slice(1).join(".")}: ${d.msg}`).join("; ");
  return JSON.stringify(detail);
}

export async function api(path, { method = "GET", body, form } = {}) {
  const init = { method, credentials: "same-origin", headers: {} };
  if (form) init.body = form;
  else if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers["Content-Type"] = "application/json";
  }
  const r = await fetch(path, init);
  const text = await r.text();
  const data = text ? JSON.parse(text) : null;
  if (!r.ok) throw new ApiError(r.status, message(data && data.detail ? data.detail : r.statusText));
  return data;
}

// A run's server-sent events: handlers by event type (status, progress, note, done, failed, cancelled).
// Resolves with the last event when the run has ended.
export function follow(url, handlers) {
  return new Promise((resolve) => {
    const source = new EventSource(url);
    const end = (e) => {
      source.close();
      resolve(e);
    };
    for (const type of ["status", "progress", "note"]) {
      source.addEventListener(type, (ev) => handlers[type] && handlers[type](JSON.parse(ev.data)));
    }
    for (const type of ["done", "failed", "cancelled"]) {
      source.addEventListener(type, (ev) => {
        const e = JSON.parse(ev.data);
        if (handlers[type]) handlers[type](e);
        end(e);
      });
    }
    source.onerror = () => {
      if (source.readyState === EventSource.CLOSED) end({ type: "failed", error: "the connection was lost" });
    };
  });
}

// Notes of a tunesmith JSON score as [{voice, pitch, start, duration}] (ticks, 480 per quarter).
export function notesOf(score) {
  const out = [];
  score.tracks.forEach((t, voice) => {
    for (const [pitch, start, duration] of t.notes) out.push({ voice, pitch, start, duration });
  });
  return out;
}

export function tempoOf(score) {
  return score.tempos && score.tempos.length ? score.tempos[0][1] : 100;
}

export function meterOf(score) {
  const ts = score.time_signatures && score.time_signatures[0];
  return ts ? [ts[1], ts[2]] : [4, 4];
}
