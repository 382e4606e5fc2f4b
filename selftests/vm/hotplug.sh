#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# user space: make check runs it on the first kernel only (guest-tests)
# on demand: 27 s on 6.12, over make check's budget; make check-full runs it
#
# Hot-plug: a policy /etc/iopf/policies.conf scopes to a device is attached
# when the device appears, and again when it comes back after the kernel
# ejected the policy for its removal; an attach that comes before the
# device is set up is retried, within a bound.  The devices are iommufd
# mock devices, created and destroyed by iopf-fire.  The guest has no udevd,
# and systemd-udevd cannot run there (it needs inotify, which the test
# kernel lacks): a listener here hears each real uevent (udevadm monitor),
# runs udev's rules on its device (udevadm test, which reads our rule,
# tools/udev/60-iopf-policies.rules, from /run/udev/rules.d) and runs what
# our rule says to RUN, as udevd would.
cd "$(dirname "$0")/../.." || exit 1
. selftests/lib/tap.sh
I=$PWD/build/iopfctl
FIRE=${IOPF_FIRE:-build/iopf-fire}
T=/tmp/hotplug
rm -rf $T
mkdir -p $T
export IOPF_POLICIES_CONF=$T/policies.conf IOPF_POLICIES_STATE=$T/state/loaded
# The loader the rule runs: iopfctl, but a load may be told to fail as if
# the device were not behind its IOMMU yet ($T/fail-loads: how many times)
cat >$T/iopfctl <<EOF
#!/bin/bash
n=\$(cat $T/fail-loads 2>/dev/null || echo 0)
if [ "\$1" = load ] && [[ " \$* " != *" --dry-run "* ]] && [ "\$n" -gt 0 ]; then
	echo \$((n - 1)) >$T/fail-loads
	echo "iopfctl: no device behind an IOMMU (planted by vm/hotplug)" >&2
	exit 5
fi
exec $I "\$@"
EOF
chmod +x $T/iopfctl
export IOPFCTL=$T/iopfctl
P=tools/systemd/iopf-policies
$I unload --all >/dev/null 2>&1

if ! command -v udevadm >/dev/null; then
	echo "ok - hotplug: udev # SKIP udevadm not installed (tools/install-deps installs udev)"
	tap_done
	exit
fi

# The name the next mock device takes: the lowest free id (an IDA).  Mock
# devices of tests running beside this one can take it first: then the
# device is made again (with_device).
X=$($FIRE --setup "echo \$DEV0 >$T/name" >/dev/null && cat $T/name)
if [ -z "$X" ]; then
	tap_result 1 "hotplug: iopf-fire creates a mock device"
	tap_done
	exit
fi
echo "quarantine --name hp --dev $X --set deny=$X" >$IOPF_POLICIES_CONF

# with_device CHECK: create one mock device named $X, run CHECK (sh) with
# it there, fire one fault at it, destroy it; iopf-fire's output in $out.
# Up to 5 tries while the device gets another name.
with_device() {
	local try rc
	for try in 1 2 3 4 5; do
		rm -f $T/other-name
		out=$($FIRE --setup "if [ \$DEV0 != $X ]; then touch $T/other-name; exit 1; fi; $1" \
			0:last:grpid=1 2>&1)
		rc=$?
		[ -e $T/other-name ] || return $rc
		echo "# device got another name than $X (try $try): again"
		$I unload hp >/dev/null 2>&1
	done
	return 1
}
# The quarantine answered the device's fault, not its handler
answered_by_policy() {
	local d
	d=$(grep '^device' <<<"$out")
	[ "$(field handler "$d")" = 0 ] && [ "$(field invalid "$d")" = 1 ]
}
# hp attached, live, scoped to the device (sysfs through list --json)
# shellcheck disable=SC2016 # expanded by the sh of iopf-fire --setup
hp_on_device='$IOPFCTL -j list | jq -e ".policies[] | select(.name == \"hp\" and .scope == \"$DEV0\" and .state == \"live\")" >/dev/null'
removed_ejections() {	# device-removed ejections of hp on $X so far
	$I -j list | jq "[.ejections[] | select(.name == \"hp\" and .reason == \"device-removed\" and .device == \"$X\")] | length"
}

out=$($P start 2>&1)
tap_result $? "hotplug: start with the configured device absent succeeds" "$out"
expect_match "attached when it appears" "hotplug: ... and says the device's policy waits for it" "$out"

# --- before the listener: an attach that runs before its device exists ---
IOPF_ATTACH_INTERVAL=0.5 IOPF_ATTACH_TIMEOUT=60 $P attach "$X" >$T/early.log 2>&1 &
early=$!
# the first try failed (no device): it is retrying
for _ in $(seq 100); do grep -q 'trying again' $T/early.log && break; sleep 0.1; done
expect_match 'not behind an IOMMU yet: trying again' "hotplug: an attach before its device exists retries" \
	"$(cat $T/early.log)"
ej=$(removed_ejections)
with_device "i=0; while kill -0 $early 2>/dev/null && [ \$i -lt 200 ]; do sleep 0.1; i=\$((i + 1)); done; $hp_on_device"
tap_result $? "hotplug: ... and attaches it once the device appears" "$out $(cat $T/early.log)"
wait $early
tap_result $? "hotplug: ... exit 0" "$(cat $T/early.log)"
answered_by_policy; tap_result $? "hotplug: the policy answered the device's fault" "$out"
[ "$(removed_ejections)" = $((ej + 1)) ]
tap_result $? "hotplug: the device's removal ejected it (device-removed)" "$($I list)"

