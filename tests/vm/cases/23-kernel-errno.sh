# shrbuf: every ioctl's documented errno for bad fds, non-dma-bufs, sizes,
# padding, flags, commands and limits; EMFILE while acquiring leaks nothing.
. "$TOP/tests/vm/lib/case.sh"
param=/sys/module/shrbuf/parameters/max_pools
old=$(cat $param)
echo 4 > $param || fail "cannot set max_pools"
"$BUILD/tests/vm/shrbuf-test" errno
rc=$?
echo "$old" > $param
exit $rc
