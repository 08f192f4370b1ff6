# A libcamera camera upstream of the sink: libcamerasrc on vimc (the
# kernel's media-controller camera: sensor, debayer, scaler, capture node),
# driven by libcamera's vimc pipeline handler.
# - libcamerasrc's buffers (vimc's capture buffers, exported by libcamera as
#   dma-bufs) are imported as framebuffers: every frame shown and imported,
#   none dropped, 0 copies (stats and GST_PERFORMANCE); the framebuffer on
#   screen is an imported one.
# - What cirrus shows is, pixel for pixel, libcamera's own output of the
#   same frame (`cam --capture --file`), in libcamera's RGB888 (DRM RG24,
#   GStreamer BGR: the 24-bit format cirrus scans out; vkms takes no 24-bit
#   format). The sensor shows a still test pattern with its information
#   text off, so that every frame is the same.
# - Framebuffers and dma-bufs back to baseline after the pipeline.
# Where the row cannot, the case asserts why, as measured (docs/testing.md,
# "libcamera and vimc"):
# - without libcamera's vimc IPA module (ipa_vimc.so, Debian's
#   libcamera-ipa), the vimc pipeline handler matches vimc and gives up
#   ("no matching IPA found"): no camera. SHRBUF_CASE_LIBCAMERA_IPA names a
#   folder where libcamera-ipa is unpacked (dpkg-deb -x), for a root
#   without the package;
# - libcamera before 0.3.1 (Debian 12's 0.0.3) aligns vimc's output sizes
#   to 6 pixels (the x3 scaler of kernels before 5.16): 640x480 becomes
#   636x480 (not negotiated), and no cirrus mode whose sides are multiples
#   of 6 fits cirrus' 4088-byte pitch at 3 bytes a pixel.
# On 6.12, RG24 needs vimc's debayer to take the source format asked
# (tests/vm/lib/build-media-drivers).
# libcamera's vimc pipeline handler reads a request (its sequence, for the
# IPA) after completing it, and libcamerasrc frees a request once its
# buffer is pushed: when the streaming thread gets there first (one CPU
# under emulation; 2 of 8 runs into fakesink), the camera thread reads
# freed memory and gst-launch dies of SIGSEGV in Request::sequence(). An
# identity sleep-time in the streaming thread, before the push returns,
# lets the camera thread finish first.
# libcamera lists only devices udev has initialised; the VM runs no udevd,
# so the case writes the udev database entries of vimc's nodes (what udevd
# would record) and removes them at the end.
# sync=false: under emulation the frames come late for their timestamps
# (vimc makes one about every 0.7 s), and a synchronised sink drops late
# frames.
. "$TOP/tests/vm/lib/case.sh"
set -u
udev_db=
CASE_CLEANUP='rm -f $udev_db'
m2m_load vimc
cirrus=$(dri_index cirrus)
export LIBCAMERA_LOG_NO_COLOR=1

