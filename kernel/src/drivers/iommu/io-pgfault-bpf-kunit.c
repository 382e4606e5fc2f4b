// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the iopf-bpf decision logic
 *
 * Included at the end of io-pgfault-bpf.c (CONFIG_IOPF_BPF_KUNIT_TEST) to
 * reach its static functions and lists.  The policies are C functions in a
 * struct iopf_ops, attached with iopf_bpf_reg() behind a fake link and
 * detached with iopf_bpf_unreg(), as the struct_ops core would.  The devices
 * are fake, each with an empty IOMMU group and a fake IOMMU that records
 * the page responses it is asked to send.  They have no domain attached:
 * the tests stand in for iopf_bpf_handle_get() (a KUnit static stub) to say
 * which attach handles exist, and for iopf_bpf_get_device() to resolve a
 * policy's scope.
 *
 * iopf_bpf_verdicts:	every action, legal or not, on partial and last
 *			requests, from one policy, through iopf_bpf_decide(),
 *			and the kfuncs a policy calls
 * iopf_bpf_combine:	how the answers of several policies combine
 * iopf_bpf_fault_path:	the hook in iommu_report_device_fault(): the
 *			bad-setup rule, dropped partials, auto-responses
 *			and routed groups, down to the IOMMU's page_response
 *
 * Each suite puts back the statistics, the ejection records and the attach
 * order counter when it ends, so sysfs shows nothing of it.
 */

#include <kunit/static_stub.h>
#include <kunit/test.h>

#define KT_SLOTS	3	/* policies one test may attach */
#define KT_LOG		32	/* callback calls one test records */
#define KT_RESPONSES	8	/* page responses one test records */
#define KT_DEVS		3	/* devices one test may create */
#define KT_NO_PASID	U32_MAX	/* a request without a PASID */
#define KT_PASID	0x42	/* the PASID the tests' requests carry */
/* Index of kt_slot.ret: the answer to a partial request, to a last one */
#define KT_PARTIAL	0
#define KT_LAST		1

/* A fake device: a PCI function (virtual or not) or a device of no bus */
struct kt_dev {
	struct pci_dev pdev;
	struct dev_iommu iommu;
	struct iommu_device iommu_dev;
	struct iopf_queue *queue;	/* set if it reports through the hook */
};

enum kt_kind { KT_NOT_PCI, KT_PCI_PF, KT_PCI_VF };

/* What decide() was given and what the kfuncs told it, at its last call */
struct kt_seen {
	struct device *dev;
	struct iommu_fault_page_request req;
	u32 nr_partial;
	u32 nr_partial_group;
	bool has_handler;
	bool rid_has_handler;
};

/* One test policy: its ops, what decide() answers, what it saw */
struct kt_slot {
	struct iopf_ops ops;
	struct bpf_link link;
	struct iopf_bpf_policy *p;	/* while attached */
	int ret[2];			/* by KT_PARTIAL, KT_LAST */
	const char *eject_msg;		/* if set, decide() ejects itself */
	unsigned int calls;
	struct kt_seen seen;
	unsigned int exits;
	struct iopf_exit_info exit;
	struct task_struct *exit_task;	/* where exit() ran last */
};

struct kt {
	struct kt_slot slot[KT_SLOTS];
	unsigned int log[KT_LOG];
	unsigned int nr_log;
	struct kt_dev *dev[KT_DEVS];
	unsigned int nr_devs;
	/* What the iopf_bpf_handle_get() stub finds: no domain, no handle */
	struct iommu_attach_handle rid;
	struct iommu_attach_handle pasid;	/* for KT_PASID */
	struct iommu_attach_handle dflt;	/* given as found by the kernel */
	/* What the fake IOMMU and the fault handler were asked to do */
	struct iommu_page_response resp[KT_RESPONSES];
	unsigned int nr_resp;
	unsigned int nr_handled;
	size_t handled_faults;
	struct iommu_attach_handle *handled_via;
	struct iopf_bpf_stats stats0;	/* at the start of the test */
};

static struct kt *kt_of_current(void)
{
	struct kunit *test = kunit_get_current_test();

	return test ? test->priv : NULL;
}

/* Fault handler of kt_fault_domain: answers SUCCESS, as iommufd would later */
static int kt_iopf_handler(struct iopf_group *group)
{
	struct kt *kt = kt_of_current();

	if (kt) {
		kt->nr_handled++;
		kt->handled_faults += group->fault_count;
		kt->handled_via = group->attach_handle;
	}
	iopf_group_response(group, IOMMU_PAGE_RESP_SUCCESS);
	iopf_free_group(group);
	return 0;
}

static struct iommu_domain kt_fault_domain = {
	.iopf_handler = kt_iopf_handler,
};

/* Attached, but takes no faults (7.3 iommufd gives such a domain a handle) */
static struct iommu_domain kt_plain_domain;

static void kt_page_response(struct device *dev, struct iopf_fault *evt,
			     struct iommu_page_response *msg)
{
	struct kt *kt = kt_of_current();

	if (!kt)
		return;
	if (kt->nr_resp < KT_RESPONSES)
		kt->resp[kt->nr_resp] = *msg;
	kt->nr_resp++;
}

static const struct iommu_ops kt_iommu_ops = {
	.page_response = kt_page_response,
};

/* Stands in for iopf_bpf_handle_get(): the handles the test set up */
static struct iommu_attach_handle *kt_handle_get(struct device *dev,
						 ioasid_t pasid)
{
	struct kt *kt = kt_of_current();

	if (pasid == IOMMU_NO_PASID && kt->rid.domain)
		return &kt->rid;
	if (pasid == KT_PASID && kt->pasid.domain)
		return &kt->pasid;
	return ERR_PTR(-ENOENT);
}

/* Stands in for iopf_bpf_get_device(): the test's devices by name */
static struct device *kt_get_device(const char *name)
{
	struct kt *kt = kt_of_current();
	unsigned int i;

	for (i = 0; i < kt->nr_devs; i++)
		if (!strcmp(dev_name(&kt->dev[i]->pdev.dev), name))
			return get_device(&kt->dev[i]->pdev.dev);
	return NULL;
}

/*
 * A test's policies sit on the framework's live lists: a fault of another
 * thread (a real device, or the mock) may reach a global one.  It gets the
 * default, as if the policy were not there, and is not recorded.  The
 * kfuncs are called as a BPF policy would call them.
 */
static int kt_answer(unsigned int n, struct iopf_decision *dn,
		     struct device *dev,
		     const struct iommu_fault_page_request *req)
{
	struct kt *kt = kt_of_current();
	struct kt_slot *s;

	if (!kt)
		return IOPF_ACT_DEFAULT;
	s = &kt->slot[n];
	s->calls++;
	s->seen.dev = dev;
	s->seen.req = *req;
	s->seen.nr_partial = bpf_iopf_nr_partial(dn);
	s->seen.nr_partial_group = bpf_iopf_nr_partial_group(dn);
	s->seen.has_handler = bpf_iopf_has_handler(dn);
	s->seen.rid_has_handler = bpf_iopf_rid_has_handler(dn);
	if (kt->nr_log < KT_LOG)
		kt->log[kt->nr_log++] = n;
	if (s->eject_msg)
		bpf_iopf_eject(dn, s->eject_msg);
	return s->ret[req->flags & IOMMU_FAULT_PAGE_REQUEST_LAST_PAGE ?
		      KT_LAST : KT_PARTIAL];
}

/* Set by the one test whose exit() runs in a work of its own */
static struct kt *kt_off_thread;

static void kt_exit(unsigned int n, const struct iopf_exit_info *info)
{
	struct kt *kt = kt_of_current() ?: READ_ONCE(kt_off_thread);

	/* The test detaches its policies itself: no exit() runs elsewhere */
	if (WARN_ON_ONCE(!kt))
		return;
	kt->slot[n].exits++;
	kt->slot[n].exit = *info;
	kt->slot[n].exit_task = current;
}

/* decide() and exit() of each policy slot */
static int kt_decide0(struct iopf_decision *dn, struct device *dev,
		      const struct iommu_fault_page_request *req)
{
	return kt_answer(0, dn, dev, req);
}

static void kt_exit0(const struct iopf_exit_info *info)
{
	kt_exit(0, info);
}

static int kt_decide1(struct iopf_decision *dn, struct device *dev,
		      const struct iommu_fault_page_request *req)
{
	return kt_answer(1, dn, dev, req);
}

static void kt_exit1(const struct iopf_exit_info *info)
{
	kt_exit(1, info);
}

static int kt_decide2(struct iopf_decision *dn, struct device *dev,
		      const struct iommu_fault_page_request *req)
{
	return kt_answer(2, dn, dev, req);
}

static void kt_exit2(const struct iopf_exit_info *info)
{
	kt_exit(2, info);
}

static const struct iopf_ops kt_ops[KT_SLOTS] = {
	{ .decide = kt_decide0, .exit = kt_exit0, .name = "kunit_0" },
	{ .decide = kt_decide1, .exit = kt_exit1, .name = "kunit_1" },
	{ .decide = kt_decide2, .exit = kt_exit2, .name = "kunit_2" },
};

static void kt_detach(void *data)
{
	struct kt_slot *s = data;

	if (!s->p)
		return;
	iopf_bpf_unreg(&s->ops, &s->link);
	s->p = NULL;
}

/* Slot @s was attached: find its policy, detached when the test ends */
static void kt_listed(struct kunit *test, struct kt_slot *s)
{
	mutex_lock(&iopf_bpf_lock);
	s->p = iopf_bpf_find(&s->ops, NULL);
	/* Never detached by the reap work: s->link is no real link */
	if (s->p)
		s->p->reaping = true;
	mutex_unlock(&iopf_bpf_lock);
	KUNIT_ASSERT_NOT_NULL(test, s->p);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, kt_detach, s), 0);
}

/*
 * Attach policy slot @n, scoped to @scope or global.  Its decide() answers
 * what kt->slot[n].ret says.
 */
static void kt_attach(struct kunit *test, unsigned int n, struct kt_dev *scope)
{
	struct kt *kt = test->priv;
	struct kt_slot *s = &kt->slot[n];
	bool shadow = s->ops.shadow;	/* the test's choice, if it made one */

	KUNIT_ASSERT_NULL(test, s->p);
	s->ops = kt_ops[n];
	s->ops.shadow = shadow;
	if (scope)
		strscpy(s->ops.dev_name, dev_name(&scope->pdev.dev));
	s->calls = 0;
	s->exits = 0;

	KUNIT_ASSERT_EQ(test, iopf_bpf_reg(&s->ops, &s->link), 0);
	kt_listed(test, s);
}

