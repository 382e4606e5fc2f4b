#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The user side without the test kernel: make user against a patched
# kernel's vmlinux (the test kernel's, as a machine running it would have
# in /sys/kernel/btf/vmlinux), a clear failure against a kernel without
# iopf-bpf (this host's own BTF) or a missing file, and make install with
# DESTDIR and PREFIX: the files land where install.md says, and the
# installed iopfctl runs.
cd "$(dirname "$0")/../.." || exit 1
. selftests/lib/tap.sh
. tools/lib/kvars.sh
VMLINUX=$KOBJ/vmlinux
if [ ! -f "$VMLINUX" ]; then
	echo "ok - install: make user # SKIP no test kernel built to stand for a patched kernel's BTF"
	tap_done
fi
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT

out=$(make --no-print-directory user VMLINUX="$VMLINUX" 2>&1)
tap_result $? "install: make user VMLINUX=<a patched vmlinux> builds" "$(tail -n 5 <<<"$out")"
[ "$(build/user/iopfctl --version)" = "iopfctl $(cat VERSION)" ]
tap_result $? "install: build/user/iopfctl runs" "$(build/user/iopfctl --version 2>&1)"
missing=$(for f in bpf/*.bpf.c; do b=${f#bpf/}; [ -f "build/user/bpf/${b%.c}.o" ] || echo "$b"; done)
[ -z "$missing" ]; tap_result $? "install: an object for each policy in bpf/" "missing: $missing"

if build/bpftool/bpftool btf dump file /sys/kernel/btf/vmlinux format c 2>/dev/null | grep -q '^struct iopf_ops {'; then
	echo "ok - install: make user against a kernel without iopf-bpf # SKIP this host's kernel has iopf-bpf"
else
	out=$(make --no-print-directory user VMLINUX=/sys/kernel/btf/vmlinux 2>&1); rc=$?
	[ $rc != 0 ] && grep -q 'has no struct iopf_ops: that kernel has no iopf-bpf' <<<"$out"
	tap_result $? "install: make user against this host's BTF fails, naming what is missing" "exit $rc: $(tail -n 3 <<<"$out")"
	[ ! -e build/user/vmlinux.h ]; tap_result $? "install: ... and leaves no vmlinux.h of the wrong kernel"
fi
out=$(make --no-print-directory user VMLINUX=/nonexistent 2>&1); rc=$?
[ $rc != 0 ] && grep -q 'VMLINUX=/nonexistent: no such file' <<<"$out"
tap_result $? "install: make user with a missing VMLINUX names the file" "exit $rc: $(tail -n 3 <<<"$out")"

out=$(make --no-print-directory install VMLINUX="$VMLINUX" DESTDIR="$root" PREFIX=/usr 2>&1)
tap_result $? "install: make install DESTDIR PREFIX=/usr" "$(tail -n 5 <<<"$out")"
want="etc/iopf/policies.conf
etc/systemd/system/iopf-policies.service
usr/include/iopf/iopf_audit.h
usr/include/iopf/iopf_common.bpf.h
usr/include/iopf/libiopf.h
usr/lib/libiopf.so.1
usr/lib/pkgconfig/libiopf.pc
$(for f in bpf/*.bpf.c; do b=${f#bpf/}; echo "usr/lib/iopf-bpf/policies/${b%.c}.o"; done)
usr/lib/udev/rules.d/60-iopf-policies.rules
usr/sbin/iopf-policies
usr/sbin/iopfctl
usr/sbin/iopflat
usr/sbin/iopfpolicy
usr/sbin/iopfsnoop
usr/sbin/iopftop
usr/share/bash-completion/completions/iopfctl
$(for f in docs/examples/*.bpf.c; do echo "usr/share/iopf-bpf/examples/${f#docs/examples/}"; done)
$(for f in tools/*.bt; do echo "usr/share/iopf-bpf/tools/${f#tools/}"; done)
usr/share/man/man8/iopf-policies.8
usr/share/man/man8/iopfctl.8
$(for t in iopfsnoop iopftop iopflat iopfpolicy; do echo "usr/share/man/man8/$t.8"; done)"
have=$(cd "$root" && find . -type f | sed 's#^\./##' | sort)
[ "$have" = "$(sort <<<"$want")" ]; tap_result $? "install: exactly the expected files" "$(diff <(sort <<<"$want") <(echo "$have"))"
grep -q '^ExecStart=/usr/sbin/iopf-policies' "$root/etc/systemd/system/iopf-policies.service"
tap_result $? "install: the unit runs the service from PREFIX" "$(grep Exec "$root/etc/systemd/system/iopf-policies.service")"
[ "$("$root/usr/sbin/iopfctl" --version)" = "iopfctl $(cat VERSION)" ] &&
	"$root/usr/sbin/iopfctl" -j policies | jq -e "length == $(ls bpf/*.bpf.c | wc -l)" >/dev/null
tap_result $? "install: the installed iopfctl runs (--version, policies)"
# shellcheck disable=SC2016 # udev's $kernel, not the shell's
grep -q 'RUN+="/usr/sbin/iopf-policies attach $kernel"' "$root/usr/lib/udev/rules.d/60-iopf-policies.rules"
tap_result $? "install: the udev rule runs the service from PREFIX" "$(grep RUN "$root/usr/lib/udev/rules.d/60-iopf-policies.rules")"
# By name, the installed objects: PREFIX/lib/iopf-bpf/policies beside PREFIX/sbin
out=$("$root/usr/sbin/iopfctl" inspect storm_guard 2>&1)
[ "$(sed -n 's/^object: *//p' <<<"$out")" = "$root/usr/sbin/../lib/iopf-bpf/policies/storm_guard.bpf.o" ]
tap_result $? "install: the installed iopfctl finds a policy by name in PREFIX/lib/iopf-bpf/policies" "$out"
[ -x "$root/usr/share/iopf-bpf/tools/iopfsnoop.bt" ]; tap_result $? "install: the bpftrace tools are executable"
out=$(BPFTRACE=echo "$root/usr/sbin/iopftop" -d iommufd_mock0 -P none 2 3 2>&1)
[ "$out" = "$root/usr/sbin/../share/iopf-bpf/tools/iopftop.bt iommufd_mock0 4294967295 2 3" ]
tap_result $? "install: the installed wrappers run the installed .bt programs" "$out"
tap_done
