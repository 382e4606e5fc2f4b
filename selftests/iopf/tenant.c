// SPDX-License-Identifier: GPL-2.0
/*
 * Tenant policies, end to end and unprivileged: a process that runs as
 * uid TENANT_UID in a user namespace of its own (no capability in the
 * initial one), with a BPF token from a bpffs that this test, as a
 * container runtime would, created with delegation for it, owns a mock
 * device through an iommufd and attaches a policy to it.  The runtime side
 * (this test's root process) hands it the token's bpffs and /dev/iommu,
 * checks what the kernel shows, and acts as the host.
 *
 * The tenant runs in a child that serves requests over a socket (struct
 * req): it keeps the iommufd, the device, the policy and its link.
 *
 * A tenant policy's scope is its device (dev_id), one PASID of it (pasid,
 * with dev_id) or its fault queue (fault_id): the fault_queue_* cases give
 * it a second device with a queue of its own, and check per group which
 * one the policy answered; the pasid_* cases give it a PASID-capable
 * device with two PASIDs attached (7.3: 6.12's iommufd and mock attach no
 * PASID, and the kernel refuses the scope there).
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "iopf_mock.h"
#include "iopf_test.h"
#include "tenant_rt.h"
#include "test_policy.skel.h"

#define TENANT_UID	1000
#define LOG_MAX		64
#define RESP_SUCCESS	0
#define RESP_INVALID	1

enum op {
	OP_ATTACH,	/* load test_policy and attach it: req.scope */
	OP_FAULT,	/* one last request, group req.grpid: rep.code */
	OP_DETACH,	/* destroy the link */
	OP_CLOSE,	/* close the iommufd (and the fault fd): unbinds */
	OP_DEV2,	/* a second device, with a fault queue of its own */
	OP_DESTROY_QUEUE, /* detach the device's queue, destroy its HWPT, then it */
	OP_PASID_DEV,	/* a PASID-capable device, PASID and PASID_OTHER attached */
	OP_PASID_DETACH, /* detach req.pasid of that device */
};

enum scope {
	SC_TENANT,	/* its device, by iommufd and dev_id */
	SC_GLOBAL,	/* all devices: host only */
	SC_DEV_NAME,	/* by name: host only */
	SC_FOREIGN_ID,	/* req.dev_id, not bound in its iommufd */
	SC_NOT_IOMMUFD,	/* its device's dev_id with an fd that is no iommufd (its socket) */
	SC_FAULT,	/* its device's fault queue, by iommufd and fault_id */
	SC_FOREIGN_FAULT, /* req.dev_id as a fault_id */
	SC_FAULT_AND_DEV, /* its fault queue and its device at once */
	SC_PASID,	/* req.pasid of device req.dev_id, by iommufd */
	SC_PASID_NO_DEV, /* req.pasid, by iommufd, without a device */
	SC_PASID_AND_FAULT, /* req.pasid with its fault queue */
	SC_PASID_BY_NAME, /* req.pasid of its device by name */
	SC_BAD_FD,	/* its device's dev_id with an fd number not open */
	SC_FAULT_BAD_FD, /* its fault queue's fault_id with an fd not open */
	SC_FAULT_NOT_IOMMUFD, /* its fault queue's fault_id with its socket */
};

/* Which of its devices a fault goes to */
enum which {
	DEV,		/* its first device */
	DEV2,		/* the second, after OP_DEV2 */
	PDEV,		/* the PASID-capable one, after OP_PASID_DEV */
};

#define PASID		0x42	/* attached, and scoped */
#define PASID_OTHER	0x43	/* attached, not scoped */
#define PASID_NONE	0x44	/* never attached */
#define NO_PASID	0	/* IOMMU_NO_PASID (kernel-only): the RID */
#define FD_NOT_OPEN	999	/* no fd of the tenant's */

struct req {
	int op;
	int scope;
	int action;	/* last_action */
	__u32 dev_id;
	__u32 grpid;
	int dev2;	/* OP_FAULT: on which device (enum which) */
	__u32 pasid;	/* OP_FAULT, OP_PASID_DETACH, SC_PASID* */
	char name[32];
};

struct rep {
	int ret;	/* 0 or -errno */
	int code;	/* OP_FAULT: the code the device got, or -1 */
	int handled;	/* OP_FAULT: the group reached the fault fd */
	__u32 mock_id, idev_id, ioas_id, fault_id;
	char dev_name[32];
};

/* The tenant's side: what it holds */
struct tenant {
	int sock;
	int bpffs;		/* the delegated bpffs' root, for the token */
	int iommufd;
	__u32 ioas_id;
	struct mock_dev dev;
	struct mock_dev dev2;	/* after OP_DEV2 */
	struct mock_dev pdev;	/* after OP_PASID_DEV */
	__u32 pasid_hwpt_id;	/* its PASIDs' HWPT, on pdev's fault queue */
	struct test_policy *skel;
	struct bpf_link *link;
	struct iommu_test_iopf_response log[LOG_MAX];
};