mkdir -p /run/udev/data || fail "cannot create /run/udev/data"
for d in /sys/bus/media/devices/media* /sys/class/video4linux/*; do
  f=/run/udev/data/c$(cat "$d/dev")
  [ -e "$f" ] && continue
  echo "I:$(($(cut -d' ' -f1 /proc/uptime | tr -d .) * 10000))" > "$f" || fail "cannot write $f"
  udev_db="$udev_db $f"
done

if [ -n "${SHRBUF_CASE_LIBCAMERA_IPA:-}" ]; then
  LIBCAMERA_IPA_MODULE_PATH=$(ls -d "$SHRBUF_CASE_LIBCAMERA_IPA"/usr/lib/*/libcamera | head -1)
  LIBCAMERA_IPA_PROXY_PATH=$(ls -d "$SHRBUF_CASE_LIBCAMERA_IPA"/usr/libexec/*/libcamera 2>/dev/null | head -1)
  export LIBCAMERA_IPA_MODULE_PATH LIBCAMERA_IPA_CONFIG_PATH=$SHRBUF_CASE_LIBCAMERA_IPA/usr/share/libcamera/ipa
  export LIBCAMERA_IPA_PROXY_PATH=${LIBCAMERA_IPA_PROXY_PATH:-$LIBCAMERA_IPA_MODULE_PATH}
  note "libcamera IPA modules from SHRBUF_CASE_LIBCAMERA_IPA"
fi

LIBCAMERA_LOG_LEVELS='*:DEBUG' timeout 120 cam -l > cam-list.log 2>&1 || { tail -20 cam-list.log; fail "cam -l failed"; }
version=$(sed -n 's/.* libcamera v\([0-9.]*\).*/\1/p' cam-list.log | head -1)
grep -q 'Successful match for media device "vimc"' cam-list.log \
  || { tail -20 cam-list.log; fail "libcamera $version did not match vimc's media device"; }
camera=$(sed -n "s/^1: '\(.*\)' (.*/\1/p" cam-list.log)
ipa=$(ls ${LIBCAMERA_IPA_MODULE_PATH:-/usr/lib/*/libcamera}/ipa_vimc.so 2>/dev/null | head -1)

# No vimc IPA module: no camera, for the reason libcamera logs.
if [ -z "$ipa" ]; then
  [ -z "$camera" ] || fail "libcamera $version lists camera '$camera' without a vimc IPA module"
  grep -q 'ERROR VIMC .*no matching IPA found' cam-list.log \
    || { tail -20 cam-list.log; fail "no camera, and not for want of the IPA module"; }
  note "libcamera $version: $(sed -n 's/.*WARN IPAManager [^ ]* //p' cam-list.log | head -1); VIMC: no matching IPA found, no camera"
  note "SKIP libcamerasrc ! shrbufsink: libcamera's vimc pipeline needs ipa_vimc.so (package libcamera-ipa)"
  exit 0
fi
[ "$camera" = "Sensor B" ] || { tail -20 cam-list.log; fail "libcamera $version lists no vimc camera (got '$camera')"; }

# The sensor libcamera drives: a still pattern, no information text.
sensor=
for s in /sys/class/video4linux/v4l-subdev*; do
  [ "$(cat "$s/name")" = "$camera" ] && sensor=/dev/$(basename "$s")
done
[ -n "$sensor" ] || fail "no subdev for $camera"
v4l2-ctl -d "$sensor" -c test_pattern=1,show_information=2 || fail "cannot set $camera's test pattern"

# reference NAME: 3 frames of 640x480 RGB888 from libcamera's cam in
# NAME-*.bin (all the same); NAME.log says what libcamera configured.
reference () {
  rm -f "$1"-*.bin
  timeout 120 cam -c 1 --capture=3 --file="$1-#.bin" -s width=640,height=480,pixelformat=RGB888 \
    > "$1.log" 2>&1 || { tail -20 "$1.log"; fail "cam could not capture $1"; }
  [ "$(md5sum "$1"-*.bin | awk '{ print $1 }' | sort -u | wc -l)" -eq 1 ] \
    || fail "cam's frames $1 differ"
}
reference cam-ref
configured=$(sed -n 's/.*configuring streams: (0) \([0-9x]*\)-RGB888.*/\1/p' cam-ref.log | tail -1)
note "libcamera $version, camera '$camera': 640x480 RGB888 asked, $configured configured"

# Before 0.3.1 (the x3 scaler rule): 636x480, which cirrus cannot show.
if [ "$configured" != 640x480 ]; then
  case "$version" in
    0.0.*|0.1.*|0.2.*|0.3.0) ;;
    *) fail "libcamera $version configures $configured for 640x480" ;;
  esac
  [ "$configured" = 636x480 ] || fail "libcamera $version: $configured, not 636x480 (the 6-pixel alignment)"
  # No cirrus mode of such a size within its 4088-byte pitch at 3 bytes.
  modes=$(cat /sys/class/drm/card"$cirrus"-*/modes | sort -u | tr '\n' ' ')
  for m in $modes; do
    w=${m%x*}; h=${m#*x}
    [ $((w % 6)) -ne 0 ] || [ $((h % 6)) -ne 0 ] || [ $((w * 3)) -gt 4088 ] \
      || fail "cirrus has a mode $m that libcamera $version could fill"
  done
  note "cirrus modes: $modes(none of 6-pixel multiples within 4088 bytes a row at 24 bits)"
  GST_DEBUG_NO_COLOR=1 GST_DEBUG=shrbufsink:4,libcamerasrc:4 timeout 120 gst-launch-1.0 -v libcamerasrc \
    ! video/x-raw,format=BGR,width=640,height=480 ! shrbufsink sync=false \
    > cam-refused.out.log 2> cam-refused.gst.log
  rc=$?
  [ $rc -ne 0 ] || fail "libcamerasrc ran at 640x480 with libcamera $version"
  [ $rc -ne 124 ] || fail "libcamerasrc at 640x480 neither ran nor failed in 120 s"
  grep -q 'configuring streams: (0) 636x480-RGB888' cam-refused.gst.log \
    || { tail -20 cam-refused.gst.log; fail "libcamerasrc did not configure 636x480"; }
  grep -q 'reason not-negotiated' cam-refused.out.log cam-refused.gst.log \
    || { tail -20 cam-refused.out.log; fail "libcamerasrc at 640x480 failed, but not in negotiation"; }
  [ "$(sink_stat cam-refused shown)" = 0 ] || fail "the sink showed frames"
  note "libcamerasrc asked for 640x480: libcamera configured 636x480, not negotiated, nothing shown"
  note "SKIP the picture: libcamera $version aligns vimc sizes to 6 pixels, no cirrus mode fits at 24 bits"
  exit 0
fi
[ "$(stat -c %s cam-ref-*.bin | sort -u)" -eq 921600 ] || fail "cam's frames are not 640x480 at 3 bytes a pixel"

fbs=$(fb_count "$cirrus")
dmabufs=$(dmabuf_count)
# 30 frames, then EOS; cirrus' 640x480 mode is set for them. 1 frame a
# second, about vimc's rate here (libcamera offers the camera no frame
# duration control, so libcamerasrc takes the caps' rate as it is): the
# sink waits a frame period for the previous flip, and vimc's kernel thread
# holds the CPU for most of a frame period at a time, delaying flip events
# (at 30/1 a frame was dropped in 1 run of 6). The identity sleep keeps each
# request alive until libcamera's camera thread is done with it (see the
# top); -f: a crash ends gst-launch instead of waiting.
GST_DEBUG_EXTRA=shrbufsink:4 gst_start cam-cirrus -f -v libcamerasrc \
  ! video/x-raw,format=BGR,width=640,height=480,framerate=1/1 \
  ! identity eos-after=30 sleep-time=100000 ! shrbufsink sync=false
wait_fb "$cirrus" yes
imported_fb_owners "$cirrus" > cam-cirrus.owners
[ -s cam-cirrus.owners ] || fail "no imported framebuffer on cirrus"
screendump cam-cirrus
wait "$GST_PID" || { tail -20 cam-cirrus.gst.log; fail "libcamerasrc ! shrbufsink failed"; }
shown=$(sink_stat cam-cirrus shown)
note "cam-cirrus: shown $shown, imported $(sink_stat cam-cirrus imported), copied $(sink_stat cam-cirrus copied), dropped $(sink_stat cam-cirrus dropped), copy lines $(sink_copy_lines cam-cirrus); framebuffers made by $(sort -u cam-cirrus.owners | tr '\n' ' ')"
[ "$(sink_stat cam-cirrus copied)" -eq 0 ] || fail "the sink copied frames"
[ "$(sink_copy_lines cam-cirrus)" -eq 0 ] || fail "GST_PERFORMANCE shows sink copies"
# 30 (31 if GstVideoSink showed the preroll frame twice, as in 61).
[ "$shown" -ge 30 ] && [ "$shown" -le 31 ] || fail "$shown shown for 30 frames"
[ "$(sink_stat cam-cirrus imported)" -eq "$shown" ] || fail "not every frame imported"
[ "$(sink_stat cam-cirrus dropped)" -eq 0 ] || fail "frames dropped"
$VMTOOL cmp-frame cam-cirrus.ppm "$(ls cam-ref-*.bin | head -1)" 640 480 BGR3 \
  || fail "cirrus does not show libcamera's frame"
note "framebuffers $fbs -> $(fb_count "$cirrus"), dma-bufs $dmabufs -> $(dmabuf_count)"
[ "$(fb_count "$cirrus")" -eq "$fbs" ] || fail "framebuffers left behind"
[ "$(dmabuf_count)" -eq "$dmabufs" ] || fail "dma-bufs left behind"
