# A real V4L2 stateful decoder upstream of the sink: vicodec (the kernel's
# FWHT codec) through GStreamer's v4l2fwhtenc and v4l2fwhtdec.
# - The decoder's capture buffers (dma-bufs of vicodec's) are imported as
#   framebuffers: 0 copies in the sink and in the decoder, every decoded
#   frame shown, none dropped.
# - What cirrus shows is, pixel for pixel, the decoder's output written to
#   a file by another run; on vkms, the CRC equals that of the file's frame
#   shown from system memory.
# - A resolution change mid-stream (640x480 then 800x600, through concat:
#   the decoder gets a new header, re-allocates its capture buffers and
#   renegotiates): no stall, the new size shown frame-exact, 0 copies, and
#   after the pipeline the dma-bufs and framebuffers are back to baseline.
# The encoder gets BGRx (vicodec decodes to RGB only from an RGB stream,
# whose chroma is not subsampled); capssetter gives the FWHT caps a
# colorimetry GStreamer 1.22's decoder accepts (docs/testing.md).
# sync=false where frames are counted: under emulation vicodec decodes
# slower than 30 fps, and a synchronised sink would drop late frames.
. "$TOP/tests/vm/lib/case.sh"
set -u
m2m_load vicodec
cirrus=$(dri_index cirrus)
vkms=$(dri_index vkms)
gst-inspect-1.0 v4l2fwhtdec > /dev/null 2>&1 || fail "no v4l2fwhtdec with vicodec loaded"

enc="v4l2fwhtenc extra-controls=c,video_gop_size=1 ! capssetter caps=video/x-fwht,colorimetry=1:3:5:1"
vga=video/x-raw,format=BGRx,width=640,height=480,framerate=30/1
svga=video/x-raw,format=BGRx,width=800,height=600,framerate=30/1

# reference CAPS PREFIX: 20 decoded frames of a still pattern in files
# PREFIX<n>.raw; every frame I-coded (GOP 1), so all of them are the same.
reference () {
  rm -f "$2"*.raw
  timeout 120 gst-launch-1.0 -q videotestsrc pattern=smpte100 num-buffers=20 ! "$1" \
    ! $enc ! v4l2fwhtdec ! video/x-raw,format=BGRx ! multifilesink location="$2%d.raw" \
    > "$2.log" 2>&1 || { cat "$2.log"; fail "the reference decode of $1 failed"; }
  _n=$(md5sum "$2"*.raw | awk '{ print $1 }' | sort -u | wc -l)
  [ "$_n" -eq 1 ] || fail "the reference decode gives $_n different frames"
}
reference "$vga" ref-vga
reference "$svga" ref-svga

# decoded_stats NAME: the sink's figures of NAME, for the report.
decoded_stats () {
  note "$1: shown $(sink_stat "$1" shown), imported $(sink_stat "$1" imported), copied $(sink_stat "$1" copied), dropped $(sink_stat "$1" dropped); decoder copies $(element_copies "$1" v4l2fwhtdec0)"
}
no_copies () {
  [ "$(sink_stat "$1" copied)" -eq 0 ] || fail "$1: the sink copied frames"
  [ "$(sink_copy_lines "$1")" -eq 0 ] || fail "$1: GST_PERFORMANCE shows sink copies"
  [ "$(element_copies "$1" v4l2fwhtdec0)" -eq 0 ] || fail "$1: the decoder copied frames"
}

# 1. Every frame: 40 frames, shown as fast as they come.
GST_DEBUG_EXTRA=shrbufsink:4 gst_start count -v videotestsrc pattern=smpte100 \
  num-buffers=40 ! $vga ! $enc ! v4l2fwhtdec ! shrbufsink sync=false
wait "$GST_PID" || { tail -20 count.gst.log; fail "the counted run failed"; }
decoded_stats count
no_copies count
shown=$(sink_stat count shown)
# vicodec signals EOS one frame early at times ("left undrained after
# CMD_STOP"): 39 or 40.
[ "$shown" -ge 39 ] || fail "count: $shown of 40 frames shown"
[ "$(sink_stat count imported)" -eq "$shown" ] || fail "count: not every frame imported"
[ "$(sink_stat count dropped)" -eq 0 ] || fail "count: frames dropped"

