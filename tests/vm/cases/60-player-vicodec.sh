# A real V4L2 stateful decoder upstream of the sink: vicodec (the kernel's
# FWHT codec) through GStreamer's v4l2fwhtdec.
# - The decoder's capture buffers (dma-bufs of vicodec's) are imported as
#   framebuffers: 0 copies in the sink and in the decoder, every frame the
#   decoder gives shown, none dropped; with GStreamer 1.22 also behind
#   videotestsrc ! v4l2fwhtenc (1.26's v4l2fwhtenc cannot start on vicodec,
#   docs/testing.md).
# - What cirrus shows is, pixel for pixel, the decoder's output written to
#   a file by another run; on vkms, the CRC equals that of the file's frame
#   shown from system memory.
# - A resolution change inside the stream (640x480 then 800x600: the
#   decoder finds it in a frame header, re-allocates its capture buffers
#   and renegotiates): no stall, the new size shown frame-exact, 0 copies,
#   and after the pipeline the dma-bufs and framebuffers are back to
#   baseline.
# The streams are encoded by vicodec's encoder through v4l2-ctl, from BGRx
# (vicodec decodes to RGB only from an RGB stream, whose chroma is not
# subsampled), every frame I-coded (GOP 1) from a still pattern: every
# frame of a stream is the same, and of the same size, so that filesrc
# can cut the stream into frames (FWHT has no parser in GStreamer).
# sync=false where frames are counted: under emulation vicodec decodes
# slower than 30 fps, and a synchronised sink would drop late frames;
# identity sleep-time paces the runs that are looked at.
. "$TOP/tests/vm/lib/case.sh"
set -u
m2m_load vicodec
cirrus=$(dri_index cirrus)
vkms=$(dri_index vkms)
gst-inspect-1.0 v4l2fwhtdec > /dev/null 2>&1 || fail "no v4l2fwhtdec with vicodec loaded"
for d in /dev/video*; do
  v4l2-ctl -d "$d" --info 2>/dev/null | grep -q 'stateful-encoder' && encoder=$d
done
[ -n "${encoder:-}" ] || fail "no vicodec encoder node"

# fwht_stream W H N FILE: N frames of a still pattern, W x H, FWHT in FILE;
# prints the size of one frame.
fwht_stream () {
  gst-launch-1.0 -q videotestsrc pattern=smpte100 num-buffers="$3" \
    ! "video/x-raw,format=BGRx,width=$1,height=$2" ! filesink location="$4.in" \
    || fail "cannot make $4.in"
  v4l2-ctl -d "$encoder" -c video_gop_size=1 \
    --set-fmt-video-out="width=$1,height=$2,pixelformat=XR24" --set-fmt-video=pixelformat=FWHT \
    --stream-mmap --stream-out-mmap --stream-from="$4.in" --stream-to="$4" \
    --stream-count="$3" > "$4.log" 2>&1 || { cat "$4.log"; fail "vicodec could not encode $4"; }
  rm -f "$4.in"
  _size=$(stat -c %s "$4")
  [ $((_size % $3)) -eq 0 ] || fail "$4: $_size bytes are not $3 frames of one size"
  echo $((_size / $3))
}
vga_fs=$(fwht_stream 640 480 60 vga.fwht) || exit 1
svga_fs=$(fwht_stream 800 600 60 svga.fwht) || exit 1
note "FWHT frames: 640x480 $vga_fs bytes, 800x600 $svga_fs bytes"
vga_in="filesrc location=vga.fwht blocksize=$vga_fs ! video/x-fwht,width=640,height=480,framerate=30/1,colorimetry=1:3:5:1,parsed=true"
svga_in="filesrc location=svga.fwht blocksize=$svga_fs ! video/x-fwht,width=800,height=600,framerate=30/1,colorimetry=1:3:5:1,parsed=true"
pace="identity sleep-time=150000"

# reference NAME IN: the decoded frames of IN in files NAME<n>.raw, all the same.
reference () {
  rm -f "$1"*.raw
  timeout 120 gst-launch-1.0 -q $2 ! v4l2fwhtdec ! video/x-raw,format=BGRx \
    ! multifilesink location="$1%d.raw" > "$1.log" 2>&1 \
    || { cat "$1.log"; fail "the reference decode $1 failed"; }
  _n=$(md5sum "$1"*.raw | awk '{ print $1 }' | sort -u | wc -l)
  [ "$_n" -eq 1 ] || fail "the reference decode $1 gives $_n different frames"
}
reference ref-vga "$vga_in"
reference ref-svga "$svga_in"

