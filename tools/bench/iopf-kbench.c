// SPDX-License-Identifier: GPL-2.0
/*
 * iopf-kbench: the cost of iopf-bpf on the fault path, measured inside the
 * kernel, in one boot.
 *
 *   iopf-kbench [--rounds R] [--faults N] [--latency M] [--smoke] [--verbose]
 *   iopf-kbench --stock [--rounds R] [--faults N]
 *
 * Every sample is one IOMMU_TEST_OP_IOPF_BENCH call: the mock IOMMU reports
 * the same page request N times in a loop in the kernel and returns the
 * time the loop took, so no syscall or wakeup is inside the timed region.
 * The configurations are interleaved: each round measures every one of
 * them once, after one warm-up round that is not kept, and the table shows
 * the median over R rounds and the spread ((max - min) / median);
 * --verbose prints every sample.
 *
 * Cost rows fault on a device with a fault-capable RID domain, with a PASID
 * that has no handle while the mock acts like Intel/AMD/SMMUv3: the stock
 * path answers INVALID at once (the cheapest stock path, so the hook's own
 * cost is the largest share), and nothing piles up.  The unit is the floor:
 * an empty fentry program on iommu_report_device_fault(), the price of one
 * BPF call through a trampoline on this machine.
 *
 * Delivery rows report last requests without a PASID: iommufd queues each
 * group for user space (nobody reads inside the timed loop), or a policy
 * answers it at once.  Latency: report-to-response time of single faults,
 * from the iopf_response tracepoint, for a policy's answer and for iommufd
 * delivering to a responder blocked in poll() that writes the response at
 * once.
 *
 * --stock measures only the no-policy path and the floor, and needs no
 * iopf_ops (so that it can run on a CONFIG_IOPF_BPF=n kernel too): its last
 * line gives the no-policy cost in floors, which tools/bench/stock-row
 * compares across boots of the =y and =n kernels (vm/bench smoke-runs it
 * on the test kernel).
 *
 * Run by `make bench` on a kernel without lockdep; `--smoke` (tiny N, one
 * round, at most 4 policies) runs in `make check` so that it cannot rot.
 * Absolute times under QEMU TCG mean little: read the ratios.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include "iopf_kernel_enums.h"

#include "iopf_mock.h"
#include "iopf_ops_map.h"
#include "bench_passthrough.skel.h"
#include "bench_kfuncs.skel.h"
#include "bench_answer.skel.h"
#include "bench_probe.skel.h"

#define MAX_POLICIES	64
#define MAX_ROUNDS	32
#define NR_PARTIALS	10000
#define BENCH_PASID	1
#define PARK_GRPID	7
#define EVENTS		"/sys/kernel/tracing/events/iopf/enable"
/* Room to read back a gathered group of NR_PARTIALS + 1 requests at once */
#define READ_BATCH	16384

static struct {
	int rounds, faults, latency, policies;
	bool verbose, stock;
	const char *profile;	/* --profile: "none" or "pass" */
} opt = { .rounds = 15, .faults = 10000, .latency = 2000,
	  .policies = MAX_POLICIES };

static int iommufd = -1;
static bool pasid_table_was = true;	/* the mock's setting before we ran */
static struct mock_dev dev_a, dev_b, others[MAX_POLICIES];
static struct bench_passthrough *global[MAX_POLICIES], *scoped[MAX_POLICIES];
static struct bench_kfuncs *kfuncs;
static struct bench_answer *answer;
static struct bench_probe *probe;

static void die(const char *what, int err)
{
	fprintf(stderr, "iopf-kbench: %s: %s\n", what, strerror(err < 0 ? -err : err));
	exit(1);
}

/* Links attached for the configuration being measured */
static struct bpf_link *links[MAX_POLICIES];
static int nr_links;

static void attach(struct bpf_map *map)
{
	struct bpf_link *link = bpf_map__attach_struct_ops(map);

	if (!link)
		die("attach a policy", errno);
	links[nr_links++] = link;
}

