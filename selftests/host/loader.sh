#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Host-side checks of the loader and its service: the systemd unit passes
# systemd-analyze verify (and a broken one does not), and iopfctl on a
# kernel without iopf-bpf (this host's) says so with its own exit status.
cd "$(dirname "$0")/../.." || exit 1
. selftests/lib/tap.sh

verify_unit() {	# verify_unit UNIT-FILE: in a scratch root with our files installed
	local root
	root=$(mktemp -d)
	mkdir -p "$root/etc/systemd/system" "$root/usr/local/sbin" "$root/etc/iopf" "$root/usr/lib/systemd"
	cp -a /usr/lib/systemd/system "$root/usr/lib/systemd/"
	cp "$1" "$root/etc/systemd/system/iopf-policies.service"
	install -m 755 tools/systemd/iopf-policies "$root/usr/local/sbin/"
	cp tools/systemd/policies.conf "$root/etc/iopf/"
	systemd-analyze --man=no --root="$root" verify "$root/etc/systemd/system/iopf-policies.service" 2>&1
	local rc=$?
	rm -rf "$root"
	return $rc
}

if command -v systemd-analyze >/dev/null && [ -d /usr/lib/systemd/system ]; then
	out=$(verify_unit tools/systemd/iopf-policies.service)
	tap_result $? "systemd-analyze verify iopf-policies.service" "$out"
	broken=$(mktemp)
	sed 's/^Type=oneshot/Type=no-such-type/; s#^ExecStart=.*#ExecStart=/usr/local/sbin/missing start#' \
		tools/systemd/iopf-policies.service >"$broken"
	! verify_unit "$broken" >/dev/null
	tap_result $? "systemd-analyze verify refuses a broken unit"
	rm -f "$broken"
else
	echo "ok - systemd-analyze verify # SKIP systemd-analyze not installed"
fi
bash -n tools/systemd/iopf-policies
tap_result $? "iopf-policies parses"

if [ ! -x build/iopfctl ]; then
	echo "ok - iopfctl on this host # SKIP not built"
elif build/bpftool/bpftool btf dump file /sys/kernel/btf/vmlinux 2>/dev/null | grep -qw "STRUCT 'iopf_ops'"; then
	echo "ok - iopfctl without kernel support # SKIP this host's kernel has iopf-bpf"
else
	expect_exit 9 "iopfctl load on a kernel without iopf-bpf: exit 9" build/iopfctl load observe
	for c in "replace a observe" "show a" "list" "unload a" "events" "top"; do
		# shellcheck disable=SC2086 # the command's words
		expect_exit 9 "iopfctl $c on a kernel without iopf-bpf: exit 9" build/iopfctl $c
	done
fi
expect_exit 0 "iopfctl --help" build/iopfctl --help
expect_exit 1 "iopfctl without a command: exit 1" build/iopfctl
out=$(build/iopfctl --version)
[ "$out" = "iopfctl $(cat VERSION)" ]; tap_result $? "iopfctl --version prints VERSION's" "$out"
commands="load replace list show stats unload policies events top"
for c in $commands; do
	out=$(build/iopfctl help $c)
	rc=$?
	line=$(head -n 1 <<<"$out")
	[ $rc = 0 ] && [[ "$line" == "usage: iopfctl $c" || "$line" == "usage: iopfctl $c "* ]]
	tap_result $? "iopfctl help $c: exit 0, its usage" "exit $rc: $out"
	[ "$(build/iopfctl $c --help)" = "$out" ]
	tap_result $? "iopfctl $c --help: the same" "$(build/iopfctl $c --help 2>&1)"
