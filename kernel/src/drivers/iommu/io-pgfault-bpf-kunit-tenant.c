// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of tenant policies (struct iopf_ops.dev_id, .fault_id, .pasid)
 *
 * Included at the end of io-pgfault-bpf-kunit.c, whose fake devices and
 * policy slots it uses.  The tests stand in for iommufd's resolution of a
 * tenant scope (iopf_bpf_tenant_get(), a KUnit static stub): dev_id N
 * names the test's device N - 1, fault_id N the fake fault queue N - 1 (of
 * KT_QUEUES), and the iommufd number names one of KT_OWNERS fake iommufd
 * contexts; contexts and queues are compared as pointers and never used.
 * Which queue an attach handle delivers to is the test's choice too
 * (iopf_bpf_handle_fault(), a KUnit static stub: kt_tenants.queue_of), and
 * which PASIDs of which device are attached (iopf_bpf_pasid_attached(): the
 * pairs in kt_tenants.attached).
 *
 * iopf_bpf_tenant:	who may attach what without CAP_SYS_ADMIN, the
 *			order against host policies, the refused FAILURE,
 *			the end of a binding, the per-user limit; a fault
 *			queue's policies: which requests they see, their
 *			order, their refusals, the end of their queue; a
 *			PASID's: the same, and the end of its attachment
 */

#define KT_OWNERS	2
#define KT_QUEUES	2
#define KT_ATTACHED	4
#define KT_PASID2	(KT_PASID + 1)	/* another PASID of the same device */

/* What the tenant stubs resolved and let go, and the fake contexts */
struct kt_tenants {
	unsigned long owner[KT_OWNERS];
	unsigned long queue[KT_QUEUES];
	/* The handle that delivers to each fake queue, if any */
	const struct iommu_attach_handle *queue_of[KT_QUEUES];
	/* The PASIDs attached, as device and PASID; PASID 0 ends the list */
	struct {
		const struct device *dev;
		u32 pasid;
	} attached[KT_ATTACHED];
	unsigned int gets;
	unsigned int puts;
};

static struct kt_tenants kt_tenants;

static struct iommufd_ctx *kt_owner(unsigned int i)
{
	return (struct iommufd_ctx *)&kt_tenants.owner[i];
}

static const void *kt_queue(unsigned int i)
{
	return &kt_tenants.queue[i];
}

/*
 * Stands in for iopf_bpf_tenant_get(): the errors of
 * iommufd_iopf_tenant_get() and iommufd_iopf_fault_get()
 */
static int kt_tenant_get(const struct iopf_ops *ops, struct iopf_bpf_tenant *t)
{
	struct kt *kt = kt_of_current();

	if (ops->iommufd < 0 || ops->iommufd >= KT_OWNERS)
		return -EBADF;
	if (ops->fault_id) {
		if (ops->fault_id > KT_QUEUES)
			return -ENOENT;
		t->dev = NULL;
		t->fault = kt_queue(ops->fault_id - 1);
	} else {
		if (ops->dev_id > kt->nr_devs)
			return -ENOENT;
		t->dev = &kt->dev[ops->dev_id - 1]->pdev.dev;
	}
	t->owner = kt_owner(ops->iommufd);
	t->obj = NULL;
	kt_tenants.gets++;
	return 0;
}

static void kt_tenant_put(struct iopf_bpf_tenant *t)
{
	kt_tenants.puts++;
}

/* Stands in for iopf_bpf_pasid_attached(): kt_tenants.attached */
static bool kt_pasid_attached(const struct iopf_bpf_tenant *t, u32 pasid)
{
	unsigned int i;

	lockdep_assert_held(&iopf_bpf_lock);
	for (i = 0; i < KT_ATTACHED && kt_tenants.attached[i].pasid; i++)
		if (kt_tenants.attached[i].dev == t->dev &&
		    kt_tenants.attached[i].pasid == pasid)
			return true;
	return false;
}

/* Attach @pasid of @d for kt_pasid_attached(), in slot @i */
static void kt_attach_pasid(unsigned int i, struct kt_dev *d, u32 pasid)
{
	kt_tenants.attached[i].dev = &d->pdev.dev;
	kt_tenants.attached[i].pasid = pasid;
}

/* Stands in for iopf_bpf_handle_fault(): the queue the test gave @handle */
static const void *kt_handle_fault(const struct iommu_attach_handle *handle)
{
	unsigned int i;

	for (i = 0; i < KT_QUEUES; i++)
		if (kt_tenants.queue_of[i] == handle)
			return kt_queue(i);
	return NULL;
}

static int kt_tenant_init(struct kunit *test)
{
	int ret = kt_init(test);

	if (ret)
		return ret;
	memset(&kt_tenants, 0, sizeof(kt_tenants));
	kunit_activate_static_stub(test, iopf_bpf_tenant_get, kt_tenant_get);
	kunit_activate_static_stub(test, iopf_bpf_tenant_put, kt_tenant_put);
	kunit_activate_static_stub(test, iopf_bpf_handle_fault,
				   kt_handle_fault);
	kunit_activate_static_stub(test, iopf_bpf_pasid_attached,
				   kt_pasid_attached);
	return 0;
}

