#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# user space: make check runs it on the first kernel only (guest-tests)
#
# The Debian packages' programs at work, from their installed paths: the
# files of iopf-bpf and iopf-bpf-dev (built by host/package.sh), unpacked
# with dpkg-deb into a root of this test's in the guest's tmpfs (the
# guest's root is the host's, read-only), and iopfctl, a policy and the
# service's commands run only from there.  How dpkg installs, upgrades and
# purges them, with their maintainer scripts, is vm/package_dpkg's (beside
# the other tests: it attaches no policy); this part attaches policies, so
# it runs in the main sequence.
cd "$(dirname "$0")/../.." || exit 1
. selftests/lib/tap.sh
. selftests/lib/package.sh
package_debs_built || tap_done
FIRE=${IOPF_FIRE:-build/iopf-fire}

root=/tmp/package-root
rm -rf "$root"
for d in $debs; do
	out=$(dpkg-deb -x "$d" "$root" 2>&1)
	tap_result $? "package: dpkg-deb -x $(basename "$d")" "$out"
done
I=$root/usr/sbin/iopfctl
"$I" unload --all >/dev/null 2>&1

# --- iopfctl from the installed path ---
[ "$("$I" --version 2>&1)" = "iopfctl $version" ]
tap_result $? "package: installed iopfctl --version" "$("$I" --version 2>&1)"
expect_exit 0 "package: installed iopfctl list" "$I" list
expect_match '^observe ' "package: installed iopfctl policies lists the built-in ones" "$("$I" policies 2>&1)"
out=$($FIRE --devices 1 --setup "$I load quarantine --name pkgq --dev \$DEV0 --set deny=\$DEV0 >/dev/null &&
	$I list | grep -q '^pkgq '" 0:last:grpid=1 2>&1)
tap_result $? "package: installed iopfctl loads quarantine on a mock device" "$out"
expect_match 'handler=0 .*invalid=1' "package: ... and the policy answers the device's fault" "$out"
expect_exit 0 "package: installed iopfctl unload" "$I" unload pkgq
expect_no_match '^pkgq ' "package: ... and it is gone" "$("$I" list 2>&1)"

# --- the service's commands, as the unit runs them ---
unit=$root/lib/systemd/system/iopf-policies.service
svc() {	# svc start|reload|stop: the unit's Exec line for it, from the root
	local cmd
	cmd=$(sed -n "s/^Exec${1^}=//p" "$unit")
	[ "${cmd%% *}" = /usr/sbin/iopf-policies ] || { echo "Exec${1^}=$cmd" >&2; return 1; }
	# shellcheck disable=SC2086 # the command's words
	PATH=$root/usr/sbin:$PATH IOPF_POLICIES_CONF=$root/etc/iopf/policies.conf \
		IOPF_POLICIES_STATE=/tmp/package-state "$root"$cmd
}
out=$(svc start 2>&1)
tap_result $? "package: the service's start, with the shipped policies.conf" "$out"
expect_match '^observe ' "package: ... loads observe" "$("$I" list 2>&1)"
echo "storm_guard --name pkg_guard --set rate=10" >>"$root/etc/iopf/policies.conf"
out=$(svc reload 2>&1)
tap_result $? "package: the service's reload after an edit of policies.conf" "$out"
expect_match '^pkg_guard ' "package: ... loads the added line" "$("$I" list 2>&1)"
out=$(svc stop 2>&1)
tap_result $? "package: the service's stop" "$out"
expect_no_match '^(observe|pkg_guard) ' "package: ... unloads them" "$("$I" list 2>&1)"

"$I" unload --all >/dev/null 2>&1
rm -rf "$root" /tmp/package-state
tap_done