static bool kt_dead(struct kt *kt, unsigned int n)
{
	return test_bit(0, &kt->slot[n].p->dead);
}

static struct iopf_bpf_counters kt_counters(struct kt *kt, unsigned int n)
{
	struct iopf_bpf_counters c;

	iopf_bpf_sum(&c, kt->slot[n].p->counters, sizeof(c));
	return c;
}

/* What the global statistics grew by since the test started */
static struct iopf_bpf_stats kt_stats(struct kt *kt)
{
	struct iopf_bpf_stats now;
	const u64 *start = (const u64 *)&kt->stats0;
	u64 *delta = (u64 *)&now;
	size_t i;

	iopf_bpf_sum(&now, &iopf_bpf_stats, sizeof(now));
	for (i = 0; i < sizeof(now) / sizeof(u64); i++)
		delta[i] -= start[i];
	return now;
}

/* The policy in slot @n was ejected for @kind, having returned @action */
static void kt_expect_ejected(struct kunit *test, unsigned int n, u32 kind,
			      int action, u32 pasid)
{
	struct kt *kt = test->priv;
	const struct iopf_exit_info *info = &kt->slot[n].p->exit_info;

	KUNIT_EXPECT_TRUE(test, kt_dead(kt, n));
	KUNIT_EXPECT_EQ(test, info->kind, kind);
	KUNIT_EXPECT_EQ(test, info->action, action);
	KUNIT_EXPECT_EQ(test, info->pasid, pasid);
	KUNIT_EXPECT_STREQ(test, info->dev_name,
			   dev_name(kt->slot[n].seen.dev));
}

static void kt_dev_release(struct device *dev)
{
	kfree(container_of(dev, struct kt_dev, pdev.dev));
}

static void kt_dev_put(void *data)
{
	struct kt_dev *d = data;
	struct device *dev = &d->pdev.dev;

	if (d->queue) {
		iopf_queue_remove_device(d->queue, dev);
		iopf_queue_free(d->queue);
	}
	if (dev->iommu_group)
		iommu_group_put(dev->iommu_group);
	dev->iommu_group = NULL;
	dev->iommu = NULL;
	put_device(dev);
}

/*
 * A fake device in an empty IOMMU group of its own, behind the fake IOMMU;
 * with @queue, on an IOPF queue, so that it can report faults.
 */
static struct kt_dev *kt_dev_new(struct kunit *test, enum kt_kind kind,
				 bool queue)
{
	struct kt *kt = test->priv;
	struct iommu_group *group;
	struct kt_dev *d;
	int ret;

	KUNIT_ASSERT_LT(test, kt->nr_devs, KT_DEVS);
	d = kzalloc_obj(*d);
	KUNIT_ASSERT_NOT_NULL(test, d);
	device_initialize(&d->pdev.dev);
	d->pdev.dev.release = kt_dev_release;
	ret = kunit_add_action_or_reset(test, kt_dev_put, d);
	KUNIT_ASSERT_EQ(test, ret, 0);
	KUNIT_ASSERT_EQ(test, dev_set_name(&d->pdev.dev, "kunit-iopf.%u",
					   kt->nr_devs), 0);
	if (kind != KT_NOT_PCI) {
		d->pdev.dev.bus = &pci_bus_type;
		d->pdev.is_virtfn = kind == KT_PCI_VF;
	}
	mutex_init(&d->iommu.lock);
	d->iommu_dev.ops = &kt_iommu_ops;
	d->iommu.iommu_dev = &d->iommu_dev;
	d->pdev.dev.iommu = &d->iommu;
	group = iommu_group_alloc();
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, group);
	d->pdev.dev.iommu_group = group;
	kt->dev[kt->nr_devs++] = d;

	if (queue) {
		d->queue = iopf_queue_alloc(dev_name(&d->pdev.dev));
		KUNIT_ASSERT_NOT_NULL(test, d->queue);
		ret = iopf_queue_add_device(d->queue, &d->pdev.dev);
		if (ret) {
			iopf_queue_free(d->queue);
			d->queue = NULL;
		}
		KUNIT_ASSERT_EQ(test, ret, 0);
	}
	return d;
}

/* A page request: @pasid KT_NO_PASID for none */
static void kt_request(struct iopf_fault *evt, u32 pasid, u32 grpid, bool last)
{
	struct iommu_fault_page_request *prm = &evt->fault.prm;

	memset(evt, 0, sizeof(*evt));
	evt->fault.type = IOMMU_FAULT_PAGE_REQ;
	prm->grpid = grpid;
	prm->perm = IOMMU_FAULT_PERM_READ | IOMMU_FAULT_PERM_WRITE;
	prm->addr = 0x10000ULL * (grpid + 1);
	if (pasid != KT_NO_PASID) {
		prm->flags |= IOMMU_FAULT_PAGE_REQUEST_PASID_VALID;
		prm->pasid = pasid;
	}
	if (last)
		prm->flags |= IOMMU_FAULT_PAGE_REQUEST_LAST_PAGE;
}

/*
 * Ask the policies about one request of @d, as the hook does after the
 * kernel found @handle: the handle to deliver to, and the verdict in @v.
 * The hook's report ends there too (iopf_bpf_finish()): the tests' handles
 * are static and outlive it.
 */
static struct iommu_attach_handle *
kt_decide(struct kt_dev *d, u32 pasid, u32 grpid, bool last,
	  struct iommu_attach_handle *handle, struct iopf_bpf_verdict *v)
{
	struct iopf_fault evt;

	kt_request(&evt, pasid, grpid, last);
	memset(v, 0, sizeof(*v));
	handle = iopf_bpf_decide(&d->pdev.dev, &evt, handle, v);
	iopf_bpf_finish(v);
	return handle;
}

/* Report one request of @d through iommu_report_device_fault() */
static int kt_report(struct kt_dev *d, u32 pasid, u32 grpid, bool last)
{
	struct iopf_fault evt;

	kt_request(&evt, pasid, grpid, last);
	return iommu_report_device_fault(&d->pdev.dev, &evt);
}

static int kt_init(struct kunit *test)
{
	struct kt *kt;

	kt = kunit_kzalloc(test, sizeof(*kt), GFP_KERNEL);
	if (!kt)
		return -ENOMEM;
	test->priv = kt;
	kt->dflt.domain = &kt_fault_domain;
	kunit_activate_static_stub(test, iopf_bpf_handle_get, kt_handle_get);
	kunit_activate_static_stub(test, iopf_bpf_get_device, kt_get_device);
	iopf_bpf_sum(&kt->stats0, &iopf_bpf_stats, sizeof(kt->stats0));
	return 0;
}

/* What a suite changes in the framework's state, put back when it ends */
static struct {
	struct iopf_bpf_stats *stats;	/* by CPU */
	struct iopf_bpf_ejection ejections[IOPF_NR_EJECTIONS];
	unsigned int nr_ejections;
	u64 next_order;
} kt_saved;

static int kt_suite_init(struct kunit_suite *suite)
{
	int cpu;

	kt_saved.stats = kcalloc(nr_cpu_ids, sizeof(*kt_saved.stats),
				 GFP_KERNEL);
	if (!kt_saved.stats)
		return -ENOMEM;
	for_each_possible_cpu(cpu)
		memcpy(&kt_saved.stats[cpu], per_cpu_ptr(&iopf_bpf_stats, cpu),
		       sizeof(kt_saved.stats[cpu]));
	spin_lock(&iopf_bpf_ejections_lock);
	memcpy(kt_saved.ejections, iopf_bpf_ejections,
	       sizeof(kt_saved.ejections));
	kt_saved.nr_ejections = iopf_bpf_nr_ejections;
	spin_unlock(&iopf_bpf_ejections_lock);
	mutex_lock(&iopf_bpf_lock);
	kt_saved.next_order = iopf_bpf_next_order;
	mutex_unlock(&iopf_bpf_lock);
	return 0;
}

static void kt_suite_exit(struct kunit_suite *suite)
{
	int cpu;

	/* The ejections scheduled it; it finds nothing of ours to detach */
	flush_work(&iopf_bpf_reap_work);
	for_each_possible_cpu(cpu)
		memcpy(per_cpu_ptr(&iopf_bpf_stats, cpu), &kt_saved.stats[cpu],
		       sizeof(kt_saved.stats[cpu]));
	spin_lock(&iopf_bpf_ejections_lock);
	memcpy(iopf_bpf_ejections, kt_saved.ejections,
	       sizeof(kt_saved.ejections));
	iopf_bpf_nr_ejections = kt_saved.nr_ejections;
	spin_unlock(&iopf_bpf_ejections_lock);
	/* Our ejections leave sysfs, those they pushed out come back */
	iopf_bpf_sysfs_sync_ejections();
	mutex_lock(&iopf_bpf_lock);
	iopf_bpf_next_order = kt_saved.next_order;
	mutex_unlock(&iopf_bpf_lock);
	kfree(kt_saved.stats);
	kt_saved.stats = NULL;
}

/* Values outside enum iopf_action */
static const int kt_bad_values[] = { -1, IOPF_NR_ACTIONS, 42, INT_MIN, INT_MAX };

/* Attach slot 0 again, answering @partial and @last */
static void kt_reattach(struct kunit *test, int partial, int last)
{
	struct kt *kt = test->priv;

	kt_detach(&kt->slot[0]);
	kt->slot[0].ret[KT_PARTIAL] = partial;
	kt->slot[0].ret[KT_LAST] = last;
	kt_attach(test, 0, NULL);
}

/* iopf_bpf_verdicts: one policy, every action */

