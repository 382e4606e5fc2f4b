#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# first kernel: make check runs it on the first kernel only (5-11 s a
# kernel, 2026-12-07), make check-full on each
#
# Smoke run of the in-kernel benchmark (make bench runs it at full size on
# a kernel without lockdep): every configuration is set up, measured and
# torn down, so the benchmark cannot rot.  Its numbers are not judged here.
cd "$(dirname "$0")/../.." || exit 1
. selftests/lib/tap.sh

out=$(${IOPF_KBENCH:-build/iopf-kbench} --smoke 2>&1)
rc=$?
tap_result $rc "bench: iopf-kbench --smoke exits 0" "$out"
for row in 'no policy' 'floor: empty fentry program' 'pass-through' \
	'pass-through, reads \+ 2 kfuncs' '1 policy on another device' \
	'4 policies on other devices' '4 global pass-through policies' \
	'10\^4 parked partials' 'iopf trace events on' 'iommufd queues the group' \
	'auto-response policy answers it' 'pass-through / no policy' 'scaling, pass-through / no policy' \
	'iommufd to a responder in poll' 'policy auto-response' 'iommufd / policy'; do
	expect_match "$row.* [0-9.]+" "bench: the table has a row for '$row'" "$out"
done
# --stock: the no-policy path in floors, without any policy loaded
out=$(${IOPF_KBENCH:-build/iopf-kbench} --stock --rounds 1 --faults 200 2>&1)
tap_result $? "bench: iopf-kbench --stock exits 0" "$out"
expect_match '^iopf-kbench --stock: .*, iopf-bpf built in, no policy attached$' \
	"bench: --stock names the kernel it ran on" "$out"
expect_match '^no policy: [0-9]+ ns/fault; floor overhead: -?[0-9]+ ns; no policy in floors: (-?[0-9.]+|-?nan)$' \
	"bench: --stock prints the no-policy path in floors" "$out"
# The benchmark leaves nothing attached behind it
expect_match '^0$' "bench: no policy left attached" \
	"$(cat /sys/kernel/iopf/stats/attached)"
tap_done
