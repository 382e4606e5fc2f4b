#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# user space: make check runs it on the first kernel only (guest-tests)
# on demand: 19-40 s on 6.12 (2026-12-07), over make check's budget on the
# machine's slower hours; make check-full runs it, or FILTER=vm/events
#
# iopfctl events, top and the audit policy against faults fired through the
# mock IOMMU: every policy event the kernel's iopf:iopf_policy_* tracepoints
# report (attach, replace, five kinds of ejection, detach), audit records
# per request, and top's counts per device and PASID, checked per group of
# a known pattern, from their JSON output.
cd "$(dirname "$0")/../.." || exit 1
. selftests/lib/tap.sh
I=build/iopfctl
FIRE=${IOPF_FIRE:-build/iopf-fire}
TP=build/bpf/test_policy.bpf.o
$I unload --all >/dev/null 2>&1
tmp=$(mktemp -d)
trap 'kill $bgpid 2>/dev/null; rm -rf "$tmp"' EXIT

# bg_start FILE CMD...: CMD in the background, stdout to FILE, until it
# says on stderr that it is tracing (its BPF programs are attached)
bg_start() {
	local out=$1 i
	shift
	"$@" >"$out" 2>"$out.err" &
	bgpid=$!
	for i in $(seq 200); do
		grep -q '^iopfctl: \(tracing\|counting\)' "$out.err" && return 0
		kill -0 $bgpid 2>/dev/null || break
		sleep 0.05
	done
	echo "# not ready: $(cat "$out.err")"
	return 1
}

# bg_stop: SIGINT, as Ctrl-C; its exit status
bg_stop() {
	kill -INT $bgpid 2>/dev/null
	wait $bgpid
}

devname() {	# devname N OUTPUT: the name iopf-fire gave its device N
	printf '%s\n' "$2" | grep '^device' | sed -n "$(($1 + 1))s/^device \([^ ]*\) .*/\1/p"
}

# jq_case DESCRIPTION FILTER FILE: a case, queued: the JSON lines of FILE,
# slurped, pass FILTER (its last output is neither false nor null, as for
# jq -e).  jq_cases_run: the queued cases (of one FILE) in one jq, their
# results in order; a jq start costs about 0.7 s under TCG.
JQ_DESC=() JQ_FILT=() JQ_FILE=
jq_case() {
	JQ_DESC+=("$1")
	JQ_FILT+=("$2")
	JQ_FILE=$3
}
jq_cases_run() {
	local prog= i res=() json
	for i in "${!JQ_FILT[@]}"; do
		prog+="${prog:+, }(try ([${JQ_FILT[$i]}] | last | . != null and . != false) catch false)"
	done
	mapfile -t res < <(jq -s "$prog" "$JQ_FILE" 2>&1)
	json=$(<"$JQ_FILE")
	for i in "${!JQ_DESC[@]}"; do
		[ "${res[$i]:-}" = true ]
		tap_result $? "${JQ_DESC[$i]}" "jq: ${res[*]}
$json"
	done
	JQ_DESC=() JQ_FILT=()
}

