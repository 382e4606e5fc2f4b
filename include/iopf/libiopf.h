/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * libiopf: load, attach, replace, detach and list iopf-bpf policies (BPF
 * struct_ops "struct iopf_ops") from a program, the way iopfctl does, for
 * a VMM or a container runtime.  docs/libiopf.md is the reference.
 *
 * Conventions, as libbpf's:
 *  - every function that can fail returns 0 (or a count) on success and a
 *    negative errno on failure; none prints or exits: the reason of a
 *    failure goes to the log callback (iopf_set_log());
 *  - options are structs whose first member, sz, is their size as the
 *    caller was compiled (set it with IOPF_OPTS()), so that a newer
 *    library takes an older caller's options (the members it lacks are
 *    zero) and an older library refuses a newer caller's only if a member
 *    it does not know is set (-E2BIG);
 *  - struct iopf_policy is opaque.
 * The ABI is versioned: libiopf.so.1, symbol version LIBIOPF_1.0.
 */
#ifndef IOPF_LIBIOPF_H
#define IOPF_LIBIOPF_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Minor 1: IOPF_SCOPE_FAULT_QUEUE and iopf_scope_opts.fault_id;
 * minor 2: IOPF_SCOPE_PASID and iopf_scope_opts.pasid
 */
#define LIBIOPF_MAJOR_VERSION 1
#define LIBIOPF_MINOR_VERSION 2

#ifndef LIBIOPF_API
#define LIBIOPF_API __attribute__((visibility("default")))
#endif

/* Sizes of struct iopf_ops's strings (NUL included) and the kernel's policy limit */
#define IOPF_NAME_LEN		32
#define IOPF_DEV_NAME_LEN	64
#define IOPF_MSG_LEN		64
#define IOPF_MAX_POLICIES	64

/*
 * Declare and zero options of type @TYPE, with sz set and the members
 * given: IOPF_OPTS(iopf_open_opts, o, .name = "fence");
 */
#define IOPF_OPTS(TYPE, NAME, ...)					\
	struct TYPE NAME = ({						\
		memset(&NAME, 0, sizeof(struct TYPE));			\
		(struct TYPE) {						\
			.sz = sizeof(struct TYPE),			\
			__VA_ARGS__					\
		};							\
	})

/* ---- the log ---- */

enum iopf_log_level {
	IOPF_LOG_ERROR,		/* why a call failed (one message per failure) */
	IOPF_LOG_WARN,		/* libbpf's warnings */
	IOPF_LOG_INFO,
	IOPF_LOG_DEBUG,		/* libbpf's other messages, the verifier's log */
};

/*
 * A log callback.  @origin is "libiopf" or "libbpf"; @msg is the message
 * (libbpf's end in a newline, libiopf's do not).  Called in the thread
 * whose call logs.
 */
typedef void (*iopf_log_fn)(enum iopf_log_level level, const char *origin,
			    const char *msg, void *ctx);

/*
 * Send the library's messages (and its libbpf's) to @fn with @ctx; NULL:
 * drop them (the default).  Returns the previous callback.  Process-wide,
 * like libbpf_set_print(): set it once, before other calls.  Never fails,
 * never blocks.
 */
LIBIOPF_API iopf_log_fn iopf_set_log(iopf_log_fn fn, void *ctx);

/* ---- policies ---- */

/* A policy object opened by this process; opaque */
struct iopf_policy;

