#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# What the iopf tracepoints cost, in one boot: iopf-bench with the iopf
# events off and on (recording to the trace buffer), alternated ROUNDS
# times; prints the median ns per fault of each and their ratio.
#   tools/bench/tracepoint-cost.sh [ROUNDS] [FAULTS]      (in the VM)
cd "$(dirname "$0")/../.." || exit 1
rounds=${1:-5} faults=${2:-20000}
ev=/sys/kernel/tracing/events/iopf/enable
declare -A samples
for r in $(seq "$rounds"); do
	for mode in off on; do
		[ $mode = on ] && echo 1 >$ev || echo 0 >$ev
		while read -r line; do
			path=${line#path=}; path=${path%% *}
			samples[$mode.$path]+="${line##*ns_per_fault=} "
		done < <(build/iopf-bench "$faults")
		echo 0 >$ev
		: >/sys/kernel/tracing/trace
	done
done
median() { tr ' ' '\n' | grep . | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
for path in bad_setup handler; do
	off=$(echo "${samples[off.$path]}" | median)
	on=$(echo "${samples[on.$path]}" | median)
	printf 'path=%-9s events_off_ns=%s events_on_ns=%s on/off=%s (%s rounds x %s faults; off: %s; on: %s)\n' \
		"$path" "$off" "$on" "$(echo "scale=3; $on / $off" | bc)" "$rounds" "$faults" \
		"${samples[off.$path]}" "${samples[on.$path]}"
done
