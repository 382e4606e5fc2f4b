#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# user space: make check runs it on the first kernel only (guest-tests)
#
# Tenant policies from user space: tools/iopf-runtime starts the sample VMM
# (tools/iopf-vmm) as uid 1000 in a user namespace of its own with a BPF
# token; the VMM owns a mock device through iommufd and attaches a policy
# to it (or to its fault queue) through libiopf.  Checked: its faults get
# the policy's answers, the host's iopfctl shows the policy with its owner
# and scope and can unload it, closing the iommufd (or destroying the
# queue) ejects it, and the host's own commands stay refused to the tenant.
cd "$(dirname "$0")/../.." || exit 1
. selftests/lib/tap.sh
I=build/iopfctl
RT=${IOPF_RUNTIME:-build/iopf-runtime}
VMM=${IOPF_VMM:-build/iopf-vmm}
$I unload --all >/dev/null 2>&1
tmp=$(mktemp -d)
trap 'exec 3>&- 2>/dev/null; kill $vmm 2>/dev/null; rm -rf "$tmp"' EXIT

# vmm_start ARGS...: the VMM as a tenant in the background, its stdin a
# fifo (fd 3 here), until it holds; its output in $tmp/out
vmm_start() {
	rm -f "$tmp/in" "$tmp/out"
	mkfifo "$tmp/in"
	"$RT" --uid 1000 -- "$VMM" "$@" --hold <"$tmp/in" >"$tmp/out" 2>"$tmp/err" &
	vmm=$!
	exec 3>"$tmp/in"
	for _ in $(seq 400); do
		grep -q '"holding"' "$tmp/out" && return 0
		kill -0 $vmm 2>/dev/null || break
		sleep 0.05
	done
	echo "# not holding: $(cat "$tmp/out" "$tmp/err")"
	return 1
}

# vmm_stop: a line on its stdin; it closes its iommufd and exits
vmm_stop() {
	echo close >&3
	exec 3>&-
	wait $vmm
}

# --- a tenant quarantines its own device ---
vmm_start --policy quarantine --set deny=@dev --faults 3
tap_result $? "tenant: the VMM attaches quarantine to its own device as uid 1000" "$(cat "$tmp/err")"
name=$(sed -n 's/.*"event": "attached", "policy": "\([^"]*\)".*/\1/p' "$tmp/out")
dev=$(sed -n 's/.*"device": "\([^"]*\)".*/\1/p' "$tmp/out" | head -n 1)
expect_match '"uid": 0' "tenant: it is root in its own namespace" "$(grep attached "$tmp/out")"
for g in 1 2 3; do
	expect_match "\"group\": $g, \"code\": \"invalid\", \"via\": \"policy\"" \
		"tenant: group $g answered INVALID by its policy" "$(cat "$tmp/out")"
done
json=$($I list --json)
expect_match "\"name\":\"$name\",\"scope\":\"$dev\"" "tenant: iopfctl list shows it scoped to its device" "$json"
expect_match "\"name\":\"$name\"[^}]*\"tenant\":true,\"uid\":1000" "tenant: ... as a tenant policy of uid 1000" "$json"
expect_match "^tenant policies \\(asked after the host's\\): $name \\(uid 1000\\)" \
	"tenant: iopfctl list's text says so" "$($I list)"
vmm_stop
tap_result $? "tenant: the VMM closes its iommufd and exits 0" "$(cat "$tmp/out" "$tmp/err")"
expect_match '"event": "closed", "detached": true' "tenant: closing the iommufd detached its policy" "$(cat "$tmp/out")"
json=$($I list --json)
expect_match "\"name\":\"$name\",\"reason\":\"owner-released\"" "tenant: ... ejected with owner-released" "$json"
expect_no_match "\"policies\":\\[[^]]*\"$name\"" "tenant: ... and no longer listed" "$json"

# --- a tenant's policy scoped to its fault queue ---
# owner-released ejections of NAME so far: the device's name, and so the
# policy's, may be an earlier VMM's again
released() { $I list --json | grep -o "\"name\":\"$1\",\"reason\":\"owner-released\"" | wc -l; }
vmm_start --scope fault-queue --policy quarantine --set deny=@dev --faults 3
tap_result $? "tenant: the VMM attaches quarantine to its own fault queue as uid 1000" "$(cat "$tmp/err")"
name=$(sed -n 's/.*"event": "attached", "policy": "\([^"]*\)".*/\1/p' "$tmp/out")
fid=$(sed -n 's/.*"fault_id": \([0-9]*\).*/\1/p' "$tmp/out")
expect_match "\"scope\": \"fault:$fid\"" "tenant: ... scoped to its queue, fault:$fid" "$(grep attached "$tmp/out")"
for g in 1 2 3; do
	expect_match "\"group\": $g, \"code\": \"invalid\", \"via\": \"policy\"" \
		"tenant: queue scope: group $g answered INVALID by its policy" "$(cat "$tmp/out")"
