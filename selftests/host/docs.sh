#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Doc tests, host side (docs/testing.md, "Doc tests"): every fenced block of
# the tested documents carries a marker (selftests/lib/doctest.sh); the
# blocks marked `host` run here and their shown output is compared; C blocks
# are the files they quote or compile; every `make TARGET`, repository path,
# link to a heading, and iopfctl, iopf-fire or iopf-kbench option the
# documents name exists.
# The `vm` blocks run in selftests/vm/docs.sh.
#   selftests/host/docs.sh [DOC...]
cd "$(dirname "$0")/../.." || exit 1
. selftests/lib/tap.sh
. selftests/lib/doctest.sh
REPO=$PWD
export REPO
# The test kernel's BTF stands for a patched kernel's /sys/kernel/btf/vmlinux
VMLINUX=$(IOPF_KERNEL=6.12 bash -c '. tools/lib/kvars.sh && echo "$KOBJ/vmlinux"')
KSRC=$(IOPF_KERNEL=6.12 bash -c '. tools/lib/kvars.sh && echo "$KSRC"')
export VMLINUX
docs=${*:-$DOCTEST_DOCS}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
DOCTEST_SCRATCH=$work/scratch
mkdir -p "$DOCTEST_SCRATCH"
ln -s "$REPO/build" "$REPO/include" "$DOCTEST_SCRATCH/"
built=1
[ -x build/iopfctl ] && [ -f build/vmlinux.h ] || built=

# Makefile targets: the words before ':' of its rules
targets=" $(grep -E '^[a-zA-Z0-9][a-zA-Z0-9 ._-]*:([^=]|$)' Makefile | sed 's/:.*//' | tr '\n' ' ') "

# c_lines FILE: its C lines, comments, blank and `...` lines out, spaces squeezed
c_lines() {
	sed -E 's#//.*##; s#/\*.*\*/##g; s/[[:space:]]+/ /g; s/^ //; s/ $//' "$1" |
		grep -vE '^(\.\.\.)?$'
}

# excerpt SNIPPET FILE: every line of SNIPPET is a line of FILE, in order
excerpt() {
	awk 'NR == FNR { want[++n] = $0; next }
	     i < n && $0 == want[i + 1] { i++ }
	     END { if (i < n) { print "not found in order from: " want[i + 1]; exit 1 } }' \
		<(c_lines "$1") <(c_lines "$2")
}

# compile MARKER SNIPPET: clang-16 compiles it as a policy
compile() {
	local src=$work/compile.bpf.c after out fn
	if fn=$(doctest_opt "$1" decide); then
		printf '#include "iopf_common.bpf.h"\nchar LICENSE[] SEC("license") = "GPL";\n' >"$src"
		cat "$2" >>"$src"
		printf 'IOPF_POLICY(snippet) = { .decide = (void *)%s, .name = "snippet" };\n' "$fn" >>"$src"
	elif doctest_opt "$1" decide-body >/dev/null; then
		printf '#include "iopf_common.bpf.h"\nchar LICENSE[] SEC("license") = "GPL";\n' >"$src"
		printf 'SEC("struct_ops")\nint BPF_PROG(snippet_decide, IOPF_DECIDE_ARGS)\n{\n' >>"$src"
		cat "$2" >>"$src"
		printf '}\nIOPF_POLICY(snippet) = { .decide = (void *)snippet_decide, .name = "snippet" };\n' >>"$src"
	elif after=$(doctest_opt "$1" after); then
		if grep -q 'IOPF_POLICY(' "$2"; then
			sed '/^IOPF_POLICY(/,/^};/d' "$after" >"$src"
			cat "$2" >>"$src"
		else
			awk -v s="$2" '/^IOPF_POLICY\(/ { while ((getline l < s) > 0) print l }
				{ print }' "$after" >"$src"
		fi
	else
		cp "$2" "$src"
	fi
	out=$(clang-16 -g -O2 -target bpf -D__TARGET_ARCH_x86 -Wall -I build \
		-I build/libbpf/include -I include/iopf -c "$src" -o "$work/compile.o" 2>&1)
	local rc=$?
	[ $rc = 0 ] || printf '%s\n--- compiled:\n%s\n' "$out" "$(cat "$src")"
	return $rc
}

# The named checks of `checked-by` markers: checked_NAME MARKER BLOCK OUTPUT
# (OUTPUT: what the block printed, if it ran)

