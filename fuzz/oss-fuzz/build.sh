#!/bin/bash -eu
# SPDX-License-Identifier: MIT
#
# fuzz/oss-fuzz/build.sh - ipoc's fuzz targets built the OSS-Fuzz way, for
# OSS-Fuzz (this file is also projects/ipoc/build.sh there, and hands over
# to the tree's copy) and ClusterFuzzLite (.clusterfuzzlite/build.sh runs
# it).
#
# Reads what the images' `compile` sets: CC, CXX, CFLAGS (the sanitizer and
# -fsanitize=fuzzer-no-link), LIB_FUZZING_ENGINE (how a target links its
# fuzzing engine), SRC, WORK, OUT. Writes to $OUT, per target of
# fuzz_targets in fuzz/meson.build:
#   fuzz_<target>                    the target
#   fuzz_<target>_seed_corpus.zip    fuzz/corpus/<target>/ and fuzz/regress/<target>/
#   fuzz_<target>.dict               fuzz/<target>.dict
#   fuzz_<target>.options            fuzz/<target>.options, its dict line renamed
# and libipoc_ref.so, the bundled reference engine, which the targets load
# from their own folder (harness/host/loader.c).
#
# Dependencies: in the Docker images the sources of OpenSSL 3, libpcap
# and jansson are in $SRC (cloned by the Dockerfile); they are built here
# with plain clang (no coverage of theirs to drown ipoc's, no sanitizer
# needed for ASan and UBSan builds) as static archives with
# position-independent code and nothing optional, so that the targets and
# the engine carry them (the runner image has none of them). Without those
# sources (a local run) the system's are used through pkg-config.
#
# Local run, as make check's test does it:
#   CC=clang CXX=clang++ CFLAGS="-O1 -fno-omit-frame-pointer -gline-tables-only \
#     -fsanitize=address -fsanitize-address-use-after-scope -fsanitize=fuzzer-no-link" \
#   CXXFLAGS="$CFLAGS" LIB_FUZZING_ENGINE=-fsanitize=fuzzer \
#   SRC=/tmp/src WORK=/tmp/work OUT=/tmp/out fuzz/oss-fuzz/build.sh

: "${SRC:?}" "${WORK:?}" "${OUT:?}" "${CC:?}" "${LIB_FUZZING_ENGINE:?}"
# The ipoc tree: the one this script is in (fuzz/oss-fuzz/, as
# .clusterfuzzlite/build.sh runs it), else $SRC/ipoc: OSS-Fuzz runs the copy
# in projects/ipoc/ as $SRC/build.sh, which hands over to the tree's own
# fuzz/oss-fuzz/build.sh, so that the build follows the tree it builds
# (a target added to fuzz/meson.build needs no change in OSS-Fuzz).
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
if [ ! -f "$here/fuzz/meson.build" ]; then
	here=$SRC/ipoc
	if [ -f "$here/fuzz/oss-fuzz/build.sh" ] && [ -z "${IPOC_BUILD_SH_TREE:-}" ]; then
		export IPOC_BUILD_SH_TREE=1
		exec bash -eu "$here/fuzz/oss-fuzz/build.sh" "$@"
	fi
fi
CFLAGS=${CFLAGS:-}
jobs=$(nproc 2>/dev/null || echo 2)
build=$WORK/ipoc-build
deps=$WORK/ipoc-deps
mkdir -p "$OUT" "$WORK"

# ---- dependencies, static, when their sources are here
dep_cflags="-O2 -fPIC"
if [ -d "$SRC/openssl" ] && [ ! -f "$deps/lib/libcrypto.a" ]; then
	(cd "$SRC/openssl" &&
	 CC=clang CFLAGS="$dep_cflags" ./Configure linux-x86_64 no-shared no-tests \
		--prefix="$deps" --libdir=lib &&
	 make -j"$jobs" build_libs && make install_dev)
fi
if [ -d "$SRC/libpcap" ] && [ ! -f "$deps/lib/libpcap.a" ]; then
	(cd "$SRC/libpcap" && { [ -x autogen.sh ] && ./autogen.sh || autoreconf -fi; } &&
	 CC=clang CFLAGS="$dep_cflags" ./configure --prefix="$deps" --disable-shared --disable-dbus \
		--disable-rdma --disable-bluetooth --disable-usb --disable-netmap --without-libnl \
		--without-dpdk --disable-remote &&
	 make -j"$jobs" && make install)
