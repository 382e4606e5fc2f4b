// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * What iopfctl's commands share: the one-line error and its exit status,
 * the checks of privilege and kernel support, and the life of a policy this
 * process loads: prepare_policy() takes it from a name or an object path to
 * a loaded object ready to attach, pin_all() makes it outlive iopfctl under
 * IOPF_PIN_ROOT/NAME/, and unload_local() and remove_pins() let it go.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/capability.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "iopf_kernel.h"
#include "iopf_ops_map.h"
#include "iopfctl.h"

bool json_output;
const char *current_usage;

/* JSON mode: the failures so far, joined by "; " */
static char json_error[2048];

int fail(int status, const char *fmt, ...)
{
	char msg[1024];
	size_t len;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!json_output) {
		fprintf(stderr, "iopfctl: %s\n", msg);
		return status;
	}
	len = strlen(json_error);
	snprintf(json_error + len, sizeof(json_error) - len, "%s%s",
		 len ? "; " : "", msg);
	return status;
}

void json_print_error(void)
{
	struct json *j;

	if (!json_error[0])
		snprintf(json_error, sizeof(json_error), "failed");
	j = json_new();
	json_begin_obj(j, NULL);
	json_str(j, "error", json_error);
	json_end_obj(j);
	json_done(j);
}

/* Quiet libbpf, but keep its last words for the error message */
static char libbpf_last[512];

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	va_list again;

	/* A va_list is used up once read: each reader gets its own */
	va_copy(again, ap);
	if (level == LIBBPF_WARN)
		vsnprintf(libbpf_last, sizeof(libbpf_last), fmt, ap);
	if (getenv("IOPFCTL_DEBUG"))
		vfprintf(stderr, fmt, again);
	va_end(again);
	return 0;
}

void setup_libbpf_print(void)
{
	libbpf_set_print(libbpf_print);
}

const char *libbpf_reason(void)
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

int check_kernel(void)
{
	struct btf *vmlinux;
	int found, err;

	/*
	 * Our sysfs directory exists only with CONFIG_IOPF_BPF: then the
	 * BTF need not be read: a full parse took 21 ms natively on the test
	 * kernel's BTF, far more under TCG, and libbpf parses it again at load.
	 */
	if (!iopf_kernel_available())
		return EXIT_OK;
	vmlinux = btf__load_vmlinux_btf();
	err = errno;
	if (!vmlinux) {
		/* libbpf says ESRCH also when it could not look (ENOMEM): the file is there then */
		if (access("/sys/kernel/btf/vmlinux", F_OK) && errno == ENOENT)
			return fail(EXIT_NO_KERNEL_SUPPORT, "this kernel has no BTF: iopf-bpf needs CONFIG_DEBUG_INFO_BTF and CONFIG_IOPF_BPF");
		return fail(EXIT_KERNEL_ERROR, "reading the kernel's BTF: %s",
			    err == ESRCH ? "failed" : strerror(err));
	}
	found = btf__find_by_name_kind(vmlinux, "iopf_ops", BTF_KIND_STRUCT) >= 0;
	btf__free(vmlinux);
	if (!found)
		return fail(EXIT_NO_KERNEL_SUPPORT, "this kernel has no iopf-bpf (CONFIG_IOPF_BPF)");
	return EXIT_OK;
}

int check_privilege(void)
{
	if (!has_cap(CAP_SYS_ADMIN))
		return fail(EXIT_NO_PRIVILEGE, "permission denied: this needs CAP_SYS_ADMIN (run as root)");
	return EXIT_OK;
}

int kernel_error(int err, const char *what)
{
	switch (err) {
	case -EACCES:
	case -EPERM:
		return fail(EXIT_NO_PRIVILEGE, "%s: permission denied (needs CAP_SYS_ADMIN)", what);
	case -ENOENT:
		return fail(EXIT_NO_KERNEL_SUPPORT, "%s: %s/ not found: this kernel has no iopf-bpf (CONFIG_IOPF_BPF)",
			    what, iopf_kernel_dir());
	default:
		return fail(EXIT_KERNEL_ERROR, "%s: %s", what, strerror(-err));
	}
}