/* IOPF_ACT_DEFAULT leaves the kernel's decision alone */
static void kt_default_keeps_kernel_decision(struct kunit *test)
{
	struct kt *kt = test->priv;
	struct kt_dev *d = kt_dev_new(test, KT_NOT_PCI, false);
	struct iopf_bpf_verdict v;
	struct iopf_bpf_counters c;

	kt_attach(test, 0, NULL);
	kt->rid.domain = &kt_fault_domain;

	KUNIT_EXPECT_PTR_EQ(test, kt_decide(d, KT_PASID, 1, false, &kt->dflt, &v),
			    &kt->dflt);
	KUNIT_EXPECT_FALSE(test, v.drop_partial);
	KUNIT_EXPECT_PTR_EQ(test, kt_decide(d, KT_PASID, 1, true, &kt->dflt, &v),
			    &kt->dflt);
	KUNIT_EXPECT_FALSE(test, v.drop_partial);
	KUNIT_EXPECT_FALSE(test, v.respond);
	/* No handler and nobody routes: still none, and no decision voided */
	KUNIT_EXPECT_NULL(test, kt_decide(d, KT_PASID, 1, true, NULL, &v));
	KUNIT_EXPECT_EQ(test, kt_stats(kt).bad_setup, 0);
	KUNIT_EXPECT_EQ(test, kt_stats(kt).routed, 0);
	KUNIT_EXPECT_EQ(test, kt_stats(kt).requests, 3);

	KUNIT_EXPECT_FALSE(test, kt_dead(kt, 0));
	c = kt_counters(kt, 0);
	/* Asked once per request, partial or last */
	KUNIT_EXPECT_EQ(test, c.calls, 3);
	KUNIT_EXPECT_EQ(test, c.obeyed + c.overridden, 0);
}

/* What decide() is given, and what the kfuncs say about the request */
static void kt_decide_sees_request(struct kunit *test)
{
	struct kt *kt = test->priv;
	struct kt_dev *d = kt_dev_new(test, KT_PCI_PF, false);
	const struct kt_seen *seen = &kt->slot[0].seen;
	struct iopf_bpf_verdict v;

	kt_attach(test, 0, NULL);
	kt_decide(d, KT_PASID, 7, true, &kt->dflt, &v);
	KUNIT_EXPECT_PTR_EQ(test, seen->dev, &d->pdev.dev);
	KUNIT_EXPECT_EQ(test, seen->req.addr, 0x80000ULL);
	KUNIT_EXPECT_EQ(test, seen->req.pasid, KT_PASID);
	KUNIT_EXPECT_EQ(test, seen->req.grpid, 7);
	KUNIT_EXPECT_EQ(test, seen->req.perm,
			IOMMU_FAULT_PERM_READ | IOMMU_FAULT_PERM_WRITE);
	KUNIT_EXPECT_EQ(test, seen->req.flags,
			IOMMU_FAULT_PAGE_REQUEST_PASID_VALID |
			IOMMU_FAULT_PAGE_REQUEST_LAST_PAGE);
	KUNIT_EXPECT_TRUE(test, seen->has_handler);
	KUNIT_EXPECT_FALSE(test, seen->rid_has_handler);
	/* A device without a fault queue has nothing parked */
	KUNIT_EXPECT_EQ(test, seen->nr_partial, 0);
	KUNIT_EXPECT_EQ(test, seen->nr_partial_group, 0);

	kt->rid.domain = &kt_fault_domain;
	kt_decide(d, KT_NO_PASID, 3, false, NULL, &v);
	KUNIT_EXPECT_EQ(test, seen->req.pasid, 0);
	KUNIT_EXPECT_EQ(test, seen->req.flags, 0);
	KUNIT_EXPECT_FALSE(test, seen->has_handler);
	KUNIT_EXPECT_TRUE(test, seen->rid_has_handler);
}

/* The kfuncs on the device: PCI identity, VF, the whole name */
static void kt_kfuncs_device(struct kunit *test)
{
	struct kt_dev *pf = kt_dev_new(test, KT_PCI_PF, false);
	struct kt_dev *vf = kt_dev_new(test, KT_PCI_VF, false);
	struct kt_dev *other = kt_dev_new(test, KT_NOT_PCI, false);
	struct iommu_fault_page_request req = {};
	struct iopf_decision dn = { .req = &req };
	char name[IOPF_DEV_NAME_LEN], small[4];

	pf->pdev.vendor = 0x8086;
	pf->pdev.device = 0x0b25;
	dn.dev = &pf->pdev.dev;
	KUNIT_EXPECT_EQ(test, bpf_iopf_pci_id(&dn), 0x80860b25);
	KUNIT_EXPECT_FALSE(test, bpf_iopf_dev_is_vf(&dn));
	KUNIT_EXPECT_EQ(test, bpf_iopf_dev_name(&dn, name, sizeof(name)),
			strlen("kunit-iopf.0"));
	KUNIT_EXPECT_STREQ(test, name, "kunit-iopf.0");
	KUNIT_EXPECT_EQ(test, bpf_iopf_dev_name(&dn, small, sizeof(small)),
			-E2BIG);
	KUNIT_EXPECT_STREQ(test, small, "kun");

	dn.dev = &vf->pdev.dev;
	KUNIT_EXPECT_TRUE(test, bpf_iopf_dev_is_vf(&dn));
	dn.dev = &other->pdev.dev;
	KUNIT_EXPECT_EQ(test, bpf_iopf_pci_id(&dn), 0);
	KUNIT_EXPECT_FALSE(test, bpf_iopf_dev_is_vf(&dn));
}

/* Only page requests are asked about */
static void kt_other_faults_not_asked(struct kunit *test)
{
	struct kt *kt = test->priv;
	struct kt_dev *d = kt_dev_new(test, KT_NOT_PCI, false);
	struct iopf_bpf_verdict v = {};
	struct iopf_fault evt;

	kt->slot[0].ret[KT_LAST] = IOPF_ACT_ANSWER_INVALID;
	kt_attach(test, 0, NULL);
	kt_request(&evt, KT_PASID, 1, true);
	evt.fault.type = 0;
	KUNIT_EXPECT_PTR_EQ(test, iopf_bpf_decide(&d->pdev.dev, &evt, &kt->dflt,
						  &v), &kt->dflt);
	KUNIT_EXPECT_FALSE(test, v.respond);
	KUNIT_EXPECT_EQ(test, kt->nr_log, 0);
	KUNIT_EXPECT_EQ(test, kt_stats(kt).requests, 0);
}

/* IOPF_ACT_DROP for a partial request drops it */
static void kt_drop_partial(struct kunit *test)
{
	struct kt *kt = test->priv;
	struct kt_dev *d = kt_dev_new(test, KT_NOT_PCI, false);
	struct iopf_bpf_verdict v;

	kt->slot[0].ret[KT_PARTIAL] = IOPF_ACT_DROP;
	kt_attach(test, 0, NULL);
	KUNIT_EXPECT_PTR_EQ(test, kt_decide(d, KT_PASID, 1, false, &kt->dflt, &v),
			    &kt->dflt);
	KUNIT_EXPECT_TRUE(test, v.drop_partial);
	KUNIT_EXPECT_FALSE(test, v.respond);
	KUNIT_EXPECT_FALSE(test, kt_dead(kt, 0));
	KUNIT_EXPECT_EQ(test, kt_counters(kt, 0).obeyed, 1);
	KUNIT_EXPECT_EQ(test, kt_stats(kt).dropped_partials, 1);

	/* Without a PASID as well */
	kt_decide(d, KT_NO_PASID, 1, false, &kt->dflt, &v);
	KUNIT_EXPECT_TRUE(test, v.drop_partial);
	KUNIT_EXPECT_FALSE(test, kt_dead(kt, 0));
}

/* IOPF_ACT_DROP for a last request ejects (wrong kind) */
static void kt_drop_last_ejects(struct kunit *test)
{
	struct kt *kt = test->priv;
	struct kt_dev *d = kt_dev_new(test, KT_NOT_PCI, false);
	struct iopf_bpf_verdict v;

	kt->slot[0].ret[KT_PARTIAL] = IOPF_ACT_DROP;
	kt->slot[0].ret[KT_LAST] = IOPF_ACT_DROP;
	kt_attach(test, 0, NULL);
	KUNIT_EXPECT_PTR_EQ(test, kt_decide(d, KT_PASID, 1, true, &kt->dflt, &v),
			    &kt->dflt);
	KUNIT_EXPECT_FALSE(test, v.drop_partial);
	KUNIT_EXPECT_FALSE(test, v.respond);
	kt_expect_ejected(test, 0, IOPF_EXIT_WRONG_KIND, IOPF_ACT_DROP, KT_PASID);
	KUNIT_EXPECT_EQ(test, kt_stats(kt).ejected, 1);

	/* Dead at once: not asked about later requests */
	kt_decide(d, KT_PASID, 2, false, &kt->dflt, &v);
	KUNIT_EXPECT_EQ(test, kt->slot[0].calls, 1);
	KUNIT_EXPECT_FALSE(test, v.drop_partial);

	/* exit() is told why, once, when the link goes */
	kt_detach(&kt->slot[0]);
	KUNIT_EXPECT_EQ(test, kt->slot[0].exits, 1);
	KUNIT_EXPECT_EQ(test, kt->slot[0].exit.kind, IOPF_EXIT_WRONG_KIND);
	KUNIT_EXPECT_EQ(test, kt->slot[0].exit.action, IOPF_ACT_DROP);
	KUNIT_EXPECT_STREQ(test, kt->slot[0].exit.dev_name, "kunit-iopf.0");
	KUNIT_EXPECT_STREQ(test, kt->slot[0].exit.msg, "");
}

/* A value outside enum iopf_action ejects (bad action), partial or last */
static void kt_bad_actions_eject(struct kunit *test)
{
	struct kt *kt = test->priv;
	struct kt_dev *d = kt_dev_new(test, KT_NOT_PCI, false);
	struct iopf_bpf_verdict v;
	unsigned int i, last;

	kt->rid.domain = &kt_fault_domain;
	for (last = 0; last < 2; last++) {
		for (i = 0; i < ARRAY_SIZE(kt_bad_values); i++) {
			kt_reattach(test, kt_bad_values[i], kt_bad_values[i]);
			KUNIT_EXPECT_PTR_EQ_MSG(test,
						kt_decide(d, KT_PASID, 1, last,
							  &kt->dflt, &v),
						&kt->dflt, "decide returned %d",
						kt_bad_values[i]);
			KUNIT_EXPECT_FALSE(test, v.drop_partial);
			KUNIT_EXPECT_FALSE(test, v.respond);
			kt_expect_ejected(test, 0, IOPF_EXIT_BAD_ACTION,
					  kt_bad_values[i], KT_PASID);
		}
	}
	KUNIT_EXPECT_EQ(test, kt_stats(kt).routed, 0);
}

