// SPDX-License-Identifier: GPL-2.0
/*
 * Stress: page requests (partial and last, with and without PASID) fired
 * at several mock devices from several processes at once, while
 *  - a fuzz policy answers at random, is ejected and attached again;
 *  - legal policies (global, scoped to a device, tenant policies scoped to
 *    a device's iommufd binding or to a fault queue, scoped to a device
 *    that is then destroyed, to a fault queue that is then destroyed) are
 *    attached and detached;
 *  - devices are destroyed and created with groups pending at the handler,
 *    fault queues replaced, detached, attached again, their fds closed with
 *    groups read and unanswered;
 *  - allocations fail by injection (fail-nth) in the trigger ioctl and in
 *    policy attach;
 *  - the mock's user_pasid_table is turned off and on (PASID requests with
 *    and without a default handle);
 *  - half the requests are reported as real drivers report them
 *    (MOCK_IOPF_RACE): not serialized against attach, replace and detach,
 *    which drain only their own PASID's requests, as VT-d does.
 * Then every group must have been answered exactly once in the mock's
 * response log, with a legal code, and nothing else answered.
 *
 *   IOPF_STRESS_REQUESTS  page requests fired by the firing processes
 *                         (default 50000, the size make check runs)
 *   IOPF_STRESS_FIRERS    firing processes (default 4)
 *   IOPF_STRESS_SEED      random seed (default: the time; printed)
 *
 * Bookkeeping.  Every group gets a grpid unique over the whole run:
 * (process index + 1) << 24 | group index.  So a response names its group
 * even after its device is gone and its mock_id reused by another process.
 * Each process records what it fired in its own slots of a table shared
 * with the parent (MAP_SHARED, set up before fork): the device and PASID,
 * what the kernel returned for the last request and for each partial, and
 * whether its handler thread read the group from the fault fd and which
 * code it wrote.  One collector process is the only one that drains the
 * global response log: it checks that the sequence numbers have no gap
 * (nothing lost, nobody else draining) and counts each response into a
 * second table, by grpid.  After everything stopped, the parent matches
 * the two, group by group.
 *
 * What a group is owed: one response if its last request was reported,
 * plus one INVALID for each partial request the kernel answered on the
 * bad-setup path (trigger result -EINVAL: no fault handler; stock answers
 * every page request there).  Any other partial request is owed nothing.
 * A group read from the fault fd is answered with the code written, or
 * INVALID by iommufd (written never, or the queue went away first).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <bpf/bpf.h>

#include "kselftest.h"
#include "iopf_mock.h"
#include "iopf_test.h"
#include "fuzz_policy.skel.h"
#include "test_policy.skel.h"

#define CI_REQUESTS	50000
#define MAX_FIRERS	16
#define NDEV		3		/* devices per firing process */
#define NOPEN		4		/* groups open at once per device */
#define MAX_PARTS	3		/* partial requests per group, at most */
#define KEPT_MAX	32		/* groups read and left unanswered, per device */
#define GOOD_GROUPS	(1u << 18)	/* slots of the legal-policy process */
#define LOG_MAX		IOMMU_TEST_IOPF_LOG_SIZE
#define DETACH_LIMIT_NS	2000000000ull

#define RESP_SUCCESS	0
#define RESP_INVALID	1
#define RESP_FAILURE	2

/* What a process fired for one group (written only by that process) */
struct slot {
	uint32_t mock_id;
	uint32_t pasid;
	uint8_t last;		/* LAST_* */
	uint8_t bad_partials;	/* partials answered on the bad-setup path */
	uint8_t parked;		/* partials accepted (parked or dropped) */
	uint8_t injected;	/* an injected failure hit its last request */
	uint8_t read;		/* times read from the fault fd (handler thread) */
	uint8_t answered;	/* code written to the fault fd + 1, or 0 */
	uint8_t opened;		/* mock_id and pasid are set */
	uint8_t pad;
};

enum { LAST_NONE, LAST_REPORTED, LAST_BAD_SETUP };

/* What the log said about one group (written only by the collector) */
struct seen {
	uint32_t mock_id;
	uint32_t pasid;
	uint8_t n;
	uint8_t codes[3];
	uint8_t bad_code;
	uint8_t mismatch;	/* another device or PASID than the first */
	uint8_t pad[2];
};

/* Counters of one process; atomics, since a firer has two threads */
struct pstat {
	unsigned long long requests, partial, last, pasid, groups;
	unsigned long long bad_setup, partial_nomem;
	unsigned long long inj_armed, inj_hit, inj_before_report, inj_partial, inj_last;
	unsigned long long dev_created, dev_destroyed, destroyed_pending;
	unsigned long long enabled, replaced, replaced_pending, detached, detached_pending;
	unsigned long long fd_closed, closed_unanswered;
	unsigned long long read_groups, answered, bad_code_refused;
	unsigned long long attach, attach_inj_armed, attach_inj_hit, attach_inj_failed;
	unsigned long long detach, ejected, ejected_kind[16], self_detached;
	unsigned long long ran_after_detach, exit_mismatch;
	/* fault-queue policies: calls while attached, queues destroyed under one */
	unsigned long long queue_decided, queue_destroyed;
	unsigned long long detach_ns_max, detach_ns_sum, detach_pending_ns_max, pending_at_detach;
	unsigned long long loads, load_ns_sum, load_ns_max;
	/* Time spent, for tuning: trigger ioctls, fault-domain ops, device create/destroy */
	unsigned long long ns_trigger, n_trigger, ns_domain, n_domain, ns_dev, n_dev;
	unsigned long long drains, drained, log_highwater, log_lost, seq_gaps, foreign, preexisting;
};

#define NERRMSG 16
struct shared {
	volatile int stop_policies, stop_collector, collector_ready, policies_ready;
	int nproc, nfirers;
	uint32_t cap[MAX_FIRERS + 2];
	struct pstat st[MAX_FIRERS + 3];
	int nerr;
	char err[NERRMSG][200];
};

static struct shared *sh;
static struct slot *slots;	/* sh->nproc rows of sh->cap[p] */
static struct seen *seen;
static uint64_t row[MAX_FIRERS + 3];	/* first slot of each process */

#define ADD(st, f, n) __atomic_fetch_add(&(st)->f, (n), __ATOMIC_RELAXED)
#define INC(st, f) ADD(st, f, 1)

static void stat_max(unsigned long long *v, unsigned long long n)
{
	unsigned long long old = __atomic_load_n(v, __ATOMIC_RELAXED);

	while (n > old && !__atomic_compare_exchange_n(v, &old, n, false,
						       __ATOMIC_RELAXED,
						       __ATOMIC_RELAXED))
		;
}

/* A failure inside a worker: counted, and the first few kept for the report */
static void __attribute__((format(printf, 1, 2))) fail(const char *fmt, ...)
{
	int i = __atomic_fetch_add(&sh->nerr, 1, __ATOMIC_RELAXED);
	va_list ap;

	if (i >= NERRMSG)
		return;
	va_start(ap, fmt);
	vsnprintf(sh->err[i], sizeof(sh->err[i]), fmt, ap);
	va_end(ap);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/* xorshift64*, one state per thread */
static __thread uint64_t rng;

static uint32_t rnd(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return (rng * 2685821657736338717ull) >> 32;
}

static void seed_rng(uint64_t seed, int who)
{
	rng = seed * 0x9e3779b97f4a7c15ull + who * 0xbf58476d1ce4e5b9ull + 1;
	rnd();
}

static uint32_t grpid_of(int proc, uint32_t idx)
{
	return (uint32_t)(proc + 1) << 24 | idx;
}

/* The slot a logged or delivered grpid names, or NULL */
static struct slot *slot_of(uint32_t grpid, int *proc, uint32_t *idx)
{
	int p = (grpid >> 24) - 1;
	uint32_t i = grpid & 0xffffff;

	if (p < 0 || p >= sh->nproc || i >= sh->cap[p])
		return NULL;
	*proc = p;
	*idx = i;
	return &slots[row[p] + i];
}

/*
 * Fault injection (fail-nth) in this thread.  The fd stays open: reading
 * and writing it allocate nothing, so they neither trip an armed
 * injection nor are tripped by it.
 */
static __thread int failfd = -1;

static void inject_arm(int nth)
{
	char b[16];
	int n = snprintf(b, sizeof(b), "%d", nth);

	if (failfd < 0)
		failfd = open("/proc/thread-self/fail-nth", O_RDWR | O_CLOEXEC);
	if (failfd < 0 || pwrite(failfd, b, n, 0) != n)
		fail("fail-nth: %s (needs CONFIG_FAULT_INJECTION_DEBUG_FS)", strerror(errno));
}

/* Disarm; true if the armed failure was injected since inject_arm() */
static bool inject_hit(void)
{
	char b[16] = "";
	bool hit = pread(failfd, b, sizeof(b) - 1, 0) > 0 && atoi(b) == 0;

	if (pwrite(failfd, "0", 1, 0) != 1)
		fail("fail-nth: cannot disarm: %s", strerror(errno));
	return hit;
}

static void write_file(const char *path, const char *v)
{
	int fd = open(path, O_WRONLY);

	if (fd >= 0) {
		if (write(fd, v, strlen(v)) < 0)
			fprintf(stderr, "%s: %s\n", path, strerror(errno));
		close(fd);
	}
}

static void read_file(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY);
	ssize_t n = fd >= 0 ? read(fd, buf, size - 1) : -1;

	buf[n > 0 ? n : 0] = 0;
	if (fd >= 0)
		close(fd);
}

