# SPDX-License-Identifier: GPL-2.0
# TAP helpers for shell tests: one "ok"/"not ok" line per case.
TAP_N=0
TAP_FAILED=0

tap_result() {	# tap_result STATUS DESCRIPTION [DETAIL]
	TAP_N=$((TAP_N + 1))
	if [ "$1" = 0 ]; then
		echo "ok $TAP_N $2"
	else
		echo "not ok $TAP_N $2"
		[ -z "${3:-}" ] || printf '%s\n' "$3" | sed 's/^/#   /'
		TAP_FAILED=1
	fi
}

# expect_exit CODE DESCRIPTION CMD...: CMD exits with CODE
expect_exit() {
	local want=$1 desc=$2 out rc
	shift 2
	out=$("$@" 2>&1)
	rc=$?
	[ "$rc" = "$want" ]
	tap_result $? "$desc" "exit $rc (want $want): $out"
}

# expect_match REGEX DESCRIPTION TEXT: TEXT has a line matching REGEX
expect_match() {
	printf '%s\n' "$3" | grep -Eq -- "$1"
	tap_result $? "$2" "no line matches /$1/ in:
$3"
}

expect_no_match() {
	! printf '%s\n' "$3" | grep -Eq -- "$1"
	tap_result $? "$2" "a line matches /$1/ in:
$3"
}

# field KEY LINE: the value of KEY=VALUE in LINE
field() {
	printf '%s\n' "$2" | tr ' ' '\n' | sed -n "s/^$1=//p" | head -n1
}

tap_done() {
	echo "1..$TAP_N"
	exit $TAP_FAILED
}
