#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# user space: make check runs it on the first kernel only (guest-tests)
# on demand: 84-98 s in the guest (2026-12-07), over make check's budget;
# make check-docs and make check-full run it
#
# Doc tests, VM side (docs/testing.md, "Doc tests"): the blocks of the
# tested documents marked `doc-test: vm` run here, in document order, as a
# reader would type them in the guest; the output shown after one
# (`output-of previous`) is compared with what it printed; the `checked-by`
# checks that need the patched kernel run here; and the claims of the
# documents that no other test checks (docs/testing.md, "Documented claims
# and their tests").  The host side is selftests/host/docs.sh.
cd "$(dirname "$0")/../.." || exit 1
. selftests/lib/tap.sh
. selftests/lib/doctest.sh
REPO=$PWD
export REPO
I=build/iopfctl
FIRE=${IOPF_FIRE:-build/iopf-fire}
work=$(mktemp -d)
trap 'rm -rf "$work"; $I unload --all >/dev/null 2>&1' EXIT
$I unload --all >/dev/null 2>&1

# wait_ejected NAME: its ejection is listed (the reap work runs after the fault)
wait_ejected() {
	local i d
	for i in $(seq 50); do
		for d in /sys/kernel/iopf/ejections/*/; do
			[ "$(cat "$d/name" 2>/dev/null)" = "$1" ] && return 0
		done
		sleep 0.1
	done
	return 1
}

# The named checks: checked_NAME MARKER BLOCK OUTPUT

# The guide's --setup example: device 0's write denied, device 1's handled,
# the scoped policy ejected with device-removed, its pins still there
checked_scoped_example() {
	local d0 d1 bad=
	d0=$(grep '^device' "$3" | sed -n 1p)
	d1=$(grep '^device' "$3" | sed -n 2p)
	[[ "$d0" == *" handler=0 "*" invalid=1 "* ]] || bad+="device 0: $d0"$'\n'
	[[ "$d1" == *" handler=1 "*" success=1 "* ]] || bad+="device 1: $d1"$'\n'
	wait_ejected deny_writes &&
		grep -qx device-removed "$(grep -lx deny_writes /sys/kernel/iopf/ejections/*/name | sort -V | tail -n 1 | xargs dirname)/reason" ||
		bad+="no device-removed ejection of deny_writes"$'\n'
	[ -e /sys/fs/bpf/iopf/deny_writes/map_bss ] || bad+="the pins are gone: $(ls /sys/fs/bpf/iopf)"$'\n'
	build/bpftool/bpftool map dump pinned /sys/fs/bpf/iopf/deny_writes/map_bss >/dev/null 2>&1 ||
		bad+="bpftool map dump pinned .../map_bss failed"$'\n'
	[ -z "$bad" ] && return 0
	printf '%s' "$bad"
	cat "$3"
	return 1
}

# After the guide's stats: "iopfctl pins it as
# /sys/fs/bpf/iopf/deny_writes/map_bss"; "build/iopfctl list shows the policy
# with CALLS 3, OBEYED 1 and OVERRIDDEN 0"
checked_guide_state() {
	local out hdr row vals bad=
	[ -e /sys/fs/bpf/iopf/deny_writes/map_bss ] ||
		bad+="no /sys/fs/bpf/iopf/deny_writes/map_bss: $(ls /sys/fs/bpf/iopf/deny_writes)"$'\n'
	out=$($I list)
	hdr=$(grep -m1 'CALLS' <<<"$out")
	row=$(grep -m1 '^deny_writes ' <<<"$out")
	# the values under the CALLS, OBEYED and OVERRIDDEN headings
	vals=$(awk -v h="$hdr" -v r="$row" 'BEGIN { n = split(h, H); split(r, R)
		for (i = 1; i <= n; i++) if (H[i] ~ /^(CALLS|OBEYED|OVERRIDDEN)$/) printf "%s=%s ", H[i], R[i] }')
	[ "$vals" = "CALLS=3 OBEYED=1 OVERRIDDEN=0 " ] || bad+="list: $vals: $out"$'\n'
	[ -z "$bad" ] && return 0
	printf '%s' "$bad"
	return 1
}

