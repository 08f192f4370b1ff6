# How long shrbufsink holds a buffer (sinkhold): after each frame has
# reached the screen, exactly that frame is referenced — the one it
# replaced was released by the flip; a DRAIN query neither copies nor drops
# the frame on screen; after NULL nothing is held; the latency from a
# timestamp/x-monotonic reference timestamp to the flip is within the pause
# between frames. On cirrus (no vblank) and vkms (vblank).
. "$TOP/tests/vm/lib/case.sh"
set -u
for drv in cirrus vkms; do
  "$BUILD/tests/vm/sinkhold" $drv 8 > hold-$drv.out 2>&1
  rc=$?
  sed "s/^/# $drv: /" hold-$drv.out | grep -v '^# [a-z]*: stats' | grep -E 'held|ok|FAILED|unexpected'
  grep '^stats' hold-$drv.out | sed "s/^/# $drv: /"
  [ $rc -eq 0 ] || { cat hold-$drv.out; fail "$drv: buffers held other than expected"; }
done
