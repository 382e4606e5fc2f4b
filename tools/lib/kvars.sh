# SPDX-License-Identifier: GPL-2.0
# Paths shared by the kernel build, the VM runner and the user-space build.
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
KTARBALL=${KTARBALL:-/usr/src/linux-source-6.12.tar.xz}
KVERSION=${KVERSION:-$(dpkg-query -W -f='${Version}' linux-source-6.12 2>/dev/null || echo unknown)}
# Outside the clone on purpose: see kernel/build.sh.
KCACHE=${IOPF_KCACHE:-/var/cache/iopf-bpf/linux-$KVERSION}
KPRISTINE=$KCACHE/pristine
KSRC=$KCACHE/src
KOBJ=$KCACHE/obj-test
KSRC_OVERLAY=$REPO/kernel/src
KPATCHES=$REPO/kernel/patches
KFRAGMENT=${KFRAGMENT:-$REPO/kernel/iopf.config}
KDEBCONFIG=${KDEBCONFIG:-/usr/src/linux-config-6.12/config.amd64_none_amd64.xz}
BZIMAGE=$KOBJ/arch/x86/boot/bzImage

# kernel/patches/series without comments: "PATCH [NEW-FILE...]" a line
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
	for v in REPO KVERSION KCACHE KSRC KOBJ BZIMAGE; do printf '%s=%s\n' "$v" "${!v}"; done
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
