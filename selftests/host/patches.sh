#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# per kernel: selftests/run runs it once for each kernel (IOPF_KERNEL)
# before the VM: kernel/build.sh debian-check builds, under the machine lock, which a VM run holds (selftests/run)
# The kernel side as a patch series: it applies to the pristine Debian
# tree, and drivers/iommu builds with it under Debian's own config
# (modules, Intel and AMD IOMMU built in, IOMMUFD off) with IOPF_BPF on.
# IOPF_KERNEL=7.3: the same for the 7.3 series and tree.
. "$(dirname "$0")/../../tools/lib/kvars.sh"
cd "$REPO"
if [ ! -f "$KPRISTINE/.iopf-extracted" ]; then
	echo "ok - patch series # SKIP no pristine tree (run make kernel)"
	exit 0
fi
out=build/patches/$IOPF_KERNEL
if ! msg=$(kernel/make-patches "$out" 2>&1); then
	echo "not ok - make patches writes the series"
	printf '%s\n' "$msg" | sed 's/^/#   /'
	exit 0
fi
echo "ok - make patches writes $(ls "$out"/*.patch | wc -l) patches"

# Apply to a copy of the pristine files the series touches
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
copy_pristine_touched "$tmp" "$out"/*.patch
ok=1
for p in "$out"/*.patch; do
	if ! msg=$(patch -d "$tmp" -p1 -s -f --no-backup-if-mismatch <"$p" 2>&1); then
		ok=
		printf '#   %s: %s\n' "$(basename "$p")" "$msg"
	fi
done
[ -n "$ok" ] && echo "ok - series applies to pristine $KVERSION" ||
	echo "not ok - series applies to pristine $KVERSION"

# Each new file we build with is what the series creates
differ=
for f in $(series_lines | awk '{ $1 = ""; print }'); do
	src=kernel/src/$f
	[ -f "$src" ] || src=$f
	cmp -s "$tmp/$f" "$src" || differ+=" $f"
done
[ -z "$differ" ] && echo "ok - series carries every new file as built" ||
	echo "not ok - series carries every new file as built (differ:$differ)"

if msg=$(kernel/build.sh debian-check 2>&1); then
	if printf '%s\n' "$msg" | grep -q 'io-pgfault-bpf.o\|drivers/iommu/built-in.a' ||
	   [ -f "$KCACHE/obj-debian/drivers/iommu/io-pgfault-bpf.o" ]; then
		echo "ok - drivers/iommu builds with Debian's config and IOPF_BPF=y"
	else
		echo "not ok - drivers/iommu builds with Debian's config and IOPF_BPF=y (framework not built)"
	fi
else
	echo "not ok - drivers/iommu builds with Debian's config and IOPF_BPF=y"
	printf '%s\n' "$msg" | grep -E 'error|Error' | head -n 20 | sed 's/^/#   /'
fi
