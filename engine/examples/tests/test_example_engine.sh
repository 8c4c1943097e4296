#!/bin/sh
# The example engine builds out of tree against the *installed* header via
# pkg-config, and `ipoc info` loads it.
#   $1 build dir, $2 engine/examples source dir, $3 the ipoc executable
set -eu
build=$1 examples=$2 ipoc=$3
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT

meson install -C "$build" --no-rebuild --quiet --destdir "$stage/root" >/dev/null
pc=$(find "$stage/root" -name ipoc-engine.pc | head -n 1)
[ -n "$pc" ] || { echo "FAIL: meson install staged no ipoc-engine.pc"; exit 1; }
hdr=$(find "$stage/root" -path '*/ipoc/engine.h' | head -n 1)
[ -n "$hdr" ] || { echo "FAIL: meson install staged no ipoc/engine.h"; exit 1; }

# The .pc file is relocatable (pkgconfig.relocatable): moved with the rest
# of the installation (here, under a --destdir staging root), it still
# names the headers beside it, with no PKG_CONFIG_SYSROOT_DIR.
export PKG_CONFIG_PATH="$(dirname "$pc")"
unset PKG_CONFIG_SYSROOT_DIR
cflags=$(pkg-config --cflags ipoc-engine)
case "$cflags" in
*"$stage/root"*) ;;
*) echo "FAIL: pkg-config --cflags ipoc-engine gave '$cflags', not the staged header"; exit 1 ;;
esac
# O= names a folder that does not exist yet: the Makefile makes it.
make -s -C "$examples" O="$stage/out/lib" CC="${CC:-cc}" >/dev/null

out=$("$ipoc" info --engine "$stage/out/lib/libminimal_engine.so")
passed=0 failed=0
check() { if printf '%s\n' "$out" | grep -q -- "$1"; then passed=$((passed+1)); else failed=$((failed+1)); echo "FAIL: ipoc info output lacks '$1'"; fi; }
check 'engine      ipoc-example-minimal 1.0'
check 'ABI         1.0'
check 'Encapsulation                 IEEE_802_3'
check 'SaOffloadCapacity             0'
json=$("$ipoc" info --json --engine "$stage/out/lib/libminimal_engine.so")
out=$json
check '"name":"ipoc-example-minimal"'
echo "example_engine: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
