# SPDX-License-Identifier: GPL-2.0
#
# The test filter of selftests/run and selftests/guest-tests (FILTER= of
# make check): words separated by spaces, each picking the tests whose name
# contains it.  Sourced; the caller sets $filter.

# selected NAME: a word of $filter picks NAME (an empty filter picks all)
selected() {
	local f words
	[ -n "$filter" ] || return 0
	read -ra words <<<"$filter"
	for f in "${words[@]}"; do
		[[ "$1" == *$f* ]] && return 0
	done
	return 1
}
