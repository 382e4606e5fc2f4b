#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Host-side checks of the bpftrace tools (the VM side is vm/tracing): their
# man pages render without a warning (and a page with a planted mistake
# does not), and the wrappers turn their options into the .bt programs'
# positional parameters, refusing what they do not take with exit 1.
cd "$(dirname "$0")/../.." || exit 1
. selftests/lib/tap.sh
TOOLS="iopfsnoop iopftop iopflat iopfpolicy"

man_warnings() {	# man_warnings PAGE: what groff and man(1) warn of
	groff -ww -z -t -man "$1" 2>&1
	MANWIDTH=80 man --warnings -l "$1" 2>&1 >/dev/null
}
for t in $TOOLS iopfctl iopf-policies; do
	out=$(man_warnings docs/$t.8)
	[ -z "$out" ] && [ -s docs/$t.8 ]; tap_result $? "docs: man page $t.8 renders without warnings" "$out"
done
bad=$(mktemp)
trap 'rm -f "$bad"' EXIT
sed 's/^\.SH OPTIONS$/.SH OPTIONS\n.BI \\-d/; s/^\.TP$/.TP foo bar/' docs/iopfsnoop.8 >"$bad"
[ -n "$(man_warnings "$bad")" ]; tap_result $? "docs: ... a page with a planted mistake does not"

# The man pages against the programs: the commands and options of a page's
# SYNOPSIS and OPTIONS are those of the program's usage, both ways, and
# iopfctl.8's exit statuses are iopfctl.md's and the source's.
# tokens: stdin's options (-x, --xy) and, with "words", its words (a
# command's name and subcommands), one a line, sorted
tokens() {
	local re='-{1,2}[a-zA-Z][a-zA-Z-]*'
	[ "${1:-}" = words ] && re+='|[a-z][a-z-]*'
	grep -oE "(^|[][ |(])($re)" | sed -E 's/^[][ |(]//' | sort -u
}
man_section() {	# man_section PAGE NAME: its text, the macros out
	awk -v s="$2" '/^\.SH / { on = ($2 == s); next } on' "$1" |
		sed -E '/^\.\\"/d; s/^\.[A-Z]+ ?//; s/\\f[BIRP]//g; s/\\-/-/g'
}
man_tokens() {	# man_tokens PAGE: what its SYNOPSIS and OPTIONS name
	{ man_section "$1" SYNOPSIS | tokens words; man_section "$1" OPTIONS | tokens; } | sort -u
}
usage_tokens() {	# usage_tokens: the same of a usage text on stdin
	local text
	text=$(cat)
	{ grep -E '^((usage|USAGE): *)?[a-z-]+ |^ +[a-z-]+ ' <<<"$text" | grep -v '^ *-' |
		sed -E 's/^(usage|USAGE): *//' | tokens words; tokens <<<"$text"; } | sort -u
}
# man_vs_usage PAGE USAGE-TEXT: what one names and the other does not
man_vs_usage() {
	diff <(man_tokens "$1") <(usage_tokens <<<"$2") | sed -n 's/^</only in the man page:/p; s/^>/only in the usage:/p'
}
for t in $TOOLS; do
	out=$(man_vs_usage docs/$t.8 "$(tools/$t -h)")
	[ -z "$out" ]; tap_result $? "docs: $t.8: its options are those of $t -h" "$out"
done
out=$(man_vs_usage docs/iopf-policies.8 "$(tools/systemd/iopf-policies 2>&1)")
[ -z "$out" ]; tap_result $? "docs: iopf-policies.8: its commands are those of its usage" "$out"
if [ -x build/iopfctl ]; then
	out=$(man_vs_usage docs/iopfctl.8 "$(build/iopfctl --help)")
	[ -z "$out" ]; tap_result $? "docs: iopfctl.8: its commands and options are those of iopfctl --help" "$out"
else
	echo "ok - docs: iopfctl.8: its commands and options are those of iopfctl --help # SKIP not built (make userspace)"
