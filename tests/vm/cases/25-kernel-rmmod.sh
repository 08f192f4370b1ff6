# shrbuf: rmmod is refused while a pool handle (with an acquired slot)
# exists, succeeds once it is gone, and leaves nothing in debugfs.
. "$TOP/tests/vm/lib/case.sh"
set -u
ko=$BUILD/kernel/shrbuf.ko
"$BUILD/tests/vm/shrbuf-test" hold > hold.out 2>&1 &
pid=$!
i=0
until grep -q ready hold.out; do
  sleep 0.2; i=$((i + 1))
  [ $i -lt 100 ] || { cat hold.out; fail "the holder did not start"; }
done
grep -q 'holder' /sys/kernel/debug/shrbuf/pools || fail "debugfs shows no pool"
if rmmod shrbuf 2> rmmod.err; then
  fail "rmmod succeeded while a pool was open"
fi
note "rmmod while held: $(cat rmmod.err)"
kill "$pid"; wait "$pid" 2>/dev/null
rmmod shrbuf || fail "rmmod failed after the holder exited"
[ ! -e /sys/kernel/debug/shrbuf ] || fail "debugfs shrbuf/ is still there"
[ ! -e /dev/shrbuf ] || fail "/dev/shrbuf is still there"
insmod "$ko" || fail "cannot load shrbuf again"
