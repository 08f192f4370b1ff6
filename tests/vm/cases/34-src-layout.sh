# Layout: downstream asking for 64 pixels of right padding (GstVideoMeta
# allocation parameters) gets vivid's buffers with bytesperline 2816 for
# 640-wide BGRx, and the frame read through GstVideoMeta equals the
# reference; then 640x480 -> 1280x720 while playing, with a 640x480 buffer
# kept across the switch intact.
. "$TOP/tests/vm/lib/case.sh"
set -u
vivid_reference ref-pad.raw 640 480 XR24
$SRCCHECK --padding-right 64 frames 5 src-pad.raw "shrbufsrc name=src device=$VIDEO \
    ! video/x-raw,format=BGRx,width=640,height=480 ! appsink name=sink" \
    > src-pad.out 2>&1 || { cat src-pad.out; fail "srccheck failed"; }
note "padded: stride $(kv stride src-pad.out), $(kv dmabuf src-pad.out) of $(kv memories src-pad.out) memories dma-buf"
[ "$(kv stride src-pad.out)" -eq 2816 ] || fail "stride $(kv stride src-pad.out), not 2816"
[ "$(kv dmabuf src-pad.out)" -eq 5 ] || fail "not every memory is a dma-buf"
cmp src-pad.raw ref-pad.raw || fail "the padded frame differs from the reference"

$SRCCHECK renegotiate video/x-raw,width=1280,height=720 "shrbufsrc name=src device=$VIDEO \
    ! capsfilter name=filter caps=video/x-raw,format=BGRx,width=640,height=480 \
    ! appsink name=sink" > src-reneg.out 2>&1 || { cat src-reneg.out; fail "srccheck failed"; }
note "renegotiated after $(kv switched_after src-reneg.out) buffers, old buffer intact $(kv old_buffer_intact src-reneg.out), $(kv dmabuf src-reneg.out) of $(kv memories src-reneg.out) memories dma-buf"
[ "$(kv old_buffer_intact src-reneg.out)" = 1 ] || fail "the kept 640x480 buffer changed"
[ "$(kv dmabuf src-reneg.out)" -eq "$(kv memories src-reneg.out)" ] || fail "not every memory is a dma-buf"
