// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * iopfctl load NAME|FILE.bpf.o: prepare the policy (core.c), load it and
 * attach it with the object's other programs (libiopf), pinned so that it
 * stays attached after iopfctl exits, or, with --foreground, stay attached
 * until a signal or until the kernel ejects it.  --dry-run stops after the kernel verified
 * the programs and validated the policy (.validate), and says the name the
 * policy would take.
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "iopf_ops_map.h"
#include "iopfctl.h"

/* The EXIT_* of iopf_policy_attach()'s error @err on @p, said */
static int attach_status(const struct iopf_policy *p, int err)
{
	switch (p->step) {
	case STEP_LOAD:
	case STEP_MAPS:
		return load_status(p, err);
	case STEP_PROGRAMS:
		return lib_fail(err == -E2BIG ? EXIT_BAD_OBJECT : EXIT_KERNEL_ERROR, NULL);
	case STEP_PIN:
		return lib_fail(EXIT_KERNEL_ERROR, NULL);
	default:
		break;
	}
	switch (err) {
	case -ENODEV:
		return lib_fail(EXIT_UNKNOWN_DEVICE, NULL);
	case -EEXIST:
		return lib_fail(EXIT_NAME_TAKEN, NULL);
	case -EPERM:
	case -EACCES:
		return lib_fail(EXIT_NO_PRIVILEGE, NULL);
	case -EOPNOTSUPP:
		return lib_fail(EXIT_NO_STRUCT_OPS, NULL);
	default:
		return lib_fail(EXIT_KERNEL_ERROR, NULL);
	}
}

/*
 * What load did (@what: "attached" or "would_attach") for @l with @scope
 * ("*" for all devices), pinned in @pinned unless NULL
 */
static void print_load_result(const char *what, const struct iopf_policy *l,
			      const char *scope, bool shadow, const char *pinned)
{
	int fd = iopf_policy_link_fd(l);
	bool all = !strcmp(scope, "*");
	struct bpf_link_info info = {};
	__u32 len = sizeof(info);
	struct json *j;

	if (!json_output) {
		printf("iopfctl: %s %s (%s)%s%s%s\n",
		       strcmp(what, "attached") ? "would attach" : "attached",
		       l->name, all ? "all devices" : scope, shadow ? " in shadow" : "",
		       pinned ? ", pinned in " : "", pinned ?: "");
		return;
	}
	j = json_new();
	json_begin_obj(j, NULL);
	json_str(j, what, l->name);
	json_str(j, "scope", scope);
	json_str(j, "mode", shadow ? "shadow" : "live");
	if (fd >= 0 && !bpf_link_get_info_by_fd(fd, &info, &len))
		json_unum(j, "link_id", info.id);
	if (pinned)
		json_str(j, "pinned", pinned);
	else if (fd >= 0)
		json_bool(j, "foreground", true);
	json_end_obj(j);
	json_done(j);
}

/* --foreground: stay attached until a signal, or until the kernel ejects us */
static int run_foreground(struct iopf_policy *l, const char *scope, bool shadow)
{
	struct pollfd pfd = { .fd = iopf_policy_link_fd(l), .events = POLLIN };
	struct iopf_ejection_info ej[64];
	int n, i, status = EXIT_OK;

	signal(SIGINT, on_stop_signal);
	signal(SIGTERM, on_stop_signal);
	if (json_output)
		print_load_result("attached", l, scope, shadow, NULL);
	else
		printf("iopfctl: %s attached; detaching on Ctrl-C\n", l->name);
	fflush(stdout);
	while (!stop_requested) {
		if (poll(&pfd, 1, 200) == 1 && (pfd.revents & POLLHUP)) {
			n = iopf_list_ejections(ej, 64, sizeof(ej[0]));
			for (i = n - 1; i >= 0; i--)
				if (!strcmp(ej[i].name, l->name))
					break;
			if (i < 0)
				status = fail(EXIT_KERNEL_ERROR, "%s was ejected", l->name);
			else if (ej[i].msg[0])
				status = fail(EXIT_KERNEL_ERROR, "%s was ejected: %s: \"%s\"",
					      l->name, ej[i].reason, ej[i].msg);
			else
				status = fail(EXIT_KERNEL_ERROR, "%s was ejected by the kernel: %s (decide returned %s)",
					      l->name, ej[i].reason, ej[i].action);
			break;
		}
	}
	iopf_policy_close(l);
	return status;
}

int cmd_load(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dev", required_argument, NULL, 'd' },
		{ "name", required_argument, NULL, 'n' },
		{ "set", required_argument, NULL, 's' },
		{ "foreground", no_argument, NULL, 'f' },
		{ "dry-run", no_argument, NULL, 'D' },
		{ "shadow", no_argument, NULL, 'S' },
		{ }
	};
	IOPF_OPTS(iopf_attach_opts, attach, .pin = true);
	const char *dev = NULL, *name = NULL, *sets[64];
	struct iopf_policy *l;
	bool foreground = false, dry_run = false, shadow = false;
	char dir[256];
	int c, nr_sets = 0, status, err;

	while ((c = getopt_long(argc, argv, "d:n:s:f", opts, NULL)) != -1) {
		switch (c) {
		case 'd': dev = optarg; break;
		case 'n': name = optarg; break;
		case 's':
			if (nr_sets == 64)
				return fail(EXIT_USAGE, "too many --set");
			sets[nr_sets++] = optarg;
			break;
		case 'f': foreground = true; break;
		case 'D': dry_run = true; break;
		case 'S': shadow = true; break;
		default: return usage_error();
		}
	}
	if (optind != argc - 1 || (foreground && dry_run))
		return usage_error();
	if (dev && (!*dev || strlen(dev) >= IOPF_DEV_NAME_LEN))
		return fail(EXIT_UNKNOWN_DEVICE, "bad device name '%s'", dev);

	status = prepare_policy(argv[optind], name, dev, shadow, sets, nr_sets,
				dry_run ? NAME_NOT_CHECKED : NAME_MUST_BE_FREE, &l);
	if (status)
		return status;
	err = iopf_policy_load(l);
	if (err) {
		status = load_status(l, err);
		goto out;
	}
	if (dry_run) {
		/*
		 * As attaching would, have the kernel run .validate on the map's
		 * value, without a link
		 */
		err = iopf_policy_validate(l);
		if (err) {
			status = lib_fail(err == -EOPNOTSUPP ? EXIT_NO_STRUCT_OPS : EXIT_KERNEL_ERROR, NULL);
			goto out;
		}
		/* Verified and validated by the kernel, not attached: the name it would take */
		if (iopf_ops_get_str(l->obj, "dev_name", dir, sizeof(dir)))
			dir[0] = 0;
		print_load_result("would_attach", l, *dir ? dir : "*", shadow, NULL);
		goto out;
	}
	if (foreground) {
		err = iopf_policy_attach(l, NULL);
		if (!err)
			return run_foreground(l, dev ?: "*", shadow);
		status = attach_status(l, err);
		goto out;
	}

	/* Attached and pinned under the pins' lock, which a second load of this name waits for */
	err = iopf_policy_attach(l, &attach);
	if (err) {
		status = attach_status(l, err);
		goto out;
	}
	print_load_result("attached", l, dev ?: "*", shadow, l->pin_dir);
out:
	iopf_policy_close(l);
	return status;
}
