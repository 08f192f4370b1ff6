# The legacy KMS path (SetCrtc, PageFlip with events), forced with
# SHRBUF_SINK_LEGACY_KMS=1 on drivers that have atomic: on cirrus the
# screendump is vivid's frame, on vkms the CRC is kmssink's (itself legacy).
. "$TOP/tests/vm/lib/case.sh"
set -u
cirrus=$(dri_index cirrus)
vkms=$(dri_index vkms)
vivid_reference ref-legacy.raw 640 480 XR24
caps=video/x-raw,format=BGRx,width=640,height=480

SHRBUF_SINK_LEGACY_KMS=1 GST_DEBUG_EXTRA=shrbufsink:4 gst_start legacy-cirrus \
  v4l2src device=$VIDEO io-mode=dmabuf ! $caps ! shrbufsink
wait_fb "$cirrus" yes
sleep 1
screendump legacy-cirrus
gst_stop legacy-cirrus

gst_start legacy-kmssink v4l2src device=$VIDEO io-mode=dmabuf ! $caps \
  ! kmssink driver-name=vkms force-modesetting=true
wait_fb "$vkms" yes
crc_kmssink=$(vkms_crc "$vkms") || exit 1
gst_stop legacy-kmssink

SHRBUF_SINK_LEGACY_KMS=1 GST_DEBUG_EXTRA=shrbufsink:4 gst_start legacy-vkms \
  v4l2src device=$VIDEO io-mode=dmabuf ! $caps \
  ! shrbufsink driver-name=vkms force-modesetting=true
wait_fb "$vkms" yes
crc_sink=$(vkms_crc "$vkms") || exit 1
gst_stop legacy-vkms

for run in legacy-cirrus legacy-vkms; do
  grep -q 'legacy KMS' $run.gst.log || fail "$run did not use legacy KMS"
  note "$run: shown $(sink_stat $run shown), copied $(sink_stat $run copied), dropped $(sink_stat $run dropped)"
  [ "$(sink_stat $run shown)" -gt 1 ] || fail "$run: not more than one frame shown"
  [ "$(sink_stat $run copied)" -eq 0 ] || fail "$run: frames copied"
done
note "CRC kmssink $crc_kmssink, shrbufsink (legacy) $crc_sink"
$VMTOOL cmp-frame legacy-cirrus.ppm ref-legacy.raw 640 480 XR24 \
  || fail "cirrus does not show vivid's frame"
[ "$crc_sink" = "$crc_kmssink" ] || fail "CRCs differ"
