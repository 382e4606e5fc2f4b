// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * iopfctl unload NAME|--all: detach a policy through the link id the
 * kernel lists for it, whoever attached it, and remove its pins, which
 * releases the links of its other programs; for a policy the kernel has
 * ejected, only the stale pins are left to remove.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>

#include "iopf_kernel.h"
#include "iopfctl.h"

/* What unload did, for --json: printed only if it all worked */
struct unload_report {
	struct name_list unloaded, kept, stale;
};

static int unload_one(const struct iopf_policy_info *p, struct unload_report *r)
{
	char dir[256];
	bool kept = false;
	int fd, err = 0;

	fd = bpf_link_get_fd_by_id(p->link_id);
	if (fd < 0 || bpf_link_detach(fd))
		err = -errno;
	if (fd >= 0)
		close(fd);
	/* Pinned links of its other programs go with the pins */
	snprintf(dir, sizeof(dir), "%s/%s", IOPF_PIN_ROOT, p->name);
	remove_pins(dir, false, &kept);
	if (err && err != -ENOENT)
		return fail(EXIT_KERNEL_ERROR, "detaching %s: %s", p->name, strerror(-err));
	if (r) {
		name_list_add(&r->unloaded, p->name);
		if (kept)
			name_list_add(&r->kept, p->name);
	} else if (kept) {
		printf("iopfctl: unloaded %s; kept %s: it holds files iopfctl did not pin\n", p->name, dir);
	} else {
		printf("iopfctl: unloaded %s\n", p->name);
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
	int n, i, lock, status = EXIT_OK;
	bool all;

	if (argc != 2)
		return usage_error();
	all = !strcmp(argv[1], "--all");
	/* A replace of NAME finishes its pins first, or sees NAME gone */
	lock = pins_lock();
	n = iopf_kernel_policies(p, IOPF_MAX_POLICIES);
	if (n < 0) {
		status = kernel_error(n, "reading attached policies");
		goto out;
	}
	for (i = 0; i < n; i++)
		if (all || !strcmp(p[i].name, argv[1]))
			status = unload_one(&p[i], r) ?: status;
	if (all) {
		/* How many stale pins went does not change the status */
		remove_stale_pins(NULL, r ? &r->stale : NULL);
		goto out;
	}
	for (i = 0; i < n && strcmp(p[i].name, argv[1]); i++)
		;
	if (i < n)
		goto out;
	/* Ejected: its other programs stay attached through their pins */
	if (!remove_stale_pins(argv[1], r ? &r->stale : NULL))
		status = fail(EXIT_NOT_ATTACHED, "no policy named '%s' is attached", argv[1]);
out:
	pins_unlock(lock);
	if (r && !status)
		print_report(r);
	return status;
}
