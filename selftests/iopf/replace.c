// SPDX-License-Identifier: GPL-2.0
/*
 * Replacing a policy in place (BPF_LINK_UPDATE on its struct_ops link):
 * the new one keeps the old one's place, scope and link; the old one stops
 * with IOPF_EXIT_REPLACED; refused updates change nothing; and under a
 * fault storm every group is answered once, by one of the two, never by
 * the handler.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "iopf_mock.h"
#include "iopf_test.h"
#include "exit_only.skel.h"
#include "test_policy.skel.h"

#define LOG_MAX 4096
#define RESP_SUCCESS 0
#define RESP_INVALID 1
#define NR_REPLACE 200

FIXTURE(replace) {
	int fd;
	uint32_t ioas_id;
	struct mock_dev a, b;
	struct test_policy *p1, *p2, *p3;
	struct bpf_link *l1, *l2;
	struct iommu_test_iopf_response log[LOG_MAX];
};

FIXTURE_SETUP(replace)
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
	self->p3 = test_policy__open();
	ASSERT_NE(NULL, self->p1);
	ASSERT_NE(NULL, self->p2);
	ASSERT_NE(NULL, self->p3);
}

FIXTURE_TEARDOWN(replace)
{
	bpf_link__destroy(self->l1);
	bpf_link__destroy(self->l2);
	test_policy__destroy(self->p1);
	test_policy__destroy(self->p2);
	test_policy__destroy(self->p3);
	mock_dev_destroy(&self->a);
	mock_dev_destroy(&self->b);
	close(self->fd);
}

/* Load under @name, scoped to @dev (NULL: all devices), not attached */
static int load(struct test_policy *p, const char *name, const char *dev,
		int respond)
{
	if (policy_name(p->obj, name, dev))
		return -1;
	p->rodata->last_action = respond;
	return test_policy__load(p);
}

static struct bpf_link *load_attach(struct test_policy *p, const char *name,
				    const char *dev, int respond)
{
	return load(p, name, dev, respond) ? NULL : policy_attach(p->obj);
}

/* Put @p's (loaded) map behind @link; 0 or -errno */
static int update(struct bpf_link *link, struct test_policy *p)
{
	return bpf_link__update_map(link, iopf_ops_map(p->obj));
}

/* Fire one LAST fault and return the code the device got, or -1 */
static int fault_code(FIXTURE_DATA(replace) *self, struct mock_dev *dev,
		      uint32_t grpid)
{
	return mock_fault_code(dev, grpid, NULL);
}

/* The new policy is asked where the old one was: before later ones */
TEST_F(replace, keeps_place_and_link)
{
	struct iopf_policy_info before, after;
	long long attached = iopf_stat("attached");

	self->l1 = load_attach(self->p1, "first", NULL, IOPF_ACT_ANSWER_INVALID);
	ASSERT_NE(NULL, self->l1);
	self->l2 = load_attach(self->p2, "second", NULL, IOPF_ACT_ANSWER_INVALID);
	ASSERT_NE(NULL, self->l2);
	EXPECT_EQ(RESP_INVALID, fault_code(self, &self->a, 1));
	ASSERT_EQ(0, iopf_kernel_policy("first", &before));

	ASSERT_EQ(0, load(self->p3, "first", NULL, IOPF_ACT_ANSWER_SUCCESS));
	ASSERT_EQ(0, update(self->l1, self->p3));
	/* Stopped once, saying why; the new one has not stopped */
	EXPECT_EQ(IOPF_EXIT_REPLACED, self->p1->data->exit_kind);
	EXPECT_EQ(1, self->p1->bss->calls_exit);
	EXPECT_EQ(0, self->p3->bss->calls_exit);

	/* Still ahead of "second", which would answer INVALID */
	EXPECT_EQ(RESP_SUCCESS, fault_code(self, &self->a, 2));
	EXPECT_EQ(1, self->p1->bss->calls_decide);
	EXPECT_EQ(1, self->p3->bss->calls_decide);
	ASSERT_EQ(0, iopf_kernel_policy("first", &after));
	EXPECT_EQ(before.order, after.order);
	EXPECT_EQ(before.link_id, after.link_id);
	EXPECT_STREQ("*", after.scope);
	/* Counters restart with the new programs */
	EXPECT_EQ(1, after.calls);
	EXPECT_EQ(attached + 2, iopf_stat("attached"));
	/* A replacement is not an ejection */
	EXPECT_FALSE(policy_ejection("first", &(struct iopf_ejection_info){}));

	/* Detaching the link now stops the new one */
	bpf_link__destroy(self->l1);
	self->l1 = NULL;
	ASSERT_TRUE(policy_wait_gone("first", 1000));
	EXPECT_EQ(IOPF_EXIT_DETACHED, self->p3->data->exit_kind);
	EXPECT_EQ(1, self->p3->bss->calls_exit);
	EXPECT_EQ(1, self->p1->bss->calls_exit);
}

