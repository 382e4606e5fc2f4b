// SPDX-License-Identifier: GPL-2.0
/*
 * Attaching policies: several at once and the combining rule, device
 * scope and its ejection when the device goes away, refused attachments,
 * and attach/detach racing with faults.
 */
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "iopf_mock.h"
#include "iopf_test.h"
#include "test_policy.skel.h"

#define LOG_MAX 4096
#define RESP_SUCCESS 0
#define RESP_INVALID 1

FIXTURE(attach) {
	int fd;
	uint32_t ioas_id;
	struct mock_dev a, b;
	struct test_policy *p1, *p2;
	struct bpf_link *l1, *l2;
	struct iommu_test_iopf_response log[LOG_MAX];
};

FIXTURE_SETUP(attach)
{
	self->fd = mock_open(&self->ioas_id);
	ASSERT_LE(0, self->fd);
	ASSERT_LE(0, mock_responses(self->fd, self->log, LOG_MAX, NULL));
	ASSERT_EQ(0, mock_dev_create(self->fd, self->ioas_id, &self->a));
	ASSERT_EQ(0, mock_dev_create(self->fd, self->ioas_id, &self->b));
	ASSERT_EQ(0, mock_dev_enable_faults(&self->a));
	ASSERT_EQ(0, mock_dev_enable_faults(&self->b));
	self->p1 = test_policy__open();
	self->p2 = test_policy__open();
	ASSERT_NE(NULL, self->p1);
	ASSERT_NE(NULL, self->p2);
}

FIXTURE_TEARDOWN(attach)
{
	bpf_link__destroy(self->l1);
	bpf_link__destroy(self->l2);
	test_policy__destroy(self->p1);
	test_policy__destroy(self->p2);
	mock_dev_destroy(&self->a);
	mock_dev_destroy(&self->b);
	close(self->fd);
}

/* Load and attach under @name, scoped to @dev (NULL: all devices) */
static struct bpf_link *load_attach(struct test_policy *p, const char *name,
				    const char *dev, int respond)
{
	if (policy_name(p->obj, name, dev))
		return NULL;
	p->rodata->last_action = respond;
	if (test_policy__load(p))
		return NULL;
	return policy_attach(p->obj);
}

/* Fire one LAST fault and return the code the device got, or -1 */
static int fault_code(FIXTURE_DATA(attach) *self, struct mock_dev *dev,
		      uint32_t grpid)
{
	return mock_fault_code(dev, grpid, NULL);
}

/* Device-scoped policies come before global ones, whatever the order */
TEST_F(attach, scoped_before_global)
{
	struct iopf_policy_info g;

	self->l1 = load_attach(self->p1, "global_success", NULL, IOPF_ACT_ANSWER_SUCCESS);
	ASSERT_NE(NULL, self->l1);
	self->l2 = load_attach(self->p2, "scoped_invalid", self->a.name, IOPF_ACT_ANSWER_INVALID);
	ASSERT_NE(NULL, self->l2);

	EXPECT_EQ(RESP_INVALID, fault_code(self, &self->a, 1));
	EXPECT_EQ(RESP_SUCCESS, fault_code(self, &self->b, 2));
	/* The global policy was asked both times, obeyed once */
	ASSERT_EQ(0, iopf_kernel_policy("global_success", &g));
	EXPECT_EQ(2, g.calls);
	EXPECT_EQ(1, g.obeyed);
	EXPECT_EQ(1, g.overridden);
	EXPECT_STREQ("*", g.scope);
	EXPECT_EQ(1, self->p2->bss->calls_decide);

	/* Detaching one leaves the other */
	bpf_link__destroy(self->l2);
	self->l2 = NULL;
	ASSERT_TRUE(policy_wait_gone("scoped_invalid", 1000));
	EXPECT_EQ(RESP_SUCCESS, fault_code(self, &self->a, 3));
	EXPECT_EQ(0, iopf_kernel_policy("global_success", &g));
}

/* Among global policies, the first attached wins */
TEST_F(attach, attach_order)
{
	self->l1 = load_attach(self->p1, "first_invalid", NULL, IOPF_ACT_ANSWER_INVALID);
	ASSERT_NE(NULL, self->l1);
	self->l2 = load_attach(self->p2, "second_success", NULL, IOPF_ACT_ANSWER_SUCCESS);
	ASSERT_NE(NULL, self->l2);
	EXPECT_EQ(RESP_INVALID, fault_code(self, &self->a, 1));
	/* Both were asked */
	EXPECT_EQ(1, self->p1->bss->calls_decide);
	EXPECT_EQ(1, self->p2->bss->calls_decide);
}

/* Destroying a scoped policy's device ejects it; a new device is not bound */
TEST_F(attach, device_removal_ejects)
{
	struct iopf_ejection_info ej;
	struct iopf_policy_info info;
	struct mock_dev c;
	char old_name[32];

	self->l1 = load_attach(self->p1, "on_b", self->b.name, IOPF_ACT_ANSWER_INVALID);
	ASSERT_NE(NULL, self->l1);
	self->l2 = load_attach(self->p2, "everywhere", NULL, IOPF_ACT_DEFAULT);
	ASSERT_NE(NULL, self->l2);
	ASSERT_EQ(0, iopf_kernel_policy("on_b", &info));
	EXPECT_STREQ(self->b.name, info.scope);

	strcpy(old_name, self->b.name);
	ASSERT_EQ(0, mock_dev_destroy(&self->b));
	ASSERT_TRUE(policy_wait_detached(self->l1, 5000));
	ASSERT_TRUE(policy_ejection("on_b", &ej));
	EXPECT_STREQ("device-removed", ej.reason);
	EXPECT_STREQ(old_name, ej.device);
	EXPECT_EQ(IOPF_EXIT_DEV_REMOVED, self->p1->data->exit_kind);
	/* The global one stays */
	EXPECT_EQ(0, iopf_kernel_policy("everywhere", &info));
	EXPECT_STREQ("live", info.state);

	/* The mock reuses the lowest free id: the name comes back unbound */
	ASSERT_EQ(0, mock_dev_create(self->fd, self->ioas_id, &c));
	ASSERT_EQ(0, mock_dev_enable_faults(&c));
	EXPECT_STREQ(old_name, c.name);
	EXPECT_EQ(RESP_SUCCESS, fault_code(self, &c, 4));
	mock_dev_destroy(&c);
}