/* One mock device of a process, and what its threads know about it */
enum { Q_NONE, Q_OPEN, Q_CLOSED };	/* no fault queue, fd open, fd closed */

struct group {
	uint32_t idx;
	int parts;
};

struct fdev {
	pthread_mutex_t lock;	/* creation/destruction vs. the handler thread */
	struct mock_dev m;
	bool alive;
	int queue;		/* Q_* */
	int closed_unanswered;
	struct { uint32_t cookie, idx; } kept[KEPT_MAX];
	int nkept;
	struct group open[NOPEN];	/* firing thread only */
	int nopen;
};

struct proc {
	int idx;
	int iommufd;
	uint32_t ioas;
	struct pstat *st;
	struct slot *slots;
	uint32_t cap, next;
	struct fdev dev[NDEV];
	int ndev;
	volatile int done;
	uint64_t seed;
};

/* Groups pending at the handler: read and unanswered, or not read yet */
static bool has_pending(struct fdev *d)
{
	struct pollfd pfd = { .fd = d->m.fault_fd, .events = POLLIN };

	if (d->nkept || (d->queue == Q_CLOSED && d->closed_unanswered))
		return true;
	return d->queue == Q_OPEN && poll(&pfd, 1, 0) == 1;
}

static void queue_gone(struct fdev *d)
{
	d->nkept = 0;
	d->closed_unanswered = 0;
}

static int dev_create(struct proc *p, struct fdev *d, bool faults)
{
	int ret;

	uint64_t t = now_ns();

	pthread_mutex_lock(&d->lock);
	ret = mock_dev_create(p->iommufd, p->ioas, &d->m);
	if (ret) {
		fail("proc %d: mock_dev_create: %s", p->idx, strerror(-ret));
		goto out;
	}
	d->alive = true;
	d->queue = Q_NONE;
	d->nopen = 0;
	queue_gone(d);
	INC(p->st, dev_created);
	if (faults) {
		ret = mock_dev_enable_faults(&d->m);
		if (ret) {
			fail("proc %d: enable faults on %s: %s", p->idx, d->m.name, strerror(-ret));
			mock_dev_free_faults(&d->m);
		} else {
			d->queue = Q_OPEN;
			INC(p->st, enabled);
		}
	}
out:
	pthread_mutex_unlock(&d->lock);
	ADD(p->st, ns_dev, now_ns() - t);
	return ret;
}

static void dev_destroy(struct proc *p, struct fdev *d)
{
	uint64_t t = now_ns();
	int ret;

	pthread_mutex_lock(&d->lock);
	if (has_pending(d))
		INC(p->st, destroyed_pending);
	/* iommufd answers the groups still at the handler, INVALID */
	ret = mock_dev_destroy(&d->m);
	if (ret)
		fail("proc %d: destroy %s: %s", p->idx, d->m.name, strerror(-ret));
	d->alive = false;
	d->queue = Q_NONE;
	d->nopen = 0;
	queue_gone(d);
	INC(p->st, dev_destroyed);
	pthread_mutex_unlock(&d->lock);
	ADD(p->st, ns_dev, now_ns() - t);
	INC(p->st, n_dev);
}

/* Answer one group read from @d's fault fd; records the code */
static void answer(struct proc *p, struct fdev *d, uint32_t cookie,
		   uint32_t idx, uint32_t code)
{
	int ret = mock_respond(&d->m, cookie, code);

	if (ret) {
		fail("proc %d: answer group %#x on %s: %s", p->idx,
		     grpid_of(p->idx, idx), d->m.name, strerror(-ret));
		return;
	}
	p->slots[idx].answered = code + 1;
	INC(p->st, answered);
}

/*
 * Read what is at @d's handler; check each group (one run of records with
 * one cookie, the last one LAST) and answer it now, keep it unanswered for
 * later, or (@keep_all) keep every one.  Caller holds d->lock.
 */
static void service(struct proc *p, struct fdev *d, bool keep_all, bool answer_all)
{
	struct iommu_hwpt_pgfault rec[64];
	int n, i, j, k, rounds = 0;

	while (d->queue == Q_OPEN && rounds++ < 8 &&
	       (n = mock_read_faults(&d->m, rec, 64)) != 0) {
		if (n < 0) {
			fail("proc %d: read %s: %s", p->idx, d->m.name, strerror(-n));
			return;
		}
		for (i = 0; i < n; i = j) {
			struct iommu_hwpt_pgfault *last;
			struct slot *s;
			uint32_t idx;
			int proc;

			for (j = i; j < n && rec[j].cookie == rec[i].cookie; j++)
				;
			last = &rec[j - 1];
			s = slot_of(last->grpid, &proc, &idx);
			if (!s || proc != p->idx || idx >= p->next) {
				fail("proc %d: %s delivered a group nobody fired: grpid %#x",
				     p->idx, d->m.name, last->grpid);
				continue;
			}
			for (k = i; k < j; k++)
				if (rec[k].grpid != last->grpid || rec[k].pasid != last->pasid ||
				    rec[k].dev_id != d->m.idev_id ||
				    !(rec[k].flags & IOMMU_PGFAULT_FLAGS_LAST_PAGE) != (k < j - 1))
					fail("proc %d: group %#x delivered mixed with another: record grpid %#x pasid %#x flags %#x",
					     p->idx, last->grpid, rec[k].grpid, rec[k].pasid, rec[k].flags);
			if (last->pasid != s->pasid || d->m.mock_id != s->mock_id)
				fail("proc %d: group %#x delivered with pasid %#x on %s, fired with pasid %#x on mock %u",
				     p->idx, last->grpid, last->pasid, d->m.name, s->pasid, s->mock_id);
			if (j - i - 1 > s->parked)
				fail("proc %d: group %#x delivered with %d partials, %d accepted",
				     p->idx, last->grpid, j - i - 1, s->parked);
			if (s->read++)
				fail("proc %d: group %#x delivered twice", p->idx, last->grpid);
			INC(p->st, read_groups);

			if (keep_all || (!answer_all && rnd() % 4 == 0 && d->nkept < KEPT_MAX)) {
				if (d->nkept < KEPT_MAX) {
					d->kept[d->nkept].cookie = last->cookie;
					d->kept[d->nkept++].idx = idx;
				}
				continue;
			}
			/* iommufd takes SUCCESS and INVALID only: try the others */
			if (rnd() % 32 == 0) {
				uint32_t bad = rnd() % 2 ? RESP_FAILURE : 7 + rnd() % 100;

				if (mock_respond(&d->m, last->cookie, bad) == -EINVAL) {
					INC(p->st, bad_code_refused);
				} else {
					fail("proc %d: iommufd took code %u for group %#x",
					     p->idx, bad, last->grpid);
					s->answered = bad + 1;
					continue;
				}
			}
			answer(p, d, last->cookie, idx, rnd() % 2 ? RESP_SUCCESS : RESP_INVALID);
		}
	}
	/* Some groups kept earlier are answered now, late */
	if (d->queue == Q_OPEN && !keep_all && (answer_all || rnd() % 2)) {
		for (i = 0; i < d->nkept; i++)
			answer(p, d, d->kept[i].cookie, d->kept[i].idx,
			       rnd() % 2 ? RESP_SUCCESS : RESP_INVALID);
		d->nkept = 0;
	}
}

