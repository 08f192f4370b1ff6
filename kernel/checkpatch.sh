#!/bin/sh
# checkpatch.sh FILE...: runs the kernel's checkpatch.pl (taken once from
# Debian's linux-source package into a cache) on the module's sources.
set -eu
tarball=$(ls /usr/src/linux-source-*.tar.xz 2>/dev/null | sort -V | tail -1)
[ -n "$tarball" ] || { echo "checkpatch.sh: no /usr/src/linux-source-*.tar.xz" >&2; exit 1; }
top=$(basename "$tarball" .tar.xz)
cache=${SHRBUF_VM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/shrbuf-vm}/$top
if [ ! -x "$cache/scripts/checkpatch.pl" ]; then
  mkdir -p "$cache"
  tar -xJf "$tarball" -C "$cache" --strip-components=1 \
    "$top/scripts/checkpatch.pl" "$top/scripts/spelling.txt" \
    "$top/scripts/const_structs.checkpatch"
fi
exec perl "$cache/scripts/checkpatch.pl" --no-tree --file --terse --show-types \
  --strict --ignore FILE_PATH_CHANGES "$@"
