#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# libiopf as its users see it: the shared object exports exactly the API
# of include/iopf/libiopf.h, at version LIBIOPF_1.0, with soname
# libiopf.so.1, and no symbol of the libbpf inside it (nor does the
# archive); the header compiles as C and C++ with every warning an error;
# a program builds with pkg-config against a make install into a scratch
# root and runs; and the API's unit tests (selftests/libiopf/unit.c),
# which need no iopf-bpf kernel: bad arguments, unknown names, options of
# older and newer callers, the list API over a sysfs tree of our own.
cd "$(dirname "$0")/../.." || exit 1
. selftests/lib/tap.sh
so=build/libiopf.so.1
if [ ! -f "$so" ]; then
	echo "ok - libiopf: built # SKIP not built (make userspace)"
	tap_done
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# --- the ABI ---
# The API: the functions the header declares LIBIOPF_API
api=$(grep -oE 'LIBIOPF_API [^(]*[ *]iopf_[a-z_]+\(' include/iopf/libiopf.h |
	sed -E 's/.*[ *](iopf_[a-z_]+)\($/\1/' | sort)
exported=$(nm -D --defined-only "$so" | awk '$2 ~ /^[A-Z]$/ && $2 != "A" { print $3 }' | sed 's/@.*//' | sort)
[ -n "$api" ] && [ "$exported" = "$api" ]
tap_result $? "libiopf: the shared object exports exactly the header's API ($(wc -l <<<"$api") functions)" \
	"$(diff <(echo "$api") <(echo "$exported"))"
