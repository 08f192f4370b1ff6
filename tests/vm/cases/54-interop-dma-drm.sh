# DMA_DRM caps on real drivers, and the elements beside GStreamer's own, no
# caps given. Once shrbufsink has opened its device, its caps list as
# DMA_DRM exactly the format:modifier pairs the planes' IN_FORMATS give
# (those of the format table), on cirrus and on vkms, where GStreamer has
# DMA_DRM caps (1.24 and later); before, it offers none. v4l2src !
# shrbufsink and shrbufsrc ! kmssink on cirrus show vivid's frame pixel for
# pixel with 0 copies, in DMA_DRM caps (XR24) where GStreamer has them, in
# BGRx plain caps before. Caps sent to shrbufsink without a query are
# refused at caps time when no plane takes their modifier.
. "$TOP/tests/vm/lib/case.sh"
set -u
GSTRUN=$BUILD/tests/vm/gstrun
SINKCAPS=$BUILD/tests/vm/sinkcaps
# The DRM fourccs of gst/common/formats.c.
table=" XR24 AR24 BX24 BA24 XB24 AB24 RG16 BG24 RG24 YUYV YVYU UYVY NV12 NV21 NV16 NV61 YU12 YV12 YU16 R8 "
v4l2-ctl -d "$VIDEO" -c osd_text_mode=2 || fail "cannot turn vivid's OSD off"

# dma_drm_pairs OUT: the drm-format values of every DMA_DRM structure of
# the caps gstrun printed in OUT, one a line, sorted.
dma_drm_pairs () {
  sed -n 's/^caps: //p' "$1" | tr ';' '\n' | grep 'format=(string)DMA_DRM' \
    | sed -n 's/.*drm-format=(string)//p' | tr -d '{} ' | tr ',' '\n' \
    | grep . | sort -u
}

for driver in cirrus vkms; do
  card=$(dri_index $driver)
  $GSTRUN --query-caps sink fakesrc ! shrbufsink name=sink driver-name=$driver \
    > caps-$driver.out 2>&1 || { cat caps-$driver.out; fail "$driver: no caps from the device"; }
  $VMTOOL in-formats "$card" > in-formats-$driver.txt || fail "$driver: vmtool in-formats failed"
  planes=$(while read -r p; do
      case "$table" in *" ${p%%:*} "*) echo "$p" ;; esac
    done < in-formats-$driver.txt | sort -u | tr '\n' ' ')
  sink=$(dma_drm_pairs caps-$driver.out | tr '\n' ' ')
  note "$driver: planes take (in the table) [$planes], all [$(tr '\n' ' ' < in-formats-$driver.txt)]; shrbufsink's DMA_DRM caps [$sink]"
  if gst_dma_drm; then
    [ -n "$planes" ] || fail "$driver: no plane format in the table"
    [ "$sink" = "$planes" ] || fail "$driver: shrbufsink's DMA_DRM caps are not the planes' pairs"
  else
    [ -z "$sink" ] || fail "$driver: DMA_DRM caps offered by GStreamer $(gst-launch-1.0 --version | head -1)"
  fi
done

# Caps sent without a query (sinkcaps): set_caps () itself refuses a
# modifier no plane takes (X-tiled, which neither driver lists), at caps
# time, with a negotiation error naming it; the same format linear is
# taken.
xtiled=0x0100000000000001
dma_caps="video/x-raw(memory:DMABuf),format=DMA_DRM,width=640,height=480,framerate=30/1"
if gst_dma_drm; then
  for driver in cirrus vkms; do
    ! grep -q "${xtiled#0x}" in-formats-$driver.txt || fail "$driver: a plane takes X-tiled"
    $SINKCAPS $driver "$dma_caps,drm-format=XR24:$xtiled" > refuse-$driver.out 2>&1 \
      || { cat refuse-$driver.out; fail "$driver: sinkcaps failed"; }
    $SINKCAPS $driver "$dma_caps,drm-format=XR24" > take-$driver.out 2>&1 \
      || { cat take-$driver.out; fail "$driver: sinkcaps failed"; }
    note "$driver: XR24:$xtiled sent as caps: accepted $(kv accepted refuse-$driver.out), $(kv error refuse-$driver.out): $(kv message refuse-$driver.out); XR24 linear: accepted $(kv accepted take-$driver.out), $(kv errors take-$driver.out) errors"
    [ "$(kv accepted refuse-$driver.out)" = 0 ] || fail "$driver: X-tiled caps accepted"
    [ "$(kv errors refuse-$driver.out)" = 1 ] \
      && [ "$(kv error refuse-$driver.out)" = "gst-core-error-quark 7" ] \
      || fail "$driver: not one negotiation error for X-tiled caps"
    kv message refuse-$driver.out | grep -q "XR24:$xtiled" \
      || fail "$driver: the error does not name the modifier"
    [ "$(kv accepted take-$driver.out)" = 1 ] && [ "$(kv errors take-$driver.out)" = 0 ] \
      || fail "$driver: linear XR24 caps refused"
  done
fi

card=$(dri_index cirrus)
# show NAME ELEMENT: the screen, the caps ELEMENT's pad took and the copies,
# checked against vivid's frame at the negotiated size.
show () {
  wait_fb "$card" yes
  sleep 1
  screendump "$1"
  gst_stop "$1"
  fmt=$(elem_caps "$1" "$2" format)
  drm=$(elem_caps "$1" "$2" drm-format)
  w=$(elem_caps "$1" "$2" width)
  h=$(elem_caps "$1" "$2" height)
  note "$1: negotiated $fmt${drm:+ $drm} ${w}x$h; frame copies $(frame_copies "$1")${3:+, shrbufsink copied $(sink_stat "$1" copied)}"
  if gst_dma_drm; then
    [ "$fmt" = DMA_DRM ] && [ "$drm" = XR24 ] || fail "$1: negotiated $fmt $drm, not DMA_DRM XR24"
  else
    [ "$fmt" = BGRx ] || fail "$1: negotiated $fmt, not BGRx"
  fi
  [ "$(frame_copies "$1")" -eq 0 ] || fail "$1: frames copied"
  vivid_reference "$1.raw" "$w" "$h" XR24
  $VMTOOL cmp-frame "$1.ppm" "$1.raw" "$w" "$h" XR24 || fail "$1: the screen is not vivid's frame"
}

GST_DEBUG_EXTRA=shrbufsink:4 gst_start v4l2src-shrbufsink -v v4l2src device=$VIDEO \
  io-mode=dmabuf ! shrbufsink driver-name=cirrus
show v4l2src-shrbufsink shrbufsink0 sink
[ "$(sink_stat v4l2src-shrbufsink copied)" -eq 0 ] || fail "v4l2src ! shrbufsink: the sink copied"
[ "$(sink_copy_lines v4l2src-shrbufsink)" -eq 0 ] || fail "v4l2src ! shrbufsink: GST_PERFORMANCE shows sink copies"

GST_DEBUG_EXTRA=shrbufsrc:4 gst_start shrbufsrc-kmssink -v shrbufsrc device=$VIDEO \
  ! kmssink driver-name=cirrus force-modesetting=true
show shrbufsrc-kmssink kmssink0
