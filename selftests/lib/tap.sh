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

# json_case DESCRIPTION FILTER JSON [STATUS [DETAIL]]: a case, queued: JSON
# (one value) passes jq's FILTER (its last output is neither false nor
# null, as for jq -e) and STATUS (the shell checks beside it, 0 by
# default) is 0.  json_cases_run, which tap_done calls, runs the queued
# cases in one jq and prints them in order: a jq start costs about 0.7 s
# under TCG.
JSON_DESC=() JSON_FILT=() JSON_TEXT=() JSON_STATUS=() JSON_DETAIL=()
json_case() {
	JSON_DESC+=("$1")
	JSON_FILT+=("$2")
	JSON_TEXT+=("$3")
	JSON_STATUS+=("${4:-0}")
	JSON_DETAIL+=("${5:-$3}")
}
json_cases_run() {
	local dir i prog= args=() res=()
	[ ${#JSON_DESC[@]} -gt 0 ] || return 0
	dir=$(mktemp -d)
	for i in "${!JSON_FILT[@]}"; do
		printf '%s' "${JSON_TEXT[$i]}" >"$dir/$i"
		args+=(--rawfile "in_$i" "$dir/$i")
		prog+="${prog:+, }(try (\$in_$i | fromjson | [${JSON_FILT[$i]}] | last | . != null and . != false) catch false)"
	done
	mapfile -t res < <(jq -n "${args[@]}" "$prog" 2>&1)
	rm -rf "$dir"
	for i in "${!JSON_DESC[@]}"; do
		[ "${JSON_STATUS[$i]}" = 0 ] && [ "${res[$i]:-}" = true ]
		tap_result $? "${JSON_DESC[$i]}" "${JSON_DETAIL[$i]}${res[$i]:+ (jq: ${res[$i]})}"
	done
	JSON_DESC=() JSON_FILT=() JSON_TEXT=() JSON_STATUS=() JSON_DETAIL=()
}

tap_done() {
	json_cases_run
	echo "1..$TAP_N"
	exit $TAP_FAILED
}
