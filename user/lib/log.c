// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The library's log: its own messages and its libbpf's go to the caller's
 * callback, or nowhere; a library never prints.  libbpf's last warning is
 * also kept per thread, as the detail of the failure the library reports
 * next (libbpf says why a load failed only in its log).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/libbpf.h>

#include "internal.h"

static iopf_log_fn log_fn;
static void *log_ctx;
static __thread char bpf_last[512];

static void emit(enum iopf_log_level level, const char *origin, const char *fmt,
		 va_list ap)
{
	char *msg;

	if (!log_fn)
		return;
	/* Whole, however long: the verifier's log comes as one message */
	if (vasprintf(&msg, fmt, ap) < 0)
		return;
	log_fn(level, origin, msg, log_ctx);
	free(msg);
}

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	static const enum iopf_log_level levels[] = {
		[LIBBPF_WARN] = IOPF_LOG_WARN,
		[LIBBPF_INFO] = IOPF_LOG_INFO,
		[LIBBPF_DEBUG] = IOPF_LOG_DEBUG,
	};
	va_list again;

	/* A va_list is used up once read: each reader gets its own */
	va_copy(again, ap);
	if (level == LIBBPF_WARN)
		vsnprintf(bpf_last, sizeof(bpf_last), fmt, ap);
	/* The verifier's log is a WARN too: it is detail, not the reason */
	emit(level == LIBBPF_WARN && strstr(fmt, "BEGIN PROG LOAD LOG") ?
	     IOPF_LOG_DEBUG : levels[level], "libbpf", fmt, again);
	va_end(again);
	return 0;
}

/*
 * Before any libbpf call: libbpf's default printer writes warnings to
 * stderr.  In the shared object that libbpf is ours alone; in a static
 * link (iopfctl) its owner takes our log with iopf_set_log().
 */
__attribute__((constructor)) static void libiopf_init(void)
{
	libbpf_set_print(libbpf_print);
}

iopf_log_fn iopf_set_log(iopf_log_fn fn, void *ctx)
{
	iopf_log_fn old = log_fn;

	libbpf_set_print(libbpf_print);
	log_fn = fn;
	log_ctx = ctx;
	return old;
}

void libiopf_log(enum iopf_log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit(level, "libiopf", fmt, ap);
	va_end(ap);
}

void libiopf_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit(IOPF_LOG_ERROR, "libiopf", fmt, ap);
	va_end(ap);
}

const char *libiopf_bpf_reason(void)
{
	size_t n = strlen(bpf_last);

	while (n && bpf_last[n - 1] == '\n')
		bpf_last[--n] = 0;
	return n ? bpf_last : "no detail";
}

void libiopf_bpf_reason_clear(void)
{
	bpf_last[0] = 0;
}

int libiopf_opts_check(const void *opts, size_t known_sz, const char *type)
{
	size_t sz = *(const size_t *)opts, i;

	if (sz < sizeof(size_t)) {
		libiopf_err("struct %s: sz %zu is too small (IOPF_OPTS() sets it)", type, sz);
		return -EINVAL;
	}
	/* A newer caller: what we do not know must be unset */
	for (i = known_sz; i < sz; i++) {
		if (((const char *)opts)[i]) {
			libiopf_err("struct %s: a member this libiopf does not know is set (byte %zu of %zu)",
				    type, i, sz);
			return -E2BIG;
		}
	}
	return 0;
}
