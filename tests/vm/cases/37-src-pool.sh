# shrbufsrc records its buffers in a /dev/shrbuf pool (pool=auto): a slot
# per buffer, held while in the driver, FILLED with a sequence number while
# downstream has it, recycled many times; the pool is gone after stop, and
# with pool=off (or its old name, broker=off) there is none.
. "$TOP/tests/vm/lib/case.sh"
set -u
pools=/sys/kernel/debug/shrbuf/pools
caps=video/x-raw,format=BGRx,width=640,height=480

GST_DEBUG_EXTRA=shrbufsrc:4 gst_start src-pool shrbufsrc device=$VIDEO \
  queue-depth=4 ! $caps ! fakesink sync=true
sleep 3
cat $pools > pools-playing.txt
pid=$GST_PID
gst_stop src-pool
cat $pools > pools-after.txt

pool=$(grep "^pool [0-9]*: creator $pid " pools-playing.txt)
note "while playing: $pool"
[ -n "$pool" ] || { cat pools-playing.txt; fail "no pool created by the pipeline"; }
echo "$pool" | grep -q 'slots 4/4' || fail "the pool does not have 4 slots"
slots=$(grep -c "tag 'shrbufsrc:[0-3]'" pools-playing.txt)
held=$(grep "tag 'shrbufsrc:" pools-playing.txt | grep -c "holder $pid ")
acquired=$(grep "tag 'shrbufsrc:" pools-playing.txt | sed -n 's/.* acquired \([0-9]*\) .*/\1/p' | awk '{ s += $1 } END { print s + 0 }')
maxseq=$(grep "tag 'shrbufsrc:" pools-playing.txt | sed -n 's/.* seq \([0-9]*\)$/\1/p' | sort -n | tail -1)
note "slots $slots, held by the source (in the driver) $held, acquisitions $acquired, last sequence $maxseq"
[ "$slots" -eq 4 ] || fail "not 4 tagged slots"
[ "$held" -ge 1 ] || fail "no slot held while in the driver"
[ "$acquired" -ge 12 ] || fail "the slots were not recycled"
[ "${maxseq:-0}" -gt 0 ] || fail "no sequence number recorded"
! grep -q "creator $pid " pools-after.txt || fail "the pool outlived the pipeline"

for off in pool=off broker=off; do
  gst_start "src-$off" shrbufsrc device=$VIDEO $off ! $caps ! fakesink sync=true
  sleep 2
  cat $pools > "pools-$off.txt"
  pid=$GST_PID
  gst_stop "src-$off"
  ! grep -q "creator $pid " "pools-$off.txt" || fail "$off still made a pool"
done
note "pool=off and broker=off: no pool"
