# shrbufsrc's stats: 300 frames at 640x480 and 25 fps with 0 dropped, all exported, none
# copied; then with vivid dropping half its buffers (sequence gaps) the
# drops are counted and QoS messages posted.
. "$TOP/tests/vm/lib/case.sh"
set -u
v4l2-ctl -d "$VIDEO" -l > vivid-controls.txt 2>&1
pipe="shrbufsrc name=src device=$VIDEO queue-depth=8 ! video/x-raw,format=BGRx,width=640,height=480,framerate=25/1 ! appsink name=sink"

$SRCCHECK frames 300 "$pipe" > src-300.out 2>&1 || { cat src-300.out; fail "srccheck failed"; }
stats=$(kv stats src-300.out)
note "300 frames: $stats, qos $(kv qos src-300.out), mean PTS step $(kv mean_frame_ms src-300.out) ms"
field () { echo "$stats" | sed -n "s/.*[ ,]$1=(g*uint[0-9]*)\([0-9]*\).*/\1/p"; }
[ "$(kv buffers src-300.out)" -eq 300 ] || fail "not 300 buffers"
[ "$(kv dmabuf src-300.out)" -eq 300 ] || fail "not every memory is a dma-buf"
[ "$(field frames)" -ge 300 ] || fail "frames $(field frames) < 300"
[ "$(field dropped)" -eq 0 ] || fail "$(field dropped) frames dropped"
[ "$(field copied)" -eq 0 ] || fail "$(field copied) frames copied"
[ "$(field exported)" -eq "$(field frames)" ] || fail "exported != frames"
[ "$(field queued-in-driver)" -le 8 ] || fail "more queued than buffers"
[ "$(kv qos src-300.out)" -eq 0 ] || fail "QoS messages without drops"

v4l2-ctl -d "$VIDEO" -c percentage_of_dropped_buffers=50 || fail "cannot make vivid drop"
$SRCCHECK frames 40 "$pipe" > src-drop.out 2>&1
rc=$?
v4l2-ctl -d "$VIDEO" -c percentage_of_dropped_buffers=0
[ $rc -eq 0 ] || { cat src-drop.out; fail "srccheck failed"; }
stats=$(kv stats src-drop.out)
note "vivid dropping 50%: $stats, qos $(kv qos src-drop.out)"
[ "$(field dropped)" -gt 0 ] || fail "no drops counted"
[ "$(kv qos src-drop.out)" -gt 0 ] || fail "no QoS message"

# PTS follow the driver's clock: 25 fps is 40 ms a frame, give or take.
step=$(kv mean_frame_ms src-300.out)
awk -v s="$step" 'BEGIN { exit !(s > 38 && s < 42) }' || fail "mean PTS step $step ms, not 40"

# A buffer vivid marks with V4L2_BUF_FLAG_ERROR is dropped and counted; the
# stream goes on.
$SRCCHECK frames 100 "$pipe" > src-flag.out 2>&1 &
pid=$!
sleep 2
v4l2-ctl -d "$VIDEO" -c inject_v4l2_buf_flag_error=1 || fail "cannot press inject_v4l2_buf_flag_error"
wait $pid || { cat src-flag.out; fail "srccheck failed"; }
stats=$(kv stats src-flag.out)
note "error flag injected: $stats, $(kv buffers src-flag.out) buffers"
[ "$(field dropped)" -ge 1 ] || fail "the flagged buffer was not counted as dropped"
[ "$(field exported)" -eq $(($(field frames) - 1)) ] || fail "not exactly one frame held back"
[ "$(kv buffers src-flag.out)" -eq 100 ] || fail "the stream did not go on"
