// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * A program built on libiopf.so alone, as a VMM would be, for the VM test
 * selftests/vm/libiopf.sh.  Each command prints what it saw as KEY=VALUE
 * lines, the test checks them; it exits 0 if each library call returned
 * what the command expects.
 *   client cycle NAME              open observe as NAME, attach to all devices
 *                                  (not pinned), list, stats, detach
 *   client device NAME DEVICE      attach observe as NAME to DEVICE ("*": to
 *                                  all devices), pinned
 *   client stats NAME              its counters (iopf_get_policy)
 *   client unload NAME             iopf_unload()
 *   client tenant                  a tenant scope: what set_scope says
 *   client queue                   a fault-queue scope: what set_scope says,
 *                                  and validate (the value the kernel gets)
 *   client pasid                   a PASID scope (PASID 0x42 of device 1 in an
 *                                  fd of /dev/null): what set_scope, validate
 *                                  and attach say (attach: 6.12's
 *                                  -EOPNOTSUPP, or 7.3's -EBADFD for the fd)
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <iopf/libiopf.h>

static void log_cb(enum iopf_log_level level, const char *origin,
		   const char *msg, void *ctx)
{
	if (level == IOPF_LOG_ERROR)
		printf("log=%s\n", msg);
}

/* The listed policy @name: prints its scope and state; 0, or -ENOENT */
static int list_one(const char *name)
{
	struct iopf_policy_info info[IOPF_MAX_POLICIES];
	int i, n = iopf_list_policies(info, IOPF_MAX_POLICIES, sizeof(info[0]));

	printf("listed=%d\n", n);
	for (i = 0; i < n; i++) {
		if (strcmp(info[i].name, name))
			continue;
		printf("list_scope=%s\nlist_state=%s\nlist_tenant=%d\nlist_uid=%lld\n",
		       info[i].scope, info[i].state, info[i].tenant, info[i].uid);
		return 0;
	}
	return n < 0 ? n : -ENOENT;
}

static int stats(const char *name)
{
	struct iopf_policy_info info;
	int err = iopf_get_policy(name, &info, sizeof(info));

	printf("get=%d\n", err);
	if (!err)
		printf("state=%s\ncalls=%llu\nobeyed=%llu\nlink_id=%u\n",
		       info.state, info.calls, info.obeyed, info.link_id);
	return err;
}

static int open_observe(const char *name, struct iopf_policy **p)
{
	IOPF_OPTS(iopf_open_opts, o, .name = name);
	int err = iopf_policy_open("observe", &o, p);

	printf("open=%d\n", err);
	return err;
}

int main(int argc, char **argv)
{
	struct iopf_policy *p;
	int err;

	iopf_set_log(log_cb, NULL);
	if (argc == 3 && !strcmp(argv[1], "cycle")) {
		if (open_observe(argv[2], &p))
			return 1;
		err = iopf_policy_attach(p, NULL);
		printf("attach=%d\n", err);
		err = err ?: list_one(argv[2]);
		err = err ?: stats(argv[2]);
		printf("link_fd_ok=%d\n", iopf_policy_link_fd(p) >= 0);
		err = err ?: iopf_policy_detach(p);
		printf("detach=%d\n", err);
		printf("after_detach=%d\n", iopf_get_policy(argv[2], &(struct iopf_policy_info){}, sizeof(struct iopf_policy_info)));
		iopf_policy_close(p);
		return !!err;
	}
	if (argc == 4 && !strcmp(argv[1], "device")) {
		IOPF_OPTS(iopf_scope_opts, s, .scope = IOPF_SCOPE_DEVICE, .dev_name = argv[3]);
		IOPF_OPTS(iopf_attach_opts, a, .pin = true);

		if (!strcmp(argv[3], "*"))
			s.scope = IOPF_SCOPE_GLOBAL;

		if (open_observe(argv[2], &p))
			return 1;
		err = iopf_policy_set_scope(p, &s);
		printf("scope=%d\n", err);
		err = err ?: iopf_policy_load(p);
		printf("load=%d\n", err);
		err = err ?: iopf_policy_attach(p, &a);
		printf("attach=%d\n", err);
		err = err ?: list_one(argv[2]);
		/* Pinned: it stays attached after this */
		iopf_policy_close(p);
		return !!err;
	}
	if (argc == 3 && !strcmp(argv[1], "stats"))
		return !!stats(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "unload")) {
		err = iopf_unload(argv[2]);
		printf("unload=%d\n", err);
		return err < 0;
	}
	if (argc == 2 && !strcmp(argv[1], "tenant")) {
		IOPF_OPTS(iopf_scope_opts, s, .scope = IOPF_SCOPE_TENANT, .iommufd = 0, .dev_id = 1);

		if (open_observe("tenant", &p))
			return 1;
		err = iopf_policy_set_scope(p, &s);
		printf("tenant_scope=%d\n", err);
		iopf_policy_close(p);
		return 0;
	}
	if (argc == 2 && !strcmp(argv[1], "queue")) {
		IOPF_OPTS(iopf_scope_opts, s, .scope = IOPF_SCOPE_FAULT_QUEUE, .iommufd = 0,
			  .fault_id = 1);

		if (open_observe("queue", &p))
			return 1;
		err = iopf_policy_set_scope(p, &s);
		printf("queue_scope=%d\n", err);
		/* The value with the queue's members, checked by the kernel (not attached) */
		if (!err)
			printf("queue_validate=%d\n", iopf_policy_load(p) ?: iopf_policy_validate(p));
		iopf_policy_close(p);
		return 0;
	}
	if (argc == 2 && !strcmp(argv[1], "pasid")) {
		/* No iommufd: the kernel refuses it, after it looked at the PASID scope */
		int fd = open("/dev/null", O_RDONLY);
		IOPF_OPTS(iopf_scope_opts, s, .scope = IOPF_SCOPE_PASID, .iommufd = fd, .dev_id = 1,
			  .pasid = 0x42);

		if (fd < 0 || open_observe("pasid", &p))
			return 1;
		err = iopf_policy_set_scope(p, &s);
		printf("pasid_scope=%d\n", err);
		if (!err) {
			/* The value with the PASID scope's members, checked by the kernel */
			err = iopf_policy_load(p) ?: iopf_policy_validate(p);
			printf("pasid_validate=%d\n", err);
			if (!err)
				printf("pasid_attach=%d\n", iopf_policy_attach(p, NULL));
		}
		iopf_policy_close(p);
		close(fd);
		return 0;
	}
	fprintf(stderr, "usage: client cycle|device|stats|unload|tenant|queue|pasid ...\n");
	return 2;
}