TEST_F(attach, duplicate_name_refused)
{
	self->l1 = load_attach(self->p1, "twin", NULL, IOPF_ACT_DEFAULT);
	ASSERT_NE(NULL, self->l1);
	self->l2 = load_attach(self->p2, "twin", self->a.name, IOPF_ACT_DEFAULT);
	EXPECT_EQ(NULL, self->l2);
	EXPECT_EQ(EEXIST, errno);
}

TEST_F(attach, unknown_device_refused)
{
	self->l1 = load_attach(self->p1, "nowhere", "no_such_device", IOPF_ACT_DEFAULT);
	EXPECT_EQ(NULL, self->l1);
	EXPECT_EQ(ENODEV, errno);
	EXPECT_EQ(-ENOENT, iopf_kernel_policy("nowhere", &(struct iopf_policy_info){}));
}

/* Names the kernel refuses when the map is loaded */
TEST_F(attach, bad_names_refused)
{
	EXPECT_EQ(NULL, load_attach(self->p1, "two words", NULL, IOPF_ACT_DEFAULT));
	EXPECT_EQ(NULL, load_attach(self->p2, "", NULL, IOPF_ACT_DEFAULT));
}

/* A name is a directory in /sys/kernel/iopf/policies/: no "." or ".." */
TEST_F(attach, dot_names_refused)
{
	EXPECT_EQ(NULL, load_attach(self->p1, ".", NULL, IOPF_ACT_DEFAULT));
	EXPECT_EQ(NULL, load_attach(self->p2, "..", NULL, IOPF_ACT_DEFAULT));
}

/* A map without a link could not be ejected: refused */
TEST_F(attach, map_without_link_refused)
{
	struct bpf_object *obj;
	struct bpf_link *link;

	obj = bpf_object__open_file("build/bpf/nolink_policy.bpf.o", NULL);
	ASSERT_NE(NULL, obj);
	ASSERT_EQ(0, bpf_object__load(obj));
	link = policy_attach(obj);
	EXPECT_EQ(NULL, link);
	EXPECT_EQ(EOPNOTSUPP, errno);
	bpf_link__destroy(link);
	bpf_object__close(obj);
}

struct storm {
	struct mock_dev *dev;
	int nr;
	volatile int done;
};

/* Fire @nr LAST faults with distinct group ids, answering what arrives */
static void *fire_storm(void *arg)
{
	struct storm *s = arg;
	struct iommu_hwpt_pgfault rec[16];
	struct mock_fault f = { .addr = 0x2000 };
	int i, j, n, result;

	for (i = 0; i < s->nr; i++) {
		f.grpid = i;
		mock_fault(s->dev, &f, &result);
		n = mock_read_faults(s->dev, rec, 16);
		for (j = 0; j < n; j++)
			mock_respond(s->dev, rec[j].cookie, RESP_SUCCESS);
	}
	s->done = 1;
	return NULL;
}

/* Attach and detach while faults fire: no lost or double response */
TEST_F(attach, attach_detach_under_faults)
{
	struct storm s = { .dev = &self->a, .nr = 1500 };
	static unsigned char seen[1500];
	pthread_t t;
	int i, n, cycles = 0, dup = 0, missing = 0, by_code[4] = {};

	ASSERT_EQ(0, policy_name(self->p1->obj, "flapping", NULL));
	self->p1->rodata->last_action = IOPF_ACT_ANSWER_INVALID;
	ASSERT_EQ(0, test_policy__load(self->p1));

	ASSERT_EQ(0, pthread_create(&t, NULL, fire_storm, &s));
	while (!s.done) {
		struct bpf_link *link = policy_attach(self->p1->obj);

		ASSERT_NE(NULL, link);
		usleep(2000);
		bpf_link__destroy(link);
		cycles++;
	}
	pthread_join(t, NULL);

	n = mock_responses(self->fd, self->log, LOG_MAX, NULL);
	memset(seen, 0, sizeof(seen));
	for (i = 0; i < n; i++) {
		ASSERT_EQ(self->a.mock_id, self->log[i].mock_id);
		ASSERT_GT(s.nr, self->log[i].grpid);
		if (seen[self->log[i].grpid]++)
			dup++;
		if (self->log[i].code < 4)
			by_code[self->log[i].code]++;
	}
	for (i = 0; i < s.nr; i++)
		missing += !seen[i];
	EXPECT_EQ(0, dup);
	EXPECT_EQ(0, missing);
	EXPECT_EQ(s.nr, n);
	/* Both paths were taken: the policy answers INVALID, user space SUCCESS */
	EXPECT_LT(0, by_code[RESP_INVALID]);
	EXPECT_LT(0, by_code[RESP_SUCCESS]);
	EXPECT_EQ(n, by_code[RESP_INVALID] + by_code[RESP_SUCCESS]);
	TH_LOG("%d attach/detach cycles during %d faults", cycles, s.nr);
}

TEST_HARNESS_MAIN
