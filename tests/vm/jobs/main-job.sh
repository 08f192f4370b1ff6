# The main job in the VM: vivid's camera frames on cirrus' display through
# the camera->display pipeline, for SHRBUF_CASE_SECONDS (default 5) seconds; leaves
# displayed.png (QMP screendump of the screen while the pipeline runs) and
# prints frames shown, copied and dropped.
. "$TOP/tests/vm/lib/case.sh"
set -u
card=$(dri_index cirrus)
v4l2-ctl -d "$VIDEO" -c osd_text_mode=2 || fail "cannot turn vivid's OSD off"

# Until shrbufsrc and shrbufsink exist, the main job is the anchor pipeline.
gst_start main-job -v v4l2src device=$VIDEO io-mode=dmabuf \
  ! video/x-raw,format=BGRx,width=640,height=480 \
  ! fpsdisplaysink text-overlay=false \
    video-sink="kmssink driver-name=cirrus force-modesetting=true"
wait_fb "$card" yes
sleep "${SHRBUF_CASE_SECONDS:-5}"
screendump displayed
gst_stop main-job

last=$(grep 'last-message = rendered' main-job.gst.log | tail -1)
shown=$(echo "$last" | sed -n 's/.*rendered: \([0-9]*\).*/\1/p')
dropped=$(echo "$last" | sed -n 's/.*dropped: \([0-9]*\).*/\1/p')
[ -n "$shown" ] || fail "no frame count from fpsdisplaysink"
note "pipeline: v4l2src io-mode=dmabuf ! kmssink (vivid -> cirrus)"
note "frames shown: $shown, copied: $(frame_copies main-job), dropped: $dropped"
