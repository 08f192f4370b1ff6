# A tee with two branches: the same dma-bufs from vivid go to shrbufsink on
# cirrus and to shrbufsink on vkms at once. Both import them (no copy), the
# cirrus screendump is vivid's frame, and both devices' framebuffers and the
# dma-bufs are back to baseline afterwards.
. "$TOP/tests/vm/lib/case.sh"
set -u
cirrus=$(dri_index cirrus)
vkms=$(dri_index vkms)
vivid_reference ref-tee.raw 640 480 XR24
fbs_c0=$(fb_count "$cirrus"); fbs_v0=$(fb_count "$vkms"); bufs0=$(dmabuf_count)

GST_DEBUG_EXTRA=shrbufsink:4 gst_start tee v4l2src device=$VIDEO io-mode=dmabuf \
  ! video/x-raw,format=BGRx,width=640,height=480 ! tee name=t \
  t. ! queue ! shrbufsink name=c driver-name=cirrus \
  t. ! queue ! shrbufsink name=v driver-name=vkms force-modesetting=true
wait_fb "$cirrus" yes
wait_fb "$vkms" yes
sleep 1
fbs_c1=$(fb_count "$cirrus"); fbs_v1=$(fb_count "$vkms"); bufs1=$(dmabuf_count)
screendump tee
gst_stop tee

stats () { grep "<$1> stats:" tee.gst.log | tail -1 | sed 's/.*stats: [^,]*, //'; }
note "cirrus: $(stats c)"
note "vkms: $(stats v)"
for s in c v; do
  stats $s | grep -q 'shown=(guint64)[1-9]' || fail "sink $s showed no frame"
  stats $s | grep -q 'copied=(guint64)0,' || fail "sink $s copied frames"
done
$VMTOOL cmp-frame tee.ppm ref-tee.raw 640 480 XR24 || fail "cirrus does not show vivid's frame"
note "while playing: framebuffers cirrus $fbs_c1, vkms $fbs_v1, dma-bufs $bufs1"
# The counts must move while playing, or back to baseline proves nothing.
[ "$fbs_c1" -gt "$fbs_c0" ] && [ "$fbs_v1" -gt "$fbs_v0" ] && [ "$bufs1" -gt "$bufs0" ] \
  || fail "framebuffers or dma-bufs not counted while playing"
note "framebuffers cirrus $fbs_c0 -> $(fb_count "$cirrus"), vkms $fbs_v0 -> $(fb_count "$vkms"), dma-bufs $bufs0 -> $(dmabuf_count)"
[ "$(fb_count "$cirrus")" -eq "$fbs_c0" ] || fail "framebuffers left on cirrus"
[ "$(fb_count "$vkms")" -eq "$fbs_v0" ] || fail "framebuffers left on vkms"
[ "$(dmabuf_count)" -eq "$bufs0" ] || fail "dma-bufs left"