/* Handler thread of a firing process: the fault fds and fault domains */
static void *handler_thread(void *arg)
{
	struct proc *p = arg;
	uint64_t t;
	int ret;

	seed_rng(p->seed, 1000 + p->idx);
	while (!p->done) {
		struct fdev *d = &p->dev[rnd() % p->ndev];
		uint32_t r = rnd() % 100;
		bool pending;

		pthread_mutex_lock(&d->lock);
		if (!d->alive)
			goto next;
		pending = has_pending(d);
		t = now_ns();
		if (d->queue == Q_OPEN && r < 85) {
			service(p, d, false, false);
			goto next;
		} else if (d->queue != Q_NONE && r < 93) {
			/* A new queue: iommufd answers the old one's groups */
			ret = mock_dev_replace_faults(&d->m);
			if (ret) {
				fail("proc %d: replace fault queue of %s: %s", p->idx,
				     d->m.name, strerror(-ret));
				goto next;
			}
			INC(p->st, replaced);
			if (pending)
				INC(p->st, replaced_pending);
			d->queue = Q_OPEN;
			queue_gone(d);
		} else if (d->queue != Q_NONE && r < 97) {
			ret = mock_dev_detach_faults(&d->m);
			if (ret) {
				fail("proc %d: detach faults of %s: %s", p->idx,
				     d->m.name, strerror(-ret));
				goto next;
			}
			mock_dev_free_faults(&d->m);
			INC(p->st, detached);
			if (pending)
				INC(p->st, detached_pending);
			d->queue = Q_NONE;
			queue_gone(d);
		} else if (d->queue == Q_OPEN) {
			/* Read some groups, answer none, close the fd */
			service(p, d, true, false);
			d->closed_unanswered = d->nkept;
			ADD(p->st, closed_unanswered, d->nkept);
			d->nkept = 0;
			close(d->m.fault_fd);
			d->m.fault_fd = -1;
			d->queue = Q_CLOSED;
			INC(p->st, fd_closed);
		} else if (d->queue == Q_NONE && r < 70) {
			ret = mock_dev_enable_faults(&d->m);
			if (ret) {
				fail("proc %d: enable faults on %s: %s", p->idx,
				     d->m.name, strerror(-ret));
				mock_dev_free_faults(&d->m);
				goto next;
			}
			INC(p->st, enabled);
			d->queue = Q_OPEN;
		} else {
			goto next;
		}
		ADD(p->st, ns_domain, now_ns() - t);
		INC(p->st, n_domain);
next:
		pthread_mutex_unlock(&d->lock);
		usleep(2000 + rnd() % 6000);
	}
	return NULL;
}

/*
 * Fire one request of group @g at @d; @inject arms a failure for its n-th
 * fault-injection point.  Returns false if the request was not reported.
 */
static bool fire(struct proc *p, struct fdev *d, struct group *g, bool partial,
		 int inject)
{
	struct slot *s = &p->slots[g->idx];
	struct mock_fault f = {
		.pasid = s->pasid,
		.grpid = grpid_of(p->idx, g->idx),
		.perm = IOMMU_PGFAULT_PERM_READ,
		.addr = 0x100000 + ((uint64_t)(g->idx & 0xfff) << 16) + (g->parts << 12),
		.partial = partial,
		.race = rnd() & 1,
	};
	bool hit = false;
	int ret, result = 0;
	uint64_t t;

	if (inject) {
		INC(p->st, inj_armed);
		inject_arm(inject);
	}
	t = now_ns();
	ret = mock_fault(&d->m, &f, &result);
	ADD(p->st, ns_trigger, now_ns() - t);
	INC(p->st, n_trigger);
	if (inject && (hit = inject_hit()))
		INC(p->st, inj_hit);
	if (ret) {
		/* iommufd's own injection point comes before the report */
		if (hit)
			INC(p->st, inj_before_report);
		else
			fail("proc %d: trigger on %s: %s", p->idx, d->m.name, strerror(-ret));
		return false;
	}
	INC(p->st, requests);
	if (s->pasid)
		INC(p->st, pasid);
	if (partial) {
		INC(p->st, partial);
		if (result == -EINVAL) {
			s->bad_partials++;
			INC(p->st, bad_setup);
		} else if (result == 0) {
			s->parked++;
		} else if (result == -ENOMEM && hit) {
			INC(p->st, partial_nomem);	/* not parked, owed nothing */
		} else {
			fail("proc %d: partial %#x on %s: result %d", p->idx, f.grpid,
			     d->m.name, result);
		}
		if (hit)
			INC(p->st, inj_partial);
		g->parts++;
		return true;
	}
	INC(p->st, last);
	if (result == -EINVAL) {
		s->last = LAST_BAD_SETUP;
		INC(p->st, bad_setup);
	} else {
		s->last = LAST_REPORTED;
		if (result)
			fail("proc %d: last %#x on %s: result %d", p->idx, f.grpid,
			     d->m.name, result);
	}
	if (hit) {
		s->injected = 1;
		INC(p->st, inj_last);
	}
	return true;
}

/* A new group on @d: its slot gets the device and PASID before any request */
static struct group *group_open(struct proc *p, struct fdev *d, int pasid_pct)
{
	struct group *g;
	struct slot *s;

	if (p->next >= p->cap || d->nopen == NOPEN)
		return NULL;
	g = &d->open[d->nopen++];
	g->idx = p->next++;
	g->parts = 0;
	s = &p->slots[g->idx];
	s->mock_id = d->m.mock_id;
	s->pasid = (int)(rnd() % 100) < pasid_pct ? 1 + rnd() % 0xffff : 0;
	s->opened = 1;
	INC(p->st, groups);
	return g;
}

/*
 * One step of a device's traffic: open a group, or add a partial request to
 * an open one, or end one with its last request.  Groups interleave.
 */
static void traffic_step(struct proc *p, struct fdev *d, int inject_per_1k)
{
	struct group *g;
	int inject = 0, k;
	bool last;

	if (!d->nopen || (d->nopen < NOPEN && rnd() % 3 == 0)) {
		if (!group_open(p, d, 50))
			return;
	}
	k = rnd() % d->nopen;
	g = &d->open[k];
	last = g->parts >= MAX_PARTS || rnd() % 100 < 55;
	if ((int)(rnd() % 1000) < inject_per_1k)
		inject = 1 + rnd() % 4;
	fire(p, d, g, !last, inject);
	if (last)
		d->open[k] = d->open[--d->nopen];
}

static int proc_open(struct proc *p, int idx)
{
	p->idx = idx;
	p->st = &sh->st[idx];
	p->cap = sh->cap[idx];
	p->slots = &slots[row[idx]];
	p->iommufd = mock_open(&p->ioas);
	if (p->iommufd < 0) {
		fail("proc %d: /dev/iommu: %s", idx, strerror(-p->iommufd));
		return -1;
	}
	return 0;
}

/* A firing process: its own iommufd and devices, a firing and a handler thread */
static void firer(int idx, uint64_t seed, uint64_t budget)
{
	struct proc p = { .seed = seed, .ndev = NDEV };
	pthread_t t;
	int i;

	if (proc_open(&p, idx))
		_exit(1);
	seed_rng(seed, idx);
	for (i = 0; i < p.ndev; i++) {
		pthread_mutex_init(&p.dev[i].lock, NULL);
		dev_create(&p, &p.dev[i], true);
	}
	pthread_create(&t, NULL, handler_thread, &p);
	while (__atomic_load_n(&p.st->requests, __ATOMIC_RELAXED) < budget &&
	       p.next < p.cap && sh->nerr < 100) {
		struct fdev *d = &p.dev[rnd() % p.ndev];

		if (!d->alive) {
			dev_create(&p, d, rnd() % 5 != 0);
			continue;
		}
		/* Destroyed with whatever is pending; the name comes back */
		if (rnd() % 1000 == 0) {
			dev_destroy(&p, d);
			continue;
		}
		traffic_step(&p, d, 16);
	}
	p.done = 1;
	pthread_join(t, NULL);
	/* Half the devices leave answered, half with their groups pending */
	for (i = 0; i < p.ndev; i++) {
		if (!p.dev[i].alive)
			continue;
		if (i % 2)
			service(&p, &p.dev[i], false, true);
		dev_destroy(&p, &p.dev[i]);
	}
	close(p.iommufd);
	_exit(0);
}

/* Policies: raw link fds, so that the attach syscall alone gets the injection */
struct pol {
	const char *what;
	struct bpf_map *map;
	int attached;		/* successful attaches */
};

/*
 * Attach @pl's map (already attached once through libbpf, so its value is
 * in the kernel); with @inject, an allocation in the attach fails.
 * Returns the link fd, or -errno.
 */
static int pol_attach(struct proc *p, struct pol *pl, bool inject)
{
	int fd, err;

	if (inject) {
		INC(p->st, attach_inj_armed);
		inject_arm(1 + rnd() % 6);	/* a link create has only a few */
	}
	fd = bpf_link_create(bpf_map__fd(pl->map), 0, BPF_STRUCT_OPS, NULL);
	err = fd < 0 ? -errno : 0;
	if (inject && inject_hit()) {
		INC(p->st, attach_inj_hit);
		if (fd < 0) {
			INC(p->st, attach_inj_failed);
			/* Refused cleanly: now without injection */
			fd = bpf_link_create(bpf_map__fd(pl->map), 0, BPF_STRUCT_OPS, NULL);
			err = fd < 0 ? -errno : 0;
		}
	}
	if (fd < 0) {
		fail("proc %d: attach %s: %s", p->idx, pl->what, strerror(-err));
		return err;
	}
	pl->attached++;
	INC(p->st, attach);
	return fd;
}

