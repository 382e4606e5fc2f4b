// SPDX-License-Identifier: GPL-2.0
/*
 * iopf-bench: time the fault path through the mock IOMMU.
 *
 *   iopf-bench [FAULTS] [--policy-answers]
 *
 * Prints the mean cost per fault, in ns, of two paths:
 *   bad_setup  a device without fault handler: report, answer INVALID
 *   handler    a device whose faults go to an iommufd fault queue: report,
 *              read from the fault fd, answer SUCCESS (what a VMM does);
 *              with --policy-answers a policy answers them instead, and
 *              nothing is read (the path is then called "policy")
 * The devices are created in that order: iommufd_mock0 has no handler,
 * iommufd_mock1 has one (in a VM with no other mock device).
 * Each line: path=NAME faults=N ns_per_fault=X.  Compare runs made in the
 * same boot (the scripts in tools/bench alternate the settings under test).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "iopf_mock.h"

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static double run(struct mock_dev *dev, int n, int with_handler)
{
	struct mock_fault f = { .perm = 1, .addr = 0x1000 };
	struct iommu_test_iopf_response log[256];
	struct iommu_hwpt_pgfault rec;
	double t0 = now_ns();
	int i, result;

	for (i = 0; i < n; i++) {
		f.grpid = i & 0x1ff;
		if (mock_fault(dev, &f, &result))
			return -1;
		if (with_handler) {
			if (mock_read_faults(dev, &rec, 1) != 1 ||
			    mock_respond(dev, rec.cookie, 0))
				return -1;
		}
		/* Keep the mock's response log from filling up */
		if ((i & 127) == 127)
			mock_responses(dev->iommufd, log, 256, NULL);
	}
	mock_responses(dev->iommufd, log, 256, NULL);
	return (now_ns() - t0) / n;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 20000;
	bool policy_answers = argc > 2 && !strcmp(argv[2], "--policy-answers");
	struct mock_dev plain, handled;
	uint32_t ioas;
	int fd = mock_open(&ioas);
	double a, b;

	if (fd < 0 || mock_dev_create(fd, ioas, &plain) ||
	    mock_dev_create(fd, ioas, &handled) || mock_dev_enable_faults(&handled)) {
		fprintf(stderr, "iopf-bench: cannot set up mock devices\n");
		return 1;
	}
	a = run(&plain, n, 0);
	b = run(&handled, n, !policy_answers);
	if (a < 0 || b < 0) {
		fprintf(stderr, "iopf-bench: a fault failed\n");
		return 1;
	}
	printf("path=bad_setup faults=%d ns_per_fault=%.0f\n", n, a);
	printf("path=%s faults=%d ns_per_fault=%.0f\n",
	       policy_answers ? "policy" : "handler", n, b);
	mock_dev_destroy(&plain);
	mock_dev_destroy(&handled);
	close(fd);
	return 0;
}
