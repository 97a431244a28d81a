#!/usr/bin/env bash
# One-time set-up, run by `make` when .venv is missing or the pins changed:
# Debian packages (FluidSynth and a General MIDI SoundFont, for audio; PostgreSQL and Chromium, which the tests
# of the studio start themselves), then .venv with pinned packages.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}

"$PYTHON" - <<'PY' || { echo "tunesmith needs Python >= 3.11 (found $("$PYTHON" --version 2>&1)); set PYTHON=python3.11" >&2; exit 1; }
import sys; sys.exit(sys.version_info < (3, 11))
PY

# --- Debian packages -------------------------------------------------------------------------------------
missing=()
command -v fluidsynth >/dev/null 2>&1 || missing+=(fluidsynth)
[ -e /usr/share/sounds/sf2/FluidR3_GM.sf2 ] || missing+=(fluid-soundfont-gm)
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || command -v initdb >/dev/null 2>&1 || missing+=(postgresql)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing Debian packages: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  elif command -v sudo >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo apt-get update -qq
    sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "warning: cannot install ${missing[*]} (needs root and apt-get): audio rendering, or the studio's" >&2
    echo "         PostgreSQL and browser tests (skipped, with the reason), will be unavailable." >&2
    echo "         install them with: sudo apt-get install --no-install-recommends ${missing[*]}" >&2
  fi
fi

# --- Python environment ----------------------------------------------------------------------------------
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/pip install -q --upgrade pip
# the CPU build of torch first, so that nothing later pulls a CUDA build
.venv/bin/pip install -q torch==2.13.0
.venv/bin/pip install -q -r requirements.lock
.venv/bin/pip install -q --no-deps -e .
# compile the decoding step and the sampler once (numba caches them on disk), not in the first composition
.venv/bin/python -c "from tunesmith.generation.generate import warm_up; warm_up()"
echo "set-up done: .venv ready"