/* Detach and time it; @pending: groups wait at an unread fault queue */
static void pol_detach(struct proc *p, int fd, bool pending)
{
	uint64_t t = now_ns();

	/* Half through BPF_LINK_DETACH, half by the last close */
	if (rnd() % 2 && bpf_link_detach(fd))
		fail("proc %d: BPF_LINK_DETACH: %s", p->idx, strerror(errno));
	close(fd);
	t = now_ns() - t;
	INC(p->st, detach);
	ADD(p->st, detach_ns_sum, t);
	stat_max(&p->st->detach_ns_max, t);
	if (pending) {
		INC(p->st, pending_at_detach);
		stat_max(&p->st->detach_pending_ns_max, t);
	}
}

static bool link_hup(int fd, int ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	return poll(&pfd, 1, ms) == 1 && (pfd.revents & POLLHUP);
}

/* A loaded object's map attached and detached once through libbpf */
static int pol_first(struct proc *p, struct pol *pl, struct bpf_object *obj)
{
	struct bpf_link *l;

	pl->map = iopf_ops_map(obj);
	l = pl->map ? bpf_map__attach_struct_ops(pl->map) : NULL;
	if (!l) {
		fail("proc %d: first attach of %s: %s", p->idx, pl->what, strerror(errno));
		return -1;
	}
	pl->attached++;
	INC(p->st, attach);
	bpf_link__destroy(l);
	INC(p->st, detach);
	return 0;
}

static uint64_t test_calls(struct test_policy *t)
{
	return t->bss->calls_decide;
}

static uint64_t fuzz_calls(struct fuzz_policy *f)
{
	return f->bss->calls_decide;
}

/* Fire @n groups at @d (no injection), nothing read */
static void burst(struct proc *p, struct fdev *d, int n)
{
	uint64_t groups = p->st->groups + n;

	while (p->st->groups < groups && p->next < p->cap)
		traffic_step(p, d, 0);
}

static void load_timed(struct proc *p, uint64_t t)
{
	t = now_ns() - t;
	INC(p->st, loads);
	ADD(p->st, load_ns_sum, t);
	stat_max(&p->st->load_ns_max, t);
}

/* A skeleton's __load(), timed: the verifier is slow under KASAN and TCG */
#define TIMED_LOAD(p, fn, skel) ({			\
	uint64_t _t = now_ns();				\
	int _err = fn(skel);				\
							\
	load_timed(p, _t);				\
	_err;						\
})

/*
 * Policies scoped to the victim device, one per name the victim had: the
 * mock hands out the lowest free id, so names come back, and a map's scope
 * is fixed once attached.
 */
#define XPOOL 64
#define XPOOL_LOADS 3		/* loads are slow: names come back anyway */

struct xpol {
	struct test_policy *t;
	struct pol pl;
	bool first_done;
};

/*
 * Slot @id of @pool: loaded already, or opened now unless @id is past the
 * pool or *@loaded reached @max (then NULL); the caller names, scopes and
 * loads a new one with xpol_load()
 */
static struct xpol *xpol_slot(struct xpol *pool, unsigned int id, int *loaded, int max,
			      bool *fresh)
{
	struct xpol *x;

	*fresh = false;
	if (id >= XPOOL)
		return NULL;
	x = &pool[id];
	if (x->t)
		return x;
	if (*loaded == max)
		return NULL;
	(*loaded)++;
	x->t = test_policy__open();
	*fresh = true;
	return x;
}

/* Load @x's policy, set up by the caller (@setup_ok) as @what; else drop it */
static struct xpol *xpol_load(struct proc *p, struct xpol *x, bool setup_ok,
			      const char *name, const char *what)
{
	if (!x->t || !setup_ok) {
		fail("proc %d: open %s (%s)", p->idx, name, what);
		goto err;
	}
	if (TIMED_LOAD(p, test_policy__load, x->t)) {
		fail("proc %d: load %s", p->idx, name);
		goto err;
	}
	x->pl.what = what;
	x->pl.map = iopf_ops_map(x->t->obj);
	return x;
err:
	test_policy__destroy(x->t);
	x->t = NULL;
	return NULL;
}

static struct xpol *xpol_get(struct proc *p, struct xpol *pool, const struct mock_dev *m)
{
	static int loaded;
	struct xpol *x;
	char name[32];
	bool fresh;

	x = xpol_slot(pool, m->mock_id, &loaded, XPOOL_LOADS, &fresh);
	if (!fresh)
		return x;
	snprintf(name, sizeof(name), "stress_x%u", m->mock_id);
	if (x->t)
		/* Legal: caps partials at one per group, leaves responses to the handler */
		x->t->rodata->drop_cap = 1;
	return xpol_load(p, x, x->t && !policy_name(x->t->obj, name, m->name), name,
			 "victim's scoped policy");
}

/*
 * Attach @x, a policy for @v: the first time through libbpf, which writes
 * the map's value (the link in *@l), later by pol_attach().  The link's
 * fd, or -1 (the failure said)
 */
static int xpol_attach(struct proc *p, struct xpol *x, struct bpf_link **l,
		       const struct fdev *v)
{
	if (x->first_done)
		return pol_attach(p, &x->pl, rnd() % 4 == 0);
	*l = bpf_map__attach_struct_ops(x->pl.map);
	if (!*l) {
		fail("proc %d: attach %s of %s: %s", p->idx, x->pl.what, v->m.name,
		     strerror(errno));
		return -1;
	}
	x->first_done = true;
	x->pl.attached++;
	INC(p->st, attach);
	return bpf_link__fd(*l);
}

/* @x's link @fd must hang up within 5 s, its policy ejected with @kind */
static void expect_ejected(struct proc *p, struct xpol *x, int fd, uint32_t kind,
			   const char *scope)
{
	if (!link_hup(fd, 5000)) {
		fail("proc %d: %s, scoped to %s, not ejected", p->idx, x->pl.what, scope);
		return;
	}
	INC(p->st, ejected);
	INC(p->st, ejected_kind[x->t->data->exit_kind & 15]);
	if (x->t->data->exit_kind != kind)
		fail("proc %d: %s stopped, reason %u", p->idx, x->pl.what,
		     x->t->data->exit_kind);
}

/*
 * A policy scoped to the victim device, then the victim destroyed with
 * groups pending at its handler: the kernel must eject the policy
 * (device-removed), and it must not run again; a new victim follows,
 * likely under the same name.
 */
static void victim_cycle(struct proc *p, struct xpol *pool, struct fdev *v)
{
	struct xpol *x = xpol_get(p, pool, &v->m);
	struct bpf_link *l = NULL;
	uint64_t calls;
	int fd = -1;

	if (!x) {
		/* No policy for this name: recycle the device alone */
		burst(p, v, 2);
		dev_destroy(p, v);
		dev_create(p, v, true);
		return;
	}
	fd = xpol_attach(p, x, &l, v);
	if (fd < 0)
		return;
	burst(p, v, 2 + rnd() % 4);
	pthread_mutex_lock(&v->lock);
	service(p, v, rnd() % 2, false);	/* some read, left unanswered */
	pthread_mutex_unlock(&v->lock);
	dev_destroy(p, v);
	expect_ejected(p, x, fd, IOPF_EXIT_DEV_REMOVED, "a destroyed device");
	calls = test_calls(x->t);
	if (l)
		bpf_link__destroy(l);
	else
		close(fd);
	INC(p->st, detach);
	dev_create(p, v, true);
	burst(p, v, 2);
	if (test_calls(x->t) != calls) {
		INC(p->st, ran_after_detach);
		fail("proc %d: a policy ran after its device was removed", p->idx);
	}
}

/*
 * Tenant policies scoped to the victim's fault queue, one per queue ID it
 * had: iommufd hands out the lowest free ID, so IDs come back, and a map's
 * scope is fixed once its value is written.
 */
#define QPOOL_LOADS 2

static struct xpol *qpol_get(struct proc *p, struct xpol *pool, const struct mock_dev *m)
{
	static int loaded;
	struct xpol *x;
	char name[32];
	bool fresh;

	x = xpol_slot(pool, m->fault_id, &loaded, QPOOL_LOADS, &fresh);
	if (!fresh)
		return x;
	snprintf(name, sizeof(name), "stress_q%u_%d", m->fault_id, getpid());
	if (x->t) {
		/* Legal for a tenant: drops partials past one, answers INVALID */
		x->t->rodata->drop_cap = 1;
		x->t->rodata->last_action = IOPF_ACT_ANSWER_INVALID;
	}
	return xpol_load(p, x, x->t && !policy_name(x->t->obj, name, NULL) &&
			 !iopf_ops_set_u32(x->t->obj, "iommufd", p->iommufd) &&
			 !iopf_ops_set_u32(x->t->obj, "fault_id", m->fault_id),
			 name, "victim queue's policy");
}

