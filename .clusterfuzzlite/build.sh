#!/bin/bash -eu
# SPDX-License-Identifier: MIT
# ClusterFuzzLite's build: fuzz/oss-fuzz/build.sh, the one build script of
# ipoc's fuzz targets for ClusterFuzzLite and OSS-Fuzz (what it reads and
# what it leaves in $OUT is described there).
exec bash -eu "$SRC/ipoc/fuzz/oss-fuzz/build.sh" "$@"
