// SPDX-License-Identifier: GPL-2.0
/*
 * Domain routing (IOPF_ACT_ROUTE_RID) against real PASID attachments: 7.3's
 * mock attaches domains to PASIDs, so the route check meets the attach
 * handles iommufd really creates, not only "no handle at all" as in
 * policy.c.  Exactly-once is checked per group in the mock's sequenced
 * response log.
 *
 * Every device here is PASID-capable and its RID sits on a PASID-compatible
 * domain: iommufd refuses a PASID attach while the RID's domain is not
 * (IOMMU_HWPT_ALLOC_PASID), and a RID domain that is not while a PASID is
 * attached.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>

#include "kselftest_harness.h"
#include "iopf_mock.h"
#include "iopf_ledger.h"

/*
 * 6.12's mock has no set_dev_pasid and no IOMMU_TEST_OP_PASID_* ops.  Those
 * ops are enum constants, which the preprocessor cannot see; this macro
 * came into iommufd_test.h with them (the PASID replace test's PASID) and
 * is missing from 6.12's.
 */
#ifdef IOMMU_TEST_PASID_RESERVED

#include "iopf_test.h"
#include "test_policy.skel.h"

#define LOG_MAX 4096
#define RESP_SUCCESS 0
#define RESP_INVALID 1
#define PASID 0x42		/* the PASID that faults */
#define PASID_OTHER 0x43	/* a neighbour with a fault queue of its own */
#define NO_PASID 0		/* IOMMU_NO_PASID (kernel-only): the RID */

/* An iommufd fault queue and the nested HWPT that delivers to it */
struct queue {
	uint32_t fault_id;
	int fd;
	uint32_t hwpt_id;
};

struct env {
	int fd;
	uint32_t ioas_id;
	struct mock_dev dev;	/* MOCK_FLAGS_DEVICE_PASID */
	uint32_t parent_id;	/* NEST_PARENT paging HWPT under the nested ones */
	uint32_t plain_id;	/* paging, PASID-compatible, no fault handler */
	uint32_t nested_plain_id; /* nested, PASID-compatible, no fault handler */
	struct queue rid_q;	/* for the RID */
	struct queue pasid_q;	/* for a PASID */
	struct queue spare_q;	/* for the RID, replacing rid_q */
	struct test_policy *skel;
	struct bpf_link *link;
	char name[32];
	uint64_t seq;		/* last response sequence number seen */
	struct iommu_test_iopf_response log[LOG_MAX];
	struct iommu_hwpt_pgfault faults[16];
};

static int test_cmd(struct env *e, struct iommu_test_cmd *cmd)
{
	cmd->size = sizeof(*cmd);
	return ioctl(e->fd, IOMMU_TEST_CMD, cmd) ? -errno : 0;
}

/* The mock device's iommufd is e->fd: the library's allocation serves */
static int hwpt_alloc(struct env *e, uint32_t pt_id, uint32_t flags,
		      uint32_t fault_id, bool nested, uint32_t *out)
{
	return mock_hwpt_alloc(&e->dev, pt_id, flags, fault_id, nested, out);
}

static int queue_alloc(struct env *e, struct queue *q)
{
	struct iommu_fault_alloc fa = { .size = sizeof(fa) };

	if (ioctl(e->fd, IOMMU_FAULT_QUEUE_ALLOC, &fa))
		return -errno;
	q->fault_id = fa.out_fault_id;
	q->fd = fa.out_fault_fd;
	fcntl(q->fd, F_SETFL, O_NONBLOCK);
	return hwpt_alloc(e, e->parent_id,
			  IOMMU_HWPT_FAULT_ID_VALID | IOMMU_HWPT_ALLOC_PASID,
			  q->fault_id, true, &q->hwpt_id);
}

/* Groups delivered to @q: up to @max records, returns how many */
static int queue_read(struct queue *q, struct iommu_hwpt_pgfault *out, int max)
{
	ssize_t n = read(q->fd, out, max * sizeof(*out));

	if (n < 0)
		return errno == EAGAIN ? 0 : -errno;
	return n / sizeof(*out);
}

