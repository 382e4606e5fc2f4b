// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * iopfctl: load, list, inspect and unload iopf-bpf policies.
 *
 * What is attached is always read from the kernel (debugfs), never from
 * the loader's own bookkeeping, so policies attached by bpftool or another
 * loader show up and can be unloaded here too.  A loaded policy outlives
 * iopfctl through its link pinned in IOPF_PIN_ROOT/NAME/.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/capability.h>
#include <sys/stat.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "iopf_kernel.h"
#include "iopf_ops_map.h"
#include "iopfctl.h"

static bool json_output;

int fail(int status, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "iopfctl: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return status;
}

static int usage(FILE *f, int status)
{
	fprintf(f,
		"usage: iopfctl load NAME|FILE.bpf.o [--dev DEVICE] [--name NAME] [--set KEY=VALUE]... [--foreground]\n"
		"       iopfctl list [--json]\n"
		"       iopfctl stats NAME [--json] [--watch SECONDS]\n"
		"       iopfctl unload NAME|--all\n"
		"       iopfctl policies [--json]\n"
		"See iopfctl(8).\n");
	return status;
}

/* Quiet libbpf, but keep its last words for the error message */
static char libbpf_last[512];

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_WARN)
		vsnprintf(libbpf_last, sizeof(libbpf_last), fmt, ap);
	if (getenv("IOPFCTL_DEBUG"))
		vfprintf(stderr, fmt, ap);
	return 0;
}

static const char *libbpf_reason(void)
{
	size_t n = strlen(libbpf_last);

	while (n && libbpf_last[n - 1] == '\n')
		libbpf_last[--n] = 0;
	return n ? libbpf_last : "no detail";
}

static bool has_cap(cap_value_t cap)
{
	cap_flag_value_t v = CAP_CLEAR;
	cap_t caps = cap_get_proc();

	if (caps) {
		cap_get_flag(caps, cap, CAP_EFFECTIVE, &v);
		cap_free(caps);
	}
	return v == CAP_SET;
}

static int check_kernel(void)
{
	struct btf *vmlinux = btf__load_vmlinux_btf();
	int found;

	if (!vmlinux)
		return fail(EXIT_NO_KERNEL_SUPPORT, "this kernel has no BTF: iopf-bpf needs CONFIG_DEBUG_INFO_BTF and CONFIG_IOPF_BPF");
	found = btf__find_by_name_kind(vmlinux, "iopf_ops", BTF_KIND_STRUCT) >= 0;
	btf__free(vmlinux);
	if (!found)
		return fail(EXIT_NO_KERNEL_SUPPORT, "this kernel has no iopf-bpf (CONFIG_IOPF_BPF)");
	return EXIT_OK;
}

static int check_privilege(void)
{
	if (!has_cap(CAP_SYS_ADMIN))
		return fail(EXIT_NO_PRIVILEGE, "permission denied: this needs CAP_SYS_ADMIN (run as root)");
	return EXIT_OK;
}

static int kernel_error(int err, const char *what)
{
	switch (err) {
	case -EACCES:
	case -EPERM:
		return fail(EXIT_NO_PRIVILEGE, "%s: permission denied (needs CAP_SYS_ADMIN)", what);
	case -ENOENT:
		return fail(EXIT_NO_KERNEL_SUPPORT, "%s: %s/ not found (CONFIG_IOPF_BPF off, or debugfs not mounted)",
			    what, iopf_kernel_dir());
	default:
		return fail(EXIT_KERNEL_ERROR, "%s: %s", what, strerror(-err));
	}
}

static bool valid_name(const char *s)
{
	size_t len = strlen(s);

	if (!len || len >= IOPF_OPS_NAME_LEN)
		return false;
	return strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.:") == len;
}

/* ---- load ---- */

struct loaded {
	struct bpf_object *obj;
	struct bpf_link *ops_link;
	struct bpf_link *links[16];	/* the object's other programs */
	int nr_links;
	char name[IOPF_OPS_NAME_LEN];
};

static void unload_local(struct loaded *l)
{
	while (l->nr_links)
		bpf_link__destroy(l->links[--l->nr_links]);
	bpf_link__destroy(l->ops_link);
	bpf_object__close(l->obj);
}

