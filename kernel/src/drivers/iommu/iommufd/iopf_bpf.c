// SPDX-License-Identifier: GPL-2.0
/*
 * Tenant scopes of iopf-bpf policies: a process that binds a device through
 * iommufd may attach a policy to that device's I/O page faults, naming the
 * device by its iommufd and the device object's ID, or one PASID of it
 * attached through that iommufd; or to the faults that go to one of its
 * fault queues, naming the queue the same way.  See struct
 * iopf_ops in include/linux/iopf_bpf.h.
 */
#include <linux/iommu.h>
#include <linux/iommufd.h>
#include <linux/iopf_bpf.h>
#include <uapi/linux/vfio.h>

#include "iommufd_private.h"

/*
 * After 6.12 the fault queue became an event queue, its object moved into
 * struct iommufd_eventq (with vEVENTQ, IOMMU_VEVENTQ_ALLOC), and a domain's
 * HWPT moved from fault_data to the iommufd_hwpt cookie.  A test of the
 * uapi macro, not of the version: Debian's 6.12 carries backports.
 */
#ifdef IOMMU_VEVENTQ_ALLOC
static struct iommufd_fault *iopf_fault_of_obj(struct iommufd_object *obj)
{
	return container_of(obj, struct iommufd_fault, common.obj);
}

static struct iommufd_hw_pagetable *
iopf_domain_hwpt(const struct iommu_domain *domain)
{
	return domain->iommufd_hwpt;
}
#else
static struct iommufd_fault *iopf_fault_of_obj(struct iommufd_object *obj)
{
	return container_of(obj, struct iommufd_fault, obj);
}

static struct iommufd_hw_pagetable *
iopf_domain_hwpt(const struct iommu_domain *domain)
{
	return domain->fault_data;
}
#endif

/*
 * iommufd attaches a domain to a PASID of a device (iommufd_device_attach()
 * with a PASID) from 6.15 on; VFIO's uapi for it came in the same release.
 * 6.12's iommufd attaches the RID only.
 */
#ifdef VFIO_DEVICE_ATTACH_PASID
#define IOPF_IOMMUFD_PASID	true
#else
#define IOPF_IOMMUFD_PASID	false
#endif

/*
 * Hold object @id of type @type in the iommufd that is the caller's fd @fd,
 * as an ioctl holds it, in @t->obj, with the context in @t->owner.
 * Return: 0; -EBADF if @fd is not open, -EBADFD if it is not an iommufd,
 * -ENOENT if it has no such object of that type.
 */
static int iommufd_iopf_obj_get(int fd, u32 id, enum iommufd_object_type type,
				struct iopf_bpf_tenant *t)
{
	struct iommufd_ctx *ictx;
	struct iommufd_object *obj;

	ictx = iommufd_ctx_from_fd(fd);
	if (IS_ERR(ictx))
		return PTR_ERR(ictx);
	obj = iommufd_get_object(ictx, id, type);
	if (IS_ERR(obj)) {
		iommufd_ctx_put(ictx);
		return -ENOENT;
	}
	t->dev = NULL;
	t->fault = NULL;
	t->owner = ictx;
	t->obj = obj;
	return 0;
}

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
	int ret = iommufd_iopf_obj_get(fd, dev_id, IOMMUFD_OBJ_DEVICE, t);

	if (!ret)
		t->dev = container_of(t->obj, struct iommufd_device, obj)->dev;
	return ret;
}

/**
 * iommufd_iopf_fault_get() - Hold a fault queue of a caller's iommufd
 * @fd: an iommufd file descriptor of the calling process
 * @fault_id: the ID of a fault queue object in that iommufd
 * @t: filled on success (@t->dev NULL)
 *
 * The queue is held as an ioctl holds it, so that it cannot be destroyed
 * (its destroy waits, or fails with -EBUSY) until iommufd_iopf_tenant_put():
 * a policy listed in between is found by iommufd_fault_destroy()'s
 * iopf_bpf_fault_release().  Hold it briefly.
 *
 * Context: process context, in the caller's own system call.
 * Return: 0; -EBADF if @fd is not open, -EBADFD if it is not an iommufd,
 * -ENOENT if it has no fault queue with that ID.
 */
