# SPDX-License-Identifier: GPL-2.0
#
# The doc tests' common part (selftests/host/docs.sh, selftests/vm/docs.sh):
# every fenced block of a tested document carries a marker, an HTML comment
# on the line before it (blank lines between are allowed), which says how the
# block is tested.  See "Doc tests" in docs/testing.md.
#
#   <!-- doc-test: host [; OPTION]... -->   run the block here (bash -e, repo root)
#   <!-- doc-test: vm [; OPTION]... -->     run it in the test VM (vm/docs)
#   <!-- doc-test: output-of previous [; normalize NAME[, NAME]] [; contains] -->
#                     the output of the last block run, as shown (contains:
#                     each line shown is a line of the output)
#   <!-- doc-test: make-targets -->         not run (whole suites, a shell):
#                     each `make TARGET` in it is a Makefile target
#   <!-- doc-test: same-as PATH -->         the block is the file
#   <!-- doc-test: excerpt-of PATH -->      its lines are lines of the file, in
#                     order (spaces, comments and `...` lines aside)
#   <!-- doc-test: compiles [; decide-body] [; decide FN] [; after PATH] -->
#                     clang-16 compiles it as a policy (decide-body: inside a
#                     decide(); decide FN: it defines decide FN; after PATH: appended to that policy, whose
#                     IOPF_POLICY() goes if the block has its own)
#   <!-- doc-test: file NAME -->            saved as NAME for later host blocks
#   <!-- doc-test: checked-by NAME -->      a named check of the test script
#   <!-- illustration: WHY -->              not tested, and why
# Run options: `setup CMD` (run first, in the same script), `cleanup CMD`
# (run after, its output and status ignored), `replace TEXT by TEXT` (before running; TEXT may name
# $REPO, $VMLINUX), `exit N` (the status it must end with), `scratch` (run
# in a scratch directory holding the `file` blocks and links to build/ and
# include/), `checked-by NAME` (a named check after it runs).

# The tested documents (the man pages: selftests/host/tracing_tools.sh)
DOCTEST_DOCS="README.md docs/design.md docs/policy-api.md docs/writing-policies.md docs/reliability.md docs/performance.md docs/iopfctl.md docs/tracing.md docs/install.md docs/libiopf.md docs/tenant.md"
# Those whose VM blocks take minutes under TCG (iopfctl, bpftrace, clang):
# vm/docs_more runs them, on demand; their host side stays in make check
DOCTEST_VM_MORE="docs/iopfctl.md docs/tracing.md docs/install.md"

# The documents vm/docs runs the VM blocks of
doctest_vm_docs() {
	local d
	for d in $DOCTEST_DOCS; do
		case " $DOCTEST_VM_MORE " in *" $d "*) continue ;; esac
		echo "$d"
	done
}

