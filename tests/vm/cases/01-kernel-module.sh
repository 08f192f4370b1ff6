# The shrbuf module built by meson loads into Debian's kernel, registers
# /dev/shrbuf (mode 0600), answers an unknown ioctl with ENOTTY, unloads
# and loads again.
. "$TOP/tests/vm/lib/case.sh"
set -u
ko=$BUILD/kernel/shrbuf.ko
[ -f "$ko" ] || fail "$ko was not built"
grep -q '^shrbuf ' /proc/modules || fail "shrbuf is not loaded"
note "$(modinfo -F vermagic "$ko")"
[ -c /dev/shrbuf ] || fail "/dev/shrbuf is not a character device"
mode=$(stat -c %a /dev/shrbuf)
[ "$mode" = 600 ] || fail "/dev/shrbuf has mode $mode, not 600"
# _IOWR('S', 0x7f, 64 bytes): no such command.
err=$($VMTOOL ioctl-errno /dev/shrbuf 0xc040537f) || fail "cannot open /dev/shrbuf"
[ "$err" = ENOTTY ] || fail "unknown ioctl gave $err, not ENOTTY"
rmmod shrbuf || fail "rmmod shrbuf failed"
[ ! -e /dev/shrbuf ] || fail "/dev/shrbuf is still there after rmmod"
insmod "$ko" || fail "insmod failed after rmmod"
[ -c /dev/shrbuf ] || fail "/dev/shrbuf is missing after reloading"