/* The map already behind the link: a no-op, the policy does not stop */
TEST_F(replace, same_map_is_noop)
{
	struct iopf_policy_info before, after;

	self->l1 = load_attach(self->p1, "same", NULL, IOPF_ACT_ANSWER_INVALID);
	ASSERT_NE(NULL, self->l1);
	EXPECT_EQ(RESP_INVALID, fault_code(self, &self->a, 1));
	ASSERT_EQ(0, iopf_kernel_policy("same", &before));
	ASSERT_EQ(0, update(self->l1, self->p1));
	EXPECT_EQ(0, self->p1->bss->calls_exit);
	EXPECT_EQ(RESP_INVALID, fault_code(self, &self->a, 2));
	ASSERT_EQ(0, iopf_kernel_policy("same", &after));
	/* Not restarted: the same entry counted both calls */
	EXPECT_EQ(2, after.calls);
	EXPECT_EQ(before.order, after.order);
}

/* A scoped policy stays scoped to its device; another scope is refused */
TEST_F(replace, keeps_scope)
{
	struct iopf_policy_info info;

	self->l1 = load_attach(self->p1, "fence", self->a.name, IOPF_ACT_ANSWER_INVALID);
	ASSERT_NE(NULL, self->l1);

	/* Another device, or all devices: refused, the old one runs on */
	ASSERT_EQ(0, load(self->p2, "fence", self->b.name, IOPF_ACT_ANSWER_SUCCESS));
	EXPECT_EQ(-EINVAL, update(self->l1, self->p2));
	ASSERT_EQ(0, load(self->p3, "fence", NULL, IOPF_ACT_ANSWER_SUCCESS));
	EXPECT_EQ(-EINVAL, update(self->l1, self->p3));
	EXPECT_EQ(0xffffffff, self->p1->data->exit_kind);
	EXPECT_EQ(RESP_INVALID, fault_code(self, &self->a, 1));
	EXPECT_EQ(0, self->p2->bss->calls_decide + self->p3->bss->calls_decide);

	/* The same device: accepted, and other devices still untouched */
	test_policy__destroy(self->p2);
	self->p2 = test_policy__open();
	ASSERT_NE(NULL, self->p2);
	ASSERT_EQ(0, load(self->p2, "fence", self->a.name, IOPF_ACT_ANSWER_SUCCESS));
	ASSERT_EQ(0, update(self->l1, self->p2));
	ASSERT_EQ(0, iopf_kernel_policy("fence", &info));
	EXPECT_STREQ(self->a.name, info.scope);
	EXPECT_EQ(RESP_SUCCESS, fault_code(self, &self->a, 2));
	EXPECT_EQ(1, self->p2->bss->calls_decide);
	EXPECT_EQ(RESP_SUCCESS, fault_code(self, &self->b, 3));
	EXPECT_EQ(1, self->p2->bss->calls_decide);
}

