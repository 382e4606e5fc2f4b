#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# the VM uses its output: vm/package and vm/package_dpkg install its packages
# The Debian packages (make deb, tools/debian/): built with
# dpkg-buildpackage against a patched kernel's vmlinux (the test kernel's,
# as install.sh does), they hold exactly what make install installs,
# split between iopf-bpf and iopf-bpf-dev, plus Debian's copyright and
# changelog; the conffile is policies.conf; iopf-bpf depends on the
# packages of the shared libraries iopfctl links, and on no libbpf (ours
# is linked in); lintian reports no error and no warning (each one fixed
# or overridden with its reason in tools/debian/*.lintian-overrides); the
# unit as installed from the package passes systemd-analyze verify.  Also
# builds the higher version that vm/package upgrades to (build/deb-next).
cd "$(dirname "$0")/../.." || exit 1
. selftests/lib/tap.sh
. tools/lib/kvars.sh
VMLINUX=$KOBJ/vmlinux
if [ ! -f "$VMLINUX" ]; then
	echo "ok - package: make deb # SKIP no test kernel built to stand for a patched kernel's BTF"
	tap_done
fi
for t in dpkg-buildpackage dh lintian; do
	command -v $t >/dev/null && continue
	tap_result 1 "package: $t installed (tools/install-deps installs debhelper and lintian)"
	tap_done
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
version=$(cat VERSION)
deb=build/deb/iopf-bpf_${version}_amd64.deb
dev=build/deb/iopf-bpf-dev_${version}_amd64.deb

