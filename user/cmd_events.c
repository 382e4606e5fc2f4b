// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * iopfctl events: policies attached, replaced, ejected (every reason,
 * device-removed included) and detached, as the kernel's iopf:iopf_policy_*
 * tracepoints report them, and the records of every attached policy with
 * an iopf_audit ring buffer (include/iopf/iopf_audit.h), until Ctrl-C or
 * --count events.  One line each, or one JSON object per line.
 */
#include <dirent.h>
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
#include "iopf_audit.h"
#include "iopfctl.h"
#include "iopfctl_events.skel.h"

#define MAX_AUDIT_MAPS	IOPF_MAX_POLICIES

/* What a ring buffer's callback needs: the policy for an audit record */
struct source {
	char policy[IOPF_OPS_NAME_LEN];
	__u32 map_id;
};

static struct source sources[MAX_AUDIT_MAPS];
static int nr_sources, warned_full;
static long long remaining = -1;	/* events left to print, -1: no limit */
static unsigned long long realtime_offset;	/* CLOCK_REALTIME - CLOCK_MONOTONIC */

static unsigned long long clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* Common head of every event: its time and type */
static struct json *begin(unsigned long long ktime_ns, const char *type)
{
	char when[32];
	struct json *j = NULL;

	iso_time(ktime_ns + realtime_offset, when);
	if (json_output) {
		j = json_new();
		json_begin_obj(j, NULL);
		json_str(j, "time", when);
		json_str(j, "event", type);
	} else {
		printf("%s %-7s", when, type);
	}
	return j;
}

static int end(struct json *j)
{
	if (j) {
		json_end_obj(j);
		json_done(j);
	} else {
		putchar('\n');
		fflush(stdout);
	}
	/* A negative return stops ring_buffer__poll() */
	return remaining > 0 && --remaining == 0 ? -1 : 0;
}

static const char *const type_names[] = {
	[IOPFCTL_EV_ATTACH] = "attach",
	[IOPFCTL_EV_REPLACE] = "replace",
	[IOPFCTL_EV_EJECT] = "eject",
	[IOPFCTL_EV_DETACH] = "detach",
};

static int on_event(void *ctx, void *data, size_t size)
{
	const struct iopfctl_event *e = data;
	const char *scope = e->dev[0] ? e->dev : "*";
	char pasid[16];
	struct json *j;

	if (size < sizeof(*e) || e->type > IOPFCTL_EV_DETACH)
		return 0;
	j = begin(e->ktime_ns, type_names[e->type]);
	if (j)
		json_str(j, "policy", e->name);
	else
		printf(" policy=%s", e->name);
	switch (e->type) {
	case IOPFCTL_EV_ATTACH:
		if (j) {
			json_str(j, "scope", scope);
			json_unum(j, "order", e->order);
		} else {
			printf(" scope=%s order=%llu", scope, (unsigned long long)e->order);
		}
		break;
	case IOPFCTL_EV_REPLACE:
		if (j) {
			json_str(j, "old", e->old);
			json_str(j, "scope", scope);
			json_unum(j, "order", e->order);
			json_unum(j, "link_id", e->link_id);
		} else {
			printf(" old=%s scope=%s order=%llu link=%u", e->old, scope,
			       (unsigned long long)e->order, e->link_id);
		}
		break;
	case IOPFCTL_EV_EJECT:
		/* The kernel records PASID 0 for a request without one */
		if (j) {
			json_str(j, "reason", e->reason);
			json_str(j, "action", e->action);
			json_str(j, "device", e->dev);
			json_pasid(j, e->pasid, e->pasid);
			json_str(j, "message", e->msg);
		} else {
			printf(" reason=%s action=%s device=%s pasid=%s message=\"%s\"",
			       e->reason, e->action, e->dev[0] ? e->dev : "-",
			       pasid_text(e->pasid, e->pasid, pasid), e->msg);
		}
		break;
	case IOPFCTL_EV_DETACH:
		if (j) {
			json_str(j, "scope", scope);
			json_unum(j, "link_id", e->link_id);
			json_str(j, "reason", e->reason);
		} else {
			printf(" scope=%s link=%u reason=%s", scope, e->link_id, e->reason);
		}
		break;
	}
	return end(j);
}

static const char *perm_text(__u32 perm, char buf[8])
{
	char *p = buf;

	if (perm & IOMMU_FAULT_PERM_READ)
		*p++ = 'r';
	if (perm & IOMMU_FAULT_PERM_WRITE)
		*p++ = 'w';
	if (perm & IOMMU_FAULT_PERM_EXEC)
		*p++ = 'x';
	if (perm & IOMMU_FAULT_PERM_PRIV)
		*p++ = 'p';
	if (p == buf)
		*p++ = '-';
	*p = '\0';
	return buf;
}