static int open_policy(const char *what, struct bpf_object **obj)
{
	const struct builtin *b = builtin_find(what);
	struct stat st;
	size_t size;
	const void *elf;

	if (b) {
		LIBBPF_OPTS(bpf_object_open_opts, opts, .object_name = b->name);

		elf = b->elf_bytes(&size);
		*obj = bpf_object__open_mem(elf, size, &opts);
	} else {
		if (!strchr(what, '/') && !strstr(what, ".o"))
			return fail(EXIT_UNKNOWN_POLICY, "unknown policy '%s' (see: iopfctl policies)", what);
		if (stat(what, &st))
			return fail(EXIT_BAD_OBJECT, "%s: %s", what, strerror(errno));
		*obj = bpf_object__open_file(what, NULL);
	}
	if (!*obj)
		return fail(EXIT_BAD_OBJECT, "%s: not a BPF object file (%s)", what, libbpf_reason());
	if (!iopf_ops_map(*obj)) {
		bpf_object__close(*obj);
		return fail(EXIT_NO_STRUCT_OPS, "%s: no struct iopf_ops map in this object", what);
	}
	return EXIT_OK;
}

static int pin_all(struct loaded *l, const char *dir)
{
	char path[512];
	struct bpf_map *map;
	int i;

	if (mkdir(IOPF_PIN_ROOT, 0700) && errno != EEXIST)
		return -errno;
	if (mkdir(dir, 0700))
		return -errno;
	snprintf(path, sizeof(path), "%s/link", dir);
	if (bpf_link__pin(l->ops_link, path))
		return -errno;
	for (i = 0; i < l->nr_links; i++) {
		snprintf(path, sizeof(path), "%s/link_%d", dir, i);
		if (bpf_link__pin(l->links[i], path))
			return -errno;
	}
	/* The policy's own maps and counters, for `iopfctl stats` */
	bpf_object__for_each_map(map, l->obj) {
		const char *name = bpf_map__name(map);
		const char *dot = strrchr(name, '.');

		if (bpf_map__type(map) == BPF_MAP_TYPE_STRUCT_OPS ||
		    (dot && strcmp(dot, ".bss") && strcmp(dot, ".data")))
			continue;
		snprintf(path, sizeof(path), "%s/map_%s", dir, dot ? dot + 1 : name);
		if (bpf_map__pin(map, path))
			return -errno;
	}
	return 0;
}

static void remove_pins(const char *dir)
{
	char path[512];
	struct dirent *de;
	DIR *d = opendir(dir);

	if (!d)
		return;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		unlink(path);
	}
	closedir(d);
	rmdir(dir);
}

/*
 * Remove the pins of @name (NULL: of every name) that no attached policy
 * owns any more, as after an ejection.  Returns how many it removed.
 */
static int remove_stale_pins(const char *name)
{
	struct iopf_policy_info info;
	struct dirent *de;
	char dir[512];
	int removed = 0;
	DIR *d = opendir(IOPF_PIN_ROOT);

	while (d && (de = readdir(d))) {
		if (de->d_name[0] == '.' || (name && strcmp(de->d_name, name)))
			continue;
		if (!iopf_kernel_policy(de->d_name, &info))
			continue;
		snprintf(dir, sizeof(dir), "%s/%s", IOPF_PIN_ROOT, de->d_name);
		remove_pins(dir);
		printf("iopfctl: removed the pins of %s (no longer attached)\n", de->d_name);
		removed++;
	}
	if (d)
		closedir(d);
	return removed;
}

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	stop = 1;
}

/* --foreground: stay attached until a signal, or until the kernel ejects us */
static int run_foreground(struct loaded *l)
{
	struct pollfd pfd = { .fd = bpf_link__fd(l->ops_link), .events = POLLIN };
	struct iopf_ejection_info ej[64];
	int n, i, status = EXIT_OK;

	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	printf("iopfctl: %s attached; detaching on Ctrl-C\n", l->name);
	fflush(stdout);
	while (!stop) {
		if (poll(&pfd, 1, 200) == 1 && (pfd.revents & POLLHUP)) {
			n = iopf_kernel_ejections(ej, 64);
			for (i = n - 1; i >= 0; i--)
				if (!strcmp(ej[i].name, l->name))
					break;
			status = fail(EXIT_KERNEL_ERROR, "%s was ejected by the kernel: %s (%s returned %d)",
				      l->name, i >= 0 ? ej[i].reason : "?",
				      i >= 0 ? ej[i].callback : "?", i >= 0 ? ej[i].verdict : 0);
			break;
		}
	}
	unload_local(l);
	return status;
}

