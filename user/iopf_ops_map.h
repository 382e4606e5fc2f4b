/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Helpers for struct iopf_ops maps in libbpf objects, shared by iopfctl
 * and the selftests.
 */
#ifndef IOPF_OPS_MAP_H
#define IOPF_OPS_MAP_H

#include <stdbool.h>
#include <bpf/libbpf.h>

/* The first struct_ops map of type iopf_ops in @obj, or NULL */
struct bpf_map *iopf_ops_map(const struct bpf_object *obj);

/*
 * Set a char-array member ("name" or "dev_name") of the initial value of
 * the object's iopf_ops map, before load.  bpftool's skeletons cannot express char arrays in
 * struct_ops maps, so the offset comes from the object's BTF.
 * Returns 0, -ENOENT (no such member), -ENAMETOOLONG or -EINVAL.
 */
int iopf_ops_set_str(const struct bpf_object *obj, const char *member,
		     const char *value);
/* Read it back (the name the policy will attach under) */
int iopf_ops_get_str(const struct bpf_object *obj, const char *member,
		     char *buf, size_t size);

/*
 * The same for a bool member ("shadow"): 0, -ENOENT (no such member: an
 * object built for a kernel without it) or -EINVAL
 */
int iopf_ops_set_bool(const struct bpf_object *obj, const char *member,
		      bool value);
int iopf_ops_get_bool(const struct bpf_object *obj, const char *member,
		      bool *value);

/*
 * The same for a 32-bit integer member ("iommufd", "dev_id", "fault_id",
 * "pasid": a tenant, fault-queue or PASID scope): 0, -ENOENT (a kernel
 * without it) or -EINVAL
 */
int iopf_ops_set_u32(const struct bpf_object *obj, const char *member,
		     __u32 value);

/*
 * Write the kernel value of @obj's loaded iopf_ops map, as
 * bpf_map__attach_struct_ops() does, but without creating a link: for
 * bpf_link_update() of a link another process created (libbpf's
 * bpf_link__update_map() takes only links of this process).  Program fds
 * go to the members libbpf matched them to at load, name, dev_name and
 * shadow are copied.  The kernel runs .validate on it.  Returns the map's fd, or
 * -errno (-EINVAL for an object with another struct_ops map too).
 */
int iopf_ops_write_kern_value(const struct bpf_object *obj);

/*
 * The same, with a tenant scope: the kernel's struct iopf_ops members
 * iommufd and dev_id set to @iommufd and @dev_id (and dev_name empty).
 * -EOPNOTSUPP if the kernel's struct iopf_ops has no such members.
 */
int iopf_ops_write_kern_value_tenant(const struct bpf_object *obj, int iommufd,
				     unsigned int dev_id);

/*
 * The same, with a fault-queue scope: iommufd and fault_id set to
 * @iommufd and @fault_id (dev_id 0, dev_name empty).  -EOPNOTSUPP if the
 * kernel's struct iopf_ops has no such members.
 */
int iopf_ops_write_kern_value_fault_queue(const struct bpf_object *obj, int iommufd,
					  unsigned int fault_id);

/*
 * The same, with a PASID scope: iommufd, dev_id and pasid set to
 * @iommufd, @dev_id and @pasid (dev_name empty).  -EOPNOTSUPP if the
 * kernel's struct iopf_ops has no such members.
 */
int iopf_ops_write_kern_value_pasid(const struct bpf_object *obj, int iommufd,
				    unsigned int dev_id, unsigned int pasid);

/*
 * 0 if the running kernel's struct iopf_ops (its BTF) has the tenant
 * scope's members, iommufd and dev_id; -EOPNOTSUPP if not; -ENOENT if it
 * has no struct iopf_ops; another -errno if its BTF cannot be read
 */
int iopf_ops_kernel_has_tenant(void);
/* The same for the fault-queue scope's members, iommufd and fault_id */
int iopf_ops_kernel_has_fault_queue(void);
/* The same for the PASID scope's members, iommufd, dev_id and pasid */
int iopf_ops_kernel_has_pasid(void);

#endif