/*
 * Destroy @v's fault queue as a tenant does: off the device (iommufd
 * answers its pending groups INVALID), its HWPTs, its fd, then the queue
 * object, which ejects the policies scoped to it.  Caller holds v->lock.
 */
static int queue_destroy(struct proc *p, struct fdev *v)
{
	int ret = mock_dev_detach_faults(&v->m);

	ret = ret ?: mock_destroy_object(v->m.iommufd, v->m.iopf_hwpt_id);
	if (ret)
		return ret;
	v->m.iopf_hwpt_id = 0;
	close(v->m.fault_fd);
	v->m.fault_fd = -1;
	ret = mock_destroy_object(v->m.iommufd, v->m.fault_id);
	if (ret)
		return ret;
	v->m.fault_id = 0;
	mock_dev_free_faults(&v->m);	/* the parent HWPT */
	v->queue = Q_NONE;
	queue_gone(v);
	INC(p->st, queue_destroyed);
	return 0;
}

/*
 * A tenant policy scoped to the victim's fault queue, then the queue
 * destroyed with groups pending at it: the kernel must eject the policy
 * (owner-released), and it must not run again, also once the victim has
 * a new queue, likely with the same ID.
 */
static void queue_cycle(struct proc *p, struct xpol *pool, struct fdev *v)
{
	struct xpol *x = v->queue == Q_OPEN ? qpol_get(p, pool, &v->m) : NULL;
	struct bpf_link *l = NULL;
	uint64_t calls;
	int fd = -1, ret;

	if (!x)
		return;
	fd = xpol_attach(p, x, &l, v);
	if (fd < 0)
		return;
	calls = test_calls(x->t);
	burst(p, v, 2 + rnd() % 4);	/* answered INVALID by the queue's policy */
	if (test_calls(x->t) != calls)
		INC(p->st, queue_decided);
	pthread_mutex_lock(&v->lock);
	service(p, v, rnd() % 2, false);	/* some read, left unanswered */
	ret = queue_destroy(p, v);
	pthread_mutex_unlock(&v->lock);
	if (ret) {
		fail("proc %d: destroy the fault queue of %s: %s", p->idx, v->m.name,
		     strerror(-ret));
	} else {
		expect_ejected(p, x, fd, IOPF_EXIT_OWNER_RELEASED, "a destroyed fault queue");
	}
	calls = test_calls(x->t);
	/* A new queue for the victim, then its groups: not the old policy's */
	pthread_mutex_lock(&v->lock);
	ret = mock_dev_enable_faults(&v->m);
	if (ret) {
		fail("proc %d: enable faults on %s: %s", p->idx, v->m.name, strerror(-ret));
		mock_dev_free_faults(&v->m);
	} else {
		v->queue = Q_OPEN;
		INC(p->st, enabled);
	}
	pthread_mutex_unlock(&v->lock);
	burst(p, v, 2);
	if (test_calls(x->t) != calls) {
		INC(p->st, ran_after_detach);
		fail("proc %d: a fault-queue policy ran after its queue was destroyed", p->idx);
	}
	if (l)
		bpf_link__destroy(l);
	else
		close(fd);
	INC(p->st, detach);
}

/*
 * Legal policies in a loop: one global (drops partials past 2 per group,
 * routes PASID requests without a handle), one scoped to this process's
 * own device (answers SUCCESS), a tenant policy of the same device, by its
 * iommufd binding (answers INVALID, asked after both host policies), a
 * tenant policy of that device's fault queue (answers SUCCESS, asked
 * after the device's: it decides the groups fired while it is attached
 * alone beside the global one), one scoped to a victim device that is
 * destroyed under it, and one scoped to the victim's fault queue, which
 * is destroyed under it.  Each detach is timed with groups pending at the
 * own device's unread queue, and afterwards the policies must not run.
 */
static void good(int idx, uint64_t seed)
{
	struct proc p = { .seed = seed, .ndev = 2 };
	struct test_policy *g = test_policy__open(), *s = test_policy__open();
	struct test_policy *tn = test_policy__open(), *tq = test_policy__open();
	struct pol pg = { .what = "global test policy" }, ps = { .what = "scoped test policy" };
	struct pol pt = { .what = "tenant test policy" }, pq = { .what = "fault-queue test policy" };
	static struct xpol pool[XPOOL], qpool[XPOOL];
	struct fdev *d = &p.dev[0], *v = &p.dev[1];
	char name[32];
	int i, cycle = 0;

	if (proc_open(&p, idx))
		_exit(1);
	seed_rng(seed, idx);
	for (i = 0; i < p.ndev; i++) {
		pthread_mutex_init(&p.dev[i].lock, NULL);
		if (dev_create(&p, &p.dev[i], true))
			_exit(1);
	}
	if (!g || !s || !tn || !tq)
		_exit(1);
	snprintf(name, sizeof(name), "stress_good_g%d", getpid());
	policy_name(g->obj, name, NULL);
	g->rodata->drop_cap = 2;
	g->rodata->route_action = IOPF_ACT_ROUTE_RID;
	g->rodata->route_if_no_handle = true;
	g->rodata->route_ask_kfunc = true;
	snprintf(name, sizeof(name), "stress_good_s%d", getpid());
	policy_name(s->obj, name, d->m.name);
	s->rodata->last_action = IOPF_ACT_ANSWER_SUCCESS;
	snprintf(name, sizeof(name), "stress_good_t%d", getpid());
	if (policy_name(tn->obj, name, NULL) ||
	    iopf_ops_set_u32(tn->obj, "iommufd", p.iommufd) ||
	    iopf_ops_set_u32(tn->obj, "dev_id", d->m.idev_id)) {
		fail("proc %d: tenant scope", idx);
		_exit(1);
	}
	tn->rodata->last_action = IOPF_ACT_ANSWER_INVALID;
	/* The own device's fault queue: the good process never replaces it */
	snprintf(name, sizeof(name), "stress_good_q%d", getpid());
	if (policy_name(tq->obj, name, NULL) ||
	    iopf_ops_set_u32(tq->obj, "iommufd", p.iommufd) ||
	    iopf_ops_set_u32(tq->obj, "fault_id", d->m.fault_id)) {
		fail("proc %d: fault-queue scope", idx);
		_exit(1);
	}
	tq->rodata->last_action = IOPF_ACT_ANSWER_SUCCESS;
	if (TIMED_LOAD(&p, test_policy__load, g) || TIMED_LOAD(&p, test_policy__load, s) ||
	    TIMED_LOAD(&p, test_policy__load, tn) || TIMED_LOAD(&p, test_policy__load, tq) ||
	    !xpol_get(&p, pool, &v->m)) {
		fail("proc %d: load test policies", idx);
		_exit(1);
	}
	if (pol_first(&p, &pg, g->obj) || pol_first(&p, &ps, s->obj) ||
	    pol_first(&p, &pt, tn->obj) || pol_first(&p, &pq, tq->obj))
		_exit(1);
	__atomic_fetch_add(&sh->policies_ready, 1, __ATOMIC_RELEASE);

	while (!sh->stop_policies && sh->nerr < 100) {
		uint64_t gc, sc, tc, qc;
		int lg, ls, lt, lq;

		lg = pol_attach(&p, &pg, rnd() % 4 == 0);
		if (lg < 0)
			break;
		/* Left at the handler, some routed there by the global policy */
		burst(&p, d, 2 + rnd() % 4);
		lq = pol_attach(&p, &pq, rnd() % 4 == 0);
		if (lq < 0)
			break;
		qc = test_calls(tq);
		/* Answered SUCCESS by the queue's policy, alone beside the global one */
		burst(&p, d, 2 + rnd() % 4);
		if (test_calls(tq) != qc)
			INC(p.st, queue_decided);
		lt = pol_attach(&p, &pt, rnd() % 4 == 0);
		if (lt < 0)
			break;
		burst(&p, d, 2 + rnd() % 4);	/* answered INVALID by the tenant */
		ls = pol_attach(&p, &ps, rnd() % 4 == 0);
		if (ls < 0)
			break;
		/* Answered SUCCESS by the scoped one, before the tenant */
		burst(&p, d, 2 + rnd() % 4);
		if (cycle % 2 == 0)
			victim_cycle(&p, pool, v);
		else
			queue_cycle(&p, qpool, v);
		pol_detach(&p, ls, has_pending(d));
		pol_detach(&p, lt, has_pending(d));
		pol_detach(&p, lq, has_pending(d));
		pol_detach(&p, lg, has_pending(d));

		/* Returned: none may run again, whatever faults come */
		gc = test_calls(g);
		sc = test_calls(s);
		tc = test_calls(tn);
		qc = test_calls(tq);
		burst(&p, d, 4);
		usleep(2000);
		if (test_calls(g) != gc || test_calls(s) != sc ||
		    test_calls(tn) != tc || test_calls(tq) != qc) {
			INC(p.st, ran_after_detach);
			fail("proc %d: a test policy ran after its detach returned", idx);
		}
		for (i = 0; i < p.ndev; i++) {
			pthread_mutex_lock(&p.dev[i].lock);
			service(&p, &p.dev[i], false, true);
			pthread_mutex_unlock(&p.dev[i].lock);
		}
		cycle++;
	}
	if (tn->bss->calls_exit != (uint64_t)pt.attached ||
	    tn->data->exit_kind != IOPF_EXIT_DETACHED) {
		INC(p.st, exit_mismatch);
		fail("proc %d: tenant exit ran %llu times for %d attaches, last kind %u",
		     idx, (unsigned long long)tn->bss->calls_exit, pt.attached,
		     tn->data->exit_kind);
	}
	if (tq->bss->calls_exit != (uint64_t)pq.attached ||
	    tq->data->exit_kind != IOPF_EXIT_DETACHED) {
		INC(p.st, exit_mismatch);
		fail("proc %d: fault-queue policy exit ran %llu times for %d attaches, last kind %u",
		     idx, (unsigned long long)tq->bss->calls_exit, pq.attached,
		     tq->data->exit_kind);
	}
	if (g->bss->calls_exit != (uint64_t)pg.attached ||
	    s->bss->calls_exit != (uint64_t)ps.attached ||
	    g->data->exit_kind != IOPF_EXIT_DETACHED ||
	    s->data->exit_kind != IOPF_EXIT_DETACHED) {
		INC(p.st, exit_mismatch);
		fail("proc %d: exit ran %llu/%llu times for %d/%d attaches, last kinds %u/%u",
		     idx, (unsigned long long)g->bss->calls_exit,
		     (unsigned long long)s->bss->calls_exit, pg.attached,
		     ps.attached, g->data->exit_kind, s->data->exit_kind);
	}
	for (i = 0; i < XPOOL; i++) {
		if (pool[i].t && pool[i].t->bss->calls_exit != (uint64_t)pool[i].pl.attached) {
			INC(p.st, exit_mismatch);
			fail("proc %d: stress_x%d: exit ran %llu times for %d attaches", idx, i,
			     (unsigned long long)pool[i].t->bss->calls_exit, pool[i].pl.attached);
		}
		test_policy__destroy(pool[i].t);
		if (qpool[i].t && qpool[i].t->bss->calls_exit != (uint64_t)qpool[i].pl.attached) {
			INC(p.st, exit_mismatch);
			fail("proc %d: stress_q%d: exit ran %llu times for %d attaches", idx, i,
			     (unsigned long long)qpool[i].t->bss->calls_exit, qpool[i].pl.attached);
		}
		test_policy__destroy(qpool[i].t);
	}
	for (i = 0; i < p.ndev; i++)
		dev_destroy(&p, &p.dev[i]);
	test_policy__destroy(g);
	test_policy__destroy(s);
	test_policy__destroy(tn);
	test_policy__destroy(tq);
	close(p.iommufd);
	_exit(0);
}

