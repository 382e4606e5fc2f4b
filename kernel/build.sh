#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the iopf-bpf test kernel from Debian's linux-source-6.12, or with
# IOPF_KERNEL=7.3 from trixie-backports' linux-source-7.3 (tools/lib/kvars.sh
# has the paths of each; kernel/patches/<kernel>/ is its series).
#
# The tree lives at a fixed path outside the clone (IOPF_KCACHE) so that
# ccache and make stay warm across clones: with -g, ccache hashes the build
# directory, so a tree at a new path would miss everything.
#
#   [IOPF_KERNEL=6.12|7.3] kernel/build.sh [tree|config|kernel|debian-check|vars]
#
# tree:          extract the pristine tree once, overlay kernel/src and apply
#                kernel/patches/<kernel>; files whose content did not change
#                keep their mtime, so make rebuilds only what we touched.
# config:        tree + merge kernel/iopf.config, then kernel/iopf-<kernel>.config
#                if there is one, onto tinyconfig; verify every line of both.
# kernel:        config + build bzImage (default).
# debian-check:  tree + build drivers/iommu with Debian's own config.
# verify-config: check the built .config against the fragments only.
# bench-kernel:  the same kernel without lockdep (PROVE_LOCKING, PROVE_RCU,
#                DEBUG_ATOMIC_SLEEP), in obj-bench, for make bench: lockdep
#                makes every lock and RCU section cost microseconds.
# debug-kernel:  the test kernel plus kernel/debug.config (KASAN, kmemleak,
#                DEBUG_OBJECTS), in obj-debug, for make check-debug.
# bench-nobpf-kernel: the benchmark kernel with CONFIG_IOPF_BPF=n, in
#                obj-bench-nobpf, for make bench's stock row.
# kcsan-kernel:  the test kernel plus kernel/kcsan.config (KCSAN), in
#                obj-kcsan, for make check-kcsan.
# nobpf-kernel:  the test kernel with CONFIG_IOPF_BPF=n (and so without its
#                KUnit tests), in obj-nobpf, for make check-nobpf.
# nobpf-object:  only drivers/iommu/io-pgfault.o of that kernel, in the same
#                obj-nobpf, for selftests/host/no_policy_code.sh.
# bisect-check:  the series as make patches writes it, applied one patch at
#                a time to the tree, each step built (bzImage, the test
#                kernel's config) in obj-bisect; the tree is restored after.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
. "$here/../tools/lib/kvars.sh"

log() { printf 'kernel: %s\n' "$*" >&2; }

extract_pristine() {
	[ -f "$KPRISTINE/.iopf-extracted" ] && return 0
	[ -f "$KTARBALL" ] || { log "missing $KTARBALL (package linux-source-$IOPF_KERNEL: run tools/install-deps)"; exit 1; }
	log "extracting $KTARBALL"
	rm -rf "$KPRISTINE.tmp"
	mkdir -p "$KPRISTINE.tmp"
	tar -xJf "$KTARBALL" -C "$KPRISTINE.tmp" --strip-components=1
	touch "$KPRISTINE.tmp/.iopf-extracted"
	rm -rf "$KPRISTINE"
	mv "$KPRISTINE.tmp" "$KPRISTINE"
}

# New files: kernel/src/ mirrors the tree.
overlay_files() {
	local f
	(cd "$KSRC_OVERLAY" && find . -type f ! -name '*~' | sed 's#^\./##') |
		while read -r f; do echo "$KSRC_OVERLAY/$f $f"; done
}

# Files the overlay owns: our new files plus every stock file a patch touches.
stage_overlay() {
	local stage=$1 p src rel
	copy_pristine_touched "$stage" $(series_patches)
	series_patches | while read -r p; do
		patch -d "$stage" -p1 -s -f --no-backup-if-mismatch <"$p" ||
			{ log "patch $(basename "$p") does not apply"; exit 1; }
	done
	overlay_files | while read -r src rel; do
		mkdir -p "$stage/$(dirname "$rel")"
		cp "$src" "$stage/$rel"
	done
}

# restore_pristine FILE: FILE of $KSRC as in the pristine tree (or gone if
# the tree has none).  A plain cp, not cp -p: the pristine file's old mtime
# would leave objects built from our version looking up to date.
restore_pristine() {
	if [ ! -f "$KPRISTINE/$1" ]; then
		rm -f "$KSRC/$1"
	elif ! cmp -s "$KPRISTINE/$1" "$KSRC/$1"; then
		cp "$KPRISTINE/$1" "$KSRC/$1"
	fi
}