static int tenant_attach(struct tenant *t, const struct req *r)
{
	char token_path[64];
	LIBBPF_OPTS(bpf_object_open_opts, opts, .bpf_token_path = token_path);
	struct bpf_object *obj;
	int err;

	snprintf(token_path, sizeof(token_path), "/proc/self/fd/%d", t->bpffs);
	/* One policy at a time: a refusal that let one through leaves none */
	bpf_link__destroy(t->link);
	t->link = NULL;
	test_policy__destroy(t->skel);
	t->skel = test_policy__open_opts(&opts);
	if (!t->skel)
		return -errno;
	obj = t->skel->obj;
	t->skel->rodata->last_action = r->action;
	err = iopf_ops_set_str(obj, "name", r->name);
	switch (r->scope) {
	case SC_TENANT:
		err = err ?: iopf_ops_set_u32(obj, "iommufd", t->iommufd);
		err = err ?: iopf_ops_set_u32(obj, "dev_id", t->dev.idev_id);
		break;
	case SC_DEV_NAME:
		err = err ?: iopf_ops_set_str(obj, "dev_name", t->dev.name);
		break;
	case SC_FOREIGN_ID:
		err = err ?: iopf_ops_set_u32(obj, "iommufd", t->iommufd);
		err = err ?: iopf_ops_set_u32(obj, "dev_id", r->dev_id);
		break;
	case SC_NOT_IOMMUFD:
		err = err ?: iopf_ops_set_u32(obj, "iommufd", t->sock);
		err = err ?: iopf_ops_set_u32(obj, "dev_id", t->dev.idev_id);
		break;
	case SC_FAULT_AND_DEV:
		err = err ?: iopf_ops_set_u32(obj, "dev_id", t->dev.idev_id);
		/* fall through */
	case SC_FAULT:
		err = err ?: iopf_ops_set_u32(obj, "iommufd", t->iommufd);
		err = err ?: iopf_ops_set_u32(obj, "fault_id", t->dev.fault_id);
		break;
	case SC_FOREIGN_FAULT:
		err = err ?: iopf_ops_set_u32(obj, "iommufd", t->iommufd);
		err = err ?: iopf_ops_set_u32(obj, "fault_id", r->dev_id);
		break;
	case SC_PASID:
		err = err ?: iopf_ops_set_u32(obj, "dev_id", r->dev_id);
		/* fall through */
	case SC_PASID_NO_DEV:
		err = err ?: iopf_ops_set_u32(obj, "iommufd", t->iommufd);
		err = err ?: iopf_ops_set_u32(obj, "pasid", r->pasid);
		break;
	case SC_PASID_AND_FAULT:
		err = err ?: iopf_ops_set_u32(obj, "iommufd", t->iommufd);
		err = err ?: iopf_ops_set_u32(obj, "fault_id", t->dev.fault_id);
		err = err ?: iopf_ops_set_u32(obj, "pasid", r->pasid);
		break;
	case SC_PASID_BY_NAME:
		err = err ?: iopf_ops_set_str(obj, "dev_name", t->dev.name);
		err = err ?: iopf_ops_set_u32(obj, "pasid", r->pasid);
		break;
	case SC_BAD_FD:
		err = err ?: iopf_ops_set_u32(obj, "iommufd", FD_NOT_OPEN);
		err = err ?: iopf_ops_set_u32(obj, "dev_id", t->dev.idev_id);
		break;
	case SC_FAULT_BAD_FD:
		err = err ?: iopf_ops_set_u32(obj, "iommufd", FD_NOT_OPEN);
		err = err ?: iopf_ops_set_u32(obj, "fault_id", t->dev.fault_id);
		break;
	case SC_FAULT_NOT_IOMMUFD:
		err = err ?: iopf_ops_set_u32(obj, "iommufd", t->sock);
		err = err ?: iopf_ops_set_u32(obj, "fault_id", t->dev.fault_id);
		break;
	}
	/*
	 * Not the kernel's answer to the scope: a member missing from the
	 * policy's or the kernel's BTF (a stale build) must not pass for a
	 * refusal the test expects
	 */
	if (err || test_policy__load(t->skel))
		return -ELIBBAD;
	t->link = policy_attach(obj);
	return t->link ? 0 : -errno;
}

/*
 * Its device leaves its fault queue, and the queue goes: the HWPT that
 * delivers to it first (iommufd refuses to destroy a queue in use), then
 * the queue's fd and object
 */
static int tenant_destroy_queue(struct tenant *t)
{
	int ret = mock_dev_detach_faults(&t->dev);

	ret = ret ?: mock_destroy_object(t->iommufd, t->dev.iopf_hwpt_id);
	if (ret)
		return ret;
	t->dev.iopf_hwpt_id = 0;
	close(t->dev.fault_fd);
	t->dev.fault_fd = -1;
	ret = mock_destroy_object(t->iommufd, t->dev.fault_id);
	t->dev.fault_id = 0;
	return ret;
}

