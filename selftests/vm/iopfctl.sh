#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# user space: make check runs it on the first kernel only (guest-tests)
#
# iopfctl in the test VM: every command, every bad input with its own exit
# status, interoperation with bpftool both ways, and each built-in policy
# checked against faults fired through the mock IOMMU.
cd "$(dirname "$0")/../.." || exit 1
. selftests/lib/tap.sh
I=build/iopfctl
FIRE=${IOPF_FIRE:-build/iopf-fire}
BPFTOOL=build/bpftool/bpftool
$I unload --all >/dev/null 2>&1

device_line() {	# device_line N OUTPUT: iopf-fire's line for its device N
	printf '%s\n' "$2" | grep '^device' | sed -n "$(($1 + 1))p"
}

# --- commands and bad inputs ---
out=$($I policies)
for p in observe quarantine storm_guard pasid_fallback partial_cap; do
	expect_match "^$p " "policies lists $p" "$out"
done
expect_exit 0 "load observe" $I load observe
out=$($I list)
expect_match '^observe +\* +[0-9]+ live' "list shows observe, global and live" "$out"
expect_match '"name":"observe"' "list --json has observe" "$($I list --json)"
expect_match 'observe +iopf_ops' "bpftool struct_ops list shows a policy iopfctl loaded" "$($BPFTOOL struct_ops list)"
[ -e /sys/fs/bpf/iopf/observe/link ]; tap_result $? "the link is pinned under /sys/fs/bpf/iopf"

expect_exit 2 "unknown policy: exit 2" $I load no_such_policy
expect_exit 3 "missing file: exit 3" $I load /nonexistent/x.bpf.o
cp /etc/hostname /tmp/not-bpf.o
expect_exit 3 "not a BPF object: exit 3" $I load /tmp/not-bpf.o
expect_exit 4 "object without iopf struct_ops: exit 4" $I load build/bpf/no_ops.bpf.o
expect_exit 4 "iopf_ops map without a link: exit 4" $I load build/bpf/nolink_policy.bpf.o
expect_exit 5 "unknown device: exit 5" $I load observe --name o2 --dev no_such_dev
expect_exit 6 "name already attached: exit 6" $I load observe
expect_exit 7 "unknown --set key: exit 7" $I load storm_guard --set no_such_key=1
expect_exit 7 "bad --set value: exit 7" $I load storm_guard --set rate=fast
expect_exit 7 "bad --set syntax: exit 7" $I load storm_guard --set rate
expect_exit 7 "bad policy name: exit 7" $I load storm_guard --name 'two words'
expect_exit 7 "policy name '..' (a sysfs directory): exit 7" $I load storm_guard --name ..
expect_exit 8 "no privilege: exit 8" setpriv --reuid=65534 --regid=65534 --clear-groups $I load storm_guard
expect_exit 0 "list needs no privilege (sysfs is readable by all): exit 0" setpriv --reuid=65534 --regid=65534 --clear-groups $I list
expect_exit 11 "unload of a policy not attached: exit 11" $I unload no_such_policy
expect_exit 9 "no iopf sysfs: exit 9" env IOPF_SYSFS=/nonexistent $I load storm_guard
expect_exit 9 "no iopf sysfs for stats: exit 9" env IOPF_SYSFS=/nonexistent $I stats observe
expect_exit 7 "--set with an empty device: exit 7" $I load quarantine --name q0 --set deny=
expect_exit 1 "unknown command: exit 1" $I frobnicate
expect_exit 10 "a policy that decides nothing (.validate): exit 10" $I load build/bpf/exit_only.bpf.o
out=$($I load build/bpf/exit_only.bpf.o --dry-run 2>&1)
rc=$?
[ $rc = 10 ] && [[ "$out" == *"refused exit_only: it has no decide()"* ]]
tap_result $? "... and with --dry-run too, saying why" "exit $rc: $out"
expect_exit 4 "--dry-run of an iopf_ops map without a link: exit 4" $I load build/bpf/nolink_policy.bpf.o --dry-run
out=$($I load storm_guard --name sg2 --dry-run 2>&1)
rc=$?
[ $rc = 0 ] && [ "$out" = "iopfctl: would attach sg2 (all devices)" ]
tap_result $? "--dry-run: exit 0 and the name it would take" "exit $rc: $out"
out=$($I list)
expect_no_match '^(o2|storm_guard|exit_only|sg2) ' "bad inputs and --dry-run attached nothing" "$out"
[ "$(ls /sys/fs/bpf/iopf)" = observe ]; tap_result $? "bad inputs pinned nothing" "$(ls /sys/fs/bpf/iopf)"