sync_tree() {
	extract_pristine
	if [ ! -f "$KSRC/.iopf-copied" ]; then
		log "copying pristine tree to $KSRC"
		rm -rf "$KSRC"
		cp -a "$KPRISTINE" "$KSRC"
		touch "$KSRC/.iopf-copied"
	fi
	local stage manifest=$KSRC/.iopf-overlay f
	stage=$(mktemp -d)
	stage_overlay "$stage"
	# Files we overlaid before but no longer own go back to pristine.
	if [ -f "$manifest" ]; then
		while read -r f; do
			[ -e "$stage/$f" ] || restore_pristine "$f"
		done <"$manifest"
	fi
	(cd "$stage" && find . -type f | sed 's#^\./##' | sort) >"$manifest.new"
	while read -r f; do
		if ! cmp -s "$stage/$f" "$KSRC/$f"; then
			mkdir -p "$(dirname "$KSRC/$f")"
			cp "$stage/$f" "$KSRC/$f"
			log "updated $f"
		fi
	done <"$manifest.new"
	mv "$manifest.new" "$manifest"
	rm -rf "$stage"
}

# CCACHE_NOHASHDIR: the variants (obj-bench, obj-debug, obj-nobpf,
# obj-bisect) reuse obj-test's objects where the preprocessed source is the
# same; their debug info then names obj-test as the build directory.
kmake() {
	CCACHE_NOHASHDIR=1 make -C "$KSRC" O="$1" -j"$(nproc)" CC="ccache gcc" HOSTCC="ccache gcc" "${@:2}"
}