/* A new name is fine unless another policy has it */
TEST_F(replace, name_rules)
{
	struct iopf_policy_info info;

	self->l1 = load_attach(self->p1, "one", NULL, IOPF_ACT_DEFAULT);
	ASSERT_NE(NULL, self->l1);
	self->l2 = load_attach(self->p2, "two", NULL, IOPF_ACT_DEFAULT);
	ASSERT_NE(NULL, self->l2);
	ASSERT_EQ(0, load(self->p3, "two", NULL, IOPF_ACT_DEFAULT));
	EXPECT_EQ(-EEXIST, update(self->l1, self->p3));
	EXPECT_EQ(0, iopf_kernel_policy("one", &info));
	EXPECT_EQ(0xffffffff, self->p1->data->exit_kind);

	test_policy__destroy(self->p3);
	self->p3 = test_policy__open();
	ASSERT_NE(NULL, self->p3);
	ASSERT_EQ(0, load(self->p3, "three", NULL, IOPF_ACT_DEFAULT));
	ASSERT_EQ(0, update(self->l1, self->p3));
	EXPECT_EQ(-ENOENT, iopf_kernel_policy("one", &info));
	EXPECT_EQ(0, iopf_kernel_policy("three", &info));
}

/* On a detached link, or one whose policy was ejected: refused, one exit */
TEST_F(replace, dead_link_refused)
{
	ASSERT_EQ(0, load(self->p3, "spare", NULL, IOPF_ACT_ANSWER_SUCCESS));

	self->l1 = load_attach(self->p1, "gone", NULL, IOPF_ACT_DEFAULT);
	ASSERT_NE(NULL, self->l1);
	ASSERT_EQ(0, bpf_link__detach(self->l1));
	EXPECT_EQ(-ENOLINK, update(self->l1, self->p3));

	/* 42 is no verdict: ejected at the first fault, detached by a work */
	self->l2 = load_attach(self->p2, "bad", NULL, 42);
	ASSERT_NE(NULL, self->l2);
	EXPECT_EQ(RESP_SUCCESS, fault_code(self, &self->a, 1));
	ASSERT_TRUE(policy_wait_detached(self->l2, 5000));
	EXPECT_EQ(-ENOLINK, update(self->l2, self->p3));
	EXPECT_EQ(IOPF_EXIT_BAD_ACTION, self->p2->data->exit_kind);
	EXPECT_EQ(1, self->p2->bss->calls_exit);
	EXPECT_EQ(0, self->p3->bss->calls_exit);
	EXPECT_EQ(0, self->p3->bss->calls_decide);
	EXPECT_EQ(-ENOENT, iopf_kernel_policy("spare", &(struct iopf_policy_info){}));
}

/* .validate: a policy that decides nothing is refused before any link */
TEST_F(replace, empty_policy_refused)
{
	struct exit_only *e = exit_only__open_and_load();

	ASSERT_NE(NULL, e);
	EXPECT_EQ(NULL, policy_attach(e->obj));
	EXPECT_EQ(EINVAL, errno);
	self->l1 = load_attach(self->p1, "exit_only", NULL, IOPF_ACT_DEFAULT);
	ASSERT_NE(NULL, self->l1);
	EXPECT_EQ(-EINVAL, bpf_link__update_map(self->l1, iopf_ops_map(e->obj)));
	EXPECT_EQ(0xffffffff, self->p1->data->exit_kind);
	exit_only__destroy(e);
}

/*
 * An ejection racing with a replacement: the old policy stops once, for
 * one reason or the other; the new one is either live or never attached.
 */
struct racer {
	struct mock_dev *dev;
	uint32_t grpid;
	int delay_us;		/* so that either may come first */
};

static void *fire_one(void *arg)
{
	struct racer *r = arg;
	struct mock_fault f = { .grpid = r->grpid, .addr = 0x3000 };
	struct iommu_hwpt_pgfault rec[4];
	int i, n, result;

	usleep(r->delay_us);
	mock_fault(r->dev, &f, &result);
	n = mock_read_faults(r->dev, rec, 4);
	for (i = 0; i < n; i++)
		mock_respond(r->dev, rec[i].cookie, RESP_SUCCESS);
	return NULL;
}

