# End to end on vkms, no caps: shrbufsrc ! shrbufsink (setting the mode, as
# kmssink force-modesetting does) with 0 copies, and vkms' CRC of the screen
# equal to that of the same frame shown by v4l2src io-mode=mmap ! kmssink.
. "$TOP/tests/vm/lib/case.sh"
set -u
card=$(dri_index vkms)
v4l2-ctl -d "$VIDEO" -c osd_text_mode=2 || fail "cannot turn vivid's OSD off"

GST_DEBUG_EXTRA=shrbufsink:4 gst_start e2e-vkms -v shrbufsrc \
  ! shrbufsink driver-name=vkms force-modesetting=true
wait_fb "$card" yes
crc=$(vkms_crc "$card") || exit 1
gst_stop e2e-vkms
fmt=$(sink_format e2e-vkms)
caps=video/x-raw,format=${fmt#DMA_DRM:},width=$(sink_caps e2e-vkms width),height=$(sink_caps e2e-vkms height)
note "negotiated $fmt, reference caps $caps"
[ -n "$(sink_caps e2e-vkms width)" ] || fail "no caps in the log"

gst_start e2e-vkms-ref v4l2src device=$VIDEO io-mode=mmap ! "$caps" \
  ! kmssink driver-name=vkms force-modesetting=true
wait_fb "$card" no
crc_ref=$(vkms_crc "$card") || exit 1
gst_stop e2e-vkms-ref

copied=$(sink_stat e2e-vkms copied)
note "CRC shrbufsrc ! shrbufsink $crc, v4l2src mmap ! kmssink $crc_ref"
note "shrbufsink: shown $(sink_stat e2e-vkms shown), copied $copied; other copies $(frame_copies e2e-vkms); reference copies $(frame_copies e2e-vkms-ref)"
[ "$copied" -eq 0 ] && [ "$(frame_copies e2e-vkms)" -eq 0 ] || fail "frames were copied"
[ "$(frame_copies e2e-vkms-ref)" -gt 0 ] || fail "the reference pipeline counted no copy"
[ "$crc" = "$crc_ref" ] || fail "CRCs differ"
