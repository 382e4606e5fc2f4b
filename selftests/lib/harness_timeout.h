/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Put ahead of the stock iommufd selftests (gcc -include, see
 * selftests/Makefile.inc): the harness's per-test timeout, a constant
 * 30 s in kselftest_harness.h, becomes IOPF_HARNESS_TIMEOUT seconds when
 * that is set.  selftests/guest-tests sets it on the debug kernel only,
 * where KASAN and kmemleak make some cases run minutes under TCG; what a
 * case checks is not changed.  Works because the harness is included here
 * first (its include guard makes the test's own #include a no-op) and
 * TEST_F() reads the macro in a constructor, at run time.  (TEST() puts
 * it in a static initializer: a stock file that used it would not build.)
 */
#include "kselftest_harness.h"
#include <stdlib.h>

/* The harness's own default, kept for when the variable is unset */
enum { IOPF_HARNESS_STOCK_TIMEOUT = TEST_TIMEOUT_DEFAULT };

/* Seconds; at most a day (7.3's harness polls for timeout * 1000 ms) */
static inline int iopf_harness_timeout(void)
{
	const char *s = getenv("IOPF_HARNESS_TIMEOUT");
	int t = s ? atoi(s) : 0;

	return t > 0 && t <= 86400 ? t : IOPF_HARNESS_STOCK_TIMEOUT;
}

#undef TEST_TIMEOUT_DEFAULT
#define TEST_TIMEOUT_DEFAULT iopf_harness_timeout()