/* A second device on its own fault queue */
static int tenant_dev2(struct tenant *t, struct rep *p)
{
	int ret = mock_dev_create(t->iommufd, t->ioas_id, &t->dev2);

	ret = ret ?: mock_dev_enable_faults(&t->dev2);
	p->mock_id = t->dev2.mock_id;
	p->idev_id = t->dev2.idev_id;
	p->fault_id = t->dev2.fault_id;
	return ret;
}

#ifdef IOMMU_TEST_PASID_RESERVED
/* A PASID-capable mock device */
static int pasid_dev_create(int iommufd, __u32 ioas_id, struct mock_dev *d)
{
	return mock_dev_create_flags(iommufd, ioas_id, MOCK_FLAGS_DEVICE_PASID,
				     d);
}

static int tenant_pasid_cmd(struct tenant *t, __u32 op, __u32 pasid)
{
	struct iommu_test_cmd cmd = {
		.size = sizeof(cmd),
		.op = op,
		.id = t->pdev.stdev_id,
	};

	if (op == IOMMU_TEST_OP_PASID_DETACH) {
		cmd.pasid_detach.pasid = pasid;
	} else {
		cmd.pasid_attach.pasid = pasid;
		cmd.pasid_attach.pt_id = t->pasid_hwpt_id;
	}
	return ioctl(t->iommufd, IOMMU_TEST_CMD, &cmd) ? -errno : 0;
}

/*
 * A PASID-capable device whose RID and PASIDs deliver to one fault queue:
 * the RID on a PASID-compatible nested HWPT with the queue (iommufd
 * attaches a PASID only while the RID's domain is PASID-compatible), and
 * PASID and PASID_OTHER on another HWPT with the same queue
 */
static int tenant_pasid_dev(struct tenant *t, struct rep *p)
{
	struct mock_dev *d = &t->pdev;
	struct iommu_fault_alloc fa = { .size = sizeof(fa) };
	struct iommu_test_cmd cmd = { .size = sizeof(cmd) };
	int ret;

	ret = pasid_dev_create(t->iommufd, t->ioas_id, d);
	if (ret)
		return ret;
	if (ioctl(t->iommufd, IOMMU_FAULT_QUEUE_ALLOC, &fa))
		return -errno;
	d->fault_id = fa.out_fault_id;
	d->fault_fd = fa.out_fault_fd;
	fcntl(d->fault_fd, F_SETFL, O_NONBLOCK);
	ret = mock_hwpt_alloc(d, t->ioas_id, IOMMU_HWPT_ALLOC_NEST_PARENT, 0,
			      false, &d->parent_hwpt_id);
	ret = ret ?: mock_hwpt_alloc(d, d->parent_hwpt_id,
				     IOMMU_HWPT_FAULT_ID_VALID |
				     IOMMU_HWPT_ALLOC_PASID, d->fault_id, true,
				     &d->iopf_hwpt_id);
	ret = ret ?: mock_hwpt_alloc(d, d->parent_hwpt_id,
				     IOMMU_HWPT_FAULT_ID_VALID |
				     IOMMU_HWPT_ALLOC_PASID, d->fault_id, true,
				     &t->pasid_hwpt_id);
	if (ret)
		return ret;
	cmd.op = IOMMU_TEST_OP_MOCK_DOMAIN_REPLACE;
	cmd.id = d->stdev_id;
	cmd.mock_domain_replace.pt_id = d->iopf_hwpt_id;
	if (ioctl(t->iommufd, IOMMU_TEST_CMD, &cmd))
		return -errno;
	ret = tenant_pasid_cmd(t, IOMMU_TEST_OP_PASID_ATTACH, PASID);
	ret = ret ?: tenant_pasid_cmd(t, IOMMU_TEST_OP_PASID_ATTACH,
				      PASID_OTHER);
	p->idev_id = d->idev_id;
	p->mock_id = d->mock_id;
	snprintf(p->dev_name, sizeof(p->dev_name), "%s", d->name);
	return ret;
}

static int tenant_pasid_detach(struct tenant *t, __u32 pasid)
{
	return tenant_pasid_cmd(t, IOMMU_TEST_OP_PASID_DETACH, pasid);
}
#else
static int pasid_dev_create(int iommufd, __u32 ioas_id, struct mock_dev *d)
{
	return -EOPNOTSUPP;
}

static int tenant_pasid_dev(struct tenant *t, struct rep *p)
{
	return -EOPNOTSUPP;
}

static int tenant_pasid_detach(struct tenant *t, __u32 pasid)
{
	return -EOPNOTSUPP;
}
#endif

static struct mock_dev *tenant_dev(struct tenant *t, int which)
{
	return which == PDEV ? &t->pdev : which == DEV2 ? &t->dev2 : &t->dev;
}

