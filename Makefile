# SPDX-License-Identifier: GPL-2.0
#
# iopf-bpf: BPF policies for IOMMU I/O page faults.
#
#   make demo     build, boot, load a policy, fire faults, show what happened
#   make check    run every test (host, and VM on the 6.12 and 7.3 kernels) and
#                 print "N passed, N failed" (KERNELS=6.12 for one, FILTER=name)
#   make check-full   the same, with the user-space VM tests on both kernels too
#   make check-7.3    the same on the Linux 7.3 test kernel only
#   make kernel   build the patched Linux 6.12 test kernel
#   make bench    the hook's cost, in-kernel, as ratios from one boot (BENCH_ARGS=..., BENCH_BOOTS=N)
#   make check-debug  the VM suite on the KASAN + kmemleak kernel (FILTER=name)
#   make check-kcsan  the race and stress tests on the KCSAN kernel
#   make check-nobpf  both kernels built with CONFIG_IOPF_BPF=n boot and work as stock
#   make stress   10^6 page requests against policy, device and queue churn (STRESS_REQUESTS=N)
#   make patches  write the kernel side as a patch series per kernel to build/patches/<kernel>
#   make deb      Debian packages of the user side in build/deb (iopf-bpf, iopf-bpf-dev)
#   make vm-shell a shell in the test VM
#
# Each target installs what it needs from Debian's archive on first use.

SHELL := /bin/bash
REPO := $(CURDIR)
B := $(REPO)/build
# User space builds from the 6.12 tree, whatever IOPF_KERNEL says
KSRC := $(shell bash -c 'IOPF_KERNEL=6.12 . tools/lib/kvars.sh && echo $$KSRC')
KOBJ := $(shell bash -c 'IOPF_KERNEL=6.12 . tools/lib/kvars.sh && echo $$KOBJ')

# ccache: a fresh clone compiles the BPF objects from the cache too
CLANG ?= ccache clang-16
LLVM_STRIP ?= llvm-strip-16
CC := ccache gcc
# Our -g objects hit the cache from any clone path
export CCACHE_NOHASHDIR := 1

# Two builds of the user side.  The default one, for the tests, takes the
# kernel's types from the test kernel's vmlinux and its uapi headers from
# the test kernel's build.  `make user` (IOPF_USER_ONLY=1) builds the
# loader and the policies alone, for a machine that runs a patched kernel:
# against VMLINUX (that kernel's BTF, /sys/kernel/btf/vmlinux by default),
# into build/user/, from the kernel source tree only (kernel/build.sh tree:
# libbpf, bpftool and the uapi headers of tools/), no kernel build.
VMLINUX ?= /sys/kernel/btf/vmlinux
ifeq ($(IOPF_USER_ONLY),1)
# USER_O: another output directory (make deb builds in its own, with
# Debian's build flags)
O := $(or $(USER_O),$(B)/user)
VMLINUX_BTF := $(VMLINUX)
KERNEL_DEP := $(KSRC)/Makefile
UAPI_INC := $(KSRC)/tools/include/uapi
else
O := $(B)
VMLINUX_BTF := $(KOBJ)/vmlinux
KERNEL_DEP := $(KOBJ)/vmlinux
UAPI_INC := $(KOBJ)/usr/include
endif

LIBBPF := $(B)/libbpf
BPFTOOL := $(B)/bpftool/bpftool
VMLINUX_H := $(O)/vmlinux.h
# EXTRA_CFLAGS, EXTRA_LDFLAGS: added for user-space programs (make deb:
# dpkg-buildflags' hardening flags)
CFLAGS := -O2 -g -Wall -Wextra -Wno-unused-parameter -Wno-format-truncation -I$(LIBBPF)/include -I$(B)/include $(EXTRA_CFLAGS)
LDLIBS := $(EXTRA_LDFLAGS) $(LIBBPF)/libbpf.a -lelf -lz
BPF_CFLAGS := -g -O2 -target bpf -D__TARGET_ARCH_x86 -Wall -I$(O) -I$(LIBBPF)/include -I$(REPO)/include/iopf

