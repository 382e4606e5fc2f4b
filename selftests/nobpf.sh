#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# On a kernel built with CONFIG_IOPF_BPF=n (make check-nobpf; guest-tests
# runs it instead of the suite when IOPF_NOBPF=1): nothing of the framework
# is there, iopfctl says so and changes nothing, and the fault path and its
# tracepoints (their own patch, not behind the option) work as without us.
cd "$(dirname "$0")/.." || exit 1
. selftests/lib/tap.sh
I=build/iopfctl
FIRE=${IOPF_FIRE:-build/iopf-fire}

# Nothing of the framework is built: no symbol of its names in kallsyms
# (KALLSYMS_ALL=y: data too; .isra/.constprop clones and the struct_ops
# type's iopf_ops__* stubs included)
# (a stock function must be found: kallsyms was read)
syms=$(awk '$3 ~ /iopf_bpf|bpf_iopf|iopf_ops/; $3 == "iommu_report_device_fault" { seen = 1 }
	END { exit !seen }' /proc/kallsyms)
rc=$?
[ $rc = 0 ] && [ -z "$syms" ]
tap_result $? "no iopf_bpf, bpf_iopf or iopf_ops symbol in the kernel" \
	"iommu_report_device_fault $([ $rc = 0 ] && echo found || echo 'not found: kallsyms unread?'); $(head <<<"$syms")"
[ ! -e /sys/kernel/iopf ]
tap_result $? "no /sys/kernel/iopf"
[ ! -e /sys/kernel/debug/iopf ]
tap_result $? "no /sys/kernel/debug/iopf"

# iopfctl: exit 9 (EXIT_NO_KERNEL_SUPPORT) and a message naming the option
for cmd in "list" "load observe" "stats observe" "unload --all"; do
	# shellcheck disable=SC2086 # the command's words
	out=$($I $cmd 2>&1)
	rc=$?
	[ $rc = 9 ] && [[ "$out" == *CONFIG_IOPF_BPF* ]]
	tap_result $? "iopfctl $cmd: exit 9, naming CONFIG_IOPF_BPF" "exit $rc: $out"
	# Right after the load, before an unload could hide what it left
	if [ "$cmd" = "load observe" ]; then
		links=$(build/bpftool/bpftool link list 2>&1)
		rc=$?
		[ $rc = 0 ] && ! grep -q struct_ops <<<"$links"
		tap_result $? "... and attached nothing (bpftool link list: no struct_ops link)" "exit $rc: $links"
	fi
done

# The stock answers (KERNEL-NOTES: a group reaches the fault queue and its
# handler answers; a partial request waits for its last one)
out=$($FIRE 0:partial:grpid=1 0:last:grpid=1 0:last:grpid=2 2>&1)
expect_match '^device .* sent=3 partial=1 handler=2 .*success=2 invalid=0 failure=0 bad_setup=0' \
	"the fault path: two groups handled, each answered once" "$out"
out=$($FIRE --devices 2 --no-handler 1 1:last:grpid=3 2>&1)
expect_match 'handler=0 .*invalid=1 ' "a fault without a handler is answered INVALID" "$out"

# Tracepoints: in tracefs, and they fire
tr=/sys/kernel/tracing
mountpoint -q $tr || mount -t tracefs tracefs $tr
inst=$tr/instances/nobpf
mkdir -p $inst
echo 1 >$inst/events/iopf/enable 2>/dev/null
tap_result $? "the iopf tracepoints are in tracefs" "$(ls $tr/events/iopf 2>&1)"
$FIRE 0:last:grpid=4 >/dev/null 2>&1
echo 0 >$inst/events/iopf/enable 2>/dev/null
trace=$(cat $inst/trace)
expect_match ' iopf_fault: ' "... iopf_fault fired" "$trace"
expect_match ' iopf_response: ' "... iopf_response fired" "$trace"
expect_no_match ' iopf_decision: ' "... and no iopf_decision (there is no policy to decide)" "$trace"
rmdir $inst
tap_done
