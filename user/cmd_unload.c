// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * iopfctl unload NAME|--all: detach a policy through the link id the
 * kernel lists for it, whoever attached it, and remove its pins (iopf_unload()), which
 * releases the links of its other programs; for a policy the kernel has
 * ejected, only the stale pins are left to remove.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "iopf_kernel.h"
#include "iopfctl.h"

/* What unload did, for --json: printed only if it all worked */
struct unload_report {
	struct name_list unloaded, kept, stale;
};

/* iopf_unload() @name, and say what it did: EXIT_OK or why not */
static int unload_one(const char *name, struct unload_report *r, bool stale_only)
{
	int ret = iopf_unload(name);

	if (ret == -ENOENT && stale_only)
		return EXIT_OK;
	if (ret == -ENOENT)
		return lib_fail(EXIT_NOT_ATTACHED, NULL);
	if (ret < 0)
		return lib_fail(EXIT_KERNEL_ERROR, NULL);
	if (ret & IOPF_UNLOAD_STALE_PINS) {
		if (r)
			name_list_add(&r->stale, name);
		else
			printf("iopfctl: removed the pins of %s (no longer attached)%s\n", name,
			       ret & IOPF_UNLOAD_PINS_KEPT ?
			       "; kept the directory: it holds files iopfctl did not pin" : "");
	} else if (r) {
		name_list_add(&r->unloaded, name);
		if (ret & IOPF_UNLOAD_PINS_KEPT)
			name_list_add(&r->kept, name);
	} else if (ret & IOPF_UNLOAD_PINS_KEPT) {
		printf("iopfctl: unloaded %s; kept %s/%s: it holds files iopfctl did not pin\n",
		       name, IOPF_PIN_ROOT, name);
	} else {
		printf("iopfctl: unloaded %s\n", name);
	}
	return EXIT_OK;
}

static void print_report(const struct unload_report *r)
{
	struct json *j = json_new();

	json_begin_obj(j, NULL);
	json_name_list(j, "unloaded", &r->unloaded);
	/* Pin directories left: they hold files iopfctl did not pin */
	json_name_list(j, "kept_pin_dirs", &r->kept);
	/* Names whose policy the kernel had ejected: only pins were left */
	json_name_list(j, "stale_pins_removed", &r->stale);
	json_end_obj(j);
	json_done(j);
}

int cmd_unload(int argc, char **argv)
{
	struct iopf_policy_info p[IOPF_MAX_POLICIES];
	static struct unload_report report;
	struct unload_report *r = json_output ? &report : NULL;
	int n, i, status = EXIT_OK;
	struct dirent *de;
	DIR *d;

	if (argc != 2)
		return usage_error();
	if (strcmp(argv[1], "--all")) {
		if (!valid_name(argv[1]))
			return fail(EXIT_NOT_ATTACHED, "no policy named '%s' is attached", argv[1]);
		n = iopf_kernel_available();
		if (n)
			return kernel_error(n, "reading attached policies");
		status = unload_one(argv[1], r, false);
		goto out;
	}
	n = iopf_list_policies(p, IOPF_MAX_POLICIES, sizeof(p[0]));
	if (n < 0)
		return kernel_error(n, "reading attached policies");
	for (i = 0; i < n; i++)
		status = unload_one(p[i].name, r, false) ?: status;
	/* The pins no attached policy has, as after an ejection */
	d = opendir(IOPF_PIN_ROOT);
	while (d && (de = readdir(d))) {
		struct iopf_policy_info info;

		/* Attached (by a load since the list): not stale */
		if (de->d_name[0] == '.' || !valid_name(de->d_name) ||
		    !iopf_kernel_policy(de->d_name, &info))
			continue;
		/* How many stale pins went does not change the status */
		unload_one(de->d_name, r, true);
	}
	if (d)
		closedir(d);
out:
	if (r && !status)
		print_report(r);
	return status;
}
