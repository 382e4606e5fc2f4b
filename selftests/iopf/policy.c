// SPDX-License-Identifier: GPL-2.0
/*
 * The iopf_ops hook: auto-response, routing and grouping decisions, their
 * validation and ejection, and the kernel's bad-setup rule, through the
 * mock IOMMU.  Exactly-once is counted in the mock's response log.
 */
#include <errno.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "iopf_mock.h"
#include "iopf_test.h"
#include "test_policy.skel.h"

#define LOG_MAX 4096
#define RESP_SUCCESS 0
#define RESP_INVALID 1
#define RESP_FAILURE 2
#define PASID 0x42

/* One mock device, one test policy (not loaded yet), the response log */
struct env {
	int fd;
	uint32_t ioas_id;
	struct mock_dev dev;
	struct test_policy *skel;
	struct bpf_link *link;
	char name[32];
	struct iommu_test_iopf_response log[LOG_MAX];
	struct iommu_hwpt_pgfault faults[128];
};

static void env_setup(struct __test_metadata *_metadata, struct env *e)
{
	e->fd = mock_open(&e->ioas_id);
	ASSERT_LE(0, e->fd);
	ASSERT_LE(0, mock_responses(e->fd, e->log, LOG_MAX, NULL));
	ASSERT_EQ(0, mock_dev_create(e->fd, e->ioas_id, &e->dev));
	e->skel = test_policy__open();
	ASSERT_NE(NULL, e->skel);
	snprintf(e->name, sizeof(e->name), "t_%d_%.20s", getpid(), _metadata->name);
	ASSERT_EQ(0, policy_name(e->skel->obj, e->name, NULL));
}

static void env_teardown(struct env *e)
{
	bpf_link__destroy(e->link);
	test_policy__destroy(e->skel);
	mock_dev_destroy(&e->dev);
	mock_set_user_pasid_table(e->fd, true, NULL);
	close(e->fd);
}

static int drain(struct env *e)
{
	return mock_responses(e->fd, e->log, LOG_MAX, NULL);
}

static int attach(struct env *e)
{
	int err = test_policy__load(e->skel);

	if (err)
		return err;
	e->link = policy_attach(e->skel->obj);
	return e->link ? 0 : -errno;
}

static void detach(struct env *e)
{
	bpf_link__destroy(e->link);
	e->link = NULL;
}

static int fire(struct env *e, uint32_t pasid, uint32_t grpid, bool partial)
{
	struct mock_fault f = {
		.pasid = pasid, .grpid = grpid, .partial = partial,
		.addr = 0x100000 + grpid * 0x1000,
		.perm = IOMMU_PGFAULT_PERM_READ,
	};
	int result = -12345;

	if (mock_fault(&e->dev, &f, &result))
		return -12345;
	return result;
}

/*
 * Expect the policy to be ejected for @reason, having returned @action (as
 * the kernel names it: an action's name, or the number of a value that is
 * none), detached, and told so
 */
static void expect_ejected(struct __test_metadata *_metadata, struct env *e,
			   const char *reason, const char *action,
			   uint32_t kind)
{
	struct iopf_ejection_info ej;

	ASSERT_TRUE(policy_wait_detached(e->link, 5000));
	ASSERT_TRUE(policy_wait_gone(e->name, 100));
	ASSERT_TRUE(policy_ejection(e->name, &ej));
	EXPECT_STREQ(reason, ej.reason);
	EXPECT_STREQ(action, ej.action);
	EXPECT_STREQ(e->dev.name, ej.device);
	EXPECT_NE(0, ej.time_ns);
	EXPECT_EQ(kind, e->skel->data->exit_kind);
}

FIXTURE(policy) {
	struct env e;
};

FIXTURE_SETUP(policy)
{
	env_setup(_metadata, &self->e);
}

FIXTURE_TEARDOWN(policy)
{
	env_teardown(&self->e);
}

/* The three response codes a policy may choose */
FIXTURE(respond) {
	struct env e;
};

FIXTURE_VARIANT(respond) {
	int verdict;
	int code;
};

