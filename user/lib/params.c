// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Parameters (iopfctl's --set KEY=VALUE, iopf_policy_set_param()): a policy's parameters are its `const volatile` globals
 * (.rodata) and initialized globals (.data), set before load, and its maps
 * keyed by struct iopf_match (filled after load from DEVICE[:PASID]).  All
 * are found by name in the object's BTF, so any policy object gets them
 * without loader changes (iopfctl inspect lists them).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>

#include "internal.h"

#define ANY_PASID 0xffffffffu

struct match_entry {
	char map[64];
	char dev[IOPF_DEV_NAME_LEN];
	unsigned int pasid;
};

struct param_set {
	struct match_entry entries[256];
	int nr;
};

struct param_set *params_new(void)
{
	return calloc(1, sizeof(struct param_set));
}

void params_free(struct param_set *ps)
{
	free(ps);
}

/* The object's map of the global data section @sec (".rodata", ".data") */
struct bpf_map *data_map(const struct bpf_object *obj, const char *sec)
{
	size_t slen = strlen(sec);
	struct bpf_map *map;

	bpf_object__for_each_map(map, obj) {
		const char *name = bpf_map__name(map);
		size_t len = strlen(name);

		/* libbpf names it by a prefix of the object's name: "storm_gu.rodata" */
		if (len >= slen && !strcmp(name + len - slen, sec))
			return map;
	}
	return NULL;
}

/*
 * The variable @name of section @sec: its type and place in the initial
 * value the object will be loaded with
 */
static void *section_var(struct bpf_object *obj, const char *sec,
			 const char *name, const struct btf_type **type)
{
	const struct btf *btf = bpf_object__btf(obj);
	struct bpf_map *map = data_map(obj, sec);
	const struct btf_var_secinfo *vs;
	const struct btf_type *datasec;
	size_t size;
	char *data;
	int i;

	if (!btf || !map)
		return NULL;
	data = bpf_map__initial_value(map, &size);
	datasec = btf__type_by_id(btf, bpf_map__btf_value_type_id(map));
	if (!data || !datasec || !btf_is_datasec(datasec))
		return NULL;
	for (i = 0, vs = btf_var_secinfos(datasec); i < btf_vlen(datasec); i++, vs++) {
		const struct btf_type *var = btf__type_by_id(btf, vs->type);

		if (strcmp(btf__name_by_offset(btf, var->name_off), name))
			continue;
		*type = btf__type_by_id(btf, btf__resolve_type(btf, var->type));
		return vs->offset + vs->size <= size ? data + vs->offset : NULL;
	}
	return NULL;
}

/*
 * A parameter: a const volatile global (.rodata), which the verifier then
 * sees as a constant, or an initialized global (.data), which the policy
 * may change as it runs.  Not .bss: zero-initialized globals are the
 * policy's counters and state (iopfctl stats shows them).
 */
static void *param_var(struct bpf_object *obj, const char *name,
		       const struct btf_type **type)
{
	void *slot = section_var(obj, ".rodata", name, type);

	return slot ? slot : section_var(obj, ".data", name, type);
}

bool is_match_map(const struct bpf_object *obj, const struct bpf_map *map)
{
	const struct btf *btf = bpf_object__btf(obj);
	const struct btf_type *t;

	if (!btf || !bpf_map__btf_key_type_id(map))
		return false;
	t = btf__type_by_id(btf, bpf_map__btf_key_type_id(map));
	return t && !strcmp(btf__name_by_offset(btf, t->name_off), "iopf_match");
}

/* A map named @name whose key is struct iopf_match */
static struct bpf_map *match_map(struct bpf_object *obj, const char *name)
{
	struct bpf_map *map = bpf_object__find_map_by_name(obj, name);

	return map && is_match_map(obj, map) ? map : NULL;
}

