#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# user space: make check runs it on the first kernel only (guest-tests)
# on demand: 35 s on 6.12, over make check's budget; make check-full runs it
#
# iopfctl when the kernel or another iopfctl changed things underneath, and
# on bad object files.  Every command on a policy the kernel ejected (bad
# verdict, device removal), on stale pins and on a pin directory with a
# foreign file in it; two loads of one name at once; replace racing unload;
# and load of truncated, corrupted and odd files.  Every failure must be a
# documented exit status with one "iopfctl:" line, never a signal, and
# leave nothing attached and no pins behind.
cd "$(dirname "$0")/../.." || exit 1
. selftests/lib/tap.sh
I=${IOPFCTL:-build/iopfctl}
FIRE=${IOPF_FIRE:-build/iopf-fire}
BPFTOOL=build/bpftool/bpftool
PINS=/sys/fs/bpf/iopf
OBJ=build/bpf/test_policy.bpf.o
# Each race is repeated RACES times; FLIPS bytes of each object are changed;
# OBJS are the objects damaged.  make check runs this size (bad objects
# about 80 s with both objects and 8 flips under TCG: a load costs 1-2 s);
# more by hand: IOPF_RACES=10 IOPF_FLIPS=40 IOPF_FUZZ_OBJS=all
RACES=${IOPF_RACES:-3}
FLIPS=${IOPF_FLIPS:-4}
FUZZ_OBJS=${IOPF_FUZZ_OBJS:-test_policy}
T=$(mktemp -d)
$I unload --all >/dev/null 2>&1

kstat() {	# kstat KEY: a global counter of the kernel's, or nothing
	cat "/sys/kernel/iopf/stats/$1" 2>/dev/null
}

# What a failed command must leave as it was.  A link iopfctl made
# outlives it only through a pin or the kernel's list, so no bpftool here
# (it takes seconds to start under TCG); links() at the end of the test.
state() {
	echo "attached=$(kstat attached)" \
		"static_key=$(cat /sys/kernel/debug/iopf/static_key 2>/dev/null)" \
		"pins=$(ls $PINS 2>/dev/null | tr '\n' ' ')"
}

links() {
	$BPFTOOL link list | grep -c '^[0-9]'
}

pins_of() {	# pins_of NAME: the files in NAME's pin directory
	ls $PINS/"$1" 2>/dev/null | tr '\n' ' '
}

listed() {	# listed NAME: NAME's line in iopfctl list
	$I list | grep -E "^$1 "
}

wait_gone() {	# wait_gone NAME: until the kernel has finished detaching NAME
	local i
	for i in $(seq 100); do
		listed "$1" >/dev/null || return 0
		sleep 0.1
	done
	return 1
}

# wait_exit PID SECONDS: PID's exit status, or 124 after SECONDS (killed)
wait_exit() {
	local i
	for i in $(seq $(($2 * 10))); do
		kill -0 "$1" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$1" 2>/dev/null; then
		kill -9 "$1"
		wait "$1"
		return 124
	fi
	wait "$1"
}

# one_line TEXT: TEXT is a single line starting "iopfctl: "
one_line() {
	[ "$(printf '%s\n' "$1" | wc -l)" = 1 ] && [[ "$1" == "iopfctl: "* ]]
}

# expect_fail CODE DESC CMD...: CMD exits CODE with one "iopfctl:" line
expect_fail() {
	local want=$1 desc=$2 err rc
	shift 2
	err=$("$@" 2>&1 >/dev/null)
	rc=$?
	[ "$rc" = "$want" ] && one_line "$err"
	tap_result $? "$desc" "exit $rc (want $want): $err"
}

base=$(state) base_links=$(links)
section() {	# section NAME: the seconds the last section took
	[ -z "${sect:-}" ] || echo "# $sect: $((SECONDS - sect_start)) s"
	sect=$1 sect_start=$SECONDS
}
section "ejected policy"

