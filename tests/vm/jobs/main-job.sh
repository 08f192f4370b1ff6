# The main job in the VM: vivid's camera frames on cirrus' display through
# shrbufsrc ! shrbufsink (no caps), for SHRBUF_CASE_SECONDS (default 5)
# seconds; leaves displayed.png (QMP screendump of the screen while the
# pipeline runs) and prints frames shown, copied and dropped, and the
# capture->flip latency.
. "$TOP/tests/vm/lib/case.sh"
set -u
card=$(dri_index cirrus)
v4l2-ctl -d "$VIDEO" -c osd_text_mode=2 || fail "cannot turn vivid's OSD off"

GST_DEBUG_EXTRA=shrbufsink:4,shrbufsrc:4 gst_start main-job -v shrbufsrc device=$VIDEO ! shrbufsink
wait_fb "$card" yes
sleep "${SHRBUF_CASE_SECONDS:-5}"
screendump displayed
gst_stop main-job

shown=$(sink_stat main-job shown)
[ -n "$shown" ] || fail "shrbufsink logged no stats"
caps=$(grep -o 'shrbufsink0.GstPad:sink: caps = video/x-raw, format=(string)[A-Za-z0-9]*, width=(int)[0-9]*, height=(int)[0-9]*' main-job.gst.log | tail -1 | sed 's/.*caps = //; s/(string)//; s/(int)//g; s/ //g')
copied=$(( $(sink_stat main-job copied) + $(frame_copies main-job) ))
note "pipeline: shrbufsrc ! shrbufsink (vivid -> cirrus), $caps"
note "frames shown: $shown, copied: $copied, dropped: $(sink_stat main-job dropped)"
note "latency capture->flip: p50 $(( $(sink_stat main-job latency-p50) / 1000 )) us, p99 $(( $(sink_stat main-job latency-p99) / 1000 )) us"