/* The fuzz policy: attached, ejected by the kernel (or detached), again */
static void fuzz(int idx, uint64_t seed)
{
	struct proc p = { .seed = seed };
	struct fuzz_policy *f = fuzz_policy__open();
	struct pol pf = { .what = "fuzz policy" };
	char name[32];

	p.idx = idx;
	p.st = &sh->st[idx];
	seed_rng(seed, idx);
	snprintf(name, sizeof(name), "stress_fuzz%d", getpid());
	if (!f || policy_name(f->obj, name, NULL) || TIMED_LOAD(&p, fuzz_policy__load, f)) {
		fail("proc %d: load the fuzz policy", idx);
		_exit(1);
	}
	/* About one answer in 256 is illegal: a life of some hundred calls */
	f->bss->illegal_per_64k = 256;
	if (pol_first(&p, &pf, f->obj))
		_exit(1);
	__atomic_fetch_add(&sh->policies_ready, 1, __ATOMIC_RELEASE);

	while (!sh->stop_policies && sh->nerr < 100) {
		uint64_t calls;
		int fd = pol_attach(&p, &pf, rnd() % 4 == 0);

		if (fd < 0)
			break;
		if (link_hup(fd, 100 + rnd() % 300)) {
			/* Ejected: the reap work detached it, exit() has run */
			INC(p.st, ejected);
			INC(p.st, ejected_kind[f->data->exit_kind & 15]);
			if (f->data->exit_kind == IOPF_EXIT_DETACHED ||
			    f->data->exit_kind == IOPF_EXIT_DEV_REMOVED)
				fail("proc %d: fuzz policy stopped, reason %u", idx,
				     f->data->exit_kind);
			calls = fuzz_calls(f);
			close(fd);
			INC(p.st, detach);
		} else {
			INC(p.st, self_detached);
			pol_detach(&p, fd, false);
			calls = fuzz_calls(f);
		}
		usleep(20000);	/* the others fire on */
		if (fuzz_calls(f) != calls) {
			INC(p.st, ran_after_detach);
			fail("proc %d: the fuzz policy ran after its detach", idx);
		}
	}
	if (f->bss->calls_exit != (uint64_t)pf.attached) {
		INC(p.st, exit_mismatch);
		fail("proc %d: fuzz exit ran %llu times for %d attaches", idx,
		     (unsigned long long)f->bss->calls_exit, pf.attached);
	}
	fuzz_policy__destroy(f);
	_exit(0);
}

/* The only reader of the mock's response log */
static void collector(int idx, uint64_t seed)
{
	static struct iommu_test_iopf_response log[LOG_MAX];
	struct pstat *st = &sh->st[idx];
	uint64_t seq = 0;
	uint32_t lost;
	uint32_t ioas;
	int fd = mock_open(&ioas), n, i, idle = 0;

	if (fd < 0) {
		fail("collector: /dev/iommu: %s", strerror(-fd));
		_exit(1);
	}
	/* What earlier tests left: not ours */
	while ((n = mock_responses(fd, log, LOG_MAX, &lost)) > 0) {
		st->preexisting += n;
		seq = log[n - 1].seq;
	}
	sh->collector_ready = 1;
	for (;;) {
		n = mock_responses(fd, log, LOG_MAX, &lost);
		if (n < 0) {
			fail("collector: drain: %s", strerror(-n));
			_exit(1);
		}
		st->drains++;
		st->log_lost += lost;
		stat_max(&st->log_highwater, n);
		for (i = 0; i < n; i++) {
			struct iommu_test_iopf_response *r = &log[i];
			struct seen *e;
			struct slot *s;
			uint32_t gi;
			int p;

			if (seq && r->seq != seq + 1)
				st->seq_gaps++;
			seq = r->seq;
			st->drained++;
			s = slot_of(r->grpid, &p, &gi);
			if (!s) {
				if (st->foreign++ < 4)
					fail("stray response: mock %u pasid %#x grpid %#x code %u (no such group)",
					     r->mock_id, r->pasid, r->grpid, r->code);
				continue;
			}
			e = &seen[row[p] + gi];
			if (!e->n) {
				e->mock_id = r->mock_id;
				e->pasid = r->pasid;
			} else if (e->mock_id != r->mock_id || e->pasid != r->pasid) {
				e->mismatch = 1;
			}
			if (e->n < 255)
				e->n++;
			if (r->code <= RESP_FAILURE)
				e->codes[r->code]++;
			else
				e->bad_code = 1;
		}
		if (n == LOG_MAX)
			continue;
		if (sh->stop_collector && n == 0 && ++idle > 2)
			break;
		usleep(n > LOG_MAX / 4 ? 200 : 2000);
	}
	close(fd);
	_exit(0);
}

/* The verdict on every group */
struct ledger {
	unsigned long long groups, owed, once, missing, duplicate, stray, stray_partial, wrong_code;
	unsigned long long codes[3], read_unanswered, injected, injected_aborted;
	int shown;
};

/* The first groups that failed, printed after the figures */
static char notes[12][240];

static void ledger_note(struct ledger *l, int p, uint32_t i, const char *what,
			const struct slot *s, const struct seen *e, int owed)
{
	if (l->shown >= 12)
		return;
	snprintf(notes[l->shown++], sizeof(notes[0]),
		 "ledger: group %#x (process %d, mock %u, pasid %#x): %s: owed %d, answered %u (SUCCESS %u INVALID %u FAILURE %u)%s%s",
		 grpid_of(p, i), p, s->mock_id, s->pasid, what, owed, e->n,
		 e->codes[0], e->codes[1], e->codes[2],
		 s->read ? ", read" : "", s->answered ? ", answered by the test" : "");
}

