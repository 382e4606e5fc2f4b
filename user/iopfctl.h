/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * iopfctl: shared declarations of the loader's files.  iopfctl.c only
 * dispatches; each cmd_*.c is one command family; core.c is what they
 * share; params.c, builtin.c, json.c and dump.c are libraries under them.
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

#define IOPF_PIN_ROOT "/sys/fs/bpf/iopf"

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

/* Keep libbpf quiet unless IOPFCTL_DEBUG is set; call once, first */
void setup_libbpf_print(void);
/* libbpf's last warning, for an error message, or "no detail" */
const char *libbpf_reason(void);

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
/* A policy name: 1 to IOPF_OPS_NAME_LEN - 1 of [A-Za-z0-9_.:-] */
bool valid_name(const char *s);

/* Set by on_stop_signal(), the handler commands install for SIGINT/SIGTERM */
extern volatile sig_atomic_t stop_requested;
void on_stop_signal(int sig);

/* A policy this process opened, and the links it attached */
struct loaded {
	struct bpf_object *obj;
	struct bpf_link *ops_link;
	struct bpf_link *links[16];	/* the object's other programs */
	int nr_links;
	char name[IOPF_OPS_NAME_LEN];
};

/* Destroy @l's links and close its object: what is not pinned detaches */
void unload_local(struct loaded *l);
/*
 * Open @what, an object path or a policy name (lookup.c: a file in the
 * search path, else a built-in), with its iopf_ops map; in @from, unless
 * NULL, the file opened or "built-in"
 */
int open_policy(const char *what, struct bpf_object **obj, char *from,
		size_t from_size);

/* What prepare_policy() checks of the name among the attached policies */
enum name_check {
	NAME_MUST_BE_FREE,	/* EXIT_NAME_TAKEN if a policy has it (load) */
	NAME_NOT_CHECKED,	/* the caller checks it, if it must */
};

/*
 * All of loading a policy that comes before attaching it.  Checks the
 * privilege and the kernel; opens @what (open_policy()); writes @name and
 * @dev, unless NULL, and @shadow if set, into the iopf_ops map and checks
 * the resulting name
 * (and, by @check, that no attached policy has it); applies the @nr_sets
 * KEY=VALUE strings of @sets to .rodata; loads the object; and fills the
 * maps @sets named.  *@l is overwritten.  Returns EXIT_OK with l->obj
 * loaded and l->name set, nothing attached: the caller attaches and then
 * calls unload_local(@l).  Otherwise prints why, releases all it took
 * (unload_local(@l) is then a no-op), and returns the EXIT_*.
 */
int prepare_policy(const char *what, const char *name, const char *dev,
		   bool shadow, const char *const *sets, int nr_sets,
		   enum name_check check, struct loaded *l);

/*
 * EXIT_OK if @l's iopf_ops map is a BPF_F_LINK one (SEC(".struct_ops.link")),
 * whose value we may write without the kernel registering it; else prints
 * why not and returns EXIT_NO_STRUCT_OPS
 */
int check_link_map(const struct loaded *l);

/* Attach @l's programs other than struct_ops, each with its own link */
int attach_programs(struct loaded *l);

/*
 * One iopfctl at a time changes pins: load, replace and unload hold this
 * lock (an flock on IOPF_PIN_ROOT) from before they look at a policy's
 * pins until they are done with them, so that an unload never removes the
 * directory a replace is pinning into, and a load never clears pins
 * another one just made.  Returns the fd for pins_unlock(), or -1 if it
 * could not be taken (no bpffs: nothing can be pinned either).
 */
int pins_lock(void);
void pins_unlock(int fd);
/*
 * Pin @l's links and maps in @dir (under IOPF_PIN_ROOT); 0 or -errno.
 * Without l->ops_link (replace: the link is already pinned), no link pin.
 */
int pin_all(struct loaded *l, const char *dir);
/*
 * Remove iopfctl's pins in @dir (but `link` with @keep_link), then @dir
 * itself unless @keep_link; files it did not pin stay, and then so does
 * @dir: *@kept is set.  Returns how many pins it removed.
 */
int remove_pins(const char *dir, bool keep_link, bool *kept);
/*
 * Remove the pins of @name (NULL: of any) no attached policy has, saying
 * so on stdout; for how many names it removed something
 */
/* Names collected for one JSON array, printed once the command succeeded */
struct name_list {
	char names[IOPF_MAX_POLICIES * 2][IOPF_OPS_NAME_LEN];
	int n;
};
void name_list_add(struct name_list *l, const char *name);
void json_name_list(struct json *j, const char *key, const struct name_list *l);
int remove_stale_pins(const char *name, struct name_list *names);

/*
 * IOPF_PIN_ROOT/@name/link in @buf if that pin exists (and this user may
 * see it: the root is 0700), else NULL
 */
const char *pinned_link(const char *name, char buf[256]);
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

/* ---- lookup.c: policy objects found by name in the search path ---- */

#define POLICY_DIRS_MAX 16
/* The search path's directories, in order, into @dirs; how many */
int policy_dirs(char dirs[][PATH_MAX], int max);
/* The file NAME.bpf.o of the first directory that has one, in @path: 0 or -errno */
int policy_file(const char *name, char *path, size_t size);
/* The search path as "DIR:DIR...", for messages */
const char *policy_path_text(char *buf, size_t size);

/* ---- builtin.c: built-in policies, embedded as skeleton ELF bytes ---- */

struct builtin_param {
	const char *name;
	const char *help;
};

struct builtin {
	const char *name;
	const char *summary;
	const void *(*elf_bytes)(size_t *size);
	const struct builtin_param *params;
};

extern const struct builtin builtins[];
const struct builtin *builtin_find(const char *name);

/*
 * ---- params.c: --set KEY=VALUE on .rodata variables and iopf_match maps ----
 * Each function prints its error with fail() and returns an EXIT_*.
 */
struct param_set;
struct param_set *params_new(void);
void params_free(struct param_set *ps);
/* The map of global data section @sec (".rodata", ".data", ".bss"), or NULL */
struct bpf_map *data_map(const struct bpf_object *obj, const char *sec);
/* @map's key is struct iopf_match: --set NAME=DEVICE[:PASID] fills it */
bool is_match_map(const struct bpf_object *obj, const struct bpf_map *map);
/* Before load: set .rodata and .data, remember map entries */
int params_apply_rodata(struct param_set *ps, struct bpf_object *obj,
			const char *kv);
/* After load: fill the maps */
int params_apply_maps(struct param_set *ps, struct bpf_object *obj);

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
