#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The kernel-log gate cannot be weakened silently: every debug option it
# relies on is in the booted kernel (its own config where it has one, not
# the fragment) and active at run time, and tools/vm/dmesg-gate flags a
# sample report of each kind.
# beside other tests: no fault, no policy (selftests/guest-tests)
cd "$(dirname "$0")/../.." || exit 1
. selftests/lib/tap.sh

# The test kernel has the lock and sleep checkers; the debug kernel
# (make check-debug, IOPF_DEBUG_KERNEL=1) also the memory checkers.
# Each is checked where the booted kernel shows it: its own config
# (/proc/config.gz, debug kernel), and what is active at run time.
kallsyms=$(grep -E ' (__might_resched|lockdep_rcu_suspicious)$' /proc/kallsyms)
# Saved by tools/vm/guest-init before the tests filled the ring buffer
boot=$(cat /run/boot-dmesg 2>/dev/null || dmesg)
expect_match '^ *debug_locks: +1$' "lockdep is on (PROVE_LOCKING: debug_locks 1)" "$(cat /proc/lockdep_stats 2>&1)"
expect_match 'lockdep_rcu_suspicious' "lockdep's suspicious-RCU reporter is built in" "$kallsyms"
expect_match 'RCU lockdep checking is enabled' "RCU lockdep checking announced at boot (PROVE_RCU)" "$boot"
expect_match '__might_resched' "sleep-in-atomic checks are built in (DEBUG_ATOMIC_SLEEP)" "$kallsyms"
if [ -n "${IOPF_DEBUG_KERNEL:-}" ]; then
	config=$(zcat /proc/config.gz 2>/dev/null)
	[ -n "$config" ]
	tap_result $? "the booted kernel's config is readable (/proc/config.gz)"
	for opt in CONFIG_PROVE_LOCKING CONFIG_PROVE_RCU CONFIG_DEBUG_ATOMIC_SLEEP \
		   CONFIG_KASAN CONFIG_KASAN_GENERIC CONFIG_DEBUG_KMEMLEAK CONFIG_DEBUG_OBJECTS \
		   CONFIG_FAULT_INJECTION_STACKTRACE_FILTER; do
		expect_match "^$opt=y$" "booted with $opt=y" "$config"
	done
	expect_match 'KernelAddressSanitizer initialized' "KASAN initialized at boot" "$boot"
	[ -r /sys/kernel/debug/kmemleak ] && ! { echo "$boot"; dmesg; } | grep -q 'kmemleak: .*disabled'
	tap_result $? "kmemleak is on (readable, not disabled)"
fi
if [ -n "${IOPF_KCSAN_KERNEL:-}" ]; then
	config=$(zcat /proc/config.gz 2>/dev/null)
	expect_match '^CONFIG_KCSAN=y$' "booted with CONFIG_KCSAN=y" "$config"
	expect_match 'kcsan: enabled early' "KCSAN enabled at boot" "$boot"
fi

# The gate itself flags one report of each kind, and passes a clean log
log=$(mktemp)
for report in \
	'BUG: KASAN: slab-use-after-free in iopf_bpf_reap+0x1/0x2' \
	'kmemleak: 1 new suspected memory leaks (see /sys/kernel/debug/kmemleak)' \
	'WARNING: possible circular locking dependency detected' \
	'WARNING: suspicious RCU usage' \
	'rcu: INFO: rcu_sched detected stalls on CPUs/tasks:' \
	'BUG: sleeping function called from invalid context at mm/slub.c:1' \
	'ODEBUG: free active (active state 0) object: 0000 object type: work_struct'; do
	printf '[    1.0] kmemleak: Kernel memory leak detector initialized\n[    2.0] %s\n' "$report" >"$log"
	! tools/vm/dmesg-gate "$log" 2>/dev/null
	tap_result $? "the gate flags: ${report%% in *}"
done
printf '[    1.0] kmemleak: Kernel memory leak detector initialized (mem pool available: 15000)\n[    1.1] kasan: KernelAddressSanitizer initialized (generic)\n' >"$log"
tools/vm/dmesg-gate "$log" 2>/dev/null
tap_result $? "the gate passes a clean boot log with the checkers' banners"
# KCSAN kernel (make check-kcsan): a report that names a function of
# drivers/iommu (in its title or a stack) fails the gate; any other is
# listed and passes, and hides nothing that follows it
syms=$(mktemp) outside=$(mktemp)
echo iopf_bpf_decide >"$syms"
kcsan_log() {	# kcsan_log TITLE FRAME [LINE AFTER]
	printf '[    1.0] ====================\n[    1.1] BUG: KCSAN: %s\n[    1.2]  %s+0x1/0x2\n%s' "$1" "$2" "${3:-}" >"$log"
	[ -n "${3:-}" ] || printf '[    1.3] ====================\n' >>"$log"
}
kcsan_gate() {
	IOPF_GATE_KCSAN_SYMBOLS=$syms IOPF_GATE_KCSAN_OUTSIDE=$outside tools/vm/dmesg-gate "$log" 2>/dev/null
}
kcsan_log 'data-race in iopf_bpf_decide / tick_sched_do_timer' iopf_bpf_decide
! kcsan_gate
tap_result $? "the gate flags a KCSAN report titled with a function of drivers/iommu"
kcsan_log 'data-race in strscpy / tick_sched_do_timer' iopf_bpf_decide
! kcsan_gate
tap_result $? "the gate flags a KCSAN report with a drivers/iommu function in a stack"
kcsan_log 'data-race in tick_sched_do_timer / tick_nohz_idle_stop_tick' tick_sched_do_timer
kcsan_gate
tap_result $? "the gate passes a KCSAN report outside drivers/iommu"
expect_match '^data-race in tick_sched_do_timer / tick_nohz_idle_stop_tick$' \
	"the gate lists the KCSAN report outside drivers/iommu" "$(cat "$outside")"
kcsan_log 'data-race in tick_sched_do_timer / tick_nohz_idle_stop_tick' tick_sched_do_timer \
	'[    1.3] WARNING: CPU: 0 PID: 1 at kernel/x.c:1 f+0x1/0x2\n'
! kcsan_gate
tap_result $? "a KCSAN report outside drivers/iommu hides no report after it"
kcsan_log 'data-race in tick_sched_do_timer / tick_nohz_idle_stop_tick' tick_sched_do_timer
! tools/vm/dmesg-gate "$log" 2>/dev/null
tap_result $? "without the KCSAN symbols, the gate flags any KCSAN report"
rm -f "$log" "$syms" "$outside"
tap_done