struct iopf_open_opts {
	size_t sz;		/* sizeof(struct iopf_open_opts): IOPF_OPTS() sets it */
	/* The name to attach under (struct iopf_ops.name); NULL: the object's own */
	const char *name;
	/* Attach in shadow mode: the kernel asks the policy, counts, does not obey */
	bool shadow;
	/*
	 * A bpffs mount with delegation (delegate_cmds etc.): libbpf creates
	 * a BPF token from it and loads with it, so that a process without
	 * CAP_BPF in the initial user namespace can load.  NULL: libbpf's
	 * default (the LIBBPF_BPF_TOKEN_PATH environment variable, else
	 * /sys/fs/bpf if it delegates); "": no token.
	 */
	const char *token_path;
	/*
	 * Directories to look a policy name up in, separated by ':'; NULL:
	 * $IOPF_POLICY_PATH, else those beside the running program (see
	 * docs/libiopf.md)
	 */
	const char *policy_path;
	size_t :0;
};
#define iopf_open_opts__last_field policy_path

/*
 * Open a policy: @what is an object file's path (it has a '/' or ".o"),
 * or a policy's name, looked up as NAME.bpf.o in the search path and
 * else among the policies built into the library.  Nothing is loaded into
 * the kernel yet.  *@out gets the handle, for iopf_policy_close().
 * Errors: -EINVAL (NULL argument; the name, given in @opts or the
 * object's, is not 1-31 of [A-Za-z0-9_.:-]), -E2BIG (@opts from a newer
 * caller with a member this library lacks set), -ENOENT (no such policy or
 * file), -ENOEXEC (not a regular file, not a BPF object, or built for a
 * kernel without a member it needs: shadow), -ENOMSG (no struct iopf_ops
 * map in it: not a policy), -ENOMEM, or another -errno of opening the
 * file.  Reads files; does not block otherwise.
 */
LIBIOPF_API int iopf_policy_open(const char *what,
				 const struct iopf_open_opts *opts,
				 struct iopf_policy **out);

/*
 * Set a parameter, before iopf_policy_load(): @key names a const volatile
 * global (.rodata) or initialized global (.data) of the policy, which
 * takes a non-negative integer (decimal or 0x hex; true/false for a bool),
 * or a map keyed by struct iopf_match, which takes DEVICE[:PASID] and may
 * be set several times (the entries are added at load).
 * Errors: -EINVAL (NULL argument, or a bad value), -ENOENT (no such
 * parameter), -EOPNOTSUPP (not a number: cannot be set), -ERANGE (the
 * value does not fit), -ENOSPC (too many map entries), -EBUSY (already
 * loaded).  Never blocks.
 */
LIBIOPF_API int iopf_policy_set_param(struct iopf_policy *p, const char *key,
				      const char *value);

/* Where a policy applies */
enum iopf_scope {
	IOPF_SCOPE_DEFAULT,	/* what the object's iopf_ops says (dev_name, else all devices) */
	IOPF_SCOPE_GLOBAL,	/* every device */
	IOPF_SCOPE_DEVICE,	/* one device, by name (dev_name) */
	IOPF_SCOPE_TENANT,	/* one device the caller owns through iommufd (iommufd, dev_id) */
	IOPF_SCOPE_FAULT_QUEUE,	/* a fault queue the caller owns in an iommufd (iommufd, fault_id) */
	IOPF_SCOPE_PASID,	/* one PASID of such a device (iommufd, dev_id, pasid) */
};

struct iopf_scope_opts {
	size_t sz;		/* sizeof(struct iopf_scope_opts): IOPF_OPTS() sets it */
	enum iopf_scope scope;
	/* IOPF_SCOPE_DEVICE: the device's name ("0000:00:03.0", "iommufd_mock0") */
	const char *dev_name;
	/*
	 * IOPF_SCOPE_TENANT: an iommufd file descriptor of this process and
	 * the ID of a device object bound in it (nonzero).  The kernel resolves
	 * them when the policy is attached, in the attaching call: the fd must
	 * stay open until then.
	 */
	int iommufd;
	unsigned int dev_id;
	/*
	 * IOPF_SCOPE_FAULT_QUEUE: with iommufd (as above), the ID of a fault
	 * queue object in it (IOMMU_FAULT_QUEUE_ALLOC's out_fault_id,
	 * nonzero): the policy sees every page request delivered to that
	 * queue.  Must be 0 for the other scopes; dev_id and dev_name must be
	 * unset with it.
	 */
	unsigned int fault_id;
	/*
	 * IOPF_SCOPE_PASID: with iommufd and dev_id (as for IOPF_SCOPE_TENANT),
	 * a PASID of that device (its value, nonzero), attached to a domain
	 * through that iommufd: the policy sees only the device's page
	 * requests with that PASID.  Must be 0 for the other scopes;
	 * fault_id and dev_name must be unset with it.  After 4 bytes never
	 * read (LIBIOPF_MINOR_VERSION 1's tail padding, which a caller may
	 * not have zeroed): a caller built before it has a smaller sz.
	 */
	unsigned int :32;
	unsigned int pasid;
	size_t :0;
};
#define iopf_scope_opts__last_field pasid