static void tenant_serve(struct tenant *t)
{
	struct req r;
	struct rep p;
	bool handled;

	while (recv(t->sock, &r, sizeof(r), 0) == sizeof(r)) {
		memset(&p, 0, sizeof(p));
		switch (r.op) {
		case OP_ATTACH:
			p.ret = tenant_attach(t, &r);
			break;
		case OP_FAULT:
			handled = false;
			p.code = mock_fault_code_pasid(tenant_dev(t, r.dev2),
						       r.pasid, r.grpid,
						       &handled);
			p.handled = handled;
			break;
		case OP_DETACH:
			p.ret = bpf_link__destroy(t->link);
			t->link = NULL;
			break;
		case OP_CLOSE:
			close(t->dev.fault_fd);
			p.ret = close(t->iommufd) ? -errno : 0;
			break;
		case OP_DEV2:
			p.ret = tenant_dev2(t, &p);
			break;
		case OP_DESTROY_QUEUE:
			p.ret = tenant_destroy_queue(t);
			break;
		case OP_PASID_DEV:
			p.ret = tenant_pasid_dev(t, &p);
			break;
		case OP_PASID_DETACH:
			p.ret = tenant_pasid_detach(t, r.pasid);
			break;
		}
		if (send(t->sock, &p, sizeof(p), 0) != sizeof(p))
			break;
	}
}

/*
 * The tenant child: drop to TENANT_UID for good, then a user namespace
 * of its own in which it is root; the runtime maps it and delegates a
 * bpffs to it.  Exits 0 when the runtime closes the socket.
 */
static void tenant_main(int sock)
{
	struct tenant t = { .sock = sock };
	struct rep p = { 0 };

	t.bpffs = rt_tenant_enter(sock, TENANT_UID);
	t.iommufd = t.bpffs < 0 ? -1 : rt_recv_fd(sock);
	if (t.iommufd < 0)
		_exit(10);

	/* Its own device, on its own iommufd */
	struct iommu_ioas_alloc ioas = { .size = sizeof(ioas) };

	if (ioctl(t.iommufd, IOMMU_IOAS_ALLOC, &ioas))
		p.ret = -errno;
	t.ioas_id = ioas.out_ioas_id;
	p.ret = p.ret ?: mock_dev_create(t.iommufd, t.ioas_id, &t.dev);
	p.ret = p.ret ?: mock_dev_enable_faults(&t.dev);
	p.ret = p.ret ?: mock_responses(t.iommufd, t.log, LOG_MAX, NULL) < 0;
	p.mock_id = t.dev.mock_id;
	p.ioas_id = t.ioas_id;
	p.idev_id = t.dev.idev_id;
	p.fault_id = t.dev.fault_id;
	snprintf(p.dev_name, sizeof(p.dev_name), "%s", t.dev.name);
	if (send(sock, &p, sizeof(p), 0) != sizeof(p))
		_exit(16);
	tenant_serve(&t);
	/* Its PASIDs detached before its iommufd goes, as a VMM would */
	if (t.pdev.stdev_id) {
		tenant_pasid_detach(&t, PASID);
		tenant_pasid_detach(&t, PASID_OTHER);
	}
	bpf_link__destroy(t.link);
	test_policy__destroy(t.skel);
	_exit(0);
}

FIXTURE(tenant) {
	pid_t pid;
	int sock;
	struct rep dev;		/* the tenant's device */
};

/* One request to the tenant; its reply */
static struct rep ask(FIXTURE_DATA(tenant) *self, struct req r)
{
	struct rep p = { .ret = -EPIPE, .code = -1 };

	if (send(self->sock, &r, sizeof(r), 0) == sizeof(r))
		recv(self->sock, &p, sizeof(p), 0);
	return p;
}

static struct rep attach_as(FIXTURE_DATA(tenant) *self, const char *name,
			    int scope, int action)
{
	struct req r = { .op = OP_ATTACH, .scope = scope, .action = action };

	snprintf(r.name, sizeof(r.name), "%s", name);
	return ask(self, r);
}

static int fault(FIXTURE_DATA(tenant) *self, __u32 grpid)
{
	return ask(self, (struct req){ .op = OP_FAULT, .grpid = grpid }).code;
}

/* Group @grpid of its device (or its second one): the code, and the path */
static int fault_on(FIXTURE_DATA(tenant) *self, bool dev2, __u32 grpid,
		    int *handled)
{
	struct rep p = ask(self, (struct req){ .op = OP_FAULT, .grpid = grpid,
					      .dev2 = dev2 ? DEV2 : DEV });

	*handled = p.handled;
	return p.code;
}

/* Group @grpid of its PASID-capable device, with @pasid (NO_PASID: none) */
static int fault_pasid(FIXTURE_DATA(tenant) *self, __u32 pasid, __u32 grpid,
		       int *handled)
{
	struct rep p = ask(self, (struct req){ .op = OP_FAULT, .grpid = grpid,
					      .dev2 = PDEV, .pasid = pasid });

	*handled = p.handled;
	return p.code;
}

/* Attach @name to @pasid of device @dev_id (an ID in the tenant's iommufd) */
static struct rep attach_pasid(FIXTURE_DATA(tenant) *self, const char *name,
			       __u32 dev_id, __u32 pasid, int action)
{
	struct req r = { .op = OP_ATTACH, .scope = SC_PASID, .action = action,
			 .dev_id = dev_id, .pasid = pasid };

	snprintf(r.name, sizeof(r.name), "%s", name);
	return ask(self, r);
}