.PHONY: FORCE all deps kernel userspace user user-build install-files deb tools check check-full check-docs check-debug check-kcsan check-nobpf check-7.3 selftests-7.3 demo bench stress policy patches vm-shell install clean
all: kernel userspace

deps:
	@tools/install-deps

kernel: deps
	@kernel/build.sh kernel

# libbpf, bpftool and vmlinux.h from the tree we boot, so they match it.
tools: $(LIBBPF)/libbpf.a $(BPFTOOL) $(VMLINUX_H) $(IOPF_ENUMS_H)

$(KSRC)/Makefile:
	@IOPF_KERNEL=6.12 kernel/build.sh tree >/dev/null

$(LIBBPF)/libbpf.a: | $(KERNEL_DEP)
	@mkdir -p $(LIBBPF)
	$(MAKE) -s -C $(KSRC)/tools/lib/bpf OUTPUT=$(LIBBPF)/ CC="$(CC)" $(LIBBPF)/libbpf.a
	$(MAKE) -s -C $(KSRC)/tools/lib/bpf OUTPUT=$(LIBBPF)/ DESTDIR=$(LIBBPF) prefix= install_headers >/dev/null

# Lean: no JIT disassembler (libLLVM) and no skeletons of its own (the pids
# of "show", prog profile), none of which we use.  Under TCG a start-up
# linking libLLVM took 0.9-2.3 s, "link list" with its pid iterator 1.6-2.2
# s; lean, 0.15-0.34 s (2026-12-02): the VM tests run bpftool dozens of times.
# New flags rebuild it from scratch (bpftool's make keeps its first feature
# detection): the flags are a prerequisite through a file rewritten only
# when they change.
BPFTOOL_FLAGS := VMLINUX_BTF= VMLINUX_H= feature-llvm=0 feature-libbfd=0 \
	feature-libbfd-liberty=0 feature-libbfd-liberty-z=0
$(B)/bpftool.flags: FORCE
	@mkdir -p $(B)
	@echo '$(BPFTOOL_FLAGS)' | cmp -s - $@ || echo '$(BPFTOOL_FLAGS)' >$@

$(BPFTOOL): $(B)/bpftool.flags | $(KERNEL_DEP)
	@rm -rf $(B)/bpftool
	@mkdir -p $(B)/bpftool
	$(MAKE) -s -C $(KSRC)/tools/bpf/bpftool OUTPUT=$(B)/bpftool/ CC="$(CC)" HOSTCC="$(CC)" \
		$(BPFTOOL_FLAGS) >/dev/null

FORCE:

# Which BTF vmlinux.h came from: another VMLINUX makes it again
$(O)/vmlinux.src: FORCE
	@mkdir -p $(@D)
	@echo '$(VMLINUX_BTF)' | cmp -s - $@ || echo '$(VMLINUX_BTF)' >$@

# A kernel without our types gets a clear word, not a wall of clang errors
$(VMLINUX_H): $(VMLINUX_BTF) $(O)/vmlinux.src $(BPFTOOL)
	@mkdir -p $(@D)
	$(BPFTOOL) btf dump file $(VMLINUX_BTF) format c >$@.tmp
	@grep -q '^struct iopf_ops {' $@.tmp || { rm -f $@.tmp $@; \
		echo "make: $(VMLINUX_BTF) has no struct iopf_ops: that kernel has no iopf-bpf (CONFIG_IOPF_BPF, see docs/install.md); give VMLINUX= a patched kernel's vmlinux or BTF" >&2; \
		exit 1; }
	@mv $@.tmp $@

# make user without a readable VMLINUX: say which file
ifeq ($(IOPF_USER_ONLY),1)
ifeq ($(wildcard $(VMLINUX_BTF)),)
$(VMLINUX_BTF):
	@echo "make: VMLINUX=$(VMLINUX_BTF): no such file (the kernel's BTF, /sys/kernel/btf/vmlinux, or a vmlinux)" >&2; exit 1
