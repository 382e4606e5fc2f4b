// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * iopfctl load NAME|FILE.bpf.o: prepare the policy (core.c), attach it and
 * the object's other programs, then pin it all so that it stays attached
 * after iopfctl exits, or, with --foreground, stay attached until a signal
 * or until the kernel ejects it.  --dry-run stops after the kernel verified
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

#include "iopf_kernel.h"
#include "iopf_ops_map.h"
#include "iopfctl.h"

/* @obj has one struct_ops map (its iopf_ops one) */
static bool single_struct_ops_map(const struct bpf_object *obj)
{
	struct bpf_map *m;
	int n = 0;

	bpf_object__for_each_map(m, obj)
		n += bpf_map__type(m) == BPF_MAP_TYPE_STRUCT_OPS;
	return n == 1;
}

/* Attach the struct_ops map, then each other program with its own link */
static int attach_policy(struct loaded *l, const char *dev)
{
	int err;

	l->ops_link = bpf_map__attach_struct_ops(iopf_ops_map(l->obj));
	if (!l->ops_link) {
		err = errno;
		if (err == ENODEV)
			return fail(EXIT_UNKNOWN_DEVICE, "no device '%s' behind an IOMMU", dev ? dev : "?");
		if (err == EEXIST)
			return fail(EXIT_NAME_TAKEN, "a policy named '%s' is already attached", l->name);
		if (err == EPERM || err == EACCES)
			return fail(EXIT_NO_PRIVILEGE, "attaching %s: permission denied", l->name);
		if (err == EOPNOTSUPP)
			return fail(EXIT_NO_STRUCT_OPS, "%s: the iopf_ops map must be in SEC(\".struct_ops.link\")", l->name);
		return fail(EXIT_KERNEL_ERROR, "attaching %s: %s", l->name, strerror(err));
	}
	return attach_programs(l);
}

/*
 * What load did (@what: "attached" or "would_attach") for @l with @scope
 * ("*" for all devices), pinned in @pinned unless NULL
 */
static void print_load_result(const char *what, const struct loaded *l,
			      const char *scope, bool shadow, const char *pinned)
{
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
	if (l->ops_link && !bpf_link_get_info_by_fd(bpf_link__fd(l->ops_link), &info, &len))
		json_unum(j, "link_id", info.id);
	if (pinned)
		json_str(j, "pinned", pinned);
	else if (l->ops_link)
		json_bool(j, "foreground", true);
	json_end_obj(j);
	json_done(j);
}

/* --foreground: stay attached until a signal, or until the kernel ejects us */
static int run_foreground(struct loaded *l, const char *scope, bool shadow)
{
	struct pollfd pfd = { .fd = bpf_link__fd(l->ops_link), .events = POLLIN };
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
			n = iopf_kernel_ejections(ej, 64);
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
	unload_local(l);
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
	const char *dev = NULL, *name = NULL, *sets[64];
	struct loaded l;
	bool foreground = false, dry_run = false, shadow = false;
	char dir[256];
	int c, nr_sets = 0, status, err, lock = -1;

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
	if (dry_run) {
		/*
		 * As attaching would, have the kernel run .validate on the map's
		 * value, without a link: only a BPF_F_LINK map, which a value
		 * does not register.
		 */
		status = check_link_map(&l);
		if (status)
			goto out;
		/* Our writer takes one struct_ops map only: with more, as before */
		err = single_struct_ops_map(l.obj) ? iopf_ops_write_kern_value(l.obj) : 0;
		if (err < 0) {
			status = fail(EXIT_KERNEL_ERROR, "the kernel refused %s: %s", l.name,
				      err == -EINVAL ? "it has no decide(), or a --dev the kernel does not take" :
				      strerror(-err));
			goto out;
		}
		/* Verified and validated by the kernel, not attached: the name it would take */
		if (iopf_ops_get_str(l.obj, "dev_name", dir, sizeof(dir)))
			dir[0] = 0;
		print_load_result("would_attach", &l, *dir ? dir : "*", shadow, NULL);
		goto out;
	}
	if (foreground) {
		status = attach_policy(&l, dev);
		if (!status)
			return run_foreground(&l, dev ?: "*", shadow);
		goto out;
	}

	/* Attach and pin under the lock, which a second load of this name waits for */
	lock = pins_lock();
	status = attach_policy(&l, dev);
	if (status)
		goto out;
	/*
	 * The name is ours now: pins under it are an earlier policy's, one
	 * the kernel ejected.  They go only now, so a failed load keeps them.
	 */
	snprintf(dir, sizeof(dir), "%s/%s", IOPF_PIN_ROOT, l.name);
	remove_pins(dir, false, NULL);
	err = pin_all(&l, dir);
	if (err) {
		remove_pins(dir, false, NULL);
		status = fail(EXIT_KERNEL_ERROR, "pinning under %s: %s%s", dir, strerror(-err),
			      err == -ENOMEM ? "" : " (is bpffs mounted on /sys/fs/bpf?)");
		goto out;
	}
	print_load_result("attached", &l, dev ?: "*", shadow, dir);
out:
	unload_local(&l);
	pins_unlock(lock);
	return status;
}
