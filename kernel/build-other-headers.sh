#!/bin/sh
# build-other-headers.sh SRCDIR BUILDDIR MAIN_KDIR: builds the module with
# W=1 -Werror against every installed kernel's headers other than
# MAIN_KDIR (the one meson builds for), each into its own directory.
# Fails when there is none, so the check cannot pass without running.
set -u
src=$1
build=$2
main=$(readlink -f "$3")
here=$(cd "$(dirname "$0")" && pwd)
n=0
failed=0
for kdir in /lib/modules/*/build; do
  [ -f "$kdir/Makefile" ] || continue
  [ "$(readlink -f "$kdir")" = "$main" ] && continue
  ver=$(basename "$(dirname "$kdir")")
  n=$((n + 1))
  if "$here/kbuild.sh" "$src" "$build/other-$ver" "$kdir" > "$build/other-$ver.log" 2>&1; then
    echo "ok: shrbuf.ko builds against $ver"
  else
    echo "FAILED against $ver:"
    cat "$build/other-$ver.log"
    failed=1
  fi
done
[ $n -gt 0 ] || { echo "no other kernel headers installed (linux-headers-6.12-amd64)"; exit 1; }
exit $failed
