// SPDX-License-Identifier: GPL-2.0
/*
 * Fault injection on attach: a fail-nth sweep over attaching a policy (the
 * struct_ops map update and the link create, which runs the kernel's
 * .reg()) and over replacing one (map update and link update: .update()).
 * For nth = 1, 2, ... the nth slab allocation of the attach fails.  Every
 * injected failure must end in a clean error, with nothing attached and
 * the name free; after a failed update the old policy must still be
 * attached, in its place, and answering.  The sweep ends at the first nth
 * the attach no longer reaches: then all its injection points were tried.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>

#include "kselftest_harness.h"
#include "iopf_mock.h"
#include "iopf_test.h"
#include "test_policy.skel.h"

#define LOG_MAX 64
#define RESP_INVALID 1
/* A sweep this long means the attach never stops reaching nth: a bug */
#define NTH_MAX 3000
#define FAILSLAB "/sys/kernel/debug/failslab/"

FIXTURE(attach_fail) {
	int fd;
	uint32_t ioas_id;
	struct mock_dev a;
	int nth_fd;		/* /proc/thread-self/fail-nth */
	uint32_t grpid;
	struct test_policy *p[2];
	struct iommu_test_iopf_response log[LOG_MAX];
};

static int write_file(const char *path, const char *value)
{
	int fd = open(path, O_WRONLY);
	int ok = fd >= 0 && write(fd, value, strlen(value)) == (ssize_t)strlen(value);

	if (fd >= 0)
		close(fd);
	return ok ? 0 : -1;
}

FIXTURE_SETUP(attach_fail)
{
	self->nth_fd = -1;
	/* As iopf-fire: GFP_KERNEL allocations fail only with ignore-gfp-wait off */
	if (write_file(FAILSLAB "ignore-gfp-wait", "N") || write_file(FAILSLAB "verbose", "0"))
		SKIP(return, "no failslab in debugfs (CONFIG_FAILSLAB, CONFIG_FAULT_INJECTION_DEBUG_FS)");
	/* Opened once: an open between arming and the attach would count */
	self->nth_fd = open("/proc/thread-self/fail-nth", O_RDWR | O_CLOEXEC);
	if (self->nth_fd < 0)
		SKIP(return, "no /proc/thread-self/fail-nth (CONFIG_FAULT_INJECTION)");
	self->fd = mock_open(&self->ioas_id);
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, mock_dev_create(self->fd, self->ioas_id, &self->a));
	ASSERT_EQ(0, mock_dev_enable_faults(&self->a));
	ASSERT_LE(0, mock_responses(self->fd, self->log, LOG_MAX, NULL));
}

FIXTURE_TEARDOWN(attach_fail)
{
	test_policy__destroy(self->p[0]);
	test_policy__destroy(self->p[1]);
	close(self->nth_fd);
	mock_dev_destroy(&self->a);
	close(self->fd);
}

/* The @nth fault-injection point this thread passes from now on fails */
static int arm(int fd, int nth)
{
	char buf[16];
	int len = snprintf(buf, sizeof(buf), "%d", nth);

	return pwrite(fd, buf, len, 0) == len ? 0 : -1;
}

/* Was the armed failure injected?  If not, disarm it */
static bool injected(int fd)
{
	char buf[16] = "";

	/* 0 once the nth point failed; what is left to go otherwise */
	if (pread(fd, buf, sizeof(buf) - 1, 0) > 0 && !atoi(buf))
		return true;
	pwrite(fd, "0", 1, 0);
	return false;
}

/* What an attach may change: -1 for a line the kernel does not have yet */
struct kstate {
	long long attached, key;
};

static void kstate(struct kstate *s)
{
	s->attached = iopf_stat("attached");
	s->key = iopf_static_key();
}

/* A loaded object under @name, answering INVALID to last requests */
static struct test_policy *load(const char *name)
{
	struct test_policy *p = test_policy__open();

	if (!p)
		return NULL;
	p->rodata->last_action = IOPF_ACT_ANSWER_INVALID;
	if (policy_name(p->obj, name, NULL) || test_policy__load(p)) {
		test_policy__destroy(p);
		return NULL;
	}
	return p;
}

/*
 * Put a new kernel map behind @p's iopf_ops map, as its load made it: each
 * step of a sweep must update a map never updated before, and loading
 * the object again (vmlinux BTF, verifier) costs a second or more under
 * TCG.  The programs stay; the old map goes unless a link holds it.
 * Afterwards iopf_ops_map() no longer finds the map (libbpf takes its BTF
 * ids from the kernel, which keeps none for struct_ops): use test_ops.
 */
