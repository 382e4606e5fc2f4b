# SPDX-License-Identifier: GPL-2.0
# Paths shared by the kernel build, the VM runner and the user-space build.
#
# IOPF_KERNEL picks the kernel: 6.12 (default; Debian 12's linux-source-6.12)
# or 7.3 (trixie-backports' linux-source-7.3, fetched by tools/install-deps
# into /var/cache/iopf-bpf/apt/debs and extracted into $KCACHE/debs).
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
IOPF_KERNEL=${IOPF_KERNEL:-6.12}
# Where tools/install-deps keeps the backports packages (a private apt setup)
IOPF_APT=${IOPF_APT:-/var/cache/iopf-bpf/apt}
case "$IOPF_KERNEL" in
6.12)
	KTARBALL=${KTARBALL:-/usr/src/linux-source-6.12.tar.xz}
	KVERSION=${KVERSION:-$(dpkg-query -W -f='${Version}' linux-source-6.12 2>/dev/null || echo unknown)}
	KDEBCONFIG=${KDEBCONFIG:-/usr/src/linux-config-6.12/config.amd64_none_amd64.xz}
	;;
7.3)
	# The newest linux-source-7.3 that install-deps downloaded
	if [ -z "${KVERSION:-}" ]; then
		KVERSION=unknown
		kdeb=$(ls "$IOPF_APT"/debs/linux-source-7.3_*_all.deb 2>/dev/null | sort -V | tail -n 1)
		[ -z "$kdeb" ] || KVERSION=$(dpkg-deb -f "$kdeb" Version)
		unset kdeb
	fi
	KDEBS=/var/cache/iopf-bpf/linux-$KVERSION/debs
	KTARBALL=${KTARBALL:-$KDEBS/usr/src/linux-source-7.3.tar.xz}
	KDEBCONFIG=${KDEBCONFIG:-$KDEBS/usr/src/linux-config-7.3/config.amd64_none_amd64.xz}
	;;
*)
	echo "IOPF_KERNEL=$IOPF_KERNEL: want 6.12 or 7.3" >&2
	return 2 2>/dev/null || exit 2
	;;
esac
# Outside the clone on purpose: see kernel/build.sh.
KCACHE=${IOPF_KCACHE:-/var/cache/iopf-bpf/linux-$KVERSION}
KPRISTINE=$KCACHE/pristine
KSRC=$KCACHE/src
KOBJ=$KCACHE/obj-test
KSRC_OVERLAY=$REPO/kernel/src
KPATCHES=$REPO/kernel/patches/$IOPF_KERNEL
KFRAGMENT=${KFRAGMENT:-$REPO/kernel/iopf.config}
# Merged after KFRAGMENT; an option set in both takes this file's value
KFRAGMENT_EXTRA=${KFRAGMENT_EXTRA-$REPO/kernel/iopf-$IOPF_KERNEL.config}
[ -f "$KFRAGMENT_EXTRA" ] || KFRAGMENT_EXTRA=
BZIMAGE=$KOBJ/arch/x86/boot/bzImage
# The copy kernel/build.sh takes of it, in this clone, while it holds the
# machine lock: tools/vm/run boots it, so that a build from another clone
# or worktree, which shares $KOBJ, cannot swap the kernel between this
# clone's build and its boot
VM_BZIMAGE=$REPO/build/bzImage-$IOPF_KERNEL
# build/kobj and build/ksrc are the 6.12 tree (user space builds libbpf,
# bpftool and vmlinux.h from it); other kernels get build/kobj-<kernel>.
if [ "$IOPF_KERNEL" = 6.12 ]; then KLINK_SUFFIX=; else KLINK_SUFFIX=-$IOPF_KERNEL; fi

# The series without comments: "PATCH [NEW-FILE...]" a line
series_lines() {
	sed -e 's/#.*//' "$KPATCHES/series" | awk 'NF'
}

# The patch files, in series order
series_patches() {
	series_lines | while read -r p _; do echo "$KPATCHES/$p"; done
}

# copy_pristine_touched DIR PATCH...: the pristine version of every
# existing file the patches touch, copied into DIR
copy_pristine_touched() {
	local dir=$1 f
	shift
	sed -n 's#^+++ b/##p' "$@" | sort -u | while read -r f; do
		[ -f "$KPRISTINE/$f" ] || continue
		mkdir -p "$dir/$(dirname "$f")"
		cp -p "$KPRISTINE/$f" "$dir/$f"
	done
}

print_kvars() {
	local v
	for v in REPO IOPF_KERNEL KVERSION KCACHE KSRC KOBJ BZIMAGE KTARBALL KDEBCONFIG KPATCHES KFRAGMENT KFRAGMENT_EXTRA; do
		printf '%s=%s\n' "$v" "${!v}"
	done
}

# One kernel build or VM run at a time on this machine (2 cores; they share
# build/vm and the kernel cache): take the lock, waiting for a holder.
# IOPF_LOCK_HELD=1: a caller holds it already, for a series of runs.
machine_lock() {
	[ -z "${IOPF_LOCK_HELD:-}" ] || return 0
	exec 9>"${IOPF_LOCK:-/tmp/iopf-bpf.lock}"
	if ! flock -n 9; then
		echo "$1: waiting for another kernel build or VM run to finish" >&2
		flock 9
	fi
}