/* IOPF_ACT_ROUTE_RID, PASID without a handle, RID takes faults */
static void kt_route_rid(struct kunit *test)
{
	struct kt *kt = test->priv;
	struct kt_dev *d = kt_dev_new(test, KT_NOT_PCI, false);
	struct iopf_bpf_verdict v;

	kt->slot[0].ret[KT_PARTIAL] = IOPF_ACT_ROUTE_RID;
	kt->slot[0].ret[KT_LAST] = IOPF_ACT_ROUTE_RID;
	kt_attach(test, 0, NULL);
	kt->rid.domain = &kt_fault_domain;
	/* Partial and last requests alike */
	KUNIT_EXPECT_PTR_EQ(test, kt_decide(d, KT_PASID, 1, false, NULL, &v),
			    &kt->rid);
	KUNIT_EXPECT_FALSE(test, v.drop_partial);
	KUNIT_EXPECT_PTR_EQ(test, kt_decide(d, KT_PASID, 1, true, NULL, &v),
			    &kt->rid);
	KUNIT_EXPECT_FALSE(test, v.respond);
	KUNIT_EXPECT_FALSE(test, kt_dead(kt, 0));
	KUNIT_EXPECT_EQ(test, kt_counters(kt, 0).obeyed, 2);
	KUNIT_EXPECT_EQ(test, kt_stats(kt).routed, 2);
}

/* A PASID handle whose domain takes no faults is no obstacle */
static void kt_route_past_pasid_handle_without_handler(struct kunit *test)
{
	struct kt *kt = test->priv;
	struct kt_dev *d = kt_dev_new(test, KT_NOT_PCI, false);
	struct iopf_bpf_verdict v;

	kt->rid.domain = &kt_fault_domain;
	kt->pasid.domain = &kt_plain_domain;
	kt_reattach(test, IOPF_ACT_DEFAULT, IOPF_ACT_ROUTE_RID);
	KUNIT_EXPECT_PTR_EQ(test, kt_decide(d, KT_PASID, 2, true, NULL, &v),
			    &kt->rid);
	KUNIT_EXPECT_FALSE(test, kt_dead(kt, 0));
	KUNIT_EXPECT_EQ(test, kt_stats(kt).routed, 1);
}

/* Never away from a PASID's own fault handler (bad route) */
static void kt_route_away_from_pasid_handler_ejects(struct kunit *test)
{
	struct kt *kt = test->priv;
	struct kt_dev *d = kt_dev_new(test, KT_NOT_PCI, false);
	struct iopf_bpf_verdict v;

	kt->rid.domain = &kt_fault_domain;
	kt->pasid.domain = &kt_fault_domain;
	kt_reattach(test, IOPF_ACT_DEFAULT, IOPF_ACT_ROUTE_RID);
	KUNIT_EXPECT_PTR_EQ(test, kt_decide(d, KT_PASID, 1, true, &kt->pasid, &v),
			    &kt->pasid);
	kt_expect_ejected(test, 0, IOPF_EXIT_BAD_ROUTE, IOPF_ACT_ROUTE_RID,
			  KT_PASID);
	KUNIT_EXPECT_EQ(test, kt_stats(kt).routed, 0);
}

/* Never to a RID that takes no faults (bad route) */
static void kt_route_without_rid_handler_ejects(struct kunit *test)
{
	struct kt *kt = test->priv;
	struct kt_dev *d = kt_dev_new(test, KT_NOT_PCI, false);
	struct iopf_bpf_verdict v;

	/* No RID handle at all */
	kt_reattach(test, IOPF_ACT_ROUTE_RID, IOPF_ACT_ROUTE_RID);
	KUNIT_EXPECT_NULL(test, kt_decide(d, KT_PASID, 1, true, NULL, &v));
	kt_expect_ejected(test, 0, IOPF_EXIT_BAD_ROUTE, IOPF_ACT_ROUTE_RID,
			  KT_PASID);

	/* A RID handle whose domain has no fault handler */
	kt->rid.domain = &kt_plain_domain;
	kt_reattach(test, IOPF_ACT_ROUTE_RID, IOPF_ACT_ROUTE_RID);
	KUNIT_EXPECT_NULL(test, kt_decide(d, KT_PASID, 1, false, NULL, &v));
	kt_expect_ejected(test, 0, IOPF_EXIT_BAD_ROUTE, IOPF_ACT_ROUTE_RID,
			  KT_PASID);
	KUNIT_EXPECT_EQ(test, kt_stats(kt).routed, 0);
}

/* IOPF_ACT_ROUTE_RID for a request without a PASID (wrong kind) */
static void kt_route_without_pasid_ejects(struct kunit *test)
{
	struct kt *kt = test->priv;
	struct kt_dev *d = kt_dev_new(test, KT_NOT_PCI, false);
	struct iopf_bpf_verdict v;

	kt->rid.domain = &kt_fault_domain;
	kt_reattach(test, IOPF_ACT_DEFAULT, IOPF_ACT_ROUTE_RID);
	KUNIT_EXPECT_NULL(test, kt_decide(d, KT_NO_PASID, 1, true, NULL, &v));
	kt_expect_ejected(test, 0, IOPF_EXIT_WRONG_KIND, IOPF_ACT_ROUTE_RID, 0);
	KUNIT_EXPECT_EQ(test, kt_stats(kt).routed, 0);
}

/* Each answer, on a device of no bus and on a PCI physical function */
static void kt_answer_codes(struct kunit *test)
{
	static const struct { int action; int code; } codes[] = {
		{ IOPF_ACT_ANSWER_INVALID, IOMMU_PAGE_RESP_INVALID },
		{ IOPF_ACT_ANSWER_SUCCESS, IOMMU_PAGE_RESP_SUCCESS },
		{ IOPF_ACT_ANSWER_FAILURE, IOMMU_PAGE_RESP_FAILURE },
	};
	struct kt *kt = test->priv;
	struct kt_dev *devs[] = {
		kt_dev_new(test, KT_NOT_PCI, false),
		kt_dev_new(test, KT_PCI_PF, false),
	};
	struct iopf_bpf_verdict v;
	unsigned int i, j;

	for (j = 0; j < ARRAY_SIZE(devs); j++) {
		for (i = 0; i < ARRAY_SIZE(codes); i++) {
			kt_reattach(test, IOPF_ACT_DEFAULT, codes[i].action);
			KUNIT_EXPECT_PTR_EQ(test, kt_decide(devs[j], KT_PASID, 1, true,
							    &kt->dflt, &v), &kt->dflt);
			KUNIT_EXPECT_TRUE_MSG(test, v.respond, "decide returned %d on %s",
					      codes[i].action,
					      dev_name(&devs[j]->pdev.dev));
			KUNIT_EXPECT_EQ(test, v.code, codes[i].code);
			KUNIT_EXPECT_FALSE(test, kt_dead(kt, 0));
		}
	}
}

/* FAILURE is refused for a PCI virtual function (forbidden code) */
static void kt_answer_failure_refused_for_vf(struct kunit *test)
{
	struct kt *kt = test->priv;
	struct kt_dev *vf = kt_dev_new(test, KT_PCI_VF, false);
	struct iopf_bpf_verdict v;

	kt_reattach(test, IOPF_ACT_DEFAULT, IOPF_ACT_ANSWER_FAILURE);
	kt_decide(vf, KT_PASID, 1, true, &kt->dflt, &v);
	KUNIT_EXPECT_FALSE(test, v.respond);
	kt_expect_ejected(test, 0, IOPF_EXIT_FORBIDDEN_CODE,
			  IOPF_ACT_ANSWER_FAILURE, KT_PASID);

	/* The other codes are a VF's to give */
	kt_reattach(test, IOPF_ACT_DEFAULT, IOPF_ACT_ANSWER_INVALID);
	kt_decide(vf, KT_PASID, 1, true, &kt->dflt, &v);
	KUNIT_EXPECT_TRUE(test, v.respond);
	KUNIT_EXPECT_EQ(test, v.code, IOMMU_PAGE_RESP_INVALID);
	kt_reattach(test, IOPF_ACT_DEFAULT, IOPF_ACT_ANSWER_SUCCESS);
	kt_decide(vf, KT_PASID, 1, true, &kt->dflt, &v);
	KUNIT_EXPECT_TRUE(test, v.respond);
	KUNIT_EXPECT_EQ(test, v.code, IOMMU_PAGE_RESP_SUCCESS);
	KUNIT_EXPECT_FALSE(test, kt_dead(kt, 0));
}

/* An answer for a partial request ejects (wrong kind): PRI answers groups */
static void kt_answer_partial_ejects(struct kunit *test)
{
	static const int answers[] = {
		IOPF_ACT_ANSWER_SUCCESS, IOPF_ACT_ANSWER_INVALID,
		IOPF_ACT_ANSWER_FAILURE,
	};
	struct kt *kt = test->priv;
	struct kt_dev *d = kt_dev_new(test, KT_NOT_PCI, false);
	struct iopf_bpf_verdict v;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(answers); i++) {
		kt_reattach(test, answers[i], IOPF_ACT_DEFAULT);
		KUNIT_EXPECT_PTR_EQ(test, kt_decide(d, KT_PASID, 1, false,
						    &kt->dflt, &v), &kt->dflt);
		KUNIT_EXPECT_FALSE(test, v.respond);
		KUNIT_EXPECT_FALSE(test, v.drop_partial);
		kt_expect_ejected(test, 0, IOPF_EXIT_WRONG_KIND, answers[i],
				  KT_PASID);
	}
}

/*
 * bpf_iopf_eject(): the policy's answer is not obeyed, the next policy's
 * is, and the reason is the policy's own message
 */
static void kt_self_eject(struct kunit *test)
{
	struct kt *kt = test->priv;
	struct kt_dev *d = kt_dev_new(test, KT_NOT_PCI, false);
	struct iopf_bpf_verdict v;

	kt->slot[0].ret[KT_LAST] = IOPF_ACT_ANSWER_SUCCESS;
	kt->slot[0].eject_msg = "bucket table full";
	kt->slot[1].ret[KT_LAST] = IOPF_ACT_ANSWER_INVALID;
	kt_attach(test, 0, NULL);
	kt_attach(test, 1, NULL);
	kt_decide(d, KT_PASID, 1, true, &kt->dflt, &v);
	KUNIT_EXPECT_TRUE(test, v.respond);
	KUNIT_EXPECT_EQ(test, v.code, IOMMU_PAGE_RESP_INVALID);
	kt_expect_ejected(test, 0, IOPF_EXIT_SELF, 0, KT_PASID);
	KUNIT_EXPECT_STREQ(test, kt->slot[0].p->exit_info.msg,
			   "bucket table full");
	KUNIT_EXPECT_EQ(test, kt_counters(kt, 0).obeyed, 0);
	KUNIT_EXPECT_FALSE(test, kt_dead(kt, 1));

	kt_detach(&kt->slot[0]);
	KUNIT_EXPECT_EQ(test, kt->slot[0].exits, 1);
	KUNIT_EXPECT_EQ(test, kt->slot[0].exit.kind, IOPF_EXIT_SELF);
	KUNIT_EXPECT_STREQ(test, kt->slot[0].exit.msg, "bucket table full");
}