static void detach_all(void)
{
	while (nr_links)
		bpf_link__destroy(links[--nr_links]);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f || fputs(text, f) < 0 || fclose(f))
		die(path, errno);
}

/* Empty the mock's response log (it keeps the first 4096 answers) */
static void drain_log(void)
{
	static struct iommu_test_iopf_response log[4096];
	int n;

	while ((n = mock_responses(iommufd, log, 4096, NULL)) == 4096)
		;
	if (n < 0)
		die("IOMMU_TEST_OP_IOPF_RESPONSES", n);
}

/* One sample: ns per fault of N reports of @f on @dev */
static double sample(struct mock_dev *dev, const struct mock_fault *f)
{
	uint64_t ns;
	int ret;

	/* Warm caches and branch predictors outside the timed loop */
	ret = mock_bench(dev, f, opt.faults / 10 + 1, NULL);
	/* Every sample starts with the same (empty) response log */
	drain_log();
	if (!ret)
		ret = mock_bench(dev, f, opt.faults, &ns);
	if (ret)
		die("IOMMU_TEST_OP_IOPF_BENCH", ret);
	return (double)ns / opt.faults;
}

/* Answer every group iommufd queued for @dev (outside any timed region) */
static void drain(struct mock_dev *dev)
{
	static struct iommu_hwpt_pgfault rec[READ_BATCH];
	int n, i;

	/* iommufd reads whole groups only: the batch must hold the largest */
	while ((n = mock_read_faults(dev, rec, READ_BATCH)) > 0)
		for (i = 0; i < n; i++)
			if (rec[i].flags & IOMMU_PGFAULT_FLAGS_LAST_PAGE &&
			    mock_respond(dev, rec[i].cookie, 0))
				die("answer a queued group", errno);
	if (n < 0)
		die("read the fault fd", n);
	drain_log();
}

static const struct mock_fault pasid_fault = { .pasid = BENCH_PASID };
static const struct mock_fault rid_fault;

/* The configurations, in table order */
enum cfg {
	NONE, FLOOR, PASS1, KFUNCS, SCOPED_1, SCOPED_16, SCOPED_MAX,
	GLOBAL_16, GLOBAL_MAX, PARTIALS, EVENTS_ON,
	DELIVER_NONE, DELIVER_ANSWER, NR_CFG
};

struct row {
	const char *name;
	double s[MAX_ROUNDS];
	double ref[MAX_ROUNDS];	/* no policy, sampled just before s[] */
	int n;
};
static struct row rows[NR_CFG];

static int count_for(enum cfg c)
{
	int n = c == SCOPED_16 || c == GLOBAL_16 ? 16 : opt.policies;

	return n < opt.policies ? n : opt.policies;
}

static void park_partials(void)
{
	struct mock_fault f = { .grpid = PARK_GRPID, .partial = true };
	int ret = mock_bench(&dev_a, &f, NR_PARTIALS, NULL);

	if (ret)
		die("park partial requests", ret);
}

/* The last request of the parked group gathers them all: then answer it */
static void unpark_partials(void)
{
	struct mock_fault f = { .grpid = PARK_GRPID };

	if (mock_fault(&dev_a, &f, NULL))
		die("gather the parked requests", errno);
	drain(&dev_a);
}

