# shrbufsrc ! kmssink on cirrus: vivid's buffers reach the display as
# imported framebuffers with 0 frame copies, and the screen equals vivid's
# reference frame pixel for pixel.
. "$TOP/tests/vm/lib/case.sh"
set -u
card=$(dri_index cirrus)
vivid_reference ref-src-cirrus.raw 640 480 XR24

GST_DEBUG_EXTRA=shrbufsrc:4 gst_start src-cirrus shrbufsrc device=$VIDEO \
  ! video/x-raw,format=BGRx,width=640,height=480 \
  ! kmssink driver-name=cirrus force-modesetting=true
wait_fb "$card" yes
sleep 1
screendump src-cirrus
gst_stop src-cirrus

copies=$(frame_copies src-cirrus)
note "frame copies: $copies"
[ "$copies" -eq 0 ] || fail "$copies frames copied"
$VMTOOL cmp-frame src-cirrus.ppm ref-src-cirrus.raw 640 480 XR24 \
  || fail "the screen is not vivid's frame"
