// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * libiopf's API without a kernel (selftests/host/libiopf.sh builds it
 * against the shared object): bad arguments, unknown policies and
 * parameters, options from older and newer callers, the log callback, and
 * the list API over a sysfs tree of our own (IOPF_SYSFS).  One line per
 * case: "STATUS<TAB>NAME<TAB>DETAIL", STATUS 0 for a pass.
 *   unit tenant-kernel|no-tenant-kernel SYSFS-DIR NOT-BPF.o
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <iopf/libiopf.h>

static char last_error[1024], libbpf_said[8192];
static int errors_logged;

static void log_cb(enum iopf_log_level level, const char *origin,
		   const char *msg, void *ctx)
{
	(void)ctx;
	/* libbpf's own lines, all of them, to look for what it was given */
	if (!strcmp(origin, "libbpf") &&
	    strlen(libbpf_said) + strlen(msg) < sizeof(libbpf_said))
		strcat(libbpf_said, msg);
	if (level == IOPF_LOG_ERROR && !strcmp(origin, "libiopf")) {
		snprintf(last_error, sizeof(last_error), "%s", msg);
		errors_logged++;
	}
}

static void check(int ok, const char *name, const char *fmt, int got)
{
	printf("%d\tlibiopf: %s\t", !ok, name);
	printf(fmt, got);
	printf(" (log: %s)\n", last_error);
}

#define EXPECT(name, call, want) do {					\
	int got_ = (last_error[0] = 0, (call));				\
	check(got_ == (want), name, "got %d, want " #want, got_);	\
} while (0)

/* Scope opts of a caller built against LIBIOPF_MINOR_VERSION 1 (no pasid) */
struct scope_opts_v1 {
	size_t sz;
	enum iopf_scope scope;
	const char *dev_name;
	int iommufd;
	unsigned int dev_id;
	unsigned int fault_id;
	size_t :0;
};

/* A policy's opts from a newer caller: ours plus a member we do not know */
struct open_opts_v2 {
	struct iopf_open_opts v1;
	long future;
};

