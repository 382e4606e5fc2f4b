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

# The matching is bash's own (=~, POSIX extended regular expressions as
# grep -E has them): under TCG a grep costs a fork and an exec, about
# 0.2 s each, and the VM tests match hundreds of times.
# line_matches REGEX TEXT: 0 if a line of TEXT matches, 1 if none does, 2
# if REGEX is not a valid expression
line_matches() {
	local l rc
	while IFS= read -r l; do
		[[ $l =~ $1 ]]
		rc=$?
		[ $rc = 1 ] || return $rc
	done <<<"$2"
	return 1
}

# expect_match REGEX DESCRIPTION TEXT: TEXT has a line matching REGEX
expect_match() {
	line_matches "$1" "$3"
	tap_result $? "$2" "no line matches /$1/ in:
$3"
}

expect_no_match() {
	line_matches "$1" "$3"
	[ $? = 1 ]
	tap_result $? "$2" "a line matches /$1/ (or it is not a valid expression) in:
$3"
}

# field KEY LINE: the value of the first KEY=VALUE word in LINE
field() {
	local - w IFS=$' \n'
	set -f
	for w in $2; do
		if [[ $w == "$1="* ]]; then
			printf '%s\n' "${w#"$1="}"
			return
		fi
	done
}

tap_done() {
	echo "1..$TAP_N"
	exit $TAP_FAILED
}