/* Two policy loads a round: slow on a KASAN kernel under TCG */
TEST_F_TIMEOUT(replace, ejection_races_update, 300)
{
	struct racer r = { .dev = &self->a };
	int i, err, won = 0, lost = 0, won_ejected = 0;
	pthread_t t;

	for (i = 0; i < 6; i++) {
		struct test_policy *bad = test_policy__open();
		struct test_policy *good = test_policy__open();
		struct bpf_link *link;

		ASSERT_NE(NULL, bad);
		ASSERT_NE(NULL, good);
		link = load_attach(bad, "racer", NULL, 42);
		ASSERT_NE(NULL, link);
		ASSERT_EQ(0, load(good, "racer", NULL, IOPF_ACT_DEFAULT));
		r.grpid = i;
		r.delay_us = (i % 5) * 500;
		ASSERT_EQ(0, pthread_create(&t, NULL, fire_one, &r));
		err = update(link, good);
		pthread_join(t, NULL);
		if (err == 0) {
			won++;
			/* Ejected in the window: that stays its reason */
			won_ejected += bad->data->exit_kind == IOPF_EXIT_BAD_ACTION;
			EXPECT_TRUE(bad->data->exit_kind == IOPF_EXIT_REPLACED ||
				    bad->data->exit_kind == IOPF_EXIT_BAD_ACTION);
			/* The new one is live, untouched by the old one's ejection */
			EXPECT_EQ(0, iopf_kernel_policy("racer", &(struct iopf_policy_info){}));
			bpf_link__destroy(link);
			ASSERT_TRUE(policy_wait_gone("racer", 2000));
			EXPECT_EQ(1, good->bss->calls_exit);
			EXPECT_EQ(IOPF_EXIT_DETACHED, good->data->exit_kind);
		} else {
			lost++;
			EXPECT_EQ(-ENOLINK, err);
			ASSERT_TRUE(policy_wait_detached(link, 5000));
			bpf_link__destroy(link);
			EXPECT_EQ(IOPF_EXIT_BAD_ACTION, bad->data->exit_kind);
			EXPECT_EQ(0, good->bss->calls_exit);
		}
		EXPECT_EQ(1, bad->bss->calls_exit);
		test_policy__destroy(bad);
		test_policy__destroy(good);
	}
	mock_responses(self->fd, self->log, LOG_MAX, NULL);
	TH_LOG("update first %d times (%d of them with the old one ejected in the window), ejection first %d times",
	       won, won_ejected, lost);
}

/* Storm: threads fire LAST faults on a fenced device while it is replaced */
#define STORM_MAX (1 << 18)

struct storm {
	struct mock_dev *dev;
	uint32_t base;		/* first grpid */
	int nr;			/* fired so far */
	int escaped;		/* groups that reached the fault fd */
	volatile int *stop;
};

static void *storm_fire(void *arg)
{
	struct storm *s = arg;
	struct iommu_hwpt_pgfault rec[16];
	struct mock_fault f = { .addr = 0x4000 };
	int j, n, result;

	while (!*s->stop && s->nr < STORM_MAX) {
		f.grpid = s->base + s->nr++;
		mock_fault(s->dev, &f, &result);
		n = mock_read_faults(s->dev, rec, 16);
		for (j = 0; j < n; j++)
			mock_respond(s->dev, rec[j].cookie, RESP_SUCCESS);
		s->escaped += n;
	}
	return NULL;
}

/* Drain the response log into per-group counts; 0, or -1 on loss */
static int storm_drain(int fd, struct iommu_test_iopf_response *log,
		       const struct mock_dev *dev, uint8_t *seen, int *bad)
{
	uint32_t lost = 0;
	int i, n;

	do {
		n = mock_responses(fd, log, LOG_MAX, &lost);
		if (n < 0 || lost)
			return -1;
		for (i = 0; i < n; i++) {
			/* INVALID from one version, SUCCESS from the other */
			if (log[i].mock_id != dev->mock_id || log[i].pasid ||
			    log[i].grpid >= 2 * STORM_MAX || log[i].code > RESP_INVALID)
				(*bad)++;
			else if (seen[log[i].grpid] < 255)
				seen[log[i].grpid]++;
		}
	} while (n == LOG_MAX);
	return 0;
}

