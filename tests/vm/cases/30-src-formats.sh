# shrbufsrc into an appsink (tests/vm/tools/srccheck.c) for BGRx, YUY2 and
# NV12 at 640x480: every memory pushed is a dma-buf, and the frame's bytes
# equal vivid's reference frame (v4l2-ctl --stream-to, OSD off).
. "$TOP/tests/vm/lib/case.sh"
set -u

for f in BGRx:XR24 YUY2:YUYV NV12:NV12; do
  gst=${f%%:*}; v4l2=${f##*:}
  vivid_reference "ref-$gst.raw" 640 480 "$v4l2"
  $SRCCHECK frames 5 "src-$gst.raw" "shrbufsrc name=src device=$VIDEO \
      ! video/x-raw,format=$gst,width=640,height=480 ! appsink name=sink" \
      > "src-$gst.out" 2>&1 || { cat "src-$gst.out"; fail "$gst: srccheck failed"; }
  buffers=$(kv buffers "src-$gst.out"); memories=$(kv memories "src-$gst.out")
  dmabuf=$(kv dmabuf "src-$gst.out"); stride=$(kv stride "src-$gst.out")
  note "$gst: $buffers buffers, $memories memories, $dmabuf dma-buf, stride $stride"
  [ "$buffers" -eq 5 ] || fail "$gst: $buffers buffers, not 5"
  [ "$memories" -ge "$buffers" ] && [ "$dmabuf" -eq "$memories" ] \
    || fail "$gst: $dmabuf of $memories memories are dma-buf"
  cmp "src-$gst.raw" "ref-$gst.raw" || fail "$gst: the frame differs from vivid's reference"
done

# The comparison must see a different picture: vivid's next test pattern.
v4l2-ctl -d "$VIDEO" -c test_pattern=1 || fail "cannot change vivid's test pattern"
$SRCCHECK frames 3 src-pattern1.raw "shrbufsrc name=src device=$VIDEO \
    ! video/x-raw,format=BGRx,width=640,height=480 ! appsink name=sink" \
    > src-pattern1.out 2>&1 || { cat src-pattern1.out; fail "srccheck failed"; }
v4l2-ctl -d "$VIDEO" -c test_pattern=0
if cmp -s src-pattern1.raw ref-BGRx.raw; then
  fail "another test pattern gave the same bytes"
fi
note "another test pattern: bytes differ, as they must"

# device-fd: an fd the caller opened (here the shell, as fd 3).
$SRCCHECK frames 3 "shrbufsrc name=src device-fd=3 \
    ! video/x-raw,format=BGRx,width=640,height=480 ! appsink name=sink" \
    > src-fd.out 2>&1 3<>"$VIDEO" || { cat src-fd.out; fail "device-fd: srccheck failed"; }
note "device-fd=3: $(kv buffers src-fd.out) buffers, $(kv dmabuf src-fd.out) dma-buf"
[ "$(kv dmabuf src-fd.out)" -eq 3 ] || fail "device-fd: not 3 dma-buf buffers"

# With no caps asked for, the device's current format wins fixation.
v4l2-ctl -d "$VIDEO" --set-fmt-video=width=1280,height=720,pixelformat=UYVY || fail "cannot set vivid's format"
$SRCCHECK frames 2 "shrbufsrc name=src device=$VIDEO ! appsink name=sink" \
    > src-fixate.out 2>&1 || { cat src-fixate.out; fail "fixation: srccheck failed"; }
note "current format UYVY 1280x720, fixated: $(kv format src-fixate.out) $(kv size src-fixate.out)"
[ "$(kv format src-fixate.out) $(kv size src-fixate.out)" = "UYVY 1280x720" ] \
  || fail "fixation did not keep the device's format"
v4l2-ctl -d "$VIDEO" --set-fmt-video=width=640,height=480,pixelformat=XR24 >/dev/null