/*
 * Choose where the policy applies, before iopf_policy_load() (the scope is
 * part of the struct_ops value the programs are loaded against).  A tenant,
 * PASID or fault-queue scope needs no privilege here: the kernel decides
 * at attach.
 * Errors: -EINVAL (NULL, an unknown scope, a device name empty or too long,
 * a tenant scope with iommufd < 0 or dev_id 0, a fault-queue scope with
 * iommufd < 0, fault_id 0, or dev_id or dev_name set, fault_id set with
 * another scope, a PASID scope with iommufd < 0, dev_id 0, pasid 0, or
 * fault_id or dev_name set, pasid set with another scope), -E2BIG (see
 * above), -EBUSY (already loaded), -EOPNOTSUPP (a tenant scope on a kernel
 * whose struct iopf_ops has no iommufd and dev_id members, a fault-queue
 * scope on one without iommufd and fault_id, a PASID scope on one without
 * iommufd, dev_id and pasid: logged; a kernel with the members whose
 * iommufd attaches no PASID, Linux 6.12, refuses a PASID scope at attach),
 * or -errno of reading the kernel's BTF (/sys/kernel/btf/vmlinux).  Reads
 * the kernel's BTF for a tenant, PASID or fault-queue scope (tens of
 * milliseconds); does not block otherwise.
 */
LIBIOPF_API int iopf_policy_set_scope(struct iopf_policy *p,
				      const struct iopf_scope_opts *opts);

/*
 * Load the policy into the kernel: the verifier checks its programs, its
 * maps are created, the DEVICE[:PASID] parameters filled.  Nothing is
 * attached.  Errors: -EINVAL (NULL), -EALREADY (loaded before), -EPERM or
 * -EACCES (the kernel refused: no privilege or token), another -errno of
 * the load (the verifier's log goes to the log callback, at
 * IOPF_LOG_DEBUG).  Blocks while the kernel verifies (up to seconds).
 */
LIBIOPF_API int iopf_policy_load(struct iopf_policy *p);

/*
 * Have the kernel check the loaded policy's struct_ops value as attaching
 * would (its .validate runs), without attaching: a dry run.  Errors:
 * -EINVAL (NULL, not loaded, or the kernel refused it: no decide(), or a
 * scope it does not take), -EOPNOTSUPP (the iopf_ops map is not in
 * SEC(".struct_ops.link")), another -errno.  May block briefly.
 */
LIBIOPF_API int iopf_policy_validate(struct iopf_policy *p);

struct iopf_attach_opts {
	size_t sz;		/* sizeof(struct iopf_attach_opts): IOPF_OPTS() sets it */
	/*
	 * Pin the link and maps under /sys/fs/bpf/iopf/NAME/ (as iopfctl load
	 * does), so that the policy stays attached after this process closes
	 * it or exits; iopf_unload() detaches it.  false: it is attached while
	 * the handle is open.
	 */
	bool pin;
	size_t :0;
};
#define iopf_attach_opts__last_field pin