static int queue_respond(struct queue *q, uint32_t cookie, uint32_t code)
{
	struct iommu_hwpt_page_response resp = { .cookie = cookie, .code = code };

	if (write(q->fd, &resp, sizeof(resp)) != sizeof(resp))
		return -errno;
	return 0;
}

/* Put the RID on @pt_id; iommufd answers the old domain's pending groups */
static int rid_attach(struct env *e, uint32_t pt_id)
{
	struct iommu_test_cmd cmd = {
		.op = IOMMU_TEST_OP_MOCK_DOMAIN_REPLACE,
		.id = e->dev.stdev_id,
		.mock_domain_replace.pt_id = pt_id,
	};

	return test_cmd(e, &cmd);
}

static int pasid_attach(struct env *e, uint32_t op, uint32_t pasid, uint32_t pt_id)
{
	struct iommu_test_cmd cmd = {
		.op = op,	/* IOMMU_TEST_OP_PASID_ATTACH or _REPLACE */
		.id = e->dev.stdev_id,
		.pasid_attach = { .pasid = pasid, .pt_id = pt_id },
	};

	return test_cmd(e, &cmd);
}

static int pasid_detach(struct env *e, uint32_t pasid)
{
	struct iommu_test_cmd cmd = {
		.op = IOMMU_TEST_OP_PASID_DETACH,
		.id = e->dev.stdev_id,
		.pasid_detach.pasid = pasid,
	};

	return test_cmd(e, &cmd);
}

/* 0 if @pasid (NO_PASID: the RID) is on @hwpt_id (0: on nothing) */
static int attached_to(struct env *e, uint32_t pasid, uint32_t hwpt_id)
{
	struct iommu_test_cmd cmd = {
		.op = IOMMU_TEST_OP_PASID_CHECK_HWPT,
		.id = e->dev.stdev_id,
		.pasid_check = { .pasid = pasid, .hwpt_id = hwpt_id },
	};

	return test_cmd(e, &cmd);
}

static void env_setup(struct __test_metadata *_metadata, struct env *e)
{
	e->rid_q.fd = e->pasid_q.fd = e->spare_q.fd = -1;
	e->fd = mock_open(&e->ioas_id);
	ASSERT_LE(0, e->fd);
	/* Forget responses of earlier tests */
	ASSERT_LE(0, mock_responses(e->fd, e->log, LOG_MAX, NULL));
	ASSERT_EQ(0, mock_dev_create_flags(e->fd, e->ioas_id,
					   MOCK_FLAGS_DEVICE_PASID, &e->dev));

	ASSERT_EQ(0, hwpt_alloc(e, e->ioas_id, IOMMU_HWPT_ALLOC_NEST_PARENT, 0,
				false, &e->parent_id));
	ASSERT_EQ(0, hwpt_alloc(e, e->ioas_id, IOMMU_HWPT_ALLOC_PASID, 0,
				false, &e->plain_id));
	ASSERT_EQ(0, hwpt_alloc(e, e->parent_id, IOMMU_HWPT_ALLOC_PASID, 0,
				true, &e->nested_plain_id));
	ASSERT_EQ(0, queue_alloc(e, &e->rid_q));
	ASSERT_EQ(0, queue_alloc(e, &e->pasid_q));
	ASSERT_EQ(0, queue_alloc(e, &e->spare_q));

	e->skel = test_policy__open();
	ASSERT_NE(NULL, e->skel);
	snprintf(e->name, sizeof(e->name), "r_%d_%.20s", getpid(), _metadata->name);
	/* Scoped: nothing but this test's device can reach it */
	ASSERT_EQ(0, policy_name(e->skel->obj, e->name, e->dev.name));
}

static void env_teardown(struct env *e)
{
	bpf_link__destroy(e->link);
	test_policy__destroy(e->skel);
	if (e->dev.stdev_id) {
		pasid_detach(e, PASID);
		pasid_detach(e, PASID_OTHER);
		mock_dev_destroy(&e->dev);
	}
	/* Closing the iommufd frees the HWPTs and queues, once their fds are shut */
	if (e->rid_q.fd >= 0)
		close(e->rid_q.fd);
	if (e->pasid_q.fd >= 0)
		close(e->pasid_q.fd);
	if (e->spare_q.fd >= 0)
		close(e->spare_q.fd);
	mock_set_user_pasid_table(e->fd, true, NULL);
	close(e->fd);
}