/* A message stays one printable line: sysfs and the kernel log show it */
static void kt_self_eject_message_sanitized(struct kunit *test)
{
	struct kt *kt = test->priv;
	struct kt_dev *d = kt_dev_new(test, KT_NOT_PCI, false);
	struct iopf_bpf_verdict v;

	/* UTF-8's bytes too: JSON readers of the message take ASCII only */
	kt->slot[0].eject_msg = "two\nlines\x01\x7f \xe2\x82\xac";
	kt_attach(test, 0, NULL);
	kt_decide(d, KT_NO_PASID, 1, true, &kt->dflt, &v);
	kt_expect_ejected(test, 0, IOPF_EXIT_SELF, 0, 0);
	KUNIT_EXPECT_STREQ(test, kt->slot[0].p->exit_info.msg, "two?lines?? ???");
}

static struct kunit_case kt_verdict_cases[] = {
	KUNIT_CASE(kt_default_keeps_kernel_decision),
	KUNIT_CASE(kt_decide_sees_request),
	KUNIT_CASE(kt_kfuncs_device),
	KUNIT_CASE(kt_other_faults_not_asked),
	KUNIT_CASE(kt_drop_partial),
	KUNIT_CASE(kt_drop_last_ejects),
	KUNIT_CASE(kt_bad_actions_eject),
	KUNIT_CASE(kt_route_rid),
	KUNIT_CASE(kt_route_past_pasid_handle_without_handler),
	KUNIT_CASE(kt_route_away_from_pasid_handler_ejects),
	KUNIT_CASE(kt_route_without_rid_handler_ejects),
	KUNIT_CASE(kt_route_without_pasid_ejects),
	KUNIT_CASE(kt_answer_codes),
	KUNIT_CASE(kt_answer_failure_refused_for_vf),
	KUNIT_CASE(kt_answer_partial_ejects),
	KUNIT_CASE(kt_self_eject),
	KUNIT_CASE(kt_self_eject_message_sanitized),
	{}
};

static struct kunit_suite kt_verdict_suite = {
	.name = "iopf_bpf_verdicts",
	.init = kt_init,
	.suite_init = kt_suite_init,
	.suite_exit = kt_suite_exit,
	.test_cases = kt_verdict_cases,
};

/* iopf_bpf_combine: several policies */

/* Scoped policies are asked first, then global ones, whatever the attach order */
static void kt_scoped_before_global(struct kunit *test)
{
	struct kt *kt = test->priv;
	struct kt_dev *d = kt_dev_new(test, KT_NOT_PCI, false);
	struct iopf_bpf_verdict v;

	kt->slot[0].ret[KT_LAST] = IOPF_ACT_ANSWER_INVALID;
	kt->slot[1].ret[KT_LAST] = IOPF_ACT_ANSWER_SUCCESS;
	kt_attach(test, 0, NULL);
	kt_attach(test, 1, d);
	kt_decide(d, KT_PASID, 1, true, &kt->dflt, &v);
	KUNIT_EXPECT_TRUE(test, v.respond);
	KUNIT_EXPECT_EQ(test, v.code, IOMMU_PAGE_RESP_SUCCESS);
	KUNIT_ASSERT_EQ(test, kt->nr_log, 2);
	KUNIT_EXPECT_EQ(test, kt->log[0], 1);
	KUNIT_EXPECT_EQ(test, kt->log[1], 0);
	KUNIT_EXPECT_EQ(test, kt_counters(kt, 1).obeyed, 1);
	KUNIT_EXPECT_EQ(test, kt_counters(kt, 0).overridden, 1);
	KUNIT_EXPECT_EQ(test, kt_counters(kt, 0).obeyed, 0);
}

/* Global policies are asked in attach order; the first answer wins */
static void kt_global_in_attach_order(struct kunit *test)
{
	struct kt *kt = test->priv;
	struct kt_dev *d = kt_dev_new(test, KT_NOT_PCI, false);
	struct iopf_bpf_verdict v;
	int n;

	kt->slot[1].ret[KT_LAST] = IOPF_ACT_ANSWER_SUCCESS;
	kt->slot[2].ret[KT_LAST] = IOPF_ACT_ANSWER_INVALID;
	for (n = 0; n < 3; n++)
		kt_attach(test, n, NULL);
	kt_decide(d, KT_PASID, 1, true, &kt->dflt, &v);
	KUNIT_ASSERT_EQ(test, kt->nr_log, 3);
	for (n = 0; n < 3; n++)
		KUNIT_EXPECT_EQ(test, kt->log[n], n);
	/* IOPF_ACT_DEFAULT from the first is no answer: the second one's wins */
	KUNIT_EXPECT_TRUE(test, v.respond);
	KUNIT_EXPECT_EQ(test, v.code, IOMMU_PAGE_RESP_SUCCESS);
	KUNIT_EXPECT_EQ(test, kt_counters(kt, 1).obeyed, 1);
	KUNIT_EXPECT_EQ(test, kt_counters(kt, 2).overridden, 1);
	KUNIT_EXPECT_EQ(test, kt_counters(kt, 2).obeyed, 0);
}

/* Scoped policies of one device are asked in attach order too */
static void kt_scoped_in_attach_order(struct kunit *test)
{
	struct kt *kt = test->priv;
	struct kt_dev *d = kt_dev_new(test, KT_NOT_PCI, false);
	struct iopf_bpf_verdict v;

	kt->slot[0].ret[KT_PARTIAL] = IOPF_ACT_DROP;
	kt->slot[1].ret[KT_PARTIAL] = IOPF_ACT_DROP;
	kt->slot[2].ret[KT_PARTIAL] = IOPF_ACT_DROP;
	kt_attach(test, 0, NULL);
	kt_attach(test, 1, d);
	kt_attach(test, 2, d);
	kt_decide(d, KT_PASID, 1, false, &kt->dflt, &v);
	KUNIT_EXPECT_TRUE(test, v.drop_partial);
	KUNIT_ASSERT_EQ(test, kt->nr_log, 3);
	KUNIT_EXPECT_EQ(test, kt->log[0], 1);
	KUNIT_EXPECT_EQ(test, kt->log[1], 2);
	KUNIT_EXPECT_EQ(test, kt->log[2], 0);
	KUNIT_EXPECT_EQ(test, kt_counters(kt, 1).obeyed, 1);
	KUNIT_EXPECT_EQ(test, kt_counters(kt, 2).overridden, 1);
	KUNIT_EXPECT_EQ(test, kt_counters(kt, 0).overridden, 1);
}

/* A scoped policy is asked about its device's requests only */
static void kt_scope_is_one_device(struct kunit *test)
{
	struct kt *kt = test->priv;
	struct kt_dev *d0 = kt_dev_new(test, KT_NOT_PCI, false);
	struct kt_dev *d1 = kt_dev_new(test, KT_NOT_PCI, false);
	struct iopf_bpf_verdict v;

	kt->slot[0].ret[KT_LAST] = IOPF_ACT_ANSWER_INVALID;
	kt_attach(test, 0, d1);
	/* No policy applies to d0: nothing asked, nothing counted */
	KUNIT_EXPECT_PTR_EQ(test, kt_decide(d0, KT_PASID, 1, true, &kt->dflt, &v),
			    &kt->dflt);
	KUNIT_EXPECT_FALSE(test, v.respond);
	KUNIT_EXPECT_EQ(test, kt->nr_log, 0);
	KUNIT_EXPECT_EQ(test, kt_stats(kt).requests, 0);
	kt_decide(d1, KT_PASID, 1, true, &kt->dflt, &v);
	KUNIT_EXPECT_TRUE(test, v.respond);
	KUNIT_EXPECT_EQ(test, kt->nr_log, 1);
	KUNIT_EXPECT_EQ(test, kt_stats(kt).requests, 1);

	/* With a global policy, d0 is asked about, by that one only */
	kt_attach(test, 1, NULL);
	kt->nr_log = 0;
	kt_decide(d0, KT_PASID, 1, true, &kt->dflt, &v);
	KUNIT_EXPECT_FALSE(test, v.respond);
	KUNIT_ASSERT_EQ(test, kt->nr_log, 1);
	KUNIT_EXPECT_EQ(test, kt->log[0], 1);
}

/* Everyone is asked, even after the request is decided */
static void kt_every_policy_asked(struct kunit *test)
{
	struct kt *kt = test->priv;
	struct kt_dev *d = kt_dev_new(test, KT_NOT_PCI, false);
	struct iopf_bpf_verdict v;
	struct iopf_bpf_counters c;

	kt->rid.domain = &kt_fault_domain;
	kt->slot[0].ret[KT_LAST] = IOPF_ACT_ROUTE_RID;
	kt->slot[1].ret[KT_LAST] = IOPF_ACT_ANSWER_SUCCESS;
	kt_attach(test, 0, NULL);
	kt_attach(test, 1, NULL);
	KUNIT_EXPECT_PTR_EQ(test, kt_decide(d, KT_PASID, 1, true, NULL, &v),
			    &kt->rid);
	/* One action per request: the route, not the answer after it */
	KUNIT_EXPECT_FALSE(test, v.respond);
	c = kt_counters(kt, 1);
	KUNIT_EXPECT_EQ(test, c.calls, 1);
	KUNIT_EXPECT_EQ(test, c.overridden, 1);
	KUNIT_EXPECT_EQ(test, kt_counters(kt, 0).obeyed, 1);
	KUNIT_EXPECT_EQ(test, kt_stats(kt).routed, 1);
}

/* An invalid answer ejects its policy even when it could not have won */
static void kt_late_invalid_answer_ejects(struct kunit *test)
{
	struct kt *kt = test->priv;
	struct kt_dev *d = kt_dev_new(test, KT_NOT_PCI, false);
	struct iopf_bpf_verdict v;

	kt->slot[0].ret[KT_LAST] = IOPF_ACT_ANSWER_SUCCESS;
	kt->slot[1].ret[KT_LAST] = 42;
	kt_attach(test, 0, NULL);
	kt_attach(test, 1, NULL);
	kt_decide(d, KT_PASID, 1, true, &kt->dflt, &v);
	KUNIT_EXPECT_EQ(test, v.code, IOMMU_PAGE_RESP_SUCCESS);
	KUNIT_EXPECT_FALSE(test, kt_dead(kt, 0));
	kt_expect_ejected(test, 1, IOPF_EXIT_BAD_ACTION, 42, KT_PASID);
}

