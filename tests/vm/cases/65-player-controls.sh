# What a player asks of the sink besides frames, driven step by step by
# tests/vm/tools/sinkcontrol.c:
# 1. GstVideoCropMeta (vkms): videocrop, which leaves the crop to a sink
#    that takes the meta, cuts 640x480 out of vivid's 1280x720; the plane's
#    source rectangle is the crop (no copy, vivid's dma-bufs imported) and
#    vkms' CRC equals that of the cut frame shown from a file.
# 2. expose() (vkms overlay): while paused, a new render rectangle moves
#    nothing until expose() commits the frame on screen again there.
# 3. playbin's "sample" (cirrus): the player's snapshot while paused is the
#    frame on screen (equal to the screendump), and converts to PNG.
. "$TOP/tests/vm/lib/case.sh"
set -u
vkms=$(dri_index vkms)
cirrus=$(dri_index cirrus)
CONTROL=$BUILD/tests/vm/sinkcontrol
caps=video/x-raw,format=BGRx,width=640,height=480,framerate=30/1

# held NAME OUT: waits until sinkcontrol (printing into OUT) holds at NAME.
held () {
  _i=0
  until grep -q "^hold $1\$" "$2"; do
    grep '^error' "$2" && fail "sinkcontrol failed before $1"
    sleep 0.2
    _i=$((_i + 1))
    [ $_i -lt 600 ] || { tail -5 "$2"; fail "sinkcontrol did not reach $1 in 120 s"; }
  done
}
# go NAME: lets it go on.
go () { : > "$1.go"; }
# control_stat OUT STEP FIELD: a field of the stats sinkcontrol printed.
control_stat () {
  grep '^stats ' "$1" | sed -n "${2}p" | sed -n "s/.*[ ,]$3=(guint64)\([0-9]*\).*/\1/p"
}

# 1. The crop meta.
vivid_reference crop-full.raw 1280 720 XR24
python3 - <<'EOF' || fail "cannot cut the reference"
full = open("crop-full.raw", "rb").read()
rows = [full[(120 + y) * 5120 + 320 * 4:(120 + y) * 5120 + 960 * 4] for y in range(480)]
open("crop-ref.raw", "wb").write(b"".join(rows))
EOF
fbs0=$(fb_count "$vkms"); bufs0=$(dmabuf_count)
GST_DEBUG_EXTRA=shrbufsink:4 gst_start crop v4l2src device=$VIDEO io-mode=dmabuf \
  ! video/x-raw,format=BGRx,width=1280,height=720 \
  ! videocrop left=320 right=320 top=120 bottom=120 \
  ! shrbufsink driver-name=vkms force-modesetting=true
wait_fb "$vkms" yes
crc_crop=$(vkms_crc "$vkms") || exit 1
plane=$(sed -n 's/.* on \(overlay\|primary\) plane \([0-9]*\),.*/\2/p' crop.gst.log | head -1)
src=$(plane_field "$vkms" "$plane" src-pos=)
fb=$(plane_field "$vkms" "$plane" fb=)
cp "/sys/kernel/debug/dri/$vkms/framebuffer" crop.fbs
gst_stop crop
gst_start crop-file multifilesrc location=crop-ref.raw loop=true caps=$caps \
  ! shrbufsink driver-name=vkms force-modesetting=true
wait_fb "$vkms" no
crc_file=$(vkms_crc "$vkms") || exit 1
gst_stop crop-file
note "crop: plane $plane $src, CRC $crc_crop, the cut frame from a file $crc_file"
note "crop: shown $(sink_stat crop shown), copied $(sink_stat crop copied), copy lines $(sink_copy_lines crop)"
[ "$src" = "src-pos=640.000000x480.000000+320.000000+120.000000" ] \
  || fail "the plane's source rectangle is not the crop ($src)"
grep -q "size=1280x720" crop.fbs || fail "no 1280x720 framebuffer of vivid's whole frame"
[ "$crc_crop" = "$crc_file" ] || fail "vkms does not show the cut frame"
[ "$(sink_stat crop shown)" -gt 10 ] || fail "crop: frames not shown"
[ "$(sink_stat crop copied)" -eq 0 ] && [ "$(sink_copy_lines crop)" -eq 0 ] \
  || fail "crop: frames copied"
note "framebuffers $fbs0 -> $(fb_count "$vkms"), dma-bufs $bufs0 -> $(dmabuf_count)"
[ "$(fb_count "$vkms")" -eq "$fbs0" ] && [ "$(dmabuf_count)" -eq "$bufs0" ] \
  || fail "framebuffers or dma-bufs left"