int main(int argc, char **argv)
{
	struct iopf_policy_info info[4];
	struct iopf_policy *p = NULL;
	int err, logged;

	iopf_set_log(log_cb, NULL);

	/* ---- bad arguments: -EINVAL, and nothing touched ---- */
	EXPECT("open with a NULL name: -EINVAL", iopf_policy_open(NULL, NULL, &p), -EINVAL);
	EXPECT("open with a NULL handle pointer: -EINVAL", iopf_policy_open("observe", NULL, NULL), -EINVAL);
	EXPECT("set_param on NULL: -EINVAL", iopf_policy_set_param(NULL, "a", "1"), -EINVAL);
	EXPECT("set_scope on NULL: -EINVAL", iopf_policy_set_scope(NULL, NULL), -EINVAL);
	EXPECT("load of NULL: -EINVAL", iopf_policy_load(NULL), -EINVAL);
	EXPECT("attach of NULL: -EINVAL", iopf_policy_attach(NULL, NULL), -EINVAL);
	EXPECT("replace with NULL: -EINVAL", iopf_policy_replace(NULL, "x"), -EINVAL);
	EXPECT("detach of NULL: -EINVAL", iopf_policy_detach(NULL), -EINVAL);
	EXPECT("link_fd of NULL: -EINVAL", iopf_policy_link_fd(NULL), -EINVAL);
	check(iopf_policy_name(NULL) == NULL, "name of NULL: NULL", "%d", 0);
	iopf_policy_close(NULL);
	EXPECT("unload of NULL: -EINVAL", iopf_unload(NULL), -EINVAL);
	EXPECT("unload of a path: -EINVAL", iopf_unload("../x"), -EINVAL);
	EXPECT("get_policy with a NULL out: -EINVAL", iopf_get_policy("x", NULL, sizeof(info[0])), -EINVAL);
	EXPECT("get_policy with a size smaller than sz: -EINVAL", iopf_get_policy("x", info, 4), -EINVAL);
	EXPECT("list_policies into NULL: -EINVAL", iopf_list_policies(NULL, 4, sizeof(info[0])), -EINVAL);
	EXPECT("global_stat with NULL: -EINVAL", iopf_global_stat("requests", NULL), -EINVAL);

	/* ---- unknown policy, file, parameter ---- */
	EXPECT("open of an unknown policy name: -ENOENT", iopf_policy_open("no_such_policy", NULL, &p), -ENOENT);
	check(strstr(last_error, "unknown policy 'no_such_policy'") != NULL,
	      "the log callback says why (unknown policy)", "%d", 0);
	EXPECT("open of a missing file: -ENOENT", iopf_policy_open("/nonexistent/x.bpf.o", NULL, &p), -ENOENT);
	if (argc > 3)
		EXPECT("open of a file that is no BPF object: -ENOEXEC", iopf_policy_open(argv[3], NULL, &p), -ENOEXEC);
	EXPECT("open of a directory: -ENOEXEC", iopf_policy_open("/tmp/", NULL, &p), -ENOEXEC);

	/* ---- a built-in policy: no kernel needed until load ---- */
	err = iopf_policy_open("storm_guard", NULL, &p);
	EXPECT("open of a built-in policy by name: 0", err, 0);
	if (!err) {
		check(!strcmp(iopf_policy_name(p), "storm_guard"), "its name is the object's", "%d", 0);
		EXPECT("an unknown parameter: -ENOENT", iopf_policy_set_param(p, "no_such_key", "1"), -ENOENT);
		EXPECT("a bad value: -EINVAL", iopf_policy_set_param(p, "rate", "fast"), -EINVAL);
		EXPECT("a negative value: -EINVAL", iopf_policy_set_param(p, "rate", "-1"), -EINVAL);
		EXPECT("a bool out of range: -ERANGE", iopf_policy_set_param(p, "answer_failure", "2"), -ERANGE);
		EXPECT("a good value: 0", iopf_policy_set_param(p, "rate", "0x10"), 0);
		EXPECT("a parameter with a NULL value: -EINVAL", iopf_policy_set_param(p, "rate", NULL), -EINVAL);
		EXPECT("link_fd before attach: -ENOENT", iopf_policy_link_fd(p), -ENOENT);
		EXPECT("detach before attach: -ENOENT", iopf_policy_detach(p), -ENOENT);
		EXPECT("validate before load: -EINVAL", iopf_policy_validate(p), -EINVAL);
		EXPECT("replace under another name: -EINVAL", iopf_policy_replace(p, "other"), -EINVAL);
		{
			IOPF_OPTS(iopf_scope_opts, s, .scope = IOPF_SCOPE_DEVICE);
			EXPECT("device scope without a name: -EINVAL", iopf_policy_set_scope(p, &s), -EINVAL);
		}
		{
			IOPF_OPTS(iopf_scope_opts, s, .scope = IOPF_SCOPE_TENANT, .iommufd = 3, .dev_id = 0);
			EXPECT("tenant scope with dev_id 0: -EINVAL", iopf_policy_set_scope(p, &s), -EINVAL);
		}
		{
			IOPF_OPTS(iopf_scope_opts, s, .scope = IOPF_SCOPE_TENANT, .iommufd = -1, .dev_id = 1);
			EXPECT("tenant scope with iommufd -1: -EINVAL", iopf_policy_set_scope(p, &s), -EINVAL);
		}
		{
			IOPF_OPTS(iopf_scope_opts, s, .scope = (enum iopf_scope)42);
			EXPECT("an unknown scope: -EINVAL", iopf_policy_set_scope(p, &s), -EINVAL);
		}
		{
			IOPF_OPTS(iopf_scope_opts, s, .scope = IOPF_SCOPE_DEVICE, .dev_name = "iommufd_mock0");
			EXPECT("device scope by name: 0", iopf_policy_set_scope(p, &s), 0);
		}
		/* The fault-queue scope: an iommufd and a queue ID, nothing else */
		{
			IOPF_OPTS(iopf_scope_opts, s, .scope = IOPF_SCOPE_FAULT_QUEUE, .iommufd = 3);
			EXPECT("fault-queue scope with fault_id 0: -EINVAL", iopf_policy_set_scope(p, &s), -EINVAL);
			check(strstr(last_error, "fault queue ID") != NULL,
			      "... and the log says it needs a fault queue ID", "%d", 0);
		}
		{
			IOPF_OPTS(iopf_scope_opts, s, .scope = IOPF_SCOPE_FAULT_QUEUE, .iommufd = -1, .fault_id = 2);
			EXPECT("fault-queue scope with iommufd -1: -EINVAL", iopf_policy_set_scope(p, &s), -EINVAL);
		}
		{
			IOPF_OPTS(iopf_scope_opts, s, .scope = IOPF_SCOPE_FAULT_QUEUE, .iommufd = 3,
				  .fault_id = 2, .dev_id = 1);
			EXPECT("fault-queue scope with a dev_id too: -EINVAL", iopf_policy_set_scope(p, &s), -EINVAL);
			check(strstr(last_error, "takes no device ID") != NULL,
			      "... and the log says one scope at a time", "%d", 0);
		}
		{
			IOPF_OPTS(iopf_scope_opts, s, .scope = IOPF_SCOPE_FAULT_QUEUE, .iommufd = 3,
				  .fault_id = 2, .dev_name = "iommufd_mock0");
			EXPECT("fault-queue scope with a dev_name too: -EINVAL", iopf_policy_set_scope(p, &s), -EINVAL);
		}
		{
			IOPF_OPTS(iopf_scope_opts, s, .scope = IOPF_SCOPE_TENANT, .iommufd = 3,
				  .dev_id = 1, .fault_id = 2);
			EXPECT("tenant (device) scope with a fault_id: -EINVAL", iopf_policy_set_scope(p, &s), -EINVAL);
			check(strstr(last_error, "fault-queue scope only") != NULL,
			      "... and the log says fault_id is the fault-queue scope's", "%d", 0);
		}
		{
			IOPF_OPTS(iopf_scope_opts, s, .scope = IOPF_SCOPE_DEVICE,
				  .dev_name = "iommufd_mock0", .fault_id = 2);
			EXPECT("device scope with a fault_id: -EINVAL", iopf_policy_set_scope(p, &s), -EINVAL);
		}
		{
			IOPF_OPTS(iopf_scope_opts, s, .scope = IOPF_SCOPE_GLOBAL, .fault_id = 2);
			EXPECT("global scope with a fault_id: -EINVAL", iopf_policy_set_scope(p, &s), -EINVAL);
		}
		{
			/* An older caller's struct ends before fault_id: what lies past it is not read */
			IOPF_OPTS(iopf_scope_opts, s, .scope = IOPF_SCOPE_GLOBAL, .fault_id = 2);
			s.sz = offsetof(struct iopf_scope_opts, fault_id);
			EXPECT("scope opts of an older caller (no fault_id): accepted", iopf_policy_set_scope(p, &s), 0);
		}
		/* The PASID scope: an iommufd, a device ID and a PASID, nothing else */
		{
			IOPF_OPTS(iopf_scope_opts, s, .scope = IOPF_SCOPE_PASID, .iommufd = 3, .dev_id = 1);
			EXPECT("PASID scope with pasid 0: -EINVAL", iopf_policy_set_scope(p, &s), -EINVAL);
			check(strstr(last_error, "needs a pasid (nonzero") != NULL,
			      "... and the log says it needs a nonzero pasid", "%d", 0);
		}
		{
			IOPF_OPTS(iopf_scope_opts, s, .scope = IOPF_SCOPE_PASID, .iommufd = 3, .pasid = 0x42);
			EXPECT("PASID scope with dev_id 0: -EINVAL", iopf_policy_set_scope(p, &s), -EINVAL);
			check(strstr(last_error, "device ID (nonzero) beside its pasid") != NULL,
			      "... and the log says it needs a device ID", "%d", 0);
		}
		{
			IOPF_OPTS(iopf_scope_opts, s, .scope = IOPF_SCOPE_PASID, .iommufd = -1, .dev_id = 1,
				  .pasid = 0x42);
			EXPECT("PASID scope with iommufd -1: -EINVAL", iopf_policy_set_scope(p, &s), -EINVAL);
		}
		{
			IOPF_OPTS(iopf_scope_opts, s, .scope = IOPF_SCOPE_PASID, .iommufd = 3, .dev_id = 1,
				  .pasid = 0x42, .fault_id = 2);
			EXPECT("PASID scope with a fault_id too: -EINVAL", iopf_policy_set_scope(p, &s), -EINVAL);
			check(strstr(last_error, "fault-queue scope only") != NULL,
			      "... and the log says fault_id is the fault-queue scope's", "%d", 0);
		}
		{
			IOPF_OPTS(iopf_scope_opts, s, .scope = IOPF_SCOPE_PASID, .iommufd = 3, .dev_id = 1,
				  .pasid = 0x42, .dev_name = "iommufd_mock0");
			EXPECT("PASID scope with a dev_name too: -EINVAL", iopf_policy_set_scope(p, &s), -EINVAL);
			check(strstr(last_error, "takes no device name") != NULL,
			      "... and the log says its device is dev_id", "%d", 0);
		}
		{
			IOPF_OPTS(iopf_scope_opts, s, .scope = IOPF_SCOPE_TENANT, .iommufd = 3, .dev_id = 1,
				  .pasid = 0x42);
			EXPECT("tenant (device) scope with a pasid: -EINVAL", iopf_policy_set_scope(p, &s), -EINVAL);
			check(strstr(last_error, "PASID scope only") != NULL,
			      "... and the log says pasid is the PASID scope's", "%d", 0);
		}
		{
			IOPF_OPTS(iopf_scope_opts, s, .scope = IOPF_SCOPE_FAULT_QUEUE, .iommufd = 3,
				  .fault_id = 2, .pasid = 0x42);
			EXPECT("fault-queue scope with a pasid: -EINVAL", iopf_policy_set_scope(p, &s), -EINVAL);
		}
		{
			IOPF_OPTS(iopf_scope_opts, s, .scope = IOPF_SCOPE_DEVICE,
				  .dev_name = "iommufd_mock0", .pasid = 0x42);
			EXPECT("device scope with a pasid: -EINVAL", iopf_policy_set_scope(p, &s), -EINVAL);
		}
		{
			IOPF_OPTS(iopf_scope_opts, s, .scope = IOPF_SCOPE_GLOBAL, .pasid = 0x42);
			EXPECT("global scope with a pasid: -EINVAL", iopf_policy_set_scope(p, &s), -EINVAL);
		}
		/* An older caller's struct (LIBIOPF_MINOR_VERSION 1) ends before pasid */
		check(sizeof(struct scope_opts_v1) <= offsetof(struct iopf_scope_opts, pasid),
		      "an older caller's scope opts (no pasid) end before pasid: its sz tells it apart",
		      "sizeof %d", (int)sizeof(struct scope_opts_v1));
		{
			IOPF_OPTS(iopf_scope_opts, s, .scope = IOPF_SCOPE_GLOBAL, .pasid = 0x42);
			s.sz = sizeof(struct scope_opts_v1);
			EXPECT("scope opts of an older caller (no pasid): accepted, pasid not read",
			       iopf_policy_set_scope(p, &s), 0);
		}
		/* The host's kernel has no iopf-bpf, so no tenant members either */
		if (argc > 1 && !strcmp(argv[1], "no-tenant-kernel")) {
			IOPF_OPTS(iopf_scope_opts, s, .scope = IOPF_SCOPE_TENANT, .iommufd = 0, .dev_id = 1);
			EXPECT("tenant scope on a kernel without it: -EOPNOTSUPP", iopf_policy_set_scope(p, &s), -EOPNOTSUPP);
			check(strstr(last_error, "no tenant scope") != NULL,
			      "... and the log says the kernel has no tenant scope", "%d", 0);
		}
		if (argc > 1 && !strcmp(argv[1], "no-tenant-kernel")) {
			IOPF_OPTS(iopf_scope_opts, s, .scope = IOPF_SCOPE_FAULT_QUEUE, .iommufd = 0, .fault_id = 1);
			EXPECT("fault-queue scope on a kernel without it: -EOPNOTSUPP",
			       iopf_policy_set_scope(p, &s), -EOPNOTSUPP);
			check(strstr(last_error, "no fault-queue scope") != NULL,
			      "... and the log says the kernel has no fault-queue scope", "%d", 0);
		}
		if (argc > 1 && !strcmp(argv[1], "no-tenant-kernel")) {
			IOPF_OPTS(iopf_scope_opts, s, .scope = IOPF_SCOPE_PASID, .iommufd = 0, .dev_id = 1,
				  .pasid = 0x42);
			EXPECT("PASID scope on a kernel without it: -EOPNOTSUPP",
			       iopf_policy_set_scope(p, &s), -EOPNOTSUPP);
			check(strstr(last_error, "no PASID scope") != NULL,
			      "... and the log says the kernel has no PASID scope", "%d", 0);
		}
		iopf_policy_close(p);
		p = NULL;
	}
	{
		IOPF_OPTS(iopf_open_opts, o, .name = "bad/name");
		EXPECT("open with a bad --name: -EINVAL", iopf_policy_open("observe", &o, &p), -EINVAL);
	}
	{
		IOPF_OPTS(iopf_open_opts, o, .name = "a_name_longer_than_thirty_one_characters");
		EXPECT("open with a name too long: -EINVAL", iopf_policy_open("observe", &o, &p), -EINVAL);
	}
	{
		IOPF_OPTS(iopf_open_opts, o, .policy_path = "/nonexistent");
		/* Not in the path, but built in */
		err = iopf_policy_open("observe", &o, &p);
		EXPECT("open by name with policy_path set: the built-in: 0", err, 0);
		iopf_policy_close(p);
		p = NULL;
	}

	{
		/*
		 * token_path reaches libbpf: a mandatory token from a bpffs that
		 * is not there fails the load before the kernel is asked
		 */
		IOPF_OPTS(iopf_open_opts, o, .token_path = "/nonexistent/bpffs");
		err = iopf_policy_open("observe", &o, &p);
		EXPECT("open with a token_path: 0 (the token is made at load)", err, 0);
		if (!err) {
			libbpf_said[0] = 0;
			err = iopf_policy_load(p);
			check(err < 0 && strstr(libbpf_said, "/nonexistent/bpffs") != NULL,
			      "load with a token_path that is no bpffs: fails, libbpf naming it", "%d", err);
		}
		iopf_policy_close(p);
		p = NULL;
	}

	/* ---- options from older and newer callers ---- */
	{
		struct open_opts_v2 o;

		memset(&o, 0, sizeof(o));
		o.v1.sz = sizeof(o);
		o.v1.name = "newer";
		err = iopf_policy_open("observe", &o.v1, &p);
		EXPECT("opts larger than ours, tail zero: accepted", err, 0);
		if (!err)
			check(!strcmp(iopf_policy_name(p), "newer"), "... and read", "%d", 0);
		iopf_policy_close(p);
		p = NULL;
		o.future = 1;
		EXPECT("opts larger than ours, tail set: -E2BIG", iopf_policy_open("observe", &o.v1, &p), -E2BIG);
		check(p == NULL, "... and no handle", "%d", 0);
	}
	{
		/* An older caller: only sz and name */
		IOPF_OPTS(iopf_open_opts, o, .name = "older", .shadow = true);
		o.sz = offsetof(struct iopf_open_opts, name) + sizeof(o.name);
		err = iopf_policy_open("observe", &o, &p);
		EXPECT("opts smaller than ours: accepted", err, 0);
		if (!err)
			check(!strcmp(iopf_policy_name(p), "older"), "... with the members it has", "%d", 0);
		iopf_policy_close(p);
		p = NULL;
	}
	{
		IOPF_OPTS(iopf_open_opts, o);
		o.sz = 3;
		EXPECT("opts with sz smaller than sz itself: -EINVAL", iopf_policy_open("observe", &o, &p), -EINVAL);
	}
	{
		struct { struct iopf_attach_opts a; int more; } o;

		memset(&o, 0, sizeof(o));
		o.a.sz = sizeof(o);
		o.more = 1;
		err = iopf_policy_open("observe", NULL, &p);
		EXPECT("attach opts with a tail set: -E2BIG (before the kernel is asked)",
		       err ? err : iopf_policy_attach(p, &o.a), -E2BIG);
		iopf_policy_close(p);
		p = NULL;
	}
	{
		struct { struct iopf_scope_opts s; int more; } o;

		memset(&o, 0, sizeof(o));
		o.s.sz = sizeof(o);
		o.s.scope = IOPF_SCOPE_GLOBAL;
		o.more = 1;
		err = iopf_policy_open("observe", NULL, &p);
		EXPECT("scope opts with a tail set: -E2BIG", err ? err : iopf_policy_set_scope(p, &o.s), -E2BIG);
		iopf_policy_close(p);
		p = NULL;
	}

	/* ---- the list API over a sysfs tree of ours (argv[2], IOPF_SYSFS) ---- */
	if (argc > 2) {
		struct iopf_ejection_info ej[2];
		long long v;
		int n;

		setenv("IOPF_SYSFS", argv[2], 1);
		n = iopf_list_policies(info, 4, sizeof(info[0]));
		EXPECT("list: the four policies", n, 4);
		if (n == 4) {
			/* dev_pol is a tenant's: asked after every host policy */
			check(!strcmp(info[0].name, "host_pol") && !strcmp(info[2].name, "dev_pol"),
			      "list: a tenant's device-scoped policy after the host's global one", "%d", 0);
			/* pasid_pol, attached before dev_pol: asked with the device's, in attach order */
			check(!strcmp(info[1].name, "pasid_pol") && !strcmp(info[1].scope, "pasid:1:66") &&
			      info[1].tenant == 1 && info[1].uid == 1000,
			      "list: a PASID policy (scope pasid:1:66) with the device tenant policies, in attach order",
			      "%d", 0);
			/* queue_pol, attached first, is asked after the devices' tenant policies */
			check(!strcmp(info[3].name, "queue_pol") && !strcmp(info[3].scope, "fault:3") &&
			      info[3].tenant == 1 && info[3].uid == 1000,
			      "list: a fault-queue policy (scope fault:3) after the device tenant policies",
			      "%d", 0);
			check(info[2].tenant == 1 && info[2].uid == 1000, "list: tenant and uid read when present",
			      "uid %d", (int)info[2].uid);
			check(info[0].tenant == 0 && info[0].uid == -1, "list: absent: a host policy, uid -1",
			      "uid %d", (int)info[0].uid);
			check(info[0].sz == sizeof(info[0]), "list: sz is what was filled", "%d", (int)info[0].sz);
		}
		{
			/* A tenant's queue policy: its scope is its owner's, not a name to copy */
			IOPF_OPTS(iopf_open_opts, o, .name = "queue_pol");

			err = iopf_policy_open("observe", &o, &p);
			EXPECT("replace of a tenant's fault-queue policy without its scope: -EXDEV",
			       err ?: iopf_policy_replace(p, "queue_pol"), -EXDEV);
			check(strstr(last_error, "tenant's policy (scope fault:3") != NULL,
			      "... and the log says it is a tenant's, scoped fault:3", "%d", 0);
			iopf_policy_close(p);
			p = NULL;
		}
		{
			/* A tenant's PASID policy: the same */
			IOPF_OPTS(iopf_open_opts, o, .name = "pasid_pol");

			err = iopf_policy_open("observe", &o, &p);
			EXPECT("replace of a tenant's PASID policy without its scope: -EXDEV",
			       err ?: iopf_policy_replace(p, "pasid_pol"), -EXDEV);
			check(strstr(last_error, "tenant's policy (scope pasid:1:66") != NULL,
			      "... and the log says it is a tenant's, scoped pasid:1:66", "%d", 0);
			iopf_policy_close(p);
			p = NULL;
		}
		n = iopf_list_policies(info, 1, sizeof(info[0]));
		EXPECT("list into one entry: says how many there are", n, 4);
		memset(info, 0xff, sizeof(info));
		err = iopf_get_policy("host_pol", info, offsetof(struct iopf_policy_info, tenant));
		EXPECT("get_policy with an older, shorter struct: 0", err, 0);
		check(info[0].sz == offsetof(struct iopf_policy_info, tenant) && info[0].calls == 7 &&
		      (unsigned char)((char *)info)[offsetof(struct iopf_policy_info, tenant)] == 0xff,
		      "... filled up to its size, not past it", "%d", (int)info[0].sz);
		logged = errors_logged;
		EXPECT("get_policy of an unknown name: -ENOENT", iopf_get_policy("nope", info, sizeof(info[0])), -ENOENT);
		check(errors_logged == logged + 1, "... logged once", "%d", errors_logged - logged);
		EXPECT("list_ejections: one", iopf_list_ejections(ej, 2, sizeof(ej[0])), 1);
		check(!strcmp(ej[0].reason, "exit") && ej[0].pasid == 0x42, "list_ejections: its fields", "%d", 0);
		EXPECT("global_stat requests", iopf_global_stat("requests", &v) ?: (int)v, 5);
		EXPECT("global_stat of an unknown counter: -ENOENT", iopf_global_stat("nope", &v), -ENOENT);
		EXPECT("kernel_check: 0", iopf_kernel_check(), 0);
		setenv("IOPF_SYSFS", "/nonexistent", 1);
		EXPECT("kernel_check without iopf-bpf: -ENOENT", iopf_kernel_check(), -ENOENT);
		EXPECT("list without iopf-bpf: -ENOENT", iopf_list_policies(info, 4, sizeof(info[0])), -ENOENT);
	}
	return 0;
}