FIXTURE_VARIANT_ADD(respond, invalid) { .verdict = IOPF_ACT_ANSWER_INVALID, .code = RESP_INVALID };
FIXTURE_VARIANT_ADD(respond, success) { .verdict = IOPF_ACT_ANSWER_SUCCESS, .code = RESP_SUCCESS };
FIXTURE_VARIANT_ADD(respond, failure) { .verdict = IOPF_ACT_ANSWER_FAILURE, .code = RESP_FAILURE };

FIXTURE_SETUP(respond)
{
	env_setup(_metadata, &self->e);
}

FIXTURE_TEARDOWN(respond)
{
	env_teardown(&self->e);
}

/*
 * Auto-response: one response per group with the policy's code, nothing on
 * the fault fd, the parked partials freed with the group.
 */
TEST_F(respond, auto_response)
{
	struct env *e = &self->e;
	long long freed = iopf_stat("freed_partials");
	int n;

	e->skel->rodata->last_action = variant->verdict;
	ASSERT_EQ(0, mock_dev_enable_faults(&e->dev));
	ASSERT_EQ(0, attach(e));

	EXPECT_EQ(0, fire(e, 0, 5, true));
	EXPECT_EQ(0, fire(e, 0, 5, true));
	EXPECT_EQ(0, fire(e, 0, 5, false));
	EXPECT_EQ(0, fire(e, PASID, 6, false));

	n = drain(e);
	EXPECT_EQ(2, n);
	EXPECT_EQ(0, ledger_check(e->log, n, (struct want_resp[]){
		{ e->dev.mock_id, 0, 5, variant->code },
		{ e->dev.mock_id, PASID, 6, variant->code } }, 2));
	EXPECT_EQ(0, mock_read_faults(&e->dev, e->faults, 128));
	EXPECT_EQ(freed + 2, iopf_stat("freed_partials"));
	/* Asked about every request, partial or last */
	EXPECT_EQ(4, e->skel->bss->calls_decide);
	/* The partials are gone: a new LAST of group 5 arrives alone */
	detach(e);
	ASSERT_TRUE(policy_wait_gone(e->name, 5000));
	EXPECT_EQ(0, fire(e, 0, 5, false));
	EXPECT_EQ(1, mock_read_faults(&e->dev, e->faults, 128));
}

/* The kernel's own rule wins on a bad setup, whatever the policy answers */
TEST_F(respond, bad_setup_stays_invalid)
{
	struct env *e = &self->e;
	long long bad = iopf_stat("bad_setup");
	int n;

	e->skel->rodata->last_action = variant->verdict;
	ASSERT_EQ(0, attach(e));
	EXPECT_EQ(-EINVAL, fire(e, 0, 3, false));
	n = drain(e);
	EXPECT_EQ(1, n);
	EXPECT_EQ(0, ledger_check(e->log, n, &(struct want_resp){
		e->dev.mock_id, 0, 3, RESP_INVALID }, 1));
	EXPECT_EQ(bad + 1, iopf_stat("bad_setup"));
	/* Not the policy's fault: it stays attached */
	EXPECT_EQ(0, policy_wait_gone(e->name, 100));
}

/* A value outside enum iopf_action is not obeyed, and ejects the policy */
TEST_F(respond, bad_action_ejects)
{
	struct env *e = &self->e;
	char action[16];
	int n;

	e->skel->rodata->last_action = 42 + variant->verdict;
	ASSERT_EQ(0, mock_dev_enable_faults(&e->dev));
	ASSERT_EQ(0, attach(e));

	EXPECT_EQ(0, fire(e, PASID, 7, false));
	/* The default path: iommufd's handler got the group */
	n = mock_read_faults(&e->dev, e->faults, 128);
	ASSERT_EQ(1, n);
	ASSERT_EQ(0, mock_respond(&e->dev, e->faults[0].cookie, RESP_SUCCESS));
	n = drain(e);
	EXPECT_EQ(0, ledger_check(e->log, n, &(struct want_resp){
		e->dev.mock_id, PASID, 7, RESP_SUCCESS }, 1));
	EXPECT_EQ(1, n);

	snprintf(action, sizeof(action), "%d", 42 + variant->verdict);
	expect_ejected(_metadata, e, "bad-action", action, IOPF_EXIT_BAD_ACTION);
	EXPECT_EQ(42 + variant->verdict, e->skel->bss->exit_action);
	/* Never called again */
	EXPECT_EQ(0, fire(e, PASID, 8, false));
	EXPECT_EQ(1, e->skel->bss->calls_decide);
	EXPECT_EQ(1, mock_read_faults(&e->dev, e->faults, 128));
}

