# Profile (not a test) of benchmark pipelines in steady state, to be run
# under instruction counting (SHRBUF_VM_ICOUNT=shift=2,sleep=off, as
# tests/vm/bench does): perf's cpu-clock samples are then proportional to
# instructions. SHRBUF_CASE_PIPELINES names the
# pipelines (keys of bench-pipelines.sh), SHRBUF_CASE_SIZES the sizes.
# For each it leaves in the results: KEY-SIZE.perf.txt (perf report by
# thread, DSO and symbol; the kernel's share included), KEY-SIZE.strace.txt
# (syscalls by thread, strace -c -f, 4 s), KEY-SIZE.sched.txt (run time and
# runs per thread, /proc/PID/task/*/schedstat, 4 s with neither perf nor
# strace attached), KEY-SIZE.perf-callers.txt (call chains into the hottest
# symbols). Guest seconds: at 30 fps, 4 s is 120 frames.
. "$TOP/tests/vm/lib/case.sh"
set -u
frames=${SHRBUF_CASE_FRAMES:-900}
sizes=${SHRBUF_CASE_SIZES:-640x480}
pipes=${SHRBUF_CASE_PIPELINES:-c}
display=${SHRBUF_CASE_DISPLAY:-vkms}
v4l2-ctl -d "$VIDEO" -c osd_text_mode=2 || fail "cannot turn vivid's OSD off"
command -v perf >/dev/null || fail "perf is missing (linux-perf)"
# The pipeline descriptions are the benchmark's.
eval "$(sed -n '/^pipeline () {/,/^}/p' "$TOP/tests/vm/jobs/bench-pipelines.sh")"

for size in $sizes; do
  w=${size%x*}; h=${size#*x}
  caps="video/x-raw,format=BGRx,width=$w,height=$h"
  for p in $pipes; do
    n=$p-$size
    # A short run first: the first pipeline of a boot does not stream at
    # the rate of the ones after it (vivid's frame interval is set then).
    # shellcheck disable=SC2046
    "$BUILD/tests/vm/gstrun" --seconds 3600 $(pipeline "$p" 30 "$caps") > "$n.warmup.log" 2>&1
    # shellcheck disable=SC2046
    "$BUILD/tests/vm/gstrun" --seconds 3600 $(pipeline "$p" "$frames" "$caps") > "$n.run.log" 2>&1 &
    pid=$!
    # Start-up (the registry over 9p) takes seconds: wait for the streaming
    # thread, then for steady state.
    _i=0
    until grep -qs ':src$' /proc/$pid/task/*/comm; do
      sleep 0.5; _i=$((_i + 1)); [ $_i -lt 120 ] || fail "$n: no streaming thread"
    done
    sleep 3
    # shellcheck disable=SC2013
    for t in /proc/$pid/task/*; do echo "$(basename "$t") $(cat "$t/comm") $(cat "$t/schedstat")"; done > "$n.sched0"
    sleep 4
    for t in /proc/$pid/task/*; do echo "$(basename "$t") $(cat "$t/comm") $(cat "$t/schedstat")"; done > "$n.sched1"
    # perf -p fails (ESRCH) when a short-lived thread (a task pool's) goes
    # as it attaches: tried again.
    for _try in 1 2 3 4 5; do
      perf record -q -e cpu-clock -F 10000 -g -p "$pid" -o "$n.perf.data" \
        -- sleep 4 2> "$n.perf.err" && [ -s "$n.perf.data" ] && break
    done
    timeout 4 strace -c -f -p "$pid" -o "$n.strace.txt" 2>/dev/null
    wait "$pid" || { tail -5 "$n.run.log"; fail "$n: the pipeline failed"; }
    awk 'NR == FNR { run[$1] = $3; n[$1] = $5; next }
      { printf "%s %s: %.1f ms in %d runs\n", $1, $2, ($3 - run[$1]) / 1e6, $5 - n[$1] }' \
      "$n.sched0" "$n.sched1" > "$n.sched.txt"
    perf report -i "$n.perf.data" --stdio --no-children --sort comm,dso,sym \
      --percent-limit 0.5 -g none 2>/dev/null > "$n.perf.txt"
    perf report -i "$n.perf.data" --stdio --no-children --sort comm,dso \
      -g none 2>/dev/null > "$n.perf-dso.txt"
    perf report -i "$n.perf.data" --stdio --no-children --sort comm,sym \
      --percent-limit 2 -g caller,0.5,callee,function,percent 2>/dev/null > "$n.perf-callers.txt"
    # Inclusive shares of the syscalls and of the elements' own functions.
    perf report -i "$n.perf.data" --stdio --children --sort comm,sym -g none \
      --percent-limit 1 2>/dev/null > "$n.perf-children.txt"
    note "$n: per-thread run time over 4 s:"
    sed 's/^/#   /' "$n.sched.txt"
    note "$n: inclusive (children) shares:"
    grep -v '^#' "$n.perf-children.txt" | grep -v '^$' | head -40 | sed 's/^/#   /'
    note "$n: top symbols:"
    grep -v '^#' "$n.perf.txt" | grep -v '^$' | head -25 | sed 's/^/#   /'
  done
done