/* An invalid answer is no answer: the next valid one wins */
static void kt_invalid_answer_gives_way(struct kunit *test)
{
	struct kt *kt = test->priv;
	struct kt_dev *d = kt_dev_new(test, KT_PCI_VF, false);
	struct iopf_bpf_verdict v;
	struct iopf_bpf_counters c;

	kt->slot[0].ret[KT_LAST] = IOPF_ACT_ANSWER_FAILURE;
	kt->slot[1].ret[KT_LAST] = IOPF_ACT_ANSWER_INVALID;
	kt_attach(test, 0, NULL);
	kt_attach(test, 1, NULL);
	kt_decide(d, KT_PASID, 1, true, &kt->dflt, &v);
	kt_expect_ejected(test, 0, IOPF_EXIT_FORBIDDEN_CODE,
			  IOPF_ACT_ANSWER_FAILURE, KT_PASID);
	KUNIT_EXPECT_TRUE(test, v.respond);
	KUNIT_EXPECT_EQ(test, v.code, IOMMU_PAGE_RESP_INVALID);
	c = kt_counters(kt, 1);
	KUNIT_EXPECT_EQ(test, c.obeyed, 1);
	KUNIT_EXPECT_EQ(test, c.overridden, 0);
}

/* An ejected policy is asked nothing more, others go on */
static void kt_ejected_not_asked_again(struct kunit *test)
{
	struct kt *kt = test->priv;
	struct kt_dev *d = kt_dev_new(test, KT_NOT_PCI, false);
	struct iopf_bpf_verdict v;

	kt->slot[0].ret[KT_LAST] = -1;
	kt->slot[1].ret[KT_LAST] = IOPF_ACT_ANSWER_SUCCESS;
	kt_attach(test, 0, NULL);
	kt_attach(test, 1, NULL);
	kt_decide(d, KT_PASID, 1, true, &kt->dflt, &v);
	KUNIT_EXPECT_EQ(test, v.code, IOMMU_PAGE_RESP_SUCCESS);
	kt_expect_ejected(test, 0, IOPF_EXIT_BAD_ACTION, -1, KT_PASID);
	kt->nr_log = 0;
	kt_decide(d, KT_PASID, 2, true, &kt->dflt, &v);
	KUNIT_ASSERT_EQ(test, kt->nr_log, 1);
	KUNIT_EXPECT_EQ(test, kt->log[0], 1);
	KUNIT_EXPECT_EQ(test, v.code, IOMMU_PAGE_RESP_SUCCESS);
}

/*
 * The first valid action decides the request, whatever its kind: a route
 * wins over a later drop of the same partial, and a scoped policy's answer
 * over a global route of the last request (the group is still answered at
 * once, routed or not)
 */
static void kt_one_action_per_request(struct kunit *test)
{
	struct kt *kt = test->priv;
	/* With a fault queue, so that the group's target is kept */
	struct kt_dev *d = kt_dev_new(test, KT_NOT_PCI, true);
	struct iopf_bpf_verdict v;

	kt->rid.domain = &kt_fault_domain;
	kt->slot[0].ret[KT_PARTIAL] = IOPF_ACT_ROUTE_RID;
	kt->slot[0].ret[KT_LAST] = IOPF_ACT_ROUTE_RID;
	kt->slot[1].ret[KT_PARTIAL] = IOPF_ACT_DROP;
	kt->slot[1].ret[KT_LAST] = IOPF_ACT_DROP;
	kt->slot[2].ret[KT_LAST] = IOPF_ACT_ANSWER_SUCCESS;
	kt_attach(test, 0, NULL);
	kt_attach(test, 1, NULL);
	kt_attach(test, 2, d);
	KUNIT_EXPECT_PTR_EQ(test, kt_decide(d, KT_PASID, 1, false, NULL, &v),
			    &kt->rid);
	KUNIT_EXPECT_FALSE(test, v.drop_partial);
	KUNIT_EXPECT_EQ(test, kt_counters(kt, 1).overridden, 1);
	KUNIT_EXPECT_PTR_EQ(test, kt_decide(d, KT_PASID, 1, true, NULL, &v),
			    &kt->rid);
	KUNIT_EXPECT_TRUE(test, v.respond);
	KUNIT_EXPECT_EQ(test, v.code, IOMMU_PAGE_RESP_SUCCESS);
	KUNIT_EXPECT_EQ(test, kt_counters(kt, 0).overridden, 1);
	/* Its DROP of a last request ejected it */
	kt_expect_ejected(test, 1, IOPF_EXIT_WRONG_KIND, IOPF_ACT_DROP, KT_PASID);
	KUNIT_EXPECT_FALSE(test, kt_dead(kt, 0));
	KUNIT_EXPECT_FALSE(test, kt_dead(kt, 2));
}

/*
 * A policy in shadow is asked and checked, its valid answers counted as
 * shadowed, never obeyed; an illegal one still ejects it
 */
static void kt_shadow_not_obeyed(struct kunit *test)
{
	struct kt *kt = test->priv;
	struct kt_dev *d = kt_dev_new(test, KT_NOT_PCI, false);
	struct iopf_bpf_verdict v;

	kt->slot[0].ret[KT_LAST] = IOPF_ACT_ANSWER_SUCCESS;
	kt->slot[1].ret[KT_LAST] = IOPF_ACT_ANSWER_INVALID;
	kt->slot[2].ret[KT_LAST] = 42;
	kt->slot[0].ops.shadow = true;
	kt->slot[2].ops.shadow = true;
	kt_attach(test, 0, NULL);
	kt_attach(test, 1, NULL);
	kt_attach(test, 2, NULL);
	kt_decide(d, KT_PASID, 1, true, &kt->dflt, &v);
	KUNIT_EXPECT_TRUE(test, v.respond);
	KUNIT_EXPECT_EQ(test, v.code, IOMMU_PAGE_RESP_INVALID);
	KUNIT_EXPECT_EQ(test, kt_counters(kt, 0).shadowed, 1);
	KUNIT_EXPECT_EQ(test, kt_counters(kt, 0).obeyed, 0);
	KUNIT_EXPECT_EQ(test, kt_counters(kt, 1).obeyed, 1);
	KUNIT_EXPECT_FALSE(test, kt_dead(kt, 0));
	kt_expect_ejected(test, 2, IOPF_EXIT_BAD_ACTION, 42, KT_PASID);

	/* Alone, it decides nothing */
	kt_detach(&kt->slot[1]);
	kt_decide(d, KT_PASID, 2, true, &kt->dflt, &v);
	KUNIT_EXPECT_FALSE(test, v.respond);
	KUNIT_EXPECT_EQ(test, kt_counters(kt, 0).shadowed, 2);
}

/* A link's dealloc, later: unreg of its slot from a work, as the core does */
struct kt_late_unreg {
	struct delayed_work work;
	struct kt_slot *s;
	struct task_struct *task;
	bool done;
};

static void kt_late_unreg_fn(struct work_struct *work)
{
	struct kt_late_unreg *late = container_of(to_delayed_work(work),
						  struct kt_late_unreg, work);

	late->task = current;
	iopf_bpf_unreg(&late->s->ops, &late->s->link);
	late->s->p = NULL;
	WRITE_ONCE(late->done, true);
}

/*
 * A dead policy whose link's last reference is gone is stopped by that
 * link's unreg, which the core calls from the link's dealloc and follows
 * with the map's put, under no lock.  A .reg() of its name meanwhile takes
 * it off the lists and attaches at once, but leaves its stop to that
 * unreg: stopped by the .reg(), its exit() could run from a freed map.
 */
static void kt_reattach_leaves_freed_link_to_unreg(struct kunit *test)
{
	struct kt *kt = test->priv;
	struct kt_dev *d = kt_dev_new(test, KT_NOT_PCI, false);
	struct kt_slot *s0 = &kt->slot[0], *s1 = &kt->slot[1];
	struct kt_late_unreg late = { .s = s0 };
	struct iopf_bpf_verdict v;
	unsigned int exits;
	bool done;
	int ret;

	s0->ret[KT_LAST] = -1;		/* ejected at its first request */
	kt_attach(test, 0, NULL);
	kt_decide(d, KT_PASID, 1, true, &kt->dflt, &v);
	KUNIT_ASSERT_TRUE(test, kt_dead(kt, 0));
	/* Its link at refcount zero: its dealloc runs 100 ms from now */
	atomic64_set(&s0->link.refcnt, 0);
	WRITE_ONCE(kt_off_thread, kt);
	INIT_DELAYED_WORK_ONSTACK(&late.work, kt_late_unreg_fn);
	schedule_delayed_work(&late.work, msecs_to_jiffies(100));

	s1->ops = kt_ops[1];
	strscpy(s1->ops.name, s0->ops.name);
	ret = iopf_bpf_reg(&s1->ops, &s1->link);
	/* Attached at once, the dead one not stopped: its unreg has not run */
	done = READ_ONCE(late.done);
	exits = READ_ONCE(s0->exits);
	KUNIT_EXPECT_EQ(test, ret, 0);
	KUNIT_EXPECT_FALSE(test, done);
	KUNIT_EXPECT_EQ(test, exits, 0);
	/* ... and stopped once by it */
	flush_delayed_work(&late.work);
	destroy_delayed_work_on_stack(&late.work);
	WRITE_ONCE(kt_off_thread, NULL);
	KUNIT_EXPECT_EQ(test, s0->exits, 1);
	KUNIT_EXPECT_PTR_EQ(test, s0->exit_task, late.task);
	if (!ret)
		kt_listed(test, s1);
}

static struct kunit_case kt_combine_cases[] = {
	KUNIT_CASE(kt_scoped_before_global),
	KUNIT_CASE(kt_global_in_attach_order),
	KUNIT_CASE(kt_scoped_in_attach_order),
	KUNIT_CASE(kt_scope_is_one_device),
	KUNIT_CASE(kt_every_policy_asked),
	KUNIT_CASE(kt_late_invalid_answer_ejects),
	KUNIT_CASE(kt_invalid_answer_gives_way),
	KUNIT_CASE(kt_ejected_not_asked_again),
	KUNIT_CASE(kt_reattach_leaves_freed_link_to_unreg),
	KUNIT_CASE(kt_one_action_per_request),
	KUNIT_CASE(kt_shadow_not_obeyed),
	{}
};

