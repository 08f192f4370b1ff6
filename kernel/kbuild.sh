#!/bin/sh
# kbuild.sh SRCDIR OUTDIR KDIR: builds shrbuf.ko into OUTDIR with every
# warning an error. Kbuild builds external modules in place, so the sources
# are copied first, into OUTDIR/kbuild: not beside the build tree's mirror
# of the source folders, where the copy of the uapi header would shadow the
# source's one for the user-space code that includes it.
set -eu
src=$1
out=$2
kdir=$3
work=$out/kbuild
mkdir -p "$work"
# Copies an older kbuild.sh made at the top of OUTDIR.
rm -rf "$out/include" "$out"/*.c "$out/Kbuild" "$out/shrbuf.h"
cp -R "$src/Kbuild" "$src"/*.c "$src/include" "$work/"
for h in "$src"/*.h; do [ -e "$h" ] && cp "$h" "$work/"; done
make -s -C "$kdir" M="$(cd "$work" && pwd)" W=1 KCFLAGS=-Werror modules
cp "$work/shrbuf.ko" "$out/shrbuf.ko"
