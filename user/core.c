// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * What iopfctl's commands share: the one-line error and its exit status,
 * the checks of privilege and kernel support, the library's log turned
 * into iopfctl's messages, and prepare_policy(): a policy from a name or an
 * object path to a libiopf handle ready to load (the library does the
 * rest: user/lib/).
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
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "iopf_kernel.h"
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

/* libbpf's last warning, for an error message; the library's last error */
static char libbpf_last[512], lib_last[1024];

/*
 * The library's log: its errors are the messages iopfctl prints (through
 * fail(), by lib_fail()); libbpf's lines go to stderr with IOPFCTL_DEBUG
 */
static void log_cb(enum iopf_log_level level, const char *origin,
		   const char *msg, void *ctx)
{
	if (!strcmp(origin, "libbpf")) {
		if (level == IOPF_LOG_WARN)
			snprintf(libbpf_last, sizeof(libbpf_last), "%s", msg);
		if (getenv("IOPFCTL_DEBUG"))
			fputs(msg, stderr);
	} else if (level == IOPF_LOG_ERROR) {
		snprintf(lib_last, sizeof(lib_last), "%s", msg);
	}
}

void setup_libbpf_print(void)
{
	iopf_set_log(log_cb, NULL);
}

const char *libbpf_reason(void)
{
	size_t n = strlen(libbpf_last);

	while (n && libbpf_last[n - 1] == '\n')
		libbpf_last[--n] = 0;
	return n ? libbpf_last : "no detail";
}

int lib_fail(int status, const char *hint)
{
	return fail(status, "%s%s", lib_last[0] ? lib_last : "failed", hint ? hint : "");
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
	err = iopf_get_policy(name, p, sizeof(*p));
	if (err == -ENOENT)
		return fail(EXIT_NOT_ATTACHED, "no policy named '%s' is attached", name);
	if (err)
		return kernel_error(err, "reading attached policies");
	return EXIT_OK;
}

volatile sig_atomic_t stop_requested;

void on_stop_signal(int sig)
{
	stop_requested = 1;
}

/* ---- a policy this process loads ---- */

int open_status(const char *what, int err)
{
	switch (err) {
	case -ENOENT:
		return libiopf_is_name(what) ? lib_fail(EXIT_UNKNOWN_POLICY, " (see: iopfctl policies)") :
			lib_fail(EXIT_BAD_OBJECT, NULL);
	case -ENOMSG:
		return lib_fail(EXIT_NO_STRUCT_OPS, NULL);
	case -EINVAL:
		/* The name from --name or the object's */
		return lib_fail(EXIT_BAD_PARAM, NULL);
	default:
		return lib_fail(EXIT_BAD_OBJECT, NULL);
	}
}

int load_status(const struct iopf_policy *p, int err)
{
	if (p->step == STEP_MAPS)
		return lib_fail(err == -EINVAL ? EXIT_BAD_PARAM : EXIT_KERNEL_ERROR, NULL);
	return lib_fail(err == -EPERM ? EXIT_NO_PRIVILEGE : EXIT_KERNEL_ERROR, NULL);
}

int prepare_policy(const char *what, const char *name, const char *dev,
		   bool shadow, const char *const *sets, int nr_sets,
		   enum name_check check, struct iopf_policy **out)
{
	IOPF_OPTS(iopf_open_opts, opts, .name = name, .shadow = shadow);
	IOPF_OPTS(iopf_scope_opts, scope, .scope = IOPF_SCOPE_DEVICE, .dev_name = dev);
	struct iopf_policy_info info;
	struct iopf_policy *p = NULL;
	int i, status, err;
	char key[64];

	*out = NULL;
	status = check_privilege();
	if (!status)
		status = check_kernel();
	if (!status)
		status = require_iopf_kernel();
	if (status)
		return status;
	err = iopf_policy_open(what, &opts, &p);
	if (err)
		return open_status(what, err);
	if (dev && iopf_policy_set_scope(p, &scope)) {
		status = lib_fail(EXIT_UNKNOWN_DEVICE, NULL);
		goto out;
	}
	if (check == NAME_MUST_BE_FREE) {
		err = iopf_kernel_policy(iopf_policy_name(p), &info);
		if (!err) {
			status = fail(EXIT_NAME_TAKEN, "a policy named '%s' is already attached (use --name)",
				      iopf_policy_name(p));
			goto out;
		} else if (err != -ENOENT) {
			status = kernel_error(err, "reading attached policies");
			goto out;
		}
	}
	for (i = 0; i < nr_sets && !status; i++) {
		const char *eq = strchr(sets[i], '=');

		if (!eq || eq == sets[i] || (size_t)(eq - sets[i]) >= sizeof(key)) {
			status = fail(EXIT_BAD_PARAM, "bad --set '%s': expected KEY=VALUE", sets[i]);
			break;
		}
		memcpy(key, sets[i], eq - sets[i]);
		key[eq - sets[i]] = 0;
		err = iopf_policy_set_param(p, key, eq + 1);
		if (err)
			status = lib_fail(EXIT_BAD_PARAM, err == -ENOENT ? " (see: iopfctl inspect)" : NULL);
	}
out:
	if (status)
		iopf_policy_close(p);
	else
		*out = p;
	return status;
}

/* ---- what list and stats show of a policy ---- */

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
	json_bool(j, "tenant", p->tenant);
	if (p->uid < 0)
		json_null(j, "uid");	/* a kernel before tenant policies */
	else
		json_num(j, "uid", p->uid);
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
