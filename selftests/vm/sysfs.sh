#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# user space: make check runs it on the first kernel only (guest-tests)
# on demand: 27 s on 6.12, over make check's budget; make check-full runs it
#
# /sys/kernel/iopf/ against its ABI file (kernel/src/Documentation/ABI/testing/sysfs-kernel-iopf):
# the files the kernel has are exactly the documented ones, one value each,
# readable by any user and writable by none; policies/<name>/ follows
# attach, replace (the directory never disappears) and detach; ejections/
# keeps the last 16 records, each before its policy leaves policies/.
cd "$(dirname "$0")/../.." || exit 1
. selftests/lib/tap.sh
I=build/iopfctl
FIRE=${IOPF_FIRE:-build/iopf-fire}
OBJ=build/bpf/test_policy.bpf.o
BPFTOOL=build/bpftool/bpftool
S=/sys/kernel/iopf
ABI=kernel/src/Documentation/ABI/testing/sysfs-kernel-iopf
NOBODY="setpriv --reuid=65534 --regid=65534 --clear-groups"
$I unload --all >/dev/null 2>&1

# The kernel's files, one per line, with <name> and <seq> for the entries
kernel_files() {
	(cd $S && find . -type f | sed -e 's#^\./#/sys/kernel/iopf/#' \
		-e 's#/policies/[^/]*/#/policies/<name>/#' \
		-e 's#/ejections/[^/]*/#/ejections/<seq>/#') | sort -u
}

# The documented files: the What: lines that are no directory
abi_files() {
	sed -n 's/^What:[[:space:]]*//p' $ABI | grep -v '/$' | sort -u
}

# wait_gone NAME: until policies/NAME is gone (10 s at most)
wait_gone() {
	local i
	for i in $(seq 100); do
		[ -e "$S/policies/$1" ] || return 0
		sleep 0.1
	done
	return 1
}

# An ejection: test_policy answers 42, no action, to a last request
$I load $OBJ --name buggy --set last_action=42 >/dev/null
$FIRE 0:last:grpid=1 >/dev/null
wait_gone buggy; tap_result $? "a policy returning 42 is ejected and leaves policies/"
seq=$(ls $S/ejections | sort -n | tail -n1)
got="$(cat $S/ejections/$seq/name) $(cat $S/ejections/$seq/reason) $(cat $S/ejections/$seq/action)"
[ "$got" = "buggy bad-action 42" ]; tap_result $? "ejections/$seq: name, reason, action" "$got"
expect_match '^[0-9]{19}$' "ejections/$seq/time_ns: nanoseconds since the epoch" "$(cat $S/ejections/$seq/time_ns)"
[ "$(cat $S/ejections/$seq/message)" = "" ]; tap_result $? "... an empty message: the kernel ejected it"

# Two policies listed, one in shadow
$I load observe >/dev/null
$I load storm_guard --shadow >/dev/null
docs=$(abi_files) have=$(kernel_files)
[ "$docs" = "$have" ]; tap_result $? "the kernel's files are exactly the ABI file's" \
	"$(diff <(echo "$docs") <(echo "$have"))"
bad=$(find $S -type f -perm /0333)
[ -z "$bad" ]; tap_result $? "every file is read-only, readable by all (0444)" "$bad"
multi=$(for f in $(find $S -type f); do [ "$(wc -l <"$f")" = 1 ] || echo "$f"; done)
[ -z "$multi" ]; tap_result $? "every file holds one line" "$multi"
! echo 1 2>/dev/null >$S/stats/requests; tap_result $? "root cannot write a counter"

