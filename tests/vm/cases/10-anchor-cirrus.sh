# Anchor: v4l2src io-mode=dmabuf ! kmssink on cirrus. Zero frame copies,
# vivid's buffers imported as framebuffers, and the screen equal to vivid's
# reference frame pixel for pixel.
. "$TOP/tests/vm/lib/case.sh"
set -u
card=$(dri_index cirrus)
vivid_reference ref-cirrus.raw 640 480 XR24

gst_start anchor-cirrus v4l2src device=$VIDEO io-mode=dmabuf \
  ! video/x-raw,format=BGRx,width=640,height=480 \
  ! kmssink driver-name=cirrus force-modesetting=true
wait_fb "$card" yes
sleep 1
screendump anchor-cirrus
awk '/^framebuffer\[/ { n++ } END { print "# framebuffers on cirrus while playing: " n }' \
  /sys/kernel/debug/dri/$card/framebuffer
gst_stop anchor-cirrus

copies=$(frame_copies anchor-cirrus)
note "frame copies: $copies"
[ "$copies" -eq 0 ] || fail "kmssink/v4l2src copied $copies frames"
$VMTOOL cmp-frame anchor-cirrus.ppm ref-cirrus.raw 640 480 XR24 \
  || fail "the screen is not vivid's frame"