/* Drains the log while the storm runs, so that it never overflows */
struct drainer {
	int fd;
	struct iommu_test_iopf_response *log;
	const struct mock_dev *dev;
	uint8_t *seen;
	int bad, failed;
	volatile int stop;
};

static void *storm_drainer(void *arg)
{
	struct drainer *d = arg;

	while (!d->stop && !d->failed) {
		if (storm_drain(d->fd, d->log, d->dev, d->seen, &d->bad))
			d->failed = 1;
		usleep(200);
	}
	return NULL;
}

TEST_F_TIMEOUT(replace, storm_200_replacements, 300)
{
	struct test_policy *v[2] = { self->p1, self->p2 };
	struct storm s[2];
	volatile int stop = 0;
	pthread_t t[2], dt;
	uint64_t calls_then = 0;
	struct drainer d = { .fd = self->fd, .log = self->log, .dev = &self->a };
	uint8_t *seen;
	int i, k, missing = 0, twice = 0, ran_after = 0;

	seen = calloc(2 * STORM_MAX, 1);
	ASSERT_NE(NULL, seen);
	d.seen = seen;
	ASSERT_EQ(0, load(v[0], "fence", self->a.name, IOPF_ACT_ANSWER_INVALID));
	ASSERT_EQ(0, load(v[1], "fence", self->a.name, IOPF_ACT_ANSWER_SUCCESS));
	self->l1 = policy_attach(v[0]->obj);
	ASSERT_NE(NULL, self->l1);

	ASSERT_EQ(0, pthread_create(&dt, NULL, storm_drainer, &d));
	for (k = 0; k < 2; k++) {
		s[k] = (struct storm){ .dev = &self->a, .base = k * STORM_MAX,
				       .stop = &stop };
		ASSERT_EQ(0, pthread_create(&t[k], NULL, storm_fire, &s[k]));
	}
	for (i = 1; i <= NR_REPLACE; i++) {
		struct test_policy *old = v[(i - 1) % 2], *new = v[i % 2];

		/* The one put back must not have run while it was out */
		if (i > 1 && new->bss->calls_decide != calls_then)
			ran_after++;
		if (update(self->l1, new)) {
			TH_LOG("replacement %d failed: %s", i, strerror(errno));
			break;
		}
		calls_then = old->bss->calls_decide;
		usleep(1000);
	}
	stop = 1;
	for (k = 0; k < 2; k++)
		pthread_join(t[k], NULL);
	d.stop = 1;
	pthread_join(dt, NULL);
	EXPECT_EQ(NR_REPLACE + 1, i);
	EXPECT_EQ(0, d.failed);		/* the log never overflowed */
	ASSERT_EQ(0, storm_drain(self->fd, self->log, &self->a, seen, &d.bad));

	for (k = 0; k < 2; k++)
		for (i = 0; i < s[k].nr; i++) {
			uint8_t c = seen[s[k].base + i];

			missing += !c;
			twice += c > 1;
		}
	TH_LOG("%d replacements, %d + %d groups, each policy answered %llu + %llu",
	       NR_REPLACE, s[0].nr, s[1].nr,
	       (unsigned long long)v[0]->bss->calls_decide,
	       (unsigned long long)v[1]->bss->calls_decide);
	EXPECT_EQ(0, missing);
	EXPECT_EQ(0, twice);
	EXPECT_EQ(0, d.bad);
	EXPECT_EQ(0, s[0].escaped + s[1].escaped);
	EXPECT_EQ(0, ran_after);
	/* Every group was asked of exactly one version */
	EXPECT_EQ(s[0].nr + s[1].nr,
		  v[0]->bss->calls_decide + v[1]->bss->calls_decide);
	EXPECT_EQ(NR_REPLACE, v[0]->bss->calls_exit + v[1]->bss->calls_exit);
	free(seen);
}

TEST_HARNESS_MAIN
