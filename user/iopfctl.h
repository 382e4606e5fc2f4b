/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * iopfctl: shared declarations of the loader's files.  iopfctl.c only
 * dispatches; each cmd_*.c is one command family; core.c is what they
 * share; json.c and dump.c are libraries under them.  Loading, attaching,
 * replacing, unloading and listing policies is libiopf's (user/lib/), whose
 * objects iopfctl links: it may use the library's internals too.
 */
#ifndef IOPFCTL_H
#define IOPFCTL_H

#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <bpf/libbpf.h>

#include "iopf_kernel.h"
#include "lib/internal.h"

struct iopf_policy_info;
struct json;

/* Exit statuses: each kind of failure has its own, for scripts */
enum {
	EXIT_OK = 0,
	EXIT_USAGE = 1,
	EXIT_UNKNOWN_POLICY = 2,
	EXIT_BAD_OBJECT = 3,
	EXIT_NO_STRUCT_OPS = 4,
	EXIT_UNKNOWN_DEVICE = 5,
	EXIT_NAME_TAKEN = 6,
	EXIT_BAD_PARAM = 7,
	EXIT_NO_PRIVILEGE = 8,
	EXIT_NO_KERNEL_SUPPORT = 9,
	EXIT_KERNEL_ERROR = 10,
	EXIT_NOT_ATTACHED = 11,
	EXIT_SCOPE_DIFFERS = 12,
};

/* ---- iopfctl.c ---- */

/* The usage text on @f; returns @status */
int usage(FILE *f, int status);
/* Report arguments a command does not take: its usage; returns EXIT_USAGE */
int usage_error(void);

/* ---- cmd_*.c: each gets argv from its command's name on ---- */

int cmd_load(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_policies(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_unload(int argc, char **argv);
int cmd_replace(int argc, char **argv);
int cmd_inspect(int argc, char **argv);
int cmd_events(int argc, char **argv);
int cmd_top(int argc, char **argv);

/* ---- core.c ---- */

/* One line on stderr, "iopfctl: ...", and the exit status to return */
int fail(int status, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* --json or -j: print JSON instead of text; --pretty or -p: indented */
extern bool json_output;
extern bool json_pretty;
/*
 * In JSON mode, fail() keeps its messages for this: {"error": "..."} on
 * stdout, the one document a failed command prints (main() calls it)
 */
void json_print_error(void);
/* The command being run, for its usage line in errors; NULL before */
extern const char *current_usage;

/*
 * Take the library's log: libbpf quiet unless IOPFCTL_DEBUG is set, the
 * library's errors kept for lib_fail(); call once, first
 */
void setup_libbpf_print(void);
/* libbpf's last warning, for an error message, or "no detail" */
const char *libbpf_reason(void);
/* fail() with the library's last error, and @hint (or NULL) after it */
int lib_fail(int status, const char *hint);

/* Each returns EXIT_OK, or prints why not and returns the EXIT_* */
int check_privilege(void);	/* CAP_SYS_ADMIN */
int check_kernel(void);		/* the kernel's BTF has struct iopf_ops */
/* Print the failure @err (-errno) of @what, a sysfs read; returns the EXIT_* */
int kernel_error(int err, const char *what);
/*
 * EXIT_OK if the kernel shows /sys/kernel/iopf/; else prints why not and
 * returns EXIT_NO_KERNEL_SUPPORT, EXIT_NO_PRIVILEGE or EXIT_KERNEL_ERROR
 */
int require_iopf_kernel(void);
/*
 * The attached policy @name into *@p: EXIT_OK, or prints why not and
 * returns EXIT_NO_KERNEL_SUPPORT (no /sys/kernel/iopf/), EXIT_NOT_ATTACHED
 * or the EXIT_* of another failure to read it
 */
int find_policy(const char *name, struct iopf_policy_info *p);

/* Set by on_stop_signal(), the handler commands install for SIGINT/SIGTERM */
extern volatile sig_atomic_t stop_requested;
void on_stop_signal(int sig);

/* The EXIT_* of iopf_policy_open(@what)'s error @err, said */
int open_status(const char *what, int err);
/* The EXIT_* of iopf_policy_load()'s error @err on @p (or of the load in replace), said */
int load_status(const struct iopf_policy *p, int err);

/* What prepare_policy() checks of the name among the attached policies */
enum name_check {
	NAME_MUST_BE_FREE,	/* EXIT_NAME_TAKEN if a policy has it (load) */
	NAME_NOT_CHECKED,	/* the caller checks it, if it must */
};

/*
 * All of loading a policy that comes before the kernel loads it.  Checks
 * the privilege and the kernel; opens @what (iopf_policy_open(), with
 * @name and @shadow); sets the scope to @dev unless NULL; checks, by
 * @check, that no attached policy has its name; and sets the @nr_sets
 * KEY=VALUE strings of @sets as its parameters.  Returns EXIT_OK with *@out
 * the handle, or prints why not and returns the EXIT_*.
 */
int prepare_policy(const char *what, const char *name, const char *dev,
		   bool shadow, const char *const *sets, int nr_sets,
		   enum name_check check, struct iopf_policy **out);

/* Names collected for one JSON array, printed once the command succeeded */
struct name_list {
	char names[IOPF_MAX_POLICIES * 2][IOPF_OPS_NAME_LEN];
	int n;
};
void name_list_add(struct name_list *l, const char *name);
void json_name_list(struct json *j, const char *key, const struct name_list *l);
/* @ns of CLOCK_REALTIME as ISO 8601 in UTC: 2026-12-06T21:00:00.123Z */
const char *iso_time(unsigned long long ns, char buf[32]);
/* A positive number of @unit for @option: EXIT_OK or, said, EXIT_USAGE */
int parse_count(const char *s, const char *option, const char *unit, long long *out);
/*
 * A PASID as every command and the bpftrace tools print it: "-" (JSON null)
 * for a request without one, else hex (a JSON number)
 */
const char *pasid_text(bool valid, unsigned int pasid, char buf[16]);
void json_pasid(struct json *j, bool valid, unsigned int pasid);
/* The keys of a policy in list --json and stats --json */
void print_policy_json(struct json *j, const struct iopf_policy_info *p);

/* ---- json.c: output as JSON ---- */

struct json *json_new(void);
void json_begin_obj(struct json *j, const char *key);
void json_end_obj(struct json *j);
void json_begin_arr(struct json *j, const char *key);
void json_end_arr(struct json *j);
void json_str(struct json *j, const char *key, const char *value);
void json_num(struct json *j, const char *key, long long value);
void json_unum(struct json *j, const char *key, unsigned long long value);
void json_fixed(struct json *j, const char *key, double value, int decimals);
void json_bool(struct json *j, const char *key, bool value);
void json_null(struct json *j, const char *key);
void json_put_string(const char *s);
void json_done(struct json *j);

/* ---- dump.c: print a pinned policy map by BTF (stats) ---- */

int dump_pinned_map(const char *path, const char *label, struct json *j);

#endif
