// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * iopfctl replace NAME NAME|FILE.bpf.o: put a new policy behind the struct_ops
 * link of the attached policy NAME (BPF_LINK_UPDATE, iopf_policy_replace()), so that every fault sees
 * the old policy or the new one, never neither.  The new one is loaded and
 * verified first: if anything fails, the old one runs on untouched.  It keeps
 * the name, the scope, the place in the consult order and the link; its
 * other programs and maps replace the old ones' in IOPF_PIN_ROOT/NAME/.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "iopfctl.h"

/* The EXIT_* of iopf_policy_replace()'s error @err on @l, said */
static int replace_status(const struct iopf_policy *l, int err)
{
	switch (l->step) {
	case STEP_OLD_LINK:
		return lib_fail(err == -ENOLINK || err == -ENOENT ? EXIT_NOT_ATTACHED : EXIT_KERNEL_ERROR, NULL);
	case STEP_LOAD:
	case STEP_MAPS:
		return load_status(l, err);
	case STEP_SCOPE:
		return lib_fail(EXIT_SCOPE_DIFFERS, NULL);
	case STEP_PROGRAMS:
		return lib_fail(err == -E2BIG ? EXIT_BAD_OBJECT : EXIT_KERNEL_ERROR, NULL);
	case STEP_VALUE:
		return lib_fail(err == -EOPNOTSUPP ? EXIT_NO_STRUCT_OPS : EXIT_KERNEL_ERROR, NULL);
	case STEP_UPDATE:
		return lib_fail(err == -ENOLINK ? EXIT_NOT_ATTACHED :
				err == -EXDEV ? EXIT_SCOPE_DIFFERS : EXIT_KERNEL_ERROR, NULL);
	default:
		return lib_fail(EXIT_KERNEL_ERROR, NULL);
	}
}

static void print_replaced(const struct iopf_policy *l, const char *what,
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
	struct iopf_policy *l;
	int c, nr_sets = 0, status, err;
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
	/*
	 * Without --dev, the library gives it the old one's scope.  The map
	 * behind the link is read before the new policy is loaded: the
	 * update happens only if it still is that one.
	 */
	status = prepare_policy(what, target, dev, shadow, sets, nr_sets, NAME_NOT_CHECKED, &l);
	if (status)
		return status;
	err = iopf_policy_replace(l, target);
	if (err)
		status = replace_status(l, err);
	else
		print_replaced(l, what, &old, l->pin_dir, shadow);
	iopf_policy_close(l);
	return status;
}
