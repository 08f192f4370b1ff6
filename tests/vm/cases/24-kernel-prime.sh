# shrbuf: a slot's buffer, whose exporter (vivid) has let go, imports into
# vkms through PRIME as the same dma-buf and is scanned out.
. "$TOP/tests/vm/lib/case.sh"
"$BUILD/tests/vm/shrbuf-test" prime
