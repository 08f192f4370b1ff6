# shrbuf: poll() and blocking acquires wake on release, time out, and end
# on a signal, as documented.
. "$TOP/tests/vm/lib/case.sh"
"$BUILD/tests/vm/shrbuf-test" poll