static int renew_map(struct test_policy *p)
{
	struct bpf_map *map = p->maps.test_ops;
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);
	int fd, err;

	if (!map || bpf_map_get_info_by_fd(bpf_map__fd(map), &info, &len))
		return -1;
	LIBBPF_OPTS(bpf_map_create_opts, opts,
		    .btf_fd = bpf_object__btf_fd(p->obj),
		    .btf_key_type_id = info.btf_key_type_id,
		    .btf_value_type_id = info.btf_value_type_id,
		    .btf_vmlinux_value_type_id = info.btf_vmlinux_value_type_id,
		    .map_flags = info.map_flags);
	fd = bpf_map_create(BPF_MAP_TYPE_STRUCT_OPS, info.name, info.key_size,
			    info.value_size, info.max_entries, &opts);
	if (fd < 0)
		return fd;
	err = bpf_map__reuse_fd(map, fd);
	close(fd);
	return err;
}

static unsigned int map_id(struct test_policy *p)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);

	bpf_map_get_info_by_fd(bpf_map__fd(p->maps.test_ops), &info, &len);
	return info.id;
}

/* The map behind @link now, 0 if none */
static unsigned int link_map_id(struct bpf_link *link)
{
	struct bpf_link_info info = {};
	__u32 len = sizeof(info);

	if (bpf_link_get_info_by_fd(bpf_link__fd(link), &info, &len))
		return 0;
	return info.struct_ops.map_id;
}

/* Fire one LAST fault at device a; the code it got, or -1 */
static int fault_code(FIXTURE_DATA(attach_fail) *self)
{
	return mock_fault_code(&self->a, ++self->grpid & 0x1ff, NULL);
}

struct sweep {
	int points;	/* injection points the operation passed */
	int failed;	/* injected, and the operation failed cleanly */
	int absorbed;	/* injected, and it succeeded anyway (a fallback) */
};

/*
 * Attach with the nth allocation failing, for nth = 1, 2, ... until the
 * attach passes no more than nth - 1 points.
 */
TEST_F_TIMEOUT(attach_fail, attach_sweep, 900)
{
	struct iopf_policy_info info;
	struct kstate before, after;
	struct sweep r = {};
	struct bpf_link *link;
	bool hit = true;
	int nth, err;

	self->p[0] = load("fail_nth");
	ASSERT_NE(NULL, self->p[0]);
	for (nth = 1; nth <= NTH_MAX && hit; nth++) {
		ASSERT_EQ(0, renew_map(self->p[0]));
		kstate(&before);
		ASSERT_EQ(0, arm(self->nth_fd, nth));
		link = bpf_map__attach_struct_ops(self->p[0]->maps.test_ops);
		err = errno;
		hit = injected(self->nth_fd);
		kstate(&after);

		if (!link) {
			/* Only an injected failure may fail it, and cleanly */
			ASSERT_TRUE(hit) TH_LOG("nth %d: attach failed uninjected: %s", nth, strerror(err));
			EXPECT_EQ(ENOMEM, err) TH_LOG("nth %d: %s", nth, strerror(err));
			EXPECT_EQ(-ENOENT, iopf_kernel_policy("fail_nth", &info)) TH_LOG("nth %d: listed", nth);
			EXPECT_EQ(before.attached, after.attached) TH_LOG("nth %d", nth);
			EXPECT_EQ(before.key, after.key) TH_LOG("nth %d: static_key", nth);
			r.failed++;
			/* The name is free: the same object attaches now */
			link = bpf_map__attach_struct_ops(self->p[0]->maps.test_ops);
			ASSERT_NE(NULL, link) TH_LOG("nth %d: then %s", nth, strerror(errno));
		} else {
			r.absorbed += hit;
		}
		/* Attached: listed once, live, counted */
		ASSERT_EQ(0, iopf_kernel_policy("fail_nth", &info)) TH_LOG("nth %d", nth);
		EXPECT_STREQ("live", info.state);
		EXPECT_EQ(before.attached + 1, iopf_stat("attached")) TH_LOG("nth %d", nth);
		if (!hit) {
			/* Untouched: the policy answers, and nth - 1 was the last point */
			EXPECT_EQ(RESP_INVALID, fault_code(self));
			EXPECT_EQ(1, self->p[0]->bss->calls_decide);
			r.points = nth - 1;
		}
		bpf_link__destroy(link);
		EXPECT_TRUE(policy_wait_gone("fail_nth", 5000)) TH_LOG("nth %d: still listed", nth);
		kstate(&after);
		EXPECT_EQ(before.attached, after.attached) TH_LOG("nth %d: after detach", nth);
		EXPECT_EQ(before.key, after.key) TH_LOG("nth %d: static_key after detach", nth);
		if (_metadata->exit_code)
			break;
	}
	EXPECT_FALSE(hit) TH_LOG("the attach still reached nth %d", NTH_MAX);
	/* Something was swept, and it could fail */
	EXPECT_LT(0, r.failed);
	TH_LOG("attach: %d injection points: %d failed cleanly, %d absorbed",
	       r.points, r.failed, r.absorbed);
}