# --- observe: counts, never decides ---
out=$($FIRE 0:last:grpid=1 0:last:grpid=2:pasid=0x42 0:partial:grpid=3:count=2 0:last:grpid=3)
expect_match 'handler=3 faults_at_handler=5 success=3 invalid=0' "observe changes no fault's fate" "$out"
st=$($I stats observe)
expect_match '^  requests +5$' "observe counted 5 requests" "$st"
expect_match '^  partial_requests +2$' "observe counted 2 partial requests" "$st"
expect_match '^  by_handler +3$' "observe counted 3 responses by the handler" "$st"
expect_match '\.pasid = 66' "observe counted per device and PASID" "$st"
expect_match '"requests":5' "stats --json" "$($I stats observe --json)"
js=$($I stats observe --json)
json_case "json: stats map keys and values are JSON values (key.pasid 66, a number)" \
	'[.maps.requests_by_device[] | select(.key.pasid == 66)] | length == 1 and (.[0].value | type) == "number"' "$js"
js=$($I show observe --json)
json_case "json: show observe --json: name, scope, calls 5, state, link_id" \
	'.name == "observe" and .scope == "*" and .calls == 5 and .state == "live" and (.link_id | type) == "number"' "$js"
out=$($I show observe)
expect_match '^calls: +5$' "show observe: its counters as text" "$out"
n=$(timeout -s INT 3.5 $I stats observe --watch 1 | grep -c '^policy observe:')
[ "$n" -ge 3 ]; tap_result $? "stats --watch 1 repeats until interrupted" "printed $n times in 3.5 s"
expect_exit 0 "unload observe" $I unload observe
[ ! -e /sys/fs/bpf/iopf/observe ]; tap_result $? "unload removes the pins"

# --- JSON: every command, errors as {"error": ...} on stdout, same statuses ---
js=$($I load observe --name jo --json)
json_case "json: load --json: attached, scope, mode, pinned, link_id" \
	'.attached == "jo" and .scope == "*" and .mode == "live" and .pinned == "/sys/fs/bpf/iopf/jo" and (.link_id | type) == "number"' "$js"