# --- our rule, its RUN command as make install writes it, but from this
# tree, with this test's files and a log ---
mkdir -p /run/udev/rules.d
sed "s#/usr/local/sbin/iopf-policies attach \$kernel#/bin/sh -c 'exec env IOPFCTL=$IOPFCTL IOPF_POLICIES_CONF=$IOPF_POLICIES_CONF IOPF_POLICIES_STATE=$IOPF_POLICIES_STATE IOPF_ATTACH_INTERVAL=0.5 $PWD/$P attach \$kernel >>$T/udev.log 2>\&1'#" \
	tools/udev/60-iopf-policies.rules >/run/udev/rules.d/60-iopf-policies.rules
grep -q "$PWD/$P attach" /run/udev/rules.d/60-iopf-policies.rules
tap_result $? "hotplug: the rule's RUN command rewritten for the test" "$(cat /run/udev/rules.d/60-iopf-policies.rules)"

# The listener: for each "add" uevent, udev's rules on the device, then
# the commands of ours among what they RUN (those of Debian's rules are
# not ours to run), in order, one event at a time as udevd does for a
# device; "done DEVPATH" in $T/events after each
listen() {
	local line action='' devpath='' cmd
	while IFS= read -r line; do
		case $line in
		"KERNEL - the kernel uevent") echo ready >>$T/events ;;
		ACTION=*) action=${line#ACTION=} ;;
		DEVPATH=*) devpath=${line#DEVPATH=} ;;
		"")
			if [ "$action" = add ] && [ -n "$devpath" ]; then
				udevadm test --action=add "$devpath" 2>&1 |
					sed -n "s/^run: '\(.*iopf-policies attach .*\)'\$/\1/p" >$T/run
				while read -r cmd; do
					sh -c "$cmd" </dev/null
				done <$T/run
				echo "done $devpath" >>$T/events
			fi
			action='' devpath=''
			;;
		esac
	done
}
: >$T/events
mkfifo $T/uevents
stdbuf -oL udevadm monitor --kernel --property >$T/uevents &
monitor=$!
listen <$T/uevents &
listener=$!
for _ in $(seq 100); do grep -q ready $T/events && break; sleep 0.1; done
grep -q ready $T/events
tap_result $? "hotplug: udevadm monitor hears the kernel's uevents" "$(cat $T/events)"

# CHECK of with_device: wait until the listener has handled the device's add
# shellcheck disable=SC2016 # expanded by the sh of iopf-fire --setup
settle='i=0; while ! grep -q "^done .*/$DEV0\$" '$T'/events && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done;
	grep -q "^done .*/$DEV0\$" '$T'/events'
ej=$(removed_ejections)
: >$T/events
with_device "$settle && $hp_on_device"
tap_result $? "hotplug: the device's add uevent attached its policy (udev rule)" "$out $(cat $T/udev.log)"
answered_by_policy; tap_result $? "hotplug: ... which answered its fault" "$out"
[ "$(removed_ejections)" = $((ej + 1)) ]
tap_result $? "hotplug: destroyed: ejected (device-removed)" "$($I list)"
: >$T/events
# ... and then attach again by hand: the policy is attached already
# shellcheck disable=SC2016 # expanded by the sh of iopf-fire --setup
again='hp_link() { $IOPFCTL -j list | jq ".policies[] | select(.name == \"hp\") | .link_id"; };
	l=$(hp_link) && '$P' attach $DEV0 >'$T'/again.log 2>&1 && [ -n "$l" ] && [ "$(hp_link)" = "$l" ] &&
	touch '$T'/again'
with_device "$settle && $hp_on_device && { $again; true; }"
tap_result $? "hotplug: created again after that ejection: attached again" "$out $(cat $T/udev.log)"
answered_by_policy; tap_result $? "hotplug: ... and answers its fault" "$out"
[ -e $T/again ]
tap_result $? "hotplug: attach of an attached line: exit 0, the same link" "$(cat $T/again.log)"
grep -q "^hp"$'\t' $IOPF_POLICIES_STATE
tap_result $? "hotplug: the policy attach loaded is recorded for stop" "$(cat $IOPF_POLICIES_STATE)"

# --- the uevent before the device's IOMMU is set up: iopfctl says exit 5 ---
echo 2 >$T/fail-loads
: >$T/udev.log
: >$T/events
with_device "$settle && $hp_on_device"
tap_result $? "hotplug: attach told twice the device is not behind an IOMMU yet: retried, attached" \
	"$out $(cat $T/udev.log)"
[ "$(grep -c 'trying again' $T/udev.log)" = 2 ] && [ "$(cat $T/fail-loads)" = 0 ]
tap_result $? "hotplug: ... after two retries" "$(cat $T/udev.log)"

# --- bounded: a configured device that never appears ---
echo "quarantine --name hp2 --dev nosuchdev" >>$IOPF_POLICIES_CONF
s=$(date +%s)
out=$(IOPF_ATTACH_INTERVAL=0.5 IOPF_ATTACH_TIMEOUT=2 $P attach nosuchdev 2>&1)
rc=$? e=$(($(date +%s) - s))
[ $rc = 1 ] && [ $e -lt 15 ] && grep -q 'gave up' <<<"$out"
tap_result $? "hotplug: attach of a device that never appears gives up after the bound (${e} s)" "exit $rc: $out"

# --- stopped: a device that appears gets nothing ---
$P stop >/dev/null 2>&1
: >$T/udev.log
: >$T/events
with_device "$settle && grep -q . $T/udev.log && ! $hp_on_device"
tap_result $? "hotplug: after stop, the device's uevent attaches nothing" "$out $(cat $T/udev.log)"
expect_match 'not started' "hotplug: ... saying so" "$(cat $T/udev.log)"

kill "$monitor" "$listener"
wait "$monitor" "$listener" 2>/dev/null
rm -f /run/udev/rules.d/60-iopf-policies.rules
$I unload --all >/dev/null 2>&1
tap_done
