# shrbuf: vivid's exported buffers outlive REQBUFS(0) and the close of the
# device while a pool holds them, bytes unchanged; freed with the pool.
. "$TOP/tests/vm/lib/case.sh"
"$BUILD/tests/vm/shrbuf-test" lifetime
