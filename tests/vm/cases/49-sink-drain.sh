# shrbufsink on a DRAIN query, sent on the streaming thread as a V4L2
# decoder sends it before it reallocates: the sink gives back every buffer
# of upstream's (vivid's, through shrbufsrc) and keeps the picture: the
# frame on screen is copied into a dumb buffer of the sink's and shown
# instead (the cirrus screen still vivid's frame, pixel for pixel), one
# copy counted in the stats and logged as GST_PERFORMANCE.
. "$TOP/tests/vm/lib/case.sh"
set -u
card=$(dri_index cirrus)
v4l2-ctl -d "$VIDEO" -c osd_text_mode=2 || fail "cannot turn vivid's OSD off"

GST_DEBUG_NO_COLOR=1 GST_DEBUG=GST_PERFORMANCE:6 \
  "$BUILD/tests/vm/sinkdrain" cirrus 6 > drain.out 2> drain.err &
run=$!
_i=0
until grep -q '^drained$' drain.out; do
  sleep 0.5; _i=$((_i + 1))
  [ $_i -lt 120 ] || { kill $run; cat drain.out drain.err; fail "no drain"; }
done
screendump drain
wait $run || { cat drain.out drain.err; fail "sinkdrain failed"; }

stats=$(kv stats drain.out)
field () { echo "$stats" | sed -n "s/.*[ ,]$1=(g*uint[0-9]*)\([0-9]*\).*/\1/p"; }
copies=$(grep -c 'GST_PERFORMANCE .*frame copy: drain' drain.err)
note "before the drain the sink held $(kv alive_before drain.out) of upstream's buffers; DRAIN answered $(kv drain drain.out); after it $(kv alive_after drain.out)"
note "stats: shown $(field shown), imported $(field imported), copied $(field copied); $copies GST_PERFORMANCE drain copy line(s)"
[ "$(kv alive_before drain.out)" -ge 1 ] || fail "the sink held no buffer before the drain"
[ "$(kv drain drain.out)" = 1 ] || fail "the DRAIN query failed"
[ "$(kv alive_after drain.out)" -eq 0 ] || fail "the sink still holds upstream's buffers after the drain"
[ "$(field copied)" -eq 1 ] && [ "$copies" -eq 1 ] || fail "not one copy for the drain"
w=640 h=480
vivid_reference drain.raw $w $h XR24
$VMTOOL cmp-frame drain.ppm drain.raw $w $h XR24 || fail "the screen after the drain is not vivid's frame"
