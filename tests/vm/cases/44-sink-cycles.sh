# NULL -> PLAYING -> NULL many times with vivid's dma-bufs on cirrus: every
# cycle shows frames, and afterwards the device's framebuffers and the
# system's dma-bufs are back to what they were (nothing leaked: no
# framebuffer, GEM handle or dma-buf reference left behind).
. "$TOP/tests/vm/lib/case.sh"
set -u
GSTRUN=$BUILD/tests/vm/gstrun
cycles=${SHRBUF_CASE_CYCLES:-100}
card=$(dri_index cirrus)
fbs0=$(fb_count "$card")
bufs0=$(dmabuf_count)

$GSTRUN --cycles "$cycles" --seconds 0.4 --wait-first 20 --stats sink v4l2src device=$VIDEO \
  io-mode=dmabuf ! video/x-raw,format=BGRx,width=640,height=480 \
  ! shrbufsink name=sink > cycles.out 2>&1 || { tail -20 cycles.out; fail "a cycle failed"; }
fbs1=$(fb_count "$card")
bufs1=$(dmabuf_count)
ran=$(grep -c '^stats:' cycles.out)
showed=$(grep -c '^stats: .*shown=(guint64)[1-9]' cycles.out)
copied=$(grep -c '^stats: .*copied=(guint64)[1-9]' cycles.out)
note "$ran cycles, $showed showed frames, $copied copied; framebuffers $fbs0 -> $fbs1, dma-bufs $bufs0 -> $bufs1"
[ "$ran" -eq "$cycles" ] || fail "ran $ran cycles of $cycles"
[ "$showed" -eq "$cycles" ] || fail "only $showed of $cycles cycles showed a frame"
[ "$copied" -eq 0 ] || fail "$copied cycles copied frames"
[ "$fbs1" -eq "$fbs0" ] || { cat /sys/kernel/debug/dri/$card/framebuffer; fail "framebuffers: $fbs0 before, $fbs1 after"; }
[ "$bufs1" -eq "$bufs0" ] || { cat /sys/kernel/debug/dma_buf/bufinfo; fail "dma-bufs: $bufs0 before, $bufs1 after"; }
