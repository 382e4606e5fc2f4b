// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * What the kernel has attached, for the library's callers: the sysfs
 * reader iopfctl and the selftests share (user/iopf_kernel.c), copied out
 * at the caller's struct size, so that a caller built against an older,
 * shorter struct iopf_policy_info gets what it knows of.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* Room for sz, at least: an entry's size as the caller's header has it */
static int check_info_sz(size_t info_sz, const char *type)
{
	if (info_sz < sizeof(size_t)) {
		libiopf_err("struct %s: size %zu is too small", type, info_sz);
		return -EINVAL;
	}
	return 0;
}

/* Copy @n entries of @size bytes from @src to @dst at the caller's @info_sz */
static void copy_out(void *dst, const void *src, int n, size_t size, size_t info_sz)
{
	size_t len = info_sz < size ? info_sz : size;
	int i;

	for (i = 0; i < n; i++) {
		char *d = (char *)dst + i * info_sz;

		memset(d, 0, info_sz);
		memcpy(d, (const char *)src + i * size, len);
		*(size_t *)d = len;
	}
}

int iopf_kernel_check(void)
{
	return iopf_kernel_available();
}

int iopf_list_policies(struct iopf_policy_info *out, unsigned int max, size_t info_sz)
{
	struct iopf_policy_info *p;
	int n, err = check_info_sz(info_sz, "iopf_policy_info");

	if (err)
		return err;
	if (!out && max) {
		libiopf_err("iopf_list_policies: NULL array");
		return -EINVAL;
	}
	/* All of them, whatever @max: the kernel's order is by sorting all */
	p = calloc(IOPF_MAX_POLICIES, sizeof(*p));
	if (!p)
		return -ENOMEM;
	n = iopf_kernel_policies(p, IOPF_MAX_POLICIES);
	if (n < 0)
		libiopf_err("reading attached policies: %s", strerror(-n));
	else
		copy_out(out, p, (unsigned int)n < max ? n : (int)max, sizeof(*p), info_sz);
	free(p);
	return n;
}

int iopf_get_policy(const char *name, struct iopf_policy_info *out, size_t info_sz)
{
	struct iopf_policy_info p;
	int err = check_info_sz(info_sz, "iopf_policy_info");

	if (err)
		return err;
	if (!name || !out) {
		libiopf_err("iopf_get_policy: NULL argument");
		return -EINVAL;
	}
	err = iopf_kernel_policy(name, &p);
	if (err == -ENOENT)
		libiopf_err("no policy named '%s' is attached", name);
	else if (err)
		libiopf_err("reading attached policies: %s", strerror(-err));
	else
		copy_out(out, &p, 1, sizeof(p), info_sz);
	return err;
}

int iopf_list_ejections(struct iopf_ejection_info *out, unsigned int max, size_t info_sz)
{
	struct iopf_ejection_info *e;
	int n, err = check_info_sz(info_sz, "iopf_ejection_info");

	if (err)
		return err;
	if (!out && max) {
		libiopf_err("iopf_list_ejections: NULL array");
		return -EINVAL;
	}
	/* The kernel keeps 16; room for more, should it keep more */
	e = calloc(IOPF_MAX_POLICIES, sizeof(*e));
	if (!e)
		return -ENOMEM;
	n = iopf_kernel_ejections(e, IOPF_MAX_POLICIES);
	if (n < 0) {
		libiopf_err("reading ejections: %s", strerror(-n));
	} else if ((unsigned int)n > max) {
		/* The latest ones: the oldest are what a short array loses */
		copy_out(out, e + (n - max), max, sizeof(*e), info_sz);
		n = max;
	} else {
		copy_out(out, e, n, sizeof(*e), info_sz);
	}
	free(e);
	return n;
}

int iopf_global_stat(const char *key, long long *value)
{
	int err;

	if (!key || !value) {
		libiopf_err("iopf_global_stat: NULL argument");
		return -EINVAL;
	}
	err = iopf_kernel_stat(key, value);
	if (err)
		libiopf_err("reading counter %s: %s", key, strerror(-err));
	return err;
}
