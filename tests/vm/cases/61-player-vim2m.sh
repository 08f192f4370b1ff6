# A V4L2 memory-to-memory converter upstream of the sink: vim2m through
# GStreamer's v4l2convert, RGB in, BGR out (what cirrus scans out as RG24).
# - The converter's capture buffers (dma-bufs of vim2m's) are imported as
#   framebuffers: every frame shown and imported (dma-buf memory, as only
#   the converter gives here), none dropped, 0 copies in the sink and in
#   the converter's capture pool.
# - What cirrus shows while the converter streams is, pixel for pixel, the
#   converter's output written to a file by another run.
# The size is given: the sink's caps prefer the display's (1024x768, the
# mode fbcon lit), which v4l2convert would ask of vim2m (640x480 at most).
# sync=false where frames are counted: vim2m takes 40 ms a frame (its
# default_transtime), slower than the 30 fps asked of videotestsrc.
. "$TOP/tests/vm/lib/case.sh"
set -u
m2m_load vim2m
cirrus=$(dri_index cirrus)
gst-inspect-1.0 v4l2convert > /dev/null 2>&1 || fail "no v4l2convert with vim2m loaded"
in="videotestsrc pattern=smpte100 ! video/x-raw,format=RGB,width=640,height=480,framerate=30/1"
out="v4l2convert ! video/x-raw,format=BGR,width=640,height=480"

timeout 120 gst-launch-1.0 -q videotestsrc pattern=smpte100 num-buffers=3 \
  ! video/x-raw,format=RGB,width=640,height=480 ! $out ! multifilesink location=vim2m-ref%d.raw \
  > vim2m-ref.log 2>&1 || { cat vim2m-ref.log; fail "the reference conversion failed"; }
[ "$(md5sum vim2m-ref*.raw | awk '{ print $1 }' | sort -u | wc -l)" -eq 1 ] \
  || fail "the reference frames differ"

converted_stats () {
  note "$1: shown $(sink_stat "$1" shown), imported $(sink_stat "$1" imported), copied $(sink_stat "$1" copied), dropped $(sink_stat "$1" dropped); converter copies $(element_copies "$1" v4l2convert0)"
  [ "$(sink_stat "$1" copied)" -eq 0 ] || fail "$1: the sink copied frames"
  [ "$(sink_copy_lines "$1")" -eq 0 ] || fail "$1: GST_PERFORMANCE shows sink copies"
  [ "$(element_copies "$1" v4l2convert0)" -eq 0 ] || fail "$1: the converter copied frames"
  [ "$(sink_stat "$1" dropped)" -eq 0 ] || fail "$1: frames dropped"
}

# 1. Every frame shown.
GST_DEBUG_EXTRA=shrbufsink:4 gst_start vim2m-count -v videotestsrc pattern=smpte100 num-buffers=60 \
  ! video/x-raw,format=RGB,width=640,height=480,framerate=30/1 ! $out ! shrbufsink sync=false
wait "$GST_PID" || { tail -20 vim2m-count.gst.log; fail "the counted run failed"; }
converted_stats vim2m-count
# 60 or 61: GstVideoSink shows the preroll frame, and again when it plays.
shown=$(sink_stat vim2m-count shown)
[ "$shown" -ge 60 ] && [ "$shown" -le 61 ] || fail "vim2m-count: $shown shown for 60 frames"
[ "$(sink_stat vim2m-count imported)" -eq "$shown" ] || fail "vim2m-count: not every frame imported"

# 2. The picture on cirrus while the converter streams.
GST_DEBUG_EXTRA=shrbufsink:4 gst_start vim2m-cirrus -v $in ! identity sleep-time=100000 ! $out \
  ! shrbufsink sync=false
wait_fb "$cirrus" yes
screendump vim2m-cirrus
gst_stop vim2m-cirrus
converted_stats vim2m-cirrus
$VMTOOL cmp-frame vim2m-cirrus.ppm vim2m-ref0.raw 640 480 BGR3 || fail "cirrus does not show the converter's frame"
