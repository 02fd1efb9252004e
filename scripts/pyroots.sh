#!/usr/bin/env bash
# Builds the Debian roots that give the tests today's Pythons, once, into .cache/pyroots/SUITE
# (git-ignored), and writes a launcher .cache/pyroots/SUITE.python that runs that root's python3
# under bubblewrap with the host's /work, /home, /root, /tmp… bound in (ports and PIDs are the host's).
# A root is rebuilt when its package list changes. Prints one line per generation: built, ready,
# or skipped and why. Never fails the caller: a machine that cannot build roots runs bookworm only.
#
#   bash scripts/pyroots.sh            build what is missing
#   bash scripts/pyroots.sh --status   only report
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
DIR=$ROOT/.cache/pyroots
MIRROR=${LIVEREF_DEBIAN_MIRROR:-http://deb.debian.org/debian}
# trixie = Debian 13 (Python 3.13, Scrapy 2.12, debugpy 1.8.12); forky = testing (3.14, 2.19, 1.8.20).
SUITES="trixie forky"
PACKAGES="python3,python3-scrapy,python3-debugpy,python3-aiohttp,python3-platformdirs"

log() { echo "[pyroots] $*" >&2; }

why_not() {
  [ -f /etc/debian_version ] || { echo "not Debian"; return; }
  [ "$(id -u)" = 0 ] || { echo "not root (debootstrap needs root)"; return; }
  command -v debootstrap >/dev/null || { echo "debootstrap missing (apt-get install debootstrap bubblewrap)"; return; }
  command -v bwrap >/dev/null || { echo "bwrap missing (apt-get install bubblewrap)"; return; }
  echo ""
}

stamp_of() { echo "$1 $PACKAGES v2" | sha256sum | cut -d' ' -f1; }

write_launcher() {
  local suite=$1 root=$DIR/$1
  # Host folders where checkouts, temporary files and user state live are bound at the same paths,
  # so paths, ports and PIDs mean the same inside and out; the root supplies /usr, /etc, /var.
  cat > "$DIR/$suite.python" <<LAUNCH
#!/bin/sh
# python3 of Debian $suite, run in $root (made by scripts/pyroots.sh).
# Already inside a root (debugpy's adapter starting the program with this same path): no nesting.
[ -f /.liveref-stamp ] && exec /usr/bin/python3 "\$@"
binds=""
for d in /work /home /root /tmp /srv /opt /mnt /var/tmp "$ROOT" "\$PWD"; do
  case "\$d" in /|/usr|/usr/*|/etc|/etc/*|/bin|/sbin|/lib|/lib64|/var|/proc|/proc/*|/dev|/dev/*|/sys|/sys/*) continue ;; esac
  [ -d "\$d" ] && binds="\$binds \$d"
done
set -- /usr/bin/python3 "\$@"
for d in \$binds; do set -- --bind "\$d" "\$d" "\$@"; done
exec bwrap --die-with-parent --bind "$root" / --proc /proc --dev /dev --chdir "\$PWD" "\$@"
LAUNCH
  chmod +x "$DIR/$suite.python"
}

build() {
  local suite=$1 root=$DIR/$1 tmp=$DIR/$1.building
  log "building the Debian $suite root (about 2 minutes, 400 MB)"
  rm -rf "$tmp"; mkdir -p "$DIR"
  # forky (testing) has no debootstrap script of its own in bookworm's debootstrap: trixie's works.
  if ! debootstrap --variant=minbase --include="$PACKAGES" "$suite" "$tmp" "$MIRROR" /usr/share/debootstrap/scripts/trixie > "$DIR/$suite.log" 2>&1; then
    # --include cannot resolve the virtual python3-cffi-backend-api-*: finish with apt's -f.
    cp /etc/resolv.conf "$tmp/etc/resolv.conf"
    chroot "$tmp" apt-get install -y -f python3-cffi-backend >> "$DIR/$suite.log" 2>&1 || { log "$suite: debootstrap failed, see $DIR/$suite.log"; return 1; }
  fi
  cp /etc/resolv.conf "$tmp/etc/resolv.conf"
  chroot "$tmp" apt-get install -y -f python3-cffi-backend >> "$DIR/$suite.log" 2>&1
  chroot "$tmp" /usr/bin/python3 -c 'import scrapy, debugpy' >> "$DIR/$suite.log" 2>&1 || { log "$suite: scrapy/debugpy do not import, see $DIR/$suite.log"; return 1; }
  rm -rf "$root"; mv "$tmp" "$root"
  stamp_of "$suite" > "$root/.liveref-stamp"
}

versions() {
  "$DIR/$1.python" -c 'import sys, scrapy, debugpy; print("Python %d.%d.%d, Scrapy %s, debugpy %s" % (sys.version_info[:3] + (scrapy.__version__, debugpy.__version__)))' 2>/dev/null
}

reason=$(why_not)
for suite in $SUITES; do
  root=$DIR/$suite
  if [ -d "$root" ] && [ "$(cat "$root/.liveref-stamp" 2>/dev/null)" = "$(stamp_of "$suite")" ] && command -v bwrap >/dev/null; then
    write_launcher "$suite"; log "$suite ready: $(versions "$suite")"; continue
  fi
  if [ "${1:-}" = --status ]; then log "$suite not built"; continue; fi
  if [ -n "$reason" ]; then log "$suite skipped: $reason"; continue; fi
  build "$suite" && write_launcher "$suite" && log "$suite built: $(versions "$suite")"
done
exit 0
