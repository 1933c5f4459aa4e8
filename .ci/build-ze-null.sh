#!/usr/bin/env bash
# Builds Level Zero's null driver, libze_null.so.1, from Debian's level-zero source package (the same
# version as the installed loader, libze1), so tests can run every Level Zero binding through the loader
# and its validation layer without hardware. Only the four null-driver sources are compiled (about 3 s);
# no cmake. The source index is fetched into a private apt state folder: the system's apt config is untouched.
# Usage: .ci/build-ze-null.sh [OUT_DIR]   (default target/ze-null); exits non-zero with a reason on failure.
set -euo pipefail
out="$(realpath -m "${1:-target/ze-null}")"
if [ -f "$out/libze_null.so.1" ]; then echo "ze-null: $out/libze_null.so.1 already built"; exit 0; fi
command -v g++ >/dev/null || { echo "ze-null: g++ not found" >&2; exit 2; }
version="$(dpkg-query -W -f='${source:Version}' libze1 2>/dev/null)" || { echo "ze-null: libze1 is not installed" >&2; exit 2; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/lists/partial" "$work/archives/partial"
cat > "$work/sources.list" <<SRC
deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian bookworm main
deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian-security bookworm-security main
SRC
apt_opts=(-o "APT::Sandbox::User=root" -o "Dir::Etc::SourceList=$work/sources.list" -o "Dir::Etc::SourceParts=$work/none" -o "Dir::State::Lists=$work/lists"
          -o "Dir::Cache::Archives=$work/archives" -o "Debug::NoLocking=1" -q)
apt-get "${apt_opts[@]}" update >/dev/null
(cd "$work" && apt-get "${apt_opts[@]}" source --download-only "level-zero=$version" >/dev/null 2>&1)
(cd "$work" && dpkg-source -q --no-check -x level-zero_*.dsc src >/dev/null)
src="$work/src"
mkdir -p "$out"
g++ -O1 -shared -fPIC -fvisibility=hidden -fvisibility-inlines-hidden -fno-strict-aliasing \
  -I"$src/include" -I"$src/source/inc" -I"$src/source/drivers/null" "$src"/source/drivers/null/*.cpp \
  -Wl,-soname,libze_null.so.1 -o "$out/libze_null.so.1"
echo "ze-null: built $out/libze_null.so.1 from level-zero $version"
