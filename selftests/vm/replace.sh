#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# user space: make check runs it on the first kernel only (guest-tests)
# on demand: 14 s on 6.12, over make check's budget; make check-full runs it
#
# iopfctl replace in the test VM: a policy replaced in place keeps its
# place, link and pins; every refusal has its exit status and leaves the old
# policy running; and replacements under a fault storm leave no group
# unanswered, answered twice, or to the handler.
cd "$(dirname "$0")/../.." || exit 1
. selftests/lib/tap.sh
I=build/iopfctl
FIRE=${IOPF_FIRE:-build/iopf-fire}
BPFTOOL=build/bpftool/bpftool
$I unload --all >/dev/null 2>&1

# row NAME: "ORDER LINK STATE" of NAME in iopfctl list
row() {
	$I list | awk -v n="$1" '$1 == n { print $3, $5, $4 }'
}

# map_id LINK: the struct_ops map behind a link
map_id() {
	$BPFTOOL link show id "$1" | grep -o 'map [0-9]*' | cut -d' ' -f2
}

# --- in place ---
$I load observe >/dev/null
$I load quarantine --name fence >/dev/null
before=$(row fence)
link=${before#* }; link=${link% *}
map_before=$(map_id "$link")
out=$($I replace fence quarantine --set deny=nodev 2>&1)
tap_result $? "replace a live policy" "$out"
expect_match '^iopfctl: replaced fence with quarantine \(all devices, order [0-9]+, link [0-9]+\)' \
	"replace says what it did" "$out"
[ "$(row fence)" = "$before" ]
tap_result $? "same order, link and state" "before: $before after: $(row fence)"
[ -n "$map_before" ] && [ "$(map_id "$link")" != "$map_before" ]
tap_result $? "another map behind the link" "before $map_before after $(map_id "$link")"
[ -e /sys/fs/bpf/iopf/fence/link ] && [ -e /sys/fs/bpf/iopf/fence/map_deny ]
tap_result $? "the link pin stays, the new maps are pinned" "$(ls /sys/fs/bpf/iopf/fence)"
expect_match 'nodev' "stats reads the new policy's map" "$($I stats fence)"
out=$($I replace fence quarantine --json)
expect_match '"replaced":"fence"' "replace --json" "$out"
expect_match "\"link_id\":$link" "... with the link id" "$out"

# --- refusals: each its status, the old policy untouched ---
map_before=$(map_id "$link")
expect_exit 11 "replace a name nobody has: exit 11" $I replace nosuch observe
expect_exit 2 "replace with an unknown policy: exit 2" $I replace fence no_such_policy
expect_exit 3 "replace with a missing file: exit 3" $I replace fence /nonexistent/x.bpf.o
expect_exit 7 "replace with a bad --set: exit 7" $I replace fence quarantine --set no_such_key=1
expect_exit 10 "replace with a policy that decides nothing: exit 10" $I replace fence build/bpf/exit_only.bpf.o
expect_exit 12 "replace with another scope: exit 12" $I replace fence quarantine --dev nodev
expect_exit 1 "replace with another name: exit 1" $I replace fence quarantine --name other
expect_exit 1 "replace without an object: exit 1" $I replace fence
expect_exit 8 "replace without privilege: exit 8" \
	setpriv --reuid=65534 --regid=65534 --clear-groups $I replace fence quarantine
[ "$(row fence)" = "$before" ] && [ "$(map_id "$link")" = "$map_before" ]
tap_result $? "after every refusal the old policy runs on" "$(row fence) map $(map_id "$link")"
expect_match '^observe +\* +[0-9]+ live' "other policies untouched" "$($I list)"
$I unload --all >/dev/null

# --- the new policy decides: quarantine without, then with the device ---
out=$($FIRE --devices 1 --setup "$I load quarantine --name q --dev \$DEV0 >/dev/null &&
	$I replace q quarantine --set deny=\$DEV0 >/dev/null" 0:last:grpid=1)
line=$(printf '%s\n' "$out" | grep '^device')
[ "$(field handler "$line")" = 0 ] && [ "$(field invalid "$line")" = 1 ]
tap_result $? "a scoped policy replaced in place keeps its scope and answers" "$out"
expect_exit 11 "replace a policy ejected with its device: exit 11" $I replace q quarantine

# --- shadow: asked and counted, never obeyed; then live in its place ---
T=build/bpf/test_policy.bpf.o
out=$($I load $T --name ts --shadow --set last_action=4 2>&1)
expect_match '^iopfctl: attached ts \(all devices\) in shadow' "load --shadow" "$out"
expect_match '^ts +\* +[0-9]+ live +[0-9]+ +shadow ' "list shows it in shadow" "$($I list)"
expect_match '"mode":"shadow"' "list --json shows the mode" "$($I list --json)"
out=$($FIRE --devices 1 0:last:grpid=1)
line=$(printf '%s\n' "$out" | grep '^device')
[ "$(field handler "$line")" = 1 ] && [ "$(field invalid "$line")" = 0 ]
tap_result $? "a policy in shadow that answers INVALID is not obeyed" "$out"
expect_match 'calls 1, obeyed 0, overridden 0, shadowed 1' "stats counts its answer as shadowed" "$($I stats ts)"
before=$(row ts)
out=$($I replace ts $T --set last_action=4 2>&1)
tap_result $? "replace it, live" "$out"
[ "$(row ts)" = "$before" ]
tap_result $? "... in its place: same order, link and state" "before: $before after: $(row ts)"
expect_match '^ts +\* +[0-9]+ live +[0-9]+ +live ' "list shows it live" "$($I list)"
out=$($FIRE --devices 1 0:last:grpid=1)
line=$(printf '%s\n' "$out" | grep '^device')
[ "$(field handler "$line")" = 0 ] && [ "$(field invalid "$line")" = 1 ]
tap_result $? "live, its answer is obeyed" "$out"
$I unload ts >/dev/null
$I unload --all >/dev/null 2>&1

# --- a fault storm while the quarantine is replaced N times ---
# Version A denies DEV0, version B also DEV1's PASID 7: both fence DEV0.
# Each replace loads and verifies a policy: ~0.9 s under TCG, so make check
# does 5 (selftests/iopf/replace.c swaps 200 times); IOPF_REPLACES=200 for more.
n=${IOPF_REPLACES:-5}
# Each replacement must put another map behind the link (checked each time).
swap='link=$($IOPFCTL list | awk "\$1 == \"fence\" { print \$5 }")
prev=$($BPFTOOL link show id $link | grep -o "map [0-9]*")
for i in $(seq $N); do
	if [ $((i % 2)) = 1 ]; then extra="--set deny=$DEV1:7"; else extra=; fi
	$IOPFCTL replace fence quarantine --set deny=$DEV0 $extra >/dev/null || exit 1
	cur=$($BPFTOOL link show id $link | grep -o "map [0-9]*")
	[ -n "$cur" ] && [ "$cur" != "$prev" ] || { echo "replacement $i: still $cur" >&2; exit 1; }
	prev=$cur
done'
start=$(date +%s)
out=$(N=$n IOPFCTL=$I BPFTOOL=$BPFTOOL $FIRE --ledger --devices 2 \
	--setup "$I load quarantine --name fence --dev \$DEV0 --set deny=\$DEV0 >/dev/null" \
	--during "$swap" 0:storm:count=20 0:partial:grpid=600 0:last:grpid=600 \
	0:last:pasid=7:grpid=601 1:storm:grpid=700:count=2 2>&1)
rc=$?
tap_result $rc "$n replacements under a fault storm" "$out"
d0=$(printf '%s\n' "$out" | grep '^device' | sed -n 1p)
ledger=$(printf '%s\n' "$out" | grep '^ledger')
[ "$(field missing "$ledger")" = 0 ] && [ "$(field duplicate "$ledger")" = 0 ] &&
	[ "$(field stray "$ledger")" = 0 ] && [ "$(field groups "$ledger")" -gt $((2 * n)) ]
tap_result $? "every group answered exactly once ($ledger)" "$out"
[ "$(field handler "$d0")" = 0 ] &&
	[ "$(field invalid "$d0")" = $(($(field sent "$d0") - $(field partial "$d0"))) ]
tap_result $? "every group of the fenced device answered by a policy, none by the handler" "$d0"
echo "# storm: $d0; $ledger; $(($(date +%s) - start)) s"
$I unload --all >/dev/null 2>&1
tap_done
