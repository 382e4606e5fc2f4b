// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <string.h>
#include <bpf/btf.h>

#include "iopf_ops_map.h"

struct bpf_map *iopf_ops_map(const struct bpf_object *obj)
{
	const struct btf *btf = bpf_object__btf(obj);
	struct bpf_map *map;

	bpf_object__for_each_map(map, obj) {
		const struct btf_type *t;

		if (bpf_map__type(map) != BPF_MAP_TYPE_STRUCT_OPS || !btf)
			continue;
		t = btf__type_by_id(btf, bpf_map__btf_value_type_id(map));
		if (t && !strcmp(btf__name_by_offset(btf, t->name_off), "iopf_ops"))
			return map;
	}
	return NULL;
}

/* Offset and size of a char-array member of struct iopf_ops */
static int member_slot(const struct bpf_object *obj, const char *member,
		       char **data, size_t *size)
{
	const struct btf *btf = bpf_object__btf(obj);
	struct bpf_map *map = iopf_ops_map(obj);
	const struct btf_member *m;
	const struct btf_type *t;
	size_t value_size;
	char *value;
	int i;

	if (!map)
		return -ENOENT;
	value = bpf_map__initial_value(map, &value_size);
	if (!btf || !value)
		return -EINVAL;
	t = btf__type_by_id(btf, bpf_map__btf_value_type_id(map));
	if (!t || !btf_is_struct(t))
		return -EINVAL;
	for (i = 0, m = btf_members(t); i < btf_vlen(t); i++, m++) {
		const struct btf_type *mt;
		const struct btf_array *arr;

		if (strcmp(btf__name_by_offset(btf, m->name_off), member))
			continue;
		mt = btf__type_by_id(btf, m->type);
		if (!btf_is_array(mt))
			return -EINVAL;
		arr = btf_array(mt);
		if (btf_member_bit_offset(t, i) / 8 + arr->nelems > value_size)
			return -EINVAL;
		*data = value + btf_member_bit_offset(t, i) / 8;
		*size = arr->nelems;
		return 0;
	}
	return -ENOENT;
}

int iopf_ops_set_str(const struct bpf_object *obj, const char *member,
		     const char *value)
{
	size_t size;
	char *slot;
	int err = member_slot(obj, member, &slot, &size);

	if (err)
		return err;
	if (strlen(value) >= size)
		return -ENAMETOOLONG;
	memset(slot, 0, size);
	memcpy(slot, value, strlen(value));
	return 0;
}

int iopf_ops_get_str(const struct bpf_object *obj, const char *member,
		     char *buf, size_t size)
{
	size_t slot_size;
	char *slot;
	int err = member_slot(obj, member, &slot, &slot_size);

	if (err)
		return err;
	if (strnlen(slot, slot_size) >= size)
		return -ENAMETOOLONG;
	memcpy(buf, slot, strnlen(slot, slot_size));
	buf[strnlen(slot, slot_size)] = 0;
	return 0;
}