# make policy prints the command the guide shows
checked_make_policy_command() {
	local printed shown
	printed=$(make --no-print-directory policy SRC=docs/examples/deny_writes.bpf.c 2>&1 |
		grep clang-16 | sed -E "s#^ccache ##; s#$REPO/##g; s#-I([^ ])#-I \\1#g")
	shown=$(sed -E 's/\\$//' "$2" | tr '\n\t' '  ' | sed -E 's/ +/ /g; s/ $//')
	[ "$printed" = "$shown" ] && return 0
	printf 'make policy ran:  %s\nthe guide shows: %s\n' "$printed" "$shown"
	return 1
}

# The sysfs tree of policy-api.md: the files of the ABI file, no more
checked_sysfs_tree() {
	local abi=kernel/src/Documentation/ABI/testing/sysfs-kernel-iopf shown doc
	# the block's lines: "    DIR/  FILE FILE ..." and continuation lines
	shown=$(awk '/^\/sys/ { next }
		{ line = $0
		  if (match(line, /^ +[a-z<>\/]+\/ +/)) { dir = substr(line, RSTART, RLENGTH); gsub(/ /, "", dir); line = substr(line, RLENGTH + 1) }
		  n = split(line, w, " "); for (i = 1; i <= n; i++) print dir w[i] }' "$2" | sort)
	doc=$(sed -nE 's#^What:[[:space:]]+/sys/kernel/iopf/##p' "$abi" | grep -v '/$' | grep . | sort)
	[ "$shown" = "$doc" ] && return 0
	diff <(echo "$shown") <(echo "$doc") | sed 's/^</policy-api.md:/; s/^>/ABI file:/'
	return 1
}

# The kernel log formats of policy-api.md: the kernel's pr_info() (or
# pr_info_ratelimited()) formats
checked_log_formats() {
	local fmts line re missing=
	fmts=$(grep -h -A1 -E 'pr_info(_ratelimited)?\("policy %s ejected' kernel/src/drivers/iommu/io-pgfault-bpf.c |
		sed -nE 's/.*pr_info(_ratelimited)?\("(.*)\\n".*/iopf-bpf: \2/p')
	while IFS= read -r line; do
		# <placeholder> stands for a %s or %#x
		re=$(sed -E 's/[][().*^$|+?\\]/\\&/g; s/<[a-z]+>/%[#a-z]+/g' <<<"$line")
		grep -qxE -- "$re" <<<"$fmts" || missing+="no pr_info() format for: $line"$'\n'
	done <"$2"
	[ "$(wc -l <"$2")" = "$(wc -l <<<"$fmts")" ] || missing+="the kernel has $(wc -l <<<"$fmts") formats: $fmts"$'\n'
	[ -z "$missing" ] && return 0
	printf '%s' "$missing"
	return 1
}

# The iopf_decision line of policy-api.md: the event's TP_printk() keys
checked_tracepoint_format() {
	local shown kernel
	shown=$(grep -oE '[a-z_]+=' "$2" | tr '\n' ' ')
	kernel=$(sed -n '/^TRACE_EVENT(iopf_decision,/,/^);/p' kernel/src/include/trace/events/iopf_bpf.h |
		grep -A1 'TP_printk(' | grep -oE '[a-z_]+=' | tr '\n' ' ')
	[ -n "$kernel" ] && [ "$shown" = "$kernel" ] && return 0
	printf 'shown:  %s\nkernel: %s\n' "$shown" "$kernel"
	return 1
}

# The bench tables of performance.md: each row's label is printed by the
# benchmark's source (the numbers are a dated run's)
checked_bench_rows() {
	local label missing=
	while IFS= read -r label; do
		grep -qF -- "$label" tools/bench/iopf-kbench.c tools/bench/stock-row ||
			missing+="no row \"$label\" in tools/bench"$'\n'
	done < <(sed -nE 's/^ *([a-zA-Z][a-zA-Z0-9 ,:^=+()\/.-]*[a-zA-Z)])( {2,}| +[0-9]).*/\1/p' "$2" |
		sed -E 's/ +(median|p50|ns\/fault).*//; s/^(.*[a-z]) +[0-9.]+$/\1/' | sort -u)
	[ -z "$missing" ] && return 0
	printf '%s' "$missing"
	return 1
}

# iopfctl.md's synopsis: the command lines of `iopfctl --help`, in order
checked_usage_synopsis() {
	local usage
	usage=$(build/iopfctl --help | sed -nE 's/^(usage:)? +(iopfctl .*)/\2/p')
	[ -n "$usage" ] && [ "$usage" = "$(cat "$2")" ] && return 0
	diff <(cat "$2") <(echo "$usage") | sed 's/^</shown:/; s/^>/--help:/'
	return 1
}

# tracing.md's trace_pipe formats: each line "EVENT: FORMAT" is the event's
# TP_printk() format, an enum's names (a|b|c) standing for its %s
checked_trace_formats() {
	local ev fmt kernel bad=
	while read -r ev fmt; do
		ev=${ev%:}
		fmt=$(sed -E 's/=[a-z_]+(\|[a-z_]+)+/=%s/g' <<<"$fmt")
		kernel=$(sed -n "/^TRACE_EVENT($ev,/,/^);/p" kernel/src/include/trace/events/iopf.h \
			kernel/src/include/trace/events/iopf_bpf.h | grep -A1 'TP_printk(' | tr -d '\n\t' |
			sed -nE 's/.*TP_printk\("([^"]*)".*/\1/p')
		[ -n "$kernel" ] && [ "$fmt" = "$kernel" ] || bad+="$ev: shown \"$fmt\", kernel \"$kernel\""$'\n'
	done <"$2"
	[ -z "$bad" ] && return 0
	printf '%s' "$bad"
	return 1
}

# tracing.md's tool synopsis: each line is the usage the tool prints (-h),
# spaces squeezed
checked_bt_usage() {
	local line t usage bad=
	while read -r line; do
		t=${line%% *}
		usage=$(tools/$t -h | sed -n 's/^USAGE: //p')
		[ "$(tr -s ' ' <<<"$line")" = "$usage" ] || bad+="shown: $line"$'\n'"$t -h: $usage"$'\n'
	done <"$2"
	[ -z "$bad" ] && return 0
	printf '%s' "$bad"
	return 1
}

# tracing.md's EJECTED line: iopfpolicy.bt prints the time, then EJECTED
# and the same keys, from each of its two printf()s
checked_eject_format() {
	local shown keys bad=
	shown=$(grep -oE '[a-z]+=' "$2" | tr '\n' ' ')
	shown=${shown% }
	grep -q '^HH:MM:SS EJECTED ' "$2" || bad+="not HH:MM:SS EJECTED ...: $(cat "$2")"$'\n'
	grep -A1 'time("%H:%M:%S ");' tools/iopfpolicy.bt | grep -q 'if (' ||
		bad+="iopfpolicy.bt prints no time before it"$'\n'
	while read -r keys; do
		[ "$keys" = "$shown" ] || bad+="shown: $shown; iopfpolicy.bt: $keys"$'\n'
	done < <(grep -oE 'printf\("EJECTED [^"]*"' tools/iopfpolicy.bt |
		while read -r l; do grep -oE '[a-z]+=' <<<"$l" | tr '\n' ' '; echo; done)
	[ "$(grep -c 'printf("EJECTED ' tools/iopfpolicy.bt)" = 2 ] || bad+="not two EJECTED printf()s"$'\n'
	[ -z "$bad" ] && return 0
	printf '%s' "$bad"
	return 1
}

for doc in $docs; do
	d=$work/$(basename "$doc" .md)
	doctest_split "$doc" "$d"
	name=$(basename "$doc")
	# every block carries a marker this script knows
	bad=
	while IFS=$'\t' read -r n line lang marker; do
		kind=$(doctest_kind "$marker")
		case $kind in
		host|vm|output-of|make-targets|same-as|excerpt-of|compiles|file|checked-by) ;;
		illustration) [ -n "$(sed -E 's/^illustration:[[:space:]]*//' <<<"$marker")" ] ||
			bad+="$doc:$line: an illustration without its reason"$'\n' ;;
		'') bad+="$doc:$line: a fenced block (\`\`\`${lang#-}) without a doc-test or illustration marker"$'\n' ;;
		*) bad+="$doc:$line: unknown marker: $marker"$'\n' ;;
		esac
	done <"$d/index"
	[ -z "$bad" ]
	tap_result $? "docs: $name: every code block has a doc-test or illustration marker" "$bad"

	last_where= last_out= last_line=
	while IFS=$'\t' read -r n line lang marker; do
		kind=$(doctest_kind "$marker")
		blk=$d/$n
		at="docs: $name:$line:"
		case $kind in
		host)
			last_where=host last_line=$line last_out=$d/$n.out
			if [ -z "$built" ]; then
				echo "ok - $at runs on the host # SKIP not built (make userspace)"
				continue
			fi
			out=$(doctest_run "$marker" "$blk" "$last_out")
			tap_result $? "$at runs on the host" "$out"
			if c=$(doctest_opt "$marker" checked-by); then
				c=${c%% *}
				out=$("checked_${c//-/_}" "$marker" "$blk" "$last_out")
				tap_result $? "$at $c" "$out"
			fi ;;
		vm) last_where=vm last_line=$line ;;
		output-of)
			[ "$last_where" = host ] || continue
			[ -n "$built" ] || continue
			out=$(doctest_compare "$marker" "$blk" "$last_out")
			tap_result $? "$at the output of line $last_line, as shown" "$out" ;;
		make-targets)
			missing=
			for t in $(grep -oE '\bmake [a-z][a-z0-9.-]*' "$blk" | awk '{ print $2 }'); do
				[[ "$targets" == *" $t "* ]] || missing+=" $t"
			done
			[ -z "$missing" ]
			tap_result $? "$at each make target shown is a Makefile target" "not in the Makefile:$missing" ;;
		same-as)
			f=$(doctest_opt "$marker" same-as)
			out=$(diff "$blk" "$f")
			tap_result $? "$at the block is $f" "$out" ;;
		excerpt-of)
			f=$(doctest_opt "$marker" excerpt-of)
			out=$(excerpt "$blk" "$f")
			tap_result $? "$at the block's lines are in $f" "$out" ;;
		compiles)
			if [ -z "$built" ]; then
				echo "ok - $at compiles # SKIP not built (make userspace)"
				continue
			fi
			out=$(compile "$marker" "$blk")
			tap_result $? "$at compiles as a policy" "$out" ;;
		file) cp "$blk" "$DOCTEST_SCRATCH/$(doctest_opt "$marker" file)" ;;
		checked-by)
			c=$(doctest_opt "$marker" checked-by)
			c=${c%% *}
			[ "$(type -t "checked_${c//-/_}")" = function ] || continue	# a vm check
			if [ -z "$built" ] && [ "$c" = usage-synopsis ]; then
				echo "ok - $at $c # SKIP not built (make userspace)"
				continue
			fi
			out=$("checked_${c//-/_}" "$marker" "$blk" "")
			tap_result $? "$at $c" "$out" ;;
		esac
	done <"$d/index"

	# every `make TARGET` the document names, in its text too
	missing=
	for t in $(grep -oE '`make [a-z][a-z0-9.-]*' "$doc" | awk '{ print $2 }' | sort -u); do
		[[ "$targets" == *" $t "* ]] || missing+=" $t"
	done
	[ -z "$missing" ]
	tap_result $? "docs: $name: every \`make TARGET\` named is a Makefile target" "not in the Makefile:$missing"

	# every repository path it names exists: ours, the stock kernel's, or
	# one the build makes (under build/: made by now, or named by the build)
	missing=
	for p in $(grep -oE '`[a-zA-Z0-9_./<>*-]+`' "$doc" | tr -d '`' | sort -u); do
		case $p in
		*'<'*|*'*'*|*..*|/*|http*) continue ;;
		build/*)
			[ -e "$p" ] || [ -z "$built" ] && continue
			# the reader's own policy
			[[ "$p" == */my_* ]] && continue
			# named by the build with its kernel as a variable
			b=$(sed -E 's#/$##; s#-(6[.]12|7[.]3).*##' <<<"$p")
			grep -rqF -- "${b#build/}" Makefile ./*/Makefile.inc tools selftests kernel/*.sh 2>/dev/null && continue ;;
		kernel/*|include/*|bpf/*|user/*|selftests/*|tools/*|docs/*|drivers/*|lib/*|arch/*|Documentation/*)
			# ours, a test named without its .sh or .c, or the kernel's
			# (ours in kernel/src/, stock in the source tree)
			[ -e "$p" ] || [ -e "$p.sh" ] || [ -e "$p.c" ] || [ -e "kernel/src/$p" ] ||
				[ -e "$KSRC/$p" ] && continue
			[[ "$p" == kernel/* || "$p" == bpf/* || "$p" == user/* || "$p" == selftests/* ||
				"$p" == docs/* || -d "$KSRC" ]] || continue ;;
		*) continue ;;
		esac
		missing+=" $p"
	done
	[ -z "$missing" ]
	tap_result $? "docs: $name: every repository path named exists" "missing:$missing"

	# every link to a heading (FILE#anchor or #anchor) names one of that file's
	missing=
	while read -r target; do
		file=${target%%#*} anchor=${target#*#}
		[ -z "$file" ] && file=$doc || file=$(realpath -m --relative-to=. "$(dirname "$doc")/$file")
		[ -f "$file" ] || { missing+=" $target"; continue; }
		# GitHub's slugs: lower case, punctuation out, spaces to hyphens
		sed -n 's/^#\{1,6\} //p' "$file" | tr 'A-Z' 'a-z' | sed -E 's/[^a-z0-9 _-]//g; s/ /-/g' |
			grep -qx -- "$anchor" || missing+=" $target"
	done < <(grep -oE '\]\([^)#]*#[^)]+\)' "$doc" | sed -E 's/^\]\(//; s/\)$//' | grep -v '^http' | sort -u)
	[ -z "$missing" ]
	tap_result $? "docs: $name: every link to a heading names one" "no such heading:$missing"

	# every option of iopfctl, iopf-fire, iopf-kbench (and lintian) it names is one
	if [ -n "$built" ]; then
		missing=
		iopfctl_help=$(for c in load replace list show stats unload policies inspect events top; do build/iopfctl help $c; done
			build/iopfctl --help)
		while read -r tool opt; do
			case $tool in
			iopfctl) grep -qF -- "$opt" <<<"$iopfctl_help" ;;
			iopf-fire) grep -qF -- "\"$opt\"" tools/iopf-fire.c ;;
			iopf-kbench) grep -qF -- "\"${opt#--}\"," tools/bench/iopf-kbench.c ;;
			lintian) lintian --help 2>&1 | grep -qE -- "(^|[ ,])$opt([ ,=]|$)" ;;
			any) grep -qF -- "$opt" <<<"$iopfctl_help" || grep -qF -- "\"$opt\"" tools/iopf-fire.c ||
				grep -qF -- "\"${opt#--}\"," tools/bench/iopf-kbench.c ;;
			esac || missing+=" $tool $opt"
		done < <({ grep -oE '(iopfctl|iopf-fire|iopf-kbench|lintian)( [a-zA-Z0-9_.=/$:-]+| \.\.\.)* --[a-z][a-z-]*' "$doc"
			# an option on its own: one of any of the three
			grep -oE '`--[a-z][a-z-]*' "$doc" | sed 's/^`/any /'; } |
			awk '{ print $1, $NF }' | sort -u)
		[ -z "$missing" ]
		tap_result $? "docs: $name: every iopfctl, iopf-fire and iopf-kbench option named exists" "unknown:$missing"
	fi
done

# Claims checked against the source, where a run would cost too much for what
# it shows (docs/testing.md, "Documented claims and their tests"):
# "CLAIM|FILE|EXTENDED REGEX" (the regex must match a line of FILE)
while IFS='|' read -r claim file re; do
	grep -qE -- "$re" "$file"
	tap_result $? "docs: source: $claim" "no line of $file matches /$re/"
done <<'CLAIMS'
policy-api: at most 64 policies (IOPF_MAX_POLICIES)|kernel/src/include/linux/iopf_bpf.h|^#define IOPF_MAX_POLICIES[[:space:]]+64$
policy-api: the 65th attach fails with -ENOSPC|kernel/src/drivers/iommu/io-pgfault-bpf.c|nr_policies == IOPF_MAX_POLICIES\)$
policy-api: the 65th attach fails with -ENOSPC|kernel/src/drivers/iommu/io-pgfault-bpf.c|^[[:space:]]+ret = -ENOSPC;
policy-api, design: decide_budget_us is 2000 by default|kernel/src/drivers/iommu/io-pgfault-bpf.c|^static unsigned int iopf_bpf_budget_us = 2000;$
design: the test VM boots with a budget of 20000|tools/vm/run|iopf_bpf[.]decide_budget_us=20000
policy-api: the last 16 ejections|kernel/src/drivers/iommu/io-pgfault-bpf.h|^#define IOPF_NR_EJECTIONS[[:space:]]+16$
README: make check ends with "N passed, N failed"|selftests/run|echo "[$]pass passed, [$]fail failed"$
reliability: the dmesg gate fails the run with exit 126|tools/vm/run|^[[:space:]]+exit 126$
iopfctl: more than 64 --set: exit 1|user/cmd_load.c|if \(nr_sets == 64\)$
iopfctl: more than 64 --set: exit 1|user/cmd_load.c|return fail\(EXIT_USAGE, "too many --set"\);
iopfctl: a --dev name of at most 63 characters|include/iopf/libiopf.h|^#define IOPF_DEV_NAME_LEN[[:space:]]+64$
iopfctl: --set values decimal or 0x hex, no octal|user/lib/params.c|strtoull\(value, &end, strncmp\(value, "0x", 2\) \? 10 : 16\);
iopfctl: more than 16 other programs: exit 3|user/lib/internal.h|struct bpf_link \*links\[16\];
iopfctl: more than 16 other programs: exit 3|user/lib/policy.c|libiopf_err\("too many programs in %s"
iopfctl: more than 16 other programs: exit 3|user/cmd_load.c|err == -E2BIG [?] EXIT_BAD_OBJECT
iopfctl: top's interval is 0.1 to 3600 s|user/cmd_top.c|expected seconds, 0[.]1 to 3600
iopfctl: load, replace and unload take an flock on /sys/fs/bpf/iopf|user/lib/internal.h|^#define IOPF_PIN_ROOT "/sys/fs/bpf/iopf"$
iopfctl: load, replace and unload take an flock on /sys/fs/bpf/iopf|user/lib/pins.c|flock\(fd, LOCK_EX\)
install: iopf-bpf is amd64|tools/debian/control|^Architecture: amd64$
install: iopf-bpf-dev is amd64 and depends on iopf-bpf and libbpf-dev|tools/debian/control|^Depends: iopf-bpf [(]= [$][{]binary:Version[}][)], libbpf-dev, 
install: CONFIG_IOPF_BPF depends on IOMMU_IOPF, BPF_SYSCALL, BPF_JIT, DEBUG_INFO_BTF|kernel/src/drivers/iommu/iopf-bpf/Kconfig|^[[:space:]]+depends on IOMMU_IOPF && BPF_SYSCALL && BPF_JIT && DEBUG_INFO_BTF$
install, iopfctl: the udev rule in PREFIX/lib/udev/rules.d/60-iopf-policies.rules|Makefile|[$][(]PREFIX[)]/lib/udev/rules.d/60-iopf-policies.rules$
CLAIMS

# install.md: the new files of the feature patch are those its series
# line assigns to it (6.12's 0005; 7.3's 0004 is "as 6.12's 0005")
shown=$(grep '^| `0005-iommu-let-BPF' docs/install.md | grep -oE '`[^`]+`' | tr -d '`' |
	grep -E '[.][ch]$|/Kconfig$|/sysfs-kernel-iopf$' | xargs -rn1 basename | sort | tr '\n' ' ')
for k in 6.12 7.3; do
	series=$(sed -nE 's/^[0-9]+-iommu-let-BPF-policies[^ ]*[.]patch //p' kernel/patches/$k/series |
		tr ' ' '\n' | xargs -rn1 basename | sort | tr '\n' ' ')
	[ -n "$series" ] && [ "$shown" = "$series" ]
	tap_result $? "docs: install: the feature patch's new files, as kernel/patches/$k/series assigns them" \
		"install.md: $shown; series: $series"
done

# IOPF_KCACHE=DIR puts the one kernel's tree in DIR (README)
kc=$(IOPF_KCACHE=/nonexistent/kc IOPF_KERNEL=6.12 bash -c '. tools/lib/kvars.sh && echo "$KCACHE"')
[ "$kc" = /nonexistent/kc ]
tap_result $? "docs: README: IOPF_KCACHE=DIR puts the kernel's tree in DIR" "KCACHE=$kc"
# the VM scripts make check runs on the first kernel only, as testing.md lists them
listed=$(sed -n '/^`make check` builds everything/,/^$/p' docs/testing.md | grep -oE '`vm/[a-z_]+`' | tr -d '`' | sort | tr '\n' ' ')
headed=$(grep -l '^# user space' selftests/vm/*.sh | sed -E 's#selftests/(vm/[a-z_]+)[.]sh#\1#' | sort | tr '\n' ' ')
[ "$listed" = "$headed" ]
tap_result $? "docs: testing: the '# user space' VM scripts are the ones it lists" "listed: $listed; headed: $headed"
listed=$(sed -n '/^[A-Z][a-z]* VM scripts have the header `# on demand`/,/^$/p' docs/testing.md | grep -oE '`vm/[a-z_]+`' | tr -d '`' | sort -u | tr '\n' ' ')
headed=$(grep -l '^# on demand' selftests/vm/*.sh | sed -E 's#selftests/(vm/[a-z_]+)[.]sh#\1#' | sort | tr '\n' ' ')
[ -n "$listed" ] && [ "$listed" = "$headed" ]
tap_result $? "docs: testing: the '# on demand' VM scripts are the ones it lists" "listed: $listed; headed: $headed"
tap_done