static int attach_policy(struct env *e)
{
	int err = test_policy__load(e->skel);

	if (err)
		return err;
	e->link = policy_attach(e->skel->obj);
	return e->link ? 0 : -errno;
}

static int fire(struct env *e, uint32_t pasid, uint32_t grpid)
{
	struct mock_fault f = {
		.pasid = pasid, .grpid = grpid,
		.addr = 0x100000 + grpid * 0x1000,
		.perm = IOMMU_PGFAULT_PERM_READ,
	};
	int result = -12345;

	if (mock_fault(&e->dev, &f, &result))
		return -12345;
	return result;
}

/* The responses since the last call: exactly @want (iopf_ledger.h) */
static void expect_log(struct __test_metadata *_metadata, struct env *e,
		       const struct want_resp *want, int nr_want)
{
	expect_responses(_metadata, e->fd, &e->seq, e->log, LOG_MAX, want,
			 nr_want);
}

#define NOTHING NULL, 0
#define ONE(pasid, grpid, code) \
	(&(struct want_resp){ e->dev.mock_id, pasid, grpid, code }), 1

/* Expect the policy to be ejected for a bad route of @pasid */
static void expect_bad_route(struct __test_metadata *_metadata, struct env *e,
			     uint32_t pasid)
{
	struct iopf_ejection_info ej;

	ASSERT_TRUE(policy_wait_detached(e->link, 5000));
	ASSERT_TRUE(policy_wait_gone(e->name, 100));
	ASSERT_TRUE(policy_ejection(e->name, &ej));
	EXPECT_STREQ("bad-route", ej.reason);
	EXPECT_STREQ("route_rid", ej.action);
	EXPECT_STREQ(e->dev.name, ej.device);
	EXPECT_EQ(pasid, ej.pasid);
	EXPECT_EQ(IOPF_EXIT_BAD_ROUTE, e->skel->data->exit_kind);
}

FIXTURE(route) {
	struct env e;
};

FIXTURE_SETUP(route)
{
	env_setup(_metadata, &self->e);
}

FIXTURE_TEARDOWN(route)
{
	env_teardown(&self->e);
}

/*
 * 1. A PASID whose own attach handle takes faults is never routed away
 * from it, even to a RID that takes faults: the policy is ejected
 * (bad-route) and the PASID's own handler answers the group, once.
 */
TEST_F(route, pasid_own_handler_refuses_route)
{
	struct env *e = &self->e;
	long long routed = iopf_stat("routed");
	int n;

	ASSERT_EQ(0, rid_attach(e, e->rid_q.hwpt_id));
	ASSERT_EQ(0, pasid_attach(e, IOMMU_TEST_OP_PASID_ATTACH, PASID,
				  e->pasid_q.hwpt_id));
	ASSERT_EQ(0, attached_to(e, PASID, e->pasid_q.hwpt_id));
	e->skel->rodata->route_action = IOPF_ACT_ROUTE_RID;
	ASSERT_EQ(0, attach_policy(e));

	EXPECT_EQ(0, fire(e, PASID, 1));
	EXPECT_EQ(1, e->skel->bss->calls_decide);
	EXPECT_TRUE(e->skel->bss->last_has_handler);
	expect_bad_route(_metadata, e, PASID);
	EXPECT_EQ(routed, iopf_stat("routed"));

	/* The stock path: the PASID's queue has the group, the RID's has not */
	EXPECT_EQ(0, queue_read(&e->rid_q, e->faults, 16));
	n = queue_read(&e->pasid_q, e->faults, 16);
	ASSERT_EQ(1, n);
	EXPECT_EQ(PASID, e->faults[0].pasid);
	EXPECT_EQ(1, e->faults[0].grpid);
	expect_log(_metadata, e, NOTHING);
	ASSERT_EQ(0, queue_respond(&e->pasid_q, e->faults[0].cookie, RESP_SUCCESS));
	expect_log(_metadata, e, ONE(PASID, 1, RESP_SUCCESS));
	/* Answering again is refused and reaches nobody */
	EXPECT_NE(0, queue_respond(&e->pasid_q, e->faults[0].cookie, RESP_SUCCESS));
	expect_log(_metadata, e, NOTHING);
}

