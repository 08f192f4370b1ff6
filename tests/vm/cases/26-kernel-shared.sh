# shrbuf: two handles hold one slot shared (ids, ledger holders, debugfs);
# exclusive acquires are refused meanwhile; a shared release changes no
# state; only the last one wakes poll() and a waiter; a child killed while
# holding shared gives its holds back, counted; fds and dma-bufs at baseline.
. "$TOP/tests/vm/lib/case.sh"
"$BUILD/tests/vm/shrbuf-test" shared
