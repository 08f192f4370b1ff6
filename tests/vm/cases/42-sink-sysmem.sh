# System-memory input. videotestsrc takes the pool of dumb buffers that
# shrbufsink proposes and renders straight into scanout memory: 0 copies,
# on cirrus (screendump equal to videotestsrc's frame) and on vkms. Frames
# in plain system memory (filesrc through rawvideoparse) are copied into a
# dumb buffer: counted, one warning naming the reason, the same picture.
. "$TOP/tests/vm/lib/case.sh"
set -u
card=$(dri_index cirrus)
caps=video/x-raw,format=BGRx,width=640,height=480,framerate=30/1
gst-launch-1.0 -q videotestsrc pattern=smpte100 num-buffers=1 ! $caps \
  ! filesink location=ref-bars.raw || fail "no reference frame from videotestsrc"

GST_DEBUG_EXTRA=shrbufsink:4 gst_start sysmem-pool videotestsrc pattern=smpte100 \
  ! $caps ! shrbufsink
wait_fb "$card" no
sleep 1
screendump sysmem-pool
gst_stop sysmem-pool

GST_DEBUG_EXTRA=shrbufsink:4 gst_start sysmem-copy multifilesrc \
  location=ref-bars.raw loop=true ! rawvideoparse format=bgrx width=640 \
  height=480 framerate=30/1 ! shrbufsink
wait_fb "$card" no
sleep 1
screendump sysmem-copy
gst_stop sysmem-copy

vkms=$(dri_index vkms)
GST_DEBUG_EXTRA=shrbufsink:4 gst_start sysmem-vkms videotestsrc pattern=smpte100 \
  ! $caps ! shrbufsink driver-name=vkms force-modesetting=true
wait_fb "$vkms" no
sleep 1
gst_stop sysmem-vkms

for run in sysmem-pool sysmem-copy sysmem-vkms; do
  note "$run: shown $(sink_stat $run shown), imported $(sink_stat $run imported), copied $(sink_stat $run copied), dropped $(sink_stat $run dropped)"
done
warnings=$(grep -c 'WARNING: from element .*Copying frames into scanout memory' sysmem-copy.out.log)
note "copy warning: $(grep -o 'Copying frames into scanout memory.*' sysmem-copy.gst.log | head -1)"
[ "$(sink_stat sysmem-pool shown)" -gt 0 ] || fail "videotestsrc: no frame shown"
[ "$(sink_stat sysmem-pool copied)" -eq 0 ] || fail "videotestsrc: frames copied"
[ "$(sink_stat sysmem-vkms shown)" -gt 0 ] || fail "videotestsrc on vkms: no frame shown"
[ "$(sink_stat sysmem-vkms copied)" -eq 0 ] || fail "videotestsrc on vkms: frames copied"
[ "$(sink_stat sysmem-copy copied)" -gt 0 ] || fail "rawvideoparse: no copy counted"
[ "$(sink_stat sysmem-copy imported)" -eq 0 ] || fail "rawvideoparse: system memory counted as imported"
[ "$(sink_copy_lines sysmem-copy)" -eq "$(sink_stat sysmem-copy copied)" ] \
  || fail "GST_PERFORMANCE copy lines and the copied counter disagree"
[ "$warnings" -eq 1 ] || fail "$warnings copy warnings, want exactly 1"
grep -q 'Copying frames into scanout memory: not dma-buf memory' sysmem-copy.gst.log \
  || fail "the copy warning does not name the reason"
$VMTOOL cmp-frame sysmem-pool.ppm ref-bars.raw 640 480 XR24 \
  || fail "the screen is not videotestsrc's frame (pool)"
$VMTOOL cmp-frame sysmem-copy.ppm ref-bars.raw 640 480 XR24 \
  || fail "the screen is not the frame (copy)"