# doc_event_keys EVENT: the JSON keys docs/iopfctl.md gives EVENT, sorted
# as jq's keys: the backquoted words of its row's fields, less what is in
# parentheses, renamed as the paragraph under the table says (link_id for
# link, parked_partials for parked, vf more for request), with time and
# event
DOC=docs/iopfctl.md
doc_event_keys() {
	local row f keys=(time event)
	row=$(grep -m1 "^| \`$1\` |" "$DOC") || return 1
	row=${row#*|*|*|}
	while [[ $row =~ \([^\)]*\) ]]; do
		row=${row/"${BASH_REMATCH[0]}"/}
	done
	while [[ $row =~ \`([a-z_]+)\` ]]; do
		f=${BASH_REMATCH[1]}
		row=${row/"${BASH_REMATCH[0]}"/}
		case $f in link) f=link_id ;; parked) f=parked_partials ;; esac
		keys+=("$f")
	done
	[ "$1" = request ] && keys+=(vf)
	printf '%s\n' "${keys[@]}" | LC_ALL=C sort -u | jq -R . | jq -sc .
}
# doc_keys_case EVENT FILE: a queued case: every EVENT object of FILE has
# exactly the documented keys
doc_keys_case() {
	local want
	want=$(doc_event_keys "$1") || want='"no row for '"$1"' in '"$DOC"'"'
	jq_case "docs: iopfctl.md: events --json: $1 has the documented keys $want" \
		"[.[] | select(.event == \"$1\") | keys] | length > 0 and (unique == [$want])" "$2"
}

# --- events: a policy's life, every kind of ejection ---
bg_start $tmp/ev $I -j events
tap_result $? "events: iopfctl events starts and says it is tracing" "$(cat $tmp/ev.err)"
$I load observe >/dev/null
obs_link=$(cat /sys/kernel/iopf/policies/observe/link_id)
obs_order=$(cat /sys/kernel/iopf/policies/observe/order)
$I replace observe observe >/dev/null
out=$($FIRE --setup "$I load $TP --name bad --set last_action=42 >/dev/null" 0:last:grpid=1)
dev_bad=$(devname 0 "$out")
out=$($FIRE --setup "$I load $TP --name wk --set last_action=1 >/dev/null" 0:last:pasid=5:grpid=2)
dev_wk=$(devname 0 "$out")
out=$($FIRE --setup "$I load $TP --name selfish --set eject_self=1 >/dev/null" 0:last:grpid=3)
out=$($FIRE --real-driver --no-handler 0 \
	--setup "$I load $TP --name router --set route_action=2 >/dev/null" 0:last:pasid=9:grpid=4)
dev_route=$(devname 0 "$out")
out=$($FIRE --setup "$I load quarantine --name gone --dev \$DEV0 >/dev/null" 0:last:grpid=5)
dev_gone=$(devname 0 "$out")
$I unload --all >/dev/null
# The reap work detaches ejected policies: wait for the last detach
for i in $(seq 100); do
	[ "$(grep -c '"event":"detach"' $tmp/ev)" -ge 7 ] && break
	sleep 0.05
done
bg_stop
tap_result $? "events: SIGINT ends it with status 0"
E=$tmp/ev

jq_case "json: events: every line is one JSON object with an ISO 8601 UTC time and an event" \
	'length > 0 and all(.[]; (.time | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\\.[0-9]{3}Z$")) and (.event | IN("attach","replace","eject","detach","request")))' $E
jq_case "events: attach of observe with its scope and order as sysfs gave them" \
	"[.[] | select(.event == \"attach\" and .policy == \"observe\")] | length == 1 and .[0].scope == \"*\" and .[0].order == $obs_order" $E
jq_case "events: replace of observe keeps its link id and order" \
	"[.[] | select(.event == \"replace\")] | length == 1 and .[0].old == \"observe\" and .[0].policy == \"observe\" and .[0].link_id == $obs_link and .[0].order == $obs_order" $E
jq_case "events: eject bad-action with the action returned, the device and no PASID" \
	"[.[] | select(.event == \"eject\" and .policy == \"bad\")] | length == 1 and .[0].reason == \"bad-action\" and .[0].action == \"42\" and .[0].device == \"$dev_bad\" and .[0].pasid == null" $E
jq_case "events: eject wrong-kind-of-request (drop of a last request) with its PASID" \
	"[.[] | select(.event == \"eject\" and .policy == \"wk\")] | length == 1 and .[0].reason == \"wrong-kind-of-request\" and .[0].action == \"drop\" and .[0].device == \"$dev_wk\" and .[0].pasid == 5" $E
jq_case "events: eject self with the policy's message" \
	'[.[] | select(.event == "eject" and .policy == "selfish")] | length == 1 and .[0].reason == "self" and .[0].message == "test policy ejects itself"' $E
jq_case "events: eject bad-route (a route to a RID without a handler)" \
	"[.[] | select(.event == \"eject\" and .policy == \"router\")] | length == 1 and .[0].reason == \"bad-route\" and .[0].action == \"route_rid\" and .[0].device == \"$dev_route\" and .[0].pasid == 9" $E
jq_case "events: eject device-removed when the scoped device goes" \
	"[.[] | select(.event == \"eject\" and .policy == \"gone\")] | length == 1 and .[0].reason == \"device-removed\" and .[0].device == \"$dev_gone\"" $E
jq_case "events: five ejections, one per policy that misbehaved or lost its device" \
	'[.[] | select(.event == "eject")] | length == 5' $E
jq_case "events: observe's detaches: the one replaced, then the one unloaded, on the link sysfs gave" \
	"[.[] | select(.event == \"detach\" and .policy == \"observe\")] | length == 2 and .[0].reason == \"replaced\" and .[1].reason == \"detached\" and all(.[]; .link_id == $obs_link)" $E
for p in bad:bad-action wk:wrong-kind-of-request selfish:self router:bad-route gone:device-removed; do
	n=${p%%:*} r=${p#*:}
	jq_case "events: $n: attach, then one detach with reason $r, after its ejection" \
		"to_entries | map(select(.value.policy == \"$n\")) as \$mine |
		 ([\$mine[] | select(.value.event == \"detach\")] | length == 1 and .[0].value.reason == \"$r\") and
		 (\$mine | map(.value.event) | .[0] == \"attach\" and .[-1] == \"detach\")" $E
done
for e in attach replace eject detach; do
	doc_keys_case $e $E
done
jq_cases_run

# --- events: text, --count, bad input ---
bg_start $tmp/evt $I events --count 2
$I load observe >/dev/null
$I unload observe >/dev/null
wait $bgpid
tap_result $? "events: --count 2 exits 0 after two events"
txt=$(cat $tmp/evt)
[ "$(wc -l <<<"$txt")" = 2 ]; tap_result $? "events: --count 2 printed 2 lines" "$txt"
expect_match '^[0-9-]{10}T[0-9:.]{12}Z attach  policy=observe scope=\* order=[0-9]+$' \
	"events: text line of an attach" "$txt"
expect_match '^[0-9-]{10}T[0-9:.]{12}Z detach  policy=observe scope=\* link=[0-9]+ reason=detached$' \
	"events: text line of a detach" "$txt"
expect_exit 1 "events: bad --count: exit 1" $I events --count 0
expect_exit 1 "events: an argument it does not take: exit 1" $I events extra
expect_exit 8 "events: without privilege: exit 8" setpriv --reuid=65534 --regid=65534 --clear-groups $I events
js=$($I -j events --count x)
jq -e '.error | test("count")' >/dev/null <<<"$js"
tap_result $? "json: events: a bad --count as {\"error\"} on stdout" "$js"

# --- audit: every request it is asked about, by group ---
bg_start $tmp/au $I -j events
# Loaded after events started: found at its next look at the pins
$I load audit >/dev/null
sleep 0.5
out=$($FIRE 0:partial:grpid=7:addr=0x1000 0:last:grpid=7:addr=0x2000 0:last:pasid=0x33:grpid=8:perm=2)
dev_au=$(devname 0 "$out")
st=$($I stats audit)
$I unload audit >/dev/null
bg_stop
A=$tmp/au
jq_case "events: audit: one record per request, 3 requests of 2 groups" \
	'[.[] | select(.event == "request")] | length == 3' $A
jq_case "events: audit: group 7's partial request, no PASID, its handler known" \
	"[.[] | select(.event == \"request\" and .grpid == 7 and .last == false)] | length == 1 and .[0].device == \"$dev_au\" and .[0].pasid == null and .[0].addr == 4096 and .[0].handler == true and .[0].policy == \"audit\"" $A
jq_case "events: audit: group 7's last request sees its parked partial" \
	'[.[] | select(.event == "request" and .grpid == 7 and .last)] | length == 1 and .[0].parked_partials == 1 and .[0].addr == 8192' $A
jq_case "events: audit: group 8 with PASID 0x33 and write permission" \
	'[.[] | select(.event == "request" and .grpid == 8)] | length == 1 and .[0].pasid == 51 and .[0].perm == "w" and .[0].last' $A
doc_keys_case request $A
jq_cases_run
expect_match '^  recorded +3$' "events: audit counted 3 recorded, 0 lost" "$st"
expect_match '^  lost +0$' "events: audit lost nothing" "$st"

# --- top: counts per device and PASID of a known pattern ---
bg_start $tmp/top $I -j top --interval 0.5
# Device 0: PASID 0x42 routed to the RID (pasid_fallback), two groups
# without PASID handled; device 1: a group's partial dropped (test policy
# scoped to it), its last answered by quarantine; each group answered once.
# Device 1's requests have no PASID: with --real-driver a PASID without a
# handle would make its first request fix the group to the bad-setup path
out=$($FIRE --devices 2 --real-driver --setup "$I load quarantine --set deny=\$DEV1 >/dev/null &&
	$I load pasid_fallback >/dev/null &&
	$I load $TP --name dropper --dev \$DEV1 --set partial_action=1 >/dev/null" \
	0:last:pasid=0x42:grpid=1 0:last:grpid=2 0:last:grpid=3 1:partial:grpid=4 1:last:grpid=4)
d0=$(devname 0 "$out") d1=$(devname 1 "$out")
$I unload --all >/dev/null
sleep 0.6
bg_stop
tap_result $? "top: SIGINT ends it with status 0"
T=$tmp/top
jq_case "json: top: one object per interval with its time, interval and devices" \
	'length >= 2 and all(.[]; (.time | test("Z$")) and (.interval_s > 0) and (.devices | type) == "array")' $T
row() {	# row DEVICE PASID(jq value): the last interval's totals of that row
	echo "last | .devices[] | select(.device == \"$1\") | .pasids[] | select(.pasid == $2) | .totals"
}
jq_case "top: $d0 PASID 0x42: 1 request, routed, 1 response" \
	"$(row "$d0" 66) | .requests == 1 and .routed == 1 and .dropped == 0 and .answered == 0 and .responses == 1" $T
jq_case "top: $d0 without PASID: 2 requests, 2 responses, nothing decided" \
	"$(row "$d0" null) | .requests == 2 and .routed == 0 and .answered == 0 and .responses == 2" $T
jq_case "top: $d1 without PASID: 2 requests, 1 dropped, 1 answered, 1 response" \
	"$(row "$d1" null) | .requests == 2 and .dropped == 1 and .answered == 1 and .routed == 0 and .responses == 1" $T
jq_case "top: a device's totals are its PASIDs' sum" \
	"last | .devices[] | select(.device == \"$d0\") | .totals.requests == 3 and .totals.responses == 3" $T
jq_case "top: rates: some interval saw $d0's 3 requests, at 3 / interval_s" \
	"[.[] | .interval_s as \$s | .devices[] | select(.device == \"$d0\") | .per_second.requests * \$s] | add | . > 2.9 and . < 3.1" $T
# The shape iopfctl.md gives top's objects: its skeleton {"time", ...}
# with each name a key, per_second and totals objects of the rate keys it
# lists; compared as the set of paths, array indexes as 0, in the
# intervals that saw a device
doc=$(sed -n '/^With `--json`, each interval is one JSON object/,/^$/p' "$DOC" | tr '\n' ' ')
skel=${doc#*\`\{} skel={${skel%%\`*}
rates=$(grep -oE 'each with the keys (`[a-z_]+`[,.]? ?(and )?)+' <<<"$doc" | grep -oE '`[a-z_]+`' | tr -d '`' |
	jq -R . | jq -sc 'map({(.): 0}) | add')
shape=$(sed -E 's/"(per_second|totals)"([],}])/"\1": RATES\2/g; s/"([a-z_]+)"([],}])/"\1": 0\2/g' <<<"$skel")
shape=${shape//RATES/$rates}
jq -e . >/dev/null 2>&1 <<<"$shape" || shape='"unparsed: '"${skel//\"/}"'"'
jq_case "docs: iopfctl.md: top --json objects have the documented shape" \
	"def shape: [paths | map(if type == \"number\" then 0 else . end)] | unique;
	 ($shape | shape) as \$want | map(select(.devices | length > 0)) | length > 0 and all(.[]; shape == \$want)" $T
jq_cases_run
out=$($I top --interval 0.2 --count 2)
tap_result $? "top: --count 2 exits 0 by itself"
[ "$(grep -c '^iopfctl top: ' <<<"$out")" = 2 ]
tap_result $? "top: text: 2 tables for --count 2" "$out"
expect_match '^DEVICE +PASID +REQUESTS +ROUTED +DROPPED +ANSWERED +RESPONSES$' "top: text: the column header" "$out"
expect_exit 1 "top: bad --interval: exit 1" $I top --interval 0
expect_exit 8 "top: without privilege: exit 8" setpriv --reuid=65534 --regid=65534 --clear-groups $I top --count 1
tap_done
