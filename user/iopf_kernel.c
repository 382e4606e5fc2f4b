// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "iopf_kernel.h"

const char *iopf_kernel_dir(void)
{
	const char *dir = getenv("IOPF_DEBUGFS");

	return dir && *dir ? dir : IOPF_DEBUGFS_DIR;
}

static FILE *open_file(const char *file)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", iopf_kernel_dir(), file);
	return fopen(path, "re");
}

int iopf_kernel_available(void)
{
	FILE *f = open_file("policies");

	if (!f)
		return errno == ENOENT ? -ENOENT : -errno;
	fclose(f);
	return 0;
}

/* Copy the value of " key=" in @line into @buf; 0 or -ENOENT */
static int field(const char *line, const char *key, char *buf, size_t size)
{
	size_t klen = strlen(key);
	const char *p = line;

	while ((p = strstr(p, key))) {
		if ((p == line || p[-1] == ' ') && p[klen] == '=') {
			size_t n = strcspn(p + klen + 1, " \n");

			if (n >= size)
				n = size - 1;
			memcpy(buf, p + klen + 1, n);
			buf[n] = 0;
			return 0;
		}
		p += klen;
	}
	return -ENOENT;
}

static unsigned long long field_ull(const char *line, const char *key)
{
	char buf[32];

	return field(line, key, buf, sizeof(buf)) ? 0 : strtoull(buf, NULL, 0);
}

static void parse_policy(const char *line, struct iopf_policy_info *p)
{
	memset(p, 0, sizeof(*p));
	field(line, "name", p->name, sizeof(p->name));
	field(line, "scope", p->scope, sizeof(p->scope));
	field(line, "state", p->state, sizeof(p->state));
	field(line, "mode", p->mode, sizeof(p->mode));
	p->order = field_ull(line, "order");
	p->link_id = field_ull(line, "link_id");
	p->calls = field_ull(line, "calls");
	p->obeyed = field_ull(line, "obeyed");
	p->overridden = field_ull(line, "overridden");
	p->shadowed = field_ull(line, "shadowed");
}

int iopf_kernel_policies(struct iopf_policy_info *out, int max)
{
	char line[512];
	int n = 0;
	FILE *f = open_file("policies");

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f))
		if (n < max)
			parse_policy(line, &out[n++]);
	fclose(f);
	return n;
}

int iopf_kernel_policy(const char *name, struct iopf_policy_info *out)
{
	struct iopf_policy_info all[IOPF_MAX_POLICIES];
	int i, n = iopf_kernel_policies(all, IOPF_MAX_POLICIES);

	if (n < 0)
		return n;
	for (i = 0; i < n; i++) {
		if (!strcmp(all[i].name, name)) {
			*out = all[i];
			return 0;
		}
	}
	return -ENOENT;
}

int iopf_kernel_stat(const char *key, long long *value)
{
	char line[128], name[64];
	long long v;
	FILE *f = open_file("stats");

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%63s %lld", name, &v) == 2 && !strcmp(name, key)) {
			*value = v;
			fclose(f);
			return 0;
		}
	}
	fclose(f);
	return -ENOENT;
}

int iopf_kernel_ejections(struct iopf_ejection_info *out, int max)
{
	char line[512];
	int n = 0;
	FILE *f = open_file("ejections");

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f) && n < max) {
		struct iopf_ejection_info *e = &out[n++];
		const char *msg;

		memset(e, 0, sizeof(*e));
		e->seq = field_ull(line, "seq");
		e->time_ns = field_ull(line, "time_ns");
		field(line, "name", e->name, sizeof(e->name));
		field(line, "reason", e->reason, sizeof(e->reason));
		field(line, "action", e->action, sizeof(e->action));
		field(line, "device", e->device, sizeof(e->device));
		e->pasid = field_ull(line, "pasid");
		msg = strstr(line, " msg=");
		if (msg) {
			/* The last field, the rest of the line: it may hold spaces */
			snprintf(e->msg, sizeof(e->msg), "%.*s",
				 (int)strcspn(msg + 5, "\n"), msg + 5);
		}
	}
	fclose(f);
	return n;
}