/* Every scope the stub resolved was let go, listed or not */
static void kt_tenant_exit(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, kt_tenants.gets, kt_tenants.puts);
}

static unsigned int kt_nr_tenant(kuid_t uid)
{
	guard(mutex)(&iopf_bpf_lock);
	return iopf_bpf_nr_tenant(&uid);
}

/*
 * List slot @n with the scope its ops name, as a link would
 * (iopf_bpf_reg()); it is detached when the test ends
 */
static int kt_reg_slot(struct kunit *test, struct kt_slot *s)
{
	int ret = iopf_bpf_reg(&s->ops, &s->link);

	if (ret)
		return ret;
	kt_listed(test, s);
	return 0;
}

/* Slot @n's ops as a tenant of @d through fake iommufd @owner */
static struct kt_slot *kt_tenant_slot(struct kunit *test, unsigned int n,
				      struct kt_dev *d, int owner)
{
	struct kt *kt = test->priv;
	struct kt_slot *s = &kt->slot[n];
	unsigned int i;

	s->ops = kt_ops[n];
	s->ops.iommufd = owner;
	for (i = 0; i < kt->nr_devs; i++)
		if (kt->dev[i] == d)
			s->ops.dev_id = i + 1;
	return s;
}

/* Slot @n as a tenant of @d through fake iommufd @owner: iopf_bpf_reg() */
static int kt_reg_tenant(struct kunit *test, unsigned int n, struct kt_dev *d,
			 int owner)
{
	return kt_reg_slot(test, kt_tenant_slot(test, n, d, owner));
}

/* Slot @n as a tenant of @pasid of @d through fake iommufd @owner */
static int kt_reg_pasid(struct kunit *test, unsigned int n, struct kt_dev *d,
			u32 pasid, int owner)
{
	struct kt_slot *s = kt_tenant_slot(test, n, d, owner);

	s->ops.pasid = pasid;
	s->calls = 0;
	return kt_reg_slot(test, s);
}

/* Slot @n as a tenant of fake fault queue @q through fake iommufd @owner */
static int kt_reg_queue(struct kunit *test, unsigned int n, unsigned int q,
			int owner)
{
	struct kt *kt = test->priv;
	struct kt_slot *s = &kt->slot[n];

	s->ops = kt_ops[n];
	s->ops.iommufd = owner;
	s->ops.fault_id = q + 1;
	s->calls = 0;
	return kt_reg_slot(test, s);
}

/* Credentials without CAP_SYS_ADMIN, as a tenant in a user namespace has */
static const struct cred *kt_drop_admin(struct kunit *test, kuid_t uid)
{
	struct cred *new = prepare_creds();

	KUNIT_ASSERT_NOT_NULL(test, new);
	cap_lower(new->cap_effective, CAP_SYS_ADMIN);
	new->uid = uid;
	new->euid = uid;
	return override_creds(new);
}

static void kt_restore_creds(const struct cred *old)
{
	const struct cred *new = current_cred();

	revert_creds(old);
	put_cred(new);
}

/* A binding is a tenant's credential; a host scope still needs the cap */
/*
 * iopf_bpf_reg() of slot @s refused with @err; let through, it is detached
 * again, so that a missing refusal fails this check and no other
 */
static void kt_expect_refused(struct kunit *test, struct kt_slot *s, int err)
{
	int ret = iopf_bpf_reg(&s->ops, &s->link);

	KUNIT_EXPECT_EQ(test, ret, err);
	if (!ret)
		iopf_bpf_unreg(&s->ops, &s->link);
}

static void kt_tenant_needs_no_admin(struct kunit *test)
{
	struct kt *kt = test->priv;
	struct kt_dev *d = kt_dev_new(test, KT_NOT_PCI, false);
	const struct cred *old;
	int ret;

	kt->slot[0].ops = kt_ops[0];
	old = kt_drop_admin(test, KUIDT_INIT(1000));
	kt_expect_refused(test, &kt->slot[0], -EPERM);
	strscpy(kt->slot[0].ops.dev_name, dev_name(&d->pdev.dev));
	kt_expect_refused(test, &kt->slot[0], -EPERM);
	ret = kt_reg_tenant(test, 1, d, 0);
	kt_restore_creds(old);
	KUNIT_ASSERT_EQ(test, ret, 0);
	KUNIT_EXPECT_EQ(test, kt_nr_tenant(KUIDT_INIT(1000)), 1);
	KUNIT_EXPECT_TRUE(test, uid_eq(kt->slot[1].p->uid, KUIDT_INIT(1000)));
}

/* A scope named twice, or a binding that is not one, attaches nothing */
static void kt_tenant_bad_scope(struct kunit *test)
{
	struct kt *kt = test->priv;
	struct kt_dev *d = kt_dev_new(test, KT_NOT_PCI, false);
	struct kt_slot *s = &kt->slot[0];

	s->ops = kt_ops[0];
	s->ops.dev_id = 1;
	strscpy(s->ops.dev_name, dev_name(&d->pdev.dev));
	kt_expect_refused(test, s, -EINVAL);
	s->ops.dev_name[0] = '\0';
	s->ops.dev_id = 2;	/* no such device in the binding */
	kt_expect_refused(test, s, -ENOENT);
	s->ops.dev_id = 1;
	s->ops.iommufd = -1;	/* not an iommufd */
	kt_expect_refused(test, s, -EBADF);
	KUNIT_EXPECT_EQ(test, iopf_bpf_nr_attached(), 0);
}

