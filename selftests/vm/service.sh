#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# user space: make check runs it on the first kernel only (guest-tests)
# on demand: 35 s on 6.12, over make check's budget; make check-full runs it
# The commands iopf-policies.service runs (the guest has no systemd): start
# loads the configured policies, reload applies a changed file without a
# gap, stop unloads those and only those.
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

# --- reload: changed lines replaced in place, new ones loaded, gone ones unloaded ---
row() {	# row NAME: "ORDER LINK" of NAME in iopfctl list
	$I list | awk -v n="$1" '$1 == n { print $3, $5 }'
}
map_id() {	# map_id LINK: the struct_ops map behind a link
	build/bpftool/bpftool link show id "$1" | grep -o 'map [0-9]*' | cut -d' ' -f2
}
printf '%s\n' observe "storm_guard --name guard --set rate=10" "partial_cap" >$IOPF_POLICIES_CONF
tools/systemd/iopf-policies start >/dev/null
obs=$(row observe) guard=$(row guard)
guard_map=$(map_id "${guard#* }") obs_map=$(map_id "${obs#* }")
printf '%s\n' "observe   # same line, other spacing" "storm_guard --name guard --set rate=20" \
	"quarantine --name fence" >$IOPF_POLICIES_CONF
out=$(tools/systemd/iopf-policies reload 2>&1)
tap_result $? "reload applies a changed file" "$out"
list=$($I list)
[ "$(row guard)" = "$guard" ] && [ "$(map_id "${guard#* }")" != "$guard_map" ]
tap_result $? "a changed line is replaced in place (same order and link, new map)" "$list"
[ "$(row observe)" = "$obs" ] && [ "$(map_id "${obs#* }")" = "$obs_map" ]
tap_result $? "an unchanged line is left alone" "$list"
expect_no_match '^partial_cap ' "a removed line is unloaded" "$list"
expect_match '^fence ' "a new line is loaded" "$list"
guard_map=$(map_id "${guard#* }")
printf '%s\n' observe "storm_guard --name guard --set rate=fast" >$IOPF_POLICIES_CONF
! tools/systemd/iopf-policies reload >/dev/null 2>&1
tap_result $? "reload fails on a line that does not verify"
[ "$(map_id "${guard#* }")" = "$guard_map" ] && [ -n "$(row fence)" ]
tap_result $? "... and unloads nothing, the old guard runs on" "$($I list)"
$I unload fence >/dev/null
printf '%s\n' observe "storm_guard --name guard --set rate=30" "quarantine --name fence" >$IOPF_POLICIES_CONF
out=$(tools/systemd/iopf-policies reload 2>&1)
tap_result $? "reload after a recorded policy was unloaded by hand" "$out"
expect_match '^fence ' "... loads it again" "$($I list)"
mv $IOPF_POLICIES_CONF $IOPF_POLICIES_CONF.away
! tools/systemd/iopf-policies reload >/dev/null 2>&1
tap_result $? "reload without a readable file fails"
expect_match '^guard ' "... and unloads nothing" "$($I list)"
mv $IOPF_POLICIES_CONF.away $IOPF_POLICIES_CONF
tools/systemd/iopf-policies stop >/dev/null 2>&1
expect_no_match '^(observe|guard|fence) ' "stop after reloads unloads what the file loaded" "$($I list)"

# A line that drops --dev: the policy moves to all devices (with a gap)
out=$(${IOPF_FIRE:-build/iopf-fire} --devices 1 --setup "
	echo quarantine --name fence --dev \$DEV0 >$IOPF_POLICIES_CONF &&
	tools/systemd/iopf-policies start >/dev/null &&
	echo quarantine --name fence >$IOPF_POLICIES_CONF &&
	tools/systemd/iopf-policies reload >/dev/null 2>&1 &&
	$I list | grep -Eq '^fence +\* '" 0:last:grpid=1 2>&1)
tap_result $? "reload moves a policy whose line dropped --dev to all devices" "$out $($I list)"
tools/systemd/iopf-policies stop >/dev/null 2>&1

# --- reloads while a fenced device faults (each ~2 s under TCG) ---
# Each reload must put another map behind the fence's link (checked each time)
reload='link=$($IOPFCTL list | awk "\$1 == \"fence\" { print \$5 }")
prev=$(build/bpftool/bpftool link show id $link | grep -o "map [0-9]*")
for i in $(seq 4); do
	extra=; [ $((i % 2)) = 1 ] && extra="--set deny=$DEV0:7"
	echo "quarantine --name fence --dev $DEV0 --set deny=$DEV0 $extra" >$IOPF_POLICIES_CONF
	tools/systemd/iopf-policies reload >/dev/null || exit 1
	cur=$(build/bpftool/bpftool link show id $link | grep -o "map [0-9]*")
	[ -n "$cur" ] && [ "$cur" != "$prev" ] || { echo "reload $i: still $cur" >&2; exit 1; }
	prev=$cur
done'
out=$(${IOPF_FIRE:-build/iopf-fire} --ledger --devices 1 \
	--setup "echo quarantine --name fence --dev \$DEV0 --set deny=\$DEV0 >$IOPF_POLICIES_CONF &&
		tools/systemd/iopf-policies start >/dev/null" \
	--during "$reload" 0:storm:count=20 0:partial:grpid=600 0:last:grpid=600 2>&1)
tap_result $? "4 reloads under a fault storm" "$out"
d0=$(printf '%s\n' "$out" | grep '^device')
ledger=$(printf '%s\n' "$out" | grep '^ledger')
[ "$(field missing "$ledger")" = 0 ] && [ "$(field duplicate "$ledger")" = 0 ] &&
	[ "$(field stray "$ledger")" = 0 ] && [ "$(field handler "$d0")" = 0 ] &&
	[ "$(field invalid "$d0")" = $(($(field sent "$d0") - $(field partial "$d0"))) ]
tap_result $? "... every group answered once, by the policy ($ledger)" "$out"
tools/systemd/iopf-policies stop >/dev/null 2>&1
$I unload --all >/dev/null 2>&1
tap_done
