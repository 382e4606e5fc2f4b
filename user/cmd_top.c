// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * iopfctl top: page requests, routes, drops and answers by policies, and
 * page responses, per device and PASID, as rates over each interval and
 * totals since top started; a table redrawn in a terminal, or one JSON
 * object per interval.
 *
 * Counted by BPF programs on the iopf:* tracepoints (user/bpf/
 * iopfctl_top.bpf.c), attached only while top runs: the kernel keeps no
 * per-device or per-PASID counters, and keeping them would cost every
 * fault, with or without a reader.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "events.h"
#include "iopfctl.h"
#include "iopfctl_top.skel.h"

#define MAX_ROWS	4096	/* the counts map's max_entries */

struct row {
	struct iopfctl_top_key key;
	struct iopfctl_top_counts total;	/* since top started */
	struct iopfctl_top_counts delta;	/* over the last interval */
};

static struct row rows[MAX_ROWS], prev[MAX_ROWS];
static int nr_rows, nr_prev;

static const char *const count_names[] = {
	"requests", "routed", "dropped", "answered", "responses",
};
#define NR_COUNTS (sizeof(struct iopfctl_top_counts) / sizeof(__u64))

static int row_cmp(const void *a, const void *b)
{
	const struct row *x = a, *y = b;
	int c = strcmp(x->key.dev, y->key.dev);

	if (c)
		return c;
	/* "none" (IOPFCTL_NO_PASID) after the device's PASIDs */
	return x->key.pasid < y->key.pasid ? -1 : x->key.pasid > y->key.pasid;
}

/* Sum each row's per-CPU counts into rows[], and the change since prev[] */
static int read_rows(int map_fd)
{
	int nr_cpus = libbpf_num_possible_cpus(), i, k, c;
	struct iopfctl_top_key key, next;
	struct iopfctl_top_counts *percpu;
	__u64 *t, *d;
	void *cur = NULL;
	struct row *r;

	percpu = calloc(nr_cpus, sizeof(*percpu));
	if (!percpu)
		return -ENOMEM;
	memcpy(prev, rows, sizeof(rows[0]) * nr_rows);
	nr_prev = nr_rows;
	nr_rows = 0;
	while (nr_rows < MAX_ROWS && !bpf_map_get_next_key(map_fd, cur, &next)) {
		key = next;
		cur = &key;
		if (bpf_map_lookup_elem(map_fd, &key, percpu))
			continue;	/* evicted meanwhile */
		r = &rows[nr_rows++];
		t = (__u64 *)&r->total;
		d = (__u64 *)&r->delta;
		memset(r, 0, sizeof(*r));
		r->key = key;
		for (c = 0; c < nr_cpus; c++)
			for (k = 0; k < (int)NR_COUNTS; k++)
				t[k] += ((__u64 *)&percpu[c])[k];
		memcpy(d, t, sizeof(r->total));
		for (i = 0; i < nr_prev; i++) {
			if (!memcmp(&prev[i].key, &key, sizeof(key))) {
				/* Evicted and counted again from 0: no rate */
				for (k = 0; k < (int)NR_COUNTS; k++)
					d[k] = d[k] >= ((__u64 *)&prev[i].total)[k] ?
					       d[k] - ((__u64 *)&prev[i].total)[k] : 0;
				break;
			}
		}
	}
	free(percpu);
	qsort(rows, nr_rows, sizeof(rows[0]), row_cmp);
	/* A key evicted under the walk restarts it: keep each row once */
	for (i = k = 0; i < nr_rows; i++)
		if (!k || memcmp(&rows[k - 1].key, &rows[i].key, sizeof(key)))
			rows[k++] = rows[i];
	nr_rows = k;
	return 0;
}

static void json_counts(struct json *j, const char *key, const struct iopfctl_top_counts *v,
			double scale)
{
	const __u64 *x = (const __u64 *)v;
	unsigned int k;

	json_begin_obj(j, key);
	for (k = 0; k < NR_COUNTS; k++) {
		if (scale)
			json_fixed(j, count_names[k], x[k] * scale, 1);
		else
			json_unum(j, count_names[k], x[k]);
	}
	json_end_obj(j);
}

static void add_counts(struct iopfctl_top_counts *sum, const struct iopfctl_top_counts *v)
{
	__u64 *s = (__u64 *)sum;
	const __u64 *x = (const __u64 *)v;
	unsigned int k;

	for (k = 0; k < NR_COUNTS; k++)
		s[k] += x[k];
}