/* A policy attribute in sysfs, or "" */
static const char *policy_attr(const char *name, const char *attr)
{
	static char buf[64];
	char path[256];
	int fd, n;

	buf[0] = '\0';
	snprintf(path, sizeof(path), "%s/policies/%s/%s", iopf_kernel_dir(),
		 name, attr);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return buf;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[n > 0 ? n - 1 : 0] = '\0';	/* without its newline */
	return buf;
}

/* Policies attached now, or -errno */
static int nr_policies(void)
{
	struct iopf_policy_info info[IOPF_MAX_POLICIES];

	return iopf_kernel_policies(info, IOPF_MAX_POLICIES);
}

FIXTURE_SETUP(tenant)
{
	int sv[2], iommufd;

	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv));
	self->pid = fork();
	ASSERT_LE(0, self->pid);
	if (!self->pid) {
		close(sv[0]);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		tenant_main(sv[1]);
	}
	close(sv[1]);
	self->sock = sv[0];

	/* As a runtime: its mapping, its bpffs, the device node */
	ASSERT_EQ(0, rt_runtime_serve(self->sock, self->pid, TENANT_UID));
	iommufd = open("/dev/iommu", O_RDWR);
	ASSERT_LE(0, iommufd);
	ASSERT_EQ(0, rt_send_fd(self->sock, iommufd));
	close(iommufd);
	ASSERT_EQ(sizeof(self->dev), recv(self->sock, &self->dev,
					  sizeof(self->dev), 0));
	ASSERT_EQ(0, self->dev.ret);
}

FIXTURE_TEARDOWN(tenant)
{
	int status;

	close(self->sock);
	waitpid(self->pid, &status, 0);
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/* It attaches to its own device, as its own uid, and decides its faults */
TEST_F(tenant, attach_own_device)
{
	struct rep p = attach_as(self, "tenant_own", SC_TENANT,
				 IOPF_ACT_ANSWER_INVALID);
	char uid[16];

	ASSERT_EQ(0, p.ret);
	EXPECT_STREQ("1", policy_attr("tenant_own", "tenant"));
	snprintf(uid, sizeof(uid), "%d", TENANT_UID);
	EXPECT_STREQ(uid, policy_attr("tenant_own", "uid"));
	EXPECT_STREQ(self->dev.dev_name, policy_attr("tenant_own", "scope"));
	EXPECT_EQ(RESP_INVALID, fault(self, 1));
	EXPECT_EQ(0, ask(self, (struct req){ .op = OP_DETACH }).ret);
	EXPECT_TRUE(policy_wait_gone("tenant_own", 1000));
	/* Detached: the fault goes to its handler again */
	EXPECT_EQ(RESP_SUCCESS, fault(self, 2));
}

/* A global policy and a scope by name stay the host's */
TEST_F(tenant, host_scopes_refused)
{
	EXPECT_EQ(-EPERM, attach_as(self, "tenant_global", SC_GLOBAL,
				    IOPF_ACT_ANSWER_INVALID).ret);
	EXPECT_EQ(-EPERM, attach_as(self, "tenant_by_name", SC_DEV_NAME,
				    IOPF_ACT_ANSWER_INVALID).ret);
	EXPECT_EQ(0, nr_policies());
	EXPECT_EQ(RESP_SUCCESS, fault(self, 1));
}

/*
 * Another owner's device, an object that is no device, an fd that is no
 * iommufd: refused, nothing attached
 */
TEST_F(tenant, foreign_device_refused)
{
	uint32_t ioas;
	struct mock_dev host_dev;
	int fd = mock_open(&ioas);
	struct req r = { .op = OP_ATTACH, .scope = SC_FOREIGN_ID,
			 .action = IOPF_ACT_ANSWER_INVALID };

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, mock_dev_create(fd, ioas, &host_dev));
	snprintf(r.name, sizeof(r.name), "tenant_foreign");
	/* The host's ID names nothing, or another object, in its iommufd */
	r.dev_id = host_dev.idev_id;
	if (r.dev_id == self->dev.idev_id)
		r.dev_id += 100;
	EXPECT_EQ(-ENOENT, ask(self, r).ret);
	r.dev_id = self->dev.ioas_id;
	EXPECT_EQ(-ENOENT, ask(self, r).ret);
	r.scope = SC_NOT_IOMMUFD;
	EXPECT_EQ(-EBADFD, ask(self, r).ret);
	EXPECT_EQ(0, nr_policies());
	EXPECT_EQ(RESP_SUCCESS, fault(self, 1));
	mock_dev_destroy(&host_dev);
	close(fd);
}