else
# Never made here: without a rule, make's built-in "%: %.o" relinked a
# kernel tree's vmlinux from a newer vmlinux.o (a kernel build was
# relinking it meanwhile)
$(VMLINUX_BTF): ;
endif
endif

# The kernel's iopf-bpf enums for user-space tests, from its BTF: they are
# kernel types, not uapi (tools/lib/btf-enums)
IOPF_ENUMS_H := $(B)/include/iopf_kernel_enums.h
$(IOPF_ENUMS_H): $(VMLINUX_H) tools/lib/btf-enums
	@mkdir -p $(dir $@)
	tools/lib/btf-enums $< iopf_action iopf_exit_kind iopf_decision_outcome \
		iopf_response_source >$@.tmp && mv $@.tmp $@

include bpf/Makefile.inc
include user/Makefile.inc
include selftests/Makefile.inc

# Other user-space flags (EXTRA_CFLAGS, EXTRA_LDFLAGS: make deb's hardening)
# rebuild the programs: the flags are a prerequisite through a file
# rewritten only when they change
$(O)/cc.flags: FORCE
	@mkdir -p $(@D)
	@echo '$(CFLAGS) $(LDLIBS)' | cmp -s - $@ || echo '$(CFLAGS) $(LDLIBS)' >$@
$(USER_PROGS): $(O)/cc.flags

userspace: tools $(USER_PROGS) $(BPF_OBJS) $(SELFTEST_PROGS)

# Both kernels by default; KERNELS=6.12 (or 7.3) for one
KERNELS ?= 6.12 7.3
check: deps
	@# 6.12 always: user space builds from its tree
	@for k in 6.12 $(filter-out 6.12,$(KERNELS)); do IOPF_KERNEL=$$k kernel/build.sh kernel || exit 1; done
	@# The user-space build runs beside the host tests that build in the
	@# kernel trees (selftests/run); -j: the objects and programs are
	@# independent, about 2x faster on 2 cores
	@IOPF_KERNELS="$(KERNELS)" \
		IOPF_BUILD='$(MAKE) -s -j$$(nproc) userspace $(if $(filter 7.3,$(KERNELS)),selftests-7.3)' \
		selftests/run '$(FILTER)'

# The VM suite on the debug kernel (KASAN, kmemleak, DEBUG_OBJECTS;
# kernel/debug.config), and the race and CI-size stress tests on the KCSAN
# kernel (kernel/kcsan.config), on each kernel of KERNELS (FILTER=name;
# each word of it picks tests).
# Several times slower than make check under TCG, so not part of it
# (docs/testing.md has their times).
KCSAN_FILTER := iopf/race iopf/stress vm/gate_config
check-debug check-kcsan: deps
	@for k in 6.12 $(filter-out 6.12,$(KERNELS)); do IOPF_KERNEL=$$k kernel/build.sh kernel || exit 1; done
	@$(MAKE) -s -j$$(nproc) userspace $(if $(filter 7.3,$(KERNELS)),selftests-7.3)
	@IOPF_KERNELS="$(KERNELS)" selftests/run-variant $(@:check-%=%) \
		'$(or $(FILTER),$(if $(filter check-kcsan,$@),$(KCSAN_FILTER)))'

# Series hygiene: each kernel built with CONFIG_IOPF_BPF=n boots, iopfctl
# says the kernel lacks it, and the stock fault path and the tracepoints
# work (selftests/nobpf.sh, iopf/stock_path, iommufd)
check-nobpf: deps
	@# 6.12's test kernel always (user space builds from its tree), the
	@# CONFIG_IOPF_BPF=n builds of KERNELS
	@for k in 6.12 $(filter-out 6.12,$(KERNELS)); do IOPF_KERNEL=$$k kernel/build.sh kernel || exit 1; done
	@for k in $(KERNELS); do IOPF_KERNEL=$$k kernel/build.sh nobpf-kernel || exit 1; done
	@$(MAKE) -s -j$$(nproc) userspace $(if $(filter 7.3,$(KERNELS)),selftests-7.3)
	@IOPF_NOBPF=1 IOPF_KERNELS="$(KERNELS)" selftests/run --vm '$(FILTER)'