/* With the mock acting like Intel/AMD/SMMUv3, routing changes delivery */
TEST_F(policy, route_pasid_to_rid)
{
	struct env *e = &self->e;
	int n;

	ASSERT_EQ(0, mock_set_user_pasid_table(e->fd, false, NULL));
	ASSERT_EQ(0, mock_dev_enable_faults(&e->dev));

	/* By default a PASID without a handle is a bad setup */
	EXPECT_EQ(-EINVAL, fire(e, PASID, 1, false));
	n = drain(e);
	EXPECT_EQ(0, ledger_check(e->log, n, &(struct want_resp){
		e->dev.mock_id, PASID, 1, RESP_INVALID }, 1));
	EXPECT_EQ(0, mock_read_faults(&e->dev, e->faults, 128));

	e->skel->rodata->route_action = IOPF_ACT_ROUTE_RID;
	e->skel->rodata->route_if_no_handle = true;
	e->skel->rodata->route_ask_kfunc = true;
	ASSERT_EQ(0, attach(e));
	EXPECT_EQ(0, fire(e, PASID, 2, false));
	EXPECT_EQ(1, e->skel->data->kfunc_said);
	EXPECT_EQ(PASID, e->skel->bss->last_pasid);
	EXPECT_TRUE(e->skel->bss->last_pasid_valid);
	EXPECT_FALSE(e->skel->bss->last_has_handler);
	EXPECT_STREQ(e->dev.name, e->skel->bss->last_dev_name);

	n = mock_read_faults(&e->dev, e->faults, 128);
	ASSERT_EQ(1, n);
	EXPECT_EQ(PASID, e->faults[0].pasid);
	EXPECT_EQ(2, e->faults[0].grpid);
	EXPECT_EQ(0, drain(e));
	ASSERT_EQ(0, mock_respond(&e->dev, e->faults[0].cookie, RESP_SUCCESS));
	n = drain(e);
	EXPECT_EQ(1, n);
	EXPECT_EQ(0, ledger_check(e->log, n, &(struct want_resp){
		e->dev.mock_id, PASID, 2, RESP_SUCCESS }, 1));
}

/* A route to a target without a fault handler is refused and ejects */
TEST_F(policy, route_without_handler_ejects)
{
	struct env *e = &self->e;
	int n;

	ASSERT_EQ(0, mock_set_user_pasid_table(e->fd, false, NULL));
	e->skel->rodata->route_action = IOPF_ACT_ROUTE_RID;
	ASSERT_EQ(0, attach(e));

	/* The device has only a plain domain: still INVALID once, -EINVAL */
	EXPECT_EQ(-EINVAL, fire(e, PASID, 1, false));
	n = drain(e);
	EXPECT_EQ(1, n);
	EXPECT_EQ(0, ledger_check(e->log, n, &(struct want_resp){
		e->dev.mock_id, PASID, 1, RESP_INVALID }, 1));
	expect_ejected(_metadata, e, "bad-route", "route_rid",
		       IOPF_EXIT_BAD_ROUTE);
}

/* The kfunc lets a policy avoid a route the kernel would refuse */
TEST_F(policy, route_kfunc_says_no)
{
	struct env *e = &self->e;
	ASSERT_EQ(0, mock_set_user_pasid_table(e->fd, false, NULL));
	e->skel->rodata->route_action = IOPF_ACT_ROUTE_RID;
	e->skel->rodata->route_ask_kfunc = true;
	ASSERT_EQ(0, attach(e));
	EXPECT_EQ(-EINVAL, fire(e, PASID, 1, false));
	EXPECT_EQ(0, e->skel->data->kfunc_said);
	EXPECT_EQ(1, drain(e));
	EXPECT_FALSE(policy_wait_gone(e->name, 100));
}

/* Routing a request without a PASID is a decision on the wrong kind */
TEST_F(policy, route_without_pasid_ejects)
{
	struct env *e = &self->e;
	ASSERT_EQ(0, mock_dev_enable_faults(&e->dev));
	e->skel->rodata->route_action = IOPF_ACT_ROUTE_RID;
	ASSERT_EQ(0, attach(e));
	EXPECT_EQ(0, fire(e, 0, 1, false));
	/* Delivered by default all the same */
	EXPECT_EQ(1, mock_read_faults(&e->dev, e->faults, 128));
	expect_ejected(_metadata, e, "wrong-kind-of-request", "route_rid",
		       IOPF_EXIT_WRONG_KIND);
}