versions=$(nm -D --defined-only "$so" | awk '$2 ~ /^[A-Z]$/ && $2 != "A" { print $3 }' | grep -v '@@LIBIOPF_1.0$')
[ -z "$versions" ]
tap_result $? "libiopf: each at version LIBIOPF_1.0" "$versions"
readelf -V "$so" | grep -q 'Name: LIBIOPF_1.0'
tap_result $? "libiopf: the version node LIBIOPF_1.0 is defined" "$(readelf -V "$so" | head -n 20)"
soname=$(readelf -d "$so" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
[ "$soname" = libiopf.so.1 ]; tap_result $? "libiopf: soname libiopf.so.1" "soname: $soname"
leaks=$(nm -D --defined-only "$so" | grep -E ' (bpf|btf|libbpf|perf_buffer|ring_buffer|user_ring_buffer|bpf_object|bpf_map|bpf_program|bpf_link|bpf_linker)[_a-z]*' )
[ -z "$leaks" ]; tap_result $? "libiopf: no libbpf symbol exported" "$leaks"
needed=$(readelf -d "$so" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | sort | tr '\n' ' ')
! grep -q libbpf <<<"$needed" && grep -q 'libelf' <<<"$needed"
tap_result $? "libiopf: libbpf inside, not needed ($needed)" "$needed"
# The archive: one object, the API its only global symbols
globals=$(nm --defined-only build/libiopf.a 2>/dev/null | awk '$2 ~ /^[A-Z]$/ && $2 != "A" { print $3 }' | sort)
[ "$globals" = "$api" ]
tap_result $? "libiopf: libiopf.a defines only the API globally (libbpf's symbols local)" \
	"$(diff <(echo "$api") <(echo "$globals") | head -n 20)"

# --- the header, as C and C++ ---
printf '#include <iopf/libiopf.h>\nint main(void) { IOPF_OPTS(iopf_open_opts, o, .name = "x"); return !o.sz; }\n' >"$tmp/h.c"
# compiled, not -fsyntax-only: some warnings (unused variables) come later
out=$(gcc -std=gnu11 -Wall -Wextra -Werror -Iinclude -c -o "$tmp/h.o" "$tmp/h.c" 2>&1)
tap_result $? "libiopf: the header compiles as C (gnu11, -Wall -Wextra -Werror)" "$out"
out=$(gcc -std=c99 -Wall -Wextra -Werror -Iinclude -c -o "$tmp/h99.o" -x c - <<<'#include <iopf/libiopf.h>' 2>&1)
tap_result $? "libiopf: the header alone compiles as C99" "$out"
printf '#include <iopf/libiopf.h>\nint main() { struct iopf_policy *p = 0; iopf_policy_close(p); return 0; }\n' >"$tmp/h.cc"
out=$(g++ -Wall -Wextra -Werror -Iinclude -fsyntax-only "$tmp/h.cc" 2>&1 &&
	g++ -Wall -Wextra -Werror -Iinclude -c -o "$tmp/h.cc.o" "$tmp/h.cc" 2>&1)
tap_result $? "libiopf: the header compiles as C++ (g++ -fsyntax-only, and -c, -Wall -Wextra -Werror)" "$out"

# --- installed, found with pkg-config ---
root=$tmp/root
out=$(make --no-print-directory install-files DESTDIR="$root" PREFIX=/usr LIBDIR=/usr/lib/x86_64-linux-gnu 2>&1)
tap_result $? "libiopf: make install-files into a scratch root" "$(tail -n 5 <<<"$out")"
lib=$root/usr/lib/x86_64-linux-gnu
[ -f "$lib/libiopf.so.1" ] && [ "$(readlink "$lib/libiopf.so")" = libiopf.so.1 ] &&
	[ -f "$root/usr/include/iopf/libiopf.h" ] && [ -f "$lib/pkgconfig/libiopf.pc" ]
tap_result $? "libiopf: installed: the .so.1, its .so link, the header, the .pc" "$(cd "$root" && find . | grep -i iopf.*[.]\(so\|h\|pc\))"
pc() { PKG_CONFIG_SYSROOT_DIR=$root PKG_CONFIG_LIBDIR=$lib/pkgconfig pkg-config "$@"; }
[ "$(pc --modversion libiopf)" = "$(cat VERSION)" ]
tap_result $? "libiopf: pkg-config --modversion is VERSION's" "$(pc --modversion libiopf 2>&1)"
cat >"$tmp/prog.c" <<'PROG'
#include <stdio.h>
#include <iopf/libiopf.h>

int main(void)
{
	struct iopf_policy *p;
	int err = iopf_policy_open("observe", NULL, &p);

	if (err)
		return 1;
	printf("%s\n", iopf_policy_name(p));
	iopf_policy_close(p);
	return 0;
}
PROG
# shellcheck disable=SC2046 # pkg-config's words
out=$(gcc -Wall -Wextra -Werror -o "$tmp/prog" "$tmp/prog.c" $(pc --cflags --libs libiopf) 2>&1)
tap_result $? "libiopf: a program builds with pkg-config --cflags --libs libiopf against the installed copy" \
	"$out ($(pc --cflags --libs libiopf))"
out=$(LD_LIBRARY_PATH=$lib "$tmp/prog" 2>&1)
[ "$out" = observe ]; tap_result $? "libiopf: ... and runs, opening a built-in policy, printing nothing of its own" "$out"
ldd_out=$(LD_LIBRARY_PATH=$lib ldd "$tmp/prog")
grep -q "libiopf.so.1 => $lib/libiopf.so.1" <<<"$ldd_out"
tap_result $? "libiopf: ... linked against the installed libiopf.so.1" "$ldd_out"
out=$(gcc -Wall -Werror -o "$tmp/prog-static" "$tmp/prog.c" -I"$root/usr/include" build/libiopf.a -lelf -lz 2>&1)
[ -x "$tmp/prog-static" ] && [ "$("$tmp/prog-static")" = observe ]
tap_result $? "libiopf: a program links libiopf.a (with -lelf -lz) and runs" "$out"

# --- the API, without a kernel ---
out=$(gcc -Wall -Wextra -Werror -Iinclude -o "$tmp/unit" selftests/libiopf/unit.c -Lbuild -liopf 2>&1)
tap_result $? "libiopf: the unit tests build against build/libiopf.so" "$out"
# A sysfs tree as the kernel has it, with a tenant policy's files
s=$tmp/sysfs
mkdir -p "$s/policies/host_pol" "$s/policies/dev_pol" "$s/policies/queue_pol" "$s/policies/pasid_pol" \
	"$s/ejections/3" "$s/stats"
pol() {	# pol NAME SCOPE ORDER
	local d=$s/policies/$1
	echo "$2" >"$d/scope"; echo live >"$d/state"; echo live >"$d/mode"; echo "$3" >"$d/order"
	echo 9 >"$d/link_id"; echo 7 >"$d/calls"; echo 6 >"$d/obeyed"; echo 1 >"$d/overridden"; echo 0 >"$d/shadowed"
}
pol host_pol '*' 1
pol dev_pol iommufd_mock0 2
echo 1 >"$s/policies/dev_pol/tenant"; echo 1000 >"$s/policies/dev_pol/uid"
# A fault-queue policy, attached first: still asked after the device's
pol queue_pol fault:3 0
echo 1 >"$s/policies/queue_pol/tenant"; echo 1000 >"$s/policies/queue_pol/uid"
# A PASID policy (PASID 66 of the tenant's device 1), attached before the device's: asked before it
pol pasid_pol pasid:1:66 1
echo 1 >"$s/policies/pasid_pol/tenant"; echo 1000 >"$s/policies/pasid_pol/uid"
e=$s/ejections/3
echo 123 >"$e/time_ns"; echo gone >"$e/name"; echo exit >"$e/reason"; echo default >"$e/action"
echo iommufd_mock0 >"$e/device"; echo 0x42 >"$e/pasid"; echo "" >"$e/message"
echo 5 >"$s/stats/requests"
cp /etc/hostname "$tmp/not-bpf.o"
kern=no-tenant-kernel
[ -e /sys/kernel/iopf ] && kern=tenant-kernel	# a patched host: not ours to say
if [ -x "$tmp/unit" ]; then
	while IFS=$'\t' read -r st name detail; do
		tap_result "$st" "$name" "$detail"
	done < <(LD_LIBRARY_PATH=build "$tmp/unit" "$kern" "$s" "$tmp/not-bpf.o" 2>"$tmp/unit.err"; echo "$?	libiopf: the unit tests ran to the end	exit status")
	[ ! -s "$tmp/unit.err" ]; tap_result $? "libiopf: the library printed nothing on stderr" "$(head -n 5 "$tmp/unit.err")"
fi
# iopfctl list and show over the same tree: a PASID policy's scope as the kernel writes it
if [ -x build/iopfctl ]; then
	out=$(IOPF_SYSFS=$s build/iopfctl list 2>&1)
	# NAME SCOPE ORDER of the policies, in the order listed
	[ "$(awk '/^[a-z]+_pol /{ printf "%s %s %s;", $1, $2, $3 }' <<<"$out")" = \
		"host_pol * 1;pasid_pol pasid:1:66 1;dev_pol iommufd_mock0 2;queue_pol fault:3 0;" ]
	tap_result $? "libiopf: iopfctl list shows a PASID policy's scope pasid:1:66, asked with the device's" "$out"
	out=$(IOPF_SYSFS=$s build/iopfctl list --json 2>&1)
	grep -q '{"name":"pasid_pol","scope":"pasid:1:66","order":1,.*"tenant":true,"uid":1000}' <<<"$out"
	tap_result $? "libiopf: iopfctl list --json: the PASID policy's scope, tenant and uid" "$out"
	out=$(IOPF_SYSFS=$s build/iopfctl show pasid_pol 2>&1)
	grep -q '^scope: *pasid:1:66$' <<<"$out" && grep -q '^owner: *tenant, uid 1000$' <<<"$out"
	tap_result $? "libiopf: iopfctl show of a PASID policy: its scope and owner" "$out"
	out=$(IOPF_SYSFS=$s build/iopfctl show --json pasid_pol 2>&1)
	grep -q '^{"name":"pasid_pol","scope":"pasid:1:66",' <<<"$out"
	tap_result $? "libiopf: iopfctl show --json of a PASID policy: its scope" "$out"
fi
tap_done