# --- a policy ejected between list and the next command ---
$I load $OBJ --name buggy --set last_action=42 >/dev/null
expect_match '^buggy +\* +[0-9]+ live' "a policy that returns 42 is listed" "$($I list)"
$FIRE 0:last:grpid=1 >/dev/null
wait_gone buggy; tap_result $? "firing a fault ejects it"
expect_match 'buggy: bad-action \(decide returned 42' "list shows the ejection" "$($I list)"
[ "$(pins_of buggy)" = "link map_bss map_data " ]; tap_result $? "its pins stay" "$(pins_of buggy)"
expect_fail 11 "stats of the ejected policy: exit 11" $I stats buggy
js=$($I stats buggy --json 2>/dev/null); rc=$?
[ $rc = 11 ] && jq -e '.error | test("buggy")' >/dev/null <<<"$js"
tap_result $? "stats --json of the ejected policy: exit 11, the error as JSON on stdout" "exit $rc: $js"
expect_fail 11 "replace of the ejected policy: exit 11" $I replace buggy $OBJ
[ "$(pins_of buggy)" = "link map_bss map_data " ]; tap_result $? "stats and replace leave the pins" "$(pins_of buggy)"
out=$($I load $OBJ --name buggy --set last_action=42 2>&1)
tap_result $? "load of the ejected name" "$out"
line=$(listed buggy)
expect_match '^buggy +\* +[0-9]+ live' "... attaches it" "$line"
link=$(echo "$line" | awk '{ print $5 }')
[ -n "$link" ] && $BPFTOOL link show pinned $PINS/buggy/link 2>/dev/null | grep -q "^$link:"
tap_result $? "... and the pinned link is the new one, not the stale one" "$line; $($BPFTOOL link show pinned $PINS/buggy/link 2>&1)"
$FIRE 0:last:grpid=2 >/dev/null
wait_gone buggy
out=$($I unload buggy 2>&1)
tap_result $? "unload after a second ejection exits 0" "$out"
expect_match 'removed the pins of buggy' "... and says it removed the stale pins" "$out"
[ "$(state)" = "$base" ]; tap_result $? "nothing left" "$(state)"

# stats --watch while its policy is ejected
$I load $OBJ --name buggy --set last_action=42 >/dev/null
$I stats buggy --watch 1 >$T/watch.out 2>$T/watch.err &
pid=$!
for _ in $(seq 100); do grep -q '^policy buggy' $T/watch.out && break; sleep 0.1; done
$FIRE 0:last:grpid=3 >/dev/null
wait_exit $pid 15
rc=$?
[ $rc = 11 ] && one_line "$(cat $T/watch.err)"
tap_result $? "stats --watch exits 11 once its policy is ejected" "exit $rc: $(cat $T/watch.err)"
$I unload buggy >/dev/null

section "foreground"
# --foreground: exit 10 with the reason
$I load $OBJ --name fgbug --set last_action=42 --foreground >$T/fg.out 2>$T/fg.err &
pid=$!
for _ in $(seq 100); do listed fgbug >/dev/null && break; sleep 0.1; done
$FIRE 0:last:grpid=4 >/dev/null
wait_exit $pid 15
rc=$?
[ $rc = 10 ] && one_line "$(cat $T/fg.err)" &&
	grep -q 'fgbug was ejected by the kernel: bad-action (decide returned 42)' $T/fg.err
tap_result $? "load --foreground exits 10 with the reason when ejected" "exit $rc: $(cat $T/fg.err)"
[ "$(state)" = "$base" ]; tap_result $? "nothing left" "$(state)"

section "device removal"
# --- device removal under a scoped policy ---
out=$($FIRE --devices 1 --setup "$I load $OBJ --name scoped --dev \$DEV0 --set last_action=4 >/dev/null" \
	0:last:grpid=5)