/* Dropped partials never reach the handler and are never answered */
TEST_F(policy, drop_partials)
{
	struct env *e = &self->e;
	long long dropped = iopf_stat("dropped_partials");
	int i, n;

	ASSERT_EQ(0, mock_dev_enable_faults(&e->dev));
	e->skel->rodata->partial_action = IOPF_ACT_DROP;
	ASSERT_EQ(0, attach(e));
	for (i = 0; i < 3; i++)
		EXPECT_EQ(0, fire(e, 0, 8, true));
	EXPECT_EQ(0, e->skel->bss->last_nr_partial);
	EXPECT_EQ(0, fire(e, 0, 8, false));
	n = mock_read_faults(&e->dev, e->faults, 128);
	ASSERT_EQ(1, n);
	EXPECT_TRUE(e->faults[0].flags & IOMMU_PGFAULT_FLAGS_LAST_PAGE);
	EXPECT_EQ(0, drain(e));
	EXPECT_EQ(dropped + 3, iopf_stat("dropped_partials"));
}

/* A cap policy holds the parked count at its limit under a flood */
TEST_F(policy, cap_partials)
{
	struct env *e = &self->e;
	int i, n;

	ASSERT_EQ(0, mock_dev_enable_faults(&e->dev));
	e->skel->rodata->drop_cap = 4;
	ASSERT_EQ(0, attach(e));
	for (i = 0; i < 100; i++)
		ASSERT_EQ(0, fire(e, 0, 9, true));
	EXPECT_EQ(4, e->skel->bss->max_nr_partial_group);
	EXPECT_EQ(4, e->skel->bss->last_nr_partial);
	EXPECT_EQ(0, fire(e, 0, 9, false));
	n = mock_read_faults(&e->dev, e->faults, 128);
	EXPECT_EQ(5, n);
	EXPECT_EQ(0, drain(e));
}

/* Dropping a last request is a decision on the wrong kind of request */
TEST_F(policy, drop_last_ejects)
{
	struct env *e = &self->e;
	ASSERT_EQ(0, mock_dev_enable_faults(&e->dev));
	e->skel->rodata->last_action = IOPF_ACT_DROP;
	ASSERT_EQ(0, attach(e));
	EXPECT_EQ(0, fire(e, 0, 10, false));
	EXPECT_EQ(1, mock_read_faults(&e->dev, e->faults, 128));
	expect_ejected(_metadata, e, "wrong-kind-of-request", "drop",
		       IOPF_EXIT_WRONG_KIND);
}

/* A value outside enum iopf_action for a partial request, as for a last */
TEST_F(policy, bad_partial_action_ejects)
{
	struct env *e = &self->e;
	ASSERT_EQ(0, mock_dev_enable_faults(&e->dev));
	e->skel->rodata->partial_action = -1;
	ASSERT_EQ(0, attach(e));
	EXPECT_EQ(0, fire(e, 0, 11, true));
	EXPECT_EQ(0, fire(e, 0, 11, false));
	/* Parked as by default, so the group has both requests */
	EXPECT_EQ(2, mock_read_faults(&e->dev, e->faults, 128));
	expect_ejected(_metadata, e, "bad-action", "-1", IOPF_EXIT_BAD_ACTION);
}

/* Answering a partial request is the wrong kind: PRI answers a group */
TEST_F(policy, answer_partial_ejects)
{
	struct env *e = &self->e;

	ASSERT_EQ(0, mock_dev_enable_faults(&e->dev));
	e->skel->rodata->partial_action = IOPF_ACT_ANSWER_SUCCESS;
	ASSERT_EQ(0, attach(e));
	EXPECT_EQ(0, fire(e, 0, 12, true));
	EXPECT_EQ(0, fire(e, 0, 12, false));
	/* Parked as by default: the handler gets both requests */
	EXPECT_EQ(2, mock_read_faults(&e->dev, e->faults, 128));
	EXPECT_EQ(0, drain(e));
	expect_ejected(_metadata, e, "wrong-kind-of-request", "answer_success",
		       IOPF_EXIT_WRONG_KIND);
}

