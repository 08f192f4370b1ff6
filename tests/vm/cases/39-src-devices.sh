# shrbufsrc's device provider (shrbufdeviceprovider): a GstDeviceMonitor of
# Video/Source lists exactly the V4L2 nodes that are streaming video capture
# devices as the kernel reports them (VIDIOC_QUERYCAP through v4l2-ctl:
# vivid's capture node, not its output nodes), each named by its card, of
# class Video/Source, with shrbufsrc's caps for it; the first one's
# gst_device_create_element () is a shrbufsrc on that node that streams
# dma-bufs.
. "$TOP/tests/vm/lib/case.sh"
set -u

want=
for node in $(ls /dev/video* | sort -V); do
  v4l2-ctl -d "$node" --info > info.txt 2>/dev/null || continue
  sed -n '/Device Caps/,$p' info.txt > device-caps.txt
  grep -q 'Video Capture' device-caps.txt && grep -q 'Streaming' device-caps.txt \
    && want="$want $node"
done
want=${want# }

$SRCCHECK devices > devices.out 2> devices.err || { cat devices.out devices.err; fail "srccheck devices failed"; }
got=$(sed -n 's/^device=\([^ ]*\) .*/\1/p' devices.out | tr '\n' ' ')
got=${got% }
note "capture nodes (v4l2-ctl): [$want]; shrbufdeviceprovider: [$got]"
[ -n "$want" ] || fail "no capture node in the VM"
[ "$got" = "$want" ] || fail "the provider's devices are not the capture nodes"
[ "$(grep -c '^device=.* class=Video/Source$' devices.out)" -eq "$(kv devices devices.out)" ] \
  || fail "a device not of class Video/Source"
vivid_card=$(v4l2-ctl -d "$VIDEO" --info | sed -n 's/^\tCard type *: //p')
grep -q "^device=$VIDEO name=$vivid_card class=" devices.out || fail "$VIDEO is not named by its card ($vivid_card)"
# The caps are shrbufsrc's for the node: those it offers once it has opened it.
first_caps=$(sed -n 's/^caps=//p' devices.out | head -1)
note "first device's caps: $(echo "$first_caps" | cut -c1-160)..."
echo "$first_caps" | grep -q 'BGRx' || fail "no BGRx in the first device's caps"
"$BUILD/tests/vm/gstrun" --query-caps src shrbufsrc name=src device="$(echo "$want" | cut -d' ' -f1)" ! fakesink \
  > element-caps.out 2>&1 || { cat element-caps.out; fail "no caps from the element"; }
[ "$(sed -n 's/^caps: //p' element-caps.out)" = "$first_caps" ] || fail "the device's caps are not the element's"

note "created: $(grep '^element=' devices.out); $(kv buffers devices.out) buffers, $(kv dmabuf devices.out) dma-buf memories"
[ "$(grep '^element=' devices.out)" = "element=shrbufsrc device=$(echo "$want" | cut -d' ' -f1)" ] \
  || fail "gst_device_create_element did not make a shrbufsrc on the node"
[ "$(kv buffers devices.out)" -eq 3 ] && [ "$(kv dmabuf devices.out)" -eq 3 ] \
  || fail "the created element did not stream dma-bufs"
