// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>

#include "iopf_mock.h"


static int test_cmd(int iommufd, struct iommu_test_cmd *cmd)
{
	cmd->size = sizeof(*cmd);
	return ioctl(iommufd, IOMMU_TEST_CMD, cmd) ? -errno : 0;
}

int mock_destroy_object(int iommufd, uint32_t id)
{
	struct iommu_destroy cmd = { .size = sizeof(cmd), .id = id };

	return ioctl(iommufd, IOMMU_DESTROY, &cmd) ? -errno : 0;
}

int mock_open(uint32_t *ioas_id)
{
	struct iommu_ioas_alloc cmd = { .size = sizeof(cmd) };
	int fd = open("/dev/iommu", O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	if (ioctl(fd, IOMMU_IOAS_ALLOC, &cmd)) {
		int err = -errno;

		close(fd);
		return err;
	}
	*ioas_id = cmd.out_ioas_id;
	return fd;
}

int mock_dev_create(int iommufd, uint32_t ioas_id, struct mock_dev *dev)
{
	return mock_dev_create_flags(iommufd, ioas_id, 0, dev);
}

int mock_dev_create_flags(int iommufd, uint32_t ioas_id, uint32_t dev_flags,
			  struct mock_dev *dev)
{
	struct iommu_test_cmd cmd = {
		.op = IOMMU_TEST_OP_MOCK_DOMAIN_FLAGS,
		.id = ioas_id,
		.mock_domain_flags.dev_flags = dev_flags,
	};
	int ret = test_cmd(iommufd, &cmd);

	if (ret)
		return ret;
	memset(dev, 0, sizeof(*dev));
	dev->iommufd = iommufd;
	dev->ioas_id = ioas_id;
	dev->stdev_id = cmd.mock_domain_flags.out_stdev_id;
	dev->hwpt_id = cmd.mock_domain_flags.out_hwpt_id;
	dev->idev_id = cmd.mock_domain_flags.out_idev_id;
	dev->mock_id = cmd.mock_domain_flags.out_mock_id;
	dev->fault_fd = -1;
	snprintf(dev->name, sizeof(dev->name), "iommufd_mock%u", dev->mock_id);
	return 0;
}

int mock_hwpt_alloc(struct mock_dev *dev, uint32_t pt_id, uint32_t flags,
		    uint32_t fault_id, bool nested, uint32_t *out)
{
	struct iommu_hwpt_selftest data = { .iotlb = IOMMU_TEST_IOTLB_DEFAULT };
	struct iommu_hwpt_alloc cmd = {
		.size = sizeof(cmd),
		.flags = flags,
		.dev_id = dev->idev_id,
		.pt_id = pt_id,
		.fault_id = fault_id,
	};

	if (nested) {
		cmd.data_type = IOMMU_HWPT_DATA_SELFTEST;
		cmd.data_len = sizeof(data);
		cmd.data_uptr = (uintptr_t)&data;
	}
	if (ioctl(dev->iommufd, IOMMU_HWPT_ALLOC, &cmd))
		return -errno;
	*out = cmd.out_hwpt_id;
	return 0;
}

static int replace(struct mock_dev *dev, uint32_t pt_id)
{
	struct iommu_test_cmd cmd = {
		.op = IOMMU_TEST_OP_MOCK_DOMAIN_REPLACE,
		.id = dev->stdev_id,
		.mock_domain_replace.pt_id = pt_id,
	};

	return test_cmd(dev->iommufd, &cmd);
}

int mock_dev_enable_faults(struct mock_dev *dev)
{
	struct iommu_fault_alloc fa = { .size = sizeof(fa) };
	int ret;

	if (ioctl(dev->iommufd, IOMMU_FAULT_QUEUE_ALLOC, &fa))
		return -errno;
	dev->fault_id = fa.out_fault_id;
	dev->fault_fd = fa.out_fault_fd;
	fcntl(dev->fault_fd, F_SETFL, O_NONBLOCK);

	ret = mock_hwpt_alloc(dev, dev->ioas_id, IOMMU_HWPT_ALLOC_NEST_PARENT, 0,
			 false, &dev->parent_hwpt_id);
	if (!ret)
		ret = mock_hwpt_alloc(dev, dev->parent_hwpt_id,
				 IOMMU_HWPT_FAULT_ID_VALID, dev->fault_id, true,
				 &dev->iopf_hwpt_id);
	if (!ret)
		ret = replace(dev, dev->iopf_hwpt_id);
	return ret;
}

int mock_dev_detach_faults(struct mock_dev *dev)
{
	return replace(dev, dev->ioas_id);
}

int mock_dev_replace_faults(struct mock_dev *dev)
{
	struct iommu_fault_alloc fa = { .size = sizeof(fa) };
	uint32_t hwpt_id = 0;
	int ret;

	if (!dev->parent_hwpt_id)
		return -EINVAL;
	if (ioctl(dev->iommufd, IOMMU_FAULT_QUEUE_ALLOC, &fa))
		return -errno;
	fcntl(fa.out_fault_fd, F_SETFL, O_NONBLOCK);
	ret = mock_hwpt_alloc(dev, dev->parent_hwpt_id, IOMMU_HWPT_FAULT_ID_VALID,
			 fa.out_fault_id, true, &hwpt_id);
	if (!ret)
		ret = replace(dev, hwpt_id);
	if (ret) {
		if (hwpt_id)
			mock_destroy_object(dev->iommufd, hwpt_id);
		close(fa.out_fault_fd);
		mock_destroy_object(dev->iommufd, fa.out_fault_id);
		return ret;
	}
	/* The old queue is out of use: free it, keep the parent */
	mock_destroy_object(dev->iommufd, dev->iopf_hwpt_id);
	if (dev->fault_fd >= 0)
		close(dev->fault_fd);
	mock_destroy_object(dev->iommufd, dev->fault_id);
	dev->iopf_hwpt_id = hwpt_id;
	dev->fault_id = fa.out_fault_id;
	dev->fault_fd = fa.out_fault_fd;
	return 0;
}

void mock_dev_free_faults(struct mock_dev *dev)
{
	if (dev->iopf_hwpt_id)
		mock_destroy_object(dev->iommufd, dev->iopf_hwpt_id);
	if (dev->parent_hwpt_id)
		mock_destroy_object(dev->iommufd, dev->parent_hwpt_id);
	if (dev->fault_fd >= 0)
		close(dev->fault_fd);
	/* Also when the caller closed the fd itself (fault_fd -1) */
	if (dev->fault_id)
		mock_destroy_object(dev->iommufd, dev->fault_id);
	dev->fault_fd = -1;
	dev->iopf_hwpt_id = dev->parent_hwpt_id = dev->fault_id = 0;
}

int mock_dev_destroy(struct mock_dev *dev)
{
	int ret = mock_destroy_object(dev->iommufd, dev->stdev_id);

	mock_dev_free_faults(dev);
	return ret;
}

int mock_fault(struct mock_dev *dev, const struct mock_fault *f, int *result)
{
	struct iommu_test_cmd cmd = {
		.op = IOMMU_TEST_OP_TRIGGER_IOPF,
		.trigger_iopf = {
			.dev_id = dev->idev_id,
			.pasid = f->pasid,
			.grpid = f->grpid,
			.perm = f->perm,
			.addr = f->addr,
			.flags = (f->partial ? MOCK_IOPF_PARTIAL : 0) |
				 (f->race ? MOCK_IOPF_RACE : 0),
		},
	};
	int ret = test_cmd(dev->iommufd, &cmd);

	if (!ret && result)
		*result = cmd.trigger_iopf.out_result;
	return ret;
}

int mock_bench(struct mock_dev *dev, const struct mock_fault *f,
	       uint32_t count, uint64_t *ns)
{
	struct iommu_test_cmd cmd = {
		.op = IOMMU_TEST_OP_IOPF_BENCH,
		.iopf_bench = {
			.dev_id = dev->idev_id,
			.pasid = f->pasid,
			.grpid = f->grpid,
			.flags = f->partial ? MOCK_IOPF_PARTIAL : 0,
			.count = count,
		},
	};
	int ret = test_cmd(dev->iommufd, &cmd);

	if (!ret && ns)
		*ns = cmd.iopf_bench.out_ns;
	return ret;
}

int mock_read_faults(struct mock_dev *dev, struct iommu_hwpt_pgfault *out,
		     int max)
{
	ssize_t n = read(dev->fault_fd, out, max * sizeof(*out));

	if (n < 0)
		return errno == EAGAIN ? 0 : -errno;
	return n / sizeof(*out);
}

int mock_respond(struct mock_dev *dev, uint32_t cookie, uint32_t code)
{
	struct iommu_hwpt_page_response resp = { .cookie = cookie, .code = code };

	if (write(dev->fault_fd, &resp, sizeof(resp)) != sizeof(resp))
		return -errno;
	return 0;
}

int mock_fault_code(struct mock_dev *dev, uint32_t grpid, bool *handled)
{
	return mock_fault_code_pasid(dev, 0, grpid, handled);
}

int mock_fault_code_pasid(struct mock_dev *dev, uint32_t pasid, uint32_t grpid,
			  bool *handled)
{
	static struct iommu_test_iopf_response log[IOMMU_TEST_IOPF_LOG_SIZE];
	struct mock_fault f = { .pasid = pasid, .grpid = grpid, .addr = 0x1000 };
	struct iommu_hwpt_pgfault rec[4];
	int n, result;

	if (mock_fault(dev, &f, &result) || result)
		return -1;
	/* Not answered by a policy: the fault fd has it */
	n = mock_read_faults(dev, rec, 4);
	if (handled)
		*handled = n > 0;
	if (n == 1)
		mock_respond(dev, rec[0].cookie, 0);
	n = mock_responses(dev->iommufd, log, IOMMU_TEST_IOPF_LOG_SIZE, NULL);
	if (n != 1 || log[0].mock_id != dev->mock_id || log[0].grpid != grpid)
		return -1;
	return log[0].code;
}

int mock_responses(int iommufd, struct iommu_test_iopf_response *out, int max,
		   uint32_t *lost)
{
	struct iommu_test_cmd cmd = {
		.op = IOMMU_TEST_OP_IOPF_RESPONSES,
		.iopf_responses = { .uptr = (uintptr_t)out, .nr = max },
	};
	int ret = test_cmd(iommufd, &cmd);

	if (ret)
		return ret;
	if (lost)
		*lost = cmd.iopf_responses.out_lost;
	return cmd.iopf_responses.nr;
}

int ledger_check(const struct iommu_test_iopf_response *log, int n,
		 const struct want_resp *want, int nr_want)
{
	bool used[n > 0 ? n : 1];
	int i, j, seen, bad = 0;

	memset(used, 0, sizeof(used));
	for (j = 0; j < nr_want; j++) {
		const struct want_resp *w = &want[j];

		seen = 0;
		for (i = 0; i < n; i++) {
			if (log[i].mock_id != w->mock_id || log[i].pasid != w->pasid ||
			    log[i].grpid != w->grpid)
				continue;
			used[i] = true;
			if (seen++ == 0 && log[i].code == w->code)
				continue;
			fprintf(stderr, "ledger: device %u pasid %#x group %u: %s (code %u, want %u)\n",
				w->mock_id, w->pasid, w->grpid,
				seen > 1 ? "answered again" : "wrong code",
				log[i].code, w->code);
			bad = 1;
		}
		if (!seen) {
			fprintf(stderr, "ledger: device %u pasid %#x group %u: never answered (want code %u)\n",
				w->mock_id, w->pasid, w->grpid, w->code);
			bad = 1;
		}
	}
	for (i = 0; i < n; i++) {
		if (used[i])
			continue;
		fprintf(stderr, "ledger: stray response: device %u pasid %#x group %u code %u\n",
			log[i].mock_id, log[i].pasid, log[i].grpid, log[i].code);
		bad = 1;
	}
	return bad ? -1 : 0;
}

int mock_set_user_pasid_table(int iommufd, bool on, bool *was_on)
{
	struct iommu_test_cmd cmd = {
		.op = IOMMU_TEST_OP_IOPF_USER_PASID_TABLE,
		.iopf_user_pasid_table.enable = on,
	};
	int ret = test_cmd(iommufd, &cmd);

	if (!ret && was_on)
		*was_on = cmd.iopf_user_pasid_table.out_was_enabled;
	return ret;
}