# The ejection the guide shows: a policy named buggy whose decide returns 42
# (selftests/progs/test_policy.bpf.c), one fault on device 0 without a PASID
# (run once, before the documents' blocks: the checks run in command
# substitutions, where nothing it set would stay, and it unloads all)
ejection_list= ejection_log=
ejection_example() {
	$I unload --all >/dev/null 2>&1
	$I load build/bpf/test_policy.bpf.o --name buggy --set last_action=42 >/dev/null 2>&1
	$FIRE 0:last >/dev/null 2>&1
	wait_ejected buggy
	# and detached: iopfctl.md shows "(no policy attached)" then
	for i in $(seq 50); do
		[ -e /sys/kernel/iopf/policies/buggy ] || break
		sleep 0.1
	done
	ejection_list=$($I list 2>&1)
	ejection_log=$(dmesg | grep 'iopf-bpf: policy buggy')
	$I unload buggy >/dev/null 2>&1
}
checked_ejection_list() {
	printf '%s\n' "$ejection_list" >"$work/actual"
	doctest_compare "$1" "$2" "$work/actual"
}
checked_ejection_log() {
	printf '%s\n' "$ejection_log" >"$work/actual"
	doctest_compare "$1" "$2" "$work/actual"
}

# iopfctl.md, "Working with bpftool": iopfctl lists the policy bpftool
# registered, by its .name, and unloads it
checked_bpftool_register() {
	local bad=
	grep -qE '^test +\* +[0-9]+ +live +[0-9]+ ' "$3" || bad+="list shows no live policy test"$'\n'
	grep -qx 'iopfctl: unloaded test' "$3" || bad+="no 'iopfctl: unloaded test'"$'\n'
	[ ! -e /sys/kernel/iopf/policies/test ] || bad+="test is still attached"$'\n'
	[ -z "$bad" ] && return 0
	printf '%s' "$bad"
	cat "$3"
	return 1
}

# iopfctl.md's iopf-fire --setup example: list names q1's device-removed
# ejection, and unload removes the pins it left
checked_q1_ejected() {
	local bad=
	grep -qE ' q1: device-removed \(device iommufd_mock[0-9]+' "$3" || bad+="no device-removed ejection of q1 listed"$'\n'
	grep -qE '^iopfctl: removed the pins of q1 ' "$3" || bad+="unload q1 did not say it removed the pins"$'\n'
	[ ! -e /sys/fs/bpf/iopf/q1 ] || bad+="/sys/fs/bpf/iopf/q1 is still there"$'\n'
	[ -z "$bad" ] && return 0
	printf '%s' "$bad"
	cat "$3"
	return 1
}

# tracing.md's sample: its device lines are what the fault mix above it
# printed (the run before, $last_out)
checked_fire_device_lines() {
	grep '^device ' "$2" >"$work/shown"
	grep '^device ' "$last_out" >"$work/actual"
	doctest_compare "$1" "$work/shown" "$work/actual"
}