static void measure(enum cfg c, int round)
{
	struct bpf_link *floor = NULL;
	const struct mock_fault *f = &pasid_fault;
	double ref, v;
	int i;

	if (c == DELIVER_NONE || c == DELIVER_ANSWER)
		f = &rid_fault;
	/* State that is not a policy comes first: the reference sees it too */
	if (c == PARTIALS)
		park_partials();
	/* TCG's speed drifts: pair each sample with an adjacent reference */
	ref = sample(&dev_a, f);
	/* The reference queued groups: the sample starts with none, as it did */
	if (c == DELIVER_NONE || c == DELIVER_ANSWER)
		drain(&dev_a);

	switch (c) {
	case FLOOR:
		floor = bpf_program__attach(probe->progs.report_floor);
		if (!floor)
			die("attach the fentry program", errno);
		break;
	case PASS1:
	case PARTIALS:
		attach(global[0]->maps.passthrough);
		break;
	case KFUNCS:
		attach(kfuncs->maps.kfuncs);
		break;
	case SCOPED_1:
	case SCOPED_16:
	case SCOPED_MAX:
		for (i = 0; i < (c == SCOPED_1 ? 1 : count_for(c)); i++)
			attach(scoped[i]->maps.passthrough);
		break;
	case GLOBAL_16:
	case GLOBAL_MAX:
		for (i = 0; i < count_for(c); i++)
			attach(global[i]->maps.passthrough);
		break;
	case EVENTS_ON:
		write_file(EVENTS, "1");
		break;
	case DELIVER_ANSWER:
		attach(answer->maps.answer);
		break;
	default:
		break;
	}

	v = c == NONE || c == DELIVER_NONE ? ref : sample(&dev_a, f);
	/* Round -1 warms up (TCG translates code on first use): not kept */
	if (round >= 0) {
		rows[c].s[round] = v;
		rows[c].ref[round] = ref;
		rows[c].n = round + 1;
	}

	detach_all();
	bpf_link__destroy(floor);
	if (c == EVENTS_ON) {
		write_file(EVENTS, "0");
		write_file("/sys/kernel/tracing/trace", "");
	}
	if (c == PARTIALS)
		unpark_partials();
	if (c == DELIVER_NONE || c == DELIVER_ANSWER)
		drain(&dev_a);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(const double *v, int n, double *spread)
{
	double s[MAX_ROUNDS];
	double m;

	memcpy(s, v, n * sizeof(*v));
	qsort(s, n, sizeof(*s), cmp_double);
	m = n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
	if (spread)
		*spread = m > 0 ? (s[n - 1] - s[0]) / m : 0;
	return m;
}

static double percentile(double *v, int n, double p)
{
	int i;

	qsort(v, n, sizeof(*v), cmp_double);
	i = (int)(p * n);
	return v[i < n ? i : n - 1];
}

static void pin_to_cpu(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		die("sched_setaffinity", errno);
}

/* Two CPUs: each thread reports on its own device, pinned to its own CPU */
struct worker {
	pthread_t thread;
	pthread_barrier_t *start;
	struct mock_dev *dev;
	int cpu;
	double ns;
};

static void *work(void *arg)
{
	struct worker *w = arg;
	uint64_t ns;
	int ret;

	pin_to_cpu(w->cpu);
	mock_bench(w->dev, &pasid_fault, opt.faults / 10 + 1, NULL);
	pthread_barrier_wait(w->start);
	ret = mock_bench(w->dev, &pasid_fault, opt.faults, &ns);
	w->ns = ret ? -1 : (double)ns;
	return NULL;
}

/* Faults per second of two CPUs at once */
static double two_cpus(void)
{
	pthread_barrier_t start;
	struct worker w[2] = {
		{ .dev = &dev_a, .cpu = 0, .start = &start },
		{ .dev = &dev_b, .cpu = 1, .start = &start },
	};
	double rate = 0;
	int i;

	drain_log();	/* both configurations start with an empty log */
	pthread_barrier_init(&start, NULL, 2);
	for (i = 0; i < 2; i++)
		if (pthread_create(&w[i].thread, NULL, work, &w[i]))
			die("pthread_create", errno);
	for (i = 0; i < 2; i++) {
		pthread_join(w[i].thread, NULL);
		if (w[i].ns <= 0)
			die("IOMMU_TEST_OP_IOPF_BENCH on two CPUs", EIO);
		rate += opt.faults / w[i].ns * 1e9;
	}
	pthread_barrier_destroy(&start);
	return rate;
}

/* Latency: a responder that blocks in poll() and answers at once */
static volatile int responder_stop;
static int answered_pipe[2];

static void *responder(void *arg)
{
	struct pollfd pfd = { .fd = dev_a.fault_fd, .events = POLLIN };
	struct iommu_hwpt_pgfault rec[16];
	cpu_set_t all;
	int n, i;

	/* A VMM's responder thread runs wherever the scheduler puts it */
	CPU_ZERO(&all);
	for (i = 0; i < CPU_SETSIZE; i++)
		CPU_SET(i, &all);
	sched_setaffinity(0, sizeof(all), &all);
	while (!responder_stop) {
		if (poll(&pfd, 1, 100) <= 0)
			continue;
		n = mock_read_faults(&dev_a, rec, 16);
		for (i = 0; i < n; i++) {
			if (!(rec[i].flags & IOMMU_PGFAULT_FLAGS_LAST_PAGE))
				continue;
			mock_respond(&dev_a, rec[i].cookie, 0);
			if (write(answered_pipe[1], "x", 1) != 1)
				return NULL;
		}
	}
	return NULL;
}

/* @count single faults, one after another; latencies appended to @out */
static int latency_run(bool policy, int count, double *out, int n)
{
	struct mock_fault f = { 0 };
	char c;
	int i, got, base;

	base = probe->bss->nr_lat;
	probe->bss->record = 1;
	if (policy)
		attach(answer->maps.answer);
	for (i = 0; i < count; i++) {
		f.grpid = i & 0x1ff;
		if (mock_fault(&dev_a, &f, NULL))
			die("trigger a fault", errno);
		if (!policy && read(answered_pipe[0], &c, 1) != 1)
			die("wait for the responder", errno);
	}
	probe->bss->record = 0;
	detach_all();
	drain(&dev_a);
	got = probe->bss->nr_lat - base;
	for (i = 0; i < got && base + i < 16384; i++) {
		unsigned int want = policy ? IOPF_RESPONSE_POLICY : IOPF_RESPONSE_HANDLER;

		if (probe->bss->lat_source[base + i] != want)
			die("a response came from an unexpected source", EPROTO);
		out[n++] = probe->bss->lat_ns[base + i];
	}
	return n;
}

static void latency(void)
{
	static double pol[16384], uds[16384];
	struct bpf_link *tp;
	pthread_t thread;
	int r, np = 0, nu = 0, per = opt.latency / opt.rounds + 1;

	if (2 * per * opt.rounds > 16384)
		per = 16384 / 2 / opt.rounds;
	tp = bpf_program__attach(probe->progs.latency);
	if (!tp || pipe(answered_pipe))
		die("attach the latency probe", errno);
	if (pthread_create(&thread, NULL, responder, NULL))
		die("pthread_create", errno);
	for (r = 0; r < opt.rounds; r++) {
		np = latency_run(true, per, pol, np);
		nu = latency_run(false, per, uds, nu);
	}
	responder_stop = 1;
	pthread_join(thread, NULL);
	bpf_link__destroy(tp);
	if (!np || !nu)
		die("no latency recorded", EIO);

	printf("\nReport-to-response latency, ns (%d single faults each, interleaved):\n", np);
	printf("  %-44s %10s %10s\n", "", "p50", "p99");
	{
		double up50 = percentile(uds, nu, 0.50), up99 = percentile(uds, nu, 0.99);
		double pp50 = percentile(pol, np, 0.50), pp99 = percentile(pol, np, 0.99);

		printf("  %-44s %10.0f %10.0f\n", "iommufd to a responder in poll()", up50, up99);
		printf("  %-44s %10.0f %10.0f\n", "policy auto-response", pp50, pp99);
		printf("  %-44s %10.1f %10.1f   goal >= 10 at both: %s\n",
		       "iommufd / policy", up50 / pp50, up99 / pp99,
		       up50 / pp50 >= 10 && up99 / pp99 >= 10 ? "met" : "MISSED");
	}
}

/*
 * Leave the guest as we found it, also after die(): later tests share the
 * mock's global user_pasid_table switch, the trace events and the log.
 */
static void restore(void)
{
	int fd = open(EVENTS, O_WRONLY);

	if (fd >= 0) {
		if (write(fd, "0", 1) != 1)
			fprintf(stderr, "iopf-kbench: could not turn the iopf events off\n");
		close(fd);
	}
	if (iommufd < 0)
		return;
	mock_set_user_pasid_table(iommufd, pasid_table_was, NULL);
	while (mock_responses(iommufd, (struct iommu_test_iopf_response[64]){}, 64, NULL) == 64)
		;
}

static void setup(void)
{
	uint32_t ioas;
	char name[32];
	bool was;
	int i, ret;

	iommufd = mock_open(&ioas);
	if (iommufd < 0)
		die("open /dev/iommu (CONFIG_IOMMUFD_TEST?)", iommufd);
	atexit(restore);
	if ((ret = mock_dev_create(iommufd, ioas, &dev_a)) ||
	    (ret = mock_dev_enable_faults(&dev_a)) ||
	    (ret = mock_dev_create(iommufd, ioas, &dev_b)) ||
	    (ret = mock_dev_enable_faults(&dev_b)))
		die("create the mock devices", ret);
	for (i = 0; i < opt.policies; i++)
		if ((ret = mock_dev_create(iommufd, ioas, &others[i])))
			die("create the other mock devices", ret);
	/* A PASID without a handle then has no handler: stock answers INVALID */
	if ((ret = mock_set_user_pasid_table(iommufd, false, &was)))
		die("IOMMU_TEST_OP_IOPF_USER_PASID_TABLE", ret);
	pasid_table_was = was;

	probe = bench_probe__open_and_load();
	if (!probe)
		die("load the fentry program", errno);
	if (opt.stock)
		return;
	for (i = 0; i < opt.policies; i++) {
		global[i] = bench_passthrough__open();
		scoped[i] = bench_passthrough__open();
		if (!global[i] || !scoped[i])
			die("open the pass-through policy", errno);
		snprintf(name, sizeof(name), "kbench_g%d", i);
		ret = iopf_ops_set_str(global[i]->obj, "name", name);
		snprintf(name, sizeof(name), "kbench_s%d", i);
		ret = ret ?: iopf_ops_set_str(scoped[i]->obj, "name", name);
		ret = ret ?: iopf_ops_set_str(scoped[i]->obj, "dev_name",
					      others[i].name);
		ret = ret ?: bench_passthrough__load(global[i]);
		ret = ret ?: bench_passthrough__load(scoped[i]);
		if (ret)
			die("load the pass-through policies", ret);
	}
	kfuncs = bench_kfuncs__open_and_load();
	answer = bench_answer__open_and_load();
	if (!kfuncs || !answer)
		die("load the benchmark programs", errno);
}

static void cleanup(void)
{
	int i;

	for (i = 0; i < opt.policies; i++) {
		bench_passthrough__destroy(global[i]);
		bench_passthrough__destroy(scoped[i]);
		mock_dev_destroy(&others[i]);
	}
	bench_kfuncs__destroy(kfuncs);
	bench_answer__destroy(answer);
	bench_probe__destroy(probe);
	mock_dev_destroy(&dev_a);
	mock_dev_destroy(&dev_b);
	restore();	/* the mock's switch, the events, an empty log */
	close(iommufd);
	iommufd = -1;
}

/*
 * Ratios are taken within a round, then the median over rounds: under TCG
 * a whole round can run slower or faster, and pairing cancels that out.
 */
static double paired(const double *a, const double *b, int n, double *iqr)
{
	double q[MAX_ROUNDS];
	int i;

	for (i = 0; i < n; i++)
		q[i] = a[i] / b[i];
	if (iqr) {
		qsort(q, n, sizeof(*q), cmp_double);
		*iqr = q[(3 * n) / 4] - q[n / 4];
	}
	return median(q, n, NULL);
}

/* Median over rounds of the row's sample / its adjacent no-policy sample */
static double ratio(enum cfg c)
{
	return paired(rows[c].s, rows[c].ref, rows[c].n, NULL);
}

/* Overhead over no policy in units of the floor's overhead */
static double in_floors(enum cfg c)
{
	double floor = ratio(FLOOR) - 1;

	/* A floor lost in the noise (smoke runs) is no unit */
	return floor > 0 ? (ratio(c) - 1) / floor : NAN;
}

/* One table row; @goal_value <= @limit meets the goal, if there is one */
static void print_row(enum cfg c, const char *goal, double limit,
		      double goal_value)
{
	double iqr, spread, m = median(rows[c].s, rows[c].n, &spread);

	if (opt.verbose) {
		int i;

		printf("# %s (sample/reference):", rows[c].name);
		for (i = 0; i < rows[c].n; i++)
			printf(" %.0f/%.0f", rows[c].s[i], rows[c].ref[i]);
		putchar('\n');
	}
	paired(rows[c].s, rows[c].ref, rows[c].n, &iqr);
	printf("%-44s %9.0f %6.0f%% %7.2f %6.2f", rows[c].name, m, spread * 100,
	       ratio(c), iqr);
	/* The floor was measured on the PASID path: no unit for delivery rows */
	if (c == NONE || c == FLOOR || c >= DELIVER_NONE || isnan(in_floors(c)))
		printf(" %9s", "-");
	else
		printf(" %9.2f", in_floors(c));
	if (goal && isnan(goal_value))
		printf("   %s n/a", goal);
	else if (goal)
		printf("   %s %.2f: %s", goal, goal_value,
		       goal_value <= limit ? "met" : "MISSED");
	putchar('\n');
}

/*
 * --stock: the no-policy path and the floor only.  The floor's overhead
 * (its sample minus the adjacent no-policy sample) is one BPF call through
 * a trampoline, the same code with CONFIG_IOPF_BPF=y or =n: the unit that
 * lets boots of the two kernels be compared.
 */
static int stock_only(void)
{
	double over[MAX_ROUNDS], none, unit;
	int r, c;

	for (c = NONE; c <= FLOOR; c++)
		measure(c, -1);
	for (r = 0; r < opt.rounds; r++) {
		for (c = NONE; c <= FLOOR; c++)
			measure(c, r);
		over[r] = rows[FLOOR].s[r] - rows[FLOOR].ref[r];
	}
	none = median(rows[NONE].s, rows[NONE].n, NULL);
	unit = median(over, opt.rounds, NULL);
	printf("iopf-kbench --stock: %d rounds x %d page requests per sample; kernel %s lockdep, %s\n",
	       opt.rounds, opt.faults, access("/proc/lockdep", F_OK) ? "without" : "WITH",
	       access("/sys/kernel/iopf", F_OK) ? "no iopf-bpf (CONFIG_IOPF_BPF=n)" :
	       "iopf-bpf built in, no policy attached");
	printf("no policy: %.0f ns/fault; floor overhead: %.0f ns; no policy in floors: %.3f\n",
	       none, unit, unit > 0 ? none / unit : NAN);
	cleanup();
	return 0;
}

/*
 * Tell perf record --control=fifo:CTL,ACK to start or stop sampling
 * (@cmd "enable" or "disable"), if IOPF_PERF_CTL and IOPF_PERF_ACK name
 * its FIFOs: so that loading the policies is not in the profile.
 */
static void perf_control(const char *cmd)
{
	const char *ctl = getenv("IOPF_PERF_CTL"), *ack = getenv("IOPF_PERF_ACK");
	char buf[8];
	int fd;

	if (!ctl || !ack)
		return;
	fd = open(ctl, O_WRONLY);
	if (fd < 0 || write(fd, cmd, strlen(cmd)) < 0 || write(fd, "\n", 1) < 0)
		die("write perf's control FIFO", errno);
	close(fd);
	fd = open(ack, O_RDONLY);
	if (fd < 0 || read(fd, buf, sizeof(buf)) <= 0)
		die("read perf's ack FIFO", errno);
	close(fd);
}

/*
 * --profile none|pass: only fire page requests, rounds x faults, with no
 * policy or with the pass-through policy attached, for a profiler (perf
 * record) to sample; prints ns per request of each round.
 */
static int profile_only(void)
{
	bool pass = !strcmp(opt.profile, "pass");
	int r;

	if (!pass && strcmp(opt.profile, "none")) {
		fprintf(stderr, "iopf-kbench: --profile none or pass, not '%s'\n",
			opt.profile);
		cleanup();
		return 2;
	}
	if (pass)
		attach(global[0]->maps.passthrough);
	sample(&dev_a, &pasid_fault);	/* TCG translates code on first use */
	perf_control("enable");
	for (r = 0; r < opt.rounds; r++)
		printf("--profile %s: round %d: %.0f ns/request\n", opt.profile, r,
		       sample(&dev_a, &pasid_fault));
	perf_control("disable");
	detach_all();
	cleanup();
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "rounds", required_argument, NULL, 'r' },
		{ "faults", required_argument, NULL, 'n' },
		{ "latency", required_argument, NULL, 'l' },
		{ "smoke", no_argument, NULL, 's' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "stock", no_argument, NULL, 'S' },
		{ "profile", required_argument, NULL, 'P' },
		{ 0 }
	};
	double cpu2[2][MAX_ROUNDS], r2, scale[2];
	char label[NR_CFG][64];
	int o, r, c;

	while ((o = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (o) {
		case 'r': opt.rounds = atoi(optarg); break;
		case 'n': opt.faults = atoi(optarg); break;
		case 'l': opt.latency = atoi(optarg); break;
		case 'v': opt.verbose = true; break;
		case 'S': opt.stock = true; opt.policies = 0; break;
		case 'P': opt.profile = optarg; opt.policies = 1; break;
		case 's':
			opt.rounds = 1;
			opt.faults = 200;
			opt.latency = 20;
			opt.policies = 4;
			break;
		default:
			fprintf(stderr, "usage: iopf-kbench [--rounds R] [--faults N] [--latency M] [--smoke] [--verbose]\n"
					"       iopf-kbench --stock [--rounds R] [--faults N]\n"
					"       iopf-kbench --profile none|pass [--rounds R] [--faults N]\n");
			return 2;
		}
	}
	if (opt.rounds < 1 || opt.rounds > MAX_ROUNDS || opt.faults < 1 ||
	    opt.latency < 1) {
		fprintf(stderr, "iopf-kbench: rounds 1-%d, faults and latency >= 1\n",
			MAX_ROUNDS);
		return 2;
	}

	/* Guest CPUs can differ in speed under TCG: stay on one for the rows */
	pin_to_cpu(0);
	setup();
	snprintf(label[SCOPED_16], 64, "%d policies on other devices", count_for(SCOPED_16));
	snprintf(label[SCOPED_MAX], 64, "%d policies on other devices", count_for(SCOPED_MAX));
	snprintf(label[GLOBAL_16], 64, "%d global pass-through policies", count_for(GLOBAL_16));
	snprintf(label[GLOBAL_MAX], 64, "%d global pass-through policies", count_for(GLOBAL_MAX));
	rows[NONE].name = "no policy";
	rows[FLOOR].name = "floor: empty fentry program, no policy";
	rows[PASS1].name = "pass-through";
	rows[KFUNCS].name = "pass-through, reads + 2 kfuncs";
	rows[SCOPED_1].name = "1 policy on another device";
	rows[SCOPED_16].name = label[SCOPED_16];
	rows[SCOPED_MAX].name = label[SCOPED_MAX];
	rows[GLOBAL_16].name = label[GLOBAL_16];
	rows[GLOBAL_MAX].name = label[GLOBAL_MAX];
	rows[PARTIALS].name = "pass-through, 10^4 parked partials";
	rows[EVENTS_ON].name = "iopf trace events on, no policy";
	rows[DELIVER_NONE].name = "no policy: iommufd queues the group";
	rows[DELIVER_ANSWER].name = "auto-response policy answers it";

	if (opt.stock)
		return stock_only();
	if (opt.profile)
		return profile_only();

	for (c = 0; c < NR_CFG; c++)
		measure(c, -1);
	for (r = 0; r < opt.rounds; r++) {
		for (c = 0; c < NR_CFG; c++)
			measure(c, r);
		cpu2[0][r] = two_cpus();
		attach(global[0]->maps.passthrough);
		cpu2[1][r] = two_cpus();
		detach_all();
	}

	printf("iopf-kbench: %d rounds x %d page requests per sample, interleaved; kernel %s lockdep\n",
	       opt.rounds, opt.faults, access("/proc/lockdep", F_OK) ? "without" : "WITH");
	printf("ns/fault: median over rounds, spread (max - min) / median; ratio: median over\n"
	       "rounds of sample / the no-policy sample taken just before it, IQR its\n"
	       "interquartile range; x floor: (ratio - 1) in units of the empty fentry\n"
	       "program's (ratio - 1)\n");
	printf("\nPASID request without a handle (stock answers INVALID at once):\n");
	printf("%-44s %9s %7s %7s %6s %9s\n", "configuration", "ns/fault", "spread",
	       "ratio", "IQR", "x floor");
	print_row(NONE, NULL, 0, 0);
	print_row(FLOOR, NULL, 0, 0);
	print_row(PASS1, "goal <= 1.5 x floor:", 1.5, in_floors(PASS1));
	print_row(KFUNCS, NULL, 0, 0);
	print_row(SCOPED_1, "goal <= 0.25 x floor:", 0.25, in_floors(SCOPED_1));
	print_row(SCOPED_16, NULL, 0, 0);
	print_row(SCOPED_MAX, "goal <= 1.10 x the 1-policy row:", 1.10,
		  ratio(SCOPED_MAX) / ratio(SCOPED_1));
	print_row(GLOBAL_16, NULL, 0, 0);
	print_row(GLOBAL_MAX, NULL, 0, 0);
	print_row(PARTIALS, "goal <= 1.10 x the pass-through row:", 1.10,
		  ratio(PARTIALS) / ratio(PASS1));
	print_row(EVENTS_ON, NULL, 0, 0);

	printf("\nLast request without a PASID to a fault-capable domain:\n");
	print_row(DELIVER_NONE, NULL, 0, 0);
	print_row(DELIVER_ANSWER, NULL, 0, 0);

	r2 = paired(cpu2[1], cpu2[0], opt.rounds, NULL);
	printf("\nTwo CPUs at once, each on its own device (PASID requests as above):\n");
	printf("  %-44s %12.0f faults/s\n", "no policy", median(cpu2[0], opt.rounds, NULL));
	printf("  %-44s %12.0f faults/s\n", "pass-through",
	       median(cpu2[1], opt.rounds, NULL));
	printf("  %-44s %12.2f\n", "pass-through / no policy", r2);
	/*
	 * Against one CPU's rate from the rows above: contention shows here.
	 * The goal is on scaling: a policy must not make the CPUs wait on
	 * each other (its cost on one CPU is the rows above).
	 */
	scale[0] = median(cpu2[0], opt.rounds, NULL) *
		   median(rows[NONE].s, rows[NONE].n, NULL) / 1e9;
	scale[1] = median(cpu2[1], opt.rounds, NULL) *
		   median(rows[PASS1].s, rows[PASS1].n, NULL) / 1e9;
	printf("  %-44s %12.2f\n", "scaling, no policy (2 CPUs / 1 CPU)", scale[0]);
	printf("  %-44s %12.2f\n", "scaling, pass-through (2 CPUs / 1 CPU)", scale[1]);
	printf("  %-44s %12.2f   goal >= 0.90: %s\n", "scaling, pass-through / no policy",
	       scale[1] / scale[0], scale[1] / scale[0] >= 0.90 ? "met" : "MISSED");

	latency();
	cleanup();
	return 0;
}
