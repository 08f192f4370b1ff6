# Helpers for the VM cases; sourced by each case, runs in the guest with
# TOP, BUILD, CACHE, RESULTS and CASE set and $RESULTS as the working folder.
# A line starting with "# " in a case's output is copied into the TAP report.

VMTOOL=$BUILD/tests/vm/vmtool
VIDEO=/dev/video0

fail () { echo "FAIL: $*"; exit 1; }
note () { echo "# $*"; }

# dri_index DRIVER: the DRM minor (card number) of the driver.
dri_index () {
  for d in /sys/kernel/debug/dri/[0-9]*; do
    case "$(cat "$d/name")" in
      "$1 "*) basename "$d"; return 0 ;;
    esac
  done
  fail "no DRM device with driver $1"
}

# vivid_reference FILE W H FOURCC: one frame from vivid as a reference, with
# the moving OSD text off so that every frame is the same.
vivid_reference () {
  v4l2-ctl -d "$VIDEO" -c osd_text_mode=2 || fail "cannot turn vivid's OSD off"
  v4l2-ctl -d "$VIDEO" --set-fmt-video="width=$2,height=$3,pixelformat=$4" \
    --stream-mmap --stream-skip=2 --stream-count=1 --stream-to="$1" >/dev/null 2>&1 \
    || fail "v4l2-ctl could not capture a reference frame"
  [ -s "$1" ] || fail "empty reference frame $1"
}

# gst_start NAME PIPELINE...: starts gst-launch-1.0 -e in the background,
# logging GST_PERFORMANCE at LOG level into NAME.gst.log (stderr) and its
# own output (-v caps) into NAME.out.log: in one file, GStreamer 1.26's
# debug lines were seen cut in two by gst-launch's output; sets GST_PID.
gst_start () {
  _name=$1; shift
  GST_DEBUG_NO_COLOR=1 GST_DEBUG="GST_PERFORMANCE:6${GST_DEBUG_EXTRA:+,$GST_DEBUG_EXTRA}" \
    gst-launch-1.0 -e "$@" > "$_name.out.log" 2> "$_name.gst.log" &
  GST_PID=$!
}

# gst_stop NAME: EOS through SIGINT, then waits; fails if the pipeline failed.
gst_stop () {
  kill -INT "$GST_PID" 2>/dev/null
  wait "$GST_PID"
  _rc=$?
  [ $_rc -eq 0 ] || { tail -10 "$1.out.log"; tail -20 "$1.gst.log"; fail "gst-launch-1.0 exited with $_rc"; }
}

# frame_copies NAME: how many frames GStreamer's elements copied, from their
# GST_PERFORMANCE lines: kmssink's "frame copy" and the V4L2 buffer pool's
# copies (gst_v4l2_buffer_pool_copy_buffer, or its slow path).
frame_copies () {
  grep -cE 'GST_PERFORMANCE .*(gst_kms_sink_get_input_buffer:.* frame copy|gst_v4l2_buffer_pool_copy_buffer:|slow copy into buffer)' \
    "$1.gst.log"
}