/* Host policies, scoped and global, are asked first and decide first */
static void kt_tenant_after_host(struct kunit *test)
{
	struct kt *kt = test->priv;
	struct kt_dev *d = kt_dev_new(test, KT_NOT_PCI, false);
	struct iopf_bpf_verdict v;

	kt->slot[0].ret[KT_LAST] = IOPF_ACT_ANSWER_SUCCESS;
	kt->slot[1].ret[KT_LAST] = IOPF_ACT_ANSWER_INVALID;
	/* The tenant attached first: order of attach does not matter */
	KUNIT_ASSERT_EQ(test, kt_reg_tenant(test, 0, d, 0), 0);
	kt_attach(test, 1, NULL);
	kt_attach(test, 2, d);
	kt_decide(d, KT_PASID, 1, true, &kt->dflt, &v);
	KUNIT_ASSERT_EQ(test, kt->nr_log, 3);
	KUNIT_EXPECT_EQ(test, kt->log[0], 2);
	KUNIT_EXPECT_EQ(test, kt->log[1], 1);
	KUNIT_EXPECT_EQ(test, kt->log[2], 0);
	KUNIT_EXPECT_TRUE(test, v.respond);
	KUNIT_EXPECT_EQ(test, v.code, IOMMU_PAGE_RESP_INVALID);
	KUNIT_EXPECT_EQ(test, kt_counters(kt, 1).obeyed, 1);
	KUNIT_EXPECT_EQ(test, kt_counters(kt, 0).overridden, 1);

	/* With the host policies silent, the tenant's answer stands */
	kt->slot[1].ret[KT_LAST] = IOPF_ACT_DEFAULT;
	kt_decide(d, KT_PASID, 2, true, &kt->dflt, &v);
	KUNIT_EXPECT_TRUE(test, v.respond);
	KUNIT_EXPECT_EQ(test, v.code, IOMMU_PAGE_RESP_SUCCESS);
	KUNIT_EXPECT_EQ(test, kt_counters(kt, 0).obeyed, 1);
}

/* FAILURE would stop PRI for a function a tenant may share */
static void kt_tenant_failure_refused(struct kunit *test)
{
	struct kt *kt = test->priv;
	struct kt_dev *pf = kt_dev_new(test, KT_PCI_PF, false);
	struct iopf_bpf_verdict v;

	kt->slot[0].ret[KT_LAST] = IOPF_ACT_ANSWER_FAILURE;
	KUNIT_ASSERT_EQ(test, kt_reg_tenant(test, 0, pf, 0), 0);
	kt_decide(pf, KT_PASID, 1, true, &kt->dflt, &v);
	KUNIT_EXPECT_FALSE(test, v.respond);
	kt_expect_ejected(test, 0, IOPF_EXIT_FORBIDDEN_CODE,
			  IOPF_ACT_ANSWER_FAILURE, KT_PASID);

	/* A host policy may still give it for a PF */
	kt->slot[1].ret[KT_LAST] = IOPF_ACT_ANSWER_FAILURE;
	kt_attach(test, 1, pf);
	kt_decide(pf, KT_PASID, 2, true, &kt->dflt, &v);
	KUNIT_EXPECT_TRUE(test, v.respond);
	KUNIT_EXPECT_EQ(test, v.code, IOMMU_PAGE_RESP_FAILURE);
}

/* The end of a binding ejects its tenant policies, and only those */
static void kt_tenant_owner_release(struct kunit *test)
{
	struct kt *kt = test->priv;
	struct kt_dev *d0 = kt_dev_new(test, KT_NOT_PCI, false);
	struct kt_dev *d1 = kt_dev_new(test, KT_NOT_PCI, false);

	KUNIT_ASSERT_EQ(test, kt_reg_tenant(test, 0, d0, 0), 0);
	KUNIT_ASSERT_EQ(test, kt_reg_tenant(test, 1, d1, 0), 0);
	kt_attach(test, 2, d0);

	/* Another context's release of the device is not this binding's */
	iopf_bpf_owner_release(&d0->pdev.dev, kt_owner(1));
	KUNIT_EXPECT_FALSE(test, kt_dead(kt, 0));

	iopf_bpf_owner_release(&d0->pdev.dev, kt_owner(0));
	KUNIT_EXPECT_TRUE(test, kt_dead(kt, 0));
	KUNIT_EXPECT_EQ(test, kt->slot[0].p->exit_info.kind,
			IOPF_EXIT_OWNER_RELEASED);
	KUNIT_EXPECT_STREQ(test, kt->slot[0].p->exit_info.dev_name,
			   dev_name(&d0->pdev.dev));
	KUNIT_EXPECT_FALSE(test, kt_dead(kt, 1));
	KUNIT_EXPECT_FALSE(test, kt_dead(kt, 2));
}