int require_iopf_kernel(void)
{
	int err = iopf_kernel_available();

	return err ? kernel_error(err, "reading attached policies") : EXIT_OK;
}

int find_policy(const char *name, struct iopf_policy_info *p)
{
	int err = require_iopf_kernel();

	if (err)
		return err;
	err = iopf_kernel_policy(name, p);
	if (err == -ENOENT)
		return fail(EXIT_NOT_ATTACHED, "no policy named '%s' is attached", name);
	if (err)
		return kernel_error(err, "reading attached policies");
	return EXIT_OK;
}

bool valid_name(const char *s)
{
	size_t len = strlen(s);

	if (!len || len >= IOPF_OPS_NAME_LEN || !strcmp(s, ".") || !strcmp(s, ".."))
		return false;
	return strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.:") == len;
}

volatile sig_atomic_t stop_requested;

void on_stop_signal(int sig)
{
	stop_requested = 1;
}

/* ---- a policy loaded by this process ---- */

void unload_local(struct loaded *l)
{
	while (l->nr_links)
		bpf_link__destroy(l->links[--l->nr_links]);
	bpf_link__destroy(l->ops_link);
	bpf_object__close(l->obj);
	l->ops_link = NULL;
	l->obj = NULL;
}

/* A name to look up, not a path: neither a '/' nor ".o" in it */
static bool policy_name(const char *what)
{
	return !strchr(what, '/') && !strstr(what, ".o");
}

int open_policy(const char *what, struct bpf_object **obj, char *from,
		size_t from_size)
{
	const struct builtin *b = NULL;
	char found[PATH_MAX], dirs[1024];
	const char *file = what;
	struct stat st;
	size_t size;
	const void *elf;

	*obj = NULL;
	/* A file in the search path first: an installed object beats the copy built in */
	if (policy_name(what)) {
		if (!policy_file(what, found, sizeof(found))) {
			file = found;
		} else {
			b = builtin_find(what);
			if (!b)
				return fail(EXIT_UNKNOWN_POLICY, "unknown policy '%s': not built in, and no %s.bpf.o in %s (see: iopfctl policies)",
					    what, what, policy_path_text(dirs, sizeof(dirs)));
		}
	}
	if (from)
		snprintf(from, from_size, "%s", b ? "built-in" : file);
	if (b) {
		LIBBPF_OPTS(bpf_object_open_opts, opts, .object_name = b->name);

		elf = b->elf_bytes(&size);
		*obj = bpf_object__open_mem(elf, size, &opts);
	} else {
		if (stat(file, &st))
			return fail(EXIT_BAD_OBJECT, "%s: %s", file, strerror(errno));
		/* A FIFO would block the open; a directory is no object either */
		if (!S_ISREG(st.st_mode))
			return fail(EXIT_BAD_OBJECT, "%s: not a regular file", file);
		*obj = bpf_object__open_file(file, NULL);
	}
	if (!*obj)
		return fail(EXIT_BAD_OBJECT, "%s: not a BPF object file (%s)", file, libbpf_reason());
	if (!iopf_ops_map(*obj)) {
		bpf_object__close(*obj);
		*obj = NULL;
		return fail(EXIT_NO_STRUCT_OPS, "%s: no struct iopf_ops map in this object: not a policy", file);
	}
	return EXIT_OK;
}

int prepare_policy(const char *what, const char *name, const char *dev,
		   bool shadow, const char *const *sets, int nr_sets,
		   enum name_check check, struct loaded *l)
{
	struct iopf_policy_info info;
	struct param_set *ps = NULL;
	int i, status, err;

	memset(l, 0, sizeof(*l));
	status = check_privilege();
	if (!status)
		status = check_kernel();
	if (!status)
		status = require_iopf_kernel();
	if (!status)
		status = open_policy(what, &l->obj, NULL, 0);
	if (status)
		goto out;

