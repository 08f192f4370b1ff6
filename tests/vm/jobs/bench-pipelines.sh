# Benchmark (not a test), one VM boot: each pipeline below, for each size,
# SHRBUF_CASE_FRAMES frames (600) timed without logging, a 1-frame run whose
# CPU time is subtracted (start-up), and a short logged run (60 frames) for
# frame copies (GST_PERFORMANCE). The timed run also reads the process's CPU
# time from the 50th frame at the sink to EOS (steady state, gstrun
# --steady). Frames shown and dropped come from the sink's stats;
# capture->flip latency from shrbufsink's stats (kmssink has no flip time to
# report).
# Prints one "# result ..." line per pipeline and size.
#   a: v4l2src io-mode=dmabuf ! kmssink     b: v4l2src io-mode=mmap ! kmssink
#   c: shrbufsrc ! shrbufsink               (when the plugin has both)
#   z: floorloop, the same frames through the smallest zero-copy loop (one
#      thread, no GStreamer: poll, DQBUF, page flip, event, QBUF), the floor
. "$TOP/tests/vm/lib/case.sh"
set -u
frames=${SHRBUF_CASE_FRAMES:-600}
sizes=${SHRBUF_CASE_SIZES:-640x480 1280x720}
display=${SHRBUF_CASE_DISPLAY:-vkms}
v4l2-ctl -d "$VIDEO" -c osd_text_mode=2 || fail "cannot turn vivid's OSD off"

have_c=
if gst-inspect-1.0 shrbufsrc >/dev/null 2>&1 && gst-inspect-1.0 shrbufsink >/dev/null 2>&1; then
  have_c=1
fi

# pipeline LETTER NUM_BUFFERS CAPS: the pipeline description.
pipeline () {
  case "$1" in
    a) echo "v4l2src device=$VIDEO io-mode=dmabuf num-buffers=$2 ! $3 ! kmssink driver-name=$display force-modesetting=true" ;;
    b) echo "v4l2src device=$VIDEO io-mode=mmap num-buffers=$2 ! $3 ! kmssink driver-name=$display force-modesetting=true" ;;
    c) echo "shrbufsrc device=$VIDEO num-buffers=$2 ! $3 ! shrbufsink driver-name=$display" ;;
  esac
}
steady_from=50

# run NAME LETTER NUM_BUFFERS CAPS: gstrun (to EOS, then the sink's stats)
# under vmtool rusage.
run () {
  case "$2" in
    c) _stats="--stats shrbufsink0 --stats shrbufsrc0" ;;
    *) _stats="--stats kmssink0" ;;
  esac
  _t0=$(date +%s%N)
  if [ "$2" = z ]; then
    _w=${4#*width=}; _w=${_w%%,*}; _h=${4#*height=}; _h=${_h%%,*}
    "$VMTOOL" rusage "$1.cpu" "$BUILD/tests/vm/floorloop" "$VIDEO" "$display" \
      "$_w" "$_h" "$3" $steady_from > "$1.gst.log" 2>&1 \
      || { tail -5 "$1.gst.log"; fail "$1: floorloop failed"; }
  else
    # shellcheck disable=SC2046,SC2086
    "$VMTOOL" rusage "$1.cpu" "$BUILD/tests/vm/gstrun" --seconds 3600 \
      --steady $steady_from $_stats $(pipeline "$2" "$3" "$4") > "$1.gst.log" 2>&1 \
      || { tail -5 "$1.gst.log"; fail "$1: the pipeline failed"; }
  fi
  echo $(( ($(date +%s%N) - _t0) / 1000000 )) > "$1.ms"
}

cpu () { awk '{ printf "%.0f\n", $1 + $2 }' "$1.cpu"; }

for size in $sizes; do
  w=${size%x*}; h=${size#*x}
  caps="video/x-raw,format=BGRx,width=$w,height=$h"
  for p in a b ${have_c:+c} z; do
    n=bench-$p-$size
    run "$n-1" "$p" 1 "$caps"
    run "$n" "$p" "$frames" "$caps"
    if [ "$p" = z ]; then
      # floorloop copies nothing by construction and counts its own frames.
      shown=$(sed -n 's/^shown=\([0-9]*\).*/\1/p' "$n.gst.log")
      dropped=$(sed -n 's/^shown=[0-9]* dropped=\([0-9]*\).*/\1/p' "$n.gst.log")
      lost=-
      copies=-
    else
      GST_DEBUG_NO_COLOR=1 GST_DEBUG="GST_PERFORMANCE:6,v4l2src:3" run "$n-log" "$p" 60 "$caps"
      copies=$(frame_copies "$n-log")
    fi
    # kmssink: GstBaseSink's rendered/dropped; shrbufsink: shown/dropped.
    sinkstats=$(grep '^stats: ' "$n.gst.log" | grep -v GstShrbufSrcStats | tail -1)
    if [ "$p" != z ]; then
      shown=$(echo "$sinkstats" | sed -n 's/.*\(rendered\|shown\)=(guint64)\([0-9]*\).*/\2/p')
      dropped=$(echo "$sinkstats" | sed -n 's/.*dropped=(guint64)\([0-9]*\).*/\1/p')
    fi
    # The source's own drops: v4l2src logs each gap; shrbufsrc counts them.
    if [ "$p" = z ]; then
      :
    elif [ "$p" = c ]; then
      lost=$(grep '^stats: GstShrbufSrcStats' "$n.gst.log" | tail -1 \
        | sed -n 's/.*dropped=(guint64)\([0-9]*\).*/\1/p')
    else
      lost=$(grep -c 'lost frames detected' "$n-log.gst.log")
    fi
    per_frame=$(( ($(cpu "$n") - $(cpu "$n-1")) / (frames - 1) ))
    steady=$(sed -n 's/^steady: frames=\([0-9]*\) user_ns=\([0-9]*\) sys_ns=\([0-9]*\).*/\1 \2 \3/p' "$n.gst.log" \
      | awk '{ printf "%.0f", ($2 + $3) / $1 }')
    [ -n "$steady" ] || fail "$n: no steady-state CPU time"
    mean=$(echo "$sinkstats" | sed -n 's/.*latency-mean=([a-z0-9]*)\([0-9.]*\).*/\1/p')
    p99=$(echo "$sinkstats" | sed -n 's/.*latency-p99=([a-z0-9]*)\([0-9.]*\).*/\1/p')
    lat="${mean:--} ${p99:--}"
    echo "# result pipeline=$p size=$size frames=$frames shown=${shown:-?} dropped=${dropped:-?} lost_at_source=$lost copies=$copies cpu_ns_per_frame=$per_frame cpu_steady_ns_per_frame=$steady wall_ms=$(cat "$n.ms") latency_mean_ns=${lat% *} latency_p99_ns=${lat#* }"
  done
done
[ -n "$have_c" ] || note "shrbufsrc/shrbufsink not in the plugin yet: pipeline c not run"