static void print_json(const char *when, double seconds)
{
	struct iopfctl_top_counts total, delta;
	struct json *j = json_new();
	int i, k;

	json_begin_obj(j, NULL);
	json_str(j, "time", when);
	json_fixed(j, "interval_s", seconds, 3);
	json_begin_arr(j, "devices");
	for (i = 0; i < nr_rows; i = k) {
		memset(&total, 0, sizeof(total));
		memset(&delta, 0, sizeof(delta));
		for (k = i; k < nr_rows && !strcmp(rows[k].key.dev, rows[i].key.dev); k++) {
			add_counts(&total, &rows[k].total);
			add_counts(&delta, &rows[k].delta);
		}
		json_begin_obj(j, NULL);
		json_str(j, "device", rows[i].key.dev);
		json_counts(j, "per_second", &delta, 1 / seconds);
		json_counts(j, "totals", &total, 0);
		json_begin_arr(j, "pasids");
		for (k = i; k < nr_rows && !strcmp(rows[k].key.dev, rows[i].key.dev); k++) {
			json_begin_obj(j, NULL);
			json_pasid(j, rows[k].key.pasid != IOPFCTL_NO_PASID, rows[k].key.pasid);
			json_counts(j, "per_second", &rows[k].delta, 1 / seconds);
			json_counts(j, "totals", &rows[k].total, 0);
			json_end_obj(j);
		}
		json_end_arr(j);
		json_end_obj(j);
	}
	json_end_arr(j);
	json_end_obj(j);
	json_done(j);
}

static void print_row(const char *dev, const char *pasid, const struct iopfctl_top_counts *d,
		      double seconds)
{
	printf("%-24s %-8s %10.1f %10.1f %10.1f %10.1f %10.1f\n", dev, pasid,
	       d->requests / seconds, d->routed / seconds, d->dropped / seconds,
	       d->answered / seconds, d->responses / seconds);
}

static void print_table(const char *when, double seconds, bool tty)
{
	struct iopfctl_top_counts delta;
	char pasid[16];
	int i, k;

	if (tty)
		fputs("\033[H\033[2J", stdout);
	printf("iopfctl top: %s, per second over %.1f s (Ctrl-C to end)\n", when, seconds);
	printf("%-24s %-8s %10s %10s %10s %10s %10s\n", "DEVICE", "PASID", "REQUESTS", "ROUTED",
	       "DROPPED", "ANSWERED", "RESPONSES");
	for (i = 0; i < nr_rows; i = k) {
		memset(&delta, 0, sizeof(delta));
		for (k = i; k < nr_rows && !strcmp(rows[k].key.dev, rows[i].key.dev); k++)
			add_counts(&delta, &rows[k].delta);
		/* A device's own line when it has more than one */
		if (k - i > 1)
			print_row(rows[i].key.dev, "all", &delta, seconds);
		for (k = i; k < nr_rows && !strcmp(rows[k].key.dev, rows[i].key.dev); k++) {
			print_row(rows[k].key.dev,
				  pasid_text(rows[k].key.pasid != IOPFCTL_NO_PASID, rows[k].key.pasid, pasid),
				  &rows[k].delta, seconds);
		}
	}
	if (!tty)
		putchar('\n');
	fflush(stdout);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int cmd_top(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "interval", required_argument, NULL, 'i' },
		{ "count", required_argument, NULL, 'c' },
		{ }
	};
	double interval = 1, last, now;
	long long count = -1;
	struct iopfctl_top *skel;
	struct timespec ts;
	bool tty = isatty(STDOUT_FILENO);
	int status = EXIT_OK, err, c;
	char when[32], *end;

	while ((c = getopt_long(argc, argv, "i:c:", opts, NULL)) != -1) {
		switch (c) {
		case 'i':
			interval = strtod(optarg, &end);
			if (*end || !(interval >= 0.1 && interval <= 3600))
				return fail(EXIT_USAGE, "bad --interval '%s': expected seconds, 0.1 to 3600", optarg);
			break;
		case 'c':
			if (parse_count(optarg, "--count", "intervals", &count))
				return EXIT_USAGE;
			break;
		default: return usage_error();
		}
	}
	if (optind != argc)
		return usage_error();
	status = require_iopf_kernel();
	if (status)
		return status;

	skel = iopfctl_top__open_and_load();
	if (!skel)
		return fail(EXIT_KERNEL_ERROR, "loading the tracepoint counters: %s", libbpf_reason());
	err = iopfctl_top__attach(skel);
	if (err) {
		status = fail(EXIT_KERNEL_ERROR, "attaching to the iopf tracepoints: %s", strerror(-err));
		goto out;
	}
	signal(SIGINT, on_stop_signal);
	signal(SIGTERM, on_stop_signal);
	fprintf(stderr, "iopfctl: counting page requests every %.1f s; Ctrl-C to end\n", interval);
	last = now_s();
	while (!stop_requested && count != 0) {
		ts.tv_sec = (time_t)interval;
		ts.tv_nsec = (long)((interval - ts.tv_sec) * 1e9);
		/* A signal ends the sleep early: print what we have, then stop */
		nanosleep(&ts, NULL);
		now = now_s();
		err = read_rows(bpf_map__fd(skel->maps.counts));
		if (err) {
			status = fail(EXIT_KERNEL_ERROR, "reading the counters: %s", strerror(-err));
			break;
		}
		clock_gettime(CLOCK_REALTIME, &ts);
		iso_time(ts.tv_sec * 1000000000ULL + ts.tv_nsec, when);
		if (json_output)
			print_json(when, now - last);
		else
			print_table(when, now - last, tty);
		last = now;
		if (count > 0)
			count--;
	}
out:
	iopfctl_top__destroy(skel);
	return status;
}