got="$(cat $S/policies/observe/scope) $(cat $S/policies/observe/mode) $(cat $S/policies/observe/state)"
[ "$got" = "* live live" ]; tap_result $? "policies/observe: scope, mode, state" "$got"
[ "$(cat $S/policies/storm_guard/mode)" = shadow ]; tap_result $? "policies/storm_guard/mode: shadow"
link=$($BPFTOOL link show pinned /sys/fs/bpf/iopf/observe/link | sed -n 's/^\([0-9]*\):.*/\1/p')
[ -n "$link" ] && [ "$(cat $S/policies/observe/link_id)" = "$link" ]
tap_result $? "policies/observe/link_id is bpftool's link id" "sysfs $(cat $S/policies/observe/link_id), bpftool $link"
o1=$(cat $S/policies/observe/order) o2=$(cat $S/policies/storm_guard/order)
[ "$o1" -lt "$o2" ]; tap_result $? "order follows the attach order" "$o1 $o2"
[ "$(cat $S/stats/attached)" = 2 ]; tap_result $? "stats/attached: 2" "$(cat $S/stats/attached)"

# Counters move with faults: observe answers nothing, so it is only called
c0=$(cat $S/policies/observe/calls) r0=$(cat $S/stats/requests)
$FIRE 0:last:grpid=2 >/dev/null
c1=$(cat $S/policies/observe/calls) r1=$(cat $S/stats/requests)
[ $((c1 - c0)) = 1 ] && [ $((r1 - r0)) = 1 ]
tap_result $? "one fault: calls and stats/requests up by one" "calls $c0 -> $c1, requests $r0 -> $r1"

# Without privilege: the files and iopfctl list
out=$($NOBODY cat $S/policies/observe/calls $S/stats/attached 2>&1)
tap_result $? "a user without privilege reads the files" "$out"
out=$($NOBODY $I list 2>&1)
expect_match '^observe +\* ' "... and iopfctl list shows the policies" "$out"

# Replace in place, while a reader looks for the directory in a loop
missing=$(mktemp)
( while [ ! -e "$missing.stop" ]; do
	[ -d $S/policies/observe ] || echo gap >>"$missing"
	# A policy is whole before its files show it: never order 0
	o=$(cat $S/policies/observe/order 2>/dev/null)
	[ -z "$o" ] || [ "$o" = "$o1" ] || echo "order $o" >>"$missing"
done ) &
reader=$!
for i in 1 2 3 4 5; do
	$I replace observe observe --shadow >/dev/null && $I replace observe observe >/dev/null
done
touch "$missing.stop"; wait $reader
[ ! -s "$missing" ]; tap_result $? "10 replaces: policies/observe never disappears, its order never changes" "$(sort "$missing" | uniq -c)"
rm -f "$missing" "$missing.stop"
[ "$(cat $S/policies/observe/order)" = "$o1" ]; tap_result $? "... and keeps its order" "$(cat $S/policies/observe/order)"

# The ring: 17 ejections, the last 16 stay, numbered without a hole
for i in $(seq 17); do
	$I load $OBJ --name "ring$i" --set last_action=42 >/dev/null
	$FIRE "0:last:grpid=$((10 + i))" >/dev/null
	wait_gone "ring$i" || break
done
seqs=$(ls $S/ejections | sort -n)
n=$(echo "$seqs" | wc -l) first=$(echo "$seqs" | head -n1) last=$(echo "$seqs" | tail -n1)
[ "$n" = 16 ] && [ $((last - first)) = 15 ]
tap_result $? "17 more ejections: the last 16 are listed" "$(echo $seqs)"
[ "$(cat $S/ejections/$last/name)" = ring17 ] && [ "$(cat $S/ejections/$first/name)" = ring2 ]
tap_result $? "... ring2 to ring17" "$first: $(cat $S/ejections/$first/name), $last: $(cat $S/ejections/$last/name)"
[ "$(cat $S/stats/ejected)" -ge 18 ]; tap_result $? "stats/ejected counts them all" "$(cat $S/stats/ejected)"
kunit=$(grep -l '^kunit_' $S/ejections/*/name 2>/dev/null)
[ -z "$kunit" ]; tap_result $? "KUnit's ejections were put back when its suites ended" "$kunit"

$I unload --all >/dev/null
[ -z "$(ls $S/policies)" ] && [ "$(cat $S/stats/attached)" = 0 ]
tap_result $? "after unload --all: policies/ empty, attached 0" "$(ls $S/policies)"
tap_done