ejection_example
for doc in ${DOCTEST_VM_DOCS:-$(doctest_vm_docs)}; do
	d=$work/$(basename "$doc" .md)
	doctest_split "$doc" "$d"
	name=$(basename "$doc")
	last_where= last_out= last_line=
	while IFS=$'\t' read -r n line lang marker; do
		kind=$(doctest_kind "$marker")
		blk=$d/$n
		at="docs: $name:$line:"
		case $kind in
		vm)
			last_where=vm last_line=$line last_out=$d/$n.out
			# the 7.3 run's fault generator is built against 7.3's mock
			sed -i "s#build/iopf-fire#$FIRE#g" "$blk"
			t0=$(date +%s%N)
			out=$(doctest_run "$marker" "$blk" "$last_out")
			tap_result $? "$at runs in the VM" "$out"
			echo "# $name:$line: $((($(date +%s%N) - t0) / 1000000)) ms"
			if c=$(doctest_opt "$marker" checked-by); then
				c=${c%% *}
				out=$("checked_${c//-/_}" "$marker" "$blk" "$last_out")
				tap_result $? "$at $c" "$out"
			fi ;;
		host) last_where=host ;;
		output-of)
			[ "$last_where" = vm ] || continue
			out=$(doctest_compare "$marker" "$blk" "$last_out")
			tap_result $? "$at the output of line $last_line, as shown" "$out" ;;
		checked-by)
			c=$(doctest_opt "$marker" checked-by)
			c=${c%% *}
			[ "$(type -t "checked_${c//-/_}")" = function ] || continue	# a host check
			out=$("checked_${c//-/_}" "$marker" "$blk" "")
			tap_result $? "$at $c" "$out" ;;
		esac
	done <"$d/index"
done
$I unload --all >/dev/null 2>&1

# --- Claims no other test checks (docs/testing.md lists them all) ---

# writing-policies.md: "Set .name. Without it, iopfctl refuses the policy
# (exit 7) unless you give --name."
expect_exit 7 "docs: writing-policies: a policy without .name: exit 7" $I load build/bpf/no_name.bpf.o
expect_exit 0 "docs: writing-policies: a policy without .name loads with --name" \
	$I load build/bpf/no_name.bpf.o --name named
$I unload named >/dev/null 2>&1

# writing-policies.md: "If the policy does not load at all, iopfctl exits 10
# with a one-line error. Rerun it with IOPFCTL_DEBUG=1 to see libbpf's log of
# the load."
out=$($I load build/bpf/bad_write_request.bpf.o 2>&1)
rc=$?
[ $rc = 10 ] && [ "$(wc -l <<<"$out")" = 1 ] && [[ "$out" == iopfctl:* ]]
tap_result $? "docs: writing-policies: a policy the verifier refuses: exit 10, one iopfctl: line" "exit $rc: $out"
out=$(IOPFCTL_DEBUG=1 $I load build/bpf/bad_write_request.bpf.o 2>&1)
rc=$?
expect_match '^libbpf: loading object from build/bpf/bad_write_request.bpf.o' "docs: writing-policies: IOPFCTL_DEBUG=1 shows libbpf's log" "$out"
# The same exit status as without it, and the verifier's words among the
# log (iopfctl crashed here, 139, until libbpf_print() copied its va_list)
[ $rc = 10 ] && grep -q 'only read is supported' <<<"$out"
tap_result $? "docs: writing-policies: IOPFCTL_DEBUG=1: exit 10 and the verifier's message" "exit $rc: $(tail -n 5 <<<"$out")"

# writing-policies.md: ".data as map_data" (.bss and list: checked_guide_state)
$I load build/bpf/test_policy.bpf.o --name data >/dev/null 2>&1
[ -e /sys/fs/bpf/iopf/data/map_data ]
tap_result $? "docs: writing-policies: .data pinned as map_data" "$(ls /sys/fs/bpf/iopf/data 2>&1)"
$I unload data >/dev/null 2>&1

# policy-api.md, design.md: the budget is settable at run time in
# /sys/module/iopf_bpf/parameters/decide_budget_us
[ -w /sys/module/iopf_bpf/parameters/decide_budget_us ]
tap_result $? "docs: policy-api: /sys/module/iopf_bpf/parameters/decide_budget_us is there and writable"

# iopfctl.md, "Pinning layout": "For observe, the directory holds link,
# link_0 (its iopf_response tracepoint program), map_bss and
# map_requests_by_device"
$I load observe >/dev/null 2>&1
pins=$(ls /sys/fs/bpf/iopf/observe 2>&1 | tr '\n' ' ')
[ "$pins" = "link link_0 map_bss map_requests_by_device " ]
tap_result $? "docs: iopfctl: observe's pins are link, link_0, map_bss, map_requests_by_device" "$pins"
$I unload observe >/dev/null 2>&1

# The /sys paths the documents name exist in the guest
missing=
for p in $(grep -ohE '/sys/[a-z0-9_/.-]+' $DOCTEST_DOCS | sed 's#[.]$##' | sort -u); do
	case $p in
	/sys/fs/bpf/*) continue ;;	# pins and directories the blocks make
	/sys/kernel/iopf/policies/?*/*) continue ;;	# an attached policy's: vm/sysfs
	/sys/kernel/sched_ext/*) continue ;;	# design.md's comparison, not ours
	/sys/kernel/debug/iopf/hold|/sys/kernel/debug/kunit/*) ;;
	esac
	[ -e "$p" ] || missing+=" $p"
done
[ -z "$missing" ]
tap_result $? "docs: every fixed /sys path the documents name exists" "missing:$missing"
tap_done