/* A user may have IOPF_MAX_TENANT_POLICIES; another user has its own */
static void kt_tenant_limit(struct kunit *test)
{
	struct kt *kt = test->priv;
	struct iopf_ops *ops;
	struct bpf_link *links;
	const struct cred *old;
	unsigned int i, n = IOPF_MAX_TENANT_POLICIES + 2;
	int ret[IOPF_MAX_TENANT_POLICIES + 2];

	kt_dev_new(test, KT_NOT_PCI, false);	/* dev_id 1 */
	ops = kunit_kcalloc(test, n, sizeof(*ops), GFP_KERNEL);
	links = kunit_kcalloc(test, n, sizeof(*links), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ops);
	KUNIT_ASSERT_NOT_NULL(test, links);
	for (i = 0; i < n; i++) {
		ops[i] = kt_ops[0];
		snprintf(ops[i].name, sizeof(ops[i].name), "kunit_t%u", i);
		ops[i].exit = NULL;
		ops[i].dev_id = 1;
	}

	old = kt_drop_admin(test, KUIDT_INIT(1000));
	for (i = 0; i <= IOPF_MAX_TENANT_POLICIES; i++)
		ret[i] = iopf_bpf_reg(&ops[i], &links[i]);
	kt_restore_creds(old);
	old = kt_drop_admin(test, KUIDT_INIT(1001));
	ret[i] = iopf_bpf_reg(&ops[i], &links[i]);
	kt_restore_creds(old);

	for (i = 0; i < IOPF_MAX_TENANT_POLICIES; i++)
		KUNIT_EXPECT_EQ(test, ret[i], 0);
	KUNIT_EXPECT_EQ(test, ret[i], -EDQUOT);
	KUNIT_EXPECT_EQ(test, ret[i + 1], 0);
	KUNIT_EXPECT_EQ(test, kt_nr_tenant(KUIDT_INIT(1000)),
			IOPF_MAX_TENANT_POLICIES);

	for (i = 0; i < n; i++)
		if (!ret[i])
			iopf_bpf_unreg(&ops[i], &links[i]);
	KUNIT_EXPECT_EQ(test, iopf_bpf_nr_attached(), 0);
	KUNIT_EXPECT_EQ(test, kt->nr_log, 0);
}

/*
 * Tenants of all users may fill IOPF_MAX_TENANT_POLICIES_ALL slots, no
 * more: the host can still attach (a quarantine, say) however many users
 * attach tenant policies
 */
static void kt_tenant_host_keeps_slots(struct kunit *test)
{
	unsigned int i, n = IOPF_MAX_TENANT_POLICIES_ALL + 2;
	struct kt *kt = test->priv;
	const struct cred *old;
	struct bpf_link *links;
	struct iopf_ops *ops;
	int *ret;

	kt_dev_new(test, KT_NOT_PCI, false);	/* dev_id 1 */
	ops = kunit_kcalloc(test, n, sizeof(*ops), GFP_KERNEL);
	links = kunit_kcalloc(test, n, sizeof(*links), GFP_KERNEL);
	ret = kunit_kcalloc(test, n, sizeof(*ret), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ops);
	KUNIT_ASSERT_NOT_NULL(test, links);
	KUNIT_ASSERT_NOT_NULL(test, ret);
	for (i = 0; i < n; i++) {
		ops[i] = kt_ops[0];
		snprintf(ops[i].name, sizeof(ops[i].name), "kunit_t%u", i);
		ops[i].exit = NULL;
		ops[i].dev_id = 1;
	}
	ops[n - 1].dev_id = 0;		/* the last one is the host's */

	/* Each user up to its own limit, then one tenant more */
	for (i = 0; i < n - 1; i++) {
		old = kt_drop_admin(test,
				    KUIDT_INIT(1000 + i / IOPF_MAX_TENANT_POLICIES));
		ret[i] = iopf_bpf_reg(&ops[i], &links[i]);
		kt_restore_creds(old);
	}
	ret[i] = iopf_bpf_reg(&ops[i], &links[i]);

	for (i = 0; i < IOPF_MAX_TENANT_POLICIES_ALL; i++)
		KUNIT_EXPECT_EQ(test, ret[i], 0);
	KUNIT_EXPECT_EQ(test, ret[i], -ENOSPC);
	KUNIT_EXPECT_EQ(test, ret[i + 1], 0);

	for (i = 0; i < n; i++)
		if (!ret[i])
			iopf_bpf_unreg(&ops[i], &links[i]);
	KUNIT_EXPECT_EQ(test, iopf_bpf_nr_attached(), 0);
	KUNIT_EXPECT_EQ(test, kt->nr_log, 0);
}

/*
 * A fault queue's policy decides every request that goes to its queue,
 * whichever device reported it, and no other; its owner needs no
 * CAP_SYS_ADMIN, and it counts towards the owner's limit
 */
