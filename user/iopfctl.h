/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* iopfctl: shared declarations of the loader's files */
#ifndef IOPFCTL_H
#define IOPFCTL_H

#include <stdbool.h>
#include <stddef.h>
#include <bpf/libbpf.h>

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
};

#define IOPF_PIN_ROOT "/sys/fs/bpf/iopf"

/* One line on stderr, "iopfctl: ...", and the exit status to return */
int fail(int status, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Built-in policies, embedded as skeleton ELF bytes */
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

/* Parameters: --set KEY=VALUE on .rodata variables and iopf_match maps */
struct param_set;
struct param_set *params_new(void);
void params_free(struct param_set *ps);
/* Before load: set rodata, remember map entries; returns an EXIT_* */
int params_apply_rodata(struct param_set *ps, struct bpf_object *obj,
			const char *kv);
/* After load: fill the maps */
int params_apply_maps(struct param_set *ps, struct bpf_object *obj);

/* Output: a table or JSON */
struct json;
struct json *json_new(void);
void json_begin_obj(struct json *j, const char *key);
void json_end_obj(struct json *j);
void json_begin_arr(struct json *j, const char *key);
void json_end_arr(struct json *j);
void json_str(struct json *j, const char *key, const char *value);
void json_num(struct json *j, const char *key, long long value);
void json_done(struct json *j);

/* Dump a pinned policy map by BTF (stats) */
int dump_pinned_map(const char *path, const char *label, struct json *j);

#endif
