// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * iopfctl list and iopfctl policies: the attached policies and the recent
 * ejections, as the kernel reports them in sysfs, and the built-in
 * policies with their parameters; each as a table or, with --json, as one
 * JSON document.
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

int cmd_list(int argc, char **argv)
{
	struct iopf_policy_info p[IOPF_MAX_POLICIES];
	struct iopf_ejection_info ej[64];
	int n = iopf_kernel_policies(p, IOPF_MAX_POLICIES), ne, i;
	struct json *j;

	if (n < 0)
		return kernel_error(n, "reading attached policies");
	ne = iopf_kernel_ejections(ej, 64);
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
		for (i = 0; i < ne; i++) {
			json_begin_obj(j, NULL);
			json_str(j, "name", ej[i].name);
			json_str(j, "reason", ej[i].reason);
			json_str(j, "action", ej[i].action);
			json_str(j, "message", ej[i].msg);
			json_str(j, "device", ej[i].device);
			json_num(j, "pasid", ej[i].pasid);
			json_num(j, "time_ns", ej[i].time_ns);
			json_end_obj(j);
		}
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
	for (i = 0; i < ne; i++) {
		time_t t = ej[i].time_ns / 1000000000ULL;
		const char *dev = ej[i].device[0] ? ej[i].device : "-";
		char when[32];

		if (!i)
			printf("\nrecent ejections:\n");
		strftime(when, sizeof(when), "%F %T", gmtime(&t));
		if (ej[i].msg[0])
			printf("  %s %s: %s: \"%s\" (device %s, pasid %#x)\n", when,
			       ej[i].name, ej[i].reason, ej[i].msg, dev,
			       ej[i].pasid);
		else if (!strcmp(ej[i].action, "default"))
			printf("  %s %s: %s (device %s)\n", when, ej[i].name,
			       ej[i].reason, dev);
		else
			printf("  %s %s: %s (decide returned %s, device %s, pasid %#x)\n",
			       when, ej[i].name, ej[i].reason, ej[i].action,
			       dev, ej[i].pasid);
	}
	return EXIT_OK;
}

int cmd_policies(int argc, char **argv)
{
	const struct builtin *b;
	const struct builtin_param *pp;
	struct json *j;

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
