// SPDX-License-Identifier: GPL-2.0
/*
 * iopf-fire: fire I/O page faults through the iommufd mock IOMMU and show
 * what each mock device received.  For the demo and the loader's tests.
 *
 *   iopf-fire [--devices N] [--no-handler I] [--real-driver] [--ledger]
 *             [--setup 'SHELL COMMAND'] [--during 'SHELL COMMAND'] STEP...
 *
 * Creates N mock devices (default 1), each attached to a nested domain with
 * an iommufd fault queue (its "handler"), except those given --no-handler.
 * Their names are exported as DEV0, DEV1, ... to the --setup command, run
 * before the first fault (to load policies scoped to them).  --real-driver
 * turns the mock's user_pasid_table off, as on Intel/AMD/SMMUv3.
 *
 * A STEP is I:KIND[:key=value...] with KIND last, partial, storm (count
 * last requests with increasing group ids), pending (last requests left
 * unanswered at the handler until the device is destroyed) or abort (a
 * last request whose group allocation fails, by fault injection), and
 * keys pasid, grpid, count, addr, perm (IOMMU_FAULT_PERM_*: 1 read, 2
 * write).  Other groups that reach the handler are
 * answered SUCCESS, as a VMM would after fixing the mapping.  The devices
 * are destroyed at the end, then one line per device:
 *   device NAME sent=N partial=N handler=N faults_at_handler=N success=N invalid=N failure=N bad_setup=N
 * where handler counts groups delivered to the fault fd, faults_at_handler
 * their faults, and bad_setup the requests the core answered -EINVAL.
 *
 * --during runs a command after --setup and repeats the STEPs until it
 * exits (its failure is ours).  --ledger checks each last request of a
 * device without pending groups as it is fired: the responses logged by
 * then must be exactly one for its (device, PASID, group); and prints
 *   ledger groups=N once=N missing=N duplicate=N stray=N
 * where stray counts responses for anything else.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include "iopf_mock.h"

#define MAX_DEVS 8
#define LOG_MAX 4096

struct tally {
	unsigned int sent, partial, handler, handler_faults, bad_setup;
	unsigned int codes[3];
};

static struct mock_dev devs[MAX_DEVS];
static bool pending[MAX_DEVS];	/* leave its groups at the handler */
static struct tally tally[MAX_DEVS];
static bool ledger;
static struct {
	unsigned int groups, once, missing, duplicate, stray;
} book;
static struct iommu_test_iopf_response logbuf[LOG_MAX];
static int nr_devs = 1, iommufd;

static void drain_handler(int i)
{
	struct iommu_hwpt_pgfault rec[64];
	int n, k;

	if (devs[i].fault_fd < 0 || pending[i])
		return;
	while ((n = mock_read_faults(&devs[i], rec, 64)) > 0) {
		for (k = 0; k < n; k++) {
			tally[i].handler_faults++;
			if (!(rec[k].flags & IOMMU_PGFAULT_FLAGS_LAST_PAGE))
				continue;
			tally[i].handler++;
			mock_respond(&devs[i], rec[k].cookie, 0);
		}
	}
}

/* Tally the logged responses; how many are for @want (NULL: none) */
static unsigned int drain_log_for(const struct mock_dev *want, uint32_t pasid,
				  uint32_t grpid)
{
	unsigned int matched = 0;
	int n, k, i;

	while ((n = mock_responses(iommufd, logbuf, LOG_MAX, NULL)) > 0)
		for (k = 0; k < n; k++) {
			for (i = 0; i < nr_devs; i++)
				if (logbuf[k].mock_id == devs[i].mock_id && logbuf[k].code < 3)
					tally[i].codes[logbuf[k].code]++;
			if (want && logbuf[k].mock_id == want->mock_id &&
			    logbuf[k].pasid == pasid && logbuf[k].grpid == grpid)
				matched++;
			else
				book.stray++;
		}
	return matched;
}

/* The ledger of one last request just fired and drained at the handler */
static void ledger_check_group(int i, const struct mock_fault *f)
{
	unsigned int n = drain_log_for(&devs[i], f->pasid, f->grpid);

	book.groups++;
	book.once += n == 1;
	book.missing += !n;
	book.duplicate += n > 1;
}

/* Make the @nth fault-injection point of this thread's next syscall fail */
static int fail_nth(int nth)
{
	int fd = open("/proc/thread-self/fail-nth", O_WRONLY);
	int ok = fd >= 0 && dprintf(fd, "%d", nth) > 0;

	if (fd >= 0)
		close(fd);
	return ok ? 0 : -1;
}

static void write_file(const char *path, const char *value)
{
	int fd = open(path, O_WRONLY);

	if (fd >= 0) {
		if (write(fd, value, strlen(value)) < 0)
			perror(path);
		close(fd);
	}
}

#define FAILSLAB	"/sys/kernel/debug/failslab/"

/* The injection points this thread has left to pass, -1 if unreadable */
static int fail_nth_left(void)
{
	char buf[16] = "";
	int fd = open("/proc/thread-self/fail-nth", O_RDONLY);
	ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;

	if (fd >= 0)
		close(fd);
	return n > 0 ? atoi(buf) : -1;
}