/* FAILURE is refused: the policy is ejected, the group answered once */
TEST_F(tenant, failure_refused)
{
	struct iopf_ejection_info ej;

	ASSERT_EQ(0, attach_as(self, "tenant_failure", SC_TENANT,
			       IOPF_ACT_ANSWER_FAILURE).ret);
	/* Not obeyed: the group reaches the tenant's handler, SUCCESS */
	EXPECT_EQ(RESP_SUCCESS, fault(self, 1));
	/* The ejection shows in sysfs before the policy is seen gone */
	ASSERT_TRUE(policy_wait_gone("tenant_failure", 5000));
	ASSERT_TRUE(policy_ejection("tenant_failure", &ej));
	EXPECT_STREQ("forbidden-code", ej.reason);
	EXPECT_STREQ("answer_failure", ej.action);
}

/* A host policy decides first; the tenant's answer is overridden */
TEST_F(tenant, host_decides_first)
{
	struct test_policy *host = test_policy__open();
	struct bpf_link *link = NULL;
	struct iopf_policy_info info;

	ASSERT_NE(NULL, host);
	ASSERT_EQ(0, attach_as(self, "tenant_success", SC_TENANT,
			       IOPF_ACT_ANSWER_SUCCESS).ret);
	ASSERT_EQ(0, policy_name(host->obj, "host_invalid", NULL));
	host->rodata->last_action = IOPF_ACT_ANSWER_INVALID;
	ASSERT_EQ(0, test_policy__load(host));
	link = policy_attach(host->obj);
	ASSERT_NE(NULL, link);
	EXPECT_EQ(RESP_INVALID, fault(self, 1));
	ASSERT_EQ(0, iopf_kernel_policy("tenant_success", &info));
	EXPECT_EQ(1, info.overridden);
	EXPECT_EQ(0, info.obeyed);
	bpf_link__destroy(link);
	test_policy__destroy(host);
	EXPECT_EQ(RESP_SUCCESS, fault(self, 2));
}

/* Closing its iommufd unbinds the device: the policy goes with it */
TEST_F(tenant, close_iommufd_ejects)
{
	struct iopf_ejection_info ej;

	ASSERT_EQ(0, attach_as(self, "tenant_closes", SC_TENANT,
			       IOPF_ACT_ANSWER_INVALID).ret);
	EXPECT_EQ(0, ask(self, (struct req){ .op = OP_CLOSE }).ret);
	/* The ejection shows in sysfs before the policy is seen gone */
	ASSERT_TRUE(policy_wait_gone("tenant_closes", 5000));
	ASSERT_TRUE(policy_ejection("tenant_closes", &ej));
	EXPECT_STREQ("owner-released", ej.reason);
	EXPECT_STREQ(self->dev.dev_name, ej.device);
}

/*
 * Scoped to its fault queue: the policy answers the groups that go to that
 * queue, and the other device's queue gets its own; each group is answered
 * once, by the policy or through the fault fd
 */
TEST_F(tenant, fault_queue_decides)
{
	struct rep dev2 = ask(self, (struct req){ .op = OP_DEV2 });
	char scope[32];
	int handled;

	ASSERT_EQ(0, dev2.ret);
	ASSERT_NE(self->dev.fault_id, dev2.fault_id);
	ASSERT_EQ(0, attach_as(self, "tenant_queue", SC_FAULT,
			       IOPF_ACT_ANSWER_INVALID).ret);
	EXPECT_STREQ("1", policy_attr("tenant_queue", "tenant"));
	snprintf(scope, sizeof(scope), "fault:%u", self->dev.fault_id);
	EXPECT_STREQ(scope, policy_attr("tenant_queue", "scope"));

	/* Its queue's group: the policy's answer, never at the fault fd */
	EXPECT_EQ(RESP_INVALID, fault_on(self, false, 1, &handled));
	EXPECT_FALSE(handled);
	/* The other queue's: its handler's, through the fault fd */
	EXPECT_EQ(RESP_SUCCESS, fault_on(self, true, 2, &handled));
	EXPECT_TRUE(handled);
	EXPECT_EQ(RESP_INVALID, fault_on(self, false, 3, &handled));
	EXPECT_FALSE(handled);

	EXPECT_EQ(0, ask(self, (struct req){ .op = OP_DETACH }).ret);
	EXPECT_TRUE(policy_wait_gone("tenant_queue", 1000));
	EXPECT_EQ(RESP_SUCCESS, fault_on(self, false, 4, &handled));
	EXPECT_TRUE(handled);
}

/*
 * Another owner's queue ID, an object that is no queue, a queue and a
 * device at once: refused, nothing attached
 */
TEST_F(tenant, fault_queue_refused)
{
	struct req r = { .op = OP_ATTACH, .scope = SC_FOREIGN_FAULT,
			 .action = IOPF_ACT_ANSWER_INVALID };
	struct mock_dev host_dev;
	uint32_t ioas;
	int fd = mock_open(&ioas);

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, mock_dev_create(fd, ioas, &host_dev));
	ASSERT_EQ(0, mock_dev_enable_faults(&host_dev));
	snprintf(r.name, sizeof(r.name), "tenant_foreign_queue");
	/* The host's queue ID names nothing, or another object, in its iommufd */
	r.dev_id = host_dev.fault_id;
	if (r.dev_id == self->dev.fault_id)
		r.dev_id += 100;
	EXPECT_EQ(-ENOENT, ask(self, r).ret);
	r.dev_id = self->dev.idev_id;
	EXPECT_EQ(-ENOENT, ask(self, r).ret);
	EXPECT_EQ(-EINVAL, attach_as(self, "tenant_queue_dev", SC_FAULT_AND_DEV,
				     IOPF_ACT_ANSWER_INVALID).ret);
	EXPECT_EQ(0, nr_policies());
	EXPECT_EQ(RESP_SUCCESS, fault(self, 1));
	mock_dev_destroy(&host_dev);
	close(fd);
}

