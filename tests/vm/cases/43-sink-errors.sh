# shrbufsink's errors, with their GError domain and code (gstrun prints
# them): no DRM device or connector -> RESOURCE NOT_FOUND; a plane-id that
# cannot show the caps -> CORE NEGOTIATION; caps no plane supports ->
# CORE NEGOTIATION naming the device's formats, and not-negotiated; a
# commit the kernel refuses -> RESOURCE FAILED with the errno text; another
# DRM master -> RESOURCE BUSY.
. "$TOP/tests/vm/lib/case.sh"
set -u
GSTRUN=$BUILD/tests/vm/gstrun
vkms=$(dri_index vkms)

$GSTRUN videotestsrc ! shrbufsink name=sink device=/dev/dri/card9 > nodev.out 2>&1
note "$(grep '^error' nodev.out | head -1)"
grep -q '^error gst-resource-error-quark 3 sink: Could not open DRM device /dev/dri/card9: No such file or directory' nodev.out \
  || { cat nodev.out; fail "no RESOURCE NOT_FOUND for /dev/dri/card9"; }

$GSTRUN videotestsrc ! shrbufsink name=sink driver-name=nosuchdriver > nodriver.out 2>&1
note "$(grep '^error' nodriver.out | head -1)"
grep -q '^error gst-resource-error-quark 3 sink: No DRM device driven by' nodriver.out \
  || { cat nodriver.out; fail "no RESOURCE NOT_FOUND for an unknown driver"; }

$GSTRUN videotestsrc ! video/x-raw,format=NV12,width=640,height=480 \
  ! shrbufsink name=sink driver-name=cirrus > nv12.out 2>&1
note "$(grep "^error" nv12.out | head -1)"; note "$(grep -o "reason not-negotiated.*" nv12.out | head -1)"
grep -q '^error gst-core-error-quark 7 sink: No plane of /dev/dri/card[0-9] can show NV12; the device offers: .*BGRx (XR24)' nv12.out \
  || { cat nv12.out; fail "no CORE NEGOTIATION naming the device's formats"; }
grep -q 'reason not-negotiated' nv12.out || { cat nv12.out; fail "not not-negotiated"; }

$GSTRUN videotestsrc ! shrbufsink name=sink driver-name=cirrus connector-id=9999 > noconn.out 2>&1
note "$(grep '^error' noconn.out | head -1)"
grep -q '^error gst-resource-error-quark 3 sink: /dev/dri/card[0-9] has no connector 9999' noconn.out \
  || { cat noconn.out; fail "no RESOURCE NOT_FOUND for a connector that does not exist"; }

$GSTRUN videotestsrc ! video/x-raw,format=BGRx,width=640,height=480 \
  ! shrbufsink name=sink driver-name=cirrus plane-id=9999 > noplane.out 2>&1
note "$(grep '^error' noplane.out | head -1)"
grep -q '^error gst-core-error-quark 7 sink: Plane 9999 of /dev/dri/card[0-9] cannot show BGRx; the device offers: ' noplane.out \
  || { cat noplane.out; fail "no CORE NEGOTIATION for a plane that does not exist"; }

# The primary plane of cirrus must cover the CRTC: a 320x240 rectangle is
# refused by the kernel's atomic check, scaled (the plane cannot scale:
# ERANGE), and then 1:1 and cropped, the sink's fallback (it does not
# cover the CRTC: EINVAL). The error carries the last errno.
$GSTRUN videotestsrc ! video/x-raw,format=BGRx,width=640,height=480 \
  ! shrbufsink name=sink driver-name=cirrus render-rectangle='<0,0,320,240>' > commit.out 2>&1
note "$(grep '^error' commit.out | head -1)"
grep -q '^error gst-resource-error-quark 1 sink: Could not show a frame on /dev/dri/card[0-9]: Invalid argument' commit.out \
  || { cat commit.out; fail "no RESOURCE FAILED with the errno text for a refused commit"; }

# kmssink holds DRM master of vkms while it plays.
gst_start master-kmssink videotestsrc ! video/x-raw,format=BGRx,width=640,height=480 \
  ! kmssink driver-name=vkms
wait_fb "$vkms" no
$GSTRUN videotestsrc ! shrbufsink name=sink driver-name=vkms > busy.out 2>&1
gst_stop master-kmssink
note "$(grep '^error' busy.out | head -1)"
grep -q '^error gst-resource-error-quark 4 sink: Another process is the DRM master of /dev/dri/card[0-9]' busy.out \
  || { cat busy.out; fail "no RESOURCE BUSY while kmssink is the DRM master"; }