# 2. expose(), on the first overlay over fbcon's mode (as in 46).
modetest -M vkms -c > /dev/null 2>&1
sleep 1
grep -A20 '^crtc\[' "/sys/kernel/debug/dri/$vkms/state" | grep -q 'mode: "1024x768"' \
  || fail "vkms' CRTC is not lit by fbcon"
GST_DEBUG=shrbufsink:4 GST_DEBUG_NO_COLOR=1 $CONTROL \
  "videotestsrc pattern=smpte100 ! $caps ! shrbufsink name=s driver-name=vkms" \
  pause hold=a stats rect=100,50,640,480 hold=b expose hold=c \
  rect=300,200,640,480 expose hold=d stats > expose.out 2> expose.log &
pid=$!
# pos_at NAME: the overlay's position (POS) where sinkcontrol holds at NAME.
pos_at () {
  held "$1" expose.out
  _plane=$(sed -n 's/.* on overlay plane \([0-9]*\),.*/\1/p' expose.log | head -1)
  [ -n "$_plane" ] || fail "the sink took no overlay plane"
  POS=$(plane_field "$vkms" "$_plane" crtc-pos=)
  go "$1"
}
pos_at a; pos_a=$POS
pos_at b; pos_b=$POS
pos_at c; pos_c=$POS
pos_at d; pos_d=$POS
wait $pid || { cat expose.out; fail "sinkcontrol failed"; }
shown1=$(control_stat expose.out 1 shown); shown2=$(control_stat expose.out 2 shown)
note "expose: paused $pos_a; rect 100,50: $pos_b, exposed $pos_c; rect 300,200 exposed $pos_d; shown $shown1 -> $shown2"
[ "$pos_a" = "crtc-pos=640x480+0+0" ] || fail "paused: not at the top left ($pos_a)"
[ "$pos_b" = "$pos_a" ] || fail "the rectangle moved the frame before expose ($pos_b)"
[ "$pos_c" = "crtc-pos=640x480+100+50" ] || fail "expose did not move the frame ($pos_c)"
[ "$pos_d" = "crtc-pos=640x480+300+200" ] || fail "the second expose did not move it ($pos_d)"
[ "$shown2" -eq $((shown1 + 2)) ] || fail "not one flip per expose ($shown1 -> $shown2)"

# 3. playbin's sample: the snapshot of the frame on screen.
gst-launch-1.0 -q videotestsrc num-buffers=30 pattern=ball \
  ! video/x-raw,format=I420,width=640,height=480,framerate=10/1 \
  ! matroskamux ! filesink location=ball.mkv || fail "cannot make the clip"
fbs0=$(fb_count "$cirrus"); bufs0=$(dmabuf_count)
$CONTROL "playbin uri=file://$RESULTS/ball.mkv video-sink=\"shrbufsink driver-name=cirrus\"" \
  play sleep=1500 pause hold=shot sample=snap stats > sample.out 2> sample.log &
pid=$!
held shot sample.out
screendump snap-screen
go shot
wait $pid || { cat sample.out; fail "sinkcontrol failed"; }
note "sample: $(grep '^sample ' sample.out)"
# The size the sink shows: playbin scales to the sink's caps, which on
# cirrus' primary plane (no scaling) list the mode sizes, the display's
# first.
size=$(sed -n 's/^sample snap \([0-9]*x[0-9]*\)$/\1/p' sample.out)
[ -n "$size" ] || fail "no sample"
w=${size%x*}; h=${size#*x}
python3 - "$w" "$h" <<'EOF' || fail "snap.png is not a ${size} PNG"
import struct, sys
d = open("snap.png", "rb").read(24)
want = (int(sys.argv[1]), int(sys.argv[2]))
sys.exit(not (d[:8] == b"\x89PNG\r\n\x1a\n" and struct.unpack(">II", d[16:24]) == want))
EOF
$VMTOOL cmp-frame snap-screen.ppm snap.raw "$w" "$h" XR24 || fail "the sample is not the frame on screen"
note "sample run: copied $(control_stat sample.out 1 copied), shown $(control_stat sample.out 1 shown)"
note "framebuffers $fbs0 -> $(fb_count "$cirrus"), dma-bufs $bufs0 -> $(dmabuf_count)"
[ "$(fb_count "$cirrus")" -eq "$fbs0" ] && [ "$(dmabuf_count)" -eq "$bufs0" ] \
  || fail "framebuffers or dma-bufs left"