/*
 * bpf_iopf_eject(): the policy's answer is not obeyed, and its own message
 * is the reason, in the ejection record and in exit()
 */
TEST_F(policy, self_eject)
{
	struct env *e = &self->e;
	struct iopf_ejection_info ej;

	ASSERT_EQ(0, mock_dev_enable_faults(&e->dev));
	e->skel->rodata->eject_self = true;
	e->skel->rodata->last_action = IOPF_ACT_ANSWER_INVALID;
	ASSERT_EQ(0, attach(e));
	EXPECT_EQ(0, fire(e, 0, 13, false));
	/* Not answered INVALID by the policy: iommufd's handler has it */
	EXPECT_EQ(1, mock_read_faults(&e->dev, e->faults, 128));
	EXPECT_EQ(0, drain(e));
	expect_ejected(_metadata, e, "self", "default", IOPF_EXIT_SELF);
	ASSERT_TRUE(policy_ejection(e->name, &ej));
	EXPECT_STREQ("test policy ejects itself", ej.msg);
	EXPECT_STREQ("test policy ejects itself", e->skel->bss->exit_msg);
}

/*
 * Shadow: the policy is asked and its answers counted, none obeyed; an
 * illegal one still ejects it.  A link update puts the same policy, live,
 * in its place, and its answers are obeyed from then on.
 */
TEST_F(policy, shadow_then_live)
{
	struct env *e = &self->e;
	struct iopf_policy_info info;
	struct test_policy *live;
	int n;

	ASSERT_EQ(0, mock_dev_enable_faults(&e->dev));
	ASSERT_EQ(0, iopf_ops_set_bool(e->skel->obj, "shadow", true));
	e->skel->rodata->last_action = IOPF_ACT_ANSWER_INVALID;
	ASSERT_EQ(0, attach(e));
	EXPECT_EQ(0, fire(e, 0, 20, true));
	EXPECT_EQ(0, fire(e, 0, 20, false));
	/* Not obeyed: the handler has the group */
	n = mock_read_faults(&e->dev, e->faults, 128);
	EXPECT_EQ(2, n);
	ASSERT_EQ(0, mock_respond(&e->dev, e->faults[n - 1].cookie, RESP_SUCCESS));
	EXPECT_EQ(0, ledger_check(e->log, drain(e), &(struct want_resp){
		e->dev.mock_id, 0, 20, RESP_SUCCESS }, 1));
	ASSERT_EQ(0, iopf_kernel_policy(e->name, &info));
	EXPECT_STREQ("shadow", info.mode);
	EXPECT_EQ(2, info.calls);
	EXPECT_EQ(0, info.obeyed);
	EXPECT_EQ(1, info.shadowed);

	/* The same policy, live, in its place */
	live = test_policy__open();
	ASSERT_NE(NULL, live);
	ASSERT_EQ(0, policy_name(live->obj, e->name, NULL));
	live->rodata->last_action = IOPF_ACT_ANSWER_INVALID;
	ASSERT_EQ(0, test_policy__load(live));
	ASSERT_EQ(0, bpf_link__update_map(e->link, iopf_ops_map(live->obj)));
	EXPECT_EQ(IOPF_EXIT_REPLACED, e->skel->data->exit_kind);
	ASSERT_EQ(0, iopf_kernel_policy(e->name, &info));
	EXPECT_STREQ("live", info.mode);
	EXPECT_EQ(0, fire(e, 0, 21, false));
	EXPECT_EQ(0, mock_read_faults(&e->dev, e->faults, 128));
	EXPECT_EQ(0, ledger_check(e->log, drain(e), &(struct want_resp){
		e->dev.mock_id, 0, 21, RESP_INVALID }, 1));
	EXPECT_EQ(1, live->bss->calls_decide);
	bpf_link__destroy(e->link);
	e->link = NULL;
	test_policy__destroy(live);
}