static void ledger_run(struct ledger *l)
{
	int p, c;

	for (p = 0; p < sh->nproc; p++) {
		for (uint32_t i = 0; i < sh->cap[p]; i++) {
			const struct slot *s = &slots[row[p] + i];
			const struct seen *e = &seen[row[p] + i];
			int owed = s->bad_partials + (s->last != LAST_NONE);
			int inval_owed = s->bad_partials;

			if (!s->opened && !e->n)
				continue;
			l->groups++;
			for (c = 0; c < 3; c++)
				l->codes[c] += e->codes[c];
			if (e->bad_code) {
				l->wrong_code++;
				ledger_note(l, p, i, "illegal code", s, e, owed);
			}
			if (e->n && (e->mismatch || e->mock_id != s->mock_id ||
				     e->pasid != s->pasid)) {
				l->stray++;
				ledger_note(l, p, i, "answered on another device or PASID", s, e, owed);
				continue;
			}
			if (s->last == LAST_NONE) {
				if (e->n > owed) {
					l->stray++;
					l->stray_partial++;
					ledger_note(l, p, i, "partial requests answered", s, e, owed);
				} else if (e->n < owed) {
					l->missing++;
					ledger_note(l, p, i, "bad-setup partial never answered", s, e, owed);
				}
				continue;
			}
			l->owed++;
			if (e->n < owed) {
				l->missing++;
				ledger_note(l, p, i, "never answered", s, e, owed);
				continue;
			}
			if (e->n > owed) {
				l->duplicate++;
				ledger_note(l, p, i, "answered more than once", s, e, owed);
				continue;
			}
			l->once++;
			/* The group could not be allocated: answered FAILURE at once */
			l->injected += s->injected;
			l->injected_aborted += s->injected && e->codes[RESP_FAILURE];
			/* Which code the last request's response must have */
			if (s->last == LAST_BAD_SETUP)
				inval_owed++;
			else if (s->answered && s->answered - 1 <= RESP_FAILURE) {
				if (s->answered - 1 == RESP_INVALID)
					inval_owed++;
				else if (e->codes[s->answered - 1] != 1) {
					l->wrong_code++;
					ledger_note(l, p, i, "not the code written", s, e, owed);
				}
			} else if (s->read) {
				/* Read, never answered: iommufd said INVALID */
				inval_owed++;
				l->read_unanswered++;
			}
			if (e->codes[RESP_INVALID] < inval_owed) {
				l->wrong_code++;
				ledger_note(l, p, i, "owed INVALID", s, e, owed);
			}
		}
	}
}

/* The kernel's own counters (debugfs stats), read before and after */
static const char * const kstat_keys[] = {
	"requests", "dropped_partials", "routed", "responded_invalid",
	"responded_success", "responded_failure", "bad_setup", "ejected",
};
#define NKSTAT (sizeof(kstat_keys) / sizeof(kstat_keys[0]))

static void kstats(long long *v)
{
	for (size_t i = 0; i < NKSTAT; i++)
		v[i] = iopf_stat(kstat_keys[i]);
}

static uint64_t env_u64(const char *name, uint64_t def)
{
	const char *v = getenv(name);

	return v && *v ? strtoull(v, NULL, 0) : def;
}

static void *shared_alloc(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		ksft_exit_fail_msg("mmap %zu: %s\n", size, strerror(errno));
	return p;
}

static pid_t spawn(void (*fn)(int, uint64_t), int idx, uint64_t seed)
{
	pid_t pid = fork();

	if (pid == 0)
		fn(idx, seed);
	return pid;
}

static void firer_entry(int idx, uint64_t seed);
static uint64_t firer_budget;

static void firer_entry(int idx, uint64_t seed)
{
	firer(idx, seed, firer_budget);
}

#define SUM(f) ({ unsigned long long _s = 0; for (int _i = 0; _i < nst; _i++) _s += sh->st[_i].f; _s; })
#define MAX(f) ({ unsigned long long _m = 0; for (int _i = 0; _i < nst; _i++) if (sh->st[_i].f > _m) _m = sh->st[_i].f; _m; })

