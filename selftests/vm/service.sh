#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The commands iopf-policies.service runs (the guest has no systemd): start
# loads the configured policies, stop unloads those and only those.
cd "$(dirname "$0")/../.." || exit 1
. selftests/lib/tap.sh
I=build/iopfctl
export IOPFCTL=$PWD/$I IOPF_POLICIES_CONF=/tmp/policies.conf IOPF_POLICIES_STATE=/tmp/iopf-state
cat >$IOPF_POLICIES_CONF <<'CONF'
# comment
observe
partial_cap --set max_per_device=64   # trailing comment

storm_guard --name guard --set rate=10
CONF
$I unload --all >/dev/null 2>&1
$I load quarantine >/dev/null
out=$(tools/systemd/iopf-policies start 2>&1)
tap_result $? "start loads the configured policies" "$out"
list=$($I list)
for p in observe partial_cap guard; do
	expect_match "^$p " "start attached $p" "$list"
done
out=$(tools/systemd/iopf-policies start 2>&1)
tap_result $? "a second start is a no-op" "$out"
out=$(tools/systemd/iopf-policies stop 2>&1)
tap_result $? "stop unloads them" "$out"
list=$($I list)
expect_no_match '^(observe|partial_cap|guard) ' "stop detached the configured policies" "$list"
expect_match '^quarantine ' "stop left a policy it did not load" "$list"
echo "no_such_policy" >>$IOPF_POLICIES_CONF
! tools/systemd/iopf-policies start >/dev/null 2>&1
tap_result $? "start fails on a bad line"
expect_match '^observe ' "... after loading the good ones" "$($I list)"
tools/systemd/iopf-policies stop >/dev/null 2>&1
$I unload --all >/dev/null 2>&1
tap_done
