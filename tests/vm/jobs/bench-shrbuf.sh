# Benchmark (not a test): shrbuf's acquire+release round trip at 4, 64 and
# 4096 slots against a plain dup()+close(), in the VM; the ratio must stay
# flat as slots grow. SHRBUF_CASE_ITERATIONS round trips each (20000).
. "$TOP/tests/vm/lib/case.sh"
"$BUILD/tests/vm/shrbuf-test" bench "${SHRBUF_CASE_ITERATIONS:-20000}" | sed 's/^/# /'
