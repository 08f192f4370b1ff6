# Overlay planes on vkms. With default properties the CRTC is lit (fbcon,
# 1024x768), so shrbufsink keeps the mode and takes the first overlay plane
# that supports the format, 640x480 at the top left over fbcon's primary
# plane; plane-id puts it on another overlay. The CRC changes with the
# picture, the plane is off again after stop, the mode is untouched.
. "$TOP/tests/vm/lib/case.sh"
set -u
card=$(dri_index vkms)
state=/sys/kernel/debug/dri/$card/state
# videotestsrc's bars (static) in the sink's dumb buffers; no vivid needed.
caps=video/x-raw,format=BGRx,width=640,height=480,framerate=30/1
# fbcon's framebuffer goes on vkms' CRTC when the last DRM client of vkms
# closes (the fbdev emulation restores itself); until one has, it is off.
modetest -M vkms -c > /dev/null 2>&1
grep -A20 '^crtc\[' "$state" | grep -q 'mode: "1024x768"' \
  || fail "vkms' CRTC is not lit by fbcon"

# vkms makes its planes in this order: the primary, the overlays, the
# cursor; the state file lists them by id, in the same order.
planes=$(sed -n 's/^plane\[\([0-9]*\)\].*/\1/p' "$state")
overlays=$(echo $planes | tr ' ' '\n' | sed '1d;$d')
[ "$(echo $overlays | wc -w)" -eq 8 ] || fail "not 8 overlay planes: $(echo $planes)"
first=$(echo $overlays | cut -d' ' -f1)
second=$(echo $overlays | cut -d' ' -f2)
note "overlay planes: $(echo $overlays)"
crc_idle=$(vkms_crc "$card") || exit 1

# plane_fb ID: the fb line of plane ID in the state file.
plane_fb () { awk -v p="plane[$1]:" '$1 == p { on = 1; next } /^plane\[|^crtc\[/ { on = 0 } on && /fb=/ { print; exit }' "$state"; }
plane_crtc_pos () { awk -v p="plane[$1]:" '$1 == p { on = 1; next } /^plane\[|^crtc\[/ { on = 0 } on && /crtc-pos=/ { print; exit }' "$state"; }

GST_DEBUG_EXTRA=shrbufsink:4 gst_start overlay-auto videotestsrc pattern=smpte100 \
  ! $caps ! shrbufsink driver-name=vkms
wait_fb "$card" no
crc_auto=$(vkms_crc "$card") || exit 1
pos_auto=$(plane_crtc_pos "$first"); fb_auto=$(plane_fb "$first")
cp "$state" overlay-auto.state
gst_stop overlay-auto
fb_after=$(plane_fb "$first")

GST_DEBUG_EXTRA=shrbufsink:4 gst_start overlay-id videotestsrc pattern=smpte100 \
  ! $caps ! shrbufsink driver-name=vkms plane-id="$second"
wait_fb "$card" no
crc_id=$(vkms_crc "$card") || exit 1
pos_id=$(plane_crtc_pos "$second")
cp "$state" overlay-id.state
gst_stop overlay-id

chosen=$(sed -n 's/.* on \(overlay\|primary\) plane \([0-9]*\),.*/\1 \2/p' overlay-auto.gst.log | head -1)
note "the sink chose: $chosen"
[ "$chosen" = "overlay $first" ] || fail "the sink chose $chosen, not overlay $first"
note "automatic: plane $first$pos_auto,$fb_auto; after stop:$fb_after"
note "plane-id=$second:$pos_id"
note "CRC idle $crc_idle, automatic overlay $crc_auto, plane $second $crc_id"
echo "$pos_auto" | grep -q '640x480+0+0' || fail "overlay $first is not 640x480 at 0,0"
echo "$pos_id" | grep -q '640x480+0+0' || fail "overlay $second is not 640x480 at 0,0"
echo "$fb_after" | grep -q 'fb=0' || fail "overlay $first still has a framebuffer after stop"
grep -A20 '^crtc\[' overlay-auto.state | grep -q 'mode: "1024x768"' || fail "the mode changed"
[ "$crc_auto" != "$crc_idle" ] || fail "the overlay does not change the picture"
[ "$crc_id" = "$crc_auto" ] || fail "the same frame on overlay $second gives another CRC"
[ "$(sink_stat overlay-auto copied)" -eq 0 ] || fail "frames copied"
