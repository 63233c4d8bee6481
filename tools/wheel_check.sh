#!/bin/sh
# Installs the built wheel into a fresh virtual environment with cargo and rustc off the PATH and
# runs the sample experiment from the command line (`make wheel-check`). Usage: wheel_check.sh DIR
set -eu
dir=${1:-dist}
wheel=$(ls "$dir"/alpenglow-*.whl | head -n 1)
wheel="$(cd "$(dirname "$wheel")" && pwd)/$(basename "$wheel")"
case "$wheel" in *abi3*) ;; *) echo "wheel_check: $wheel is not an abi3 wheel" >&2; exit 1 ;; esac
python=$(python3 -c 'import sys; print(sys.executable)')
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# PATH without any directory holding cargo or rustc: the wheel must need no Rust toolchain.
clean=$(printf '%s' "$PATH" | tr ':' '\n' | while read -r d; do
    [ -e "$d/cargo" ] || [ -e "$d/rustc" ] || printf '%s:' "$d"; done)
start=$(date +%s.%N)
"$python" -m venv "$tmp/venv"
cd "$tmp"  # away from the source tree, so that the installed package is imported
env PATH="$tmp/venv/bin:$clean" sh -c '
    set -eu
    if command -v cargo >/dev/null 2>&1 || command -v rustc >/dev/null 2>&1; then
        echo "wheel_check: cargo/rustc still on the PATH" >&2; exit 1
    fi
    pip install -q "$0"
    python -c "import alpenglow, sys; assert \"site-packages\" in alpenglow.__file__, alpenglow.__file__"
    python -m alpenglow run Popularity --events 10000 --quiet
    echo "wheel_check: ok ($(basename "$0"))"
' "$wheel"
# The issue-12 target: fresh venv + install + sample run under 30 s.
echo "wheel_check: fresh venv, install and sample run took $("$python" -c 'import sys; print(round(float(sys.argv[2]) - float(sys.argv[1]), 1))' "$start" "$(date +%s.%N)") s"