/* FAILURE is refused for a queue's policy as for a device's */
TEST_F(tenant, fault_queue_failure_refused)
{
	struct iopf_ejection_info ej;
	int handled;

	ASSERT_EQ(0, attach_as(self, "tenant_queue_failure", SC_FAULT,
			       IOPF_ACT_ANSWER_FAILURE).ret);
	/* Not obeyed: the group reaches the fault fd, answered SUCCESS once */
	EXPECT_EQ(RESP_SUCCESS, fault_on(self, false, 1, &handled));
	EXPECT_TRUE(handled);
	/* The ejection shows in sysfs before the policy is seen gone */
	ASSERT_TRUE(policy_wait_gone("tenant_queue_failure", 5000));
	ASSERT_TRUE(policy_ejection("tenant_queue_failure", &ej));
	EXPECT_STREQ("forbidden-code", ej.reason);
	EXPECT_STREQ("answer_failure", ej.action);
}

/* Its queue destroyed (after the HWPT that used it): the policy goes */
TEST_F(tenant, fault_queue_destroy_ejects)
{
	struct iopf_ejection_info ej;

	ASSERT_EQ(0, attach_as(self, "tenant_queue_goes", SC_FAULT,
			       IOPF_ACT_ANSWER_INVALID).ret);
	EXPECT_EQ(RESP_INVALID, fault(self, 1));
	EXPECT_EQ(0, ask(self, (struct req){ .op = OP_DESTROY_QUEUE }).ret);
	/* The ejection shows in sysfs before the policy is seen gone */
	ASSERT_TRUE(policy_wait_gone("tenant_queue_goes", 5000));
	ASSERT_TRUE(policy_ejection("tenant_queue_goes", &ej));
	EXPECT_STREQ("owner-released", ej.reason);
	EXPECT_EQ(0, nr_policies());
}

/* An fd number that is not open, or that is no iommufd: either scope */
TEST_F(tenant, bad_fd_refused)
{
	EXPECT_EQ(-EBADF, attach_as(self, "tenant_bad_fd", SC_BAD_FD,
				    IOPF_ACT_ANSWER_INVALID).ret);
	EXPECT_EQ(-EBADF, attach_as(self, "tenant_queue_bad_fd",
				    SC_FAULT_BAD_FD,
				    IOPF_ACT_ANSWER_INVALID).ret);
	EXPECT_EQ(-EBADFD, attach_as(self, "tenant_queue_not_iommufd",
				     SC_FAULT_NOT_IOMMUFD,
				     IOPF_ACT_ANSWER_INVALID).ret);
	EXPECT_EQ(0, nr_policies());
	EXPECT_EQ(RESP_SUCCESS, fault(self, 1));
}

/*
 * A PASID narrows a device scope and no other: without a device, with a
 * fault queue, with a device by name; refused before any PASID is looked
 * at, on both kernels
 */
TEST_F(tenant, pasid_bad_scope)
{
	struct req r = { .op = OP_ATTACH, .action = IOPF_ACT_ANSWER_INVALID,
			 .pasid = PASID };

	snprintf(r.name, sizeof(r.name), "tenant_pasid_bad");
	r.scope = SC_PASID_NO_DEV;
	EXPECT_EQ(-EINVAL, ask(self, r).ret);
	r.scope = SC_PASID_AND_FAULT;
	EXPECT_EQ(-EINVAL, ask(self, r).ret);
	r.scope = SC_PASID_BY_NAME;
	EXPECT_EQ(-EINVAL, ask(self, r).ret);
	EXPECT_EQ(0, nr_policies());
}

/* 6.12's iommufd attaches no PASID: the scope is refused as unsupported */
TEST_F(tenant, pasid_unsupported)
{
#ifdef IOMMU_TEST_PASID_RESERVED
	SKIP(return, "7.3's iommufd attaches PASIDs (the pasid_* cases)");
#endif
	EXPECT_EQ(-EOPNOTSUPP, attach_pasid(self, "tenant_pasid_6_12",
					    self->dev.idev_id, PASID,
					    IOPF_ACT_ANSWER_INVALID).ret);
	EXPECT_EQ(0, nr_policies());
}

#ifdef IOMMU_TEST_PASID_RESERVED
#define SKIP_NO_PASID_ATTACH()	do { } while (0)
#else
#define SKIP_NO_PASID_ATTACH()						\
	SKIP(return, "6.12's iommufd and mock attach no PASID")
#endif

/*
 * Scoped to an attached PASID of its device: the policy answers that
 * PASID's groups, never the other PASID's nor the RID's
 */
