// SPDX-License-Identifier: GPL-2.0
/*
 * Tenant scopes of iopf-bpf policies: a process that binds a device through
 * iommufd may attach a policy to that device's I/O page faults, naming the
 * device by its iommufd and the device object's ID.  See struct iopf_ops in
 * include/linux/iopf_bpf.h.
 */
#include <linux/iommufd.h>
#include <linux/iopf_bpf.h>

#include "iommufd_private.h"

/**
 * iommufd_iopf_tenant_get() - Hold the device that a caller's iommufd binds
 * @fd: an iommufd file descriptor of the calling process
 * @dev_id: the ID of a device object in that iommufd
 * @t: filled on success
 *
 * The device object is held as an ioctl holds it, so that unbinding it
 * waits until iommufd_iopf_tenant_put(): a policy listed in between is
 * found by the unbind's iopf_bpf_owner_release().  Hold it briefly.
 *
 * Context: process context, in the caller's own system call.
 * Return: 0; -EBADF if @fd is not open, -EBADFD if it is not an iommufd,
 * -ENOENT if it binds no device with that ID.
 */
int iommufd_iopf_tenant_get(int fd, u32 dev_id, struct iopf_bpf_tenant *t)
{
	struct iommufd_ctx *ictx;
	struct iommufd_object *obj;

	ictx = iommufd_ctx_from_fd(fd);
	if (IS_ERR(ictx))
		return PTR_ERR(ictx);
	obj = iommufd_get_object(ictx, dev_id, IOMMUFD_OBJ_DEVICE);
	if (IS_ERR(obj)) {
		iommufd_ctx_put(ictx);
		return -ENOENT;
	}
	t->dev = container_of(obj, struct iommufd_device, obj)->dev;
	t->owner = ictx;
	t->obj = obj;
	return 0;
}

/**
 * iommufd_iopf_tenant_put() - Let the device of iommufd_iopf_tenant_get() go
 * @t: as filled by iommufd_iopf_tenant_get()
 *
 * Context: process context.
 */
void iommufd_iopf_tenant_put(struct iopf_bpf_tenant *t)
{
	iommufd_put_object(t->owner, t->obj);
	iommufd_ctx_put(t->owner);
}