static int cmd_load(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dev", required_argument, NULL, 'd' },
		{ "name", required_argument, NULL, 'n' },
		{ "set", required_argument, NULL, 's' },
		{ "foreground", no_argument, NULL, 'f' },
		{ }
	};
	const char *dev = NULL, *name = NULL, *sets[64];
	struct iopf_policy_info info;
	struct loaded l = {};
	struct bpf_program *prog;
	struct param_set *ps;
	bool foreground = false;
	char dir[256];
	int c, i, nr_sets = 0, status, err;

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
		default: return usage(stderr, EXIT_USAGE);
		}
	}
	if (optind != argc - 1)
		return usage(stderr, EXIT_USAGE);
	if (dev && (!*dev || strlen(dev) >= IOPF_DEV_NAME_LEN))
		return fail(EXIT_UNKNOWN_DEVICE, "bad device name '%s'", dev);

	status = check_privilege();
	if (!status)
		status = check_kernel();
	if (!status && (err = iopf_kernel_available()))
		status = kernel_error(err, "reading attached policies");
	if (!status)
		status = open_policy(argv[optind], &l.obj);
	if (status)
		return status;

	ps = params_new();
	err = name ? iopf_ops_set_str(l.obj, "name", name) : 0;
	if (!err && dev)
		err = iopf_ops_set_str(l.obj, "dev_name", dev);
	if (!err)
		err = iopf_ops_get_str(l.obj, "name", l.name, sizeof(l.name));
	if (err || !valid_name(l.name)) {
		status = fail(EXIT_BAD_PARAM, "bad policy name '%s': 1-%d of [A-Za-z0-9_.:-]",
			      name ? name : l.name, IOPF_OPS_NAME_LEN - 1);
		goto out;
	}
	err = iopf_kernel_policy(l.name, &info);
	if (!err) {
		status = fail(EXIT_NAME_TAKEN, "a policy named '%s' is already attached (use --name)", l.name);
		goto out;
	} else if (err != -ENOENT) {
		status = kernel_error(err, "reading attached policies");
		goto out;
	}
	for (i = 0; i < nr_sets && !status; i++)
		status = params_apply_rodata(ps, l.obj, sets[i]);
	if (status)
		goto out;

	if (bpf_object__load(l.obj)) {
		status = fail(errno == EPERM ? EXIT_NO_PRIVILEGE : EXIT_KERNEL_ERROR,
			      "loading %s failed: %s", l.name, libbpf_reason());
		goto out;
	}
	status = params_apply_maps(ps, l.obj);
	if (status)
		goto out;

	l.ops_link = bpf_map__attach_struct_ops(iopf_ops_map(l.obj));
	if (!l.ops_link) {
		err = errno;
		if (err == ENODEV)
			status = fail(EXIT_UNKNOWN_DEVICE, "no device '%s' behind an IOMMU", dev ? dev : "?");
		else if (err == EEXIST)
			status = fail(EXIT_NAME_TAKEN, "a policy named '%s' is already attached", l.name);
		else if (err == EPERM || err == EACCES)
			status = fail(EXIT_NO_PRIVILEGE, "attaching %s: permission denied", l.name);
		else if (err == EOPNOTSUPP)
			status = fail(EXIT_NO_STRUCT_OPS, "%s: the iopf_ops map must be in SEC(\".struct_ops.link\")", l.name);
		else
			status = fail(EXIT_KERNEL_ERROR, "attaching %s: %s", l.name, strerror(err));
		goto out;
	}
	bpf_object__for_each_program(prog, l.obj) {
		if (bpf_program__type(prog) == BPF_PROG_TYPE_STRUCT_OPS)
			continue;
		if (l.nr_links == 16) {
			status = fail(EXIT_BAD_OBJECT, "too many programs in %s", l.name);
			goto out;
		}
		l.links[l.nr_links] = bpf_program__attach(prog);
		if (!l.links[l.nr_links]) {
			status = fail(EXIT_KERNEL_ERROR, "attaching %s: %s", bpf_program__name(prog), libbpf_reason());
			goto out;
		}
		l.nr_links++;
	}

	if (foreground) {
		params_free(ps);
		return run_foreground(&l);
	}

	snprintf(dir, sizeof(dir), "%s/%s", IOPF_PIN_ROOT, l.name);
	remove_stale_pins(l.name);
	err = pin_all(&l, dir);
	if (err) {
		remove_pins(dir);
		status = fail(EXIT_KERNEL_ERROR, "pinning under %s: %s (is bpffs mounted on /sys/fs/bpf?)",
			      dir, strerror(-err));
		goto out;
	}
	printf("iopfctl: attached %s (%s), pinned in %s\n", l.name,
	       dev ? dev : "all devices", dir);
out:
	params_free(ps);
	unload_local(&l);
	return status;
}

/* ---- list, stats ---- */