# The fragment a kernel is configured with: kernel/iopf.config, then the
# kernel's own fragment, whose options replace the same options of the
# first (so that every line left can be checked).  Just KFRAGMENT if the
# kernel has none.
merged_fragment() {
	local out=$KCACHE/iopf-merged.config
	if [ -z "$KFRAGMENT_EXTRA" ]; then
		echo "$KFRAGMENT"
		return
	fi
	mkdir -p "$KCACHE"
	awk 'FNR == NR {
		if (match($0, /^(# )?CONFIG_[A-Za-z0-9_]+/)) {
			o = substr($0, RSTART, RLENGTH); sub(/^# /, "", o); over[o] = 1
		}
		next
	}
	{
		o = ""
		if (match($0, /^(# )?CONFIG_[A-Za-z0-9_]+/)) {
			o = substr($0, RSTART, RLENGTH); sub(/^# /, "", o)
		}
		if (!(o in over)) print
	}' "$KFRAGMENT_EXTRA" "$KFRAGMENT" >"$out.tmp"
	cat "$KFRAGMENT_EXTRA" >>"$out.tmp"
	cmp -s "$out.tmp" "$out" || mv "$out.tmp" "$out"
	rm -f "$out.tmp"
	echo "$out"
}

# Every option in the fragment must survive olddefconfig.
verify_config() {
	local cfg=$1 frag=$2 line bad=0
	while read -r line; do
		case "$line" in CONFIG_*=*) ;; *) continue ;; esac
		grep -qxF "$line" "$cfg" || { log "config: $line was dropped"; bad=1; }
	done <"$frag"
	[ $bad = 0 ] || { log "required options missing from $cfg"; exit 1; }
}

make_config() {
	local stamp hash
	sync_tree
	mkdir -p "$KOBJ"
	hash=$(cat "$KFRAGMENT" "$KSRC/.iopf-overlay" | sha256sum | cut -c1-16)
	stamp=$KOBJ/.iopf-config-hash
	if [ ! -f "$KOBJ/.config" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$hash" ]; then
		log "generating .config"
		kmake "$KOBJ" tinyconfig >/dev/null
		"$KSRC/scripts/kconfig/merge_config.sh" -m -O "$KOBJ" "$KOBJ/.config" "$KFRAGMENT" >/dev/null
		kmake "$KOBJ" olddefconfig >/dev/null
		echo "$hash" >"$stamp"
	fi
	verify_config "$KOBJ/.config" "$KFRAGMENT"
}

# What a build of obj-test depends on beyond the pristine tree: the files
# the overlay owns (content), the .config and the compiler
build_inputs() {
	{
		(cd "$KSRC" && sha256sum $(cat .iopf-overlay))
		sha256sum <"$KOBJ/.config"
		gcc --version | head -n 1
	} | sha256sum | cut -c1-16
}

# up_to_date: obj-test holds a build of what $KSRC and .config are now: the
# stamp of its last build matches, and no file of the tree (say one edited
# by hand) changed after it
up_to_date() {
	local stamp=$KOBJ/.iopf-built
	[ -f "$BZIMAGE" ] && [ -f "$KOBJ/usr/include/linux/iopf_bpf.h" ] &&
		[ "$(cat "$stamp" 2>/dev/null)" = "$(build_inputs)" ] &&
		[ -z "$(find "$KSRC" -newer "$stamp" -type f ! -name '.iopf-*' -print -quit)" ]
}

build_kernel() {
	make_config
	local build_log=$REPO/build/kernel-build$KLINK_SUFFIX.log
	# A no-op kbuild run takes 8 s: skip it when nothing it reads changed
	if up_to_date; then
		ln -sfn "$KOBJ" "$REPO/build/kobj$KLINK_SUFFIX"
		ln -sfn "$KSRC" "$REPO/build/ksrc$KLINK_SUFFIX"
		cp "$BZIMAGE" "$VM_BZIMAGE"
		log "up to date: $BZIMAGE"
		return
	fi
	rm -f "$KOBJ/.iopf-built"
	# The stamp takes this time: a tree file edited during the build is newer
	touch "$KOBJ/.iopf-building"
	log "building bzImage in $KOBJ (log: ${build_log#"$REPO/"}; about 10 min cold, seconds warm)"
	# uapi headers (ours included) for the selftests and the loader
	if ! { kmake "$KOBJ" bzImage && kmake "$KOBJ" headers; } >"$build_log" 2>&1; then
		tail -n 40 "$build_log" >&2
		log "kernel build failed (full log: $build_log)"
		exit 1
	fi
	# After the build: syncconfig may have rewritten .config
	build_inputs >"$KOBJ/.iopf-built"
	touch -r "$KOBJ/.iopf-building" "$KOBJ/.iopf-built"
	ln -sfn "$KOBJ" "$REPO/build/kobj$KLINK_SUFFIX"
	ln -sfn "$KSRC" "$REPO/build/ksrc$KLINK_SUFFIX"
	cp "$BZIMAGE" "$VM_BZIMAGE"
	log "done: $KOBJ/arch/x86/boot/bzImage (booted as ${VM_BZIMAGE#"$REPO/"})"
}

# variant_config NAME FRAGMENT-FILTER: the test kernel's fragment put
# through FRAGMENT-FILTER (a command reading it on stdin), configured in
# obj-NAME (sets KOBJ)
variant_config() {
	local name=$1 frag
	shift
	KOBJ=$KCACHE/obj-$name
	mkdir -p "$KOBJ"
	frag=$KCACHE/iopf-$name.config
	"$@" <"$KFRAGMENT" >"$frag.tmp"
	cmp -s "$frag.tmp" "$frag" || mv "$frag.tmp" "$frag"
	rm -f "$frag.tmp"
	KFRAGMENT=$frag
	make_config
}

# variant_build NAME WHAT: build what variant_config configured; its log is
# build/kernel-NAME-build.log
variant_build() {
	local name=$1 what=$2 build_log
	build_log=$REPO/build/kernel-$name-build$KLINK_SUFFIX.log
	log "building $what in $KOBJ (log: ${build_log#"$REPO/"})"
	if ! kmake "$KOBJ" bzImage >"$build_log" 2>&1; then
		tail -n 40 "$build_log" >&2
		log "$name kernel build failed (full log: $build_log)"
		exit 1
	fi
	log "done: $KOBJ/arch/x86/boot/bzImage"
}

# build_variant NAME WHAT FRAGMENT-FILTER: both of the above
build_variant() {
	variant_config "$1" "${@:3}"
	variant_build "$1" "$2"
}

no_lockdep() {
	grep -vE '^CONFIG_(PROVE_LOCKING|PROVE_RCU|DEBUG_ATOMIC_SLEEP)='
}

with_debug() {
	cat - "$REPO/kernel/debug.config"
}

with_kcsan() {
	cat - "$REPO/kernel/kcsan.config"
}

# The option off, and every option that depends on it gone (its KUnit
# tests), so that each line left can be checked
without_iopf_bpf() {
	sed -e 's/^CONFIG_IOPF_BPF=y$/# CONFIG_IOPF_BPF is not set/' -e '/^CONFIG_IOPF_BPF_[A-Z0-9_]*=/d'
}

# The benchmark kernel with CONFIG_IOPF_BPF=n (make bench's stock row)
no_lockdep_without_iopf_bpf() {
	no_lockdep | without_iopf_bpf
}

nobpf_config() {
	variant_config nobpf without_iopf_bpf
	# Checked before the build: a kernel with the option on is no answer
	if grep -q '^CONFIG_IOPF_BPF' "$KOBJ/.config"; then
		log "nobpf: CONFIG_IOPF_BPF or an option of it is still set in $KOBJ/.config"
		exit 1
	fi
}

build_nobpf_kernel() {
	nobpf_config
	variant_build nobpf "the test kernel with CONFIG_IOPF_BPF=n"
}

build_nobpf_object() {
	local o=drivers/iommu/io-pgfault.o build_log
	nobpf_config
	build_log=$REPO/build/kernel-nobpf-object$KLINK_SUFFIX.log
	log "building $o in $KOBJ (log: ${build_log#"$REPO/"})"
	if ! kmake "$KOBJ" "$o" >"$build_log" 2>&1; then
		tail -n 40 "$build_log" >&2
		log "nobpf $o build failed (full log: $build_log)"
		exit 1
	fi
	log "done: $KOBJ/$o"
}

# Every patch of the series builds on its own: apply the standalone series
# (kernel/make-patches) one patch more at a time and build each step.
bisect_check() {
	local obj=$KCACHE/obj-bisect out=$REPO/build/patches/$IOPF_KERNEL
	local patches n i f step_log rc=0
	make_config
	IOPF_LOCK_HELD=1 "$here/make-patches" "$out" >/dev/null
	patches=("$out"/*.patch)
	mkdir -p "$obj"
	for ((n = 1; n <= ${#patches[@]}; n++)); do
		# Back to pristine: every file the series owns
		while read -r f; do
			restore_pristine "$f"
		done <"$KSRC/.iopf-overlay"
		for ((i = 0; i < n; i++)); do
			patch -d "$KSRC" -p1 -s -f --no-backup-if-mismatch <"${patches[i]}" ||
				{ log "bisect: $(basename "${patches[i]}") does not apply"; rc=1; break 2; }
		done
		# The test kernel's options; those a later patch adds drop out
		cp "$KOBJ/.config" "$obj/.config"
		step_log=$REPO/build/bisect-$IOPF_KERNEL-$n.log
		log "bisect: building with patches 1-$n of ${#patches[@]} (log: ${step_log#"$REPO/"})"
		# The objects are those of obj-test as far as they match
		if ! kmake "$obj" olddefconfig >"$step_log" 2>&1 ||
		   ! kmake "$obj" bzImage >>"$step_log" 2>&1; then
			tail -n 20 "$step_log" >&2
			log "bisect: patches 1-$n do not build"
			rc=1
			break
		fi
		log "bisect: patches 1-$n build ($(grep -c '^CONFIG_IOPF_BPF=y' "$obj/.config") IOPF_BPF)"
	done
	sync_tree
	return $rc
}

debian_check() {
	local obj=$KCACHE/obj-debian
	sync_tree
	mkdir -p "$obj"
	xz -dc "$KDEBCONFIG" >"$obj/.config"
	printf 'CONFIG_IOPF_BPF=y\n' >>"$obj/.config"
	# No signing keys or module tooling needed for a compile check.
	sed -i -e 's/^CONFIG_SYSTEM_TRUSTED_KEYS=.*/CONFIG_SYSTEM_TRUSTED_KEYS=""/' \
		-e 's/^CONFIG_MODULE_SIG_KEY=.*/CONFIG_MODULE_SIG_KEY=""/' \
		-e 's/^CONFIG_SYSTEM_REVOCATION_KEYS=.*/CONFIG_SYSTEM_REVOCATION_KEYS=""/' "$obj/.config"
	kmake "$obj" olddefconfig >/dev/null
	grep -qx 'CONFIG_IOPF_BPF=y' "$obj/.config" || { log "debian config: IOPF_BPF not selectable"; exit 1; }
	grep -q '^CONFIG_IOMMUFD=y' "$obj/.config" && { log "debian config unexpectedly has IOMMUFD=y"; exit 1; }
	kmake "$obj" prepare >/dev/null
	kmake "$obj" drivers/iommu/
}

mkdir -p "$REPO/build"
KFRAGMENT=$(merged_fragment)
case "${1:-kernel}" in
tree | config | kernel | debian-check | bench-kernel | debug-kernel | kcsan-kernel | nobpf-kernel | nobpf-object | bench-nobpf-kernel | bisect-check) machine_lock kernel ;;
esac
case "${1:-kernel}" in
tree) sync_tree ;;
config) make_config ;;
kernel) build_kernel ;;
debian-check) debian_check ;;
verify-config) verify_config "$KOBJ/.config" "$KFRAGMENT" ;;
bench-kernel) build_variant bench "the benchmark kernel" no_lockdep ;;
debug-kernel) build_variant debug "the debug kernel (about 9 min cold)" with_debug ;;
kcsan-kernel) build_variant kcsan "the KCSAN kernel" with_kcsan ;;
bench-nobpf-kernel) build_variant bench-nobpf "the benchmark kernel with CONFIG_IOPF_BPF=n" no_lockdep_without_iopf_bpf ;;
nobpf-kernel) build_nobpf_kernel ;;
nobpf-object) build_nobpf_object ;;
bisect-check) bisect_check ;;
vars) print_kvars ;;
*) log "unknown step $1"; exit 2 ;;
esac
