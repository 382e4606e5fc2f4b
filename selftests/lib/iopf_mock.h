/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Drive the iommufd mock IOMMU (CONFIG_IOMMUFD_TEST) as a fault source:
 * a mock device attached to a nested HWPT with an iommufd fault queue,
 * faults fired through IOMMU_TEST_OP_TRIGGER_IOPF, and the mock's log of
 * every page response the "device" received.
 */
#ifndef IOPF_MOCK_H
#define IOPF_MOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/iommufd.h>
#include "iommufd_test.h"

struct mock_dev {
	int iommufd;
	uint32_t ioas_id;
	uint32_t stdev_id;	/* selftest object: destroy it to remove the device */
	uint32_t idev_id;	/* iommufd device, for triggers */
	uint32_t hwpt_id;	/* the paging domain it was created on */
	uint32_t mock_id;	/* dev_name() is iommufd_mock<mock_id> */
	char name[32];
	uint32_t parent_hwpt_id, iopf_hwpt_id, fault_id;
	int fault_fd;		/* -1 until mock_dev_enable_faults() */
};

struct mock_fault {
	uint32_t pasid;		/* IOMMU_NO_PASID (0) for none */
	uint32_t grpid;
	uint32_t perm;
	uint64_t addr;
	bool partial;		/* not the last request of its group */
	bool race;		/* MOCK_IOPF_RACE: no serialization, as hardware */
};

/* Open /dev/iommu and an IOAS; returns the iommufd or -errno */
int mock_open(uint32_t *ioas_id);
/* Create a mock device on @ioas_id (a plain domain: no fault handler) */
int mock_dev_create(int iommufd, uint32_t ioas_id, struct mock_dev *dev);
/* The same with MOCK_FLAGS_DEVICE_* (7.3: MOCK_FLAGS_DEVICE_PASID) */
int mock_dev_create_flags(int iommufd, uint32_t ioas_id, uint32_t dev_flags,
			  struct mock_dev *dev);
/*
 * A HWPT for @dev on @pt_id (an IOAS or a parent HWPT) with IOMMU_HWPT_*
 * @flags; @fault_id with IOMMU_HWPT_FAULT_ID_VALID; @nested: a selftest
 * nested domain.  0 and *@out, or -errno.
 */
int mock_hwpt_alloc(struct mock_dev *dev, uint32_t pt_id, uint32_t flags,
		    uint32_t fault_id, bool nested, uint32_t *out);
/* Attach it to a nested HWPT with a fault queue (iommufd's handler) */
int mock_dev_enable_faults(struct mock_dev *dev);
/* Back to the plain domain: iommufd answers pending groups INVALID */
int mock_dev_detach_faults(struct mock_dev *dev);
/*
 * From one fault queue to a new one (a new nested HWPT on the same parent):
 * iommufd answers the old queue's pending groups INVALID; the old queue and
 * its HWPT are freed.  The device must have faults enabled.
 */
int mock_dev_replace_faults(struct mock_dev *dev);
/*
 * Free the fault objects (HWPTs, queue, fd) once the device no longer uses
 * them: after mock_dev_detach_faults() or its removal.  The caller may have
 * closed the fd already (fault_fd -1).
 */
void mock_dev_free_faults(struct mock_dev *dev);
/* Remove the device (and its fault objects) */
int mock_dev_destroy(struct mock_dev *dev);

/* Report one fault; *result gets iommu_report_device_fault()'s return */
int mock_fault(struct mock_dev *dev, const struct mock_fault *f, int *result);

/*
 * Report @f @count times in a loop inside the kernel (no syscall between
 * two reports); *ns gets the time the loop took.  perm and addr are fixed.
 */
int mock_bench(struct mock_dev *dev, const struct mock_fault *f,
	       uint32_t count, uint64_t *ns);

/* Faults delivered to the fault fd: up to @max records, returns count */
int mock_read_faults(struct mock_dev *dev, struct iommu_hwpt_pgfault *out,
		     int max);
/* Answer a group read from the fault fd */
int mock_respond(struct mock_dev *dev, uint32_t cookie, uint32_t code);

/*
 * Fire the one (last) request of group @grpid at @dev; answer SUCCESS to
 * what reaches its fault fd, as its handler; drain the mock's response
 * log.  Returns the code the group got, or -1 unless the report returned
 * 0 and the log held exactly that one response.  *@handled (if not NULL):
 * the group reached the fault fd.  Not thread-safe (one static log).
 */
int mock_fault_code(struct mock_dev *dev, uint32_t grpid, bool *handled);
/* The same with @pasid (IOMMU_NO_PASID, 0: none) */
int mock_fault_code_pasid(struct mock_dev *dev, uint32_t pasid, uint32_t grpid,
			  bool *handled);

/* Drain the mock's response log: up to @max entries, returns count */
int mock_responses(int iommufd, struct iommu_test_iopf_response *out, int max,
		   uint32_t *lost);
/* One page response a test expects: which group got which code */
struct want_resp {
	uint32_t mock_id;
	uint32_t pasid;
	uint32_t grpid;
	uint32_t code;
};

/*
 * The per-group ledger: @log[0..n) holds each response of @want exactly
 * once, with its code, and nothing else.  Returns 0, or -1 after one line
 * on stderr per group answered never, twice or with another code, and per
 * response nobody expected.
 */
int ledger_check(const struct iommu_test_iopf_response *log, int n,
		 const struct want_resp *want, int nr_want);

/* Make the mock act like Intel/AMD/SMMUv3 (false) or as stock (true) */
int mock_set_user_pasid_table(int iommufd, bool on, bool *was_on);

int mock_destroy_object(int iommufd, uint32_t id);

#endif