	ps = params_new();
	if (!ps) {
		status = fail(EXIT_KERNEL_ERROR, "%s", strerror(ENOMEM));
		goto out;
	}
	err = name ? iopf_ops_set_str(l->obj, "name", name) : 0;
	if (!err && dev)
		err = iopf_ops_set_str(l->obj, "dev_name", dev);
	if (!err && shadow && iopf_ops_set_bool(l->obj, "shadow", true)) {
		status = fail(EXIT_BAD_OBJECT, "%s has no shadow member in its iopf_ops: built for another kernel?", what);
		goto out;
	}
	if (!err)
		err = iopf_ops_get_str(l->obj, "name", l->name, sizeof(l->name));
	if (err || !valid_name(l->name)) {
		status = fail(EXIT_BAD_PARAM, "bad policy name '%s': 1-%d of [A-Za-z0-9_.:-]",
			      name ? name : l->name, IOPF_OPS_NAME_LEN - 1);
		goto out;
	}
	if (check == NAME_MUST_BE_FREE) {
		err = iopf_kernel_policy(l->name, &info);
		if (!err) {
			status = fail(EXIT_NAME_TAKEN, "a policy named '%s' is already attached (use --name)", l->name);
			goto out;
		} else if (err != -ENOENT) {
			status = kernel_error(err, "reading attached policies");
			goto out;
		}
	}
	for (i = 0; i < nr_sets && !status; i++)
		status = params_apply_rodata(ps, l->obj, sets[i]);
	if (status)
		goto out;

	if (bpf_object__load(l->obj)) {
		status = fail(errno == EPERM ? EXIT_NO_PRIVILEGE : EXIT_KERNEL_ERROR,
			      "loading %s failed: %s", l->name, libbpf_reason());
		goto out;
	}
	status = params_apply_maps(ps, l->obj);
out:
	params_free(ps);
	if (status)
		unload_local(l);
	return status;
}

int check_link_map(const struct loaded *l)
{
	if (bpf_map__map_flags(iopf_ops_map(l->obj)) & BPF_F_LINK)
		return EXIT_OK;
	return fail(EXIT_NO_STRUCT_OPS, "%s: the iopf_ops map must be in SEC(\".struct_ops.link\")", l->name);
}

int attach_programs(struct loaded *l)
{
	struct bpf_program *prog;

	bpf_object__for_each_program(prog, l->obj) {
		if (bpf_program__type(prog) == BPF_PROG_TYPE_STRUCT_OPS)
			continue;
		if (l->nr_links == 16)
			return fail(EXIT_BAD_OBJECT, "too many programs in %s", l->name);
		l->links[l->nr_links] = bpf_program__attach(prog);
		if (!l->links[l->nr_links])
			return fail(EXIT_KERNEL_ERROR, "attaching %s: %s", bpf_program__name(prog), libbpf_reason());
		l->nr_links++;
	}
	return EXIT_OK;
}

/* ---- pins: a policy outlives iopfctl through IOPF_PIN_ROOT/NAME/ ---- */

