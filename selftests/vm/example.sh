#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# docs/writing-policies.md, followed to the letter: its example policy,
# built with `make policy`, loads with iopfctl and does what the guide says.
cd "$(dirname "$0")/../.." || exit 1
. selftests/lib/tap.sh
I=build/iopfctl
$I unload --all >/dev/null 2>&1
[ -f build/bpf/deny_writes.bpf.o ]; tap_result $? "the example was built"
expect_exit 0 "iopfctl load build/bpf/deny_writes.bpf.o --set pasid=0x42" \
	$I load build/bpf/deny_writes.bpf.o --set pasid=0x42
out=$(${IOPF_FIRE:-build/iopf-fire} 0:last:pasid=0x42:perm=2:grpid=1 0:last:pasid=0x42:perm=1:grpid=2 \
	0:last:pasid=0x43:perm=2:grpid=3)
expect_match 'sent=3 .*handler=2 .*success=2 invalid=1 ' "a write on PASID 0x42 is refused, the rest handled" "$out"
st=$($I stats deny_writes)
expect_match '^  denied +1$' "stats: denied 1" "$st"
expect_match '^  passed +2$' "stats: passed 2" "$st"
expect_exit 0 "iopfctl unload deny_writes" $I unload deny_writes
tap_done
