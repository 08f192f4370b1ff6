# End to end on cirrus: shrbufsink's capture-to-flip latency is measured
# from the driver's own timestamp of each frame. For every frame flipped,
# the capture time the sink used is the timestamp shrbufsrc read from the
# driver for the same sequence number (exactly, in ns, from the reference
# timestamp meta, not the PTS), and the latency is the flip time minus it.
# The flips are page flips: one atomic commit sets the mode and the plane,
# every frame after it only changes the primary plane's framebuffer.
. "$TOP/tests/vm/lib/case.sh"
set -u

GST_DEBUG_EXTRA=shrbufsrc:6,shrbufsink:6 gst_start e2e-latency shrbufsrc ! shrbufsink
wait_fb "$(dri_index cirrus)" yes
sleep 2
gst_stop e2e-latency

# shrbufsrc: "buffer I, sequence S, pts T, driver timestamp N ns"
# shrbufsink: "flip: offset S, capture C ns (ORIGIN), flip F ns, latency L ns"
awk '
  / shrbufsrc .*:<shrbufsrc0> buffer [0-9]*, sequence .*driver timestamp / {
    line = $0
    sub(/.*, sequence /, "", line); seq = line; sub(/,.*/, "", seq)
    sub(/.*driver timestamp /, "", line); sub(/ ns.*/, "", line)
    driver[seq] = line
  }
  / shrbufsink .*:<shrbufsink0> flip: offset / {
    line = $0
    sub(/.*flip: offset /, "", line)
    split(line, f, /[ ,()]+/)
    # f: S capture C ns ORIGIN... flip F ns latency L ns
    seq = f[1]; cap = f[3]
    origin = line; sub(/^[^(]*\(/, "", origin); sub(/\).*/, "", origin)
    fl = line; sub(/.* flip /, "", fl); sub(/ ns.*/, "", fl)
    lat = line; sub(/.*latency /, "", lat); sub(/ ns.*/, "", lat); lat += 0
    n++
    if (origin != "reference timestamp") { bad++; print "frame " seq ": capture time from " origin }
    else if (!(seq in driver)) { bad++; print "frame " seq ": no driver timestamp from the source" }
    else if (cap != driver[seq]) { bad++; print "frame " seq ": sink capture " cap " != driver " driver[seq] }
    else if (lat != fl - cap) { bad++; print "frame " seq ": latency " lat " != flip " fl " - capture " cap }
    else if (lat <= 0 || lat > 1000000000) { bad++; print "frame " seq ": latency " lat " ns out of range" }
    else { good++; sum += lat }
  }
  END {
    printf "# %d flips, %d with latency = flip - driver timestamp (mean %d us), %d not\n", n, good, good ? sum / good / 1000 : 0, bad
    exit !(n >= 20 && bad == 0)
  }' e2e-latency.gst.log || fail "the sink's latency is not flip time minus the driver's timestamp"

flips=$(grep -c 'page flip to framebuffer' e2e-latency.gst.log)
atomics=$(grep -c 'atomic commit of framebuffer' e2e-latency.gst.log)
shown=$(grep -c ':<shrbufsink0> flip: offset' e2e-latency.gst.log)
note "$atomics atomic commit(s), $(grep -c 'atomic commit of framebuffer .*with a modeset' e2e-latency.gst.log) with a modeset; $flips page flips; $shown frames flipped"
[ "$atomics" -eq 1 ] && grep -q 'atomic commit of framebuffer .*with a modeset' e2e-latency.gst.log \
  || fail "not one atomic commit (the modeset)"
[ "$flips" -ge $((shown - 1)) ] || fail "$flips page flips for $shown frames flipped"
