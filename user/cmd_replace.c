// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * iopfctl replace NAME NAME|FILE.bpf.o: put a new policy behind the struct_ops
 * link of the attached policy NAME (BPF_LINK_UPDATE), so that every fault sees
 * the old policy or the new one, never neither.  The new one is loaded and
 * verified first: if anything fails, the old one runs on untouched.  It keeps
 * the name, the scope, the place in the consult order and the link; its
 * other programs and maps replace the old ones' in IOPF_PIN_ROOT/NAME/.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "iopf_kernel.h"
#include "iopf_ops_map.h"
#include "iopfctl.h"

/* The link of @old and the map behind it now; EXIT_OK or why not */
static int open_old(const struct iopf_policy_info *old, int *link_fd, int *map_fd)
{
	struct bpf_link_info info = {};
	__u32 len = sizeof(info);

	*map_fd = -1;
	*link_fd = bpf_link_get_fd_by_id(old->link_id);
	if (*link_fd < 0)
		goto gone;
	if (bpf_link_get_info_by_fd(*link_fd, &info, &len))
		goto error;
	if (!info.struct_ops.map_id)
		return fail(EXIT_NOT_ATTACHED, "%s was detached while replacing it", old->name);
	*map_fd = bpf_map_get_fd_by_id(info.struct_ops.map_id);
	if (*map_fd >= 0)
		return EXIT_OK;
gone:
	/* No such link or map any more; another error (ENOMEM) tells nothing of it */
	if (errno == ENOENT)
		return fail(EXIT_NOT_ATTACHED, "%s was detached while replacing it", old->name);
error:
	return fail(EXIT_KERNEL_ERROR, "replacing %s: %s", old->name, strerror(errno));
}

/*
 * Swap the map behind @link_fd, if it is still @map_fd, the one seen before
 * the new policy was loaded: EXIT_OK or why not
 */
static int update_link(struct loaded *l, const struct iopf_policy_info *old,
		       int link_fd, int map_fd)
{
	LIBBPF_OPTS(bpf_link_update_opts, opts, .flags = BPF_F_REPLACE);
	int err, status = EXIT_OK;

	/* Without BPF_F_LINK the kernel would try to register it on its own */
	status = check_link_map(l);
	if (status)
		return status;
	opts.old_map_fd = map_fd;
	err = iopf_ops_write_kern_value(l->obj);
	if (err == -EINVAL) {
		status = fail(EXIT_KERNEL_ERROR, "the kernel refused %s: it has no decide(), or has a second struct_ops map",
			      l->name);
		goto out;
	} else if (err < 0) {
		status = fail(EXIT_KERNEL_ERROR, "preparing %s: %s", l->name, strerror(-err));
		goto out;
	}
	err = bpf_link_update(link_fd, err, &opts);
	if (!err)
		goto out;
	switch (-err) {
	case ENOLINK:
		status = fail(EXIT_NOT_ATTACHED, "%s was ejected or detached while replacing it", old->name);
		break;
	case EPERM:
		/* Privilege was checked: the link holds another map than we saw */
		status = fail(EXIT_KERNEL_ERROR, "%s was replaced by someone else meanwhile; nothing changed", old->name);
		break;
	case EINVAL:
		status = fail(EXIT_SCOPE_DIFFERS, "the kernel refused another scope for %s", old->name);
		break;
	default:
		status = fail(EXIT_KERNEL_ERROR, "replacing %s: %s", old->name, strerror(-err));
	}
out:
	return status;
}

static void print_replaced(const struct loaded *l, const char *what,
			   const struct iopf_policy_info *old, const char *dir,
			   bool shadow)
{
	struct json *j;

	if (!json_output) {
		printf("iopfctl: replaced %s with %s (%s, order %llu, link %u)%s, pinned in %s\n",
		       l->name, what, strcmp(old->scope, "*") ? old->scope : "all devices",
		       old->order, old->link_id, shadow ? " in shadow" : "", dir);
		return;
	}
	j = json_new();
	json_begin_obj(j, NULL);
	json_str(j, "replaced", l->name);
	json_str(j, "object", what);
	json_str(j, "scope", old->scope);
	json_num(j, "order", old->order);
	json_num(j, "link_id", old->link_id);
	json_str(j, "mode", shadow ? "shadow" : "live");
	json_str(j, "pinned", dir);
	json_end_obj(j);
	json_done(j);
}