static struct kunit_suite kt_combine_suite = {
	.name = "iopf_bpf_combine",
	.init = kt_init,
	.suite_init = kt_suite_init,
	.suite_exit = kt_suite_exit,
	.test_cases = kt_combine_cases,
};

/* iopf_bpf_fault_path: iommu_report_device_fault() with the hook */

/* The one page response sent, if it was one, was @code for this request */
static void kt_expect_response(struct kunit *test, u32 code, u32 grpid)
{
	struct kt *kt = test->priv;

	KUNIT_ASSERT_EQ(test, kt->nr_resp, 1);
	KUNIT_EXPECT_EQ(test, kt->resp[0].code, code);
	KUNIT_EXPECT_EQ(test, kt->resp[0].pasid, KT_PASID);
	KUNIT_EXPECT_EQ(test, kt->resp[0].grpid, grpid);
}

/* No handler, no policy: stock behaviour (INVALID, -EINVAL) */
static void kt_bad_setup_without_policy(struct kunit *test)
{
	struct kt *kt = test->priv;
	struct kt_dev *d = kt_dev_new(test, KT_NOT_PCI, true);

	KUNIT_EXPECT_EQ(test, kt_report(d, KT_PASID, 5, true), -EINVAL);
	kt_expect_response(test, IOMMU_PAGE_RESP_INVALID, 5);
	/* A partial request too is answered */
	kt->nr_resp = 0;
	KUNIT_EXPECT_EQ(test, kt_report(d, KT_PASID, 6, false), -EINVAL);
	kt_expect_response(test, IOMMU_PAGE_RESP_INVALID, 6);
	KUNIT_EXPECT_EQ(test, kt->nr_handled, 0);
}

/* No handler: a policy's IOPF_ACT_DEFAULT changes nothing, nothing is voided */
static void kt_bad_setup_with_default(struct kunit *test)
{
	struct kt *kt = test->priv;
	struct kt_dev *d = kt_dev_new(test, KT_NOT_PCI, true);

	kt_attach(test, 0, NULL);
	KUNIT_EXPECT_EQ(test, kt_report(d, KT_PASID, 5, true), -EINVAL);
	kt_expect_response(test, IOMMU_PAGE_RESP_INVALID, 5);
	KUNIT_EXPECT_EQ(test, kt->slot[0].calls, 1);
	KUNIT_EXPECT_EQ(test, kt_stats(kt).bad_setup, 0);
}

/* No handler: a dropped partial request is answered INVALID all the same */
static void kt_bad_setup_voids_drop(struct kunit *test)
{
	struct kt *kt = test->priv;
	struct kt_dev *d = kt_dev_new(test, KT_NOT_PCI, true);

	kt->slot[0].ret[KT_PARTIAL] = IOPF_ACT_DROP;
	kt_attach(test, 0, NULL);
	KUNIT_EXPECT_EQ(test, kt_report(d, KT_PASID, 5, false), -EINVAL);
	kt_expect_response(test, IOMMU_PAGE_RESP_INVALID, 5);
	KUNIT_EXPECT_EQ(test, kt_stats(kt).bad_setup, 1);
	KUNIT_EXPECT_EQ(test, kt_stats(kt).dropped_partials, 0);
	/* Not the policy's fault: it stays, and its answer counts as obeyed */
	KUNIT_EXPECT_FALSE(test, kt_dead(kt, 0));
	KUNIT_EXPECT_EQ(test, kt_counters(kt, 0).obeyed, 1);
}

/* No handler: an auto-response is void, the request is answered INVALID */
static void kt_bad_setup_voids_respond(struct kunit *test)
{
	struct kt *kt = test->priv;
	struct kt_dev *d = kt_dev_new(test, KT_NOT_PCI, true);

	kt->slot[0].ret[KT_LAST] = IOPF_ACT_ANSWER_SUCCESS;
	kt_attach(test, 0, NULL);
	KUNIT_EXPECT_EQ(test, kt_report(d, KT_PASID, 5, true), -EINVAL);
	kt_expect_response(test, IOMMU_PAGE_RESP_INVALID, 5);
	KUNIT_EXPECT_EQ(test, kt_stats(kt).bad_setup, 1);
	KUNIT_EXPECT_EQ(test, kt_stats(kt).responded[IOMMU_PAGE_RESP_SUCCESS], 0);
	KUNIT_EXPECT_FALSE(test, kt_dead(kt, 0));
	KUNIT_EXPECT_EQ(test, kt->nr_handled, 0);
}

/* A refused route leaves the request without a handler: INVALID */
static void kt_bad_setup_after_refused_route(struct kunit *test)
{
	struct kt *kt = test->priv;
	struct kt_dev *d = kt_dev_new(test, KT_NOT_PCI, true);

	kt->rid.domain = &kt_plain_domain;
	kt->slot[0].ret[KT_PARTIAL] = IOPF_ACT_ROUTE_RID;
	kt->slot[0].ret[KT_LAST] = IOPF_ACT_ROUTE_RID;
	kt_attach(test, 0, NULL);
	KUNIT_EXPECT_EQ(test, kt_report(d, KT_PASID, 5, true), -EINVAL);
	kt_expect_response(test, IOMMU_PAGE_RESP_INVALID, 5);
	kt_expect_ejected(test, 0, IOPF_EXIT_BAD_ROUTE, IOPF_ACT_ROUTE_RID,
			  KT_PASID);
	KUNIT_EXPECT_EQ(test, kt->nr_handled, 0);
}

/* A routed group, partials included, reaches the RID handle's handler */
static void kt_routed_group_reaches_handler(struct kunit *test)
{
	struct kt *kt = test->priv;
	struct kt_dev *d = kt_dev_new(test, KT_NOT_PCI, true);

	kt->rid.domain = &kt_fault_domain;
	kt->slot[0].ret[KT_PARTIAL] = IOPF_ACT_ROUTE_RID;
	kt->slot[0].ret[KT_LAST] = IOPF_ACT_ROUTE_RID;
	kt_attach(test, 0, NULL);
	KUNIT_EXPECT_EQ(test, kt_report(d, KT_PASID, 5, false), 0);
	KUNIT_EXPECT_EQ(test, kt_report(d, KT_PASID, 5, false), 0);
	KUNIT_EXPECT_EQ(test, kt->nr_resp, 0);
	KUNIT_EXPECT_EQ(test, kt_report(d, KT_PASID, 5, true), 0);
	KUNIT_EXPECT_EQ(test, kt->nr_handled, 1);
	KUNIT_EXPECT_EQ(test, kt->handled_faults, 3);
	KUNIT_EXPECT_PTR_EQ(test, kt->handled_via, &kt->rid);
	/* The handler's answer, once */
	kt_expect_response(test, IOMMU_PAGE_RESP_SUCCESS, 5);
	KUNIT_EXPECT_EQ(test, kt_stats(kt).routed, 3);
}

/* A dropped partial request is not parked, not answered, not gathered */
static void kt_dropped_partial_not_parked(struct kunit *test)
{
	struct kt *kt = test->priv;
	struct kt_dev *d = kt_dev_new(test, KT_NOT_PCI, true);
	const struct kt_seen *seen = &kt->slot[0].seen;

	kt->rid.domain = &kt_fault_domain;
	kt->slot[0].ret[KT_PARTIAL] = IOPF_ACT_ROUTE_RID;
	kt->slot[0].ret[KT_LAST] = IOPF_ACT_ROUTE_RID;
	kt_attach(test, 0, NULL);
	/* The group's first request routes it; its second partial is dropped */
	KUNIT_EXPECT_EQ(test, kt_report(d, KT_PASID, 7, false), 0);
	kt->slot[0].ret[KT_PARTIAL] = IOPF_ACT_DROP;
	KUNIT_EXPECT_EQ(test, kt_report(d, KT_PASID, 7, false), 0);
	KUNIT_EXPECT_EQ(test, seen->nr_partial, 1);
	kt->slot[0].ret[KT_PARTIAL] = IOPF_ACT_ROUTE_RID;
	KUNIT_EXPECT_EQ(test, kt_report(d, KT_PASID, 8, false), 0);
	KUNIT_EXPECT_EQ(test, seen->nr_partial, 1);
	KUNIT_EXPECT_EQ(test, seen->nr_partial_group, 0);
	KUNIT_EXPECT_EQ(test, kt->nr_resp, 0);

	KUNIT_EXPECT_EQ(test, kt_report(d, KT_PASID, 7, true), 0);
	KUNIT_EXPECT_EQ(test, seen->nr_partial, 2);
	KUNIT_EXPECT_EQ(test, seen->nr_partial_group, 1);
	/* The parked partial of grpid 7 and the last request, not the dropped one */
	KUNIT_EXPECT_EQ(test, kt->handled_faults, 2);
	kt_expect_response(test, IOMMU_PAGE_RESP_SUCCESS, 7);
	KUNIT_EXPECT_EQ(test, kt_stats(kt).dropped_partials, 1);

	/* Grpid 8's partial is still parked */
	KUNIT_EXPECT_EQ(test, kt_report(d, KT_PASID, 9, false), 0);
	KUNIT_EXPECT_EQ(test, seen->nr_partial, 1);
}

/* respond: the group is answered with the code once, no handler sees it */
static void kt_auto_response(struct kunit *test)
{
	static const struct { int verdict; u32 code; } codes[] = {
		{ IOPF_ACT_ANSWER_INVALID, IOMMU_PAGE_RESP_INVALID },
		{ IOPF_ACT_ANSWER_SUCCESS, IOMMU_PAGE_RESP_SUCCESS },
		{ IOPF_ACT_ANSWER_FAILURE, IOMMU_PAGE_RESP_FAILURE },
	};
	struct kt *kt = test->priv;
	struct kt_dev *d = kt_dev_new(test, KT_PCI_PF, true);
	const struct kt_seen *seen = &kt->slot[0].seen;
	unsigned int i;

	kt->rid.domain = &kt_fault_domain;
	kt->slot[0].ret[KT_PARTIAL] = IOPF_ACT_ROUTE_RID;
	kt->slot[0].ret[KT_LAST] = IOPF_ACT_ROUTE_RID;
	kt_attach(test, 0, NULL);
	for (i = 0; i < ARRAY_SIZE(codes); i++) {
		kt->nr_resp = 0;
		kt->slot[0].ret[KT_LAST] = codes[i].verdict;
		KUNIT_EXPECT_EQ(test, kt_report(d, KT_PASID, 3, false), 0);
		KUNIT_EXPECT_EQ(test, kt_report(d, KT_PASID, 3, true), 0);
		kt_expect_response(test, codes[i].code, 3);
		KUNIT_EXPECT_EQ(test, kt_stats(kt).responded[codes[i].code], 1);
	}
	KUNIT_EXPECT_EQ(test, kt->nr_handled, 0);
	KUNIT_EXPECT_EQ(test, kt_stats(kt).freed_partials, 3);
	/* Its partials went with it */
	kt_report(d, KT_PASID, 4, false);
	KUNIT_EXPECT_EQ(test, seen->nr_partial, 0);
	KUNIT_EXPECT_FALSE(test, kt_dead(kt, 0));
}