int iommufd_iopf_fault_get(int fd, u32 fault_id, struct iopf_bpf_tenant *t)
{
	int ret = iommufd_iopf_obj_get(fd, fault_id, IOMMUFD_OBJ_FAULT, t);

	if (!ret)
		t->fault = iopf_fault_of_obj(t->obj);
	return ret;
}

/**
 * iommufd_iopf_pasid_get() - Hold the device of a PASID scope
 * @fd: an iommufd file descriptor of the calling process
 * @dev_id: the ID of a device object in that iommufd
 * @t: filled on success, as by iommufd_iopf_tenant_get()
 *
 * As iommufd_iopf_tenant_get(), on a kernel whose iommufd attaches PASIDs;
 * whether the PASID is attached is iommufd_iopf_pasid_attached()'s to say,
 * under iopf_bpf_lock.
 *
 * Context: process context, in the caller's own system call.
 * Return: those of iommufd_iopf_tenant_get(); -EOPNOTSUPP if this kernel's
 * iommufd attaches no PASID (6.12).
 */
int iommufd_iopf_pasid_get(int fd, u32 dev_id, struct iopf_bpf_tenant *t)
{
	if (!IOPF_IOMMUFD_PASID)
		return -EOPNOTSUPP;
	return iommufd_iopf_tenant_get(fd, dev_id, t);
}

/**
 * iommufd_iopf_pasid_attached() - Whether a held device's PASID is attached
 * @t: as filled by iommufd_iopf_pasid_get()
 * @pasid: a PASID of @t->dev
 *
 * Attached through @t's iommufd, that is: iommufd_device_attach() with
 * @pasid succeeded for this binding and iommufd_device_detach() did not
 * undo it yet.  The detach calls iopf_bpf_pasid_release() after it is
 * undone: a caller that holds iopf_bpf_lock from here until its policy is
 * listed either sees it detached, or has its policy ejected by it.
 *
 * Context: process context, may sleep (takes the iommufd group's lock).
 * Return: true if it is attached.
 */
bool iommufd_iopf_pasid_attached(const struct iopf_bpf_tenant *t, u32 pasid)
{
	struct iommufd_device *idev =
		container_of(t->obj, struct iommufd_device, obj);

	if (!IOPF_IOMMUFD_PASID || pasid == IOMMU_NO_PASID)
		return false;
	return iommufd_device_pasid_attached(idev, pasid);
}

/**
 * iommufd_iopf_handle_fault() - The fault queue an attach handle delivers to
 * @handle: an attach handle found for a page request
 *
 * Context: the fault path, any context; @handle stays valid while its
 * request is reported (the driver drains before a detach), and so do its
 * HWPT and the queue, which the HWPT holds.
 * Return: the struct iommufd_fault that iommufd's handler queues the
 * request's group on, as a cookie, or NULL if @handle's domain is not an
 * iommufd HWPT with a fault queue.
 */
const void *iommufd_iopf_handle_fault(const struct iommu_attach_handle *handle)
{
	const struct iommu_domain *domain = handle->domain;

	if (domain->iopf_handler != iommufd_fault_iopf_handler)
		return NULL;
	return iopf_domain_hwpt(domain)->fault;
}

/**
 * iommufd_iopf_tenant_put() - Let go what iommufd_iopf_tenant_get(),
 *	iommufd_iopf_fault_get() or iommufd_iopf_pasid_get() held
 * @t: as filled by any of them
 *
 * Context: process context.
 */
void iommufd_iopf_tenant_put(struct iopf_bpf_tenant *t)
{
	iommufd_put_object(t->owner, t->obj);
	iommufd_ctx_put(t->owner);
}