/*
 * 2. A PASID without a handle, the mock acting like Intel/AMD/SMMUv3 (no
 * user_pasid_table): routed to the RID's fault handler, answered once from
 * the RID's queue.  A neighbour PASID's own queue gets nothing.
 */
TEST_F(route, pasid_without_handle_routed_to_rid)
{
	struct env *e = &self->e;
	long long routed;
	int n;

	ASSERT_EQ(0, mock_set_user_pasid_table(e->fd, false, NULL));
	ASSERT_EQ(0, rid_attach(e, e->rid_q.hwpt_id));
	ASSERT_EQ(0, pasid_attach(e, IOMMU_TEST_OP_PASID_ATTACH, PASID_OTHER,
				  e->pasid_q.hwpt_id));
	ASSERT_EQ(0, attached_to(e, PASID, 0));

	/* With no policy: a bad setup, INVALID once */
	EXPECT_EQ(-EINVAL, fire(e, PASID, 1));
	expect_log(_metadata, e, ONE(PASID, 1, RESP_INVALID));

	e->skel->rodata->route_action = IOPF_ACT_ROUTE_RID;
	e->skel->rodata->route_if_no_handle = true;
	e->skel->rodata->route_ask_kfunc = true;
	ASSERT_EQ(0, attach_policy(e));
	routed = iopf_stat("routed");
	EXPECT_EQ(0, fire(e, PASID, 2));
	EXPECT_FALSE(e->skel->bss->last_has_handler);
	EXPECT_EQ(1, e->skel->data->kfunc_said);
	EXPECT_EQ(routed + 1, iopf_stat("routed"));

	EXPECT_EQ(0, queue_read(&e->pasid_q, e->faults, 16));
	n = queue_read(&e->rid_q, e->faults, 16);
	ASSERT_EQ(1, n);
	EXPECT_EQ(PASID, e->faults[0].pasid);
	EXPECT_EQ(2, e->faults[0].grpid);
	expect_log(_metadata, e, NOTHING);
	ASSERT_EQ(0, queue_respond(&e->rid_q, e->faults[0].cookie, RESP_SUCCESS));
	expect_log(_metadata, e, ONE(PASID, 2, RESP_SUCCESS));
	EXPECT_NE(0, queue_respond(&e->rid_q, e->faults[0].cookie, RESP_SUCCESS));
	expect_log(_metadata, e, NOTHING);
	EXPECT_FALSE(policy_wait_gone(e->name, 100));
}

/*
 * 2. The same PASID, but the RID's domain takes no faults (it still has an
 * attach handle: iommufd gives every attach one): the route is refused,
 * the policy ejected, and the bad-setup path answers INVALID once.
 */
TEST_F(route, rid_without_fault_handler_refuses_route)
{
	struct env *e = &self->e;

	ASSERT_EQ(0, mock_set_user_pasid_table(e->fd, false, NULL));
	ASSERT_EQ(0, rid_attach(e, e->plain_id));
	ASSERT_EQ(0, attached_to(e, NO_PASID, e->plain_id));
	/* A fault-capable neighbour: the device has a fault param all along */
	ASSERT_EQ(0, pasid_attach(e, IOMMU_TEST_OP_PASID_ATTACH, PASID_OTHER,
				  e->pasid_q.hwpt_id));
	e->skel->rodata->route_action = IOPF_ACT_ROUTE_RID;
	ASSERT_EQ(0, attach_policy(e));

	EXPECT_EQ(-EINVAL, fire(e, PASID, 3));
	expect_log(_metadata, e, ONE(PASID, 3, RESP_INVALID));
	expect_bad_route(_metadata, e, PASID);
	EXPECT_EQ(0, queue_read(&e->pasid_q, e->faults, 16));
}

/*
 * A PASID's domain changes under a live policy (IOMMU_TEST_OP_PASID_REPLACE):
 * the check follows the handle's current domain.  Routed while the PASID's
 * domain takes no faults; refused once it does.
 */