/* A VF's refused FAILURE: the next policy's route takes the group */
static void kt_vf_failure_goes_to_handler(struct kunit *test)
{
	struct kt *kt = test->priv;
	struct kt_dev *vf = kt_dev_new(test, KT_PCI_VF, true);

	kt->rid.domain = &kt_fault_domain;
	kt->slot[0].ret[KT_LAST] = IOPF_ACT_ANSWER_FAILURE;
	kt->slot[1].ret[KT_LAST] = IOPF_ACT_ROUTE_RID;
	kt_attach(test, 0, NULL);
	kt_attach(test, 1, NULL);
	KUNIT_EXPECT_EQ(test, kt_report(vf, KT_PASID, 3, true), 0);
	kt_expect_ejected(test, 0, IOPF_EXIT_FORBIDDEN_CODE,
			  IOPF_ACT_ANSWER_FAILURE, KT_PASID);
	KUNIT_EXPECT_EQ(test, kt->nr_handled, 1);
	kt_expect_response(test, IOMMU_PAGE_RESP_SUCCESS, 3);
	KUNIT_EXPECT_EQ(test, kt_stats(kt).responded[IOMMU_PAGE_RESP_FAILURE], 0);
}

/*
 * A group's first request fixes its target: partials routed to the RID,
 * then the policy stops routing; the last request follows its partials.
 */
static void kt_first_request_fixes_route(struct kunit *test)
{
	struct kt *kt = test->priv;
	struct kt_dev *d = kt_dev_new(test, KT_NOT_PCI, true);

	kt->rid.domain = &kt_fault_domain;
	kt->slot[0].ret[KT_PARTIAL] = IOPF_ACT_ROUTE_RID;
	kt->slot[0].ret[KT_LAST] = IOPF_ACT_ROUTE_RID;
	kt_attach(test, 0, NULL);
	KUNIT_EXPECT_EQ(test, kt_report(d, KT_PASID, 5, false), 0);
	kt->slot[0].ret[KT_LAST] = IOPF_ACT_DEFAULT;
	KUNIT_EXPECT_EQ(test, kt_report(d, KT_PASID, 5, true), 0);
	KUNIT_EXPECT_EQ(test, kt->nr_handled, 1);
	KUNIT_EXPECT_EQ(test, kt->handled_faults, 2);
	KUNIT_EXPECT_PTR_EQ(test, kt->handled_via, &kt->rid);
	kt_expect_response(test, IOMMU_PAGE_RESP_SUCCESS, 5);
	/* The group ended: the next one with the index decides afresh */
	kt->nr_resp = 0;
	KUNIT_EXPECT_EQ(test, kt_report(d, KT_PASID, 5, true), -EINVAL);
	kt_expect_response(test, IOMMU_PAGE_RESP_INVALID, 5);
}

/*
 * A first request on the bad-setup path fixes that path for its group: a
 * route of the last request goes against it, is not obeyed (overridden,
 * not ejected), and no handler answers the group a second time.
 */
static void kt_first_request_fixes_bad_setup(struct kunit *test)
{
	struct kt *kt = test->priv;
	struct kt_dev *d = kt_dev_new(test, KT_NOT_PCI, true);

	kt->rid.domain = &kt_fault_domain;
	kt_attach(test, 0, NULL);
	KUNIT_EXPECT_EQ(test, kt_report(d, KT_PASID, 5, false), -EINVAL);
	kt_expect_response(test, IOMMU_PAGE_RESP_INVALID, 5);
	kt->nr_resp = 0;
	kt->slot[0].ret[KT_PARTIAL] = IOPF_ACT_ROUTE_RID;
	kt->slot[0].ret[KT_LAST] = IOPF_ACT_ROUTE_RID;
	KUNIT_EXPECT_EQ(test, kt_report(d, KT_PASID, 5, true), -EINVAL);
	kt_expect_response(test, IOMMU_PAGE_RESP_INVALID, 5);
	KUNIT_EXPECT_EQ(test, kt->nr_handled, 0);
	KUNIT_EXPECT_FALSE(test, kt_dead(kt, 0));
	KUNIT_EXPECT_EQ(test, kt_counters(kt, 0).overridden, 1);
	KUNIT_EXPECT_EQ(test, kt_counters(kt, 0).obeyed, 0);
}

/*
 * Nothing is counted while no policy is attached; the first policy to
 * attach sees the parked requests counted from the parked list.
 */
static void kt_counts_rebuilt_at_attach(struct kunit *test)
{
	struct kt *kt = test->priv;
	struct kt_dev *d = kt_dev_new(test, KT_NOT_PCI, true);
	const struct kt_seen *seen = &kt->slot[1].seen;

	kt->rid.domain = &kt_fault_domain;
	kt->slot[0].ret[KT_PARTIAL] = IOPF_ACT_ROUTE_RID;
	kt->slot[0].ret[KT_LAST] = IOPF_ACT_ROUTE_RID;
	kt->slot[1].ret[KT_PARTIAL] = IOPF_ACT_ROUTE_RID;
	kt->slot[1].ret[KT_LAST] = IOPF_ACT_ROUTE_RID;
	kt_attach(test, 0, NULL);
	KUNIT_EXPECT_EQ(test, kt_report(d, KT_PASID, 5, false), 0);
	KUNIT_EXPECT_EQ(test, kt_report(d, KT_PASID, 5, false), 0);
	KUNIT_EXPECT_EQ(test, kt_report(d, KT_PASID, 6, false), 0);
	kt_detach(&kt->slot[0]);
	/* No other policy of this suite may hold the key up */
	KUNIT_ASSERT_FALSE(test, iopf_bpf_active());
	kt_attach(test, 1, NULL);
	KUNIT_EXPECT_EQ(test, kt_report(d, KT_PASID, 5, true), 0);
	KUNIT_EXPECT_EQ(test, seen->nr_partial, 3);
	KUNIT_EXPECT_EQ(test, seen->nr_partial_group, 2);
	KUNIT_EXPECT_EQ(test, kt->handled_faults, 3);
	KUNIT_EXPECT_EQ(test, kt_report(d, KT_PASID, 6, true), 0);
	KUNIT_EXPECT_EQ(test, seen->nr_partial, 1);
	KUNIT_EXPECT_EQ(test, seen->nr_partial_group, 1);
}

/*
 * A global test policy sees faults of other threads too (a real device's,
 * the mock's): there it answers the default and records nothing.  Checked
 * on the callback itself, called as such a thread would (no current test):
 * a real fault from another thread is not arranged here.
 */
static void kt_other_thread_gets_default(struct kunit *test)
{
	struct kt *kt = test->priv;
	struct kt_dev *d = kt_dev_new(test, KT_NOT_PCI, false);
	struct iommu_fault_page_request req = {
		.flags = IOMMU_FAULT_PAGE_REQUEST_LAST_PAGE,
	};
	struct iopf_decision dn = { .dev = &d->pdev.dev, .req = &req };
	int ret;

	kt->slot[0].ret[KT_LAST] = IOPF_ACT_ANSWER_INVALID;
	kt_attach(test, 0, NULL);
	/* As the fault thread of another device calls it: no current test */
	current->kunit_test = NULL;
	ret = kt_ops[0].decide(&dn, dn.dev, &req);
	current->kunit_test = test;
	KUNIT_EXPECT_EQ(test, ret, IOPF_ACT_DEFAULT);
	KUNIT_EXPECT_EQ(test, kt->slot[0].calls, 0);
	KUNIT_EXPECT_EQ(test, kt_ops[0].decide(&dn, dn.dev, &req),
			IOPF_ACT_ANSWER_INVALID);
}

/*
 * A report that took the fault parameter before its device left the queue
 * decides without it: nothing may be counted in a parameter whose counts
 * the removal freed (the parameter is freed without a look at them, and
 * what was stored would leak: kmemleak saw it under iopf/stress)
 */
static void kt_removed_param_not_counted(struct kunit *test)
{
	struct kt_dev *d = kt_dev_new(test, KT_NOT_PCI, true);
	struct iommu_fault_param *param;

	kt_attach(test, 0, NULL);
	param = iopf_get_dev_fault_param(&d->pdev.dev);
	KUNIT_ASSERT_NOT_NULL(test, param);
	iopf_queue_remove_device(d->queue, &d->pdev.dev);
	iopf_queue_free(d->queue);
	d->queue = NULL;
	KUNIT_EXPECT_NULL(test, iopf_bpf_lock_counted(param));
	KUNIT_EXPECT_TRUE(test, xa_empty(&param->partial_grpids));
	iopf_put_dev_fault_param(param);
}

static struct kunit_case kt_fault_path_cases[] = {
	KUNIT_CASE(kt_bad_setup_without_policy),
	KUNIT_CASE(kt_bad_setup_with_default),
	KUNIT_CASE(kt_bad_setup_voids_drop),
	KUNIT_CASE(kt_bad_setup_voids_respond),
	KUNIT_CASE(kt_bad_setup_after_refused_route),
	KUNIT_CASE(kt_routed_group_reaches_handler),
	KUNIT_CASE(kt_dropped_partial_not_parked),
	KUNIT_CASE(kt_auto_response),
	KUNIT_CASE(kt_vf_failure_goes_to_handler),
	KUNIT_CASE(kt_first_request_fixes_route),
	KUNIT_CASE(kt_first_request_fixes_bad_setup),
	KUNIT_CASE(kt_counts_rebuilt_at_attach),
	KUNIT_CASE(kt_other_thread_gets_default),
	KUNIT_CASE(kt_removed_param_not_counted),
	{}
};

static struct kunit_suite kt_fault_path_suite = {
	.name = "iopf_bpf_fault_path",
	.init = kt_init,
	.suite_init = kt_suite_init,
	.suite_exit = kt_suite_exit,
	.test_cases = kt_fault_path_cases,
};

kunit_test_suites(&kt_verdict_suite, &kt_combine_suite, &kt_fault_path_suite);

#include "io-pgfault-bpf-kunit-tenant.c"