[[ $js =~ \"link_id\":\ *([0-9]+) ]] && link=${BASH_REMATCH[1]}
[ "$(cat /sys/kernel/iopf/policies/jo/link_id)" = "$link" ]
tap_result $? "json: ... the link the kernel lists" "$link"
js=$($I -j load storm_guard --name jd --dry-run)
json_case "json: -j before the command: load --dry-run" \
	'.would_attach == "jd" and .scope == "*"' "$js"
js=$($I load observe --name jo --json 2>/tmp/json.err); rc=$?
[ $rc = 6 ] && [ ! -s /tmp/json.err ]
json_case "json: a taken name: exit 6, {\"error\": ...} on stdout, nothing on stderr" '.error | test("already attached")' "$js" $? "exit $rc: $js $(cat /tmp/json.err)"
js=$($I load observe --name j2 --dev no_such_dev --json); rc=$?
[ $rc = 5 ]
json_case "json: an unknown device: exit 5 and an error object" '.error' "$js" $? "exit $rc: $js"
js=$(setpriv --reuid=65534 --regid=65534 --clear-groups $I stats jo --json); rc=$?
[ $rc = 8 ]
json_case "json: stats without privilege: exit 8 and an error object" '.error | test("permission")' "$js" $? "exit $rc: $js"
js=$($I show nosuch -p); rc=$?
[ $rc = 11 ] && [ "$(wc -l <<<"$js")" -gt 1 ]
json_case "json: show of a name not attached, -p: exit 11, an indented error object" '.error' "$js" $? "exit $rc: $js"
js=$($I list --json)
json_case "json: list --json lists jo" \
	'.policies | map(.name) | index("jo") != null' "$js"
js=$($I unload jo --json)
json_case "json: unload --json: unloaded [\"jo\"]" \
	'.unloaded == ["jo"] and .stale_pins_removed == []' "$js"
expect_exit 1 "json: arguments a command does not take are refused (list x)" $I list x

# --- quarantine ---
out=$($FIRE --devices 2 --setup "$I load quarantine --set deny=\$DEV0:0x42 --set deny=\$DEV1 >/dev/null" \
	0:last:pasid=0x42:grpid=1 0:partial:pasid=0x42:grpid=2 0:last:pasid=0x42:grpid=2 \
	0:last:pasid=0x43:grpid=3 1:last:grpid=4 1:last:pasid=7:grpid=5)
d0=$(device_line 0 "$out"); d1=$(device_line 1 "$out")
expect_match 'handler=1 .*success=1 invalid=2' "quarantine: denied PASID answered INVALID, other PASID handled" "$d0"
expect_match 'handler=0 .*success=0 invalid=2' "quarantine: denied device answered INVALID for every PASID" "$d1"
st=$($I stats quarantine)
expect_match '^  quarantined +4$' "quarantine counted 4 groups" "$st"
expect_match '^  dropped_partials +1$' "quarantine dropped the denied partial" "$st"
$I unload quarantine >/dev/null

# --- storm_guard ---
out=$($FIRE --devices 2 --setup "$I load storm_guard --set rate=1 --set burst=5 >/dev/null" \
	0:storm:count=50 1:storm:count=3:grpid=100)
d0=$(device_line 0 "$out"); d1=$(device_line 1 "$out")
h0=$(field handler "$d0"); inv0=$(field invalid "$d0")
[ "$h0" -ge 5 ] && [ "$h0" -le 10 ] && [ $((h0 + inv0)) = 50 ]
tap_result $? "storm_guard: a storm of 50 gets about burst handled, the rest INVALID" "$d0"
expect_match 'handler=3 .*success=3 invalid=0' "storm_guard: the other device is not starved" "$d1"
st=$($I stats storm_guard)
expect_match "^  shed_total +$inv0\$" "storm_guard counted what it shed" "$st"
$I unload storm_guard >/dev/null
# One bucket per device and PASID: PASID 1's storm does not shed PASID 2's
# groups on the same device; with per_pasid=0 it does (one bucket)
for mode in 1 0; do
	out=$($FIRE --setup "$I load storm_guard --set rate=1 --set burst=5 --set per_pasid=$mode >/dev/null" \
		0:storm:count=40:pasid=1 0:storm:count=3:pasid=2:grpid=100)
	d0=$(device_line 0 "$out")
	js=$($I stats storm_guard --json)
	$I unload storm_guard >/dev/null
	if [ $mode = 1 ]; then
		json_case "storm_guard: per PASID: PASID 2's 3 groups all passed beside PASID 1's storm" \
			'[.maps.buckets[] | select(.key.pasid == 2)] | length == 1 and .[0].value.passed == 3 and (.[0].value.shed // 0) == 0' "$js"
		json_case "storm_guard: per PASID: PASID 1's bucket took its 40 groups" \
			'[.maps.buckets[] | select(.key.pasid == 1)] | length == 1 and .[0].value.passed + .[0].value.shed == 40' "$js"
	else
		json_case "storm_guard: per_pasid=0: one bucket for the whole device took its 43 groups" \
			'[.maps.buckets[]] | length == 1 and .[0].key.pasid == 4294967295 and .[0].value.passed + .[0].value.shed == 43' "$js"
	fi
	inv=$(field invalid "$d0")
	json_case "storm_guard: per_pasid=$mode: the buckets shed what the device saw answered INVALID" \
		"[.maps.buckets[].value.shed // 0] | add == $inv" "$js" 0 "$d0 / $js"
done

# --- pasid_fallback (the mock acting like Intel/AMD/SMMUv3) ---
out=$($FIRE --real-driver 0:last:pasid=0x42:grpid=1)
expect_match 'handler=0 .*invalid=1 .*bad_setup=1' "without pasid_fallback a PASID without handle is a bad setup" "$out"
out=$($FIRE --real-driver --devices 2 --no-handler 1 --setup "$I load pasid_fallback >/dev/null" \
	0:last:pasid=0x42:grpid=1 1:last:pasid=0x42:grpid=2)
d0=$(device_line 0 "$out"); d1=$(device_line 1 "$out")
expect_match 'handler=1 .*success=1 invalid=0 .*bad_setup=0' "pasid_fallback routes to the RID handle" "$d0"
expect_match 'handler=0 .*invalid=1 .*bad_setup=1' "pasid_fallback leaves a device without RID handler alone" "$d1"
st=$($I stats pasid_fallback)
expect_match '^  routed +1$' "pasid_fallback counted the route" "$st"
expect_match '^  not_routable +1$' "pasid_fallback counted the unroutable request" "$st"
expect_no_match 'pasid_fallback' "pasid_fallback was not ejected" "$($I list | sed -n '/recent ejections/,$p')"
$I unload pasid_fallback >/dev/null

# --- partial_cap ---
out=$($FIRE --setup "$I load partial_cap --set max_per_grpid=4 >/dev/null" \
	0:partial:grpid=9:count=20 0:last:grpid=9)
expect_match 'handler=1 faults_at_handler=5 success=1' "partial_cap: 20 partials capped to 4 in the group" "$out"
expect_match '^  dropped_total +16$' "partial_cap counted 16 dropped" "$($I stats partial_cap)"
$I unload partial_cap >/dev/null

# --- a scoped policy ---
out=$($FIRE --devices 2 --setup "$I load quarantine --name q1 --dev \$DEV1 --set deny=\$DEV0 --set deny=\$DEV1 >/dev/null" \
	0:last:grpid=1 1:last:grpid=2)
d0=$(device_line 0 "$out"); d1=$(device_line 1 "$out")
expect_match 'handler=1 ' "--dev scopes a policy: other devices untouched" "$d0"
expect_match 'handler=0 .*invalid=1' "--dev scopes a policy: its device quarantined" "$d1"
# The device's own name: other tests' mock devices (a lane's) take numbers
dev1=$(sed -n 's/^device \([^ ]*\) .*/\1/p' <<<"$d1")
expect_match "q1: device-removed \\(device $dev1\\)" "a scoped policy is ejected with its device" "$($I list)"
expect_match '^  [0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z q1: ' \
	"list: an ejection's time in ISO 8601 with its zone" "$($I list)"
js=$($I list --json)
json_case "json: list --json: the ejection with time (ISO 8601, Z) and time_ns" \
	'[.ejections[] | select(.name == "q1")][-1] | (.time | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\\.[0-9]{3}Z$")) and .reason == "device-removed" and (.time_ns | type) == "number"' "$js"
[ -d /sys/fs/bpf/iopf/q1 ]; tap_result $? "an ejected policy's pins stay until unload"
expect_exit 0 "unload of an ejected policy removes its pins" $I unload q1
[ ! -e /sys/fs/bpf/iopf/q1 ]; tap_result $? "... and they are gone"

# --- unload --all after the kernel ejected a policy underneath ---
$FIRE --devices 1 --setup "$I load quarantine --name q2 --dev \$DEV0 >/dev/null" \
	0:last:grpid=3 >/dev/null
expect_match 'q2: device-removed' "q2 ejected with its device" "$($I list)"
expect_exit 0 "unload --all after an ejection exits 0" $I unload --all
[ ! -e /sys/fs/bpf/iopf/q2 ]; tap_result $? "... and removes the ejected policy's pins"

# --- bpftool both ways ---
mkdir -p /sys/fs/bpf/bt
out=$($BPFTOOL struct_ops register build/bpf/test_policy.bpf.o /sys/fs/bpf/bt 2>&1)
tap_result $? "bpftool struct_ops register" "$out"
expect_match '^test +\* ' "a policy registered by bpftool shows in iopfctl list" "$($I list)"
expect_exit 0 "iopfctl unloads a policy registered by bpftool" $I unload test
expect_no_match '^test ' "... and it is gone" "$($I list)"
rm -rf /sys/fs/bpf/bt

# --- foreground ---
$I load observe --name fg --foreground >/tmp/fg.out 2>&1 &
pid=$!
for _ in $(seq 50); do $I list | grep -q '^fg ' && break; sleep 0.1; done
expect_match '^fg ' "--foreground attaches" "$($I list)"
kill -INT $pid; wait $pid
tap_result $? "--foreground exits 0 on SIGINT" "$(cat /tmp/fg.out)"
expect_no_match '^fg ' "--foreground detaches on exit" "$($I list)"
[ ! -e /sys/fs/bpf/iopf/fg ]; tap_result $? "--foreground pins nothing"

# --- policies found by name: a new policy file is loadable without editing C ---
pd=$(mktemp -d)
cp build/bpf/deny_writes.bpf.o "$pd/guard_writes.bpf.o"
head -c 300 build/bpf/observe.bpf.o >"$pd/cut.bpf.o"
out=$(IOPF_POLICY_PATH=$pd $FIRE --setup "$I load guard_writes --set pasid=0x42 >/dev/null" \
	0:last:pasid=0x42:grpid=1:perm=2 0:last:pasid=0x43:grpid=2:perm=2)
expect_match 'handler=1 .*success=1 invalid=1' \
	"load NAME: NAME.bpf.o of IOPF_POLICY_PATH, its --set parameter applied: it decides" "$out"
expect_match '^  denied +1$' "... stats of the policy found by name" "$($I stats deny_writes)"
$I unload deny_writes >/dev/null
expect_exit 7 "load NAME found by file: unknown --set key: exit 7" env IOPF_POLICY_PATH="$pd" $I load guard_writes --set nosuch=1
expect_exit 3 "load NAME found by file, cut short: exit 3" env IOPF_POLICY_PATH="$pd" $I load cut
expect_exit 4 "load NAME found by file in the build tree, no iopf_ops map (no_ops): exit 4" $I load no_ops
expect_exit 2 "load NAME in no directory and not built in: exit 2" env IOPF_POLICY_PATH="$pd" $I load guard
out=$(IOPF_POLICY_PATH=/nonexistent $I load storm_guard --name sgb --set rate=5 2>&1)
tap_result $? "load NAME: the built-in copy when no directory has the file" "$out"
$I unload sgb >/dev/null
expect_exit 7 "--set on a .bss counter: exit 7 (not a parameter)" $I load storm_guard --name sgx --set shed_total=1
out=$($I load test_policy --name td --set kfunc_said=7 2>&1)
tap_result $? "load --set on a .data global" "$out"
expect_match '^  kfunc_said +7$' "... the policy starts with the value set" "$($I stats td)"
$I unload td >/dev/null
rm -rf "$pd"

# --- the kernel log's ejection lines are rate-limited (a tenant can eject
# its own policies as fast as it attaches them); sysfs keeps every one ---
# 12 global policies answering 42; each group ejects the first one alive
# (the group goes on to iommufd, not to the next policy), all within a
# second: the kernel's default limit is 10 lines in 5 s
for i in $(seq 12); do
	$I load build/bpf/test_policy.bpf.o --name burst$i --set last_action=42 >/dev/null
done
mark="iopfctl-test-burst-$$-$RANDOM"
echo "$mark" >/dev/kmsg
groups=()
for i in $(seq 12); do groups+=("0:last:grpid=$i"); done
out=$($FIRE "${groups[@]}")
expect_match 'handler=12 ' "burst: 12 groups, each to iommufd's handler" "$out"
js=$($I list --json)
json_case "burst: list --json: all 12 policies ejected, bad-action" \
	'[.ejections[] | select(.name | test("^burst[0-9]+$")) | select(.reason == "bad-action")] | length == 12' "$js"
n=$(dmesg | sed -n "/$mark/,\$p" | grep -c 'iopf-bpf: policy burst[0-9]* ejected: bad-action')
[ "$n" -ge 1 ] && [ "$n" -le 10 ]
tap_result $? "burst: the kernel log has 1 to 10 of the 12 ejection lines (rate-limited)" "$n lines"

$I unload --all >/dev/null 2>&1
tap_done