fi
# the same parser on a page with an option planted, and one taken out
sed 's/\\-d/\\-D/g' docs/iopfsnoop.8 >"$bad"
out=$(man_vs_usage "$bad" "$(tools/iopfsnoop -h)")
grep -q 'only in the man page: -D' <<<"$out" && grep -q 'only in the usage: -d' <<<"$out"
tap_result $? "docs: ... and a page with an option renamed does not" "$out"

# the exit statuses: iopfctl.8's, iopfctl.md's table's and the source's enum
# (each status is the line after a .TP of EXIT STATUS)
man_exits=$(awk '/^\.SH / { on = ($2 == "EXIT") } on && prev ~ /^\.TP/ && /^[0-9]+$/ { print } { prev = $0 }' \
	docs/iopfctl.8 | tr '\n' ' ')
md_exits=$(sed -n '/^## Exit status/,/^## /p' docs/iopfctl.md | sed -nE 's/^\| ([0-9]+) \|.*/\1/p' | tr '\n' ' ')
src_exits=$(sed -n '/^enum {/,/^};/p' user/iopfctl.h | sed -nE 's/^[[:space:]]+EXIT_[A-Z_]+ = ([0-9]+),/\1/p' | tr '\n' ' ')
[ -n "$src_exits" ] && [ "$man_exits" = "$src_exits" ] && [ "$md_exits" = "$src_exits" ]
tap_result $? "docs: iopfctl.8 and iopfctl.md list the exit statuses of user/iopfctl.h" \
	"iopfctl.8: $man_exits; iopfctl.md: $md_exits; iopfctl.h: $src_exits"

run() {	# run TOOL ARGS...: the positional parameters TOOL gives its .bt
	BPFTRACE=echo "tools/$@" 2>&1
}
is() {	# is WHAT WANT HAVE
	[ "$2" = "$3" ]; tap_result $? "$1" "want \"$2\", saw \"$3\""
}
is "tracing: iopfsnoop, nothing: every device, every PASID, until Ctrl-C" \
	"tools/iopfsnoop.bt  0 0" "$(run iopfsnoop)"
is "tracing: iopfsnoop -d DEV -P 0x42 SECONDS" \
	"tools/iopfsnoop.bt 0000:3b:00.0 66 10" "$(run iopfsnoop -d 0000:3b:00.0 -P 0x42 10)"
for t in iopftop iopflat iopfpolicy; do
	is "tracing: $t, nothing: every device, every PASID, no interval, no count" \
		"tools/$t.bt  0 0 0" "$(run $t)"
	is "tracing: $t -d DEV -P 66 INTERVAL COUNT" \
		"tools/$t.bt iommufd_mock3 66 5 12" "$(run $t -d iommufd_mock3 -P 66 5 12)"
	is "tracing: $t -P none INTERVAL" "tools/$t.bt  4294967295 2 0" "$(run $t -P none 2)"
done
for args in "-P 0" "-P 0x100000" "-P 0x42x" "-P forty" "-d" "-x" "0" "1 2 3" "x" "-d -v"; do
	for t in $TOOLS; do
		out=$(run $t $args); rc=$?
		[ $rc = 1 ] && grep -q "^USAGE: $t " <<<"$out"
		tap_result $? "tracing: $t $args: refused, exit 1 with the usage" "exit $rc: $out"
	done
done
expect_exit 1 "tracing: iopfsnoop takes one number, a duration" env BPFTRACE=echo tools/iopfsnoop 1 2
out=$(run iopftop -P 0); grep -q 'use -P none' <<<"$out"
tap_result $? "tracing: -P 0 says to use -P none" "$out"
for t in $TOOLS; do
	out=$(run $t -h); rc=$?
	[ $rc = 0 ] && grep -q "^USAGE: $t " <<<"$out" && grep -q "See $t(8)" <<<"$out"
	tap_result $? "tracing: $t -h: the usage, exit 0" "exit $rc: $out"
done
tap_done