# doctest_split DOC DIR: DIR/index gets "N<TAB>LINE<TAB>LANG<TAB>MARKER"
# for each fenced block of DOC, DIR/N its text (the fence's indent removed)
doctest_split() {
	mkdir -p "$2"
	awk -v dir="$2" '
	function trim(s) { sub(/^[ \t]+/, "", s); sub(/[ \t]+$/, "", s); return s }
	!inblk && /^[ \t]*```/ {
		ind = match($0, /[^ \t]/) - 1
		lang = $0; sub(/^[ \t]*```+/, "", lang); lang = trim(lang)
		n++; inblk = 1; start = NR
		printf "%d\t%d\t%s\t%s\n", n, NR, (lang == "" ? "-" : lang), marker > (dir "/index")
		out = dir "/" n; printf "" > out
		marker = ""
		next
	}
	inblk && /^[ \t]*```[ \t]*$/ { inblk = 0; close(out); last = ""; next }
	inblk { s = $0; if (substr(s, 1, ind) ~ /^[ \t]*$/) s = substr(s, ind + 1); print s > out; next }
	/^[ \t]*$/ { next }
	{
		marker = ""
		if (match($0, /<!--[ \t]*(doc-test|illustration):.*-->/)) {
			m = substr($0, RSTART + 4, RLENGTH - 7)
			marker = trim(m)
		}
	}
	' "$1"
	touch "$2/index"
}

# doctest_opt MARKER NAME: the value of option NAME in MARKER ("" if it has
# it without a value); status 1 if it has none
doctest_opt() {
	local IFS=';' part
	for part in $1; do
		part=$(sed -E 's/^[[:space:]]*(doc-test:)?[[:space:]]*//; s/[[:space:]]+$//' <<<"$part")
		case $part in
		"$2") echo; return 0 ;;
		"$2 "*) echo "${part#"$2 "}"; return 0 ;;
		esac
	done
	return 1
}

# doctest_kind MARKER: host, vm, output-of, make-targets, same-as, excerpt-of,
# compiles, file, checked-by, illustration, or "" (no marker)
doctest_kind() {
	case $1 in
	illustration:*) echo illustration ;;
	doc-test:*)
		local k=${1#doc-test:}
		k=${k%%;*}
		k=$(sed -E 's/^[[:space:]]+//' <<<"$k")
		echo "${k%% *}" ;;
	esac
}

# Normalizers: what must vary run to run, named next to each block.
# doctest_normalize NAMES: stdin to stdout, trailing spaces dropped
doctest_normalize() {
	local sed_args=(-E -e 's/[[:space:]]+$//') n
	for n in $(tr ',' ' ' <<<"$1"); do
		case $n in
		mock-number) sed_args+=(-e 's/iommufd_mock[0-9]+/iommufd_mockN/g') ;;
		order) sed_args+=(-e 's/order [0-9]+/order N/g') ;;
		time) sed_args+=(-e 's/[0-9]{4}-[0-9]{2}-[0-9]{2}[ T][0-9]{2}:[0-9]{2}:[0-9]{2}([.,][0-9]+)?([+-][0-9]{2}:?[0-9]{2}|Z)?/TIME/g') ;;
		dmesg-time) sed_args+=(-e 's/^\[ *[0-9]+\.[0-9]+\] //') ;;
		link-id) sed_args+=(-e 's/link [0-9]+/link N/g') ;;
		btf-id) sed_args+=(-e 's/^\[[0-9]+\] /[NNNNN] /') ;;
		# the clone's path, as the documents write it
		repo) sed_args+=(-e "s#${REPO:?}/#/path/to/iopf-bpf/#g") ;;
		# every number, and the spaces that align them: the form alone
		numbers) sed_args+=(-e 's/[0-9]+/N/g' -e 's/ +/ /g') ;;
		*) echo "doctest: unknown normalizer $n" >&2; return 1 ;;
		esac
	done
	sed "${sed_args[@]}"
}

# doctest_compare MARKER SHOWN ACTUAL: the shown output (file) against the
# actual one (file) as MARKER says; prints the difference
doctest_compare() {
	local norm shown actual
	norm=$(doctest_opt "$1" normalize) || norm=
	shown=$(doctest_normalize "$norm" <"$2") || return 1
	actual=$(doctest_normalize "$norm" <"$3") || return 1
	if doctest_opt "$1" contains >/dev/null; then
		local line missing=
		while IFS= read -r line; do
			[ -z "$line" ] && continue
			grep -qxF -- "$line" <<<"$actual" || missing+="not in the output: $line"$'\n'
		done <<<"$shown"
		[ -z "$missing" ] && return 0
		printf '%sthe output:\n%s\n' "$missing" "$actual"
		return 1
	fi
	[ "$shown" = "$actual" ] && return 0
	diff <(echo "$shown") <(echo "$actual") | sed 's/^</shown:/; s/^>/actual:/'
	return 1
}

# doctest_prepare MARKER BLOCK-FILE OUT-FILE: the block as it runs here,
# with the marker's `replace A by B` done ($REPO, $VMLINUX expanded)
doctest_prepare() {
	local IFS=';' part from to text setup
	text=$(cat "$2")
	setup=$(doctest_opt "$1" setup) && text=$setup$'\n'$text
	for part in $1; do
		part=$(sed -E 's/^[[:space:]]+|[[:space:]]+$//g' <<<"$part")
		[[ "$part" == "replace "*" by "* ]] || continue
		from=${part#replace }
		from=${from%% by *}
		to=${part#* by }
		to=${to//\$REPO/$REPO}
		to=${to//\$VMLINUX/${VMLINUX:-}}
		text=${text//"$from"/"$to"}
	done
	printf '%s\n' "$text" >"$3"
}

# doctest_run MARKER BLOCK-FILE OUT-FILE: run the block (bash -e, output and
# errors to OUT-FILE); status 0 if it ended as the marker says (exit N, or 0)
doctest_run() {
	local script want rc dir
	script=$(mktemp)
	doctest_prepare "$1" "$2" "$script"
	want=$(doctest_opt "$1" exit) || want=0
	dir=$REPO
	doctest_opt "$1" scratch >/dev/null && dir=$DOCTEST_SCRATCH
	(cd "$dir" && bash -e "$script") </dev/null >"$3" 2>&1
	rc=$?
	local cleanup
	cleanup=$(doctest_opt "$1" cleanup) && (cd "$dir" && bash -c "$cleanup") </dev/null >/dev/null 2>&1
	rm -f "$script"
	[ "$rc" = "$want" ] && return 0
	echo "exit $rc (want $want):"
	cat "$3"
	return 1
}
