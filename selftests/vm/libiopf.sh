#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# user space: make check runs it on the first kernel only (guest-tests)
# on demand: 18-20 s in the guest (2026-12-07), over make check's budget
# (host/libiopf, and vm/tenant's VMM on libiopf.so, stay in it); make
# check-full runs it
#
# libiopf in the test VM, through a program linked against libiopf.so
# alone (selftests/libiopf/client.c): a built-in policy loaded, attached
# to all devices, listed, its counters read and detached; attached to one
# mock device, pinned, ejected with the device, unloaded; attached to all
# devices, pinned, counting the faults fired, seen by iopfctl, unloaded;
# and a tenant scope on a kernel without one refused; the same for a
# fault-queue scope; a PASID scope accepted where the kernel's BTF has it,
# and at attach refused by 6.12 (-EOPNOTSUPP, said), taken by 7.3 as far
# as its fd (not an iommufd: -EBADFD).
cd "$(dirname "$0")/../.." || exit 1
. selftests/lib/tap.sh
C=build/selftests/libiopf/client
I=build/iopfctl
FIRE=${IOPF_FIRE:-build/iopf-fire}
$I unload --all >/dev/null 2>&1
if [ ! -x "$C" ]; then
	tap_result 1 "libiopf: the client is built ($C)"
	tap_done
fi
val() {	# val KEY OUTPUT: the value of KEY=VALUE
	sed -n "s/^$1=//p" <<<"$2" | head -n 1
}

# --- all devices, not pinned: attached while the handle is open ---
out=$($C cycle lib_all); rc=$?
tap_result $rc "libiopf: open, attach, list, stats, detach of a built-in policy (exit 0)" "$out"
[ "$(val open "$out")" = 0 ] && [ "$(val attach "$out")" = 0 ]
tap_result $? "libiopf: observe opened by name and attached to all devices" "$out"
[ "$(val list_scope "$out")" = '*' ] && [ "$(val list_state "$out")" = live ]
tap_result $? "libiopf: listed with scope * and live" "$out"
[ "$(val list_tenant "$out")" = 0 ]
tap_result $? "libiopf: listed as a host policy (tenant 0)" "$out"
[ "$(val get "$out")" = 0 ] && [ "$(val state "$out")" = live ] && [ -n "$(val calls "$out")" ]
tap_result $? "libiopf: its stats read by name" "$out"
[ "$(val link_fd_ok "$out")" = 1 ]; tap_result $? "libiopf: the link's fd while attached" "$out"
[ "$(val detach "$out")" = 0 ] && [ "$(val after_detach "$out")" = -2 ]
tap_result $? "libiopf: detached: no longer listed (-ENOENT)" "$out"
[ ! -e /sys/fs/bpf/iopf/lib_all ]; tap_result $? "libiopf: not pinned: nothing left under /sys/fs/bpf/iopf"

# --- one device, pinned: stays attached until its device goes ---
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fired=$($FIRE --devices 2 --setup "$C device lib_dev \$DEV0 >$tmp/dev.out; echo \$DEV0 >$tmp/dev.name" \
	0:last:grpid=1 1:last:grpid=2 2>&1)
out=$(cat "$tmp/dev.out" 2>/dev/null)
dev=$(cat "$tmp/dev.name" 2>/dev/null)
[ "$(val attach "$out")" = 0 ] && [ -n "$dev" ] && [ "$(val list_scope "$out")" = "$dev" ] &&
	[ "$(val list_state "$out")" = live ]
tap_result $? "libiopf: attached to one device ($dev), listed live with it as scope" "$out / $fired"
# iopf-fire removed its devices when it ended: the kernel ejected the policy
expect_match "lib_dev: device-removed \\(device $dev\\)" \
	"libiopf: the policy the library attached to the device was consulted there, and ejected with it" "$($I list)"
[ -e /sys/fs/bpf/iopf/lib_dev/link ]; tap_result $? "libiopf: its pins under /sys/fs/bpf/iopf/lib_dev stay until unload"
out=$($C unload lib_dev); rc=$?
[ $rc = 0 ] && [ "$(val unload "$out")" -gt 0 ] && [ ! -e /sys/fs/bpf/iopf/lib_dev ]
tap_result $? "libiopf: iopf_unload of the ejected policy removes its pins" "exit $rc: $out"