static void kt_tenant_queue_decides(struct kunit *test)
{
	struct kt *kt = test->priv;
	struct kt_dev *d0 = kt_dev_new(test, KT_NOT_PCI, false);
	struct kt_dev *d1 = kt_dev_new(test, KT_NOT_PCI, false);
	struct iommu_attach_handle h0 = { .domain = &kt_fault_domain };
	struct iommu_attach_handle h1 = { .domain = &kt_fault_domain };
	char scope[IOPF_DEV_NAME_LEN];
	struct iopf_bpf_verdict v;
	const struct cred *old;
	int ret;

	kt_tenants.queue_of[0] = &h0;
	kt_tenants.queue_of[1] = &h1;
	kt->slot[0].ret[KT_LAST] = IOPF_ACT_ANSWER_INVALID;
	old = kt_drop_admin(test, KUIDT_INIT(1000));
	ret = kt_reg_queue(test, 0, 0, 0);
	kt_restore_creds(old);
	KUNIT_ASSERT_EQ(test, ret, 0);
	KUNIT_EXPECT_EQ(test, kt_nr_tenant(KUIDT_INIT(1000)), 1);
	KUNIT_EXPECT_STREQ(test, iopf_bpf_scope_name(kt->slot[0].p, scope),
			   "fault:1");

	/* Two devices' requests that go to queue 0 */
	kt_decide(d0, KT_PASID, 1, true, &h0, &v);
	KUNIT_EXPECT_TRUE(test, v.respond);
	KUNIT_EXPECT_EQ(test, v.code, IOMMU_PAGE_RESP_INVALID);
	kt_decide(d1, KT_NO_PASID, 2, true, &h0, &v);
	KUNIT_EXPECT_TRUE(test, v.respond);
	KUNIT_EXPECT_EQ(test, kt->slot[0].calls, 2);

	/* Another queue's, and the bad-setup path's, are not its own */
	kt_decide(d0, KT_PASID, 3, true, &h1, &v);
	KUNIT_EXPECT_FALSE(test, v.respond);
	KUNIT_EXPECT_NULL(test, kt_decide(d0, KT_PASID, 4, true, NULL, &v));
	KUNIT_EXPECT_EQ(test, kt->slot[0].calls, 2);
	KUNIT_EXPECT_EQ(test, kt_counters(kt, 0).obeyed, 2);
}

/*
 * After the host's policies and the device's tenant policies; a routed
 * group goes to the RID's queue, whose policy is asked, not the PASID's
 */
static void kt_tenant_queue_order(struct kunit *test)
{
	struct kt *kt = test->priv;
	struct kt_dev *d = kt_dev_new(test, KT_NOT_PCI, false);
	struct iommu_attach_handle own = { .domain = &kt_fault_domain };
	struct iopf_bpf_verdict v;

	kt_tenants.queue_of[0] = &own;
	kt_tenants.queue_of[1] = &kt->rid;
	kt->slot[0].ret[KT_LAST] = IOPF_ACT_ANSWER_SUCCESS;
	kt->slot[1].ret[KT_LAST] = IOPF_ACT_ANSWER_INVALID;
	/* The queue's tenant first, then the device's, then the host's */
	KUNIT_ASSERT_EQ(test, kt_reg_queue(test, 0, 0, 0), 0);
	KUNIT_ASSERT_EQ(test, kt_reg_tenant(test, 1, d, 0), 0);
	kt_attach(test, 2, NULL);
	kt_decide(d, KT_PASID, 1, true, &own, &v);
	KUNIT_ASSERT_EQ(test, kt->nr_log, 3);
	KUNIT_EXPECT_EQ(test, kt->log[0], 2);
	KUNIT_EXPECT_EQ(test, kt->log[1], 1);
	KUNIT_EXPECT_EQ(test, kt->log[2], 0);
	KUNIT_EXPECT_EQ(test, v.code, IOMMU_PAGE_RESP_INVALID);
	KUNIT_EXPECT_EQ(test, kt_counters(kt, 0).overridden, 1);

	/*
	 * The host routes a PASID without a handle to the RID: the RID's
	 * queue's policy is asked (and overridden: the route decided)
	 */
	kt_detach(&kt->slot[1]);
	kt_detach(&kt->slot[0]);
	kt->slot[2].ret[KT_LAST] = IOPF_ACT_ROUTE_RID;
	KUNIT_ASSERT_EQ(test, kt_reg_queue(test, 0, 1, 0), 0);
	kt->rid.domain = &kt_fault_domain;
	KUNIT_EXPECT_PTR_EQ(test, kt_decide(d, KT_PASID, 2, true, NULL, &v),
			    &kt->rid);
	KUNIT_EXPECT_EQ(test, kt->slot[0].calls, 1);
	KUNIT_EXPECT_EQ(test, kt_counters(kt, 0).overridden, 1);
	KUNIT_EXPECT_FALSE(test, v.respond);
	KUNIT_EXPECT_TRUE(test, v.routed);
}

