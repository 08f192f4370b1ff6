# How long shrbufsink holds a buffer (sinkhold): after each frame has
# reached the screen, exactly that frame is referenced — the one it
# replaced was released by the flip; a DRAIN query neither copies nor drops
# the frame on screen; after NULL nothing is held; the latency from a
# timestamp/x-monotonic reference timestamp to the flip is within the pause
# between frames. On cirrus (no vblank) and vkms (vblank). On vkms the caps
# then change to 800x600 (a mode vkms has): the framebuffers of the old
# caps are removed, only the new ones stay, and none after NULL.
. "$TOP/tests/vm/lib/case.sh"
set -u
vkms=$(dri_index vkms)
for drv in cirrus vkms; do
  fbfile=
  [ $drv = vkms ] && fbfile=/sys/kernel/debug/dri/$vkms/framebuffer
  "$BUILD/tests/vm/sinkhold" $drv 8 $fbfile > hold-$drv.out 2>&1
  rc=$?
  grep -E 'held|framebuffers|^ok|FAILED|unexpected|^stats' hold-$drv.out | sed "s/^/# $drv: /"
  [ $rc -eq 0 ] || { cat hold-$drv.out; fail "$drv: not as expected"; }
done
