# SPDX-License-Identifier: GPL-2.0
# The Debian packages host/package.sh built, for vm/package and
# vm/package_dpkg: $version, $next, $debs (build/deb) and $next_debs
# (build/deb-next, one version up).  package_debs_built: each is there,
# else a failed case that names the test that builds them.
version=$(cat VERSION)
next=$version+1
debs="build/deb/iopf-bpf_${version}_amd64.deb build/deb/iopf-bpf-dev_${version}_amd64.deb"
next_debs="build/deb-next/iopf-bpf_${next}_amd64.deb build/deb-next/iopf-bpf-dev_${next}_amd64.deb"
package_debs_built() {
	local f
	for f in $debs $next_debs; do
		[ -f "$f" ] && continue
		tap_result 1 "package: $f is built (host/package.sh builds it: make check FILTER=package)"
		return 1
	done
}
