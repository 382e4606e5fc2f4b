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
for t in $TOOLS iopfctl; do
	out=$(man_warnings docs/$t.8)
	[ -z "$out" ] && [ -s docs/$t.8 ]; tap_result $? "docs: man page $t.8 renders without warnings" "$out"
done
bad=$(mktemp)
trap 'rm -f "$bad"' EXIT
sed 's/^\.SH OPTIONS$/.SH OPTIONS\n.BI \\-d/; s/^\.TP$/.TP foo bar/' docs/iopfsnoop.8 >"$bad"
[ -n "$(man_warnings "$bad")" ]; tap_result $? "docs: ... a page with a planted mistake does not"

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
