#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The cost of policies on the fault path, in one boot (run in the VM by
# `make bench`): build/iopf-bench with no policy, with a pass-through
# policy (asked about every group, always the default) and with a policy
# that answers the groups itself, alternated ROUNDS times.  Prints medians
# and the ratios the performance goals are about.
#   tools/bench/policy-cost.sh [ROUNDS] [FAULTS]
cd "$(dirname "$0")/../.." || exit 1
rounds=${1:-5} faults=${2:-20000}
I=build/iopfctl
declare -A samples
median() { tr ' ' '\n' | grep . | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
sample() {	# sample MODE [iopf-bench args]
	local mode=$1 line path
	shift
	while read -r line; do
		path=${line#path=}; path=${path%% *}
		samples[$mode.$path]+="${line##*ns_per_fault=} "
	done < <(build/iopf-bench "$faults" "$@")
}
$I unload --all >/dev/null 2>&1
for r in $(seq "$rounds"); do
	sample none
	$I load build/bpf/bench_passthrough.bpf.o >/dev/null || exit 1
	sample passthrough
	$I unload passthrough >/dev/null
	# iopf-bench's second device is iommufd_mock1: the policy answers it
	$I load quarantine --set deny=iommufd_mock1 >/dev/null || exit 1
	sample answering --policy-answers
	$I unload quarantine >/dev/null
done
none_bad=$(echo "${samples[none.bad_setup]}" | median)
none_h=$(echo "${samples[none.handler]}" | median)
pt_bad=$(echo "${samples[passthrough.bad_setup]}" | median)
pt_h=$(echo "${samples[passthrough.handler]}" | median)
ans=$(echo "${samples[answering.policy]}" | median)
ratio() { echo "scale=2; $1 / $2" | bc; }
echo "iopf-bench medians, ns per fault ($rounds rounds x $faults faults, QEMU TCG, kernel $([ -e /proc/lockdep ] && echo with || echo without) lockdep):"
echo "  no policy:          bad_setup $none_bad, answered by user space $none_h"
echo "  pass-through policy: bad_setup $pt_bad, answered by user space $pt_h"
echo "  answering policy:   answered by the policy $ans"
echo "ratios:"
echo "  pass-through / no policy, bad_setup path:  $(ratio "$pt_bad" "$none_bad")  (goal <= 1.05)"
echo "  pass-through / no policy, user-space path: $(ratio "$pt_h" "$none_h")  (goal <= 1.05)"
echo "  user space answers / policy answers:       $(ratio "$none_h" "$ans")  (goal >= 10)"