static int set_int(void *slot, const struct btf_type *t, const char *key,
		   const char *value)
{
	unsigned long long v;
	bool is_bool = btf_is_int(t) && (btf_int_encoding(t) & BTF_INT_BOOL);
	char *end;

	if (!btf_is_int(t) && !btf_is_enum(t)) {
		libiopf_err("parameter '%s' is not a number; it cannot be set", key);
		return -EOPNOTSUPP;
	}
	if (is_bool && (!strcmp(value, "true") || !strcmp(value, "false")))
		v = !strcmp(value, "true");
	else {
		errno = 0;
		/* Hex with 0x, else decimal: a leading zero is no octal here */
		v = strtoull(value, &end, strncmp(value, "0x", 2) ? 10 : 16);
		if (errno || !*value || *end || *value == '-') {
			libiopf_err("bad value '%s' for %s: expected a non-negative integer", value, key);
			return -EINVAL;
		}
	}
	if ((is_bool && v > 1) || (t->size < 8 && v >> (t->size * 8))) {
		libiopf_err("value %s out of range for %s", value, key);
		return -ERANGE;
	}
	memcpy(slot, &v, t->size);	/* little endian */
	return 0;
}

static int add_match(struct param_set *ps, const struct bpf_map *m,
		     const char *map, const char *value)
{
	struct match_entry *e = &ps->entries[ps->nr];
	const char *colon = strrchr(value, ':');
	size_t dev_len = colon ? (size_t)(colon - value) : strlen(value);
	char *end;

	if (ps->nr == (int)(sizeof(ps->entries) / sizeof(ps->entries[0]))) {
		libiopf_err("too many --set entries");
		return -ENOSPC;
	}
	/* Checked here, not at load: a bad parameter fails before the kernel is asked */
	if (bpf_map__key_size(m) != IOPF_DEV_NAME_LEN + 4 || bpf_map__value_size(m) > 64) {
		libiopf_err("map %s cannot take DEVICE[:PASID] entries", map);
		return -EINVAL;
	}
	/* PCI names have colons too: only a trailing :NUMBER is a PASID */
	if (colon) {
		errno = 0;
		e->pasid = strtoul(colon + 1, &end, strncmp(colon + 1, "0x", 2) ? 10 : 16);
		if (errno || !colon[1] || *end) {
			colon = NULL;
			dev_len = strlen(value);
		}
	}
	if (!colon)
		e->pasid = ANY_PASID;
	if (!dev_len || dev_len >= sizeof(e->dev)) {
		libiopf_err("bad device in %s=%s", map, value);
		return -EINVAL;
	}
	memset(e->dev, 0, sizeof(e->dev));
	memcpy(e->dev, value, dev_len);
	snprintf(e->map, sizeof(e->map), "%s", map);
	ps->nr++;
	return 0;
}

int params_set(struct param_set *ps, struct bpf_object *obj, const char *key,
	       const char *value)
{
	const struct btf_type *type;
	struct bpf_map *map;
	void *slot;

	slot = param_var(obj, key, &type);
	if (slot)
		return set_int(slot, type, key, value);
	map = match_map(obj, key);
	if (map)
		return add_match(ps, map, key, value);
	libiopf_err("unknown parameter '%s'", key);
	return -ENOENT;
}

int params_apply_maps(struct param_set *ps, struct bpf_object *obj)
{
	int i;

	for (i = 0; i < ps->nr; i++) {
		struct match_entry *e = &ps->entries[i];
		struct bpf_map *map = bpf_object__find_map_by_name(obj, e->map);
		char key[IOPF_DEV_NAME_LEN + 4] = {};
		unsigned char value[64] = {};

		if (!map || bpf_map__key_size(map) != sizeof(key) ||
		    bpf_map__value_size(map) > sizeof(value)) {
			libiopf_err("map %s cannot take DEVICE[:PASID] entries", e->map);
			return -EINVAL;
		}
		memcpy(key, e->dev, sizeof(e->dev));
		memcpy(key + IOPF_DEV_NAME_LEN, &e->pasid, 4);
		if (bpf_map__update_elem(map, key, sizeof(key), value,
					 bpf_map__value_size(map), BPF_ANY)) {
			int err = -errno;

			libiopf_err("cannot add %s to map %s: %s", e->dev, e->map, strerror(-err));
			return err;
		}
	}
	return 0;
}
