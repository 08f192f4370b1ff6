#!/bin/sh
# kbuild.sh SRCDIR OUTDIR KDIR: builds shrbuf.ko in OUTDIR (Kbuild builds
# external modules in place, so the sources are copied there first) with
# every warning an error.
set -eu
src=$1
out=$2
kdir=$3
mkdir -p "$out"
cp -R "$src/Kbuild" "$src"/*.c "$src/include" "$out/"
for h in "$src"/*.h; do [ -e "$h" ] && cp "$h" "$out/"; done
exec make -s -C "$kdir" M="$(cd "$out" && pwd)" W=1 KCFLAGS=-Werror modules
