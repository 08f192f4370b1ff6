# End to end on cirrus, no caps: shrbufsrc ! shrbufsink negotiates DMA_DRM
# caps (drm-format=XR24) where GStreamer has them (1.24+), BGRx plain caps
# before, and shows vivid's frames
# with 0 copies (both elements' stats, GST_PERFORMANCE), as imported
# framebuffers, pixel for pixel equal to a v4l2-ctl reference in the
# negotiated format; with the shrbuf module loaded and without it.
. "$TOP/tests/vm/lib/case.sh"
set -u
card=$(dri_index cirrus)
v4l2-ctl -d "$VIDEO" -c osd_text_mode=2 || fail "cannot turn vivid's OSD off"

e2e_run () { # NAME
  GST_DEBUG_EXTRA=shrbufsink:4,shrbufsrc:4 gst_start "$1" -v shrbufsrc ! shrbufsink
  wait_fb "$card" yes
  sleep 1
  screendump "$1"
  gst_stop "$1"
  fmt=$(sink_format "$1")
  w=$(sink_caps "$1" width)
  h=$(sink_caps "$1" height)
  note "$1: negotiated $fmt ${w}x$h"
  want=BGRx
  ! gst_dma_drm || want=DMA_DRM:BGRx
  [ "$fmt" = "$want" ] || fail "$1: negotiated $fmt, not $want"
  shown=$(sink_stat "$1" shown)
  copied=$(sink_stat "$1" copied)
  note "$1: shown $shown, imported $(sink_stat "$1" imported), copied $copied, dropped $(sink_stat "$1" dropped), latency mean $(sink_stat "$1" latency-mean) ns, p99 $(sink_stat "$1" latency-p99) ns"
  [ -n "$shown" ] && [ "$shown" -gt 0 ] || fail "$1: no frame shown"
  [ "$copied" -eq 0 ] || fail "$1: shrbufsink copied $copied frames"
  [ "$(sink_copy_lines "$1")" -eq 0 ] || fail "$1: GST_PERFORMANCE shows sink copies"
  [ "$(frame_copies "$1")" -eq 0 ] || fail "$1: frames copied"
  vivid_reference "$1.raw" "$w" "$h" XR24
  $VMTOOL cmp-frame "$1.ppm" "$1.raw" "$w" "$h" XR24 || fail "$1: the screen is not vivid's frame"
}

e2e_run e2e-cirrus
rmmod shrbuf || fail "cannot unload shrbuf"
e2e_run e2e-cirrus-nopool
insmod "$BUILD/kernel/shrbuf.ko" || fail "cannot load shrbuf again"
