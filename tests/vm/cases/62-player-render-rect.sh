# The player's render rectangle (GstVideoOverlay) on vkms, whose planes do
# not scale: the first scaled commit is refused, the sink says so once (a
# warning naming the plane) and shows the frame 1:1, centred in the
# rectangle; a rectangle smaller than the frame crops it to fit.
. "$TOP/tests/vm/lib/case.sh"
set -u
card=$(dri_index vkms)
caps=video/x-raw,format=BGRx,width=640,height=480,framerate=30/1
# With vkms lit by fbcon (a modetest open and close makes the fbdev
# emulation restore itself, as in 46-sink-overlay) the sink takes an
# overlay; on a dark CRTC (Debian 13's kernel does not always restore it)
# the primary plane with a 640x480 mode. Either way the placement is
# asserted on the plane the sink says it took.
modetest -M vkms -c > /dev/null 2>&1
sleep 1

# rect_run NAME RECT: the placement the sink committed for RECT.
rect_run () {
  GST_DEBUG_EXTRA=shrbufsink:4 gst_start "$1" videotestsrc pattern=smpte100 ! $caps \
    ! shrbufsink driver-name=vkms render-rectangle="$2"
  wait_fb "$card" no
  sleep 1
  plane=$(sed -n 's/.* on \(overlay\|primary\) plane \([0-9]*\),.*/\2/p' "$1.gst.log" | head -1)
  [ -n "$plane" ] || fail "$1: the sink names no plane it took"
  pos=$(plane_field "$card" "$plane" crtc-pos=)
  src=$(plane_field "$card" "$plane" src-pos=)
  gst_stop "$1"
  warnings=$(cat "$1.out.log" "$1.gst.log" | grep -c "WARNING: from element .*shrbufsink0: Plane $plane of /dev/dri/card$card cannot scale")
  note "$1: render-rectangle $2 -> plane $plane $pos $src; $warnings warning(s)"
}

rect_run wide "<100,50,1000,600>"
[ "$pos" = "crtc-pos=640x480+280+110" ] || fail "wide: the frame is not 1:1 centred in the rectangle ($pos)"
[ "$src" = "src-pos=640.000000x480.000000+0.000000+0.000000" ] || fail "wide: the frame is cropped ($src)"
[ "$warnings" -eq 1 ] || fail "wide: $warnings warnings that plane $plane cannot scale, not 1"
[ "$(sink_stat wide copied)" -eq 0 ] || fail "wide: frames copied"
[ "$(sink_stat wide shown)" -gt 10 ] || fail "wide: frames not shown"

rect_run small "<10,20,320,200>"
[ "$pos" = "crtc-pos=320x200+10+20" ] || fail "small: the frame is not in the rectangle ($pos)"
[ "$src" = "src-pos=320.000000x200.000000+0.000000+0.000000" ] || fail "small: the frame is not cropped to it ($src)"
[ "$warnings" -eq 1 ] || fail "small: $warnings warnings, not 1"
