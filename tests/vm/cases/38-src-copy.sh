# shrbufsrc's copy path on a real driver without VIDIOC_EXPBUF: v4l2loopback
# (/dev/video9) fed 640x480 YUY2 frames of videotestsrc's still "colors"
# pattern. EXPBUF fails with ENOTTY; YUY2 (the driver's own format) and RGB
# and I420 (emulated by libv4l2) are copied, with one warning naming the
# cause, counted in "copied", byte for byte what the writer fed or what
# libv4l2 converts; copied into shrbufsink's pool it is shown without
# another copy; 20 NULL -> PLAYING -> NULL cycles leave no fd or mapping
# behind. vivid, which exports, copies nothing.
. "$TOP/tests/vm/lib/case.sh"
set -u

loopback_frame colors writer-colors.raw
loopback_start colors
v4l2-ctl -d "$LOOPBACK" --info > loopback-info.txt
note "$LOOPBACK: $(sed -n 's/^\tDriver name *: //p' loopback-info.txt), $(sed -n 's/^\tCard type *: //p' loopback-info.txt)"

# (1) What the kernel answers to EXPBUF, asked as a streaming application
# would, on the loopback and on vivid.
loop_errno=$("$VMTOOL" expbuf "$LOOPBACK") || fail "vmtool expbuf $LOOPBACK failed"
vivid_errno=$("$VMTOOL" expbuf "$VIDEO") || fail "vmtool expbuf $VIDEO failed"
note "EXPBUF after REQBUFS(MMAP): $LOOPBACK $loop_errno, vivid $vivid_errno (0: a dma-buf fd)"
[ "$loop_errno" = ENOTTY ] || fail "EXPBUF on $LOOPBACK gave $loop_errno, not ENOTTY"
[ "$vivid_errno" = 0 ] || fail "EXPBUF on vivid gave $vivid_errno"

# (2) The driver's own format, copied because it cannot be exported.
pipe () { echo "shrbufsrc name=src device=$1 ! video/x-raw,format=$2,width=640,height=480 ! appsink name=sink"; }
# check_copied NAME X.out: every buffer pushed was a copy, and a frame
# dequeued but not copied (one dequeued as the pipeline stopped: the
# pool is flushing) is counted as dropped.
check_copied () {
  local frames copied dropped pushed
  frames=$(stat_field stats_stopped frames "$2")
  copied=$(stat_field stats_stopped copied "$2")
  dropped=$(stat_field stats_stopped dropped "$2")
  pushed=$(kv pushed "$2")
  [ "$copied" -ge "$pushed" ] && [ "$copied" -le "$frames" ] \
    && [ $(( frames - copied )) -le "$dropped" ] \
    || fail "$1: $copied copied, $pushed pushed, $frames frames, $dropped dropped"
}
# perf_copies X.out: the source's GST_PERFORMANCE "frame copy" lines, in
# X.err: the tools' own output goes apart, GStreamer 1.26's debug lines
# were seen cut by it in one file.
perf_copies () { grep -c 'GST_PERFORMANCE .*copy_create:.* frame copy: ' "${1%.out}.err"; }
GST_DEBUG_NO_COLOR=1 GST_DEBUG=GST_PERFORMANCE:6 \
  $SRCCHECK frames 10 src-YUY2.raw "$(pipe "$LOOPBACK" YUY2)" > src-YUY2.out 2> src-YUY2.err \
  || { cat src-YUY2.out src-YUY2.err; fail "YUY2: srccheck failed"; }
note "YUY2: $(kv buffers src-YUY2.out) buffers, $(kv dmabuf src-YUY2.out) dma-buf, $(kv video_maps_playing src-YUY2.out) device mappings while playing; $(kv stats_stopped src-YUY2.out)"
note "YUY2: $(kv warnings src-YUY2.out) warning: $(kv warning src-YUY2.out); $(perf_copies src-YUY2.out) GST_PERFORMANCE frame copy lines"
[ "$(kv buffers src-YUY2.out)" -eq 10 ] || fail "YUY2: not 10 buffers"
[ "$(kv warnings src-YUY2.out)" -eq 1 ] || fail "YUY2: $(kv warnings src-YUY2.out) warnings, not 1"
[ "$(kv warning src-YUY2.out)" = "src: VIDIOC_EXPBUF failed on $LOOPBACK: Inappropriate ioctl for device, copying frames" ] \
  || fail "YUY2: the warning does not name the cause"
frames=$(stat_field stats_stopped frames src-YUY2.out)
[ "$frames" -ge 10 ] || fail "YUY2: $frames frames"
check_copied YUY2 src-YUY2.out
[ "$(perf_copies src-YUY2.out)" -eq "$(stat_field stats_stopped copied src-YUY2.out)" ] \
  || fail "YUY2: GST_PERFORMANCE lines != copied"
