# shrbuf: a child that acquires on its own handle and exits gives its slots
# back, counted; one that acquires on a shared handle does not.
. "$TOP/tests/vm/lib/case.sh"
"$BUILD/tests/vm/shrbuf-test" autoreturn
