// SPDX-License-Identifier: GPL-2.0
/*
 * iopf-vmm: a sample VMM-side program for tenant policies.  It owns a mock
 * device through iommufd (the iommufd mock IOMMU stands in for a VFIO
 * device bound with VFIO_DEVICE_BIND_IOMMUFD), attaches a policy to that
 * device's faults (or to its fault queue's) through libiopf with a tenant
 * scope, fires page requests at it, serves its fault queue (answers
 * SUCCESS to every group that reaches it) and prints what the device got,
 * one JSON object per line on stdout.
 *
 *   iopf-vmm [--policy NAME|FILE] [--set KEY=VALUE]... [--faults N]
 *            [--scope device|fault-queue] [--destroy-queue] [--hold]
 *
 * --policy     the policy to attach (default observe); attached as
 *              vmm_<device>
 * --set        a parameter; "@dev" in VALUE is the device's name
 * --faults N   page request groups to fire (default 3), one request each
 * --scope      what the policy is scoped to: its device (dev_id, the
 *              default) or its fault queue (fault_id: every page request
 *              delivered to the queue)
 * --destroy-queue  before closing the iommufd, detach the device from its
 *              fault queue and destroy the queue (and its HWPT), and
 *              report whether the kernel ejected the policy then
 * --hold       then wait for a line on stdin before closing the iommufd,
 *              and report whether the kernel ejected the policy then
 *
 * The iommufd is $IOPF_IOMMUFD (an fd its runtime passed, iopf-runtime),
 * else /dev/iommu.  The BPF token, if any, comes from
 * $LIBBPF_BPF_TOKEN_PATH through libbpf.  Exits 0, or 1 after an
 * {"error": ...} line.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <iopf/libiopf.h>
#include "iopf_mock.h"

#define MAX_SETS	8

static const char * const codes[] = { "success", "invalid", "failure" };

static int fail(const char *what, int err)
{
	printf("{\"error\": \"%s: %s\"}\n", what, strerror(err < 0 ? -err : err));
	return 1;
}

/* libiopf's reason for a failure, on stderr */
static void log_error(enum iopf_log_level level, const char *origin,
		      const char *msg, void *ctx)
{
	if (level == IOPF_LOG_ERROR)
		fprintf(stderr, "iopf-vmm: %s: %s%s", origin, msg,
			msg[strlen(msg) - 1] == '\n' ? "" : "\n");
}

static int open_iommufd(void)
{
	const char *env = getenv("IOPF_IOMMUFD");

	if (env && *env)
		return atoi(env);
	return open("/dev/iommu", O_RDWR | O_CLOEXEC);
}