[ "$(stat_field stats_stopped exported src-YUY2.out)" -eq 0 ] || fail "YUY2: frames exported"
# Every frame missed is counted: v4l2loopback 0.12's sequence number stays
# 0 (no gap, none counted); 0.15's counts, and a reader that misses a frame
# (at start, say) leaves a gap in what the source pushes. Dropped beyond
# the gaps: only frames dequeued but not pushed as the pipeline stopped.
dropped=$(stat_field stats_stopped dropped src-YUY2.out)
gaps=$(kv sequence_gaps src-YUY2.out)
unpushed=$(( frames - $(kv pushed src-YUY2.out) ))
note "YUY2: dropped $dropped, sequence gaps in what was pushed $gaps, frames not pushed $unpushed"
[ "$dropped" -ge "$gaps" ] && [ "$dropped" -le $(( gaps + unpushed )) ] \
  || fail "YUY2: $dropped counted as dropped, $gaps sequence gaps, $unpushed not pushed"
# A QoS message for a gap (one may cover several frames), none without
# (the count is read while playing, the gaps until the end).
[ "$(kv qos src-YUY2.out)" -le "$gaps" ] \
  || fail "YUY2: $(kv qos src-YUY2.out) QoS messages for $gaps missed frames"
[ "$(kv dmabuf src-YUY2.out)" -eq 0 ] || fail "YUY2: a copy in dma-buf memory"
[ "$(kv video_maps_playing src-YUY2.out)" -ge 2 ] || fail "YUY2: the driver's buffers are not mapped"
cmp src-YUY2.raw writer-colors.raw || fail "YUY2: the frame differs from the writer's"

# The comparison must see another picture: the writer's "white".
loopback_stop
loopback_frame white writer-white.raw
loopback_start white
$SRCCHECK frames 3 src-white.raw "$(pipe "$LOOPBACK" YUY2)" > src-white.out 2> src-white.err \
  || { cat src-white.out src-white.err; fail "white: srccheck failed"; }
cmp -s src-white.raw writer-colors.raw && fail "another pattern gave the same bytes"
cmp src-white.raw writer-white.raw || fail "white: the frame differs from the writer's"
note "another pattern (white): bytes differ from colors, equal the writer's"
loopback_stop
loopback_start colors

# (3) Formats libv4l2 emulates from YUYV, offered after the driver's own:
# copied, and byte for byte what libv4l2 gives v4l2src (which uses it with
# GST_V4L2_USE_LIBV4L2=1).
$SRCCHECK frames 1 "shrbufsrc name=src device=$LOOPBACK ! appsink name=sink" > src-fixate.out 2> src-fixate.err \
  || { cat src-fixate.out src-fixate.err; fail "no caps: srccheck failed"; }
