# Benchmark (not a test), one VM boot: each pipeline below, for each size,
# SHRBUF_CASE_RUNS times (2), SHRBUF_CASE_FRAMES frames (300) a run, timed
# without logging; the CPU time is the process's from the 50th buffer at the
# sink to EOS (steady state, gstrun --steady). With the VM under QEMU's
# instruction counting (tests/vm/bench's default), that time is the
# instructions the process ran, times 4 ns. A short logged run (60 frames)
# per pipeline and size counts frame copies (GST_PERFORMANCE). Frames shown
# and dropped come from the sink's stats, the source's drops from
# shrbufsrc's stats (v4l2src's "lost frames" log lines), capture->flip
# latency (p50, p99) from shrbufsink's stats (kmssink reports none).
# The logged run is traced (strace, ioctls only) for the display updates
# it asked the kernel for: page flips, atomic commits, SetPlane and SetCrtc
# calls ("commits"; a sink that shows every frame makes at least 60).
# Prints one "# result ..." line per run.
#
# Pipelines (SHRBUF_CASE_PIPELINES selects some, by key):
#   a    v4l2src io-mode=dmabuf ! kmssink force-modesetting=true
#   a2   the same with skip-vsync=true (with force-modesetting=true,
#        kmssink then commits nothing after the first frame: see the
#        "commits" count)
#   ao   v4l2src io-mode=dmabuf ! kmssink plane-id=OVERLAY: the overlay
#        plane shrbufsink takes, on the CRTC as fbcon lit it (1024x768),
#        a SetPlane and a vblank wait a frame
#   ao2  the same with skip-vsync=true: a SetPlane a frame
#   c    shrbufsrc ! shrbufsink (the shrbuf module loaded)
#   cm   shrbufsrc ! shrbufsink force-modesetting=true: the primary plane
#        and a mode of the frame's size, as (a) has them
#   c0   shrbufsrc pool=off ! shrbufsink (no shrbuf pool)
#   vs   v4l2src io-mode=dmabuf ! shrbufsink (the sink swapped)
#   sk   shrbufsrc ! kmssink force-modesetting=true (the source swapped)
#   sk0  shrbufsrc pool=off ! kmssink force-modesetting=true
#   vf   v4l2src io-mode=dmabuf ! fakesink sync=true (GStreamer's own
#        per-buffer cost behind the source)
#   sf   shrbufsrc ! fakesink sync=true
#   sf0  shrbufsrc pool=off ! fakesink sync=true
#   z    floorloop: the same frames through the smallest zero-copy loop (one
#        thread, no GStreamer: poll, DQBUF, page flip, event, QBUF), the floor
. "$TOP/tests/vm/lib/case.sh"
set -u
frames=${SHRBUF_CASE_FRAMES:-300}
runs=${SHRBUF_CASE_RUNS:-2}
sizes=${SHRBUF_CASE_SIZES:-640x480 1280x720}
display=${SHRBUF_CASE_DISPLAY:-vkms}
pipelines=${SHRBUF_CASE_PIPELINES:-a a2 ao ao2 c cm c0 vs sk sk0 vf sf sf0 z}
steady_from=50
v4l2-ctl -d "$VIDEO" -c osd_text_mode=2 || fail "cannot turn vivid's OSD off"
[ -e /dev/shrbuf ] || fail "the shrbuf module is not loaded"
# vkms' CRTC is lit by fbcon once a DRM client of vkms has closed; its
# first overlay plane (vkms lists the primary, the overlays, the cursor) is
# the one shrbufsink takes on it.
modetest -M "$display" -c > /dev/null 2>&1
overlay=$(sed -n 's/^plane\[\([0-9]*\)\].*/\1/p' "/sys/kernel/debug/dri/$(dri_index "$display")/state" | sed -n 2p)

# pipeline KEY NUM_BUFFERS CAPS: the pipeline description.
pipeline () {
  _v="v4l2src device=$VIDEO io-mode=dmabuf num-buffers=$2 ! $3"
  _s="shrbufsrc device=$VIDEO num-buffers=$2 ! $3"
  _s0="shrbufsrc device=$VIDEO pool=off num-buffers=$2 ! $3"
  _k="kmssink driver-name=$display force-modesetting=true"
  _h="shrbufsink driver-name=$display"
  case "$1" in
    a) echo "$_v ! $_k" ;;
    a2) echo "$_v ! $_k skip-vsync=true" ;;
    ao) echo "$_v ! kmssink driver-name=$display plane-id=$overlay" ;;
    ao2) echo "$_v ! kmssink driver-name=$display plane-id=$overlay skip-vsync=true" ;;
    c) echo "$_s ! $_h" ;;
    cm) echo "$_s ! $_h force-modesetting=true" ;;
    c0) echo "$_s0 ! $_h" ;;
    vs) echo "$_v ! $_h" ;;
    sk) echo "$_s ! $_k" ;;
    sk0) echo "$_s0 ! $_k" ;;
    vf) echo "$_v ! fakesink sync=true" ;;
    sf) echo "$_s ! fakesink sync=true" ;;
    sf0) echo "$_s0 ! fakesink sync=true" ;;
    *) fail "no pipeline $1" ;;
  esac
}