static void aim_anywhere(void)
{
	write_file(FAILSLAB "require-start", "0");
	write_file(FAILSLAB "require-end", "18446744073709551615");
}

/*
 * With the fault-injection stack filter (CONFIG_FAULT_INJECTION_STACKTRACE_
 * FILTER, the debug kernel), let only allocations made inside
 * iommu_report_device_fault() fail.  kmemleak allocates its own record of
 * each allocation right after it and survives a failure there from a
 * reserve pool: counting fail-nth points through it, the injected failure
 * would land in kmemleak and the fault would go through.  The filter is
 * global: put back at exit and after each abort.  Returns 1 if set, 0
 * without the filter, -1 if the filter exists but the function was not
 * found in /proc/kallsyms.
 */
static int aim_at_report(void)
{
	static unsigned long long start, end = ~0ULL;
	char line[256], name[200], t;
	unsigned long long a;
	FILE *ks;

	if (access(FAILSLAB "require-start", W_OK))
		return 0;
	if (!start) {
		ks = fopen("/proc/kallsyms", "r");
		if (!ks)
			return -1;
		while (fgets(line, sizeof(line), ks))
			if (sscanf(line, "%llx %c %199s", &a, &t, name) == 3 &&
			    !strcmp(name, "iommu_report_device_fault"))
				start = a;
		rewind(ks);
		/* Its end: the next symbol up (kallsyms is not sorted everywhere) */
		while (start && fgets(line, sizeof(line), ks))
			if (sscanf(line, "%llx %c %199s", &a, &t, name) == 3 &&
			    a > start && a < end)
				end = a;
		fclose(ks);
		if (!start || end == ~0ULL) {
			start = 0;
			return -1;
		}
		atexit(aim_anywhere);
	}
	snprintf(line, sizeof(line), "%llu", start);
	write_file(FAILSLAB "require-start", line);
	snprintf(line, sizeof(line), "%llu", end);
	write_file(FAILSLAB "require-end", line);
	return 1;
}

/*
 * Report a fault whose group allocation fails.  The trigger ioctl passes
 * iommufd's own injection points first (a failure there is an error before
 * the fault is reported): move on until the fault gets through, which it
 * may only do by passing the injected failure.
 */
static int fire_abort(int i, struct mock_fault *f, int *result)
{
	static bool armed;
	int aimed, nth, err = -1;

	/* GFP_KERNEL allocations fail only with ignore-gfp-wait off */
	if (!armed) {
		write_file(FAILSLAB "ignore-gfp-wait", "N");
		write_file(FAILSLAB "verbose", "0");
		armed = true;
	}
	aimed = aim_at_report();
	if (aimed < 0) {
		fprintf(stderr, "iopf-fire: the fault-injection stack filter is there, but not iommu_report_device_fault in /proc/kallsyms\n");
		return -1;
	}
	for (nth = 1; nth <= 16 && err; nth++) {
		if (fail_nth(nth)) {
			fprintf(stderr, "iopf-fire: fail-nth: %s (needs CONFIG_FAULT_INJECTION_DEBUG_FS, FAILSLAB)\n",
				strerror(errno));
			err = -1;
			break;
		}
		err = mock_fault(&devs[i], f, result);
		if (!err && fail_nth_left() > 0) {
			fprintf(stderr, "iopf-fire: the fault was reported without reaching the injected failure\n");
			err = -1;
			break;
		}
	}
	fail_nth(0);
	if (aimed)
		aim_anywhere();
	return err;
}

static int fire(int i, struct mock_fault *f, bool abort)
{
	int result = 0;

	if (abort ? fire_abort(i, f, &result) : mock_fault(&devs[i], f, &result)) {
		fprintf(stderr, "iopf-fire: trigger failed: %s\n", strerror(errno));
		return -1;
	}
	tally[i].sent++;
	tally[i].partial += f->partial;
	tally[i].bad_setup += result == -EINVAL;
	drain_handler(i);
	if (ledger && !f->partial && !pending[i])
		ledger_check_group(i, f);
	return 0;
}

static int step(char *spec)
{
	struct mock_fault f = { .perm = IOMMU_PGFAULT_PERM_READ, .addr = 0x10000 };
	char *tok, *save, *kind;
	unsigned long count = 1, n;
	int i;

	tok = strtok_r(spec, ":", &save);
	kind = strtok_r(NULL, ":", &save);
	if (!tok || !kind)
		return -1;
	i = atoi(tok);
	if (i < 0 || i >= nr_devs)
		return -1;
	while ((tok = strtok_r(NULL, ":", &save))) {
		char *eq = strchr(tok, '=');
		unsigned long v;

		if (!eq)
			return -1;
		v = strtoul(eq + 1, NULL, 0);
		if (!strncmp(tok, "pasid=", 6))
			f.pasid = v;
		else if (!strncmp(tok, "grpid=", 6))
			f.grpid = v;
		else if (!strncmp(tok, "count=", 6))
			count = v;
		else if (!strncmp(tok, "addr=", 5))
			f.addr = v;
		else if (!strncmp(tok, "perm=", 5))
			f.perm = v;
		else
			return -1;
	}
	if (!strcmp(kind, "partial"))
		f.partial = true;
	else if (!strcmp(kind, "pending"))
		pending[i] = true;
	else if (strcmp(kind, "last") && strcmp(kind, "storm") && strcmp(kind, "abort"))
		return -1;
	for (n = 0; n < count; n++) {
		if (fire(i, &f, !strcmp(kind, "abort")))
			return -1;
		if (!strcmp(kind, "storm"))
			f.grpid++;
		f.addr += 0x1000;
	}
	return 0;
}

