#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# per kernel: selftests/run runs it once for each kernel (IOPF_KERNEL)
# before the VM: kernel/build.sh nobpf-object builds, under the machine lock, which a VM run holds (selftests/run)
# With no policy attached, the fault path of the CONFIG_IOPF_BPF=y test
# kernel calls nothing that the CONFIG_IOPF_BPF=n build does not, in its
# object code: tools/lib/reachable-calls walks iommu_report_device_fault()
# of io-pgfault.o (and the functions of that object it calls) from its
# entry with the static key iopf_bpf_attached off.  The test kernel has no
# CONFIG_JUMP_LABEL, so the key is a load and a branch; the calls behind
# the hook's verdict (respond, finish) stay unreachable because the verdict
# is zeroed and only the key-guarded __iopf_bpf_decide() gets its address.
# The =n object is built alone, in obj-nobpf (kernel/build.sh nobpf-object).
# What it compares is the set of callees: a second call to a function the
# =n path already calls, or an indirect call (all are "(indirect call)"),
# is not seen here; vm/no_policy_path counts the framework's calls at run
# time.
. "$(dirname "$0")/../../tools/lib/kvars.sh"
. "$REPO/selftests/lib/tap.sh"
cd "$REPO"
export LC_ALL=C	# comm wants sort's order, which is reachable-calls' in C
fn=iommu_report_device_fault
o=drivers/iommu/io-pgfault.o
y=$KOBJ/$o
n=$KCACHE/obj-nobpf/$o
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if ! kernel/build.sh nobpf-object >"$tmp/log" 2>&1; then
	tap_result 1 "io-pgfault.o builds with CONFIG_IOPF_BPF=n" "$(tail -n 20 "$tmp/log")"
	tap_done
fi
# The =y object is the test kernel's (make check builds it first); built
# again if it is missing or older than a file it was compiled from (the
# tree was just synced to this clone)
stale() {
	local cmd=$KOBJ/drivers/iommu/.io-pgfault.o.cmd
	[ -f "$y" ] && [ -f "$cmd" ] || return 0
	sed -n -e 's/^  \([^ $][^ ]*\) \\$/\1/p' -e 's/^source_[^ ]* := //p' "$cmd" |
		sed "s#^\([^/]\)#$KOBJ/\1#" | tr '\n' '\0' |
		xargs -0 sh -c 'find "$@" -maxdepth 0 -newer "$0" -print -quit 2>&1' "$y" | grep -q .
}
if stale && ! kernel/build.sh kernel >"$tmp/log" 2>&1; then
	tap_result 1 "the test kernel builds" "$(tail -n 20 "$tmp/log")"
	tap_done
fi

# calls NAME OPTION...: the calls of the fault path in $tmp/NAME
calls() {
	local name=$1
	shift
	tools/lib/reachable-calls "$@" "$fn" >"$tmp/$name" 2>"$tmp/$name.err" ||
		{ tap_result 1 "reachable-calls follows $fn ($name)" "$(cat "$tmp/$name.err")"; tap_done; }
}
calls y-all --all "$y"
calls y --key-off iopf_bpf_attached "$y"
calls n --key-off iopf_bpf_attached "$n"
# The framework's entry points: what io-pgfault.o calls and io-pgfault-bpf.c defines
nm -u "$y" | awk '{ print $2 }' | grep -E '^_*iopf_bpf_' | sort >"$tmp/framework"

fw=$(comm -12 "$tmp/y-all" "$tmp/framework" | paste -sd ' ')
[ -n "$fw" ]
tap_result $? "$fn (=y) calls the framework: ${fw:-nothing}" "$(cat "$tmp/y-all")"
reach=$(comm -12 "$tmp/y" "$tmp/framework" | paste -sd ' ')
[ -z "$reach" ]
tap_result $? "with iopf_bpf_attached off, no framework call is reachable from it" "reachable: $reach"
extra=$(comm -23 "$tmp/y" "$tmp/n")
[ -z "$extra" ]
tap_result $? "with iopf_bpf_attached off, it reaches no call that the CONFIG_IOPF_BPF=n build lacks" \
	"calls only with CONFIG_IOPF_BPF=y: $(paste -sd ' ' <<<"$extra")"

# The script on planted code: a verdict that escapes to an unguarded call
# and a call without the key must come out reachable; behind a jump-label
# NOP (the key off, as compiled), a call must not
cat >"$tmp/plant.c" <<'EOF'
struct verdict { _Bool respond; int code; };
extern struct { int enabled; } key;
void decide(struct verdict *v);
void respond(void);
void stock(struct verdict *v);

#define KEY_ON (__atomic_load_n(&key.enabled, __ATOMIC_RELAXED) > 0)
void guarded(void) { struct verdict v = {}; if (KEY_ON) decide(&v); stock(0); if (v.respond) respond(); }
void escaped(void) { struct verdict v = {}; if (KEY_ON) decide(&v); stock(&v); if (v.respond) respond(); }
void unguarded(void) { struct verdict v = {}; decide(&v); if (v.respond) respond(); }
void jump_label(void)
{
	asm goto("1: .byte 0x0f,0x1f,0x44,0x00,0x00\n\t.pushsection __jump_table, \"aw\"\n\t"
		 ".long 1b - ., %l[on] - .\n\t.popsection" : : : : on);
	return;
on:
	respond();
}
EOF
got=
if gcc -Os -fno-stack-protector -c -o "$tmp/plant.o" "$tmp/plant.c" 2>"$tmp/cc"; then
	for f in guarded escaped unguarded jump_label; do
		got+="$f: $(tools/lib/reachable-calls --key-off key "$tmp/plant.o" $f 2>&1 | paste -sd ' ')
"
	done
fi
want="guarded: stock
escaped: respond stock
unguarded: decide respond
jump_label: "
[ "$got" = "$want
" ]
tap_result $? "reachable-calls: planted calls around the key and the verdict" "got:
${got:-$(cat "$tmp/cc")}
want:
$want"
tap_done
