// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>

#include "iopf_ops_map.h"

/* struct iopf_ops.dev_name's size (IOPF_DEV_NAME_LEN) */
#define IOPF_OPS_DEV_NAME_MAX 64

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

/*
 * Where @member of the initial value of the object's iopf_ops map is, and
 * its type with typedefs and modifiers resolved (bool is a typedef of _Bool
 * in vmlinux.h), from the object's BTF.  *@room: bytes of the value from
 * there on.
 */
static int member_at(const struct bpf_object *obj, const char *member,
		     char **data, size_t *room, const struct btf_type **type)
{
	const struct btf *btf = bpf_object__btf(obj);
	struct bpf_map *map = iopf_ops_map(obj);
	const struct btf_member *m;
	const struct btf_type *t;
	size_t value_size, off;
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
		if (strcmp(btf__name_by_offset(btf, m->name_off), member))
			continue;
		off = btf_member_bit_offset(t, i) / 8;
		*type = btf__type_by_id(btf, btf__resolve_type(btf, m->type));
		if (!*type || off >= value_size)
			return -EINVAL;
		*data = value + off;
		*room = value_size - off;
		return 0;
	}
	return -ENOENT;
}

/* Offset and size of a char-array member of struct iopf_ops */
static int member_slot(const struct bpf_object *obj, const char *member,
		       char **data, size_t *size)
{
	const struct btf_type *mt;
	size_t room;
	int err = member_at(obj, member, data, &room, &mt);

	if (err)
		return err;
	if (!btf_is_array(mt) || btf_array(mt)->nelems > room)
		return -EINVAL;
	*size = btf_array(mt)->nelems;
	return 0;
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

/* A bool member of struct iopf_ops */
static int bool_slot(const struct bpf_object *obj, const char *member,
		     char **data)
{
	const struct btf_type *mt;
	size_t room;
	int err = member_at(obj, member, data, &room, &mt);

	if (err)
		return err;
	return btf_is_int(mt) && mt->size == 1 ? 0 : -EINVAL;
}

int iopf_ops_set_bool(const struct bpf_object *obj, const char *member,
		      bool value)
{
	char *slot;
	int err = bool_slot(obj, member, &slot);

	if (!err)
		*slot = value;
	return err;
}

int iopf_ops_get_bool(const struct bpf_object *obj, const char *member,
		      bool *value)
{
	char *slot;
	int err = bool_slot(obj, member, &slot);

	if (!err)
		*value = *slot;
	return err;
}

int iopf_ops_set_u32(const struct bpf_object *obj, const char *member,
		     __u32 value)
{
	const struct btf_type *mt;
	size_t room;
	char *slot;
	int err = member_at(obj, member, &slot, &room, &mt);

	if (err)
		return err;
	if (!btf_is_int(mt) || mt->size != sizeof(value) || room < sizeof(value))
		return -EINVAL;
	memcpy(slot, &value, sizeof(value));
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

/* Offset in @t, a struct of @btf, of its member @name; -ENOENT if none */
static int member_offset(const struct btf *btf, const struct btf_type *t,
			 const char *name, __u32 *type_id)
{
	const struct btf_member *m = btf_members(t);
	int i;

	for (i = 0; i < btf_vlen(t); i++, m++) {
		if (strcmp(btf__name_by_offset(btf, m->name_off), name))
			continue;
		if (type_id)
			*type_id = m->type;
		return btf_member_bit_offset(t, i) / 8;
	}
	return -ENOENT;
}

/* struct iopf_ops of @kbtf (the kernel's) */
static const struct btf_type *kernel_ops_type(const struct btf *kbtf)
{
	__s32 id = btf__find_by_name_kind(kbtf, "iopf_ops", BTF_KIND_STRUCT);

	return id > 0 ? btf__type_by_id(kbtf, id) : NULL;
}

/*
 * The kernel's struct iopf_ops has @a, @b and @c (NULL: two members only):
 * 0, -EOPNOTSUPP, -ENOENT, -errno
 */
static int kernel_has_members(const char *a, const char *b, const char *c)
{
	const struct btf_type *t;
	struct btf *kbtf;
	int err = 0;

	kbtf = btf__load_vmlinux_btf();
	if (!kbtf)
		return -errno;
	t = kernel_ops_type(kbtf);
	if (!t)
		err = -ENOENT;
	else if (member_offset(kbtf, t, a, NULL) < 0 ||
		 member_offset(kbtf, t, b, NULL) < 0 ||
		 (c && member_offset(kbtf, t, c, NULL) < 0))
		err = -EOPNOTSUPP;
	btf__free(kbtf);
	return err;
}

int iopf_ops_kernel_has_tenant(void)
{
	return kernel_has_members("iommufd", "dev_id", NULL);
}

int iopf_ops_kernel_has_fault_queue(void)
{
	return kernel_has_members("iommufd", "fault_id", NULL);
}

int iopf_ops_kernel_has_pasid(void)
{
	return kernel_has_members("iommufd", "dev_id", "pasid");
}

static int write_kern_value(const struct bpf_object *obj, const char *id_member,
			    int iommufd, unsigned int id, unsigned int pasid);

int iopf_ops_write_kern_value(const struct bpf_object *obj)
{
	return write_kern_value(obj, NULL, -1, 0, 0);
}

int iopf_ops_write_kern_value_tenant(const struct bpf_object *obj, int iommufd,
				     unsigned int dev_id)
{
	return write_kern_value(obj, "dev_id", iommufd, dev_id, 0);
}

int iopf_ops_write_kern_value_fault_queue(const struct bpf_object *obj, int iommufd,
					  unsigned int fault_id)
{
	return write_kern_value(obj, "fault_id", iommufd, fault_id, 0);
}

int iopf_ops_write_kern_value_pasid(const struct bpf_object *obj, int iommufd,
				    unsigned int dev_id, unsigned int pasid)
{
	return write_kern_value(obj, "dev_id", iommufd, dev_id, pasid);
}

/*
 * @id_member: NULL (a host scope), or "dev_id" or "fault_id" with
 * @iommufd; @pasid: with "dev_id", nonzero for a PASID scope
 */
static int write_kern_value(const struct bpf_object *obj, const char *id_member,
			    int iommufd, unsigned int id, unsigned int pasid)
{
	static const char * const strs[] = { "name", "dev_name" };	/* and shadow */
	const struct btf_type *vt, *kt;
	struct bpf_map *map = iopf_ops_map(obj), *m;
	struct bpf_program *prog;
	struct btf *kbtf;
	int data_off, off, err = 0, i, zero = 0;
	__u32 kt_id;
	char *value = NULL;
	char str[64];
	bool shadow;
	__s32 vid;

	if (!map || bpf_map__fd(map) < 0)
		return -EINVAL;
	/* Programs are matched to members by index alone: one map only */
	bpf_object__for_each_map(m, obj)
		if (m != map && bpf_map__type(m) == BPF_MAP_TYPE_STRUCT_OPS)
			return -EINVAL;

	kbtf = btf__load_vmlinux_btf();
	if (!kbtf)
		return -errno;
	vid = btf__find_by_name_kind(kbtf, "bpf_struct_ops_iopf_ops", BTF_KIND_STRUCT);
	vt = vid > 0 ? btf__type_by_id(kbtf, vid) : NULL;
	data_off = vt ? member_offset(kbtf, vt, "data", &kt_id) : -ENOENT;
	if (data_off < 0) {
		err = -ENOENT;
		goto out;
	}
	kt = btf__type_by_id(kbtf, kt_id);
	value = calloc(1, vt->size);
	if (!value) {
		err = -ENOMEM;
		goto out;
	}

	/* libbpf set each program's expected attach type to its member index */
	bpf_object__for_each_program(prog, obj) {
		__u32 idx = bpf_program__expected_attach_type(prog);

		if (bpf_program__type(prog) != BPF_PROG_TYPE_STRUCT_OPS ||
		    bpf_program__fd(prog) < 0)
			continue;
		if (idx >= btf_vlen(kt)) {
			err = -EINVAL;
			goto out;
		}
		off = data_off + btf_member_bit_offset(kt, idx) / 8;
		*(unsigned long *)(value + off) = bpf_program__fd(prog);
	}
	for (i = 0; i < 2; i++) {
		off = member_offset(kbtf, kt, strs[i], NULL);
		err = off < 0 ? off : iopf_ops_get_str(obj, strs[i], str, sizeof(str));
		if (err)
			goto out;
		memcpy(value + data_off + off, str, strlen(str));
	}
	off = member_offset(kbtf, kt, "shadow", NULL);
	err = off < 0 ? off : iopf_ops_get_bool(obj, "shadow", &shadow);
	if (err)
		goto out;
	value[data_off + off] = shadow;
	if (id_member) {
		int fd_off = member_offset(kbtf, kt, "iommufd", NULL);
		int id_off = member_offset(kbtf, kt, id_member, NULL);
		int pasid_off = pasid ? member_offset(kbtf, kt, "pasid", NULL) : 0;

		if (fd_off < 0 || id_off < 0 || pasid_off < 0) {
			err = -EOPNOTSUPP;
			goto out;
		}
		/* The device or the queue is the scope: no name beside it */
		off = member_offset(kbtf, kt, "dev_name", NULL);
		memset(value + data_off + off, 0, IOPF_OPS_DEV_NAME_MAX);
		memcpy(value + data_off + fd_off, &iommufd, sizeof(iommufd));
		memcpy(value + data_off + id_off, &id, sizeof(id));
		if (pasid)
			memcpy(value + data_off + pasid_off, &pasid, sizeof(pasid));
	}

	/* EBUSY: written before, and a struct_ops value never changes */
	err = bpf_map_update_elem(bpf_map__fd(map), &zero, value, 0);
	if (err == -EBUSY)
		err = 0;
out:
	free(value);
	btf__free(kbtf);
	return err ? err : bpf_map__fd(map);
}