int cmd_replace(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dev", required_argument, NULL, 'd' },
		{ "name", required_argument, NULL, 'n' },
		{ "set", required_argument, NULL, 's' },
		{ "shadow", no_argument, NULL, 'S' },
		{ }
	};
	const char *dev = NULL, *name = NULL, *sets[64], *target, *what;
	struct iopf_policy_info old;
	char dir[256], new_dev[IOPF_DEV_NAME_LEN] = "";
	struct loaded l;
	int c, nr_sets = 0, status, err, lock = -1, link_fd = -1, map_fd = -1;
	bool shadow = false;

	while ((c = getopt_long(argc, argv, "d:n:s:", opts, NULL)) != -1) {
		switch (c) {
		case 'd': dev = optarg; break;
		case 'n': name = optarg; break;
		case 's':
			if (nr_sets == 64)
				return fail(EXIT_USAGE, "too many --set");
			sets[nr_sets++] = optarg;
			break;
		case 'S': shadow = true; break;
		default: return usage_error();
		}
	}
	if (optind != argc - 2)
		return usage_error();
	target = argv[optind];
	what = argv[optind + 1];
	if (name && strcmp(name, target))
		return fail(EXIT_USAGE, "replace keeps the name %s: --name %s differs", target, name);
	if (dev && (!*dev || strlen(dev) >= IOPF_DEV_NAME_LEN))
		return fail(EXIT_UNKNOWN_DEVICE, "bad device name '%s'", dev);

	status = check_privilege();
	if (status)
		return status;
	status = find_policy(target, &old);
	if (status)
		return status;
	if (strcmp(old.state, "live"))
		return fail(EXIT_NOT_ATTACHED, "%s was ejected: unload it and load the new policy", target);
	/* Without --dev, the scope the old one has */
	if (!dev && strcmp(old.scope, "*"))
		dev = old.scope;
	/* The map behind the link now: the update happens only if it still is */
	status = open_old(&old, &link_fd, &map_fd);
	if (status)
		goto out_fds;

	status = prepare_policy(what, target, dev, shadow, sets, nr_sets, NAME_NOT_CHECKED, &l);
	if (status)
		goto out_fds;
	if (iopf_ops_get_str(l.obj, "dev_name", new_dev, sizeof(new_dev)) ||
	    strcmp(*new_dev ? new_dev : "*", old.scope)) {
		status = fail(EXIT_SCOPE_DIFFERS, "%s applies to %s, the new policy to %s: replace keeps the scope (unload and load to change it)",
			      target, strcmp(old.scope, "*") ? old.scope : "all devices",
			      *new_dev ? new_dev : "all devices");
		goto out;
	}
	/* Its other programs first: until the update they run beside the old ones */
	status = attach_programs(&l);
	if (status)
		goto out;
	/* An unload of NAME waits until its pins are the new ones, or comes first */
	lock = pins_lock();
	status = update_link(&l, &old, link_fd, map_fd);
	if (status)
		goto out;

	snprintf(dir, sizeof(dir), "%s/%s", IOPF_PIN_ROOT, target);
	/* The old policy's programs and maps: all but the link */
	remove_pins(dir, true, NULL);
	err = pin_all(&l, dir);
	if (err) {
		/* The policy is in place; only what stats reads or the pins hold is not */
		status = fail(EXIT_KERNEL_ERROR, "%s replaced, but pinning under %s failed: %s",
			      target, dir, strerror(-err));
		goto out;
	}
	print_replaced(&l, what, &old, dir, shadow);
out:
	unload_local(&l);
	pins_unlock(lock);
out_fds:
	if (link_fd >= 0)
		close(link_fd);
	if (map_fd >= 0)
		close(map_fd);
	return status;
}