static const char * const cb_names[] = { NULL, "group", "route", "respond" };

static void print_policy_json(struct json *j, const struct iopf_policy_info *p)
{
	char dir[256];
	int cb;

	snprintf(dir, sizeof(dir), "%s/%s/link", IOPF_PIN_ROOT, p->name);
	json_str(j, "name", p->name);
	json_str(j, "scope", p->scope);
	json_num(j, "order", p->order);
	json_str(j, "state", p->state);
	json_num(j, "link_id", p->link_id);
	json_str(j, "pinned", access(dir, F_OK) ? "" : dir);
	json_begin_obj(j, "callbacks");
	for (cb = 1; cb <= 3; cb++) {
		if (p->cb[cb].implemented != 'y')
			continue;
		json_begin_obj(j, cb_names[cb]);
		json_num(j, "calls", p->cb[cb].calls);
		json_num(j, "obeyed", p->cb[cb].obeyed);
		json_num(j, "overridden", p->cb[cb].overridden);
		json_end_obj(j);
	}
	json_end_obj(j);
}

static void print_policy_row(const struct iopf_policy_info *p)
{
	char cbs[3][48];
	int cb;

	for (cb = 1; cb <= 3; cb++) {
		if (p->cb[cb].implemented == 'y')
			snprintf(cbs[cb - 1], sizeof(cbs[0]), "%llu/%llu/%llu", p->cb[cb].calls,
				 p->cb[cb].obeyed, p->cb[cb].overridden);
		else
			strcpy(cbs[cb - 1], "-");
	}
	printf("%-20s %-16s %5llu %-8s %6u  %-16s %-16s %-16s\n", p->name, p->scope,
	       p->order, p->state, p->link_id, cbs[0], cbs[1], cbs[2]);
}

static int cmd_list(void)
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
			json_str(j, "callback", ej[i].callback);
			json_num(j, "verdict", ej[i].verdict);
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
	printf("%-20s %-16s %5s %-8s %6s  %-16s %-16s %-16s\n", "NAME", "SCOPE", "ORDER",
	       "STATE", "LINK", "GROUP", "ROUTE", "RESPOND");
	for (i = 0; i < n; i++)
		print_policy_row(&p[i]);
	if (!n)
		printf("(no policy attached)\n");
	printf("callbacks: calls/obeyed/overridden; device-scoped policies are asked first\n");
	for (i = 0; i < ne; i++) {
		time_t t = ej[i].time_ns / 1000000000ULL;
		char when[32];

		if (!i)
			printf("\nrecent ejections:\n");
		strftime(when, sizeof(when), "%F %T", gmtime(&t));
		if (!strcmp(ej[i].callback, "none"))
			printf("  %s %s: %s (device %s)\n", when, ej[i].name,
			       ej[i].reason, ej[i].device);
		else
			printf("  %s %s: %s (%s returned %d, device %s, pasid %#x)\n", when,
			       ej[i].name, ej[i].reason, ej[i].callback, ej[i].verdict,
			       ej[i].device, ej[i].pasid);
	}
	return EXIT_OK;
}