TEST_F(tenant, pasid_decides)
{
	struct rep pdev;
	char scope[32];
	int handled;

	SKIP_NO_PASID_ATTACH();
	pdev = ask(self, (struct req){ .op = OP_PASID_DEV });
	ASSERT_EQ(0, pdev.ret);
	ASSERT_EQ(0, attach_pasid(self, "tenant_pasid", pdev.idev_id, PASID,
				  IOPF_ACT_ANSWER_INVALID).ret);
	EXPECT_STREQ("1", policy_attr("tenant_pasid", "tenant"));
	snprintf(scope, sizeof(scope), "pasid:%u:%u", pdev.idev_id, PASID);
	EXPECT_STREQ(scope, policy_attr("tenant_pasid", "scope"));

	/* Its PASID's group: the policy's answer, never at the fault fd */
	EXPECT_EQ(RESP_INVALID, fault_pasid(self, PASID, 1, &handled));
	EXPECT_FALSE(handled);
	/* The other PASID's, the RID's: the handler's, through the fault fd */
	EXPECT_EQ(RESP_SUCCESS, fault_pasid(self, PASID_OTHER, 2, &handled));
	EXPECT_TRUE(handled);
	EXPECT_EQ(RESP_SUCCESS, fault_pasid(self, NO_PASID, 3, &handled));
	EXPECT_TRUE(handled);
	EXPECT_EQ(RESP_INVALID, fault_pasid(self, PASID, 4, &handled));
	EXPECT_FALSE(handled);

	EXPECT_EQ(0, ask(self, (struct req){ .op = OP_DETACH }).ret);
	EXPECT_TRUE(policy_wait_gone("tenant_pasid", 1000));
	EXPECT_EQ(RESP_SUCCESS, fault_pasid(self, PASID, 5, &handled));
	EXPECT_TRUE(handled);
}

/*
 * A PASID that is not attached (of its PASID-capable device, or of its
 * first device, which has none), a PASID of another owner's device:
 * refused, nothing attached
 */
TEST_F(tenant, pasid_refused)
{
	struct mock_dev host_dev;
	struct rep pdev;
	uint32_t ioas;
	__u32 id;
	int fd;

	SKIP_NO_PASID_ATTACH();
	pdev = ask(self, (struct req){ .op = OP_PASID_DEV });
	ASSERT_EQ(0, pdev.ret);
	EXPECT_EQ(-ENOENT, attach_pasid(self, "tenant_pasid_none",
					pdev.idev_id, PASID_NONE,
					IOPF_ACT_ANSWER_INVALID).ret);
	EXPECT_EQ(-ENOENT, attach_pasid(self, "tenant_pasid_dev",
					self->dev.idev_id, PASID,
					IOPF_ACT_ANSWER_INVALID).ret);

	/* The host's device, its PASID attached in the host's iommufd */
	fd = mock_open(&ioas);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, pasid_dev_create(fd, ioas, &host_dev));
	id = host_dev.idev_id;
	if (id == pdev.idev_id || id == self->dev.idev_id)
		id += 100;	/* names nothing in the tenant's iommufd */
	EXPECT_EQ(-ENOENT, attach_pasid(self, "tenant_pasid_foreign", id,
					PASID, IOPF_ACT_ANSWER_INVALID).ret);
	EXPECT_EQ(0, nr_policies());
	EXPECT_EQ(RESP_SUCCESS, fault(self, 1));
	mock_dev_destroy(&host_dev);
	close(fd);
}

/* Its PASID detached: the policy goes, owner-released */
TEST_F(tenant, pasid_detach_ejects)
{
	struct iopf_ejection_info ej;
	struct rep pdev;
	int handled;

	SKIP_NO_PASID_ATTACH();
	pdev = ask(self, (struct req){ .op = OP_PASID_DEV });
	ASSERT_EQ(0, pdev.ret);
	ASSERT_EQ(0, attach_pasid(self, "tenant_pasid_goes", pdev.idev_id,
				  PASID, IOPF_ACT_ANSWER_INVALID).ret);
	EXPECT_EQ(RESP_INVALID, fault_pasid(self, PASID, 1, &handled));
	/* Another PASID's detach is not its own */
	EXPECT_EQ(0, ask(self, (struct req){ .op = OP_PASID_DETACH,
					     .pasid = PASID_OTHER }).ret);
	EXPECT_STREQ("live", policy_attr("tenant_pasid_goes", "state"));
	EXPECT_EQ(0, ask(self, (struct req){ .op = OP_PASID_DETACH,
					     .pasid = PASID }).ret);
	/* The ejection shows in sysfs before the policy is seen gone */
	ASSERT_TRUE(policy_wait_gone("tenant_pasid_goes", 5000));
	ASSERT_TRUE(policy_ejection("tenant_pasid_goes", &ej));
	EXPECT_STREQ("owner-released", ej.reason);
	EXPECT_STREQ(pdev.dev_name, ej.device);
	EXPECT_EQ(0, nr_policies());
}

TEST_HARNESS_MAIN