dev=$(printf '%s\n' "$out" | awk '/^device/ { print $2; exit }')
expect_match 'handler=0 .*invalid=1' "the scoped policy answered its device" "$out"
wait_gone scoped; tap_result $? "removing the device ejects it"
expect_match "scoped: device-removed \(device $dev\)" "list shows why" "$($I list)"
expect_fail 11 "stats after device removal: exit 11" $I stats scoped
expect_fail 11 "replace after device removal: exit 11" $I replace scoped $OBJ
expect_fail 11 "replace --dev after device removal: exit 11" $I replace scoped $OBJ --dev "$dev"
expect_fail 5 "load on the removed device: exit 5" $I load $OBJ --name scoped --dev "$dev"
[ "$(pins_of scoped)" = "link map_bss map_data " ]; tap_result $? "the failed load left the stale pins as they were" "$(pins_of scoped)"
expect_exit 0 "unload after device removal: exit 0" $I unload scoped
[ "$(state)" = "$base" ]; tap_result $? "nothing left" "$(state)"

section "stale pins"
# --- stale pins: the link detached behind iopfctl's back ---
$I load observe --name stale >/dev/null
link=$(listed stale | awk '{ print $5 }')
$BPFTOOL link detach id "$link"
wait_gone stale; tap_result $? "bpftool link detach detaches it"
expect_fail 11 "stats of a detached policy: exit 11" $I stats stale
expect_fail 11 "replace of a detached policy: exit 11" $I replace stale observe
out=$($I load observe --name stale 2>&1)
tap_result $? "load over stale pins" "$out"
[ "$(pins_of stale)" = "link link_0 map_bss map_requests_by_device " ] &&
	[ "$(listed stale | awk '{ print $5 }')" != "$link" ]
tap_result $? "... pins the new policy" "$(pins_of stale); $(listed stale)"
expect_exit 0 "unload it" $I unload stale
$I load observe --name stale >/dev/null
$BPFTOOL link detach id "$(listed stale | awk '{ print $5 }')"
wait_gone stale
out=$($I unload --all 2>&1)
tap_result $? "unload --all with stale pins: exit 0" "$out"
expect_match 'removed the pins of stale' "... says it removed them" "$out"
# observe's tracepoint link goes with its pin
[ "$(state)" = "$base" ]; tap_result $? "nothing left, the tracepoint link too" "$(state)"

section "foreign files"
# --- a pin directory with a foreign file in it ---
# iopfctl removes only what it pins (link, link_N, map_*), never a file
# someone else put in its directory
$I load observe --name foreign >/dev/null
$BPFTOOL map create $PINS/foreign/mine type array key 4 value 4 entries 1 name mine
mkdir $PINS/foreign/subdir
expect_exit 0 "stats with foreign files in the pin directory: exit 0" $I stats foreign
out=$($I unload foreign 2>&1)
tap_result $? "unload with foreign files in the pin directory: exit 0" "$out"
expect_match 'kept .*foreign' "... says it kept the directory" "$out"
expect_no_match '^foreign ' "... it is detached" "$($I list)"
[ "$(pins_of foreign)" = "mine subdir " ]
tap_result $? "... its own pins are gone, the foreign files kept" "$(pins_of foreign)"
out=$($I load observe --name foreign 2>&1)
tap_result $? "load into a directory with foreign files: exit 0" "$out"
[ "$(pins_of foreign)" = "link link_0 map_bss map_requests_by_device mine subdir " ]
tap_result $? "... pins beside them" "$(pins_of foreign)"
$BPFTOOL link detach id "$(listed foreign | awk '{ print $5 }')"
wait_gone foreign
out=$($I unload foreign 2>&1)
tap_result $? "unload of stale pins beside foreign files: exit 0" "$out"
expect_match 'removed the pins of foreign' "... says it removed them" "$out"
[ "$(pins_of foreign)" = "mine subdir " ]; tap_result $? "... and kept the foreign files" "$(pins_of foreign)"
expect_fail 11 "unload again, nothing of iopfctl's left: exit 11" $I unload foreign
out=$($I unload --all 2>&1)
tap_result $? "unload --all: exit 0" "$out"
expect_no_match 'foreign' "... claims nothing about the foreign files" "$out"
rm -r $PINS/foreign
[ "$(state)" = "$base" ]; tap_result $? "nothing left" "$(state)"