/* Named with a device, or unknown: refused; FAILURE: ejected */
static void kt_tenant_queue_refused(struct kunit *test)
{
	struct kt *kt = test->priv;
	struct kt_dev *pf = kt_dev_new(test, KT_PCI_PF, false);
	struct iommu_attach_handle own = { .domain = &kt_fault_domain };
	struct kt_slot *s = &kt->slot[0];
	struct iopf_bpf_verdict v;

	s->ops = kt_ops[0];
	s->ops.fault_id = 1;
	s->ops.dev_id = 1;
	kt_expect_refused(test, s, -EINVAL);
	s->ops.dev_id = 0;
	strscpy(s->ops.dev_name, dev_name(&pf->pdev.dev));
	kt_expect_refused(test, s, -EINVAL);
	s->ops.dev_name[0] = '\0';
	s->ops.fault_id = KT_QUEUES + 1;	/* no such queue in the iommufd */
	kt_expect_refused(test, s, -ENOENT);
	KUNIT_EXPECT_EQ(test, iopf_bpf_nr_attached(), 0);

	kt_tenants.queue_of[0] = &own;
	kt->slot[1].ret[KT_LAST] = IOPF_ACT_ANSWER_FAILURE;
	KUNIT_ASSERT_EQ(test, kt_reg_queue(test, 1, 0, 0), 0);
	kt_decide(pf, KT_PASID, 1, true, &own, &v);
	KUNIT_EXPECT_FALSE(test, v.respond);
	kt_expect_ejected(test, 1, IOPF_EXIT_FORBIDDEN_CODE,
			  IOPF_ACT_ANSWER_FAILURE, KT_PASID);
}

/* A queue's end ejects its policies, and no other's */
static void kt_tenant_queue_release(struct kunit *test)
{
	struct kt *kt = test->priv;
	struct kt_dev *d = kt_dev_new(test, KT_NOT_PCI, false);

	KUNIT_ASSERT_EQ(test, kt_reg_queue(test, 0, 0, 0), 0);
	KUNIT_ASSERT_EQ(test, kt_reg_queue(test, 1, 1, 0), 0);
	KUNIT_ASSERT_EQ(test, kt_reg_tenant(test, 2, d, 0), 0);

	iopf_bpf_fault_release(kt_queue(0));
	KUNIT_EXPECT_TRUE(test, kt_dead(kt, 0));
	KUNIT_EXPECT_EQ(test, kt->slot[0].p->exit_info.kind,
			IOPF_EXIT_OWNER_RELEASED);
	KUNIT_EXPECT_FALSE(test, kt_dead(kt, 1));
	KUNIT_EXPECT_FALSE(test, kt_dead(kt, 2));

	/* A device's unbinding leaves a queue's policy alone */
	iopf_bpf_owner_release(&d->pdev.dev, kt_owner(0));
	KUNIT_EXPECT_FALSE(test, kt_dead(kt, 1));
	KUNIT_EXPECT_TRUE(test, kt_dead(kt, 2));
}

/*
 * A replacement (BPF_LINK_UPDATE) keeps the queue: another queue or a
 * device is refused, the same queue takes the old policy's place
 */
static void kt_tenant_queue_update(struct kunit *test)
{
	struct kt *kt = test->priv;
	struct iommu_attach_handle h0 = { .domain = &kt_fault_domain };
	struct iopf_ops *ops = kunit_kzalloc(test, sizeof(*ops), GFP_KERNEL);
	struct kt_slot *s = &kt->slot[0];
	struct iopf_bpf_verdict v;
	int ret;

	KUNIT_ASSERT_NOT_NULL(test, ops);
	kt_dev_new(test, KT_NOT_PCI, false);	/* dev_id 1 */
	kt_tenants.queue_of[0] = &h0;
	KUNIT_ASSERT_EQ(test, kt_reg_queue(test, 0, 0, 0), 0);
	*ops = s->ops;
	strscpy(ops->name, "kunit_q");
	ops->fault_id = 2;	/* another queue of the same iommufd */
	ret = iopf_bpf_update(ops, &s->ops, &s->link);
	KUNIT_EXPECT_EQ(test, ret, -EINVAL);
	if (!ret) {
		/* Let through: the old policy is gone, the new one leaves */
		s->p = NULL;
		iopf_bpf_unreg(ops, &s->link);
		return;
	}
	ops->fault_id = 0;
	ops->dev_id = 1;	/* a device of the same iommufd */
	KUNIT_EXPECT_EQ(test, iopf_bpf_update(ops, &s->ops, &s->link),
			-EINVAL);
	KUNIT_EXPECT_FALSE(test, kt_dead(kt, 0));

	ops->dev_id = 0;
	ops->fault_id = 1;
	KUNIT_ASSERT_EQ(test, iopf_bpf_update(ops, &s->ops, &s->link), 0);
	s->p = NULL;	/* replaced, and freed */
	kt_decide(kt->dev[0], KT_PASID, 1, true, &h0, &v);
	KUNIT_EXPECT_EQ(test, s->calls, 1);
	iopf_bpf_unreg(ops, &s->link);
	KUNIT_EXPECT_EQ(test, iopf_bpf_nr_attached(), 0);
}

/*
 * A PASID's policy decides its device's requests with that PASID, and no
 * other: not the RID's, not another PASID's, not another device's with
 * the same PASID; its owner needs no CAP_SYS_ADMIN, and it counts towards
 * the owner's limit
 */
