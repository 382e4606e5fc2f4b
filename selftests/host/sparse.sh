#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# per kernel: selftests/run runs it once for each kernel (IOPF_KERNEL)
# before the VM: it builds in the kernel tree, under the machine lock, which a VM run holds (selftests/run)
# sparse (make C=2) and W=1 add no warning: over our new files every
# warning counts; over the stock files the series patches, a warning counts
# only on a line the series added (the pristine lines keep whatever the
# kernel's own code gets).  A copy of our framework with one planted
# __user dereference must be flagged, so the check is known to parse our
# code.  Objects are built with the test kernel's .config in obj-w1, not in
# the test kernel's tree: W=1 changes the compile command, so kbuild would
# rebuild them in both.
. "$(dirname "$0")/../../tools/lib/kvars.sh"
cd "$REPO"
if [ ! -f "$KOBJ/.config" ] || [ ! -f "$KSRC/.iopf-overlay" ]; then
	echo "ok - sparse and W=1 # SKIP no kernel built (run make kernel)"
	exit 0
fi
if ! command -v sparse >/dev/null; then
	echo "not ok - sparse and W=1: no sparse (tools/install-deps installs it)"
	exit 0
fi
machine_lock sparse
W=$KCACHE/obj-w1
mkdir -p "$W"
tmp=$(mktemp -d)
plant=drivers/iommu/iopf-sparse-plant
trap 'rm -rf "$tmp"; rm -f "$KSRC/$plant.c" "$W/$plant.o"' EXIT

# The objects of every C file the series touches or adds under drivers/
# (the KUnit and hold-point files are included by io-pgfault-bpf.c)
mapfile -t cfiles < <(grep -E '^drivers/.*\.c$' "$KSRC/.iopf-overlay" |
	grep -v -- '-kunit\(-[a-z]*\)\?\.c$\|-hold\.c$' | sort)
objs=()
for f in "${cfiles[@]}"; do objs+=("${f%.c}.o"); done

if ! cmp -s "$KOBJ/.config" "$W/.config"; then
	cp "$KOBJ/.config" "$W/.config"
	make -s -C "$KSRC" O="$W" olddefconfig >/dev/null 2>&1
fi
# Compile them again every time: W=1 warns only when it compiles
for o in "${objs[@]}"; do rm -f "$W/$o"; done
# Every sparse and W=1 warning the kernel prints, one per line; the whole
# output in $tmp/out
warnings() {
	make -C "$KSRC" O="$W" C=2 W=1 -j"$(nproc)" "$@" >"$tmp/out" 2>&1
	grep -E '^[^ :]+:[0-9]+:([0-9]+:)? (warning|error):' "$tmp/out" |
		sed "s#^$KSRC/##; s#^\.\./src/##"
}
# The planted misuses (below) build in the same make run: a kbuild start
# costs several seconds.  Their lines go to $tmp/plant, not to our files'.
# Our framework plus a function that dereferences a __user pointer
# (sparse) and one that sets a variable it never reads (W=1's
# -Wunused-but-set-variable): each must be flagged, once.
{ cat "$KSRC/drivers/iommu/io-pgfault-bpf.c"
  printf '\nint iopf_sparse_plant(int __user *p);\nint iopf_sparse_plant(int __user *p)\n{\n\treturn *p;\n}\n'
  printf '\nint iopf_w1_plant(void);\nint iopf_w1_plant(void)\n{\n\tint set_only;\n\n\tset_only = 1;\n\treturn 0;\n}\n'
} >"$KSRC/$plant.c"
rm -f "$W/$plant.o"
warnings "${objs[@]}" "$plant.o" >"$tmp/both"
grep "^$plant\.c:" "$tmp/both" >"$tmp/plant"
grep -v "^$plant\.c:" "$tmp/both" | sort -u >"$tmp/all"
# 7.3's Makefile wants a newer sparse than Debian 12's 0.6.4 and runs none
what="sparse and W=1"
no_sparse=
if grep -q 'sparse is not available or not up to date' "$tmp/out"; then
	what="W=1"
	no_sparse="$(sparse --version 2>&1) is older than this tree's Makefile accepts: W=1 only"
fi
if ! [ -f "$W/drivers/iommu/io-pgfault-bpf.o" ]; then
	echo "not ok - sparse and W=1: the objects did not build"
	sed 's/^/#   /' "$tmp/all" | head -n 20
	exit 0
fi

# added FILE: the line numbers the series added to a stock FILE
added() {
	diff -U0 "$KPRISTINE/$1" "$KSRC/$1" |
		sed -n 's/^@@ -[0-9,]* +\([0-9]*\)\(,\([0-9]*\)\)\? @@.*/\1 \3/p' |
		while read -r start n; do
			seq "$start" $((start + ${n:-1} - 1))
		done
}
ours=$tmp/ours
: >"$ours"
while IFS=: read -r file line rest; do
	if [ -f "$KPRISTINE/$file" ]; then
		added "$file" | grep -qx "$line" || continue
	fi
	echo "$file:$line:$rest" >>"$ours"
done <"$tmp/all"
for f in "${cfiles[@]}"; do
	n=$(grep -c "^$f:" "$ours")
	[ "$n" = 0 ]; tap=$?
	[ $tap = 0 ] && echo "ok - $what: $f" ||
		{ echo "not ok - $what: $f ($n new)"; grep "^$f:" "$ours" | sed 's/^/#   /' | head -n 20; }
done
n=$(grep -vcE "^($(IFS='|'; echo "${cfiles[*]}")):" "$ours")
[ "$n" = 0 ] && echo "ok - $what: the headers and included files the series touches or adds" ||
	{ echo "not ok - $what: headers and included files ($n new)"; grep -vE "^($(IFS='|'; echo "${cfiles[*]}")):" "$ours" | sed 's/^/#   /' | head -n 20; }

n=$(grep -c "^$plant\.c:.*variable .\{1,3\}set_only.\{1,3\} set but not used" "$tmp/plant")
[ "$n" = 1 ] && echo "ok - W=1 flags a planted set-but-unused variable in our framework" ||
	echo "not ok - W=1 flags a planted set-but-unused variable in our framework (flagged $n times)"
if [ -n "$no_sparse" ]; then
	echo "ok - sparse flags a planted __user dereference in our framework # SKIP $no_sparse"
	exit 0
fi
n=$(grep -c "^$plant\.c:.*dereference of noderef expression" "$tmp/plant")
[ "$n" = 1 ] && echo "ok - sparse flags a planted __user dereference in our framework" ||
	echo "not ok - sparse flags a planted __user dereference in our framework (flagged $n times)"
