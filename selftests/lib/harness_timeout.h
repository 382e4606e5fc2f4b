/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Put ahead of the stock iommufd selftests (gcc -include, see
 * selftests/Makefile.inc): the harness's per-test timeout, a constant
 * 30 s in kselftest_harness.h, becomes IOPF_HARNESS_TIMEOUT seconds when
 * that is set.  selftests/guest-tests sets it on the debug kernel only,
 * where KASAN and kmemleak make some cases run minutes under TCG; what a
 * case checks is not changed.  Works because the harness is included here
 * first (its include guard makes the test's own #include a no-op) and
 * TEST_F() reads the macro in a constructor, at run time.
 */
#include "kselftest_harness.h"
#include <stdlib.h>

static inline int iopf_harness_timeout(void)
{
	const char *s = getenv("IOPF_HARNESS_TIMEOUT");
	int t = s ? atoi(s) : 0;

	return t > 0 ? t : 30;
}

#undef TEST_TIMEOUT_DEFAULT
#define TEST_TIMEOUT_DEFAULT iopf_harness_timeout()