static int on_audit(void *ctx, void *data, size_t size)
{
	const struct source *src = ctx;
	const struct iopf_audit_record *r = data;
	bool has_pasid, last;
	char pasid[16], perm[8];
	struct json *j;

	if (size < sizeof(*r) || memchr(r->dev, 0, sizeof(r->dev)) == NULL)
		return 0;	/* not a record of ours */
	has_pasid = r->flags & IOMMU_FAULT_PAGE_REQUEST_PASID_VALID;
	last = r->flags & IOMMU_FAULT_PAGE_REQUEST_LAST_PAGE;
	j = begin(r->ktime_ns, "request");
	if (j) {
		json_str(j, "policy", src->policy);
		json_str(j, "device", r->dev);
		json_pasid(j, has_pasid, r->pasid);
		json_unum(j, "grpid", r->grpid);
		json_bool(j, "last", last);
		json_unum(j, "addr", r->addr);
		json_str(j, "perm", perm_text(r->perm, perm));
		json_bool(j, "handler", r->kernel & IOPF_AUDIT_HANDLER);
		json_bool(j, "rid_handler", r->kernel & IOPF_AUDIT_RID_HANDLER);
		json_bool(j, "vf", r->kernel & IOPF_AUDIT_VF);
		json_unum(j, "parked_partials", r->nr_partial);
	} else {
		/* A policy's record: its name may lack the NUL */
		printf(" policy=%s device=%.*s pasid=%s grpid=%u last=%s addr=%#llx perm=%s handler=%s rid_handler=%s parked=%u",
		       src->policy, (int)sizeof(r->dev), r->dev, pasid_text(has_pasid, r->pasid, pasid), r->grpid,
		       last ? "yes" : "no", (unsigned long long)r->addr, perm_text(r->perm, perm),
		       r->kernel & IOPF_AUDIT_HANDLER ? "yes" : "no",
		       r->kernel & IOPF_AUDIT_RID_HANDLER ? "yes" : "no", r->nr_partial);
	}
	return end(j);
}

/*
 * Add the iopf_audit ring buffer of every policy pinned under
 * IOPF_PIN_ROOT that is not read yet: a policy loaded after we started is
 * found at the next look.
 */
static void add_audit_maps(struct ring_buffer *rb)
{
	struct bpf_map_info info;
	__u32 len;
	char path[512];
	struct dirent *de;
	DIR *d;
	int fd, i;

	d = opendir(IOPF_PIN_ROOT);
	while (d && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s/map_%s", IOPF_PIN_ROOT, de->d_name,
			 IOPF_AUDIT_MAP);
		fd = bpf_obj_get(path);
		if (fd < 0)
			continue;
		memset(&info, 0, sizeof(info));
		len = sizeof(info);
		if (bpf_map_get_info_by_fd(fd, &info, &len) || info.type != BPF_MAP_TYPE_RINGBUF) {
			close(fd);
			continue;
		}
		for (i = 0; i < nr_sources && sources[i].map_id != info.id; i++)
			;
		if (i < nr_sources) {	/* read already */
			close(fd);
			continue;
		}
		if (nr_sources == MAX_AUDIT_MAPS) {
			if (!warned_full++)
				fprintf(stderr, "iopfctl: reading %d audit buffers already: %s not read\n",
					MAX_AUDIT_MAPS, de->d_name);
			close(fd);
			continue;
		}
		/* ring_buffer__add() maps the buffer: the fd may go */
		if (ring_buffer__add(rb, fd, on_audit, &sources[nr_sources])) {
			close(fd);
			continue;
		}
		snprintf(sources[nr_sources].policy, IOPF_OPS_NAME_LEN, "%s", de->d_name);
		sources[nr_sources++].map_id = info.id;
		close(fd);
	}
	if (d)
		closedir(d);
}

int cmd_events(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "count", required_argument, NULL, 'c' },
		{ }
	};
	unsigned long long last_scan;
	struct iopfctl_events *skel;
	struct ring_buffer *rb = NULL;
	int status = EXIT_OK, err, c;

	while ((c = getopt_long(argc, argv, "c:", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			if (parse_count(optarg, "--count", "events", &remaining))
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

	skel = iopfctl_events__open_and_load();
	if (!skel)
		return fail(EXIT_KERNEL_ERROR, "loading the tracepoint reader: %s", libbpf_reason());
	err = iopfctl_events__attach(skel);
	if (!err) {
		rb = ring_buffer__new(bpf_map__fd(skel->maps.events), on_event, NULL, NULL);
		if (!rb)
			err = -errno;
	}
	if (err) {
		status = fail(EXIT_KERNEL_ERROR, "attaching to the iopf tracepoints: %s", strerror(-err));
		goto out;
	}
	realtime_offset = clock_ns(CLOCK_REALTIME) - clock_ns(CLOCK_MONOTONIC);
	add_audit_maps(rb);
	signal(SIGINT, on_stop_signal);
	signal(SIGTERM, on_stop_signal);
	/* On stderr: stdout is the events alone, for scripts */
	fprintf(stderr, "iopfctl: tracing policy events%s; Ctrl-C to end\n",
		nr_sources ? " and audit records" : "");
	last_scan = clock_ns(CLOCK_MONOTONIC);
	while (!stop_requested) {
		err = ring_buffer__poll(rb, 250);
		if (err == -EINTR)
			continue;
		if (err < 0)
			break;
		/* New audit policies every 250 ms, not at every event */
		if (clock_ns(CLOCK_MONOTONIC) - last_scan >= 250000000ULL) {
			add_audit_maps(rb);
			last_scan = clock_ns(CLOCK_MONOTONIC);
		}
	}
	if (err < 0 && err != -EINTR && remaining != 0)
		status = fail(EXIT_KERNEL_ERROR, "reading events: %s", strerror(-err));
	if (skel->bss->lost)
		fprintf(stderr, "iopfctl: %llu events lost (the buffer was full)\n",
			(unsigned long long)skel->bss->lost);
out:
	ring_buffer__free(rb);
	iopfctl_events__destroy(skel);
	return status;
}