int pins_lock(void)
{
	int fd;

	if (mkdir(IOPF_PIN_ROOT, 0700) && errno != EEXIST)
		return -1;
	fd = open(IOPF_PIN_ROOT, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	/* Without it (ENOMEM) only the races it keeps out are back */
	if (fd >= 0 && flock(fd, LOCK_EX)) {
		close(fd);
		fd = -1;
	}
	return fd;
}

void pins_unlock(int fd)
{
	if (fd >= 0)
		close(fd);
}

int pin_all(struct loaded *l, const char *dir)
{
	char path[512];
	struct bpf_map *map;
	int i;

	if (mkdir(IOPF_PIN_ROOT, 0700) && errno != EEXIST)
		return -errno;
	/*
	 * It may exist: replace adds to the directory of the link it updated,
	 * and files iopfctl did not pin survive remove_pins()
	 */
	if (mkdir(dir, 0700) && errno != EEXIST)
		return -errno;
	snprintf(path, sizeof(path), "%s/link", dir);
	if (l->ops_link && bpf_link__pin(l->ops_link, path))
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

/* The names pin_all() gives: link, link_N, map_NAME */
static bool own_pin(const char *name, bool keep_link)
{
	if (!strcmp(name, "link"))
		return !keep_link;
	return !strncmp(name, "link_", 5) || !strncmp(name, "map_", 4);
}

int remove_pins(const char *dir, bool keep_link, bool *kept)
{
	char path[512];
	struct dirent *de;
	int removed = 0;
	DIR *d = opendir(dir);

	while (d && (de = readdir(d))) {
		if (!own_pin(de->d_name, keep_link))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		removed += !unlink(path);
	}
	if (d)
		closedir(d);
	/* What someone else put there stays, and so does the directory */
	if (!keep_link && rmdir(dir) && errno != ENOENT && kept)
		*kept = true;
	return removed;
}

/*
 * Remove the pins of @name (NULL: of every name) that no attached policy
 * owns any more, as after an ejection, saying so for each (in JSON mode,
 * appending the name to the array @names holds instead).  Returns for how
 * many names it removed something.
 */
int remove_stale_pins(const char *name, struct name_list *names)
{
	struct iopf_policy_info info;
	struct dirent *de;
	char dir[512];
	int removed = 0, n;
	bool kept;
	DIR *d = opendir(IOPF_PIN_ROOT);

	while (d && (de = readdir(d))) {
		if (de->d_name[0] == '.' || (name && strcmp(de->d_name, name)))
			continue;
		if (!iopf_kernel_policy(de->d_name, &info))
			continue;
		snprintf(dir, sizeof(dir), "%s/%s", IOPF_PIN_ROOT, de->d_name);
		kept = false;
		n = remove_pins(dir, false, &kept);
		/* Nothing of iopfctl's: someone else's directory */
		if (!n && kept)
			continue;
		if (names)
			name_list_add(names, de->d_name);
		else
			printf("iopfctl: removed the pins of %s (no longer attached)%s\n", de->d_name,
			       kept ? "; kept the directory: it holds files iopfctl did not pin" : "");
		removed++;
	}
	if (d)
		closedir(d);
	return removed;
}

/* ---- what list and stats show of a policy ---- */

const char *pinned_link(const char *name, char buf[256])
{
	snprintf(buf, 256, "%s/%s/link", IOPF_PIN_ROOT, name);
	return access(buf, F_OK) ? NULL : buf;
}

void print_policy_json(struct json *j, const struct iopf_policy_info *p)
{
	char dir[256];

	json_str(j, "name", p->name);
	json_str(j, "scope", p->scope);
	json_num(j, "order", p->order);
	json_str(j, "state", p->state);
	json_num(j, "link_id", p->link_id);
	json_str(j, "pinned", pinned_link(p->name, dir) ?: "");
	json_str(j, "mode", p->mode);
	json_num(j, "calls", p->calls);
	json_num(j, "obeyed", p->obeyed);
	json_num(j, "overridden", p->overridden);
	json_num(j, "shadowed", p->shadowed);
}

/* @ns of CLOCK_REALTIME as ISO 8601 in UTC: 2026-12-06T21:00:00.123Z */
const char *iso_time(unsigned long long ns, char buf[32])
{
	time_t t = ns / 1000000000ULL;
	struct tm tm;
	size_t len;

	if (!gmtime_r(&t, &tm))
		return "?";
	len = strftime(buf, 32, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + len, 32 - len, ".%03lluZ", ns / 1000000ULL % 1000);
	return buf;
}

int parse_count(const char *s, const char *option, const char *unit, long long *out)
{
	char *end;

	errno = 0;
	*out = strtoll(s, &end, 10);
	if (errno || end == s || *end || *out <= 0)
		return fail(EXIT_USAGE, "bad %s '%s': expected a number of %s", option, s, unit);
	return EXIT_OK;
}

const char *pasid_text(bool valid, unsigned int pasid, char buf[16])
{
	if (!valid)
		return "-";
	snprintf(buf, 16, "%#x", pasid);
	return buf;
}

void json_pasid(struct json *j, bool valid, unsigned int pasid)
{
	if (valid)
		json_unum(j, "pasid", pasid);
	else
		json_null(j, "pasid");
}