section "two loads"
# --- two loads of one name at once ---
bad=
for i in $(seq $RACES); do
	$I load observe --name twin >$T/a 2>&1 &
	a=$!
	$I load observe --name twin >$T/b 2>&1 &
	b=$!
	wait $a; ra=$?
	wait $b; rb=$?
	st="$ra $rb"
	[ "$st" = "0 6" ] || [ "$st" = "6 0" ] || bad+="run $i: exit $st: $(cat $T/a $T/b)
"
	[ "$($I list | grep -c '^twin ')" = 1 ] || bad+="run $i: listed $($I list | grep -c '^twin ') times
"
	[ "$(pins_of twin)" = "link link_0 map_bss map_requests_by_device " ] ||
		bad+="run $i: pins $(pins_of twin)
"
	$I unload twin >/dev/null 2>&1
	[ "$(state)" = "$base" ] || { bad+="run $i: left $(state)
"; $I unload --all >/dev/null 2>&1; }
done
[ -z "$bad" ]
tap_result $? "two loads of one name at once, $RACES times: one attaches and pins in full, the other exits 6" "$bad"

section "replace racing unload"
# --- replace racing unload ---
# The unload starts 0 to 1.2 times the time a replace takes after it, so
# that it lands before, during and after the update and the pinning.
$I load quarantine --name racy >/dev/null
t0=$(date +%s%N)
$I replace racy quarantine >/dev/null
dur=$((($(date +%s%N) - t0) / 1000000))
$I unload racy >/dev/null
bad= seen=
for i in $(seq $RACES); do
	$I load quarantine --name racy >/dev/null
	$I replace racy quarantine --set deny=x >$T/r.out 2>$T/r.err &
	r=$!
	ms=$((dur * 12 * (i - 1) / (10 * RACES)))
	sleep "$((ms / 1000)).$(printf %03d $((ms % 1000)))"
	$I unload racy >$T/u 2>&1
	ru=$?
	wait $r; rr=$?
	seen+="$rr "
	case $rr in
	0) ;;
	11) one_line "$(cat $T/r.err)" || bad+="run $i: replace said: $(cat $T/r.err)
" ;;
	*) bad+="run $i: replace exit $rr: $(cat $T/r.err)
" ;;
	esac
	[ $ru = 0 ] || bad+="run $i: unload exit $ru: $(cat $T/u)
"
	listed racy >/dev/null && bad+="run $i: still attached