static void kt_tenant_pasid_decides(struct kunit *test)
{
	struct kt *kt = test->priv;
	struct kt_dev *d0 = kt_dev_new(test, KT_NOT_PCI, false);
	struct kt_dev *d1 = kt_dev_new(test, KT_NOT_PCI, false);
	char scope[IOPF_DEV_NAME_LEN], want[IOPF_DEV_NAME_LEN];
	struct iopf_bpf_verdict v;
	const struct cred *old;
	int ret;

	kt_attach_pasid(0, d0, KT_PASID);
	kt_attach_pasid(1, d0, KT_PASID2);
	kt_attach_pasid(2, d1, KT_PASID);
	kt->slot[0].ret[KT_LAST] = IOPF_ACT_ANSWER_INVALID;
	old = kt_drop_admin(test, KUIDT_INIT(1000));
	ret = kt_reg_pasid(test, 0, d0, KT_PASID, 0);
	kt_restore_creds(old);
	KUNIT_ASSERT_EQ(test, ret, 0);
	KUNIT_EXPECT_EQ(test, kt_nr_tenant(KUIDT_INIT(1000)), 1);
	snprintf(want, sizeof(want), "pasid:1:%u", KT_PASID);
	KUNIT_EXPECT_STREQ(test, iopf_bpf_scope_name(kt->slot[0].p, scope),
			   want);

	kt_decide(d0, KT_PASID, 1, true, &kt->dflt, &v);
	KUNIT_EXPECT_TRUE(test, v.respond);
	KUNIT_EXPECT_EQ(test, v.code, IOMMU_PAGE_RESP_INVALID);
	KUNIT_EXPECT_EQ(test, kt->slot[0].calls, 1);

	/* The RID's, another PASID's, another device's: not its own */
	kt_decide(d0, KT_NO_PASID, 2, true, &kt->dflt, &v);
	KUNIT_EXPECT_FALSE(test, v.respond);
	kt_decide(d0, KT_PASID2, 3, true, &kt->dflt, &v);
	KUNIT_EXPECT_FALSE(test, v.respond);
	kt_decide(d1, KT_PASID, 4, true, &kt->dflt, &v);
	KUNIT_EXPECT_FALSE(test, v.respond);
	KUNIT_EXPECT_EQ(test, kt->slot[0].calls, 1);
	KUNIT_EXPECT_EQ(test, kt_counters(kt, 0).obeyed, 1);
}

/*
 * With the device's tenant policies, in attach order, after the host's,
 * whichever attached first
 */
static void kt_tenant_pasid_order(struct kunit *test)
{
	struct kt *kt = test->priv;
	struct kt_dev *d = kt_dev_new(test, KT_NOT_PCI, false);
	struct iopf_bpf_verdict v;

	kt_attach_pasid(0, d, KT_PASID);
	kt->slot[0].ret[KT_LAST] = IOPF_ACT_ANSWER_SUCCESS;
	kt->slot[1].ret[KT_LAST] = IOPF_ACT_ANSWER_INVALID;
	/* The PASID's tenant first, then the device's, then the host's */
	KUNIT_ASSERT_EQ(test, kt_reg_pasid(test, 0, d, KT_PASID, 0), 0);
	KUNIT_ASSERT_EQ(test, kt_reg_tenant(test, 1, d, 0), 0);
	kt_attach(test, 2, d);
	kt_decide(d, KT_PASID, 1, true, &kt->dflt, &v);
	KUNIT_ASSERT_EQ(test, kt->nr_log, 3);
	KUNIT_EXPECT_EQ(test, kt->log[0], 2);
	KUNIT_EXPECT_EQ(test, kt->log[1], 0);
	KUNIT_EXPECT_EQ(test, kt->log[2], 1);
	KUNIT_EXPECT_TRUE(test, v.respond);
	KUNIT_EXPECT_EQ(test, v.code, IOMMU_PAGE_RESP_SUCCESS);
	KUNIT_EXPECT_EQ(test, kt_counters(kt, 0).obeyed, 1);
	KUNIT_EXPECT_EQ(test, kt_counters(kt, 1).overridden, 1);

	/* A host answer overrides it */
	kt->slot[2].ret[KT_LAST] = IOPF_ACT_ANSWER_INVALID;
	kt_decide(d, KT_PASID, 2, true, &kt->dflt, &v);
	KUNIT_EXPECT_EQ(test, v.code, IOMMU_PAGE_RESP_INVALID);
	KUNIT_EXPECT_EQ(test, kt_counters(kt, 2).obeyed, 1);
	KUNIT_EXPECT_EQ(test, kt_counters(kt, 0).overridden, 1);
}

/*
 * A PASID with no device, with a fault queue, or with a name; a PASID not
 * attached; a replacement on another PASID: refused, nothing attached
 */