# decoded_stats NAME: the sink's figures of NAME, for the report.
decoded_stats () {
  note "$1: shown $(sink_stat "$1" shown), imported $(sink_stat "$1" imported), copied $(sink_stat "$1" copied), dropped $(sink_stat "$1" dropped); decoder copies $(element_copies "$1" v4l2fwhtdec0)"
}
no_copies () {
  [ "$(sink_stat "$1" copied)" -eq 0 ] || fail "$1: the sink copied frames"
  [ "$(sink_copy_lines "$1")" -eq 0 ] || fail "$1: GST_PERFORMANCE shows sink copies"
  [ "$(element_copies "$1" v4l2fwhtdec0)" -eq 0 ] || fail "$1: the decoder copied frames"
}
# counted NAME FRAMES: every frame the decoder gave shown and imported, none
# dropped. The decoder loses some of the first frames (those vicodec
# decodes into its default 1280x720 capture buffers before the source
# change), and reports them at EOS ("N frames ... left undrained after
# CMD_STOP"): those are not the sink's to show.
counted () {
  wait "$GST_PID" || { tail -20 "$1.gst.log"; fail "$1 failed"; }
  decoded_stats "$1"
  no_copies "$1"
  _shown=$(sink_stat "$1" shown)
  _lost=$(sed -n 's/.*v4l2fwhtdec0: \([0-9]*\) frames .* left undrained.*/\1/p' "$1.gst.log" | tail -1)
  note "$1: $2 frames in, ${_lost:-0} lost in the decoder, $_shown shown (the preroll frame shown twice)"
  [ "$_shown" -ge $(($2 - ${_lost:-0})) ] || fail "$1: $_shown of $2 frames shown"
  [ "$(sink_stat "$1" imported)" -eq "$_shown" ] || fail "$1: not every frame imported"
  [ "$(sink_stat "$1" dropped)" -eq 0 ] || fail "$1: frames dropped"
}

# 1. Every frame shown.
GST_DEBUG_EXTRA=shrbufsink:4 gst_start count -v $vga_in ! v4l2fwhtdec ! shrbufsink sync=false
counted count 60
if ! gst_dma_drm; then
  GST_DEBUG_EXTRA=shrbufsink:4 gst_start count-enc -v videotestsrc pattern=smpte100 num-buffers=40 \
    ! video/x-raw,format=BGRx,width=640,height=480,framerate=30/1 \
    ! v4l2fwhtenc extra-controls=c,video_gop_size=1 \
    ! capssetter caps=video/x-fwht,colorimetry=1:3:5:1 ! v4l2fwhtdec ! shrbufsink sync=false
  counted count-enc 40
fi

# 2. The picture on cirrus, while the decoder streams.
GST_DEBUG_EXTRA=shrbufsink:4 gst_start cirrus -v $vga_in ! $pace ! v4l2fwhtdec ! shrbufsink sync=false
wait_fb "$cirrus" yes
imported_fb_owners "$cirrus" | grep -q '^v4l2fwhtdec' || fail "the framebuffer on screen is not the decoder's"
screendump cirrus
gst_stop cirrus
decoded_stats cirrus
no_copies cirrus
$VMTOOL cmp-frame cirrus.ppm ref-vga10.raw 640 480 XR24 || fail "cirrus does not show the decoder's frame"

# 3. vkms' CRC: the decoder's frame, then the file's frame from system
# memory, each on the primary plane in a 640x480 mode of its own (the
# decoder's first caps, 1280x720 until it has parsed a header, do not fit
# fbcon's mode: the sink sets modes from then on).
GST_DEBUG_EXTRA=shrbufsink:4 gst_start vkms -v $vga_in ! $pace ! v4l2fwhtdec \
  ! shrbufsink driver-name=vkms force-modesetting=true sync=false
wait_fb "$vkms" yes
crc_dec=$(vkms_crc "$vkms") || exit 1
cp "/sys/kernel/debug/dri/$vkms/state" vkms.state
gst_stop vkms
no_copies vkms
gst_start vkms-file multifilesrc location=ref-vga10.raw loop=true \
  caps=video/x-raw,format=BGRx,width=640,height=480,framerate=30/1 \
  ! shrbufsink driver-name=vkms force-modesetting=true
wait_fb "$vkms" no
crc_file=$(vkms_crc "$vkms") || exit 1
cp "/sys/kernel/debug/dri/$vkms/state" vkms-file.state
gst_stop vkms-file
note "vkms CRC: decoded $crc_dec, from the file $crc_file"
[ "$crc_dec" = "$crc_file" ] || fail "vkms shows another frame than the decoder's output"

# 4. A resolution change inside the stream, as a player meets it: 20
# frames of 640x480, then 800x600 ones, one file each (multifilesrc), under
# caps that do not change; the decoder finds the new size in the FWHT
# header, drains, re-allocates its capture buffers and renegotiates.
rm -f frame-*.fwht
split -b "$vga_fs" -d -a 3 vga.fwht vga-part- && split -b "$svga_fs" -d -a 3 svga.fwht svga-part- \
  || fail "cannot split the streams into frames"
n=0
for f in $(ls vga-part-* | head -20) $(ls svga-part-*); do
  mv "$f" "$(printf 'frame-%03d.fwht' $n)"
  n=$((n + 1))
done
rm -f vga-part-* svga-part-*
fbs=$(fb_count "$cirrus")
dmabufs=$(dmabuf_count)
GST_DEBUG_EXTRA=shrbufsink:4 gst_start resize -v multifilesrc location=frame-%03d.fwht \
  caps=video/x-fwht,width=640,height=480,framerate=30/1,colorimetry=1:3:5:1,parsed=true \
  ! $pace ! v4l2fwhtdec ! shrbufsink sync=false
_i=0
until grep -q 'configure_caps:.* 800x600 on plane' resize.gst.log; do
  sleep 0.5; _i=$((_i + 1))
  [ $_i -lt 120 ] || { tail -20 resize.gst.log; fail "resize: no 800x600 caps after 60 s"; }
done
wait_fb "$cirrus" yes
sleep 1
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