# stats_args KEY: gstrun's --stats for the elements whose stats are read.
stats_args () {
  case "$1" in
    a|a2|ao|ao2) echo "--stats kmssink0" ;;
    c|c0|cm) echo "--stats shrbufsink0 --stats shrbufsrc0" ;;
    vs) echo "--stats shrbufsink0" ;;
    sk|sk0) echo "--stats kmssink0 --stats shrbufsrc0" ;;
    sf|sf0) echo "--stats shrbufsrc0" ;;
    *) echo "" ;;
  esac
}

# run NAME KEY NUM_BUFFERS W H: one run (gstrun, or floorloop for z).
run () {
  if [ "$2" = z ]; then
    "$BUILD/tests/vm/floorloop" "$VIDEO" "$display" "$4" "$5" "$3" $steady_from \
      > "$1.gst.log" 2>&1 || { tail -5 "$1.gst.log"; fail "$1: floorloop failed"; }
  else
    # shellcheck disable=SC2046,SC2086
    ${trace:-} "$BUILD/tests/vm/gstrun" --seconds 3600 --steady $steady_from $(stats_args "$2") \
      $(pipeline "$2" "$3" "video/x-raw,format=BGRx,width=$4,height=$5") \
      > "$1.gst.log" 2>&1 || { tail -5 "$1.gst.log"; fail "$1: the pipeline failed"; }
  fi
}

# field LOG STRUCTURE FIELD: FIELD of the last "stats: STRUCTURE" line.
field () {
  grep "^stats: $2" "$1" | tail -1 | sed -n "s/.*[ ,]$3=(g*u*int[0-9]*)\([0-9]*\).*/\1/p"
}

for size in $sizes; do
  w=${size%x*}; h=${size#*x}
  for p in $pipelines; do
    n=bench-$p-$size
    copies=- commits=-
    if [ "$p" != z ]; then
      trace="strace -f -qq -e trace=ioctl -o $n-log.strace" \
        GST_DEBUG_NO_COLOR=1 GST_DEBUG="GST_PERFORMANCE:6,v4l2src:3" run "$n-log" "$p" 60 "$w" "$h"
      copies=$(frame_copies "$n-log")
      commits=$(grep -cE 'DRM_IOCTL_MODE_(PAGE_FLIP|ATOMIC|SETPLANE|SETCRTC)' "$n-log.strace")
    fi
    for r in $(seq 1 "$runs"); do
      run "$n-$r" "$p" "$frames" "$w" "$h"
      log=$n-$r.gst.log
      steady=$(sed -n 's/^steady: frames=\([0-9]*\) user_ns=\([0-9]*\) sys_ns=\([0-9]*\).*/\1 \2 \3/p' "$log" \
        | awk '{ printf "%.0f", ($2 + $3) / $1 }')
      [ -n "$steady" ] || fail "$n-$r: no steady-state CPU time"
      lost=- p50=- p99=-
      case "$p" in
        z) shown=$(sed -n 's/^shown=\([0-9]*\).*/\1/p' "$log")
           dropped=$(sed -n 's/^shown=[0-9]* dropped=\([0-9]*\).*/\1/p' "$log") ;;
        vf|sf|sf0) shown=- dropped=- ;;
        a|a2|ao|ao2|sk|sk0) shown=$(field "$log" application/x-gst-base-sink-stats rendered)
           dropped=$(field "$log" application/x-gst-base-sink-stats dropped) ;;
        *) shown=$(field "$log" application/x-shrbufsink-stats shown)
           dropped=$(field "$log" application/x-shrbufsink-stats dropped)
           p50=$(field "$log" application/x-shrbufsink-stats latency-p50)
           p99=$(field "$log" application/x-shrbufsink-stats latency-p99) ;;
      esac
      case "$p" in
        c|c0|cm|sk|sk0|sf|sf0) lost=$(field "$log" GstShrbufSrcStats dropped) ;;
        a|a2|ao|ao2|vs|vf) lost=$(grep -c 'lost frames detected' "$n-log.gst.log") ;;
      esac
      echo "# result pipeline=$p size=$size run=$r frames=$frames shown=${shown:-?} dropped=${dropped:-?} lost_at_source=${lost:-?} copies=$copies commits=$commits cpu_steady_ns_per_frame=$steady latency_p50_ns=${p50:--} latency_p99_ns=${p99:--}"
    done
  done
done