# --- all devices, pinned: stays attached after the program exits, counts ---
out=$($C device lib_glob '*'); rc=$?
[ $rc = 0 ] && [ "$(val list_scope "$out")" = '*' ]
tap_result $? "libiopf: attached to all devices, pinned" "exit $rc: $out"
[ -e /sys/fs/bpf/iopf/lib_glob/link ]; tap_result $? "libiopf: pinned under /sys/fs/bpf/iopf/lib_glob"
fired=$($FIRE --devices 2 0:last:grpid=1 0:last:grpid=2 1:last:grpid=3 2>&1)
out=$($C stats lib_glob); rc=$?
[ $rc = 0 ] && [ "$(val state "$out")" = live ] && [ "$(val calls "$out")" = 3 ]
tap_result $? "libiopf: after the program exited, still attached; stats: 3 calls for the 3 faults fired" \
	"exit $rc: $out / $fired"
expect_match '^lib_glob +\* +[0-9]+ live' "libiopf: iopfctl list shows the policy the library attached" "$($I list)"
out=$($C unload lib_glob); rc=$?
[ $rc = 0 ] && [ "$(val unload "$out")" = 1 ]
tap_result $? "libiopf: iopf_unload detaches it (IOPF_UNLOAD_DETACHED)" "exit $rc: $out"
out=$($C stats lib_glob)
[ "$(val get "$out")" = -2 ] && [ ! -e /sys/fs/bpf/iopf/lib_glob ]
tap_result $? "libiopf: gone, pins and all" "$out"
out=$($C unload lib_glob)
[ "$(val unload "$out")" = -2 ]; tap_result $? "libiopf: unloading it again: -ENOENT" "$out"

# --- a tenant scope ---
out=$($C tenant)
if build/bpftool/bpftool btf dump file /sys/kernel/btf/vmlinux 2>/dev/null |
	sed -n "/^\[[0-9]*\] STRUCT 'iopf_ops'/,/^\[/p" | grep -q "'dev_id'"; then
	[ "$(val tenant_scope "$out")" = 0 ]
	tap_result $? "libiopf: a tenant scope is accepted on a kernel that has one" "$out"
else
	[ "$(val tenant_scope "$out")" = -95 ] && grep -q 'no tenant scope' <<<"$out"
	tap_result $? "libiopf: a tenant scope on a kernel without one: -EOPNOTSUPP, said" "$out"
fi

# --- a fault-queue scope ---
out=$($C queue)
if build/bpftool/bpftool btf dump file /sys/kernel/btf/vmlinux 2>/dev/null |
	sed -n "/^\[[0-9]*\] STRUCT 'iopf_ops'/,/^\[/p" | grep -q "'fault_id'"; then
	[ "$(val queue_scope "$out")" = 0 ] && [ "$(val queue_validate "$out")" = 0 ]
	tap_result $? "libiopf: a fault-queue scope is accepted on a kernel that has one, its value too" "$out"
else
	[ "$(val queue_scope "$out")" = -95 ] && grep -q 'no fault-queue scope' <<<"$out"
	tap_result $? "libiopf: a fault-queue scope on a kernel without one: -EOPNOTSUPP, said" "$out"
fi
# --- a PASID scope ---
# Both kernels' BTF has the member; 6.12's iommufd attaches no PASID, so
# its kernel refuses the scope at attach, before it looks at the fd
out=$($C pasid)
if build/bpftool/bpftool btf dump file /sys/kernel/btf/vmlinux 2>/dev/null |
	sed -n "/^\[[0-9]*\] STRUCT 'iopf_ops'/,/^\[/p" | grep -q "'pasid'"; then
	[ "$(val pasid_scope "$out")" = 0 ] && [ "$(val pasid_validate "$out")" = 0 ]
	tap_result $? "libiopf: a PASID scope is accepted where the kernel's BTF has one, its value too" "$out"
	case $(uname -r) in
	6.12*)
		[ "$(val pasid_attach "$out")" = -95 ] && grep -q 'no PASID scope: its iommufd attaches no PASID' <<<"$out"
		tap_result $? "libiopf: ... and 6.12 refuses it at attach: -EOPNOTSUPP, said (its iommufd attaches no PASID)" "$out";;
	*)
		[ "$(val pasid_attach "$out")" = -77 ]
		tap_result $? "libiopf: ... and $(uname -r) takes it at attach as far as its fd: not an iommufd, -EBADFD" "$out";;
	esac
else
	[ "$(val pasid_scope "$out")" = -95 ] && grep -q 'no PASID scope' <<<"$out"
	tap_result $? "libiopf: a PASID scope on a kernel without one: -EOPNOTSUPP, said" "$out"
fi
$I unload --all >/dev/null 2>&1
tap_done