/*
 * Attach the policy (loading it first if iopf_policy_load() was not
 * called): its struct_ops link, then its other programs (tracepoints),
 * each with its own link.  Errors: -EINVAL (NULL), -EALREADY (attached),
 * -E2BIG (see above, or more than 16 other programs), -ENODEV (no such
 * device behind an IOMMU), -EEXIST
 * (a policy of that name is attached), -EPERM or -EACCES (the kernel
 * refused: no privilege, or a tenant scope the caller does not own),
 * -EOPNOTSUPP (the iopf_ops map is not in SEC(".struct_ops.link"), or a
 * PASID scope on a kernel whose iommufd attaches no PASID, Linux 6.12:
 * logged), -ENOSPC (the kernel's policy limit), -ENOENT (a tenant or
 * fault-queue scope's dev_id or fault_id names no such object in its
 * iommufd, or a PASID scope's PASID is not attached through it),
 * -EBADF or -EBADFD (its iommufd is no open fd, or no iommufd), -EDQUOT
 * (the user's tenant policy quota), an error of iopf_policy_load(), or
 * another -errno; with pin, an error of pinning (nothing stays attached
 * then).  May block briefly (the pins' lock: another iopfctl or library
 * user pinning).
 */
LIBIOPF_API int iopf_policy_attach(struct iopf_policy *p,
				   const struct iopf_attach_opts *opts);

/*
 * Put the loaded policy @p behind the link of the attached policy @name
 * (BPF_LINK_UPDATE): every fault sees the old policy or the new one, never
 * neither.  @p must have been opened with that name (or the object's is
 * @name) and have the old one's scope; it takes its place in the order.
 * If the old one is pinned under /sys/fs/bpf/iopf/NAME/, @p's programs and
 * maps replace its pins there.  Errors: -EINVAL (NULL, not loaded, or the
 * kernel refused the new value), -ENOENT (no policy @name attached),
 * -ENOLINK (it was ejected or detached meanwhile), -EXDEV (another scope
 * than the old one's; or @name is a tenant's policy, of a device, a PASID
 * or a fault queue, and @p has no tenant, PASID or fault-queue scope),
 * -EAGAIN (someone else replaced it meanwhile:
 * nothing changed), -EOPNOTSUPP (not a SEC(".struct_ops.link") map),
 * another -errno.  May block briefly (the pins' lock).
 */
LIBIOPF_API int iopf_policy_replace(struct iopf_policy *p, const char *name);

/*
 * Detach what this handle attached (a pinned policy's pins are removed:
 * it is detached too).  Errors: -EINVAL (NULL), -ENOENT (nothing attached
 * by this handle).  May block briefly (the pins' lock).
 */
LIBIOPF_API int iopf_policy_detach(struct iopf_policy *p);

/*
 * Close the handle: a policy it attached without pin is detached; a
 * pinned one stays attached.  NULL is ignored.  Never fails.
 */
LIBIOPF_API void iopf_policy_close(struct iopf_policy *p);

/* The name the policy attaches (or attached) under; NULL for NULL */
LIBIOPF_API const char *iopf_policy_name(const struct iopf_policy *p);

/*
 * The struct_ops link's fd while attached by this handle (poll() it:
 * POLLHUP when the kernel ejects the policy), else -ENOENT; -EINVAL for
 * NULL.  The handle keeps it: do not close it.
 */
LIBIOPF_API int iopf_policy_link_fd(const struct iopf_policy *p);

/* ---- what the kernel has attached (sysfs, /sys/kernel/iopf) ---- */

struct iopf_policy_info {
	size_t sz;		/* bytes of this struct the library filled */
	char name[IOPF_NAME_LEN];
	/*
	 * a device's name, "*" for all, "pasid:DEV_ID:PASID" (a PASID scope,
	 * PASID in decimal) or "fault:ID" (a fault-queue scope)
	 */
	char scope[IOPF_DEV_NAME_LEN];
	char state[16];			/* "live" or "ejected" */
	char mode[8];			/* "live" or "shadow" */
	unsigned long long order;	/* attach order */
	unsigned int link_id;
	/* decide() calls, answers obeyed, overridden, and not obeyed in shadow */
	unsigned long long calls, obeyed, overridden, shadowed;
	int tenant;		/* 1: a tenant's policy; 0: the host's (or a kernel without tenants) */
	long long uid;		/* the attacher's uid (initial namespace), -1 if unknown */
};

