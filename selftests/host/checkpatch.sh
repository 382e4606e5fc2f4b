#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Our kernel files and each kernel's patch series pass checkpatch.pl
# --strict: the 6.12 tree's for the 6.12 series, the 7.3 tree's for the 7.3
# series, and both for the new files the two series share.
cd "$(dirname "$0")/../.." || exit 1
# UNKNOWN_COMMIT_ID: Debian's kernel source has no git history to look a Fixes: id up in
opts=(--strict --no-tree --quiet --show-types --ignore FILE_PATH_CHANGES,UNKNOWN_COMMIT_ID)
check() {
	local what=$1 out
	shift
	if out=$("$cp" "${opts[@]}" "$@" 2>&1); then
		echo "ok - checkpatch $what"
	else
		echo "not ok - checkpatch $what"
		printf '%s\n' "$out" | sed 's/^/#   /' | head -n 40
	fi
}
for kernel in 6.12 7.3; do
	(
	IOPF_KERNEL=$kernel . tools/lib/kvars.sh
	# 6.12's lines keep the names they had before there were two kernels
	[ "$kernel" = 6.12 ] && tag= || tag="$kernel "
	cp=$KPRISTINE/scripts/checkpatch.pl
	if [ ! -x "$cp" ]; then
		echo "ok - checkpatch ${tag}# SKIP no $kernel tree at $KPRISTINE (run IOPF_KERNEL=$kernel make kernel)"
		exit 0
	fi
	for f in $(find kernel/src -name '*.[ch]' | sort); do
		check "$tag$f" -f "$f"
	done
	# From stdin: given a path inside a git work tree, checkpatch reads the
	# patch as a plain file
	for p in "$KPATCHES"/*.patch; do
		[ -f "$p" ] || continue
		check "$tag$(basename "$p")" - <"$p"
	done
	)
done
