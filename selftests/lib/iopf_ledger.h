/* SPDX-License-Identifier: GPL-2.0 */
/*
 * expect_responses(): the harness check that the mock's response log holds
 * exactly the expected responses since the last call.  A header, not part
 * of the library: EXPECT and ASSERT need the kselftest harness and the
 * test's _metadata.
 */
#ifndef IOPF_LEDGER_H
#define IOPF_LEDGER_H

#include "kselftest_harness.h"
#include "iopf_mock.h"

/*
 * The responses drained from @fd's log must be exactly @want (one per
 * group, with its code, nothing else), and their sequence numbers must
 * follow on from *@seq, the last one seen (0: none yet): no response lost,
 * none drained elsewhere.  @log has room for @max entries.
 */
static inline void expect_responses(struct __test_metadata *_metadata, int fd,
				    uint64_t *seq,
				    struct iommu_test_iopf_response *log,
				    int max, const struct want_resp *want,
				    int nr_want)
{
	uint32_t lost = 0;
	int i, n = mock_responses(fd, log, max, &lost);

	ASSERT_LE(0, n);
	EXPECT_EQ(0, lost);
	for (i = 0; i < n; i++) {
		if (*seq)
			EXPECT_EQ(*seq + 1, log[i].seq);
		*seq = log[i].seq;
	}
	EXPECT_EQ(0, ledger_check(log, n, want, nr_want));
	EXPECT_EQ(nr_want, n);
}

#endif