struct iopf_ejection_info {
	size_t sz;		/* bytes of this struct the library filled */
	unsigned int seq;
	unsigned long long time_ns;	/* CLOCK_REALTIME */
	char name[IOPF_NAME_LEN];
	char reason[32];
	char action[16];		/* the refused action, or "default" */
	char device[IOPF_DEV_NAME_LEN];	/* "" if none */
	unsigned int pasid;		/* 0: none */
	char msg[IOPF_MSG_LEN];		/* the policy's own reason, or "" */
};

/*
 * 0 if the running kernel has iopf-bpf (/sys/kernel/iopf), -ENOENT if
 * not, another -errno if it cannot be read (-EACCES).  Never blocks.
 */
LIBIOPF_API int iopf_kernel_check(void);

/*
 * The attached policies, in the order the kernel consults them (the
 * host's device-scoped ones, its global ones, then tenant policies of a
 * device, then of a fault queue), into @out: at most @max entries of @info_sz bytes each
 * (sizeof(struct iopf_policy_info) as the caller knows it; each entry's sz
 * says how much was filled).  Returns how many are attached (more than
 * @max: only @max were copied), or -EINVAL (NULL with @max > 0, @info_sz
 * too small), -ENOENT (no iopf-bpf in this kernel), -EACCES, another
 * -errno.  Reads sysfs; never blocks otherwise.
 */
LIBIOPF_API int iopf_list_policies(struct iopf_policy_info *out, unsigned int max,
				   size_t info_sz);

/*
 * One attached policy by name, with its counters (stats).  Errors:
 * -EINVAL (NULL, @info_sz too small), -ENOENT (no policy @name, or no
 * iopf-bpf: see iopf_kernel_check()), another -errno.
 */
LIBIOPF_API int iopf_get_policy(const char *name, struct iopf_policy_info *out,
				size_t info_sz);

/*
 * The kernel's recent ejections (it keeps the last 16), oldest first; with
 * more than @max, the latest @max, and @max is returned.  Otherwise as
 * iopf_list_policies().
 */
LIBIOPF_API int iopf_list_ejections(struct iopf_ejection_info *out, unsigned int max,
				    size_t info_sz);

/*
 * A global counter of the kernel ("requests", "responded_invalid", ...:
 * the files of /sys/kernel/iopf/stats/).  Errors: -EINVAL (NULL), -ENOENT
 * (no such counter, or no iopf-bpf), another -errno.
 */
LIBIOPF_API int iopf_global_stat(const char *key, long long *value);

/* What iopf_unload() did: bits of its non-negative return */
#define IOPF_UNLOAD_DETACHED	1	/* the policy was attached, and is detached */
#define IOPF_UNLOAD_PINS_KEPT	2	/* its pin directory holds files not ours: kept */
#define IOPF_UNLOAD_STALE_PINS	4	/* not attached (ejected): only its pins were removed */

/*
 * Detach the attached policy @name, whoever attached it (through the link
 * ID the kernel lists), and remove its pins under /sys/fs/bpf/iopf/NAME/
 * (files the library did not pin stay, and so does the directory then).
 * For a policy the kernel ejected, only its pins are removed.  Returns
 * IOPF_UNLOAD_* bits (never 0), or -EINVAL (NULL or a bad name), -ENOENT
 * (neither attached nor pinned), -EPERM (no privilege), another -errno.
 * May block briefly (the pins' lock).
 */
LIBIOPF_API int iopf_unload(const char *name);

#ifdef __cplusplus
}
#endif

#endif
