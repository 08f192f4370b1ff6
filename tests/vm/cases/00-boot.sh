# The test bed itself: the kernel booted without warnings, and the devices
# every other case relies on are there and are what they should be.
. "$TOP/tests/vm/lib/case.sh"
set -u
note "kernel $(uname -r)"
if grep -E 'WARNING:|BUG:|Oops|general protection fault' "$RESULTS/boot.dmesg"; then
  fail "the kernel warned while booting or loading the drivers"
fi

v4l2-ctl -d "$VIDEO" --info > vivid-info.txt || fail "no V4L2 device at $VIDEO"
grep -q 'Driver name *: vivid' vivid-info.txt || fail "$VIDEO is not vivid"
grep -A12 'Device Caps' vivid-info.txt | grep -q 'Video Capture$' \
  || fail "$VIDEO is not a single-planar capture device"
grep -A12 'Device Caps' vivid-info.txt | grep -q 'Streaming' \
  || fail "$VIDEO does not stream"

cirrus=$(dri_index cirrus)
vkms=$(dri_index vkms)
planes () { grep -c '^plane\[' "/sys/kernel/debug/dri/$1/state"; }
note "cirrus: dri/$cirrus, $(planes "$cirrus") plane(s); vkms: dri/$vkms, $(planes "$vkms") planes"
[ "$(planes "$cirrus")" -eq 1 ] || fail "cirrus should have exactly one (primary) plane"
# vkms with enable_overlay=1: 1 primary, 8 overlay, 1 cursor plane.
[ "$(planes "$vkms")" -eq 10 ] || fail "vkms should have 10 planes"
[ -e "/sys/kernel/debug/dri/$vkms/crtc-0/crc/data" ] || fail "vkms has no CRC debugfs"
