// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Read the kernel's iopf-bpf state from sysfs, one value per file
 * (kernel/src/Documentation/ABI/testing/sysfs-kernel-iopf).  A policy or an ejection that goes
 * away between the directory listing and the read of its files is skipped:
 * the kernel changed state meanwhile, and the caller sees the newer state.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "iopf_kernel.h"

const char *iopf_kernel_dir(void)
{
	const char *dir = getenv("IOPF_SYSFS");

	return dir && *dir ? dir : IOPF_SYSFS_DIR;
}

/* Read @dir/@file's one line (newline cut) into @buf: 0 or -errno */
static int read_value(const char *dir, const char *file, char *buf, size_t size)
{
	char path[512];
	size_t n;
	FILE *f;
	int err = 0;

	snprintf(path, sizeof(path), "%s/%s/%s", iopf_kernel_dir(), dir, file);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	if (!fgets(buf, size, f))
		err = ferror(f) ? -EIO : -ENODATA;
	fclose(f);
	if (err) {
		buf[0] = 0;
		return err;
	}
	n = strcspn(buf, "\n");
	buf[n] = 0;
	return 0;
}

static int read_ull(const char *dir, const char *file, unsigned long long *v)
{
	char buf[32], *end;
	int err = read_value(dir, file, buf, sizeof(buf));

	if (err)
		return err;
	errno = 0;
	*v = strtoull(buf, &end, 0);
	return errno || end == buf || *end ? -EINVAL : 0;
}

int iopf_kernel_available(void)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/policies", iopf_kernel_dir());
	return access(path, R_OK | X_OK) ? -errno : 0;
}

/* The names in @sub (policies or ejections) into a malloc'd array */
static int list_dir(const char *sub, char ***names)
{
	char path[512], **v = NULL;
	struct dirent *de;
	int n = 0, err = 0;
	DIR *d;

	snprintf(path, sizeof(path), "%s/%s", iopf_kernel_dir(), sub);
	d = opendir(path);
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		char **nv;

		if (de->d_name[0] == '.')
			continue;
		nv = realloc(v, (n + 1) * sizeof(*v));
		if (!nv || !(nv[n] = strdup(de->d_name))) {
			v = nv ?: v;
			err = -ENOMEM;
			break;
		}
		v = nv;
		n++;
	}
	closedir(d);
	if (err) {
		while (n--)
			free(v[n]);
		free(v);
		return err;
	}
	*names = v;
	return n;
}

static void free_names(char **v, int n)
{
	while (n--)
		free(v[n]);
	free(v);
}

/*
 * Read each entry of the directory @sub with @read into @out (@size bytes
 * each, at most @max), skipping the entries that went away meanwhile, and
 * sort them with @cmp.  Returns how many, or -errno.
 */
static int read_entries(const char *sub, int (*read)(const char *name, void *out),
			void *out, size_t size, int max,
			int (*cmp)(const void *, const void *))
{
	char **names;
	int i, n, got = 0, err = 0;

	n = list_dir(sub, &names);
	if (n < 0)
		return n;
	for (i = 0; i < n && got < max; i++) {
		err = read(names[i], (char *)out + got * size);
		if (err == -ENOENT)
			continue;
		if (err)
			break;
		got++;
	}
	free_names(names, n);
	if (err && err != -ENOENT)
		return err;
	qsort(out, got, size, cmp);
	return got;
}

