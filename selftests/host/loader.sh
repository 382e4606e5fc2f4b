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
commands="load replace list show stats unload policies inspect events top"
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
		# IOPFCTL_DIR: where the iopfctl it runs is, a stub's for attached names
		PATH=${IOPFCTL_DIR:-$PWD/build}:$PATH _iopfctl
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

# iopfctl.md "Bash completion", bullet by bullet (the command and policy
# names are above and, for the search path, after inspect below)
words_sorted() { tr ' ' '\n' | grep -v '^$' | sort | paste -sd ' '; }	# words_sorted <REPLY
offers() { [[ " $2 " == *" $1 "* ]]; }	# offers WORD REPLY
o=$(mktemp -d)
touch "$o/mine.bpf.o" "$o/other.o" "$o/notes.txt"
mkdir "$o/sub"
bad=
for c in load "replace fence" inspect; do
	# shellcheck disable=SC2086 # the command's words
	got=$(complete_words iopfctl $c "$o/" | words_sorted)
	[ "$got" = "$o/mine.bpf.o $o/other.o" ] || bad+=" $c: '$got'"
done
[ -z "$bad" ]; tap_result $? "docs: iopfctl.md: completion: *.o files (no other file) after load, replace NAME and inspect" "$bad"
rm -rf "$o"
# A device this host really has, as the script lists them
dev=
for f in /sys/bus/*/devices/*; do [ -e "$f" ] && dev=${f##*/} && break; done
if [ -n "$dev" ]; then
	bad=
	for c in "load observe" "replace fence quarantine"; do
		# shellcheck disable=SC2086 # the command's words
		got=$(complete_words iopfctl $c --dev "")
		# the device, and no policy name: --dev takes a device only
		offers "$dev" "$got" && ! offers storm_guard "$got" || bad+=" $c --dev: '$(head -c 300 <<<"$got")'"
		# shellcheck disable=SC2086
		got=$(complete_words iopfctl $c --dev "${dev%?}")
		offers "$dev" "$got" || bad+=" $c --dev ${dev%?}: '$got'"
	done
	[ -z "$bad" ]; tap_result $? "docs: iopfctl.md: completion: device names (/sys/bus/*/devices) after --dev of load and replace" "device $dev:$bad"
else
	echo "ok - docs: iopfctl.md: completion: device names after --dev # SKIP no device in /sys/bus/*/devices"