# Every VM test on every kernel, the user-space ones too (make check runs
# those on the first kernel only) and the "# on demand" ones (vm/tracing,
# which make check skips): make check alone fits CI's 8-minute budget
# (docs/testing.md has the times)
check-full:
	@IOPF_EVERY_KERNEL=1 $(MAKE) -s check

# The doc tests alone, the VM blocks of every tested document included
# (vm/docs and vm/docs_more are on demand), on the first kernel
check-docs:
	@$(MAKE) -s check KERNELS=6.12 FILTER="host/docs host/tracing_tools vm/docs"

# The suite on the Linux 7.3 test kernel alone (make check KERNELS=7.3):
# the VM tests built against the 7.3 tree, the BPF objects and iopfctl
# built against 6.12 (CO-RE)
check-7.3:
	@$(MAKE) -s check KERNELS=7.3

demo: kernel
	@$(MAKE) -s userspace
	@tools/demo

# Benchmarks: ratios measured in one boot, never pass/fail
# ... on a kernel without lockdep (kernel/build.sh bench-kernel), then the
# no-policy path with CONFIG_IOPF_BPF=y against =n from BENCH_BOOTS (15)
# boots of each (tools/bench/stock-row)
bench: kernel
	@$(MAKE) -s userspace
	@kernel/build.sh bench-kernel
	@set -o pipefail; tools/vm/run -t 1800 -k $(dir $(KOBJ))obj-bench/arch/x86/boot/bzImage \
		build/iopf-kbench $(BENCH_ARGS) | tee build/bench.txt
	@# CONFIG_IOPF_BPF=y vs =n without a policy, over several boots
	@set -o pipefail; tools/bench/stock-row $(BENCH_BOOTS) | tee -a build/bench.txt

# The stress test at full scale; make check runs it at CI size
STRESS_REQUESTS ?= 1000000
STRESS_TIMEOUT ?= 1800
stress: kernel
	@$(MAKE) -s $(ST)/iopf/stress
	@set -o pipefail; tools/vm/run -t $(STRESS_TIMEOUT) env IOPF_STRESS_REQUESTS=$(STRESS_REQUESTS) \
		build/selftests/iopf/stress | tee build/stress.txt

# A policy of your own: make policy SRC=path/to/x.bpf.c -> build/bpf/x.bpf.o
policy: tools
	@test -n "$(SRC)" || { echo "usage: make policy SRC=path/to/name.bpf.c" >&2; exit 1; }
	@mkdir -p $(BPF_OUT)
	$(CLANG) $(BPF_CFLAGS) -c $(SRC) -o $(BPF_OUT)/$(notdir $(SRC:.c=.o))
	@echo "built $(BPF_OUT)/$(notdir $(SRC:.c=.o))"

patches: deps
	@IOPF_KERNEL=6.12 kernel/make-patches $(B)/patches/6.12
	@IOPF_KERNEL=7.3 kernel/make-patches $(B)/patches/7.3

vm-shell: kernel
	@tools/vm/run -i

# The user side alone, against a running patched kernel's BTF (VMLINUX=
# for another): build/user/iopfctl and build/user/bpf/*.bpf.o.  No test
# kernel, no VM.
user:
	@$(MAKE) --no-print-directory IOPF_USER_ONLY=1 user-build

user-build: $(USER_PROGS) $(POLICY_OBJS)

# The user side onto a machine that runs policies: the loader and libiopf
# (shared object, header, pkg-config file), the policy
# objects, the BPF-side header and a policy to start from, the bpftrace
# tools, the man page, bash completion, the boot-time service and its udev
# rule for hot-plugged devices.
# PREFIX (default /usr/local) and DESTDIR as usual; VMLINUX as for make user;
# SYSTEMDUNITDIR for the unit (make deb: /lib/systemd/system); LIBDIR for
# libiopf (default PREFIX/lib).
PREFIX ?= /usr/local
SYSTEMDUNITDIR ?= /etc/systemd/system
install: user
	@$(MAKE) --no-print-directory IOPF_USER_ONLY=1 install-files