TEST_F(route, pasid_replace_changes_the_check)
{
	struct env *e = &self->e;
	int n;

	ASSERT_EQ(0, rid_attach(e, e->rid_q.hwpt_id));
	ASSERT_EQ(0, pasid_attach(e, IOMMU_TEST_OP_PASID_ATTACH, PASID,
				  e->nested_plain_id));
	e->skel->rodata->route_action = IOPF_ACT_ROUTE_RID;
	ASSERT_EQ(0, attach_policy(e));

	EXPECT_EQ(0, fire(e, PASID, 4));
	n = queue_read(&e->rid_q, e->faults, 16);
	ASSERT_EQ(1, n);
	EXPECT_EQ(4, e->faults[0].grpid);
	ASSERT_EQ(0, queue_respond(&e->rid_q, e->faults[0].cookie, RESP_SUCCESS));
	expect_log(_metadata, e, ONE(PASID, 4, RESP_SUCCESS));

	ASSERT_EQ(0, pasid_attach(e, IOMMU_TEST_OP_PASID_REPLACE, PASID,
				  e->pasid_q.hwpt_id));
	ASSERT_EQ(0, attached_to(e, PASID, e->pasid_q.hwpt_id));
	EXPECT_EQ(0, fire(e, PASID, 5));
	expect_bad_route(_metadata, e, PASID);
	EXPECT_EQ(0, queue_read(&e->rid_q, e->faults, 16));
	n = queue_read(&e->pasid_q, e->faults, 16);
	ASSERT_EQ(1, n);
	EXPECT_EQ(5, e->faults[0].grpid);
	ASSERT_EQ(0, queue_respond(&e->pasid_q, e->faults[0].cookie, RESP_SUCCESS));
	expect_log(_metadata, e, ONE(PASID, 5, RESP_SUCCESS));
}

/*
 * 3. A PASID attached to a domain without a fault handler has a handle
 * (7.3 gives every attach one), yet no fault handler: no obstacle to a
 * route.  user_pasid_table does not matter, since the PASID has a handle.
 */
FIXTURE(plain_pasid) {
	struct env e;
};

FIXTURE_VARIANT(plain_pasid) {
	bool user_pasid_table;
};

FIXTURE_VARIANT_ADD(plain_pasid, user_pasid_table) { .user_pasid_table = true };
FIXTURE_VARIANT_ADD(plain_pasid, no_user_pasid_table) { .user_pasid_table = false };

FIXTURE_SETUP(plain_pasid)
{
	env_setup(_metadata, &self->e);
}

FIXTURE_TEARDOWN(plain_pasid)
{
	env_teardown(&self->e);
}

TEST_F(plain_pasid, routed_to_rid)
{
	struct env *e = &self->e;
	long long routed;
	int n;

	ASSERT_EQ(0, mock_set_user_pasid_table(e->fd, variant->user_pasid_table, NULL));
	ASSERT_EQ(0, rid_attach(e, e->rid_q.hwpt_id));
	ASSERT_EQ(0, pasid_attach(e, IOMMU_TEST_OP_PASID_ATTACH, PASID,
				  e->nested_plain_id));
	ASSERT_EQ(0, attached_to(e, PASID, e->nested_plain_id));

	/* Stock: the handle's domain takes no faults, a bad setup */
	EXPECT_EQ(-EINVAL, fire(e, PASID, 1));
	expect_log(_metadata, e, ONE(PASID, 1, RESP_INVALID));

	/* Routes every PASID request: has_default_handle plays no part */
	e->skel->rodata->route_action = IOPF_ACT_ROUTE_RID;
	e->skel->rodata->route_ask_kfunc = true;
	ASSERT_EQ(0, attach_policy(e));
	routed = iopf_stat("routed");
	EXPECT_EQ(0, fire(e, PASID, 2));
	EXPECT_FALSE(e->skel->bss->last_has_handler);
	EXPECT_EQ(1, e->skel->data->kfunc_said);
	EXPECT_EQ(routed + 1, iopf_stat("routed"));

	n = queue_read(&e->rid_q, e->faults, 16);
	ASSERT_EQ(1, n);
	EXPECT_EQ(PASID, e->faults[0].pasid);
	EXPECT_EQ(2, e->faults[0].grpid);
	expect_log(_metadata, e, NOTHING);
	ASSERT_EQ(0, queue_respond(&e->rid_q, e->faults[0].cookie, RESP_SUCCESS));
	expect_log(_metadata, e, ONE(PASID, 2, RESP_SUCCESS));
	EXPECT_FALSE(policy_wait_gone(e->name, 100));
}

