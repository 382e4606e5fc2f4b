// SPDX-License-Identifier: GPL-2.0
/*
 * The stock 6.12 fault path, through the extended mock IOMMU, with no
 * policy attached.  Exactly-once is counted in the mock's response log.
 */
#include <errno.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "iopf_mock.h"

#define LOG_MAX 4096
#define RESP_SUCCESS 0
#define RESP_INVALID 1

FIXTURE(stock) {
	int fd;
	uint32_t ioas_id;
	struct mock_dev dev;
	struct iommu_test_iopf_response log[LOG_MAX];
	struct iommu_hwpt_pgfault faults[64];
};

FIXTURE_SETUP(stock)
{
	self->fd = mock_open(&self->ioas_id);
	ASSERT_LE(0, self->fd);
	/* Forget responses of earlier tests */
	ASSERT_LE(0, mock_responses(self->fd, self->log, LOG_MAX, NULL));
	ASSERT_EQ(0, mock_dev_create(self->fd, self->ioas_id, &self->dev));
}

FIXTURE_TEARDOWN(stock)
{
	mock_dev_destroy(&self->dev);
	close(self->fd);
}

static int drain(struct __test_metadata *_metadata, FIXTURE_DATA(stock) *self)
{
	uint32_t lost = 0;
	int n = mock_responses(self->fd, self->log, LOG_MAX, &lost);

	EXPECT_EQ(0, lost);
	return n;
}

/* (a) A LAST_PAGE fault reaches the fault fd; the one response is logged */
TEST_F(stock, last_page_reaches_fault_fd)
{
	struct mock_fault f = { .grpid = 7, .addr = 0x1000, .perm = IOMMU_PGFAULT_PERM_READ };
	int result = -1, n;

	ASSERT_EQ(0, mock_dev_enable_faults(&self->dev));
	ASSERT_EQ(0, mock_fault(&self->dev, &f, &result));
	EXPECT_EQ(0, result);
	EXPECT_EQ(0, drain(_metadata, self));	/* nothing answered yet */

	n = mock_read_faults(&self->dev, self->faults, 64);
	ASSERT_EQ(1, n);
	EXPECT_EQ(7, self->faults[0].grpid);
	EXPECT_EQ(0x1000, self->faults[0].addr);
	EXPECT_TRUE(self->faults[0].flags & IOMMU_PGFAULT_FLAGS_LAST_PAGE);
	ASSERT_EQ(0, mock_respond(&self->dev, self->faults[0].cookie, RESP_SUCCESS));

	n = drain(_metadata, self);
	ASSERT_EQ(1, n);
	EXPECT_EQ(self->dev.mock_id, self->log[0].mock_id);
	EXPECT_EQ(7, self->log[0].grpid);
	EXPECT_EQ(RESP_SUCCESS, self->log[0].code);
	/* Answering twice is refused and reaches nobody */
	EXPECT_NE(0, mock_respond(&self->dev, self->faults[0].cookie, RESP_SUCCESS));
	EXPECT_EQ(0, drain(_metadata, self));
}

/* (b) No fault handler: INVALID exactly once, -EINVAL from the core */
TEST_F(stock, bad_setup_answered_invalid_once)
{
	struct mock_fault f = { .grpid = 3, .addr = 0x2000 };
	int result = 0, n;

	ASSERT_EQ(0, mock_fault(&self->dev, &f, &result));
	EXPECT_EQ(-EINVAL, result);
	n = drain(_metadata, self);
	ASSERT_EQ(1, n);
	EXPECT_EQ(0, ledger_check(self->log, n, &(struct want_resp){
		self->dev.mock_id, 0, 3, RESP_INVALID }, 1));
}

/* (b) Stock answers every PAGE_REQ on a bad setup, a partial one too */
TEST_F(stock, bad_setup_partial_answered_invalid)
{
	struct mock_fault f = { .grpid = 4, .addr = 0x3000, .partial = true };
	int result = 0, n;

	ASSERT_EQ(0, mock_fault(&self->dev, &f, &result));
	EXPECT_EQ(-EINVAL, result);
	n = drain(_metadata, self);
	EXPECT_EQ(1, n);
	EXPECT_EQ(0, ledger_check(self->log, n, &(struct want_resp){
		self->dev.mock_id, 0, 4, RESP_INVALID }, 1));
}

