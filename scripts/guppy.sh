#!/bin/bash
# Builds guppy3 from a source checkout for the partition bench's same-run comparison (guppy3 is not
# in Debian, and this project uses no PyPI). The source is copied, never vendored:
#
#   bash scripts/guppy.sh SOURCE_DIR [PYTHON]      # PYTHON defaults to /usr/bin/python3
#   BENCH_GUPPY=$(bash scripts/guppy.sh SOURCE_DIR) node out/bench/partition.bench.js
#
# Prints the built tree's path (for BENCH_GUPPY) as its only output line; build logs go to stderr.
set -euo pipefail
src=${1:?usage: scripts/guppy.sh SOURCE_DIR [PYTHON]}
python=${2:-/usr/bin/python3}
[[ -f "$src/setup.py" && -d "$src/guppy" ]] || { echo "not a guppy3 source checkout: $src" >&2; exit 2; }
tag=$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
if ! "$python" -c 'import sysconfig, os, sys; sys.exit(not os.path.exists(os.path.join(sysconfig.get_paths()["include"], "Python.h")))' || ! command -v gcc >/dev/null; then
  echo "building guppy3 needs a C compiler and Python $tag's headers: apt-get install -y gcc python$tag-dev" >&2
  exit 1
fi
out="$(cd "$(dirname "$0")/.." && pwd)/.cache/guppy3-$tag"
rm -rf "$out" && mkdir -p "$out"
cp -r "$src/setup.py" "$src/guppy" "$src/src" "$out/"
[[ -f "$src/README.md" ]] && cp "$src/README.md" "$out/"
(cd "$out" && "$python" setup.py build_ext --inplace >&2)
(cd /tmp && PYTHONPATH="$out" "$python" -c 'from guppy import hpy; hpy()' >&2)
echo "$out"