# wait_fb DRI_INDEX IMPORTED(yes|no): waits until the device scans out a
# framebuffer not made by fbcon whose object's "imported" is as given.
wait_fb () {
  _i=0
  while [ $_i -lt 120 ]; do
    if awk -v want="imported=$2" '
        /^framebuffer\[/ { fbcon = 0 }
        /allocated by = \[fbcon\]/ { fbcon = 1 }
        $1 == want && !fbcon { found = 1 }
        END { exit !found }' "/sys/kernel/debug/dri/$1/framebuffer"; then
      return 0
    fi
    sleep 0.5
    _i=$((_i + 1))
  done
  cat "/sys/kernel/debug/dri/$1/framebuffer"
  fail "no framebuffer with imported=$2 on dri/$1 after 60 s"
}

# screendump NAME: asks the host (QMP screendump) for what the emulated VGA
# shows; leaves NAME.ppm and NAME.png in $RESULTS.
screendump () {
  rm -f "$RESULTS/$1.done" "$RESULTS/$1.ppm"
  # Made whole before the host can see it: the host deletes a request as
  # soon as it finds one, which must not race with its creation.
  : > "$RESULTS/$1.req.new"
  mv "$RESULTS/$1.req.new" "$RESULTS/$1.req"
  _i=0
  while [ ! -e "$RESULTS/$1.done" ]; do
    sleep 0.2
    _i=$((_i + 1))
    [ $_i -lt 300 ] || fail "no screendump after 60 s"
  done
  [ "$(cat "$RESULTS/$1.done")" = ok ] || fail "screendump: $(cat "$RESULTS/$1.done")"
}

# vkms_crc DRI_INDEX: the CRC vkms computes for what its CRTC shows, once
# three frames in a row agree.
vkms_crc () {
  _dir=/sys/kernel/debug/dri/$1/crtc-0/crc
  echo auto > "$_dir/control" || fail "cannot select the CRC source"
  "$VMTOOL" crc "$_dir/data" 3 || fail "no stable CRC from $_dir/data"
}

# --- shrbufsrc cases ---
SRCCHECK=$BUILD/tests/vm/srccheck

# kv KEY FILE: the value of the last KEY=VALUE line in FILE.
kv () { sed -n "s/^$1=//p" "$2" | tail -1; }

# --- shrbufsink cases ---
# sink_stat NAME FIELD: a field of shrbufsink's stats as it logs them when
# it stops (needs GST_DEBUG_EXTRA=shrbufsink:4); empty when not logged.
sink_stat () {
  sed -n 's/.*stats: application\/x-shrbufsink-stats, //p' "$1.gst.log" | tail -1 \
    | tr ',' '\n' | sed -n "s/^ *$2=(guint64)\([0-9]*\).*/\1/p"
}

# sink_copy_lines NAME: shrbufsink's GST_PERFORMANCE "frame copy" lines (by
# the element that logs them, shrbufsinkN, not by the function).
sink_copy_lines () {
  grep -c 'GST_PERFORMANCE .*:<shrbufsink[0-9]*> frame copy' "$1.gst.log"
}

# fb_count DRI_INDEX: framebuffers the device has (debugfs).
fb_count () {
  grep -c '^framebuffer\[' "/sys/kernel/debug/dri/$1/framebuffer"
}

# dmabuf_count: dma-bufs alive in the system (debugfs bufinfo).
dmabuf_count () {
  sed -n 's/^Total \([0-9]*\) objects.*/\1/p' /sys/kernel/debug/dma_buf/bufinfo
}

# --- end to end ---

# sink_caps NAME FIELD: a field of the caps shrbufsink's pad took, from a
# gst-launch-1.0 -v log.
sink_caps () {
  elem_caps "$1" shrbufsink0 "$2"
}

# elem_caps NAME ELEMENT FIELD: FIELD of the last caps on ELEMENT's sink pad
# in NAME's -v output.
elem_caps () {
  grep "$2.GstPad:sink: caps = " "$1.out.log" | tail -1 | tr ',' '\n' \
    | sed -n "s/^ *$3=([a-z]*)\([^ ;]*\).*/\1/p"
}

# gst_dma_drm: true when this GStreamer describes dma-bufs with DMA_DRM caps
# (1.24 and later), where the elements negotiate them.
gst_dma_drm () {
  _minor=$(gst-launch-1.0 --version | sed -n 's/^gst-launch-1.0 version 1\.\([0-9]*\)\..*/\1/p' | head -1)
  [ "${_minor:-0}" -ge 24 ]
}

# sink_format NAME: the video format of shrbufsink's last caps in NAME's
# -v output: the format of plain caps, or for DMA_DRM caps the format of
# their linear drm-format, as "DMA_DRM:" and the format (DMA_DRM:BGRx).
sink_format () {
  _f=$(sink_caps "$1" format)
  [ "$_f" = DMA_DRM ] || { echo "$_f"; return; }
  case "$(sink_caps "$1" drm-format)" in
    XR24) echo DMA_DRM:BGRx ;;
    AR24) echo DMA_DRM:BGRA ;;
    XB24) echo DMA_DRM:RGBx ;;
    RG16) echo DMA_DRM:RGB16 ;;
    YUYV) echo DMA_DRM:YUY2 ;;
    NV12) echo DMA_DRM:NV12 ;;
    *) echo "DMA_DRM:?$(sink_caps "$1" drm-format)" ;;
  esac
}

# --- v4l2loopback: a capture device without VIDIOC_EXPBUF ---
LOOPBACK=/dev/video9

# loopback_start PATTERN: a writer feeding v4l2loopback 640x480 YUY2 frames
# of videotestsrc's PATTERN (a still one, so that every frame is the same)
# at 10 fps, slow enough for a reader that copies every frame to keep up
# on a loaded machine (v4l2loopback 0.15 counts sequence numbers, so a
# frame the reader misses is a dropped frame); sets WRITER_PID and waits until the device offers capture
# (exclusive_caps=1: only while a writer streams).
loopback_start () {
  gst-launch-1.0 videotestsrc pattern="$1" is-live=true \
    ! video/x-raw,format=YUY2,width=640,height=480,framerate=10/1 \
    ! v4l2sink device="$LOOPBACK" > "loopback-$1.gst.log" 2>&1 &
  WRITER_PID=$!
  _i=0
  until v4l2-ctl -d "$LOOPBACK" --info 2>/dev/null | grep -q 'Video Capture$'; do
    sleep 0.2
    _i=$((_i + 1))
    [ $_i -lt 150 ] || { cat "loopback-$1.gst.log"; fail "$LOOPBACK offers no capture after 30 s"; }
  done
}

