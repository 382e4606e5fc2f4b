#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# per kernel: selftests/run runs it once for each kernel (IOPF_KERNEL)
# The test kernel's .config has every option of kernel/iopf.config, and
# the check that enforces it catches a dropped option.
. "$(dirname "$0")/../../tools/lib/kvars.sh"
cd "$REPO"
if [ ! -f "$KOBJ/.config" ]; then
	echo "ok - kernel config # SKIP no kernel built (run make kernel)"
	exit 0
fi
# With IOPF_KERNEL=7.3, kernel/iopf-7.3.config too (merged after the first)
frags=kernel/iopf.config${KFRAGMENT_EXTRA:+ and ${KFRAGMENT_EXTRA#"$REPO/"}}
missing=0
while read -r line; do
	case "$line" in CONFIG_*=*) ;; *) continue ;; esac
	name=${line%%=*}
	# An option of the kernel's own fragment replaces the first one's
	[ -n "$KFRAGMENT_EXTRA" ] && grep -qE "^(# )?$name( is not set|=)" "$KFRAGMENT_EXTRA" &&
		! grep -qxF "$line" "$KFRAGMENT_EXTRA" && continue
	grep -qxF "$line" "$KOBJ/.config" || { echo "#   missing: $line"; missing=1; }
done < <(cat "$KFRAGMENT" $KFRAGMENT_EXTRA)
[ $missing = 0 ] && echo "ok - .config has every option of $frags" ||
	echo "not ok - .config has every option of $frags"

# A fragment asking for something olddefconfig cannot give must fail the build
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
{ cat "$KFRAGMENT"; echo "CONFIG_IOPF_BPF_DOES_NOT_EXIST=y"; } >"$tmp"
if KFRAGMENT="$tmp" kernel/build.sh verify-config >/dev/null 2>&1; then
	echo "not ok - a dropped option fails the kernel build"
else
	echo "ok - a dropped option fails the kernel build"
fi
for opt in CONFIG_IOPF_BPF=y CONFIG_IOMMU_IOPF=y CONFIG_PROVE_LOCKING=y CONFIG_IOMMUFD_TEST=y; do
	grep -qxF "$opt" "$KFRAGMENT" && echo "ok - fragment requires $opt" ||
		echo "not ok - fragment requires $opt"
done
