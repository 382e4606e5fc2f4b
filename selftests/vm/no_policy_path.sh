#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# With no policy attached, the fault path calls nothing of the framework:
# every call into it (the decision, the auto-response, the routed-report
# release, the parked-partial counting, the sync in detach and replace) is
# behind the static key or a verdict only a decision sets.  fentry probes
# (bpftrace kfunc:) on each of those functions count the calls while faults
# of every kind are fired (partial, last, bad setup, pending at removal);
# they must count none.  Not kprobes: a kprobe on __iopf_bpf_decide() made
# the 7.3 test kernel jump to a data page once a policy was attached (an
# oops at __iopf_bpf_decide+0x9, 2026-12-06, not understood).
# The same run with a policy attached must count some, so the probes are
# known to see the calls.  iopf_bpf_partials_freed() is left out: it runs
# when a device leaves its fault queue, not on the fault path.
cd "$(dirname "$0")/../.." || exit 1
. selftests/lib/tap.sh
I=build/iopfctl
FIRE=${IOPF_FIRE:-build/iopf-fire}
$I unload --all >/dev/null 2>&1
PROBES=__iopf_bpf_decide,__iopf_bpf_respond,__iopf_bpf_finish,__iopf_bpf_partial_parked,__iopf_bpf_partials_gathered,__iopf_bpf_sync_routes
MIX="0:partial:grpid=3:count=2 0:last:grpid=3 0:last:grpid=4 1:last:grpid=5 2:pending:grpid=6"

# One bpftrace start (6-7 s under TCG) for both runs of the mix: the
# policy's attach (the iopf:iopf_policy_attach tracepoint) starts phase 1,
# and each count is kept by phase.  bpftrace -c takes no shell quoting:
# the runs are a script of their own.
RUN=/tmp/iopf-no-policy-run.sh
cat >$RUN <<RUNEOF
cd $PWD
$FIRE --devices 3 --no-handler 1 $MIX
echo phase 1
$FIRE --devices 3 --no-handler 1 --setup '$I load observe >/dev/null' $MIX
RUNEOF
out=$(timeout -k 5 120 bpftrace -e "tracepoint:iopf:iopf_policy_attach { @phase = 1; }
	kfunc:${PROBES//,/,kfunc:} { @calls[@phase, probe] = count(); }" -c "/bin/bash $RUN" 2>&1)
$I unload --all >/dev/null 2>&1
rm -f $RUN
without=${out%%phase 1*}
expect_match '^device .* sent=4 partial=2 handler=2' "the mix ran without a policy" "$without"
expect_match '^phase 1$' "the mix ran again with a policy" "$out"
expect_no_match '^@calls\[0, ' "no call into the framework without a policy" "$out"
expect_match '^@calls\[1, kfunc:(vmlinux:)?__iopf_bpf_decide\]: [1-9]' "with a policy attached the probes count its decisions" "$out"
expect_match '^@calls\[1, kfunc:(vmlinux:)?__iopf_bpf_partial_parked\]: [1-9]' "... and the parked partials it counts" "$out"
tap_done