note "no caps asked for: $(kv format src-fixate.out) (the driver's own before the emulated ones)"
[ "$(kv format src-fixate.out)" = YUY2 ] || fail "fixation took an emulated format"
for f in RGB:RGB3 I420:YU12; do
  gst=${f%%:*}; v4l2=${f##*:}
  GST_V4L2_USE_LIBV4L2=1 gst-launch-1.0 -q v4l2src device="$LOOPBACK" num-buffers=1 \
    ! "video/x-raw,format=$gst,width=640,height=480" ! filesink location="ref-$gst.raw" \
    || fail "$gst: no reference from v4l2src through libv4l2"
  $SRCCHECK frames 5 "src-$gst.raw" "$(pipe "$LOOPBACK" "$gst")" > "src-$gst.out" 2> "src-$gst.err" \
    || { cat "src-$gst.out" "src-$gst.err"; fail "$gst: srccheck failed"; }
  note "$gst: $(kv warnings "src-$gst.out") warning: $(kv warning "src-$gst.out"); copied $(stat_field stats_stopped copied "src-$gst.out") of $(stat_field stats_stopped frames "src-$gst.out"), $(stat -c %s "src-$gst.raw") bytes, $(kv video_maps_playing "src-$gst.out") device mappings while playing"
  [ "$(kv warnings "src-$gst.out")" -eq 1 ] || fail "$gst: not one warning"
  [ "$(kv warning "src-$gst.out")" = "src: format $v4l2 is emulated by libv4l2, copying frames" ] \
    || fail "$gst: the warning does not say the format is emulated"
  [ "$(kv pushed "src-$gst.out")" -ge 5 ] || fail "$gst: fewer than 5 buffers pushed"
  check_copied "$gst" "src-$gst.out"
  [ "$(stat_field stats_stopped exported "src-$gst.out")" -eq 0 ] || fail "$gst: frames exported"
  cmp "src-$gst.raw" "ref-$gst.raw" || fail "$gst: the frame differs from libv4l2's"
  cmp -s "src-$gst.raw" writer-colors.raw && fail "$gst: the writer's YUY2 bytes, not converted"
done

# (4) Into downstream's pool: shrbufsink on cirrus proposes a pool of dumb
# buffers; the source copies libv4l2's BGR frame into them and the sink
# shows them without a copy of its own (a copy into system memory would
# make it copy and warn), the screen equal to libv4l2's frame.
card=$(dri_index cirrus)
GST_V4L2_USE_LIBV4L2=1 gst-launch-1.0 -q v4l2src device="$LOOPBACK" num-buffers=1 \
  ! video/x-raw,format=BGR,width=640,height=480 ! filesink location=ref-BGR.raw \
  || fail "BGR: no reference from v4l2src through libv4l2"
"$BUILD/tests/vm/gstrun" --seconds 12 --stats src --stats sink \
  shrbufsrc name=src device="$LOOPBACK" ! video/x-raw,format=BGR,width=640,height=480 \
  ! shrbufsink name=sink > sink-BGR.out 2> sink-BGR.err &
run=$!
wait_fb "$card" no
sleep 1
screendump sink-BGR
wait $run || { cat sink-BGR.out sink-BGR.err; fail "BGR into shrbufsink: the pipeline failed"; }
src_stats=$(grep '^stats: GstShrbufSrcStats' sink-BGR.out)
sink_stats=$(grep '^stats: application/x-shrbufsink-stats' sink-BGR.out)
field () { echo "$1" | sed -n "s/.*[ ,]$2=(g*uint[0-9]*)\([0-9]*\).*/\1/p"; }
note "BGR into shrbufsink: $(grep -c '^warning ' sink-BGR.out) warning(s): $(grep '^warning ' sink-BGR.out | head -1)"
note "BGR into shrbufsink: source copied $(field "$src_stats" copied) of $(field "$src_stats" frames); sink shown $(field "$sink_stats" shown), copied $(field "$sink_stats" copied)"
[ "$(grep -c '^warning ' sink-BGR.out)" -eq 1 ] && grep -q '^warning .* src: format BGR3 is emulated by libv4l2, copying frames' sink-BGR.out \
  || fail "BGR into shrbufsink: not exactly the source's one warning"
[ "$(field "$src_stats" copied)" -gt 0 ] || fail "BGR into shrbufsink: the source copied nothing"
[ "$(field "$sink_stats" shown)" -gt 0 ] || fail "BGR into shrbufsink: nothing shown"
[ "$(field "$sink_stats" copied)" -eq 0 ] || fail "BGR into shrbufsink: the sink copied (the source did not use its pool)"
$VMTOOL cmp-frame sink-BGR.ppm ref-BGR.raw 640 480 BGR3 || fail "BGR into shrbufsink: the screen is not libv4l2's frame"

# (5) vivid exports: no copy, no warning, no mapping (what (2) asserts
# would fail here).
vivid_reference ref-vivid.raw 640 480 YUYV
GST_DEBUG_NO_COLOR=1 GST_DEBUG=GST_PERFORMANCE:6 \
  $SRCCHECK frames 10 src-vivid.raw "$(pipe "$VIDEO" YUY2)" > src-vivid.out 2> src-vivid.err \
  || { cat src-vivid.out src-vivid.err; fail "vivid: srccheck failed"; }
note "vivid YUY2: $(kv dmabuf src-vivid.out) dma-buf, $(kv warnings src-vivid.out) warnings, $(kv video_maps_playing src-vivid.out) mappings, $(perf_copies src-vivid.out) GST_PERFORMANCE frame copy lines; $(kv stats_stopped src-vivid.out)"
[ "$(stat_field stats_stopped copied src-vivid.out)" -eq 0 ] || fail "vivid: frames copied"
[ "$(stat_field stats_stopped exported src-vivid.out)" -ge 10 ] || fail "vivid: not exported"
[ "$(kv warnings src-vivid.out)" -eq 0 ] || fail "vivid: a warning"
[ "$(kv video_maps_playing src-vivid.out)" -eq 0 ] || fail "vivid: device mappings"
[ "$(perf_copies src-vivid.out)" -eq 0 ] || fail "vivid: GST_PERFORMANCE frame copies"
cmp src-vivid.raw ref-vivid.raw || fail "vivid: the frame differs from the reference"

# (6) NULL -> PLAYING -> NULL on the copy path: one warning a start, and
# fds, dma-bufs and device mappings back to baseline.
cycles=${SHRBUF_CASE_COPY_CYCLES:-20}
for gst in YUY2 RGB; do
  $SRCCHECK cycles "$cycles" "$(pipe "$LOOPBACK" "$gst")" > "src-cycles-$gst.out" 2> "src-cycles-$gst.err"
  rc=$?
  note "$gst, $cycles cycles: $(kv buffers "src-cycles-$gst.out") buffers, $(kv warnings "src-cycles-$gst.out") warnings; after the first: $(grep '^baseline fds' "src-cycles-$gst.out"), $(kv baseline_video_maps "src-cycles-$gst.out") mappings; after the last: fds=$(kv fds "src-cycles-$gst.out") dmabufs=$(kv dmabufs "src-cycles-$gst.out") mappings=$(kv video_maps "src-cycles-$gst.out"); $(grep ^start "src-cycles-$gst.out"), pipeline freed: $(grep ^end "src-cycles-$gst.out")"
  [ $rc -eq 0 ] || { tail -5 "src-cycles-$gst.out" "src-cycles-$gst.err"; fail "$gst: counts not back to baseline (rc $rc)"; }
  [ "$(kv buffers "src-cycles-$gst.out")" -eq $((cycles * 2)) ] || fail "$gst: not 2 buffers a cycle"
  [ "$(kv warnings "src-cycles-$gst.out")" -eq "$cycles" ] || fail "$gst: not one warning a cycle"
done
loopback_stop
