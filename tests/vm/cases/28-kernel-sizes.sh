# shrbuf: every ioctl with the struct sizes ABI 1 published behaves as
# it did and nothing is written past them; smaller sizes are EINVAL; larger
# ones need a zero tail.
. "$TOP/tests/vm/lib/case.sh"
"$BUILD/tests/vm/shrbuf-test" sizes