done
# Help needs no privilege: as nobody, before the privilege check of list
out=$(setpriv --reuid=65534 --regid=65534 --clear-groups build/iopfctl list -h 2>&1)
tap_result $? "iopfctl list -h as nobody: exit 0" "$out"
expect_exit 1 "iopfctl help of an unknown command: exit 1" build/iopfctl help frobnicate
complete_words() {	# complete_words WORD...: what bash completion offers for the last
	(
		. tools/iopfctl.bash-completion
		COMP_WORDS=("$@")
		COMP_CWORD=$(($# - 1))
		PATH=$PWD/build:$PATH _iopfctl
		echo "${COMPREPLY[*]}"
	)
}
[ "$(complete_words iopfctl lo)" = load ]; tap_result $? "completion: commands" "$(complete_words iopfctl lo)"
expect_match 'storm_guard' "completion: built-in policies after load" "$(complete_words iopfctl load st)"
expect_match '--foreground' "completion: load options" "$(complete_words iopfctl load observe --f)"
[ "$(complete_words iopfctl rep)" = replace ]; tap_result $? "completion: replace" "$(complete_words iopfctl rep)"
expect_match 'quarantine' "completion: built-in policies after replace NAME" "$(complete_words iopfctl replace fence qu)"
expect_match '--set' "completion: replace options" "$(complete_words iopfctl replace fence quarantine --s)"
[ "$(complete_words iopfctl ev)" = events ]; tap_result $? "completion: events" "$(complete_words iopfctl ev)"
[ "$(complete_words iopfctl top --i)" = --interval ]; tap_result $? "completion: top options" "$(complete_words iopfctl top --i)"
expect_exit 1 "iopfctl replace without an object: exit 1" build/iopfctl replace fence
out=$(build/iopfctl policies --json)
expect_match '"name":"partial_cap"' "policies --json lists the library" "$out"

# --json anywhere, -p indented; errors as {"error": ...} on stdout only
js=$(build/iopfctl --version --json)
[ "$(jq -r .version <<<"$js")" = "$(cat VERSION)" ]; tap_result $? "json: --version --json: {\"version\": VERSION}" "$js"
js=$(build/iopfctl -p policies)
jq -e 'map(.name) | index("observe") != null' >/dev/null <<<"$js" && [ "$(wc -l <<<"$js")" -gt 10 ]
tap_result $? "json: -p before the command: indented JSON that parses" "$(head -n 3 <<<"$js")"
[ "$(build/iopfctl -j policies | jq -c .)" = "$(build/iopfctl policies --json | jq -c .)" ]
tap_result $? "json: -j before and --json after the command: the same document"
js=$(build/iopfctl -j help show)
[ "$(jq -r .usage <<<"$js")" = "iopfctl show NAME" ]; tap_result $? "json: help show: its usage as {\"usage\": ...}" "$js"
[ "$(build/iopfctl --help --json | jq -r '[.[].command] | join(" ")')" = "$commands" ]
tap_result $? "json: --help: every command's usage" "$(build/iopfctl --help --json)"
js=$(build/iopfctl --json frobnicate 2>/tmp/iopfctl-host.err); rc=$?
[ $rc = 1 ] && jq -e '.error | test("unknown command")' >/dev/null <<<"$js" && [ ! -s /tmp/iopfctl-host.err ]
tap_result $? "json: unknown command: exit 1, the error on stdout only" "exit $rc: $js / $(cat /tmp/iopfctl-host.err)"
js=$(build/iopfctl load --json); rc=$?
[ $rc = 1 ] && jq -e '.error | startswith("usage: iopfctl load ")' >/dev/null <<<"$js"
tap_result $? "json: load without an object: exit 1, the command's usage as the error" "exit $rc: $js"
if [ ! -e /sys/kernel/iopf ]; then
	js=$(build/iopfctl load observe --json); rc=$?
	[ $rc = 9 ] && jq -e '.error | test("CONFIG_IOPF_BPF")' >/dev/null <<<"$js"
	tap_result $? "json: load on a kernel without iopf-bpf: exit 9 as in text, an error object" "exit $rc: $js"
else
	echo "ok - json: load without kernel support # SKIP this host's kernel has iopf-bpf"
fi
for c in "list x" "policies x" "show" "show a b" "unload" "stats" "--version x" "events x" "top x"; do
	# shellcheck disable=SC2086 # the command's words
	build/iopfctl $c >/dev/null 2>&1
	rc=$?
	[ $rc = 1 ]; tap_result $? "json: arguments refused: iopfctl $c exits 1" "exit $rc"
done
tap_done