/* One policy's files (@out: its struct iopf_policy_info); -ENOENT if it left meanwhile */
static int read_policy(const char *name, void *out)
{
	struct iopf_policy_info *p = out;
	char dir[300];
	unsigned long long link_id = 0, v = 0;
	int err;

	memset(p, 0, sizeof(*p));
	if (strlen(name) >= sizeof(p->name))
		return -ENAMETOOLONG;
	strcpy(p->name, name);
	snprintf(dir, sizeof(dir), "policies/%s", name);
	err = read_value(dir, "scope", p->scope, sizeof(p->scope));
	err = err ?: read_value(dir, "state", p->state, sizeof(p->state));
	err = err ?: read_value(dir, "mode", p->mode, sizeof(p->mode));
	err = err ?: read_ull(dir, "order", &p->order);
	err = err ?: read_ull(dir, "link_id", &link_id);
	err = err ?: read_ull(dir, "calls", &p->calls);
	err = err ?: read_ull(dir, "obeyed", &p->obeyed);
	err = err ?: read_ull(dir, "overridden", &p->overridden);
	err = err ?: read_ull(dir, "shadowed", &p->shadowed);
	p->link_id = link_id;
	p->sz = sizeof(*p);
	/* A kernel with tenant scopes says whose; without, a host policy of an unknown uid */
	p->uid = -1;
	if (!err && !read_ull(dir, "tenant", &v))
		p->tenant = v != 0;
	if (!err && !read_ull(dir, "uid", &v))
		p->uid = v;
	/* The kernel removes a policy's files while a read waits: ENODEV */
	return err == -ENODEV ? -ENOENT : err;
}

/*
 * Consultation order: the host's scoped policies, the host's global ones,
 * then tenant policies of a device and of its PASIDs (scope
 * "pasid:DEV_ID:PASID") together, then those of a fault queue (scope
 * "fault:ID"), each kind in attach order
 */
static int consultation_rank(const struct iopf_policy_info *p)
{
	if (p->tenant)
		return strncmp(p->scope, "fault:", 6) ? 2 : 3;
	return !strcmp(p->scope, "*");
}

static int by_consultation(const void *a, const void *b)
{
	const struct iopf_policy_info *x = a, *y = b;
	int xr = consultation_rank(x), yr = consultation_rank(y);

	if (xr != yr)
		return xr - yr;
	return x->order < y->order ? -1 : x->order > y->order;
}

int iopf_kernel_policies(struct iopf_policy_info *out, int max)
{
	return read_entries("policies", read_policy, out, sizeof(*out), max,
			    by_consultation);
}

int iopf_kernel_policy(const char *name, struct iopf_policy_info *out)
{
	/* Not a path: a name of the kernel's charset only */
	if (!*name || strchr(name, '/') || !strcmp(name, ".") || !strcmp(name, ".."))
		return -ENOENT;
	return read_policy(name, out);
}

int iopf_kernel_stat(const char *key, long long *value)
{
	unsigned long long v;
	int err;

	if (!*key || strchr(key, '/'))
		return -ENOENT;
	err = read_ull("stats", key, &v);
	if (!err)
		*value = v;
	return err;
}

/* One ejection's files (@out: its struct iopf_ejection_info); -ENOENT if pushed out of the ring */
static int read_ejection(const char *seq, void *out)
{
	struct iopf_ejection_info *e = out;
	char dir[300];
	unsigned long long v;
	int err;

	memset(e, 0, sizeof(*e));
	snprintf(dir, sizeof(dir), "ejections/%s", seq);
	e->seq = strtoul(seq, NULL, 10);
	err = read_ull(dir, "time_ns", &e->time_ns);
	err = err ?: read_value(dir, "name", e->name, sizeof(e->name));
	err = err ?: read_value(dir, "reason", e->reason, sizeof(e->reason));
	err = err ?: read_value(dir, "action", e->action, sizeof(e->action));
	err = err ?: read_value(dir, "device", e->device, sizeof(e->device));
	err = err ?: read_ull(dir, "pasid", &v);
	err = err ?: read_value(dir, "message", e->msg, sizeof(e->msg));
	e->pasid = v;
	e->sz = sizeof(*e);
	return err == -ENODEV ? -ENOENT : err;
}

static int by_seq(const void *a, const void *b)
{
	const struct iopf_ejection_info *x = a, *y = b;

	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

int iopf_kernel_ejections(struct iopf_ejection_info *out, int max)
{
	return read_entries("ejections", read_ejection, out, sizeof(*out), max,
			    by_seq);
}
