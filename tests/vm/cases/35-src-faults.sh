# A second source on a streaming device fails with RESOURCE BUSY naming it;
# REQBUFS and STREAMON failing (vivid's inject controls) give clear errors.
# Faults made real by vivid's own controls: a fatal streaming error and a
# disconnect mid-stream each end in an element error naming the device,
# and the teardown leaves no fd or dma-buf behind. Reloads vivid afterwards
# (a disconnected vivid does not come back), as the VM set it up.
. "$TOP/tests/vm/lib/case.sh"
set -u
pipe="shrbufsrc name=src device=$VIDEO ! video/x-raw,format=BGRx,width=640,height=480 ! appsink name=sink"

fault () {
  $SRCCHECK error "$pipe" > "src-$1.out" 2>&1 &
  pid=$!
  i=0
  until grep -q '^streaming=1' "src-$1.out"; do
    sleep 0.2; i=$((i + 1))
    [ $i -lt 150 ] || { kill $pid; fail "$1: not streaming"; }
  done
  v4l2-ctl -d "$VIDEO" -c "$2=1" || fail "cannot press $2"
  wait $pid || { cat "src-$1.out"; fail "$1: srccheck failed"; }
  note "$1: $(kv error_from "src-$1.out"): $(kv error "src-$1.out") ($(kv error_domain "src-$1.out") $(kv error_code "src-$1.out")); fds +$(kv fds_delta "src-$1.out"), dma-bufs +$(kv dmabufs_delta "src-$1.out")"
  [ "$(kv error_from "src-$1.out")" = src ] || fail "$1: the error is not the source's"
  kv error "src-$1.out" | grep -q "$VIDEO" || fail "$1: the error does not name $VIDEO"
  [ "$(kv fds_delta "src-$1.out")" -eq 0 ] || fail "$1: fds leaked"
  [ "$(kv dmabufs_delta "src-$1.out")" -eq 0 ] || fail "$1: dma-bufs leaked"
}

# Busy: a second source on the device while the first streams.
$SRCCHECK frames 150 "$pipe" > src-first.out 2>&1 &
first=$!
sleep 2
if $SRCCHECK frames 1 "$pipe" > src-busy.out 2>&1; then
  fail "a second source on a streaming device did not fail"
fi
wait $first || { cat src-first.out; fail "the first source failed"; }
note "busy: $(grep -o "error from src: [^(]*" src-busy.out) $(grep -o 'VIDIOC_[A-Z_]* failed: [^)]*' src-busy.out) $(grep -o '\[gst-resource-error-quark [0-9]*\]' src-busy.out)"
grep -q "error from src: .*'$VIDEO'" src-busy.out && grep -q 'gst-resource-error-quark 4\]' src-busy.out \
  || { cat src-busy.out; fail "not RESOURCE BUSY (4) naming $VIDEO"; }

# vivid failing REQBUFS or STREAMON once: a clear error, then the next run
# works.
for f in reqbufs:"Cannot allocate" streamon:"Cannot start streaming"; do
  name=${f%%:*}; want=${f#*:}
  v4l2-ctl -d "$VIDEO" -c "inject_vidioc_${name}_error=1" || fail "cannot press inject_vidioc_${name}_error"
  if $SRCCHECK frames 1 "$pipe" > "src-$name.out" 2>&1; then
    fail "$name: no error"
  fi
  note "$name error: $(grep -o "error from src: [^(]*" "src-$name.out") $(grep -o 'VIDIOC_[A-Z_]* failed: [^)]*' "src-$name.out")"
  grep -q "error from src: $want.*'$VIDEO'" "src-$name.out" || { cat "src-$name.out"; fail "$name: unclear error"; }
  $SRCCHECK frames 2 "$pipe" > "src-after-$name.out" 2>&1 || { cat "src-after-$name.out"; fail "no capture after the $name error"; }
done

fault fatal inject_fatal_streaming_error
fault disconnect disconnect

# Restore vivid as the VM loads it.
sleep 0.5
rmmod vivid || fail "cannot unload vivid"
modprobe vivid n_devs=1 node_types=0x1 || fail "cannot reload vivid"
i=0
until [ -e "$VIDEO" ]; do sleep 0.1; i=$((i + 1)); [ $i -lt 50 ] || fail "no $VIDEO"; done
v4l2-ctl -d "$VIDEO" -D | grep -q vivid || fail "$VIDEO is not vivid after reloading"