start=$(date +%s)
out=$(make --no-print-directory deb VMLINUX="$VMLINUX" 2>&1)
rc=$?
tap_result $rc "package: make deb builds ($(($(date +%s) - start)) s)" "$(tail -n 20 <<<"$out")"
[ $rc = 0 ] || tap_done
have=$(cd build/deb && ls *.deb 2>/dev/null)
[ "$have" = "$(printf '%s\n' "${dev#build/deb/}" "${deb#build/deb/}")" ]
tap_result $? "package: build/deb has iopf-bpf and iopf-bpf-dev $version, nothing else" "$have"
[ "$(dpkg-deb -f "$deb" Package Version Architecture)" = "Package: iopf-bpf
Version: $version
Architecture: amd64" ] && [ "$(dpkg-deb -f "$dev" Package Version Architecture)" = "Package: iopf-bpf-dev
Version: $version
Architecture: amd64" ]
tap_result $? "package: names, version (from VERSION) and architectures" \
	"$(dpkg-deb -f "$deb" Package Version Architecture; dpkg-deb -f "$dev" Package Version Architecture)"

# --- contents: make install's files, nothing more, nothing less ---
# What make install installs with the package's settings, from the objects
# the package was built from (build/deb-work/user)
make --no-print-directory IOPF_USER_ONLY=1 USER_O="$PWD/build/deb-work/user" install-files \
	DESTDIR="$tmp/inst" PREFIX=/usr SYSTEMDUNITDIR=/lib/systemd/system LIBDIR=/usr/lib/x86_64-linux-gnu >/dev/null 2>&1
# files and links (libiopf.so)
installed=$(cd "$tmp/inst" 2>/dev/null && find . -type f -o -type l | sed 's#^\./##' | sort)
[ -n "$installed" ]; tap_result $? "package: make install-files into a scratch root, for the expected lists"
# dh_compress gzips man pages; Debian's copyright and changelog in each
dev_re='^usr/(include/|share/iopf-bpf/examples/|lib/x86_64-linux-gnu/(libiopf[.]so$|pkgconfig/))'
want_bin=$( { grep -Ev "$dev_re" <<<"$installed" | sed -E 's#^(usr/share/man/.*)#\1.gz#'
	printf '%s\n' usr/share/doc/iopf-bpf/copyright usr/share/doc/iopf-bpf/changelog.gz
	ls tools/debian/iopf-bpf.lintian-overrides >/dev/null 2>&1 && echo usr/share/lintian/overrides/iopf-bpf
	} | sort)
want_dev=$( { grep -E "$dev_re" <<<"$installed"
	printf '%s\n' usr/share/doc/iopf-bpf-dev/copyright usr/share/doc/iopf-bpf-dev/changelog.gz
	ls tools/debian/iopf-bpf-dev.lintian-overrides >/dev/null 2>&1 && echo usr/share/lintian/overrides/iopf-bpf-dev
	} | sort)
files() {	# files DEB: its regular files and links, without ./
	dpkg-deb --fsys-tarfile "$1" | tar -t | grep -v '/$' | sed 's#^\./##' | sort
}
have_bin=$(files "$deb") have_dev=$(files "$dev")
[ "$have_bin" = "$want_bin" ]
tap_result $? "package: iopf-bpf holds exactly make install's files, less the -dev ones" \
	"$(diff <(echo "$want_bin") <(echo "$have_bin"))"
[ "$have_dev" = "$want_dev" ]
tap_result $? "package: iopf-bpf-dev holds exactly the headers, the examples, libiopf's .so link and .pc" \
	"$(diff <(echo "$want_dev") <(echo "$have_dev"))"
# The parts of make install this package is for, named (so that an
# install-files that loses them cannot pass by losing them here too)
key="usr/sbin/iopfctl usr/sbin/iopf-policies lib/systemd/system/iopf-policies.service usr/lib/x86_64-linux-gnu/libiopf.so.1
etc/iopf/policies.conf usr/share/man/man8/iopfctl.8.gz usr/share/man/man8/iopf-policies.8.gz usr/share/bash-completion/completions/iopfctl
$(for f in bpf/*.bpf.c; do b=${f#bpf/}; echo "usr/lib/iopf-bpf/policies/${b%.c}.o"; done)
$(for f in tools/*.bt; do echo "usr/share/iopf-bpf/tools/${f#tools/}"; done)"
missing=$(for f in $key; do grep -qxF "$f" <<<"$have_bin" || echo "$f"; done)
[ -z "$missing" ]; tap_result $? "package: iopf-bpf has the loader, libiopf.so.1, policies, tools, service, man page, completion" "missing: $missing"
grep -qx 'usr/include/iopf/iopf_common.bpf.h' <<<"$have_dev" &&
	grep -q '^usr/share/iopf-bpf/examples/.*\.bpf\.c$' <<<"$have_dev" &&
	grep -qx 'usr/include/iopf/libiopf.h' <<<"$have_dev" &&
	grep -qx 'usr/lib/x86_64-linux-gnu/libiopf.so' <<<"$have_dev" &&
	grep -qx 'usr/lib/x86_64-linux-gnu/pkgconfig/libiopf.pc' <<<"$have_dev"
tap_result $? "package: iopf-bpf-dev has the BPF-side header, an example policy, libiopf's header, .so link and .pc"
modes=$(dpkg-deb --fsys-tarfile "$deb" | tar -tv | awk '$2 != "root/root" || ($1 ~ /^-/ &&
	(($6 ~ /(sbin\/|\.bt$)/) ? $1 != "-rwxr-xr-x" : $1 != "-rw-r--r--"))')
[ -z "$modes" ]; tap_result $? "package: owned by root, programs and tools 0755, the rest 0644" "$modes"
conf=$(dpkg-deb -I "$deb" conffiles 2>/dev/null)
[ "$conf" = /etc/iopf/policies.conf ]; tap_result $? "package: /etc/iopf/policies.conf is the only conffile" "$conf"

# The unit: enabled and started at install, stopped at removal, left
# running by an upgrade (debhelper's scripts, with --no-stop-on-upgrade
# --no-restart-after-upgrade)
dpkg-deb -e "$deb" "$tmp/ctl"
grep -q "deb-systemd-helper enable 'iopf-policies.service'" "$tmp/ctl/postinst" &&
	grep -q "deb-systemd-invoke start 'iopf-policies.service'" "$tmp/ctl/postinst" &&
	grep -q "\"\$1\" = remove ] .*/run/systemd/system" "$tmp/ctl/prerm" &&
	[ "$(grep -l 'deb-systemd-invoke \(stop\|restart\)' "$tmp"/ctl/* | xargs -n1 basename)" = prerm ] &&
	[ "$(grep -c 'deb-systemd-invoke stop' "$tmp/ctl/prerm")" = 1 ]
tap_result $? "package: the unit is enabled and started at install, stopped at removal, not at upgrade" \
	"$(grep -H 'deb-systemd\|"\$1"' "$tmp"/ctl/*inst "$tmp"/ctl/*rm 2>&1)"

# --- dependencies: dpkg-shlibdeps' result is the libraries iopfctl links ---
dpkg-deb -x "$deb" "$tmp/bin"
needed=$(readelf -d "$tmp/bin/usr/sbin/iopfctl" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | sort)
# The package of each library (the multiarch directory, in /lib or /usr/lib)
libpkgs=$(for so in $needed; do
	dpkg -S "*/x86_64-linux-gnu/$so" 2>/dev/null | cut -d: -f1
done | sort -u)
depends=$(dpkg-deb -f "$deb" Depends)
dep_names=$(tr ',' '\n' <<<"$depends" | sed 's/(.*//; s/ //g' | grep . | sort -u)
[ -n "$needed" ] && [ "$dep_names" = "$libpkgs" ]
tap_result $? "package: Depends is the packages of the libraries iopfctl links ($(echo $libpkgs))" \
	"NEEDED: $(echo $needed); Depends: $depends"
! grep -qi libbpf <<<"$needed$depends"
tap_result $? "package: no libbpf in Depends or NEEDED (ours is linked in)" "NEEDED: $(echo $needed); Depends: $depends"
"$tmp/bin/usr/sbin/iopfctl" --version | grep -qx "iopfctl $version"
tap_result $? "package: the packaged iopfctl runs (--version)" "$("$tmp/bin/usr/sbin/iopfctl" --version 2>&1)"
readelf -lW "$tmp/bin/usr/sbin/iopfctl" | grep -q GNU_RELRO &&
	readelf -d "$tmp/bin/usr/sbin/iopfctl" | grep -q 'FLAGS.*BIND_NOW' &&
	nm -D "$tmp/bin/usr/sbin/iopfctl" | grep -q '__[a-z]*_chk@'
tap_result $? "package: iopfctl built with Debian's hardening flags (relro, bindnow, fortify)"

# --- the -dev package is enough to write a policy (with Debian's
# libbpf-dev and clang, and the kernel's types in vmlinux.h) ---
dpkg-deb -x "$dev" "$tmp/dev"
mkdir -p "$tmp/vmh" && cp build/deb-work/user/vmlinux.h "$tmp/vmh/"
ok=0 outs=
for ex in "$tmp"/dev/usr/share/iopf-bpf/examples/*.bpf.c; do
	obj=$tmp/$(basename "$ex" .c).o
	outs+=$(clang-16 -g -O2 -target bpf -D__TARGET_ARCH_x86 -I"$tmp/vmh" -I"$tmp/dev/usr/include/iopf" \
		-c "$ex" -o "$obj" 2>&1) && [ -s "$obj" ] && ok=$((ok + 1))
done
[ "$ok" -gt 0 ] && [ "$ok" = "$(ls "$tmp"/dev/usr/share/iopf-bpf/examples/*.bpf.c | wc -l)" ]
tap_result $? "package: the packaged example builds with the packaged header and Debian's libbpf-dev" "$outs"

# --- lintian, on the .changes: both packages and the buildinfo ---
changes=build/deb/iopf-bpf_${version}_amd64.changes
lint=$(lintian "$changes" 2>&1)
echo "$lint" | sed 's/^/# lintian: /'
! grep -q '^E: ' <<<"$lint"
tap_result $? "lintian: no error" "$(grep '^E: ' <<<"$lint")"
! grep -q '^W: ' <<<"$lint"
tap_result $? "lintian: no warning (each fixed, or overridden in tools/debian/ with its reason)" "$(grep '^W: ' <<<"$lint")"

# --- the unit as the package installs it ---
if command -v systemd-analyze >/dev/null && [ -d /usr/lib/systemd/system ]; then
	root=$tmp/root
	mkdir -p "$root/usr/lib/systemd"
	cp -a /usr/lib/systemd/system "$root/usr/lib/systemd/"
	dpkg-deb -x "$deb" "$root"
	unit=$root/lib/systemd/system/iopf-policies.service
	out=$(systemd-analyze --man=no --root="$root" verify "$unit" 2>&1)
	tap_result $? "package: systemd-analyze verify of the unit as installed from the package" "$out"
	grep -qx 'ExecStart=/usr/sbin/iopf-policies start' "$unit"
	tap_result $? "package: the unit runs /usr/sbin/iopf-policies" "$(grep Exec "$unit" 2>&1)"
else
	echo "ok - package: systemd-analyze verify # SKIP systemd-analyze not installed"
fi

# --- the version vm/package upgrades to ---
next=$version+1
out=$(make --no-print-directory deb VMLINUX="$VMLINUX" DEB_VERSION="$next" DEB_OUT=build/deb-next 2>&1)
[ $? = 0 ] && [ -f "build/deb-next/iopf-bpf_${next}_amd64.deb" ] && dpkg --compare-versions "$next" gt "$version"
tap_result $? "package: make deb DEB_VERSION=$next builds the upgrade (build/deb-next)" "$(tail -n 20 <<<"$out")"
tap_done