static void stats_once(const struct iopf_policy_info *p, const char *dir)
{
	struct dirent *de;
	struct json *j = NULL;
	char path[512];
	DIR *d;
	int cb;

	if (json_output) {
		j = json_new();
		json_begin_obj(j, NULL);
		print_policy_json(j, p);
		json_begin_obj(j, "counters");
	} else {
		printf("policy %s: scope %s, order %llu, %s\n", p->name, p->scope, p->order, p->state);
		for (cb = 1; cb <= 3; cb++)
			if (p->cb[cb].implemented == 'y')
				printf("  %-8s calls %llu, obeyed %llu, overridden %llu\n", cb_names[cb],
				       p->cb[cb].calls, p->cb[cb].obeyed, p->cb[cb].overridden);
	}
	d = opendir(dir);
	/* Global counters first, then the maps */
	snprintf(path, sizeof(path), "%s/map_bss", dir);
	if (d && !access(path, F_OK))
		dump_pinned_map(path, "bss", j);
	if (j) {
		json_end_obj(j);
		json_begin_obj(j, "maps");
	}
	while (d && (de = readdir(d))) {
		if (strncmp(de->d_name, "map_", 4) || !strcmp(de->d_name, "map_bss"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		dump_pinned_map(path, de->d_name + 4, j);
	}
	if (d)
		closedir(d);
	else if (!j)
		printf("  (no pinned maps: loaded by another tool, or with --foreground)\n");
	if (j) {
		json_end_obj(j);
		json_end_obj(j);
		json_done(j);
	}
	fflush(stdout);
}

static int cmd_stats(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "watch", required_argument, NULL, 'w' },
		{ }
	};
	struct iopf_policy_info p;
	char dir[256], *end;
	int watch = 0, err, i, c;

	while ((c = getopt_long(argc, argv, "jw:", opts, NULL)) != -1) {
		switch (c) {
		case 'j': json_output = true; break;
		case 'w':
			watch = strtol(optarg, &end, 10);
			if (*end || watch <= 0)
				return fail(EXIT_USAGE, "bad --watch '%s': expected seconds", optarg);
			break;
		default: return usage(stderr, EXIT_USAGE);
		}
	}
	i = optind;
	if (i != argc - 1)
		return usage(stderr, EXIT_USAGE);
	err = iopf_kernel_available();
	if (err)
		return kernel_error(err, "reading attached policies");
	snprintf(dir, sizeof(dir), "%s/%s", IOPF_PIN_ROOT, argv[i]);
	signal(SIGINT, on_signal);
	do {
		err = iopf_kernel_policy(argv[i], &p);
		if (err == -ENOENT)
			return fail(EXIT_NOT_ATTACHED, "no policy named '%s' is attached", argv[i]);
		if (err)
			return kernel_error(err, "reading attached policies");
		stats_once(&p, dir);
		if (watch > 0 && !stop)
			sleep(watch);
	} while (watch > 0 && !stop);
	return EXIT_OK;
}

/* ---- unload ---- */

static int unload_one(const struct iopf_policy_info *p)
{
	char dir[256];
	int fd, err = 0;

	fd = bpf_link_get_fd_by_id(p->link_id);
	if (fd < 0 || bpf_link_detach(fd))
		err = -errno;
	if (fd >= 0)
		close(fd);
	/* Pinned links of its other programs go with the pins */
	snprintf(dir, sizeof(dir), "%s/%s", IOPF_PIN_ROOT, p->name);
	remove_pins(dir);
	if (err && err != -ENOENT)
		return fail(EXIT_KERNEL_ERROR, "detaching %s: %s", p->name, strerror(-err));
	printf("iopfctl: unloaded %s\n", p->name);
	return EXIT_OK;
}

static int cmd_unload(int argc, char **argv)
{
	struct iopf_policy_info p[IOPF_MAX_POLICIES];
	int n, i, status = EXIT_OK;
	bool all;

	if (argc != 2)
		return usage(stderr, EXIT_USAGE);
	all = !strcmp(argv[1], "--all");
	n = iopf_kernel_policies(p, IOPF_MAX_POLICIES);
	if (n < 0)
		return kernel_error(n, "reading attached policies");
	for (i = 0; i < n; i++)
		if (all || !strcmp(p[i].name, argv[1]))
			status = unload_one(&p[i]) ?: status;
	if (all) {
		/* How many stale pins went does not change the status */
		remove_stale_pins(NULL);
		return status;
	}
	for (i = 0; i < n && strcmp(p[i].name, argv[1]); i++)
		;
	if (i < n)
		return status;
	/* Ejected: its other programs stay attached through their pins */
	if (remove_stale_pins(argv[1]))
		return EXIT_OK;
	return fail(EXIT_NOT_ATTACHED, "no policy named '%s' is attached", argv[1]);
}

static int cmd_policies(void)
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

int main(int argc, char **argv)
{
	const char *cmd;
	int i;

	libbpf_set_print(libbpf_print);
	if (argc < 2)
		return usage(stderr, EXIT_USAGE);
	cmd = argv[1];
	if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help") || !strcmp(cmd, "help"))
		return usage(stdout, EXIT_OK);
	for (i = 2; i < argc; i++)
		if (!strcmp(argv[i], "--json") || !strcmp(argv[i], "-j"))
			json_output = true;

	if (!strcmp(cmd, "load"))
		return cmd_load(argc - 1, argv + 1);
	if (!strcmp(cmd, "policies"))
		return cmd_policies();
	if (!strcmp(cmd, "list") || !strcmp(cmd, "stats") || !strcmp(cmd, "unload")) {
		int status = check_privilege();

		if (status)
			return status;
		if (!strcmp(cmd, "list"))
			return cmd_list();
		if (!strcmp(cmd, "stats"))
			return cmd_stats(argc - 1, argv + 1);
		return cmd_unload(argc - 1, argv + 1);
	}
	fail(EXIT_USAGE, "unknown command '%s'", cmd);
	return usage(stderr, EXIT_USAGE);
}