"
	[ "$(state)" = "$base" ] || { bad+="run $i: replace $rr, unload $ru, left $(state) ($(pins_of racy))
"; $I unload --all >/dev/null 2>&1; }
done
[ -z "$bad" ]
tap_result $? "replace racing unload, $RACES times: unload exits 0, replace 0 or 11, nothing left (replace took $dur ms; exits: $seen)" "$bad"

section "bad objects"
# --- bad object files ---
# fuzz_load DESC FILE STATUS...: load FILE fails with one of STATUS (0:
# the damage did not matter: it must be attached and pinned then), one
# "iopfctl:" line, within 30 s, leaving nothing
fuzz_bad=
fuzz_load() {
	local desc=$1 file=$2 err rc
	shift 2
	err=$(timeout 30 $I load "$file" --name fuzz 2>&1 >/dev/null)
	rc=$?
	if [ $rc = 0 ]; then
		[[ " $* " == *" 0 "* ]] || fuzz_bad+="$desc: loaded
"
		listed fuzz >/dev/null && [ -e $PINS/fuzz/link ] ||
			fuzz_bad+="$desc: exit 0, but not listed and pinned
"
		$I unload fuzz >/dev/null 2>&1
	elif [[ " $* " != *" $rc "* ]] || ! one_line "$err"; then
		fuzz_bad+="$desc: exit $rc: $err
"
	fi
	fuzz_rc+="$rc "
	[ "$(state)" = "$base" ] || { fuzz_bad+="$desc: exit $rc left $(state)
"; $I unload --all >/dev/null 2>&1; }
}

# A deterministic sequence: the same offsets on every run
seed=1
rand() {	# rand N: sets r to the next number in [0, N)
	seed=$(((seed * 1103515245 + 12345) % 2147483648))
	r=$((seed / 65536 % $1))
}

objs=$OBJ
[ "$FUZZ_OBJS" = all ] && objs+=" build/bpf/observe.bpf.o"
for obj in $objs; do
	name=$(basename "$obj" .bpf.o)
	size=$(stat -c %s "$obj")
	fuzz_bad= fuzz_rc=
	# Truncated: the section headers come last, so always not an object
	cuts="0 63 64 $((size / 2)) $((size - 1))"
	[ "$FUZZ_OBJS" = all ] &&
		cuts="0 1 4 63 64 65 $(seq $((size / 16)) $((size / 16)) $((size - 2))) $((size - 1))"
	for cut in $cuts; do
		head -c $cut "$obj" >$T/$name-cut.o
		fuzz_load "$name cut at $cut" $T/$name-cut.o 3
	done
	[ -z "$fuzz_bad" ]
	tap_result $? "$name.bpf.o truncated at $(echo $cuts | wc -w) offsets: exit 3, one line, nothing left ($fuzz_rc)" "$fuzz_bad"

	fuzz_bad= fuzz_rc=
	cp "$obj" $T/$name-zh.o
	dd if=/dev/zero of=$T/$name-zh.o bs=64 count=1 conv=notrunc status=none
	fuzz_load "$name with a zeroed ELF header" $T/$name-zh.o 3
	[ -z "$fuzz_bad" ]
	tap_result $? "$name.bpf.o with a zeroed ELF header: exit 3" "$fuzz_bad"

	# Bytes flipped where libbpf reads: without DWARF, which it skips
	fuzz_bad= fuzz_rc=
	cp "$obj" $T/$name-s.o
	llvm-strip-16 -g $T/$name-s.o 2>/dev/null || true
	size=$(stat -c %s $T/$name-s.o)
	for i in $(seq $FLIPS); do
		rand "$size"
		off=$r
		rand 255
		val=$((1 + r))
		cp $T/$name-s.o $T/$name-flip.o
		old=$(od -An -tu1 -j "$off" -N1 $T/$name-flip.o)
		printf "$(printf '\\%03o' $((old ^ val)))" |
			dd of=$T/$name-flip.o bs=1 seek="$off" conv=notrunc status=none
		fuzz_load "$name byte $off ^ $val" $T/$name-flip.o 0 3 4 5 7 10
	done
	[ -z "$fuzz_bad" ]
	tap_result $? "$name.bpf.o with a byte changed at $FLIPS offsets: a documented status, one line, nothing left ($fuzz_rc)" "$fuzz_bad"
done

fuzz_bad= fuzz_rc=
: >$T/empty.o
fuzz_load "an empty file" $T/empty.o 3
mkdir $T/dir.o
fuzz_load "a directory" $T/dir.o 3
mkfifo $T/fifo.o
fuzz_load "a FIFO" $T/fifo.o 3
fuzz_load "/dev/null" /dev/null 3
[ -z "$fuzz_bad" ]
tap_result $? "an empty file, a directory, a FIFO, /dev/null: exit 3, one line ($fuzz_rc)" "$fuzz_bad"
section end

rm -rf "$T"
$I unload --all >/dev/null 2>&1
[ "$(links)" = "$base_links" ]; tap_result $? "no BPF link left by the whole test" "$($BPFTOOL link list)"
tap_done