/*
 * 4. Routed groups pending at the RID's queue (one read and unanswered,
 * one unread) when the RID's domain goes away: iommufd answers each once,
 * INVALID, because the group carries the RID's handle; the PASID's detach,
 * before or after, answers nothing.
 */
enum { RID_DETACH, RID_REPLACE };

FIXTURE(pending) {
	struct env e;
};

FIXTURE_VARIANT(pending) {
	int rid;		/* what happens to the RID's domain */
	bool pasid_first;	/* the PASID is detached before that */
};

FIXTURE_VARIANT_ADD(pending, rid_detached) { .rid = RID_DETACH };
FIXTURE_VARIANT_ADD(pending, rid_replaced) { .rid = RID_REPLACE };
FIXTURE_VARIANT_ADD(pending, pasid_detached_first) {
	.rid = RID_DETACH, .pasid_first = true,
};

FIXTURE_SETUP(pending)
{
	env_setup(_metadata, &self->e);
}

FIXTURE_TEARDOWN(pending)
{
	env_teardown(&self->e);
}

TEST_F(pending, answered_once)
{
	struct env *e = &self->e;
	long long routed;
	uint32_t cookie;

	ASSERT_EQ(0, rid_attach(e, e->rid_q.hwpt_id));
	ASSERT_EQ(0, pasid_attach(e, IOMMU_TEST_OP_PASID_ATTACH, PASID,
				  e->nested_plain_id));
	e->skel->rodata->route_action = IOPF_ACT_ROUTE_RID;
	ASSERT_EQ(0, attach_policy(e));

	routed = iopf_stat("routed");
	EXPECT_EQ(0, fire(e, PASID, 1));
	EXPECT_EQ(0, fire(e, PASID, 2));
	EXPECT_EQ(routed + 2, iopf_stat("routed"));
	/* Read group 1 (iommufd now waits for its response), leave group 2 */
	ASSERT_EQ(1, queue_read(&e->rid_q, e->faults, 1));
	EXPECT_EQ(1, e->faults[0].grpid);
	cookie = e->faults[0].cookie;
	expect_log(_metadata, e, NOTHING);

	if (variant->pasid_first) {
		ASSERT_EQ(0, pasid_detach(e, PASID));
		ASSERT_EQ(0, attached_to(e, PASID, 0));
		expect_log(_metadata, e, NOTHING);
	}
	ASSERT_EQ(0, rid_attach(e, variant->rid == RID_REPLACE ?
				   e->spare_q.hwpt_id : e->plain_id));
	expect_log(_metadata, e, (struct want_resp[]){
		{ e->dev.mock_id, PASID, 1, RESP_INVALID },
		{ e->dev.mock_id, PASID, 2, RESP_INVALID } }, 2);
	/* Gone from the old queue: no late answer, nothing left to read */
	EXPECT_NE(0, queue_respond(&e->rid_q, cookie, RESP_SUCCESS));
	EXPECT_EQ(0, queue_read(&e->rid_q, e->faults, 16));
	EXPECT_EQ(0, queue_read(&e->spare_q, e->faults, 16));
	expect_log(_metadata, e, NOTHING);

	if (!variant->pasid_first) {
		ASSERT_EQ(0, pasid_detach(e, PASID));
		ASSERT_EQ(0, attached_to(e, PASID, 0));
		expect_log(_metadata, e, NOTHING);
	}
	/* Every route was legal: the policy is still attached */
	EXPECT_FALSE(policy_wait_gone(e->name, 100));
	/* Nor does the device's removal (which ejects the scoped policy) */
	EXPECT_EQ(0, mock_dev_destroy(&e->dev));
	e->dev.stdev_id = 0;
	expect_log(_metadata, e, NOTHING);
}

#else	/* !IOMMU_TEST_PASID_RESERVED */

TEST(route)
{
	SKIP(return, "6.12's mock cannot attach a domain to a PASID");
}

#endif

TEST_HARNESS_MAIN
