// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "iopf_test.h"

int policy_name(struct bpf_object *obj, const char *name, const char *dev)
{
	int err = iopf_ops_set_str(obj, "name", name);

	if (!err && dev)
		err = iopf_ops_set_str(obj, "dev_name", dev);
	return err;
}

struct bpf_link *policy_attach(struct bpf_object *obj)
{
	struct bpf_map *map = iopf_ops_map(obj);

	if (!map) {
		errno = ENOENT;
		return NULL;
	}
	return bpf_map__attach_struct_ops(map);
}

bool policy_wait_detached(struct bpf_link *link, int ms)
{
	struct pollfd pfd = { .fd = bpf_link__fd(link), .events = POLLIN };

	/* A struct_ops link reports EPOLLHUP once detached */
	return poll(&pfd, 1, ms) == 1 && (pfd.revents & POLLHUP);
}

bool policy_wait_gone(const char *name, int ms)
{
	struct iopf_policy_info info;

	for (; ms > 0; ms -= 10) {
		if (iopf_kernel_policy(name, &info) == -ENOENT)
			return true;
		usleep(10000);
	}
	return false;
}

bool policy_ejection(const char *name, struct iopf_ejection_info *out)
{
	struct iopf_ejection_info all[64];
	int i, n = iopf_kernel_ejections(all, 64);

	for (i = n - 1; i >= 0; i--) {
		if (!strcmp(all[i].name, name)) {
			*out = all[i];
			return true;
		}
	}
	return false;
}

long long iopf_stat(const char *key)
{
	long long v;

	return iopf_kernel_stat(key, &v) ? -1 : v;
}

long long iopf_static_key(void)
{
	const char *dir = getenv("IOPF_DEBUGFS");
	char path[256];
	long long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "%s/static_key",
		 dir && *dir ? dir : "/sys/kernel/debug/iopf");
	f = fopen(path, "re");
	if (!f)
		return -1;
	if (fscanf(f, "%lld", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}
