# shrbufsink on vkms: vivid's dma-bufs imported (no copy), and vkms' CRC of
# the screen equal to kmssink's for the same frame. Both set the 640x480
# mode and show the frame full screen on the primary plane.
. "$TOP/tests/vm/lib/case.sh"
set -u
card=$(dri_index vkms)
v4l2-ctl -d "$VIDEO" -c osd_text_mode=2 || fail "cannot turn vivid's OSD off"
caps=video/x-raw,format=BGRx,width=640,height=480

gst_start sink-vkms-kmssink v4l2src device=$VIDEO io-mode=dmabuf ! $caps \
  ! kmssink driver-name=vkms force-modesetting=true
wait_fb "$card" yes
crc_kmssink=$(vkms_crc "$card") || exit 1
gst_stop sink-vkms-kmssink

GST_DEBUG_EXTRA=shrbufsink:4 gst_start sink-vkms v4l2src device=$VIDEO \
  io-mode=dmabuf ! $caps ! shrbufsink driver-name=vkms force-modesetting=true
wait_fb "$card" yes
crc_sink=$(vkms_crc "$card") || exit 1
gst_stop sink-vkms

copied=$(sink_stat sink-vkms copied)
note "CRC kmssink $crc_kmssink, shrbufsink $crc_sink"
note "shrbufsink stats: shown $(sink_stat sink-vkms shown), imported $(sink_stat sink-vkms imported), copied $copied, dropped $(sink_stat sink-vkms dropped), late $(sink_stat sink-vkms late), latency mean $(sink_stat sink-vkms latency-mean) ns, p99 $(sink_stat sink-vkms latency-p99) ns"
[ -n "$copied" ] || fail "no stats logged"
[ "$(sink_stat sink-vkms shown)" -gt 0 ] || fail "no frame shown"
[ "$copied" -eq 0 ] || fail "shrbufsink copied $copied frames"
[ "$(frame_copies sink-vkms)" -eq 0 ] || fail "v4l2src copied frames"
[ "$crc_sink" = "$crc_kmssink" ] || fail "CRCs differ: kmssink $crc_kmssink, shrbufsink $crc_sink"
