/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * libiopf's internal declarations: shared by its files, and by iopfctl,
 * which links the library's objects (not the shared object) and so may
 * also use what is here.  Nothing here is ABI.
 */
#ifndef LIBIOPF_INTERNAL_H
#define LIBIOPF_INTERNAL_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <bpf/libbpf.h>

#include "../../include/iopf/libiopf.h"
#include "../iopf_kernel.h"

#define IOPF_PIN_ROOT "/sys/fs/bpf/iopf"

/* ---- log.c ---- */

/* One message to the log callback, at IOPF_LOG_ERROR: why a call fails */
void libiopf_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void libiopf_log(enum iopf_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* libbpf's last warning in this thread, for an error message, or "no detail" */
const char *libiopf_bpf_reason(void);
/* Forget it: the next failure's reason is its own */
void libiopf_bpf_reason_clear(void);

/*
 * Options from a caller compiled against another version of the header:
 * 0 if @opts (NULL too) can be read, -EINVAL if its sz is too small to be
 * one, -E2BIG if it is larger than ours and a byte past ours is set
 */
int libiopf_opts_check(const void *opts, size_t known_sz, const char *type);
#define offsetofend(TYPE, FIELD) (offsetof(TYPE, FIELD) + sizeof(((TYPE *)0)->FIELD))
#define OPTS_CHECK(opts, TYPE)						\
	((opts) ? libiopf_opts_check((opts), offsetofend(struct TYPE,	\
			TYPE##__last_field), #TYPE) : 0)
/* A member the caller's struct has, else @fallback */
#define OPTS_GET(opts, field, fallback)					\
	((opts) && (opts)->sz >= offsetofend(__typeof__(*(opts)), field) ? \
	 (opts)->field : (fallback))

/* ---- policy.c ---- */

/* The step of the last call on a policy that failed, for iopfctl's exit statuses */
enum libiopf_step {
	STEP_NONE,
	STEP_OPEN,
	STEP_LOAD,		/* bpf_object__load */
	STEP_MAPS,		/* filling DEVICE[:PASID] maps after load */
	STEP_ATTACH,		/* the struct_ops link */
	STEP_PROGRAMS,		/* the other programs' links */
	STEP_PIN,
	STEP_OLD_LINK,		/* replace: the old policy's link and map */
	STEP_SCOPE,		/* replace: another scope */
	STEP_VALUE,		/* writing the struct_ops value */
	STEP_UPDATE,		/* BPF_LINK_UPDATE */
};

struct param_set;

struct iopf_policy {
	struct bpf_object *obj;
	struct bpf_link *ops_link;	/* attached by libbpf (host scopes) */
	int ops_fd;			/* attached by us (tenant or queue scope), else -1 */
	struct bpf_link *links[16];	/* the object's other programs */
	int nr_links;
	struct param_set *ps;
	char name[IOPF_OPS_NAME_LEN];
	char pin_dir[256];		/* where it is pinned, or "" */
	bool loaded, scope_set;
	bool tenant;			/* a tenant scope: a device (dev_id), a PASID or a queue */
	int iommufd;
	unsigned int dev_id, fault_id;	/* one of them, for a tenant scope */
	unsigned int pasid;		/* with dev_id: the PASID scope, else 0 */
	enum libiopf_step step;		/* of the last failure */
};

/*
 * Open @what (a path, or a name: lookup.c, then builtin.c) with its
 * iopf_ops map into *@obj; in @from, unless NULL, the file opened or
 * "built-in".  @policy_path: the search path, NULL for the default.
 * 0 or -errno, with the reason logged.
 */
int libiopf_open_object(const char *what, const char *policy_path,
			const char *token_path, struct bpf_object **obj,
			char *from, size_t from_size);
/* A name to look up, not a path: neither a '/' nor ".o" in it */
bool libiopf_is_name(const char *what);
/* A policy name: 1 to IOPF_OPS_NAME_LEN - 1 of [A-Za-z0-9_.:-] */
bool valid_name(const char *s);

/* ---- pins.c: a policy outlives its process through IOPF_PIN_ROOT/NAME/ ---- */

/*
 * One process at a time changes pins: attach with pin, replace and unload
 * hold this lock (an flock on IOPF_PIN_ROOT) from before they look at a
 * policy's pins until they are done with them, so that an unload never
 * removes the directory a replace is pinning into, and a load never clears
 * pins another one just made.  Returns the fd for pins_unlock(), or -1 if
 * it could not be taken (no bpffs: nothing can be pinned either).  Not
 * reentrant: an flock of a second fd of the same directory would wait for
 * the first.
 */
int pins_lock(void);
void pins_unlock(int fd);
/*
 * Pin @p's links and maps in @dir (under IOPF_PIN_ROOT); 0 or -errno.
 * Without an ops link of its own (replace: the link is already pinned), no
 * link pin.
 */
int pin_all(struct iopf_policy *p, const char *dir);
/*
 * Remove the library's pins in @dir (but `link` with @keep_link), then
 * @dir itself unless @keep_link; files it did not pin stay, and then so
 * does @dir: *@kept is set.  Returns how many pins it removed.
 */
int remove_pins(const char *dir, bool keep_link, bool *kept);
/* IOPF_PIN_ROOT/@name/link in @buf if that pin exists (and we may see it), else NULL */
const char *pinned_link(const char *name, char buf[256]);

/* iopf_unload(), without taking the pins' lock (the caller holds it) */
int libiopf_unload_locked(const char *name);

/* ---- lookup.c: policy objects found by name in the search path ---- */

#define POLICY_DIRS_MAX 16
/* The search path's directories (@path, else the default), in order, into @dirs; how many */
int policy_dirs(const char *path, char dirs[][PATH_MAX], int max);
/* The file NAME.bpf.o of the first directory that has one, in @out: 0 or -errno */
int policy_file(const char *path, const char *name, char *out, size_t size);
/* The search path as "DIR:DIR...", for messages */
const char *policy_path_text(const char *path, char *buf, size_t size);

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
 * ---- params.c: KEY=VALUE on .rodata and .data variables and iopf_match maps ----
 * Each returns 0 or -errno, with the reason logged.
 */
struct param_set *params_new(void);
void params_free(struct param_set *ps);
/* The map of global data section @sec (".rodata", ".data", ".bss"), or NULL */
struct bpf_map *data_map(const struct bpf_object *obj, const char *sec);
/* @map's key is struct iopf_match: a parameter DEVICE[:PASID] fills it */
bool is_match_map(const struct bpf_object *obj, const struct bpf_map *map);
/* Before load: set a .rodata or .data variable, or remember a map entry */
int params_set(struct param_set *ps, struct bpf_object *obj, const char *key,
	       const char *value);
/* After load: fill the maps */
int params_apply_maps(struct param_set *ps, struct bpf_object *obj);

#endif
