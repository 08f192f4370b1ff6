# shrbufsrc ! shrbufsink with the shrbuf module: the pool (debugfs) shows where each
# buffer is: held FILLED = on screen (the sink), held EMPTY = in the driver
# (the source), unheld FILLED = on its way; and after stop, no pool.
. "$TOP/tests/vm/lib/case.sh"
set -u
card=$(dri_index cirrus)
pools=/sys/kernel/debug/shrbuf/pools

gst_start e2e-pool shrbufsrc device=$VIDEO ! shrbufsink
pid=$GST_PID
wait_fb "$card" yes
sleep 1
for i in 1 2 3 4 5 6; do cat $pools > pools-$i.txt; sleep 0.3; done
gst_stop e2e-pool
cat $pools > pools-after.txt

# A snapshot may fall between the sink letting go of one frame's slot and
# taking the next one's (none on screen); never may two be on screen.
good=0
for i in 1 2 3 4 5 6; do
  slots=$(grep -c "tag 'shrbufsrc:" pools-$i.txt)
  on_screen=$(grep "tag 'shrbufsrc:" pools-$i.txt | grep -c "state filled holder $pid ")
  in_driver=$(grep "tag 'shrbufsrc:" pools-$i.txt | grep -c "state empty holder $pid ")
  note "snapshot $i: $slots slots, on screen $on_screen, in the driver $in_driver"
  [ "$slots" -ge 2 ] || { cat pools-$i.txt; fail "no pool of the source's buffers"; }
  [ "$on_screen" -le 1 ] || { cat pools-$i.txt; fail "two slots on screen"; }
  [ "$on_screen" -eq 1 ] && [ "$in_driver" -ge 1 ] && good=$((good + 1))
done
[ "$good" -ge 4 ] || fail "only $good of 6 snapshots show one frame on screen and one in the driver"
! grep -q "creator $pid " pools-after.txt || fail "the pool outlived the pipeline"
