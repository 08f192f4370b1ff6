# Anchor: v4l2src io-mode=dmabuf ! kmssink on vkms. Zero frame copies,
# vivid's buffers imported as framebuffers, and vkms' CRC of the screen equal
# to the CRC of the same frame shown through io-mode=mmap (which copies).
. "$TOP/tests/vm/lib/case.sh"
set -u
card=$(dri_index vkms)
v4l2-ctl -d "$VIDEO" -c osd_text_mode=2 || fail "cannot turn vivid's OSD off"
caps=video/x-raw,format=BGRx,width=640,height=480
# Both runs set the same 640x480 mode: left alone, kmssink would pick the
# primary plane on an idle CRTC but an overlay on fbcon's 1024x768 one.

gst_start anchor-vkms-dmabuf v4l2src device=$VIDEO io-mode=dmabuf ! $caps \
  ! kmssink driver-name=vkms force-modesetting=true
wait_fb "$card" yes
crc_dmabuf=$(vkms_crc "$card") || exit 1
gst_stop anchor-vkms-dmabuf

gst_start anchor-vkms-mmap v4l2src device=$VIDEO io-mode=mmap ! $caps \
  ! kmssink driver-name=vkms force-modesetting=true
wait_fb "$card" no
crc_mmap=$(vkms_crc "$card") || exit 1
gst_stop anchor-vkms-mmap

# The CRC must follow the picture: another of vivid's test patterns shows
# with another CRC.
v4l2-ctl -d "$VIDEO" -c test_pattern=1 || fail "cannot change vivid's test pattern"
gst_start anchor-vkms-pattern v4l2src device=$VIDEO io-mode=dmabuf ! $caps \
  ! kmssink driver-name=vkms force-modesetting=true
wait_fb "$card" yes
crc_other=$(vkms_crc "$card") || exit 1
gst_stop anchor-vkms-pattern
v4l2-ctl -d "$VIDEO" -c test_pattern=0

copies_dmabuf=$(frame_copies anchor-vkms-dmabuf)
copies_mmap=$(frame_copies anchor-vkms-mmap)
note "CRC dmabuf $crc_dmabuf, mmap $crc_mmap, other pattern $crc_other"
note "frame copies: dmabuf $copies_dmabuf, mmap $copies_mmap"
[ "$copies_dmabuf" -eq 0 ] || fail "io-mode=dmabuf copied $copies_dmabuf frames"
# The copy counter must see the copies that io-mode=mmap makes, or it
# proves nothing for the dmabuf run.
[ "$copies_mmap" -gt 0 ] || fail "no copies counted for io-mode=mmap"
[ "$crc_other" != "$crc_dmabuf" ] || fail "the CRC does not change with the picture"
[ "$crc_dmabuf" = "$crc_mmap" ] || fail "CRCs differ: dmabuf $crc_dmabuf, mmap $crc_mmap"
