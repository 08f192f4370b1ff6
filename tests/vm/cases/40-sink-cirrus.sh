# shrbufsink on cirrus, default properties: vivid's dma-bufs imported (no
# copy anywhere), a 640x480 mode set on the primary-only device, the
# screendump equal to vivid's reference frame pixel for pixel, and the
# CRTC given back to fbcon's 1024x768 framebuffer at stop.
. "$TOP/tests/vm/lib/case.sh"
set -u
card=$(dri_index cirrus)
vivid_reference ref-cirrus.raw 640 480 XR24

GST_DEBUG_EXTRA=shrbufsink:4 gst_start sink-cirrus v4l2src device=$VIDEO \
  io-mode=dmabuf ! video/x-raw,format=BGRx,width=640,height=480 ! shrbufsink
wait_fb "$card" yes
sleep 1
screendump sink-cirrus
cat /sys/kernel/debug/dri/$card/state > sink-cirrus.state
gst_stop sink-cirrus
cat /sys/kernel/debug/dri/$card/state > sink-cirrus-after.state

shown=$(sink_stat sink-cirrus shown)
imported=$(sink_stat sink-cirrus imported)
copied=$(sink_stat sink-cirrus copied)
note "shrbufsink stats: shown $shown, imported $imported, copied $copied, dropped $(sink_stat sink-cirrus dropped), late $(sink_stat sink-cirrus late), latency mean $(sink_stat sink-cirrus latency-mean) ns, p99 $(sink_stat sink-cirrus latency-p99) ns"
note "other frame copies: $(frame_copies sink-cirrus)"
note "mode while playing: $(grep -o 'mode: .*' sink-cirrus.state | head -1); after: $(grep -o 'mode: .*' sink-cirrus-after.state | head -1)"
[ -n "$shown" ] || fail "no stats logged"
[ "$shown" -gt 0 ] || fail "no frame shown"
[ "$copied" -eq 0 ] || fail "shrbufsink copied $copied frames"
[ "$(sink_copy_lines sink-cirrus)" -eq 0 ] || fail "GST_PERFORMANCE shows copies"
[ "$(frame_copies sink-cirrus)" -eq 0 ] || fail "v4l2src copied frames"
grep -q 'mode: "640x480"' sink-cirrus.state || fail "cirrus is not in 640x480 while playing"
grep -q 'mode: "1024x768"' sink-cirrus-after.state || fail "cirrus is not back to 1024x768 after stop"
$VMTOOL cmp-frame sink-cirrus.ppm ref-cirrus.raw 640 480 XR24 \
  || fail "the screen is not vivid's frame"