/*
 * Replace a policy (BPF_LINK_UPDATE through bpf_link__update_map), the nth
 * allocation failing; two objects take turns as the old and the new one.
 * After a failure the old one is still behind the link, in its place, and
 * answers; after a success the new one is, and the old one stopped once,
 * replaced.
 */
TEST_F_TIMEOUT(attach_fail, update_sweep, 900)
{
	struct iopf_policy_info first, info;
	struct kstate before, after;
	struct test_policy *cur, *next;
	struct sweep r = {};
	struct bpf_link *link;
	int nth, err, calls, exits;
	bool hit = true;

	self->p[0] = load("fail_upd");
	self->p[1] = load("fail_upd");
	ASSERT_NE(NULL, self->p[0]);
	ASSERT_NE(NULL, self->p[1]);
	cur = self->p[0];
	link = bpf_map__attach_struct_ops(cur->maps.test_ops);
	ASSERT_NE(NULL, link);
	ASSERT_EQ(0, iopf_kernel_policy("fail_upd", &first));

	for (nth = 1; nth <= NTH_MAX && hit; nth++) {
		next = cur == self->p[0] ? self->p[1] : self->p[0];
		ASSERT_EQ(0, renew_map(next));
		calls = cur->bss->calls_decide;
		exits = cur->bss->calls_exit;
		kstate(&before);
		ASSERT_EQ(0, arm(self->nth_fd, nth));
		err = bpf_link__update_map(link, next->maps.test_ops);
		hit = injected(self->nth_fd);
		kstate(&after);

		EXPECT_EQ(before.attached, after.attached) TH_LOG("nth %d", nth);
		EXPECT_EQ(before.key, after.key) TH_LOG("nth %d: static_key", nth);
		ASSERT_EQ(0, iopf_kernel_policy("fail_upd", &info)) TH_LOG("nth %d: gone", nth);
		EXPECT_STREQ("live", info.state);
		EXPECT_EQ(first.order, info.order);
		EXPECT_EQ(first.link_id, info.link_id);
		if (err) {
			ASSERT_TRUE(hit) TH_LOG("nth %d: update failed uninjected: %s", nth, strerror(-err));
			EXPECT_EQ(-ENOMEM, err) TH_LOG("nth %d: %s", nth, strerror(-err));
			r.failed++;
			/* The old one runs on: behind the link, not stopped, answering */
			EXPECT_EQ(map_id(cur), link_map_id(link)) TH_LOG("nth %d", nth);
			EXPECT_EQ(exits, cur->bss->calls_exit) TH_LOG("nth %d", nth);
			EXPECT_EQ(RESP_INVALID, fault_code(self)) TH_LOG("nth %d", nth);
			EXPECT_EQ(calls + 1, cur->bss->calls_decide) TH_LOG("nth %d", nth);
		} else {
			r.absorbed += hit;
			if (!hit)
				r.points = nth - 1;
			/* The old one stopped once, replaced; the new one answers */
			EXPECT_EQ(map_id(next), link_map_id(link)) TH_LOG("nth %d", nth);
			EXPECT_EQ(exits + 1, cur->bss->calls_exit) TH_LOG("nth %d", nth);
			EXPECT_EQ(IOPF_EXIT_REPLACED, cur->data->exit_kind);
			calls = next->bss->calls_decide;
			EXPECT_EQ(RESP_INVALID, fault_code(self)) TH_LOG("nth %d", nth);
			EXPECT_EQ(calls + 1, next->bss->calls_decide) TH_LOG("nth %d", nth);
			cur = next;
		}
		if (_metadata->exit_code)
			break;
	}
	EXPECT_FALSE(hit) TH_LOG("the update still reached nth %d", NTH_MAX);
	EXPECT_LT(0, r.failed);
	bpf_link__destroy(link);
	EXPECT_TRUE(policy_wait_gone("fail_upd", 5000));
	TH_LOG("update: %d injection points: %d failed cleanly, %d absorbed",
	       r.points, r.failed, r.absorbed);
}

TEST_HARNESS_MAIN