IOPF_BT_TOOLS := iopfsnoop iopftop iopflat iopfpolicy
# libiopf: the shared object and its link for -liopf, the pkg-config file
# (the header is among include/iopf's), in LIBDIR (PREFIX/lib; make deb:
# the multiarch directory)
install-files:
	install -D -m 755 $(O)/iopfctl $(DESTDIR)$(PREFIX)/sbin/iopfctl
	install -D -m 644 $(O)/libiopf.so.1 $(DESTDIR)$(LIBDIR)/libiopf.so.1
	ln -sf libiopf.so.1 $(DESTDIR)$(LIBDIR)/libiopf.so
	sed 's#@PREFIX@#$(PREFIX)#; s#@LIBDIR@#$(LIBDIR)#; s#@VERSION@#$(IOPF_VERSION)#' user/lib/libiopf.pc.in | \
		install -D -m 644 /dev/stdin $(DESTDIR)$(LIBDIR)/pkgconfig/libiopf.pc
	install -d $(DESTDIR)$(PREFIX)/lib/iopf-bpf/policies $(DESTDIR)$(PREFIX)/include/iopf \
		$(DESTDIR)$(PREFIX)/share/iopf-bpf/examples $(DESTDIR)$(PREFIX)/share/iopf-bpf/tools
	install -m 644 $(POLICY_OBJS) $(DESTDIR)$(PREFIX)/lib/iopf-bpf/policies/
	install -m 644 include/iopf/*.h $(DESTDIR)$(PREFIX)/include/iopf/
	install -m 644 docs/examples/*.bpf.c $(DESTDIR)$(PREFIX)/share/iopf-bpf/examples/
	install -m 755 tools/*.bt $(DESTDIR)$(PREFIX)/share/iopf-bpf/tools/
	@# the tools' wrappers: one script, run as each name (tools/iopf-bt)
	for t in $(IOPF_BT_TOOLS); do install -m 755 tools/iopf-bt $(DESTDIR)$(PREFIX)/sbin/$$t || exit 1; done
	install -D -m 755 tools/systemd/iopf-policies $(DESTDIR)$(PREFIX)/sbin/iopf-policies
	sed 's#/usr/local/sbin#$(PREFIX)/sbin#' tools/systemd/iopf-policies.service | \
		install -D -m 644 /dev/stdin $(DESTDIR)$(SYSTEMDUNITDIR)/iopf-policies.service
	sed 's#/usr/local/sbin#$(PREFIX)/sbin#' tools/udev/60-iopf-policies.rules | \
		install -D -m 644 /dev/stdin $(DESTDIR)$(PREFIX)/lib/udev/rules.d/60-iopf-policies.rules
	install -D -m 644 docs/iopfctl.8 $(DESTDIR)$(PREFIX)/share/man/man8/iopfctl.8
	install -m 644 $(IOPF_BT_TOOLS:%=docs/%.8) $(DESTDIR)$(PREFIX)/share/man/man8/
	install -D -m 644 docs/iopf-policies.8 $(DESTDIR)$(PREFIX)/share/man/man8/iopf-policies.8
	install -D -m 644 tools/iopfctl.bash-completion $(DESTDIR)/usr/share/bash-completion/completions/iopfctl
	test -e $(DESTDIR)/etc/iopf/policies.conf || install -D -m 644 tools/systemd/policies.conf $(DESTDIR)/etc/iopf/policies.conf

# Debian packages of the user side, built with debhelper from tools/debian/
# (tools/make-deb): build/deb/iopf-bpf_VERSION_amd64.deb (the loader, its
# policies, the tools and the service) and iopf-bpf-dev_VERSION_all.deb (the
# BPF-side header and the example policy).  The content is make user and
# make install-files with PREFIX=/usr.  VMLINUX as for make user;
# DEB_VERSION overrides VERSION, DEB_OUT the directory.
DEB_OUT ?= $(B)/deb
deb:
	@DEB_VERSION="$(DEB_VERSION)" VMLINUX="$(VMLINUX)" tools/make-deb "$(DEB_OUT)"

clean:
	rm -rf $(B)