int main(int argc, char **argv)
{
	const char *policy = "observe", *sets[MAX_SETS];
	int i, err, iommufd, nsets = 0, faults = 3, link;
	struct iopf_policy *p = NULL;
	struct mock_dev dev = { 0 };
	struct iommu_ioas_alloc ioas = { .size = sizeof(ioas) };
	bool hold = false, handled, queue_scope = false, destroy_queue = false;
	char name[32], line[16], scope[32];

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--policy") && i + 1 < argc)
			policy = argv[++i];
		else if (!strcmp(argv[i], "--set") && i + 1 < argc && nsets < MAX_SETS)
			sets[nsets++] = argv[++i];
		else if (!strcmp(argv[i], "--faults") && i + 1 < argc)
			faults = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--hold"))
			hold = true;
		else if (!strcmp(argv[i], "--scope") && i + 1 < argc &&
			 (!strcmp(argv[i + 1], "device") || !strcmp(argv[i + 1], "fault-queue")))
			queue_scope = !strcmp(argv[++i], "fault-queue");
		else if (!strcmp(argv[i], "--destroy-queue"))
			destroy_queue = true;
		else {
			fprintf(stderr, "usage: iopf-vmm [--policy NAME|FILE] [--set KEY=VALUE]... [--faults N]\n"
				"                [--scope device|fault-queue] [--destroy-queue] [--hold]\n");
			return 1;
		}
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	iopf_set_log(log_error, NULL);

	/* The device, as a VMM binds it: on an IOAS, with a fault queue */
	iommufd = open_iommufd();
	if (iommufd < 0)
		return fail("/dev/iommu", errno);
	if (ioctl(iommufd, IOMMU_IOAS_ALLOC, &ioas))
		return fail("IOMMU_IOAS_ALLOC", errno);
	err = mock_dev_create(iommufd, ioas.out_ioas_id, &dev);
	err = err ?: mock_dev_enable_faults(&dev);
	if (err)
		return fail("mock device", err);

	/* Its policy, scoped by the binding, or by the fault queue */
	snprintf(name, sizeof(name), "vmm_%s", dev.name);
	IOPF_OPTS(iopf_open_opts, oo, .name = name);
	IOPF_OPTS(iopf_scope_opts, so, .scope = IOPF_SCOPE_TENANT,
		  .iommufd = iommufd, .dev_id = dev.idev_id);
	if (queue_scope) {
		so.scope = IOPF_SCOPE_FAULT_QUEUE;
		so.dev_id = 0;
		so.fault_id = dev.fault_id;
		snprintf(scope, sizeof(scope), "fault:%u", dev.fault_id);
	} else {
		snprintf(scope, sizeof(scope), "%s", dev.name);
	}
	err = iopf_policy_open(policy, &oo, &p);
	for (i = 0; !err && i < nsets; i++) {
		char key[64], value[96], *eq = strchr(sets[i], '=');

		if (!eq || eq - sets[i] >= (int)sizeof(key))
			return fail("--set KEY=VALUE", EINVAL);
		snprintf(key, sizeof(key), "%.*s", (int)(eq - sets[i]), sets[i]);
		if (!strncmp(eq + 1, "@dev", 4))
			snprintf(value, sizeof(value), "%s%s", dev.name, eq + 5);
		else
			snprintf(value, sizeof(value), "%s", eq + 1);
		err = iopf_policy_set_param(p, key, value);
	}
	err = err ?: iopf_policy_set_scope(p, &so);
	err = err ?: iopf_policy_attach(p, NULL);
	if (err)
		return fail("attaching the policy", err);
	printf("{\"event\": \"attached\", \"policy\": \"%s\", \"device\": \"%s\", \"dev_id\": %u, \"fault_id\": %u, \"scope\": \"%s\", \"uid\": %u}\n",
	       name, dev.name, dev.idev_id, dev.fault_id, scope, (unsigned int)getuid());

	for (i = 1; i <= faults; i++) {
		int code = mock_fault_code(&dev, i, &handled);

		if (code < 0 || code > 2)
			return fail("a fault got no response", EPROTO);
		printf("{\"group\": %d, \"code\": \"%s\", \"via\": \"%s\"}\n", i,
		       codes[code], handled ? "handler" : "policy");
	}

	if (hold) {
		printf("{\"event\": \"holding\"}\n");
		if (!fgets(line, sizeof(line), stdin))
			line[0] = '\0';
	}
	link = iopf_policy_link_fd(p);
	/*
	 * The queue goes first: off the device, then its HWPT (iommufd
	 * destroys a queue no HWPT uses), its fd and itself; a policy scoped
	 * to it is ejected (owner-released)
	 */
	if (destroy_queue) {
		uint32_t fault_id = dev.fault_id;

		err = mock_dev_detach_faults(&dev);
		err = err ?: mock_destroy_object(iommufd, dev.iopf_hwpt_id);
		if (err)
			return fail("destroying the fault queue's HWPT", err);
		dev.iopf_hwpt_id = 0;
		close(dev.fault_fd);
		dev.fault_fd = -1;
		dev.fault_id = 0;
		err = mock_destroy_object(iommufd, fault_id);
		if (err)
			return fail("destroying the fault queue", err);
		if (link >= 0) {
			struct pollfd pfd = { .fd = link, .events = POLLIN };

			printf("{\"event\": \"queue-destroyed\", \"detached\": %s}\n",
			       poll(&pfd, 1, 2000) == 1 && (pfd.revents & POLLHUP) ?
			       "true" : "false");
		} else {
			printf("{\"event\": \"queue-destroyed\", \"detached\": true}\n");
		}
	}
	/* The binding ends: the kernel ejects the policy (owner-released) */
	if (dev.fault_fd >= 0)
		close(dev.fault_fd);
	close(iommufd);
	if (link >= 0) {
		struct pollfd pfd = { .fd = link, .events = POLLIN };

		printf("{\"event\": \"closed\", \"detached\": %s}\n",
		       poll(&pfd, 1, 2000) == 1 && (pfd.revents & POLLHUP) ?
		       "true" : "false");
	} else {
		printf("{\"event\": \"closed\", \"detached\": true}\n");
	}
	iopf_policy_close(p);
	return 0;
}
