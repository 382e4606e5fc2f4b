// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * iopfctl list, show and policies: the attached policies and the recent
 * ejections, as the kernel reports them in sysfs; one policy; and the
 * built-in policies with their parameters; each as text or, with --json,
 * as one JSON document.  Times are ISO 8601 in UTC, with their zone (Z).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "iopf_kernel.h"
#include "iopfctl.h"

static void print_policy_row(const struct iopf_policy_info *p)
{
	printf("%-20s %-16s %5llu %-8s %6u  %-6s %10llu %10llu %10llu %10llu\n",
	       p->name, p->scope, p->order, p->state, p->link_id, p->mode,
	       p->calls, p->obeyed, p->overridden, p->shadowed);
}

static void ejection_json(struct json *j, const char *key,
			  const struct iopf_ejection_info *e)
{
	char when[32];

	json_begin_obj(j, key);
	json_unum(j, "seq", e->seq);
	json_str(j, "name", e->name);
	json_str(j, "reason", e->reason);
	json_str(j, "action", e->action);
	json_str(j, "message", e->msg);
	json_str(j, "device", e->device);
	/* The kernel records PASID 0 (IOMMU_NO_PASID) for a request without one */
	json_pasid(j, e->pasid, e->pasid);
	json_unum(j, "time_ns", e->time_ns);
	json_str(j, "time", iso_time(e->time_ns, when));
	json_end_obj(j);
}

static void ejection_text(const struct iopf_ejection_info *e)
{
	const char *dev = e->device[0] ? e->device : "-";
	char when[32], pasid[16];

	iso_time(e->time_ns, when);
	if (e->msg[0])
		printf("  %s %s: %s: \"%s\" (device %s, pasid %s)\n", when,
		       e->name, e->reason, e->msg, dev, pasid_text(e->pasid, e->pasid, pasid));
	else if (!strcmp(e->action, "default"))
		printf("  %s %s: %s (device %s)\n", when, e->name, e->reason, dev);
	else
		printf("  %s %s: %s (decide returned %s, device %s, pasid %s)\n",
		       when, e->name, e->reason, e->action, dev, pasid_text(e->pasid, e->pasid, pasid));
}

int cmd_list(int argc, char **argv)
{
	struct iopf_policy_info p[IOPF_MAX_POLICIES];
	struct iopf_ejection_info ej[64];
	int n, ne, i, tenants;
	struct json *j;

	if (argc != 1)
		return usage_error();
	n = iopf_list_policies(p, IOPF_MAX_POLICIES, sizeof(p[0]));
	if (n < 0)
		return kernel_error(n, "reading attached policies");
	ne = iopf_list_ejections(ej, 64, sizeof(ej[0]));
	if (ne < 0)
		ne = 0;
	if (json_output) {
		j = json_new();
		json_begin_obj(j, NULL);
		json_begin_arr(j, "policies");
		for (i = 0; i < n; i++) {
			json_begin_obj(j, NULL);
			print_policy_json(j, &p[i]);
			json_end_obj(j);
		}
		json_end_arr(j);
		json_begin_arr(j, "ejections");
		for (i = 0; i < ne; i++)
			ejection_json(j, NULL, &ej[i]);
		json_end_arr(j);
		json_end_obj(j);
		json_done(j);
		return EXIT_OK;
	}
	printf("%-20s %-16s %5s %-8s %6s  %-6s %10s %10s %10s %10s\n", "NAME", "SCOPE",
	       "ORDER", "STATE", "LINK", "MODE", "CALLS", "OBEYED", "OVERRIDDEN",
	       "SHADOWED");
	for (i = 0; i < n; i++)
		print_policy_row(&p[i]);
	if (!n)
		printf("(no policy attached)\n");
	printf("decide() calls, answers obeyed, overridden, or not obeyed in shadow; device-scoped policies are asked first\n");
	/* Only when there are some: the table stays what it was for hosts */
	for (i = 0, tenants = 0; i < n; i++) {
		if (!p[i].tenant)
			continue;
		printf("%s %s (uid %lld)", tenants++ ? "," : "tenant policies (asked after the host's):",
		       p[i].name, p[i].uid);
	}
	if (tenants)
		printf("\n");
	for (i = 0; i < ne; i++) {
		if (!i)
			printf("\nrecent ejections (UTC):\n");
		ejection_text(&ej[i]);
	}
	return EXIT_OK;
}

/* iopfctl show NAME: one attached policy, and its last ejection if any */
int cmd_show(int argc, char **argv)
{
	struct iopf_ejection_info ej[64], *last = NULL;
	struct iopf_policy_info p;
	char dir[256];
	struct json *j;
	int status, ne, i;

	if (argc != 2)
		return usage_error();
	status = find_policy(argv[1], &p);
	if (status)
		return status;
	ne = iopf_list_ejections(ej, 64, sizeof(ej[0]));
	for (i = ne - 1; i >= 0 && !last; i--)
		if (!strcmp(ej[i].name, p.name) && strcmp(p.state, "live"))
			last = &ej[i];

	if (json_output) {
		j = json_new();
		json_begin_obj(j, NULL);
		print_policy_json(j, &p);
		if (last)
			ejection_json(j, "ejection", last);
		json_end_obj(j);
		json_done(j);
		return EXIT_OK;
	}
	printf("name:       %s\n", p.name);
	printf("scope:      %s\n", strcmp(p.scope, "*") ? p.scope : "* (all devices)");
	printf("order:      %llu\n", p.order);
	printf("state:      %s\n", p.state);
	printf("mode:       %s\n", p.mode);
	printf("link:       %u\n", p.link_id);
	printf("pinned:     %s\n", pinned_link(p.name, dir) ?: "-");
	if (p.tenant)
		printf("owner:      tenant, uid %lld\n", p.uid);
	printf("calls:      %llu\n", p.calls);
	printf("obeyed:     %llu\n", p.obeyed);
	printf("overridden: %llu\n", p.overridden);
	printf("shadowed:   %llu\n", p.shadowed);
	if (last) {
		printf("ejected (UTC):\n");
		ejection_text(last);
	}
	return EXIT_OK;
}

int cmd_policies(int argc, char **argv)
{
	const struct builtin *b;
	const struct builtin_param *pp;
	struct json *j;

	if (argc != 1)
		return usage_error();
	if (!json_output) {
		for (b = builtins; b->name; b++) {
			printf("%-16s %s\n", b->name, b->summary);
			for (pp = b->params; pp->name; pp++)
				printf("    --set %-22s %s\n", pp->name, pp->help);
		}
		return EXIT_OK;
	}
	j = json_new();
	json_begin_arr(j, NULL);
	for (b = builtins; b->name; b++) {
		json_begin_obj(j, NULL);
		json_str(j, "name", b->name);
		json_str(j, "summary", b->summary);
		json_begin_arr(j, "parameters");
		for (pp = b->params; pp->name; pp++) {
			json_begin_obj(j, NULL);
			json_str(j, "name", pp->name);
			json_str(j, "help", pp->help);
			json_end_obj(j);
		}
		json_end_arr(j);
		json_end_obj(j);
	}
	json_end_arr(j);
	json_done(j);
	return EXIT_OK;
}