/* (c) Partials get no response and arrive with their LAST_PAGE as one group */
TEST_F(stock, partials_grouped_with_last)
{
	struct mock_fault f = { .grpid = 5, .partial = true };
	int i, n, result, last = 0;

	ASSERT_EQ(0, mock_dev_enable_faults(&self->dev));
	for (i = 0; i < 3; i++) {
		f.addr = 0x10000 + i * 0x1000;
		ASSERT_EQ(0, mock_fault(&self->dev, &f, &result));
		EXPECT_EQ(0, result);
	}
	/* A partial of another group stays parked */
	f.grpid = 6;
	ASSERT_EQ(0, mock_fault(&self->dev, &f, &result));
	EXPECT_EQ(0, drain(_metadata, self));
	EXPECT_EQ(0, mock_read_faults(&self->dev, self->faults, 64));

	f.grpid = 5;
	f.partial = false;
	f.addr = 0x20000;
	ASSERT_EQ(0, mock_fault(&self->dev, &f, &result));
	n = mock_read_faults(&self->dev, self->faults, 64);
	ASSERT_EQ(4, n);
	for (i = 0; i < n; i++) {
		EXPECT_EQ(5, self->faults[i].grpid);
		EXPECT_EQ(self->faults[0].cookie, self->faults[i].cookie);
		if (self->faults[i].flags & IOMMU_PGFAULT_FLAGS_LAST_PAGE)
			last++;
	}
	EXPECT_EQ(1, last);
	ASSERT_EQ(0, mock_respond(&self->dev, self->faults[0].cookie, RESP_SUCCESS));
	n = drain(_metadata, self);
	EXPECT_EQ(1, n);
	EXPECT_EQ(0, ledger_check(self->log, n, &(struct want_resp){
		self->dev.mock_id, 0, 5, RESP_SUCCESS }, 1));
}

/*
 * (d) Detaching with groups pending answers each exactly once, INVALID,
 * and frees the parked partials without answering them.
 */
TEST_F(stock, detach_answers_pending_once)
{
	struct mock_fault f = { .addr = 0x4000 };
	struct want_resp want[3];
	int i, n, result;

	ASSERT_EQ(0, mock_dev_enable_faults(&self->dev));
	f.grpid = 1;
	ASSERT_EQ(0, mock_fault(&self->dev, &f, &result));
	/* Group 1 read by user space but not answered */
	ASSERT_EQ(1, mock_read_faults(&self->dev, self->faults, 64));
	f.grpid = 2;
	ASSERT_EQ(0, mock_fault(&self->dev, &f, &result));
	f.grpid = 3;
	ASSERT_EQ(0, mock_fault(&self->dev, &f, &result));
	f.grpid = 9;
	f.partial = true;
	ASSERT_EQ(0, mock_fault(&self->dev, &f, &result));
	ASSERT_EQ(0, mock_fault(&self->dev, &f, &result));

	ASSERT_EQ(0, mock_dev_detach_faults(&self->dev));
	n = drain(_metadata, self);
	EXPECT_EQ(3, n);
	/* Read or not, each pending group once; the parked partials never */
	for (i = 0; i < 3; i++)
		want[i] = (struct want_resp){ self->dev.mock_id, 0, i + 1, RESP_INVALID };
	EXPECT_EQ(0, ledger_check(self->log, n, want, 3));

	/* The parked partials of group 9 are gone: its LAST arrives alone */
	ASSERT_EQ(0, mock_destroy_object(self->fd, self->dev.iopf_hwpt_id));
	ASSERT_EQ(0, mock_destroy_object(self->fd, self->dev.parent_hwpt_id));
	close(self->dev.fault_fd);
	mock_destroy_object(self->fd, self->dev.fault_id);
	ASSERT_EQ(0, mock_dev_enable_faults(&self->dev));
	f.partial = false;
	ASSERT_EQ(0, mock_fault(&self->dev, &f, &result));
	ASSERT_EQ(1, mock_read_faults(&self->dev, self->faults, 64));
	EXPECT_EQ(9, self->faults[0].grpid);
	EXPECT_EQ(0, drain(_metadata, self));
}

/* (d) Destroying the device with groups pending: each answered once */
TEST_F(stock, destroy_answers_pending_once)
{
	struct mock_fault f = { .addr = 0x5000 };
	uint32_t id = self->dev.mock_id;
	int n, result;

	ASSERT_EQ(0, mock_dev_enable_faults(&self->dev));
	f.grpid = 11;
	ASSERT_EQ(0, mock_fault(&self->dev, &f, &result));
	f.grpid = 12;
	ASSERT_EQ(0, mock_fault(&self->dev, &f, &result));
	f.grpid = 13;
	f.partial = true;
	ASSERT_EQ(0, mock_fault(&self->dev, &f, &result));

	ASSERT_EQ(0, mock_dev_destroy(&self->dev));
	n = drain(_metadata, self);
	EXPECT_EQ(2, n);
	EXPECT_EQ(0, ledger_check(self->log, n, (struct want_resp[]){
		{ id, 0, 11, RESP_INVALID }, { id, 0, 12, RESP_INVALID } }, 2));
	/* Nothing more arrives later for the departed device */
	usleep(10000);
	EXPECT_EQ(0, drain(_metadata, self));
}

TEST_HARNESS_MAIN