fi
# complete_words sets COMP_WORDS itself; interactive bash splits the line
# at COMP_WORDBREAKS first, ':' among them, so a device name is several
# words.  complete_line LINE: what TAB at LINE's end offers, bash-completion
# loaded, the words split as bash splits them (a run of break characters
# other than blanks is a word of its own; quotes not handled)
complete_line() {
	(
		. /usr/share/bash-completion/bash_completion
		. tools/iopfctl.bash-completion
		COMP_LINE=$1
		COMP_POINT=${#1}
		COMP_WORDS=()
		word='' kind=''	# kind: w in a word, b in a run of break characters
		for ((i = 0; i < ${#1}; i++)); do
			c=${1:i:1}
			if [[ $c == [[:space:]] ]]; then
				[ -n "$word" ] && COMP_WORDS+=("$word")
				word='' kind=''
			elif [[ $COMP_WORDBREAKS == *"$c"* ]]; then
				[ "$kind" = w ] && COMP_WORDS+=("$word") && word=
				word+=$c kind=b
			else
				[ "$kind" = b ] && COMP_WORDS+=("$word") && word=
				word+=$c kind=w
			fi
		done
		COMP_WORDS+=("$word")	# the one at the cursor, "" after a blank
		COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		PATH=${IOPFCTL_DIR:-$PWD/build}:$PATH _iopfctl
		echo "${COMPREPLY[*]}"
	)
}
if [ ! -f /usr/share/bash-completion/bash_completion ]; then
	echo "ok - completion: as interactive bash splits the line # SKIP no /usr/share/bash-completion/bash_completion (tools/install-deps installs bash-completion)"
else
	# Without ':', as before
	bad=
	got=$(complete_line "iopfctl lo"); [ "$got" = load ] || bad+=" lo: '$got'"
	got=$(complete_line "iopfctl load st"); offers storm_guard "$got" || bad+=" load st: '$got'"
	got=$(complete_line "iopfctl replace fence quarantine --s"); offers --set "$got" || bad+=" replace ... --s: '$got'"
	got=$(complete_line "iopfctl load observe --dev ")
	[ -z "$dev" ] || { offers "$dev" "$got" && ! offers storm_guard "$got"; } || bad+=" --dev: '$(head -c 300 <<<"$got")'"
	[ -z "$bad" ]; tap_result $? "completion: commands, policies, options and devices as interactive bash splits the line" "$bad"
	# A device name with ':' this host has, with two (PCI) if it can: bash
	# replaces the part after the last ':', so that is what is offered
	cdev=
	for f in /sys/bus/*/devices/*:*:* /sys/bus/*/devices/*:*; do [ -e "$f" ] && cdev=${f##*/} && break; done
	for c in "load observe" "replace fence quarantine"; do
		name="completion: a device name with ':' after --dev of ${c%% *}"
		if [ -z "$cdev" ]; then
			echo "ok - $name # SKIP no device name with ':' in /sys/bus/*/devices"
			continue
		fi
		bad=
		for typed in "${cdev%?}" "${cdev%:*}:"; do
			got=$(complete_line "iopfctl $c --dev $typed")
			offers "${cdev##*:}" "$got" && ! offers storm_guard "$got" || bad+=" --dev $typed: '$(head -c 300 <<<"$got")'"
		done
		[ -z "$bad" ]; tap_result $? "$name" "device $cdev:$bad"
	done
fi
# This host's kernel has no iopf-bpf: a stub iopfctl answers what the
# script asks, list --json, as the real one does with two policies
# attached and a third ejected and gone since (only under "ejections")
stub=$(mktemp -d)
cat >"$stub/iopfctl" <<'EOF'
#!/bin/sh
[ "$*" = "list --json" ] || exit 1
echo '{"policies":[{"name":"fence","scope":"*","order":0,"state":"live","link_id":12,"pinned":"/sys/fs/bpf/iopf/fence","mode":"live","calls":5,"obeyed":5,"overridden":0,"shadowed":0,"tenant":false,"uid":0},{"name":"q1","scope":"iommufd_mock0","order":1,"state":"live","link_id":14,"pinned":"/sys/fs/bpf/iopf/q1","mode":"shadow","calls":0,"obeyed":0,"overridden":0,"shadowed":0,"tenant":false,"uid":0}],"ejections":[{"seq":3,"name":"gone","reason":"device-removed","action":"default","message":"","device":"iommufd_mock1","pasid":null,"time_ns":1765000000000000000,"time":"2025-12-06T05:46:40Z"}]}'
EOF
chmod +x "$stub/iopfctl"
attached() {	# attached WORD...: the names completion offers, options left out
	IOPFCTL_DIR=$stub complete_words "$@" | tr ' ' '\n' | grep -v '^-' | words_sorted
}
got=$(attached iopfctl stats "")
[ "$got" = "fence q1" ]; tap_result $? "docs: iopfctl.md: completion: attached policies after stats, from iopfctl list --json (not its ejections)" "'$got'"
got=$(attached iopfctl unload "")
[ "$got" = "fence q1" ]; tap_result $? "docs: iopfctl.md: completion: attached policies after unload" "'$got'"
bad=
for c in show replace; do
	got=$(attached iopfctl $c "")
	[ "$got" = "fence q1" ] || bad+=" $c: '$got'"
done
[ -z "$bad" ]; tap_result $? "docs: iopfctl.md: completion: attached policies after show, and as replace's first argument" "$bad"
got=$(IOPFCTL_DIR=$stub complete_words iopfctl unload "")
[ "$(complete_words iopfctl unload --a)" = --all ] && offers --all "$got"
tap_result $? "docs: iopfctl.md: completion: --all after unload" "'$(complete_words iopfctl unload --a)' / '$got'"
bad=
for c in "" $commands "replace fence" "replace fence quarantine"; do
	# shellcheck disable=SC2086 # the command's words
	got=$(complete_words iopfctl $c --)
	offers --json "$got" && offers --pretty "$got" || bad+=" '$c': '$got'"
done
[ -z "$bad" ]; tap_result $? "docs: iopfctl.md: completion: --json and --pretty after every command" "$bad"
bad=
for c in $commands; do
	# shellcheck disable=SC2086
	got=$(complete_words iopfctl $c a --)
	if [ "$c" = stats ]; then offers --watch "$got"; else ! offers --watch "$got"; fi || bad+=" $c: '$got'"
done
# with policies attached, which a SECONDS completed as a name would show
got=$(IOPFCTL_DIR=$stub complete_words iopfctl stats fence --watch "")
[ -z "$got" ] || bad+=" stats fence --watch (its SECONDS): '$got'"
[ -z "$bad" ]; tap_result $? "docs: iopfctl.md: completion: --watch after stats only, and nothing for its SECONDS" "$bad"
rm -rf "$stub"
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
for c in "list x" "policies x" "show" "show a b" "unload" "stats" "--version x" "inspect" "inspect a b" "events x" "top x"; do
	# shellcheck disable=SC2086 # the command's words
	build/iopfctl $c >/dev/null 2>&1
	rc=$?
	[ $rc = 1 ]; tap_result $? "json: arguments refused: iopfctl $c exits 1" "exit $rc"
done

# --- inspect, and policies found by name (the search path); no kernel needed ---
out=$(build/iopfctl inspect storm_guard); rc=$?
[ $rc = 0 ] && [ "$(sed -n 's/^object: *//p' <<<"$out")" = "$PWD/build/bpf/storm_guard.bpf.o" ]
tap_result $? "inspect storm_guard: found by name in the build tree (build/bpf)" "exit $rc: $out"
expect_match '^callbacks: +decide$' "inspect: the callbacks the object implements" "$out"
expect_match '^  rate +__u64 +1000 *$' "inspect: a parameter's name, type and default" "$out"
expect_match '^  answer_failure +bool +false *$' "inspect: a bool parameter's default" "$out"
js=$(build/iopfctl -j inspect quarantine)
jq -e '.name == "quarantine" and .scope == "*" and (.callbacks | map(.name)) == ["decide"] and
	(.parameters[] | select(.name == "deny") | .map == "deny" and .repeatable and .type == "DEVICE[:PASID]")' \
	>/dev/null <<<"$js"
tap_result $? "json: inspect quarantine: callbacks, and deny as a repeatable DEVICE[:PASID] map" "$js"
js=$(build/iopfctl inspect observe --json)
jq -e '(.programs | map(.section)) == ["tp_btf/iopf_response"] and .parameters == [] and
	(.counters[] | select(.name == "requests") | .default == 0 and .section == ".bss")' >/dev/null <<<"$js"
tap_result $? "json: inspect observe: its tracepoint program, no parameter, its counters" "$js"
js=$(build/iopfctl inspect build/bpf/test_policy.bpf.o --json)
jq -e '.name == "test" and (.callbacks | map(.name) | index("decide") != null and index("exit") != null) and
	(.parameters[] | select(.name == "kfunc_said") | .default == -1 and .section == ".data" and .settable) and
	(.parameters[] | select(.name == "route_if_no_handle") | .default == false and .section == ".rodata") and
	(.counters[] | select(.name == "last_dev_name") | .default == null and .type == "char[64]")' >/dev/null <<<"$js"
tap_result $? "json: inspect FILE: .rodata and .data parameters, a signed default, .bss counters (a char array: no default)" "$js"
js=$(build/iopfctl inspect build/bpf/exit_only.bpf.o --json)
[ "$(jq -c '[.callbacks[].name]' <<<"$js")" = '["exit"]' ]
tap_result $? "json: inspect of a policy without decide: callbacks [\"exit\"]" "$js"

d=$(mktemp -d)
mkdir "$d/a" "$d/b" "$d/dir.bpf.o"
cp build/bpf/deny_writes.bpf.o "$d/a/mine.bpf.o"
cp build/bpf/storm_guard.bpf.o "$d/b/mine.bpf.o"
cp build/bpf/observe.bpf.o "$d/b/observe.bpf.o"
cp build/bpf/no_ops.bpf.o "$d/a/noops.bpf.o"
head -c 300 build/bpf/observe.bpf.o >"$d/a/cut.bpf.o"
out=$(IOPF_POLICY_PATH=$d/a:$d/b build/iopfctl inspect mine)
[ "$(sed -n 's/^object: *//p' <<<"$out")" = "$d/a/mine.bpf.o" ] && grep -q '^  pasid ' <<<"$out"
tap_result $? "inspect NAME: the first directory of IOPF_POLICY_PATH that has NAME.bpf.o, with its parameters" "$out"
out=$(IOPF_POLICY_PATH=$d/a:$d/b build/iopfctl inspect observe)
[ "$(sed -n 's/^object: *//p' <<<"$out")" = "$d/b/observe.bpf.o" ]
tap_result $? "inspect NAME: a file in the search path before the built-in copy" "$out"
out=$(IOPF_POLICY_PATH=$d/none build/iopfctl inspect partial_cap)
[ "$(sed -n 's/^object: *//p' <<<"$out")" = built-in ] && grep -Eq '^  max_per_grpid +__u32 +32$' <<<"$out"
tap_result $? "inspect NAME: the built-in copy when no directory has the file" "$out"
out=$(IOPF_POLICY_PATH=$d/a build/iopfctl inspect nosuch 2>&1); rc=$?
[ $rc = 2 ] && grep -q "no nosuch.bpf.o in $d/a" <<<"$out"
tap_result $? "inspect of an unknown name: exit 2, naming the search path" "exit $rc: $out"
expect_exit 4 "inspect of a name whose object is no policy (no iopf_ops map): exit 4" \
	env IOPF_POLICY_PATH="$d/a" build/iopfctl inspect noops
expect_exit 3 "inspect of a name whose object is cut short: exit 3" env IOPF_POLICY_PATH="$d/a" build/iopfctl inspect cut
expect_exit 3 "inspect of a name that is a directory: exit 3" env IOPF_POLICY_PATH="$d" build/iopfctl inspect dir
expect_exit 3 "inspect of a missing file: exit 3" build/iopfctl inspect "$d/missing.bpf.o"
js=$(IOPF_POLICY_PATH=$d/a build/iopfctl -j inspect noops); rc=$?
[ $rc = 4 ] && jq -e '.error | test("not a policy")' >/dev/null <<<"$js"
tap_result $? "json: inspect of a non-policy: exit 4, an error object" "exit $rc: $js"
expect_match 'deny_writes' "completion: inspect offers the policy files of the build tree" "$(complete_words iopfctl inspect deny)"
expect_match 'mine' "completion: ... and of IOPF_POLICY_PATH" "$(IOPF_POLICY_PATH=$d/a complete_words iopfctl load mi)"
rm -rf "$d"
tap_done