static void kt_tenant_pasid_bad_scope(struct kunit *test)
{
	struct kt *kt = test->priv;
	struct kt_dev *d = kt_dev_new(test, KT_NOT_PCI, false);
	struct iopf_ops *ops = kunit_kzalloc(test, sizeof(*ops), GFP_KERNEL);
	struct kt_slot *s = &kt->slot[0];

	KUNIT_ASSERT_NOT_NULL(test, ops);
	kt_attach_pasid(0, d, KT_PASID);
	s->ops = kt_ops[0];
	s->ops.pasid = KT_PASID;	/* a host policy's, global */
	kt_expect_refused(test, s, -EINVAL);
	strscpy(s->ops.dev_name, dev_name(&d->pdev.dev));
	kt_expect_refused(test, s, -EINVAL);
	s->ops.dev_id = 1;	/* the device by name and by ID */
	kt_expect_refused(test, s, -EINVAL);
	s->ops.dev_name[0] = '\0';
	s->ops.dev_id = 0;
	s->ops.fault_id = 1;	/* a fault queue's */
	kt_expect_refused(test, s, -EINVAL);
	s->ops.dev_id = 1;
	kt_expect_refused(test, s, -EINVAL);
	s->ops.fault_id = 0;
	s->ops.pasid = KT_PASID2;	/* not attached */
	kt_expect_refused(test, s, -ENOENT);
	KUNIT_EXPECT_EQ(test, iopf_bpf_nr_attached(), 0);

	/* A replacement keeps the PASID, attached still */
	KUNIT_ASSERT_EQ(test, kt_reg_pasid(test, 0, d, KT_PASID, 0), 0);
	*ops = s->ops;
	strscpy(ops->name, "kunit_p");
	ops->pasid = 0;		/* the whole device */
	KUNIT_EXPECT_EQ(test, iopf_bpf_update(ops, &s->ops, &s->link),
			-EINVAL);
	kt_attach_pasid(1, d, KT_PASID2);
	ops->pasid = KT_PASID2;	/* another PASID, attached */
	KUNIT_EXPECT_EQ(test, iopf_bpf_update(ops, &s->ops, &s->link),
			-EINVAL);
	kt_tenants.attached[0].dev = NULL;	/* detached, not released */
	ops->pasid = KT_PASID;
	KUNIT_EXPECT_EQ(test, iopf_bpf_update(ops, &s->ops, &s->link),
			-ENOENT);
	KUNIT_EXPECT_FALSE(test, kt_dead(kt, 0));
	KUNIT_EXPECT_EQ(test, iopf_bpf_nr_attached(), 1);
}

/*
 * A PASID's detach ejects the policies its owner scoped to it, and no
 * other: not those of the device's other PASIDs, not the device's; another
 * owner's detach of it is not this one's; the end of the binding ejects
 * the rest
 */
static void kt_tenant_pasid_release(struct kunit *test)
{
	struct kt *kt = test->priv;
	struct kt_dev *d = kt_dev_new(test, KT_NOT_PCI, false);

	kt_attach_pasid(0, d, KT_PASID);
	kt_attach_pasid(1, d, KT_PASID2);
	KUNIT_ASSERT_EQ(test, kt_reg_pasid(test, 0, d, KT_PASID, 0), 0);
	KUNIT_ASSERT_EQ(test, kt_reg_pasid(test, 1, d, KT_PASID2, 0), 0);
	KUNIT_ASSERT_EQ(test, kt_reg_tenant(test, 2, d, 0), 0);

	iopf_bpf_pasid_release(&d->pdev.dev, kt_owner(1), KT_PASID);
	KUNIT_EXPECT_FALSE(test, kt_dead(kt, 0));

	iopf_bpf_pasid_release(&d->pdev.dev, kt_owner(0), KT_PASID);
	KUNIT_EXPECT_TRUE(test, kt_dead(kt, 0));
	KUNIT_EXPECT_EQ(test, kt->slot[0].p->exit_info.kind,
			IOPF_EXIT_OWNER_RELEASED);
	KUNIT_EXPECT_EQ(test, kt->slot[0].p->exit_info.pasid, KT_PASID);
	KUNIT_EXPECT_STREQ(test, kt->slot[0].p->exit_info.dev_name,
			   dev_name(&d->pdev.dev));
	KUNIT_EXPECT_FALSE(test, kt_dead(kt, 1));
	KUNIT_EXPECT_FALSE(test, kt_dead(kt, 2));

	/* The binding's end: its PASID's policy goes with its device's */
	iopf_bpf_owner_release(&d->pdev.dev, kt_owner(0));
	KUNIT_EXPECT_TRUE(test, kt_dead(kt, 1));
	KUNIT_EXPECT_TRUE(test, kt_dead(kt, 2));
}

static struct kunit_case kt_tenant_cases[] = {
	KUNIT_CASE(kt_tenant_needs_no_admin),
	KUNIT_CASE(kt_tenant_bad_scope),
	KUNIT_CASE(kt_tenant_after_host),
	KUNIT_CASE(kt_tenant_failure_refused),
	KUNIT_CASE(kt_tenant_owner_release),
	KUNIT_CASE(kt_tenant_limit),
	KUNIT_CASE(kt_tenant_host_keeps_slots),
	KUNIT_CASE(kt_tenant_queue_decides),
	KUNIT_CASE(kt_tenant_queue_order),
	KUNIT_CASE(kt_tenant_queue_refused),
	KUNIT_CASE(kt_tenant_queue_release),
	KUNIT_CASE(kt_tenant_queue_update),
	KUNIT_CASE(kt_tenant_pasid_decides),
	KUNIT_CASE(kt_tenant_pasid_order),
	KUNIT_CASE(kt_tenant_pasid_bad_scope),
	KUNIT_CASE(kt_tenant_pasid_release),
	{}
};

static struct kunit_suite kt_tenant_suite = {
	.name = "iopf_bpf_tenant",
	.init = kt_tenant_init,
	.exit = kt_tenant_exit,
	.suite_init = kt_suite_init,
	.suite_exit = kt_suite_exit,
	.test_cases = kt_tenant_cases,
};

kunit_test_suites(&kt_tenant_suite);
