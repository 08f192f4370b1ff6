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
caps="$(sink_caps main-job format) $(sink_caps main-job width)x$(sink_caps main-job height)"
copied=$(( $(sink_stat main-job copied) + $(frame_copies main-job) ))
note "pipeline: shrbufsrc ! shrbufsink (vivid -> cirrus), $caps"
note "frames shown: $shown, copied: $copied, dropped: $(sink_stat main-job dropped)"
note "latency capture->flip: p50 $(( $(sink_stat main-job latency-p50) / 1000 )) us, p99 $(( $(sink_stat main-job latency-p99) / 1000 )) us"
