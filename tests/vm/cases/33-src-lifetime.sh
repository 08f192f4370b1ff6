# Buffer lifetime: a buffer kept across PLAYING -> NULL stays intact (the
# driver's buffers are orphaned, not freed) and everything is released when
# it goes; 100 NULL -> PLAYING -> NULL cycles leave the process's fd count
# and the system's dma-buf count where they were.
. "$TOP/tests/vm/lib/case.sh"
set -u
pipe="shrbufsrc name=src device=$VIDEO ! video/x-raw,format=BGRx,width=640,height=480 ! appsink name=sink"

$SRCCHECK orphan "$pipe" > src-orphan.out 2>&1 || { cat src-orphan.out; fail "srccheck failed"; }
note "dma-bufs while playing, over a warm-up run: +$(kv playing_dmabufs src-orphan.out); kept across stop: $(kv held_after_stop_dmabufs src-orphan.out) dma-buf(s) alive after NULL, intact $(kv intact src-orphan.out); after release fds +$(kv fds_delta src-orphan.out), dma-bufs +$(kv dmabufs_delta src-orphan.out)"
[ "$(kv intact src-orphan.out)" = 1 ] || fail "the kept buffer changed after stop"
[ "$(kv held_after_stop_dmabufs src-orphan.out)" -ge 1 ] || fail "the kept buffer's dma-buf is gone"
[ "$(kv fds_delta src-orphan.out)" -eq 0 ] || fail "fds leaked"
[ "$(kv dmabufs_delta src-orphan.out)" -eq 0 ] || fail "dma-bufs leaked"

start=$(date +%s)
$SRCCHECK cycles 100 "$pipe" > src-cycles.out 2>&1
rc=$?

note "100 cycles in $(($(date +%s) - start)) s: after the first cycle fds=$(sed -n "s/^baseline fds=\([0-9]*\).*/\1/p" src-cycles.out) dmabufs=$(sed -n "s/^baseline.*dmabufs=//p" src-cycles.out), after the last fds=$(kv fds src-cycles.out) dmabufs=$(kv dmabufs src-cycles.out); $(grep ^start src-cycles.out), pipeline freed: $(grep ^end src-cycles.out)"
[ $rc -eq 0 ] || fail "fd or dma-buf counts not back to baseline (rc $rc)"
[ "$(kv buffers src-cycles.out)" -eq 200 ] || fail "not 2 buffers a cycle"
