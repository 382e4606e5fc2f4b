#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# user space: make check runs it on the first kernel only (guest-tests)
# beside other tests: no fault, no policy (selftests/guest-tests)
#
# The Debian packages' life under dpkg, as a user installs them: dpkg
# installs, upgrades, removes and purges iopf-bpf and iopf-bpf-dev (built
# by host/package.sh: build/deb, and build/deb-next one version up).  The
# guest's root is the host's, read-only, and the test kernel has no
# overlayfs, so dpkg works on a root of its own in the guest's tmpfs
# (--root), with a database that has this system's status entries of the
# packages ours depend on, and runs the maintainer scripts on this system
# with DPKG_ROOT set (--force-script-chrootless: there is nothing to chroot
# into).  After each step the root holds exactly the files dpkg lists for
# the installed packages, and the service's enablement by
# deb-systemd-helper; after the purge, nothing.  The maintainer scripts
# start no service under DPKG_ROOT, so this attaches no policy: it runs
# beside the other tests; vm/package runs the packaged iopfctl and the
# service's commands.
cd "$(dirname "$0")/../.." || exit 1
. selftests/lib/tap.sh
. selftests/lib/package.sh
package_debs_built || tap_done

root=/tmp/package-dpkg-root
rm -rf "$root"
admin=$root/var/lib/dpkg
mkdir -p "$admin/info" "$admin/updates" "$admin/triggers" "$root/var/log"
# The directories of systemd's that deb-systemd-helper writes into (it
# leaves them, as on any system with systemd)
mkdir -p "$root/etc/systemd/system" "$root/var/lib/systemd"
touch "$admin/available"
# The status entries of what our packages depend on, from this system
deps=$(for d in $debs; do dpkg-deb -f "$d" Depends; done | tr ',' '\n' | sed 's/(.*//; s/ //g' | grep . | sort -u)
awk -v want=" $(echo $deps) " 'BEGIN { RS = ""; ORS = "\n\n" }
	{ if (match($0, /(^|\n)Package: [^\n]*/)) { p = substr($0, RSTART, RLENGTH); sub(/.*Package: /, "", p)
	  if (index(want, " " p " ")) print } }' /var/lib/dpkg/status >"$admin/status"
# ... with no files: dpkg warns about a missing list, not an empty one
for p in $deps; do
	touch "$admin/info/$p.list" "$admin/info/$p:amd64.list"
done
rootdpkg() {
	dpkg --root="$root" --force-script-chrootless --log="$root/var/log/dpkg.log" "$@"
}
status() {	# status PACKAGE: its version if installed, else its status
	dpkg-query --admindir="$admin" -W -f='${db:Status-Abbrev}${Version}' "$1" 2>/dev/null
}
# stray: the files in the root that no installed package lists, and the
# listed ones that are missing, less what deb-systemd-helper keeps of an
# enabled unit (given as the first argument: "enabled" or "")
stray() {
	local listed on_disk p
	listed=$(for p in iopf-bpf iopf-bpf-dev; do
		dpkg-query --admindir="$admin" -L "$p" 2>/dev/null
	done | while read -r p; do
		[ -d "$root$p" ] && [ ! -L "$root$p" ] && continue
		echo "${p#/}"
	done | sort -u)
	if [ "$1" = enabled ]; then
		listed=$(printf '%s\n' "$listed" etc/systemd/system/multi-user.target.wants/iopf-policies.service \
			var/lib/systemd/deb-systemd-helper-enabled/iopf-policies.service.dsh-also \
			var/lib/systemd/deb-systemd-helper-enabled/multi-user.target.wants/iopf-policies.service |
			grep . | sort -u)
	fi
	on_disk=$(cd "$root" && find . ! -type d | sed 's#^\./##' | grep -Ev '^var/(lib/dpkg|log)/' | sort)
	diff <(grep . <<<"$listed") <(grep . <<<"$on_disk") | grep '^[<>]'
}
dirs() {
	(cd "$root" && find . -mindepth 1 -type d | sed 's#^\./##' | grep -Ev '^var/lib/dpkg/' | sort)
}
dirs_before=$(dirs)
I=$root/usr/sbin/iopfctl

# --- install ---
out=$(rootdpkg -i $debs 2>&1)
tap_result $? "package: dpkg -i iopf-bpf iopf-bpf-dev $version" "$out"
[ "$(status iopf-bpf)" = "ii $version" ] && [ "$(status iopf-bpf-dev)" = "ii $version" ]
tap_result $? "package: both installed" "$(status iopf-bpf); $(status iopf-bpf-dev)"
[ -L "$root/etc/systemd/system/multi-user.target.wants/iopf-policies.service" ]
tap_result $? "package: the service is enabled (deb-systemd-helper)"
s=$(stray enabled); [ -z "$s" ]
tap_result $? "package: after install, the root holds exactly the packages' files" "$s"
[ "$("$I" --version 2>&1)" = "iopfctl $version" ]
tap_result $? "package: the installed iopfctl runs (--version)" "$("$I" --version 2>&1)"

# --- upgrade, the user's edit of the conffile kept ---
echo "storm_guard --name pkg_guard --set rate=10" >>"$root/etc/iopf/policies.conf"
out=$(rootdpkg -i $next_debs 2>&1)
tap_result $? "package: dpkg -i of $next upgrades" "$out"
[ "$(status iopf-bpf)" = "ii $next" ] && [ "$(status iopf-bpf-dev)" = "ii $next" ]
tap_result $? "package: both at $next" "$(status iopf-bpf); $(status iopf-bpf-dev)"
grep -q '^storm_guard --name pkg_guard' "$root/etc/iopf/policies.conf"
tap_result $? "package: the user's edit of policies.conf survives the upgrade"
s=$(stray enabled); [ -z "$s" ]
tap_result $? "package: after the upgrade, the root holds exactly the packages' files" "$s"
expect_exit 0 "package: the upgraded iopfctl runs (list)" "$I" list

# --- remove, then purge ---
out=$(rootdpkg -r iopf-bpf iopf-bpf-dev 2>&1)
tap_result $? "package: dpkg -r" "$out"
left=$(cd "$root" && find . ! -type d | sed 's#^\./##' | grep -Ev '^var/(lib/dpkg|log)/' | grep -v '^var/lib/systemd/deb-systemd-helper-enabled/' | sort)
[ "$left" = "etc/iopf/policies.conf
etc/systemd/system/multi-user.target.wants/iopf-policies.service" ]
tap_result $? "package: after remove, only the conffile and the unit's enablement are left" "$left"
out=$(rootdpkg -P iopf-bpf iopf-bpf-dev 2>&1)
tap_result $? "package: dpkg -P" "$out"
[ -z "$(status iopf-bpf)$(status iopf-bpf-dev)" ] || [ "$(status iopf-bpf | cut -c1-2)$(status iopf-bpf-dev | cut -c1-2)" = "unun" ]
tap_result $? "package: both purged" "$(status iopf-bpf); $(status iopf-bpf-dev)"
s=$(stray ""); d=$(diff <(echo "$dirs_before") <(dirs) | grep '^[<>]'); [ -z "$s$d" ]
tap_result $? "package: after the purge, no file and no directory is left" "$s$d"
rm -rf "$root"
tap_done
