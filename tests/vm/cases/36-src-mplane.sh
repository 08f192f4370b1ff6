# Multi-planar: vivid reloaded with multiplanar=2; NV12 at 640x480 comes as
# NV12M, two buffers, each exported: two dma-buf memories a buffer, and the
# frame read through GstVideoMeta equals vivid's NV12M reference. Restores
# vivid as the VM loads it.
. "$TOP/tests/vm/lib/case.sh"
set -u
restore () {
  rmmod vivid 2>/dev/null
  modprobe vivid n_devs=1 node_types=0x1
  i=0
  until [ -e "$VIDEO" ]; do sleep 0.1; i=$((i + 1)); [ $i -lt 50 ] || break; done
}
rmmod vivid || fail "cannot unload vivid"
modprobe vivid n_devs=1 node_types=0x1 multiplanar=2 || { restore; fail "cannot load vivid multi-planar"; }
i=0
until [ -e "$VIDEO" ]; do sleep 0.1; i=$((i + 1)); [ $i -lt 50 ] || fail "no $VIDEO"; done

v4l2-ctl -d "$VIDEO" -c osd_text_mode=2
v4l2-ctl -d "$VIDEO" --set-fmt-video="width=640,height=480,pixelformat=NM12" \
  --stream-mmap --stream-skip=2 --stream-count=1 --stream-to=ref-nv12m.raw >/dev/null 2>&1
$SRCCHECK frames 5 src-nv12m.raw "shrbufsrc name=src device=$VIDEO \
    ! video/x-raw,format=NV12,width=640,height=480 ! appsink name=sink" \
    > src-nv12m.out 2>&1
rc=$?
restore
[ -s ref-nv12m.raw ] || fail "no NV12M reference frame"
[ $rc -eq 0 ] || { cat src-nv12m.out; fail "srccheck failed"; }
note "NV12M: $(kv buffers src-nv12m.out) buffers, $(kv memories src-nv12m.out) memories, $(kv dmabuf src-nv12m.out) dma-buf, stride $(kv stride src-nv12m.out); reference $(stat -c %s ref-nv12m.raw) bytes"
[ "$(kv memories src-nv12m.out)" -eq 10 ] || fail "not 2 memories a buffer"
[ "$(kv dmabuf src-nv12m.out)" -eq 10 ] || fail "not every memory is a dma-buf"
cmp src-nv12m.raw ref-nv12m.raw || fail "the NV12M frame differs from the reference"
[ -e "$VIDEO" ] && v4l2-ctl -d "$VIDEO" -D | grep -q vivid || fail "vivid not restored"