/* In shadow, an illegal answer ejects all the same */
TEST_F(policy, shadow_bad_action_ejects)
{
	struct env *e = &self->e;

	ASSERT_EQ(0, mock_dev_enable_faults(&e->dev));
	ASSERT_EQ(0, iopf_ops_set_bool(e->skel->obj, "shadow", true));
	e->skel->rodata->last_action = 42;
	ASSERT_EQ(0, attach(e));
	EXPECT_EQ(0, fire(e, 0, 22, false));
	EXPECT_EQ(1, mock_read_faults(&e->dev, e->faults, 128));
	expect_ejected(_metadata, e, "bad-action", "42", IOPF_EXIT_BAD_ACTION);
}

#define BUDGET_PARAM "/sys/module/iopf_bpf/parameters/decide_budget_us"

static int read_budget(void)
{
	FILE *f = fopen(BUDGET_PARAM, "re");
	int v = -1;

	if (f) {
		if (fscanf(f, "%d", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

static int write_budget(int us)
{
	FILE *f = fopen(BUDGET_PARAM, "we");
	int ret;

	if (!f)
		return -errno;
	ret = fprintf(f, "%d\n", us) > 0 ? 0 : -EIO;
	return fclose(f) ? -errno : ret;
}

/*
 * A policy that takes longer than the budget (iopf_bpf.decide_budget_us)
 * in timed calls in a row is ejected, with how long it took; the faults go
 * on as if it had said nothing
 */
TEST_F(policy, overtime_ejects)
{
	struct env *e = &self->e;
	struct iopf_ejection_info ej;
	int budget = read_budget(), i, n = 0, handled;

	ASSERT_LT(0, budget) TH_LOG("no %s", BUDGET_PARAM);
	ASSERT_EQ(0, mock_dev_enable_faults(&e->dev));
	e->skel->rodata->spin_loops = 1000000;
	e->skel->rodata->last_action = IOPF_ACT_ANSWER_INVALID;
	ASSERT_EQ(0, write_budget(1000));
	ASSERT_EQ(0, attach(e));
	/* One call in 16 per CPU is timed: 64 calls time this one twice */
	for (i = 0; i < 64 && !policy_wait_detached(e->link, 0); i++) {
		EXPECT_EQ(0, fire(e, 0, 100 + i, false));
		n++;
	}
	EXPECT_EQ(0, write_budget(budget));
	ASSERT_TRUE(policy_wait_detached(e->link, 5000));
	ASSERT_TRUE(policy_wait_gone(e->name, 100));
	ASSERT_TRUE(policy_ejection(e->name, &ej));
	EXPECT_STREQ("overtime", ej.reason);
	EXPECT_EQ(0, strncmp(ej.msg, "decide() took ", 14)) TH_LOG("msg %s", ej.msg);
	EXPECT_EQ(IOPF_EXIT_OVERTIME, e->skel->data->exit_kind);
	EXPECT_GE(n, 2);
	/*
	 * Each group answered once: by the policy (INVALID) before it was
	 * ejected, by the handler from the call that ejected it on (that
	 * answer is not obeyed)
	 */
	handled = mock_read_faults(&e->dev, e->faults, 128);
	EXPECT_LE(1, handled);
	EXPECT_EQ(n, drain(e) + handled);
}

/* What the kfuncs tell a policy about a mock device (not PCI) */
TEST_F(policy, kfuncs_on_mock_device)
{
	struct env *e = &self->e;

	ASSERT_EQ(0, mock_dev_enable_faults(&e->dev));
	ASSERT_EQ(0, attach(e));
	EXPECT_EQ(0, fire(e, 0, 14, true));
	EXPECT_EQ(0, e->skel->bss->last_pci_id);
	EXPECT_FALSE(e->skel->bss->last_is_vf);
	EXPECT_TRUE(e->skel->bss->last_has_handler);
	EXPECT_STREQ(e->dev.name, e->skel->bss->last_dev_name);
	EXPECT_EQ((int)strlen(e->dev.name), e->skel->bss->last_dev_name_ret);
	EXPECT_EQ(14, e->skel->bss->last_grpid_seen);
	EXPECT_EQ(0, e->skel->bss->last_nr_partial);
	EXPECT_EQ(0, fire(e, 0, 14, false));
	EXPECT_EQ(1, e->skel->bss->last_nr_partial);
	EXPECT_EQ(1, e->skel->bss->last_nr_partial_group);
	EXPECT_EQ(2, mock_read_faults(&e->dev, e->faults, 128));
	EXPECT_EQ(0, drain(e));
}

TEST_HARNESS_MAIN