done
json=$($I list --json)
expect_match "\"name\":\"$name\",\"scope\":\"fault:$fid\"" "tenant: iopfctl list --json shows it scoped fault:$fid" "$json"
expect_match "\"name\":\"$name\"[^}]*\"tenant\":true,\"uid\":1000" "tenant: ... as a tenant policy of uid 1000" "$json"
text=$($I list)
expect_match "^$name +fault:$fid +[0-9]+ live " "tenant: iopfctl list's table shows scope fault:$fid" "$text"
expect_match "^tenant policies \\(asked after the host's\\): $name \\(uid 1000\\)" \
	"tenant: ... and its tenant line uid 1000" "$text"
show=$($I show "$name")
expect_match "^scope: +fault:$fid\$" "tenant: iopfctl show: scope fault:$fid" "$show"
expect_match "^owner: +tenant, uid 1000\$" "tenant: iopfctl show: owner uid 1000" "$show"
expect_match "\"scope\":\"fault:$fid\"[^}]*\"tenant\":true,\"uid\":1000" "tenant: iopfctl show --json: the same" \
	"$($I show --json "$name")"
out=$($I replace "$name" observe 2>&1)
rc=$?
[ $rc = 12 ] && [[ $out == *"tenant's policy (scope fault:$fid"* ]]
tap_result $? "tenant: the host's iopfctl replace of it: exit 12, the scope is its owner's" "exit $rc: $out"
before=$(released "$name")
vmm_stop
tap_result $? "tenant: queue scope: the VMM closes its iommufd and exits 0" "$(cat "$tmp/out" "$tmp/err")"
expect_match '"event": "closed", "detached": true' "tenant: closing the iommufd detached its queue's policy" "$(cat "$tmp/out")"
now=$(released "$name")
[ "$now" -gt "$before" ]
tap_result $? "tenant: ... ejected with owner-released" "owner-released ejections of $name: $before before, $now after"
expect_no_match "\"policies\":\\[[^]]*\"$name\"" "tenant: ... and no longer listed" "$($I list --json)"

vmm_start --scope fault-queue --destroy-queue --policy quarantine --set deny=@dev --faults 1
tap_result $? "tenant: a VMM attaches quarantine to its fault queue again" "$(cat "$tmp/err")"
name=$(sed -n 's/.*"event": "attached", "policy": "\([^"]*\)".*/\1/p' "$tmp/out")
expect_match '"group": 1, "code": "invalid", "via": "policy"' "tenant: ... its group answered by its policy" "$(cat "$tmp/out")"
before=$(released "$name")
vmm_stop
tap_result $? "tenant: the VMM destroys its fault queue, then closes its iommufd" "$(cat "$tmp/out" "$tmp/err")"
expect_match '"event": "queue-destroyed", "detached": true' "tenant: destroying the queue detached its policy" "$(cat "$tmp/out")"
now=$(released "$name")
[ "$now" -gt "$before" ]
tap_result $? "tenant: ... ejected with owner-released" "owner-released ejections of $name: $before before, $now after"
expect_no_match "\"policies\":\\[[^]]*\"$name\"" "tenant: ... and no longer listed" "$($I list --json)"

# --- the host unloads a tenant's policy ---
vmm_start --policy observe --faults 1
tap_result $? "tenant: a VMM attaches observe" "$(cat "$tmp/err")"
name=$(sed -n 's/.*"event": "attached", "policy": "\([^"]*\)".*/\1/p' "$tmp/out")
expect_match '"group": 1, "code": "success", "via": "handler"' "tenant: observe leaves its group to its handler" "$(cat "$tmp/out")"
# The device's name, and so the policy's, may be the first VMM's again
released=$($I list --json | grep -o "\"name\":\"$name\",\"reason\":\"owner-released\"" | wc -l)
expect_exit 0 "tenant: the host's iopfctl unloads the tenant's policy" $I unload "$name"
vmm_stop
expect_match '"event": "closed", "detached": true' "tenant: the VMM saw its link detached" "$(cat "$tmp/out")"
now=$($I list --json | grep -o "\"name\":\"$name\",\"reason\":\"owner-released\"" | wc -l)
[ "$now" = "$released" ]
tap_result $? "tenant: ... by the host, not by its close" "owner-released ejections of $name: $released before, $now after"

# --- what stays the host's ---
out=$("$RT" --uid 1000 -- "$I" load observe --name tenant_global 2>&1)
rc=$?
[ $rc = 8 ]
tap_result $? "tenant: iopfctl load, global, as the tenant: exit 8 (no privilege)" "exit $rc: $out"
expect_no_match '"tenant_global"' "tenant: ... nothing attached" "$($I list --json)"
out=$("$RT" --uid 1000 -- "$VMM" --policy build/bpf/test_policy.bpf.o --set last_action=5 --faults 1 2>&1)
rc=$?
[ $rc = 0 ]
tap_result $? "tenant: a tenant policy answering FAILURE runs" "exit $rc: $out"
expect_match '"group": 1, "code": "success", "via": "handler"' "tenant: ... its FAILURE is not obeyed" "$out"
expect_match '"reason":"forbidden-code","action":"answer_failure"' "tenant: ... and it is ejected (forbidden-code)" "$($I list --json)"

tap_done