int main(int argc, char **argv)
{
	const char *setup = NULL, *during = NULL;
	pid_t during_pid = -1;
	int wstatus = 0;
	bool no_handler[MAX_DEVS] = {}, real_driver = false;
	uint32_t ioas;
	char name[16];
	int a, i, status = 0;

	for (a = 1; a < argc && argv[a][0] == '-'; a++) {
		if (!strcmp(argv[a], "--devices") && a + 1 < argc)
			nr_devs = atoi(argv[++a]);
		else if (!strcmp(argv[a], "--no-handler") && a + 1 < argc)
			no_handler[atoi(argv[++a]) % MAX_DEVS] = true;
		else if (!strcmp(argv[a], "--real-driver"))
			real_driver = true;
		else if (!strcmp(argv[a], "--setup") && a + 1 < argc)
			setup = argv[++a];
		else if (!strcmp(argv[a], "--during") && a + 1 < argc)
			during = argv[++a];
		else if (!strcmp(argv[a], "--ledger"))
			ledger = true;
		else
			goto usage;
	}
	if (nr_devs < 1 || nr_devs > MAX_DEVS)
		goto usage;

	iommufd = mock_open(&ioas);
	if (iommufd < 0) {
		fprintf(stderr, "iopf-fire: /dev/iommu: %s (needs CONFIG_IOMMUFD_TEST)\n",
			strerror(-iommufd));
		return 1;
	}
	drain_log_for(NULL, 0, 0);	/* what others left in the log */
	memset(&book, 0, sizeof(book));
	for (i = 0; i < nr_devs; i++) {
		if (mock_dev_create(iommufd, ioas, &devs[i]) ||
		    (!no_handler[i] && mock_dev_enable_faults(&devs[i]))) {
			fprintf(stderr, "iopf-fire: cannot create mock device %d: %s\n", i, strerror(errno));
			return 1;
		}
		snprintf(name, sizeof(name), "DEV%d", i);
		setenv(name, devs[i].name, 1);
	}
	if (real_driver)
		mock_set_user_pasid_table(iommufd, false, NULL);
	memset(tally, 0, sizeof(tally));
	if (setup && system(setup) != 0) {
		fprintf(stderr, "iopf-fire: setup command failed: %s\n", setup);
		status = 1;
		goto out;
	}
	if (during) {
		during_pid = fork();
		if (!during_pid) {
			execl("/bin/sh", "sh", "-c", during, (char *)NULL);
			_exit(127);
		}
	}
	do {
		for (i = a; i < argc && !status; i++) {
			char *spec = strdup(argv[i]);

			if (step(spec)) {
				fprintf(stderr, "iopf-fire: bad step '%s'\n", argv[i]);
				status = 1;
			}
			free(spec);
		}
	} while (!status && during_pid > 0 && !waitpid(during_pid, &wstatus, WNOHANG));
	if (during_pid > 0) {
		if (status)
			kill(during_pid, SIGTERM);
		waitpid(during_pid, &wstatus, 0);
		if (!WIFEXITED(wstatus) || WEXITSTATUS(wstatus)) {
			fprintf(stderr, "iopf-fire: --during command failed: %s\n", during);
			status = 1;
		}
	}
	for (i = 0; i < nr_devs; i++) {
		drain_handler(i);
		/* Pending groups are answered now, by iommufd */
		mock_dev_destroy(&devs[i]);
	}
	drain_log_for(NULL, 0, 0);
	for (i = 0; i < nr_devs; i++)
		printf("device %s sent=%u partial=%u handler=%u faults_at_handler=%u success=%u invalid=%u failure=%u bad_setup=%u\n",
		       devs[i].name, tally[i].sent, tally[i].partial, tally[i].handler,
		       tally[i].handler_faults, tally[i].codes[0], tally[i].codes[1],
		       tally[i].codes[2], tally[i].bad_setup);
	if (ledger)
		printf("ledger groups=%u once=%u missing=%u duplicate=%u stray=%u\n",
		       book.groups, book.once, book.missing, book.duplicate, book.stray);
out:
	if (real_driver)
		mock_set_user_pasid_table(iommufd, true, NULL);
	for (i = 0; i < nr_devs; i++)
		mock_dev_destroy(&devs[i]);
	close(iommufd);
	return status;
usage:
	fprintf(stderr, "usage: iopf-fire [--devices N] [--no-handler I] [--real-driver] [--ledger] [--setup CMD] [--during CMD]\n"
		"                 I:last|partial|storm|pending|abort[:pasid=P][:grpid=G][:count=N][:addr=A][:perm=M]...\n");
	return 2;
}