# 2. The picture on cirrus, while the decoder streams.
GST_DEBUG_EXTRA=shrbufsink:4 gst_start cirrus -v videotestsrc pattern=smpte100 \
  ! $vga ! $enc ! v4l2fwhtdec ! shrbufsink sync=false
wait_fb "$cirrus" yes
grep -A3 '^framebuffer\[' "/sys/kernel/debug/dri/$cirrus/framebuffer" | grep 'allocated by' \
  | grep -q v4l2fwhtdec || fail "the framebuffer on screen is not the decoder's"
screendump cirrus
gst_stop cirrus
decoded_stats cirrus
no_copies cirrus
$VMTOOL cmp-frame cirrus.ppm ref-vga10.raw 640 480 XR24 || fail "cirrus does not show the decoder's frame"

# 3. vkms' CRC: the decoder's frame, then the file's frame from system
# memory, each on the primary plane in a 640x480 mode of its own (the
# decoder's first caps, 1280x720 until it has parsed a header, do not fit
# fbcon's mode: the sink sets modes from then on).
GST_DEBUG_EXTRA=shrbufsink:4 gst_start vkms -v videotestsrc pattern=smpte100 \
  ! $vga ! $enc ! v4l2fwhtdec ! shrbufsink driver-name=vkms force-modesetting=true sync=false
wait_fb "$vkms" yes
crc_dec=$(vkms_crc "$vkms") || exit 1
cp "/sys/kernel/debug/dri/$vkms/state" vkms.state
gst_stop vkms
no_copies vkms
gst_start vkms-file multifilesrc location=ref-vga10.raw loop=true caps="$vga" \
  ! shrbufsink driver-name=vkms force-modesetting=true
wait_fb "$vkms" no
crc_file=$(vkms_crc "$vkms") || exit 1
cp "/sys/kernel/debug/dri/$vkms/state" vkms-file.state
gst_stop vkms-file
note "vkms CRC: decoded $crc_dec, from the file $crc_file"
[ "$crc_dec" = "$crc_file" ] || fail "vkms shows another frame than the decoder's output"

# 4. A resolution change: 640x480, then 800x600 until stopped.
fbs=$(fb_count "$cirrus")
dmabufs=$(dmabuf_count)
GST_DEBUG_EXTRA=shrbufsink:4 gst_start resize -v concat name=c ! v4l2fwhtdec \
  ! shrbufsink sync=false \
  videotestsrc pattern=smpte100 num-buffers=20 ! $vga ! $enc ! c. \
  videotestsrc pattern=smpte100 ! $svga ! $enc ! c.
_i=0
until grep -q 'set_caps:.* 800x600 on plane' resize.gst.log; do
  sleep 0.5; _i=$((_i + 1))
  [ $_i -lt 120 ] || { tail -20 resize.gst.log; fail "resize: no 800x600 caps after 60 s"; }
done
wait_fb "$cirrus" yes
sleep 2
screendump resize
gst_stop resize
decoded_stats resize
no_copies resize
[ "$(sink_stat resize dropped)" -eq 0 ] || fail "resize: frames dropped"
[ "$(sink_stat resize shown)" -gt 20 ] || fail "resize: no frame of the new size shown"
$VMTOOL cmp-frame resize.ppm ref-svga10.raw 800 600 XR24 || fail "resize: cirrus does not show the decoder's 800x600 frame"
note "framebuffers $fbs -> $(fb_count "$cirrus"), dma-bufs $dmabufs -> $(dmabuf_count)"
[ "$(fb_count "$cirrus")" -eq "$fbs" ] || fail "resize: framebuffers left behind"
[ "$(dmabuf_count)" -eq "$dmabufs" ] || fail "resize: dma-bufs left behind"
