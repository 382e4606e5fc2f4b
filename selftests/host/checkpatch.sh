#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Our kernel files and patches pass the 6.12 tree's checkpatch.pl --strict.
. "$(dirname "$0")/../../tools/lib/kvars.sh"
cp=$KPRISTINE/scripts/checkpatch.pl
if [ ! -x "$cp" ]; then
	echo "ok - checkpatch # SKIP no kernel tree at $KPRISTINE (run make kernel)"
	exit 0
fi
opts=(--strict --no-tree --quiet --show-types --ignore FILE_PATH_CHANGES)
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
cd "$REPO"
for f in $(find kernel/src include/uapi -name '*.[ch]' | sort); do
	check "$f" -f "$f"
done
# From stdin: given a path inside a git work tree, checkpatch reads the
# patch as a plain file
for p in kernel/patches/*.patch; do
	check "$(basename "$p")" - <"$p"
done