fi
if [ -d "$SRC/jansson" ] && [ ! -f "$deps/lib/libjansson.a" ]; then
	mkdir -p "$WORK/jansson-build"
	(cd "$WORK/jansson-build" &&
	 CC=clang CFLAGS="$dep_cflags" cmake "$SRC/jansson" -DCMAKE_INSTALL_PREFIX="$deps" \
		-DCMAKE_INSTALL_LIBDIR=lib -DJANSSON_BUILD_SHARED_LIBS=OFF \
		-DJANSSON_BUILD_DOCS=OFF -DJANSSON_EXAMPLES=OFF -DJANSSON_WITHOUT_TESTS=ON \
		-DCMAKE_POSITION_INDEPENDENT_CODE=ON &&
	 make -j"$jobs" && make install)
fi
if [ -d "$deps/lib/pkgconfig" ]; then
	export PKG_CONFIG_PATH="$deps/lib/pkgconfig"
	export PKG_CONFIG_LIBDIR="$deps/lib/pkgconfig"
	# What the static archives need beside them.
	export LDFLAGS="${LDFLAGS:-} -pthread"
fi

# ---- the project: meson links with LDFLAGS only, so the sanitizer flags
# go there too; the targets link $LIB_FUZZING_ENGINE (-Dfuzz_link_args).
export LDFLAGS="${LDFLAGS:-} $CFLAGS"
# The harness machinery stays out of coverage (fuzz/coverage-ignore.txt):
# clang gets it from meson; AFL++'s compiler, which OSS-Fuzz's AFL++
# builds use as CC, drops that flag and reads this.
export AFL_LLVM_DENYLIST="$here/fuzz/coverage-ignore.txt"
if [ ! -f "$build/build.ninja" ]; then
	meson setup "$build" "$here" -Dfuzzing=libfuzzer -Dfuzz_link_args="$LIB_FUZZING_ENGINE" \
		-Dtests=false -Db_lundef=false -Dwerror=false -Dbuildtype=plain \
		-Ddefault_library=static
fi

# Only what the targets need: each fuzz_<target> (the rows of fuzz_targets,
# as ipoc fuzz finds them) and the reference engine.
mapfile -t exes < <(meson introspect "$build" --targets | python3 -c '
import json, sys
sys.path.insert(0, sys.argv[1])
from campaign import targets_of
for name, exe in sorted(targets_of(json.load(sys.stdin)).items()):
    print(exe)' "$here/fuzz")
if [ ${#exes[@]} -eq 0 ]; then
	echo "build.sh: no fuzz target in fuzz/meson.build" >&2
	exit 1
fi
rels=()
for e in "${exes[@]}"; do
	rels+=("${e#"$build"/}")
done
ninja -C "$build" -j"$jobs" "${rels[@]}" engine/ref/libipoc_ref.so

cp "$build/engine/ref/libipoc_ref.so" "$OUT/"
for e in "${exes[@]}"; do
	name=$(basename "$e")
	t=${name#fuzz_}
	cp "$e" "$OUT/$name"
	folders=()
	for d in "$here/fuzz/corpus/$t" "$here/fuzz/regress/$t"; do
		[ -d "$d" ] && folders+=("$d")
	done
	rm -f "$OUT/${name}_seed_corpus.zip"
	if [ ${#folders[@]} -gt 0 ]; then
		python3 - "$OUT/${name}_seed_corpus.zip" "${folders[@]}" <<'PY'
import hashlib, os, sys, zipfile
seen = set()
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
    for d in sys.argv[2:]:
        for f in sorted(os.listdir(d)):
            p = os.path.join(d, f)
            if f.startswith(".") or not os.path.isfile(p):
                continue
            data = open(p, "rb").read()
            h = hashlib.sha1(data).hexdigest()
            if h not in seen:
                seen.add(h)
                z.writestr(f, data)
PY
	fi
	[ -f "$here/fuzz/$t.dict" ] && cp "$here/fuzz/$t.dict" "$OUT/$name.dict"
	if [ -f "$here/fuzz/$t.options" ]; then
		sed -E "s/^(dict[[:space:]]*=[[:space:]]*).*/\\1$name.dict/" "$here/fuzz/$t.options" \
			> "$OUT/$name.options"
	fi
done
echo "build.sh: ${#exes[@]} fuzz target(s) in $OUT"
