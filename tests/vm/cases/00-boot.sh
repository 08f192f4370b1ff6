# The test bed itself: the drivers every other case relies on are there.
set -eu
echo "# kernel $(uname -r)"
ls -l /dev/video0 /dev/dri/
cat /sys/kernel/debug/dri/*/name