int main(void)
{
	uint64_t target = env_u64("IOPF_STRESS_REQUESTS", CI_REQUESTS);
	uint64_t seed = env_u64("IOPF_STRESS_SEED", time(NULL));
	int nfirers = env_u64("IOPF_STRESS_FIRERS", 4);
	int good_idx, fuzz_idx, coll_idx, nst, i, status, toggles = 0;
	char old_ignore[16], old_verbose[16];
	pid_t pids[MAX_FIRERS], good_pid, fuzz_pid, coll_pid;
	uint64_t total = 0, t0, t_fire, t_load;
	long long attached = -1, key = -1, kbefore[NKSTAT], kafter[NKSTAT];
	bool was_on = true, crashed = false;
	struct ledger l = {};
	uint32_t ioas;
	int fd;

	ksft_print_header();
	if (nfirers < 1 || nfirers > MAX_FIRERS)
		ksft_exit_fail_msg("IOPF_STRESS_FIRERS must be 1..%d\n", MAX_FIRERS);
	fd = mock_open(&ioas);
	if (fd < 0)
		ksft_exit_skip("/dev/iommu: %s (needs CONFIG_IOMMUFD_TEST)\n", strerror(-fd));
	if (iopf_kernel_available())
		ksft_exit_skip("no iopf-bpf in this kernel\n");
	ksft_set_plan(9);

	sh = shared_alloc(sizeof(*sh));
	sh->nfirers = nfirers;
	good_idx = nfirers;
	fuzz_idx = nfirers + 1;
	coll_idx = nfirers + 2;
	sh->nproc = nfirers + 1;	/* the fuzz process fires nothing */
	nst = nfirers + 3;
	firer_budget = (target + nfirers - 1) / nfirers;
	/* A group may end up with no request reported (injection): room to spare */
	if (firer_budget + firer_budget / 4 + 64 > 0xffffff)
		ksft_exit_fail_msg("too many requests per firing process\n");
	for (i = 0; i < nfirers; i++)
		sh->cap[i] = firer_budget + firer_budget / 4 + 64;
	sh->cap[good_idx] = GOOD_GROUPS;
	for (i = 0; i < sh->nproc; i++) {
		row[i + 1] = row[i] + sh->cap[i];
		total += sh->cap[i];
	}
	slots = shared_alloc(total * sizeof(*slots));
	seen = shared_alloc(total * sizeof(*seen));

	/* GFP_KERNEL allocations fail by injection only with ignore-gfp-wait off */
	read_file("/sys/kernel/debug/failslab/ignore-gfp-wait", old_ignore, sizeof(old_ignore));
	read_file("/sys/kernel/debug/failslab/verbose", old_verbose, sizeof(old_verbose));
	write_file("/sys/kernel/debug/failslab/ignore-gfp-wait", "N");
	write_file("/sys/kernel/debug/failslab/verbose", "0");
	mock_set_user_pasid_table(fd, true, &was_on);

	kstats(kbefore);
	ksft_print_msg("seed %llu, %llu requests from %d firing processes\n",
		       (unsigned long long)seed, (unsigned long long)target, nfirers);
	t0 = now_ns();
	coll_pid = spawn(collector, coll_idx, seed);
	while (!sh->collector_ready && !waitpid(coll_pid, &status, WNOHANG))
		usleep(1000);
	/* Policies loaded first: the verifier would compete with the storm */
	good_pid = spawn(good, good_idx, seed);
	fuzz_pid = spawn(fuzz, fuzz_idx, seed);
	while (__atomic_load_n(&sh->policies_ready, __ATOMIC_ACQUIRE) < 2 && !sh->nerr)
		usleep(10000);
	t_load = now_ns() - t0;
	t0 = now_ns();
	for (i = 0; i < nfirers; i++)
		pids[i] = spawn(firer_entry, i, seed);

	/* PASID requests with a default handle (stock mock) and without (real drivers) */
	for (i = 0; i < nfirers; ) {
		usleep(150000);
		mock_set_user_pasid_table(fd, toggles++ % 2, NULL);
		while (i < nfirers && waitpid(pids[i], &status, WNOHANG) == pids[i]) {
			crashed |= !WIFEXITED(status) || WEXITSTATUS(status);
			i++;
		}
	}
	t_fire = now_ns() - t0;
	mock_set_user_pasid_table(fd, was_on, NULL);
	sh->stop_policies = 1;
	waitpid(good_pid, &status, 0);
	crashed |= !WIFEXITED(status) || WEXITSTATUS(status);
	waitpid(fuzz_pid, &status, 0);
	crashed |= !WIFEXITED(status) || WEXITSTATUS(status);

	/* The last detach has returned: nothing may stay attached */
	attached = iopf_stat("attached");
	key = iopf_static_key();
	kstats(kafter);

	sh->stop_collector = 1;
	waitpid(coll_pid, &status, 0);
	crashed |= !WIFEXITED(status) || WEXITSTATUS(status);
	write_file("/sys/kernel/debug/failslab/ignore-gfp-wait", old_ignore);
	write_file("/sys/kernel/debug/failslab/verbose", old_verbose);
	close(fd);

	ledger_run(&l);

	ksft_print_msg("wall %.1f s: policies loaded in %.1f s, then firing %.1f s (%.0f requests/s), checks %.1f s; seed %llu\n",
		       (now_ns() - t0 + t_load) / 1e9, t_load / 1e9, t_fire / 1e9,
		       SUM(requests) / (t_fire / 1e9), (now_ns() - t0 - t_fire) / 1e9,
		       (unsigned long long)seed);
	ksft_print_msg("policy loads %llu: mean %.0f ms, max %.0f ms\n", SUM(loads),
		       SUM(loads) ? SUM(load_ns_sum) / 1e6 / SUM(loads) : 0, MAX(load_ns_max) / 1e6);
	ksft_print_msg("time: trigger ioctl %.2f ms mean (%.1f s in all), fault-domain op %.1f ms (%.1f s), device destroy+create %.1f ms (%.1f s)\n",
		       SUM(n_trigger) ? SUM(ns_trigger) / 1e6 / SUM(n_trigger) : 0, SUM(ns_trigger) / 1e9,
		       SUM(n_domain) ? SUM(ns_domain) / 1e6 / SUM(n_domain) : 0, SUM(ns_domain) / 1e9,
		       SUM(n_dev) ? SUM(ns_dev) / 1e6 / SUM(n_dev) : 0, SUM(ns_dev) / 1e9);
	ksft_print_msg("requests %llu: partial %llu, last %llu, with PASID %llu; groups %llu\n",
		       SUM(requests), SUM(partial), SUM(last), SUM(pasid), SUM(groups));
	ksft_print_msg("bad setup (no handler: INVALID, -EINVAL) %llu requests; user_pasid_table toggled %d times\n",
		       SUM(bad_setup), toggles);
	ksft_print_msg("processes %d: %d firing (2 threads each), 1 legal policies, 1 fuzz policy, 1 collector, the parent; devices at once %d\n",
		       nfirers + 4, nfirers, nfirers * NDEV + 2);
	ksft_print_msg("devices created %llu, destroyed %llu (%llu with groups pending at the handler)\n",
		       SUM(dev_created), SUM(dev_destroyed), SUM(destroyed_pending));
	ksft_print_msg("fault domains attached %llu, replaced %llu (%llu with groups pending), detached %llu (%llu with groups pending)\n",
		       SUM(enabled), SUM(replaced), SUM(replaced_pending), SUM(detached),
		       SUM(detached_pending));
	ksft_print_msg("fault fds closed %llu (%llu groups read and unanswered); groups read %llu, answered by the test %llu, illegal codes refused %llu\n",
		       SUM(fd_closed), SUM(closed_unanswered), SUM(read_groups),
		       SUM(answered), SUM(bad_code_refused));
	ksft_print_msg("fault-queue tenant policies: deciding in %llu bursts; queues destroyed under one %llu (owner-released %llu)\n",
		       SUM(queue_decided), SUM(queue_destroyed),
		       SUM(ejected_kind[IOPF_EXIT_OWNER_RELEASED]));
	ksft_print_msg("attach/detach cycles: legal policies %llu/%llu (global, scoped to a device, tenant of a device and of a fault queue, scoped to a destroyed device or queue), fuzz policy %llu/%llu (%llu ejected, %llu detached by the test)\n",
		       sh->st[good_idx].attach, sh->st[good_idx].detach,
		       sh->st[fuzz_idx].attach, sh->st[fuzz_idx].detach,
		       sh->st[fuzz_idx].ejected, sh->st[fuzz_idx].self_detached);
	ksft_print_msg("ejections %llu: bad-action %llu, wrong-kind %llu, bad-route %llu, device-removed %llu\n",
		       SUM(ejected), SUM(ejected_kind[IOPF_EXIT_BAD_ACTION]),
		       SUM(ejected_kind[IOPF_EXIT_WRONG_KIND]),
		       SUM(ejected_kind[IOPF_EXIT_BAD_ROUTE]),
		       SUM(ejected_kind[IOPF_EXIT_DEV_REMOVED]));
	ksft_print_msg("injected failures: fault path %llu of %llu armed (before the report %llu; on a partial request %llu, %llu not parked; on a last request %llu, %llu answered FAILURE), attach %llu of %llu armed (%llu attaches refused)\n",
		       SUM(inj_hit), SUM(inj_armed), SUM(inj_before_report),
		       SUM(inj_partial), SUM(partial_nomem), SUM(inj_last),
		       l.injected_aborted, SUM(attach_inj_hit),
		       SUM(attach_inj_armed), SUM(attach_inj_failed));
	ksft_print_msg("detach: %llu, max %.1f ms, mean %.2f ms; with groups pending at an unread queue %llu, max %.1f ms\n",
		       SUM(detach), MAX(detach_ns_max) / 1e6,
		       SUM(detach) ? SUM(detach_ns_sum) / 1e6 / SUM(detach) : 0,
		       SUM(pending_at_detach), MAX(detach_pending_ns_max) / 1e6);
	ksft_print_msg("responses %llu: SUCCESS %llu, INVALID %llu, FAILURE %llu\n",
		       l.codes[0] + l.codes[1] + l.codes[2], l.codes[0], l.codes[1], l.codes[2]);
	ksft_print_msg("groups %llu, owed a response %llu: once %llu, missing %llu, duplicate %llu, stray %llu (partial %llu), wrong code %llu; read and never answered (INVALID by iommufd) %llu\n",
		       l.groups, l.owed, l.once, l.missing, l.duplicate, l.stray + sh->st[coll_idx].foreign,
		       l.stray_partial, l.wrong_code, l.read_unanswered);
	ksft_print_msg("response log: %llu drained in %llu drains, high-water %llu of %d, lost %llu, sequence gaps %llu, %llu left by earlier tests\n",
		       sh->st[coll_idx].drained, sh->st[coll_idx].drains,
		       sh->st[coll_idx].log_highwater, LOG_MAX, sh->st[coll_idx].log_lost,
		       sh->st[coll_idx].seq_gaps, sh->st[coll_idx].preexisting);
	printf("# kernel counters over the run:");
	for (i = 0; i < (int)NKSTAT; i++)
		printf(" %s %lld", kstat_keys[i], kafter[i] - kbefore[i]);
	printf("\n");
	ksft_print_msg("after the last detach: attached %lld, static_key %lld\n", attached, key);
	for (i = 0; i < l.shown; i++)
		ksft_print_msg("%s\n", notes[i]);
	for (i = 0; i < sh->nerr && i < NERRMSG; i++)
		ksft_print_msg("error: %s\n", sh->err[i]);
	if (sh->nerr > NERRMSG)
		ksft_print_msg("... %d errors in all\n", sh->nerr);

	ksft_test_result(!crashed && !sh->nerr && SUM(requests) >= target,
			 "stress: %llu requests fired, no worker error\n",
			 (unsigned long long)SUM(requests));
	ksft_test_result(!sh->st[coll_idx].log_lost && !sh->st[coll_idx].seq_gaps,
			 "stress: response log complete (lost 0, no sequence gap)\n");
	ksft_test_result(!l.missing && !l.duplicate && !l.stray && !sh->st[coll_idx].foreign &&
			 l.once == l.owed && l.owed > 0,
			 "stress: every group answered exactly once, nothing stray\n");
	ksft_test_result(!l.wrong_code, "stress: every code legal and as owed\n");
	ksft_test_result(!l.stray_partial, "stress: no response for a partial request outside bad setup\n");
	ksft_test_result(attached == 0 && key == 0,
			 "stress: attached 0 and static_key 0 after the last detach\n");
	ksft_test_result(!SUM(ran_after_detach) && !SUM(exit_mismatch),
			 "stress: no policy ran after its detach returned, exit() once per attach\n");
	ksft_test_result(SUM(detach) && MAX(detach_ns_max) < DETACH_LIMIT_NS,
			 "stress: every detach returned within 2 s\n");
	ksft_test_result(SUM(ejected_kind[IOPF_EXIT_BAD_ACTION]) + SUM(ejected_kind[IOPF_EXIT_WRONG_KIND]) &&
			 SUM(inj_hit) && SUM(attach_inj_failed) && SUM(destroyed_pending) &&
			 SUM(replaced_pending) && SUM(detached_pending) && SUM(closed_unanswered) &&
			 SUM(pending_at_detach) && SUM(bad_setup) && l.read_unanswered &&
			 SUM(queue_decided) && SUM(queue_destroyed) &&
			 SUM(ejected_kind[IOPF_EXIT_OWNER_RELEASED]),
			 "stress: every ingredient happened (ejections, injections, teardown with groups pending, fault-queue policies deciding and their queues destroyed)\n");
	ksft_finished();
}
