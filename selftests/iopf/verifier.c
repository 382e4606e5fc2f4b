// SPDX-License-Identifier: GPL-2.0
/*
 * Every restriction of the policy API, shown refused with the kernel's own
 * message: deliberately wrong programs, and a process with the BPF
 * capabilities but without CAP_SYS_ADMIN.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "iopf_test.h"
#include "test_policy.skel.h"

static char verifier_log[1 << 16];

static int capture(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	size_t len = strlen(verifier_log);

	if (len < sizeof(verifier_log) - 1)
		vsnprintf(verifier_log + len, sizeof(verifier_log) - len, fmt, ap);
	return 0;
}

/*
 * Load @file, of its struct_ops maps only @map if not NULL (libbpf loads the
 * programs of created maps only); expect failure with @msg somewhere in
 * libbpf's and the kernel's log
 */
static void expect_refused_map(struct __test_metadata *_metadata,
			       const char *file, const char *map, const char *msg)
{
	struct bpf_object *obj;
	struct bpf_map *m;
	libbpf_print_fn_t old;
	int err, created = 0;

	obj = bpf_object__open_file(file, NULL);
	ASSERT_NE(NULL, obj);
	bpf_object__for_each_map(m, obj) {
		bool mine = !map || !strcmp(bpf_map__name(m), map);

		if (bpf_map__type(m) != BPF_MAP_TYPE_STRUCT_OPS)
			continue;
		bpf_map__set_autocreate(m, mine);
		created += mine;
	}
	ASSERT_LE(1, created);
	verifier_log[0] = 0;
	old = libbpf_set_print(capture);
	err = bpf_object__load(obj);
	libbpf_set_print(old);
	bpf_object__close(obj);
	EXPECT_NE(0, err);
	if (!strstr(verifier_log, msg))
		TH_LOG("expected \"%s\" in:\n%s", msg, verifier_log);
	EXPECT_NE(NULL, strstr(verifier_log, msg));
}

static void expect_refused(struct __test_metadata *_metadata, const char *file,
			   const char *msg)
{
	expect_refused_map(_metadata, file, NULL, msg);
}

TEST(write_to_request)
{
	expect_refused(_metadata, "build/bpf/bad_write_request.bpf.o",
		       "only read is supported");
}

TEST(write_to_device)
{
	expect_refused(_metadata, "build/bpf/bad_write_device.bpf.o",
		       "only read is supported");
}

TEST(read_past_request)
{
	expect_refused(_metadata, "build/bpf/bad_read_past_request.bpf.o",
		       "access beyond struct iommu_fault_page_request");
}

TEST(eject_needs_constant_string)
{
	expect_refused(_metadata, "build/bpf/bad_eject_msg.bpf.o",
		       "doesn't point to a const string");
}

/* Each kfunc from exit(): only decide() may call them */
TEST(kfuncs_outside_decide)
{
	static const char * const kfuncs[] = {
		"bpf_iopf_nr_partial", "bpf_iopf_nr_partial_group",
		"bpf_iopf_has_handler", "bpf_iopf_rid_has_handler",
		"bpf_iopf_dev_is_vf", "bpf_iopf_pci_id", "bpf_iopf_dev_name",
		"bpf_iopf_eject",
	};
	unsigned int i;

	for (i = 0; i < sizeof(kfuncs) / sizeof(kfuncs[0]); i++) {
		char want[128], ops[64];

		snprintf(ops, sizeof(ops), "%s_ops", kfuncs[i]);
		snprintf(want, sizeof(want),
			 "calling kernel function %s is not allowed", kfuncs[i]);
		expect_refused_map(_metadata, "build/bpf/bad_kfunc_exit.bpf.o",
				   ops, want);
	}
}

TEST(sleepable_program)
{
	expect_refused(_metadata, "build/bpf/bad_sleepable.bpf.o",
		       "attach to unsupported member decide of struct iopf_ops");
}

/* CAP_BPF + CAP_PERFMON load a policy; attaching needs CAP_SYS_ADMIN */
TEST(attach_needs_cap_sys_admin)
{
	const cap_value_t caps[] = { CAP_BPF, CAP_PERFMON };
	int status;
	pid_t pid = fork();

	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct test_policy *p;
		struct bpf_link *link;
		cap_t c = cap_init();

		prctl(PR_SET_KEEPCAPS, 1);
		if (setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534))
			_exit(10);
		cap_set_flag(c, CAP_PERMITTED, 2, caps, CAP_SET);
		cap_set_flag(c, CAP_EFFECTIVE, 2, caps, CAP_SET);
		if (cap_set_proc(c))
			_exit(11);
		p = test_policy__open();
		if (!p || policy_name(p->obj, "unprivileged", NULL))
			_exit(12);
		if (test_policy__load(p))
			_exit(13);	/* the BPF capabilities must be enough to load */
		link = policy_attach(p->obj);
		if (link)
			_exit(14);
		_exit(errno == EPERM ? 0 : 15);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	EXPECT_EQ(-ENOENT, iopf_kernel_policy("unprivileged", &(struct iopf_policy_info){}));
}

TEST_HARNESS_MAIN