# loopback_stop: stops the writer.
loopback_stop () {
  kill -INT "$WRITER_PID" 2>/dev/null
  wait "$WRITER_PID" 2>/dev/null
}

# loopback_frame PATTERN FILE: the frame the writer feeds for PATTERN.
loopback_frame () {
  gst-launch-1.0 -q videotestsrc pattern="$1" num-buffers=1 \
    ! video/x-raw,format=YUY2,width=640,height=480 ! filesink location="$2" \
    || fail "cannot make the writer's frame"
}

# stat_field KEY FIELD FILE: a field of the shrbufsrc stats srccheck printed
# as KEY=... in FILE.
stat_field () {
  kv "$1" "$3" | sed -n "s/.*[ ,]$2=(g*uint[0-9]*)\([0-9]*\).*/\1/p"
}

# --- memory-to-memory devices (decoders, converters) and vimc ---

# m2m_load MODULE...: loads the V4L2 test drivers tests/vm/run builds into
# $CACHE/media, each after the modules it depends on (modinfo): those of
# $CACHE/media (v4l2-mem2mem, which vicodec and vim2m need) with insmod,
# Debian's with modprobe (vimc's videobuf2 and v4l2-tpg ones, mostly loaded
# with vivid already); unloads the ones it inserted when the case exits,
# after running $CASE_CLEANUP (the case's own undoing, if it sets it), and
# points GStreamer at a registry of the case's own, scanned with their
# nodes present: the v4l2 plugin makes its decoder and converter elements
# (v4l2fwhtdec, v4l2convert) only for nodes it finds.
_m2m_insert () {
  case " $M2M_LOADED " in *" $1 "*) return 0 ;; esac
  if [ ! -f "$CACHE/media/$1.ko" ]; then
    modprobe "$1" || fail "cannot load $1"
    return 0
  fi
  for _d in $(modinfo -F depends "$CACHE/media/$1.ko" | tr ',' ' '); do
    _m2m_insert "$_d"
  done
  insmod "$CACHE/media/$1.ko" || fail "cannot load $1.ko"
  M2M_LOADED="$1 $M2M_LOADED"
}
m2m_load () {
  M2M_LOADED=
  for _m in "$@"; do
    _m2m_insert "$_m"
  done
  M2M_LOADED=$(echo $M2M_LOADED | tr '-' '_')
  trap 'eval "${CASE_CLEANUP:-}"; for _m in $M2M_LOADED; do rmmod "$_m"; done' EXIT
  export GST_REGISTRY="$RESULTS/$CASE.registry"
  GST_REGISTRY_UPDATE=yes gst-inspect-1.0 > /dev/null 2>&1 || fail "cannot rescan the GStreamer registry"
}

# element_copies NAME ELEMENT: frames ELEMENT (an element name such as
# v4l2fwhtdec0) copied on its way out, from the GST_PERFORMANCE lines of
# its src pad's V4L2 buffer pools (its sink pad's pool copying the
# compressed stream in is not a frame copy).
element_copies () {
  grep -cE "GST_PERFORMANCE .*<$2:pool[0-9]*:src>.*(gst_v4l2_buffer_pool_copy_buffer|slow copy into buffer)" \
    "$1.gst.log"
}

# imported_fb_owners DRI_INDEX: for each framebuffer made from an imported
# dma-buf, who made it (debugfs "allocated by": the thread's name, such as
# v4l2fwhtdec0:sr for a decoder's src pad thread).
imported_fb_owners () {
  awk '/^framebuffer\[/ { by = "" }
       /allocated by = / { sub(/.*allocated by = /, ""); by = $0 }
       $1 == "imported=yes" && by != "" { print by; by = "" }' \
    "/sys/kernel/debug/dri/$1/framebuffer"
}

# plane_field DRI_INDEX PLANE KEY: the KEY=VALUE field (crtc-pos=, src-pos=,
# fb=) of plane PLANE in the device's atomic state (debugfs).
plane_field () {
  awk -v p="plane[$2]:" -v k="$3" '$1 == p { on = 1; next }
    /^plane\[|^crtc\[/ { on = 0 } on && index($0, k) { print $1; exit }' \
    "/sys/kernel/debug/dri/$1/state"
}
