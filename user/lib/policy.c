// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * A policy's life in the library: opened from a name or a path, its
 * parameters and scope set, loaded, attached (pinned or not), replaced
 * into another policy's link, detached and closed.  iopfctl's load and
 * replace are these calls.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "internal.h"
#include "../iopf_ops_map.h"

bool valid_name(const char *s)
{
	size_t len = strlen(s);

	if (!len || len >= IOPF_OPS_NAME_LEN || !strcmp(s, ".") || !strcmp(s, ".."))
		return false;
	return strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.:") == len;
}

bool libiopf_is_name(const char *what)
{
	return !strchr(what, '/') && !strstr(what, ".o");
}

int libiopf_open_object(const char *what, const char *policy_path,
			const char *token_path, struct bpf_object **obj,
			char *from, size_t from_size)
{
	LIBBPF_OPTS(bpf_object_open_opts, opts, .bpf_token_path = token_path);
	const struct builtin *b = NULL;
	char found[PATH_MAX], dirs[1024];
	const char *file = what;
	struct stat st;
	size_t size;
	const void *elf;
	int err;

	*obj = NULL;
	/* A file in the search path first: an installed object beats the copy built in */
	if (libiopf_is_name(what)) {
		if (!policy_file(policy_path, what, found, sizeof(found))) {
			file = found;
		} else {
			b = builtin_find(what);
			if (!b) {
				libiopf_err("unknown policy '%s': not built in, and no %s.bpf.o in %s",
					    what, what, policy_path_text(policy_path, dirs, sizeof(dirs)));
				return -ENOENT;
			}
		}
	}
	if (from)
		snprintf(from, from_size, "%s", b ? "built-in" : file);
	libiopf_bpf_reason_clear();
	if (b) {
		opts.object_name = b->name;
		elf = b->elf_bytes(&size);
		*obj = bpf_object__open_mem(elf, size, &opts);
	} else {
		if (stat(file, &st)) {
			err = -errno;
			libiopf_err("%s: %s", file, strerror(-err));
			return err;
		}
		/* A FIFO would block the open; a directory is no object either */
		if (!S_ISREG(st.st_mode)) {
			libiopf_err("%s: not a regular file", file);
			return -ENOEXEC;
		}
		*obj = bpf_object__open_file(file, &opts);
	}
	if (!*obj) {
		err = -errno;
		libiopf_err("%s: not a BPF object file (%s)", file, libiopf_bpf_reason());
		return err == -ENOMEM ? err : -ENOEXEC;
	}
	if (!iopf_ops_map(*obj)) {
		bpf_object__close(*obj);
		*obj = NULL;
		libiopf_err("%s: no struct iopf_ops map in this object: not a policy", file);
		return -ENOMSG;
	}
	return 0;
}

int iopf_policy_open(const char *what, const struct iopf_open_opts *opts,
		     struct iopf_policy **out)
{
	const char *name, *token, *path;
	struct iopf_policy *p;
	int err;

	if (out)
		*out = NULL;
	if (!what || !out) {
		libiopf_err("iopf_policy_open: NULL argument");
		return -EINVAL;
	}
	err = OPTS_CHECK(opts, iopf_open_opts);
	if (err)
		return err;
	name = OPTS_GET(opts, name, NULL);
	token = OPTS_GET(opts, token_path, NULL);
	path = OPTS_GET(opts, policy_path, NULL);

	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->ops_fd = -1;
	p->iommufd = -1;
	p->ps = params_new();
	if (!p->ps) {
		err = -ENOMEM;
		goto fail;
	}
	p->step = STEP_OPEN;
	err = libiopf_open_object(what, path, token, &p->obj, NULL, 0);
	if (err)
		goto fail;
	err = name ? iopf_ops_set_str(p->obj, "name", name) : 0;
	if (!err && OPTS_GET(opts, shadow, false) &&
	    iopf_ops_set_bool(p->obj, "shadow", true)) {
		libiopf_err("%s has no shadow member in its iopf_ops: built for another kernel?", what);
		err = -ENOEXEC;
		goto fail;
	}
	if (!err)
		err = iopf_ops_get_str(p->obj, "name", p->name, sizeof(p->name));
	if (err || !valid_name(p->name)) {
		libiopf_err("bad policy name '%s': 1-%d of [A-Za-z0-9_.:-]",
			    name ? name : p->name, IOPF_OPS_NAME_LEN - 1);
		err = -EINVAL;
		goto fail;
	}
	p->step = STEP_NONE;
	*out = p;
	return 0;
fail:
	iopf_policy_close(p);
	return err;
}

int iopf_policy_set_param(struct iopf_policy *p, const char *key, const char *value)
{
	if (!p || !key || !value) {
		libiopf_err("iopf_policy_set_param: NULL argument");
		return -EINVAL;
	}
	if (p->loaded) {
		libiopf_err("%s: parameters are set before load", p->name);
		return -EBUSY;
	}
	return params_set(p->ps, p->obj, key, value);
}

/*
 * @err, from iopf_ops_kernel_has_tenant(), _fault_queue() or _pasid(), as the
 * caller's error: -EOPNOTSUPP if the kernel lacks @scope (its struct
 * iopf_ops has no @members), with a message; 0 if it has it
 */
static int kernel_scope_err(int err, const char *scope, const char *members)
{
	if (err == -EOPNOTSUPP || err == -ENOENT) {
		libiopf_err("this kernel has no %s scope: its struct iopf_ops has no %s members",
			    scope, members);
		return -EOPNOTSUPP;
	}
	if (err)
		libiopf_err("reading the kernel's BTF: %s", strerror(-err));
	return err;
}

int iopf_policy_set_scope(struct iopf_policy *p, const struct iopf_scope_opts *opts)
{
	enum iopf_scope kind;
	unsigned int fault_id, pasid;
	const char *dev;
	int err;

	if (!p || !opts) {
		libiopf_err("iopf_policy_set_scope: NULL argument");
		return -EINVAL;
	}
	err = OPTS_CHECK(opts, iopf_scope_opts);
	if (err)
		return err;
	if (p->loaded) {
		libiopf_err("%s: the scope is set before load", p->name);
		return -EBUSY;
	}
	kind = OPTS_GET(opts, scope, IOPF_SCOPE_DEFAULT);
	fault_id = OPTS_GET(opts, fault_id, 0);
	/* A queue's ID with another scope: the caller meant something else */
	if (fault_id && kind != IOPF_SCOPE_FAULT_QUEUE) {
		libiopf_err("a fault_id (%u) is for the fault-queue scope only", fault_id);
		return -EINVAL;
	}
	/* Read only from a caller that knows it (sz past it): else 0 */
	pasid = OPTS_GET(opts, pasid, 0);
	if (pasid && kind != IOPF_SCOPE_PASID) {
		libiopf_err("a pasid (%u) is for the PASID scope only (IOPF_SCOPE_PASID)", pasid);
		return -EINVAL;
	}
	switch (kind) {
	case IOPF_SCOPE_DEFAULT:
		return 0;
	case IOPF_SCOPE_GLOBAL:
		dev = "";
		break;
	case IOPF_SCOPE_DEVICE:
		dev = OPTS_GET(opts, dev_name, NULL);
		if (!dev || !*dev || strlen(dev) >= IOPF_DEV_NAME_LEN) {
			libiopf_err("bad device name '%s'", dev ? dev : "(null)");
			return -EINVAL;
		}
		break;
	case IOPF_SCOPE_TENANT:
		if (OPTS_GET(opts, iommufd, -1) < 0 || !OPTS_GET(opts, dev_id, 0)) {
			libiopf_err("a tenant scope needs an iommufd (>= 0) and a device ID (nonzero)");
			return -EINVAL;
		}
		/* Here, not at attach: a VMM learns it before loading anything */
		err = kernel_scope_err(iopf_ops_kernel_has_tenant(), "tenant",
				       "iommufd and dev_id");
		if (err)
			return err;
		/* The device is the scope: the object's dev_name, if any, does not apply */
		dev = "";
		break;
	case IOPF_SCOPE_FAULT_QUEUE:
		if (OPTS_GET(opts, iommufd, -1) < 0 || !fault_id) {
			libiopf_err("a fault-queue scope needs an iommufd (>= 0) and a fault queue ID (nonzero)");
			return -EINVAL;
		}
		/* One scope at a time, as the kernel wants it */
		if (OPTS_GET(opts, dev_id, 0) || OPTS_GET(opts, dev_name, NULL)) {
			libiopf_err("a fault-queue scope takes no %s: the queue is the scope",
				    OPTS_GET(opts, dev_id, 0) ? "device ID" : "device name");
			return -EINVAL;
		}
		err = kernel_scope_err(iopf_ops_kernel_has_fault_queue(), "fault-queue",
				       "iommufd and fault_id");
		if (err)
			return err;
		dev = "";
		break;
	case IOPF_SCOPE_PASID:
		if (OPTS_GET(opts, iommufd, -1) < 0 || !OPTS_GET(opts, dev_id, 0)) {
			libiopf_err("a PASID scope needs an iommufd (>= 0) and a device ID (nonzero) beside its pasid");
			return -EINVAL;
		}
		if (!pasid) {
			libiopf_err("a PASID scope needs a pasid (nonzero: PASID 0 is no PASID; the whole device is IOPF_SCOPE_TENANT)");
			return -EINVAL;
		}
		/* One scope at a time, as the kernel wants it (fault_id: refused above) */
		if (OPTS_GET(opts, dev_name, NULL)) {
			libiopf_err("a PASID scope takes no device name: its device is dev_id");
			return -EINVAL;
		}
		/* 6.12's BTF has the members too: its kernel refuses at attach */
		err = kernel_scope_err(iopf_ops_kernel_has_pasid(), "PASID",
				       "iommufd, dev_id and pasid");
		if (err)
			return err;
		dev = "";
		break;
	default:
		libiopf_err("unknown scope %d", (int)kind);
		return -EINVAL;
	}
	err = iopf_ops_set_str(p->obj, "dev_name", dev);
	if (err) {
		libiopf_err("%s: cannot set the scope in its iopf_ops: %s", p->name, strerror(-err));
		return err;
	}
	p->tenant = kind == IOPF_SCOPE_TENANT || kind == IOPF_SCOPE_FAULT_QUEUE ||
		    kind == IOPF_SCOPE_PASID;
	p->iommufd = p->tenant ? opts->iommufd : -1;
	p->dev_id = kind == IOPF_SCOPE_TENANT || kind == IOPF_SCOPE_PASID ? opts->dev_id : 0;
	p->fault_id = fault_id;
	p->pasid = pasid;
	p->scope_set = true;
	return 0;
}

int iopf_policy_load(struct iopf_policy *p)
{
	int err;

	if (!p) {
		libiopf_err("iopf_policy_load: NULL argument");
		return -EINVAL;
	}
	if (p->loaded) {
		libiopf_err("%s is loaded already", p->name);
		return -EALREADY;
	}
	p->step = STEP_LOAD;
	libiopf_bpf_reason_clear();
	if (bpf_object__load(p->obj)) {
		err = -errno;
		libiopf_err("loading %s failed: %s", p->name, libiopf_bpf_reason());
		return err ? err : -EINVAL;
	}
	p->loaded = true;
	p->step = STEP_MAPS;
	err = params_apply_maps(p->ps, p->obj);
	if (!err)
		p->step = STEP_NONE;
	return err;
}

/* The iopf_ops map is in SEC(".struct_ops.link"): a value does not register it */
static int check_link_map(const struct iopf_policy *p)
{
	if (bpf_map__map_flags(iopf_ops_map(p->obj)) & BPF_F_LINK)
		return 0;
	libiopf_err("%s: the iopf_ops map must be in SEC(\".struct_ops.link\")", p->name);
	return -EOPNOTSUPP;
}

/* @obj has one struct_ops map (its iopf_ops one): our value writer's limit */
static bool single_struct_ops_map(const struct bpf_object *obj)
{
	struct bpf_map *m;
	int n = 0;

	bpf_object__for_each_map(m, obj)
		n += bpf_map__type(m) == BPF_MAP_TYPE_STRUCT_OPS;
	return n == 1;
}

/* Write the kernel's value of the loaded iopf_ops map: its fd, or -errno */
static int write_value(struct iopf_policy *p)
{
	if (p->fault_id)
		return iopf_ops_write_kern_value_fault_queue(p->obj, p->iommufd, p->fault_id);
	if (p->pasid)
		return iopf_ops_write_kern_value_pasid(p->obj, p->iommufd, p->dev_id, p->pasid);
	return p->tenant ?
		iopf_ops_write_kern_value_tenant(p->obj, p->iommufd, p->dev_id) :
		iopf_ops_write_kern_value(p->obj);
}

int iopf_policy_validate(struct iopf_policy *p)
{
	int err;

	if (!p || !p->loaded) {
		libiopf_err("iopf_policy_validate: %s", p ? "not loaded" : "NULL argument");
		return -EINVAL;
	}
	p->step = STEP_VALUE;
	err = check_link_map(p);
	if (err)
		return err;
	/* Our writer takes one struct_ops map only: with more, not checked */
	err = single_struct_ops_map(p->obj) ? write_value(p) : 0;
	if (err < 0) {
		libiopf_err("the kernel refused %s: %s", p->name,
			    err == -EINVAL ? "it has no decide(), or a --dev the kernel does not take" :
			    strerror(-err));
		return err;
	}
	p->step = STEP_NONE;
	return 0;
}

/* Attach the object's programs other than struct_ops, each with its own link */
static int attach_programs(struct iopf_policy *p)
{
	struct bpf_program *prog;
	int err;

	p->step = STEP_PROGRAMS;
	bpf_object__for_each_program(prog, p->obj) {
		if (bpf_program__type(prog) == BPF_PROG_TYPE_STRUCT_OPS)
			continue;
		if (p->nr_links == 16) {
			libiopf_err("too many programs in %s", p->name);
			return -E2BIG;
		}
		libiopf_bpf_reason_clear();
		p->links[p->nr_links] = bpf_program__attach(prog);
		if (!p->links[p->nr_links]) {
			err = -errno;
			libiopf_err("attaching %s: %s", bpf_program__name(prog), libiopf_bpf_reason());
			return err;
		}
		p->nr_links++;
	}
	p->step = STEP_NONE;
	return 0;
}

/* Destroy the links this handle holds: what is not pinned detaches */
static void release_links(struct iopf_policy *p)
{
	while (p->nr_links)
		bpf_link__destroy(p->links[--p->nr_links]);
	bpf_link__destroy(p->ops_link);
	p->ops_link = NULL;
	if (p->ops_fd >= 0)
		close(p->ops_fd);
	p->ops_fd = -1;
}

/* The struct_ops link: libbpf's for a host scope, ours for a tenant, PASID or queue scope */
static int attach_ops(struct iopf_policy *p)
{
	const char *dev = "?";
	char buf[IOPF_DEV_NAME_LEN];
	int err, fd;

	p->step = STEP_ATTACH;
	if (p->tenant) {
		/* libbpf's value has no tenant members: ours, as libbpf would write it */
		err = check_link_map(p);
		if (err)
			return err;
		fd = single_struct_ops_map(p->obj) ? write_value(p) : -EINVAL;
		if (fd < 0) {
			libiopf_err("the kernel refused %s: %s", p->name, strerror(-fd));
			return fd;
		}
		p->ops_fd = bpf_link_create(fd, 0, BPF_STRUCT_OPS, NULL);
		err = p->ops_fd < 0 ? p->ops_fd : 0;
	} else {
		p->ops_link = bpf_map__attach_struct_ops(iopf_ops_map(p->obj));
		err = p->ops_link ? 0 : -errno;
	}
	if (!err)
		return 0;
	p->ops_fd = -1;
	if (!iopf_ops_get_str(p->obj, "dev_name", buf, sizeof(buf)) && *buf)
		dev = buf;
	switch (-err) {
	case ENODEV:
		libiopf_err("no device '%s' behind an IOMMU", p->tenant ? "(tenant)" : dev);
		break;
	case EEXIST:
		libiopf_err("a policy named '%s' is already attached", p->name);
		break;
	case EPERM:
	case EACCES:
		libiopf_err("attaching %s: permission denied", p->name);
		break;
	case EOPNOTSUPP:
		/* Its BTF has the member, but its iommufd attaches no PASID (6.12) */
		if (p->pasid)
			libiopf_err("attaching %s: this kernel has no PASID scope: its iommufd attaches no PASID (Linux 7.3 has it)",
				    p->name);
		else
			libiopf_err("%s: the iopf_ops map must be in SEC(\".struct_ops.link\")", p->name);
		break;
	default:
		libiopf_err("attaching %s: %s", p->name, strerror(-err));
	}
	return err;
}

int iopf_policy_attach(struct iopf_policy *p, const struct iopf_attach_opts *opts)
{
	char dir[256];
	int err, lock = -1;
	bool pin;

	if (!p) {
		libiopf_err("iopf_policy_attach: NULL argument");
		return -EINVAL;
	}
	err = OPTS_CHECK(opts, iopf_attach_opts);
	if (err)
		return err;
	if (p->ops_link || p->ops_fd >= 0) {
		libiopf_err("%s is attached already", p->name);
		return -EALREADY;
	}
	pin = OPTS_GET(opts, pin, false);
	if (!p->loaded) {
		err = iopf_policy_load(p);
		if (err)
			return err;
	}
	/* Attach and pin under the lock, which a second attach of this name waits for */
	if (pin)
		lock = pins_lock();
	err = attach_ops(p);
	if (!err)
		err = attach_programs(p);
	if (err || !pin)
		goto out;
	/*
	 * The name is ours now: pins under it are an earlier policy's, one
	 * the kernel ejected.  They go only now, so a failed attach keeps them.
	 */
	p->step = STEP_PIN;
	snprintf(dir, sizeof(dir), "%s/%s", IOPF_PIN_ROOT, p->name);
	remove_pins(dir, false, NULL);
	err = pin_all(p, dir);
	if (err) {
		remove_pins(dir, false, NULL);
		p->pin_dir[0] = 0;
		libiopf_err("pinning under %s: %s%s", dir, strerror(-err),
			    err == -ENOMEM ? "" : " (is bpffs mounted on /sys/fs/bpf?)");
	} else {
		p->step = STEP_NONE;
	}
out:
	if (err)
		release_links(p);
	pins_unlock(lock);
	return err;
}

/* The link of @old and the map behind it now */
static int open_old(const struct iopf_policy_info *old, int *link_fd, int *map_fd)
{
	struct bpf_link_info info = {};
	__u32 len = sizeof(info);
	int err;

	*map_fd = -1;
	*link_fd = bpf_link_get_fd_by_id(old->link_id);
	if (*link_fd < 0)
		goto gone;
	if (bpf_link_get_info_by_fd(*link_fd, &info, &len))
		goto error;
	if (!info.struct_ops.map_id) {
		libiopf_err("%s was detached while replacing it", old->name);
		return -ENOLINK;
	}
	*map_fd = bpf_map_get_fd_by_id(info.struct_ops.map_id);
	if (*map_fd >= 0)
		return 0;
gone:
	/* No such link or map any more; another error (ENOMEM) tells nothing of it */
	if (errno == ENOENT) {
		libiopf_err("%s was detached while replacing it", old->name);
		return -ENOLINK;
	}
error:
	err = -errno;
	libiopf_err("replacing %s: %s", old->name, strerror(-err));
	return err;
}

/* Swap the map behind @link_fd, if it is still @map_fd, the one seen before */
static int update_link(struct iopf_policy *p, const char *name, int link_fd, int map_fd)
{
	LIBBPF_OPTS(bpf_link_update_opts, opts, .flags = BPF_F_REPLACE);
	int err;

	p->step = STEP_VALUE;
	/* Without BPF_F_LINK the kernel would try to register it on its own */
	err = check_link_map(p);
	if (err)
		return err;
	opts.old_map_fd = map_fd;
	err = write_value(p);
	if (err == -EINVAL) {
		libiopf_err("the kernel refused %s: it has no decide(), or has a second struct_ops map", p->name);
		return err;
	} else if (err < 0) {
		libiopf_err("preparing %s: %s", p->name, strerror(-err));
		return err;
	}
	p->step = STEP_UPDATE;
	err = bpf_link_update(link_fd, err, &opts);
	switch (-err) {
	case 0:
		p->step = STEP_NONE;
		return 0;
	case ENOLINK:
		libiopf_err("%s was ejected or detached while replacing it", name);
		return -ENOLINK;
	case EPERM:
		/* Privilege was checked: the link holds another map than we saw */
		libiopf_err("%s was replaced by someone else meanwhile; nothing changed", name);
		return -EAGAIN;
	case EINVAL:
		libiopf_err("the kernel refused another scope for %s", name);
		return -EXDEV;
	default:
		libiopf_err("replacing %s: %s", name, strerror(-err));
		return err;
	}
}

int iopf_policy_replace(struct iopf_policy *p, const char *name)
{
	struct iopf_policy_info old;
	char dir[256], new_dev[IOPF_DEV_NAME_LEN] = "";
	int err, lock = -1, link_fd = -1, map_fd = -1;

	if (!p || !name) {
		libiopf_err("iopf_policy_replace: NULL argument");
		return -EINVAL;
	}
	if (strcmp(p->name, name)) {
		libiopf_err("replace keeps the name %s: the new policy's is %s", name, p->name);
		return -EINVAL;
	}
	if (p->ops_link || p->ops_fd >= 0 || p->nr_links) {
		libiopf_err("%s is attached already", p->name);
		return -EALREADY;
	}
	p->step = STEP_OLD_LINK;
	err = iopf_kernel_policy(name, &old);
	if (err) {
		libiopf_err(err == -ENOENT ? "no policy named '%s' is attached" :
			    "reading attached policies: %s", err == -ENOENT ? name : strerror(-err));
		return err;
	}
	if (strcmp(old.state, "live")) {
		libiopf_err("%s was ejected: unload it and load the new policy", name);
		return -ENOLINK;
	}
	/*
	 * A tenant's policy (scope a device, "pasid:DEV_ID:PASID" or
	 * "fault:ID") keeps its owner's scope, which only that owner's
	 * iommufd gives: not a name to copy
	 */
	if (old.tenant && !p->tenant) {
		p->step = STEP_SCOPE;
		libiopf_err("%s is a tenant's policy (scope %s, uid %lld): replace keeps the scope, which only its owner's tenant scope (IOPF_SCOPE_TENANT, IOPF_SCOPE_PASID or IOPF_SCOPE_FAULT_QUEUE) gives; unload it instead",
			    name, old.scope, old.uid);
		return -EXDEV;
	}
	/* Not loaded yet, and no scope set: the old one's */
	if (!p->loaded && !p->scope_set && strcmp(old.scope, "*"))
		iopf_ops_set_str(p->obj, "dev_name", old.scope);
	/* The map behind the link now: the update happens only if it still is */
	err = open_old(&old, &link_fd, &map_fd);
	if (err)
		goto out;
	if (!p->loaded) {
		err = iopf_policy_load(p);
		if (err)
			goto out;
	}
	if (!p->tenant &&
	    (iopf_ops_get_str(p->obj, "dev_name", new_dev, sizeof(new_dev)) ||
	     strcmp(*new_dev ? new_dev : "*", old.scope))) {
		p->step = STEP_SCOPE;
		libiopf_err("%s applies to %s, the new policy to %s: replace keeps the scope (unload and load to change it)",
			    name, strcmp(old.scope, "*") ? old.scope : "all devices",
			    *new_dev ? new_dev : "all devices");
		err = -EXDEV;
		goto out;
	}
	/* Its other programs first: until the update they run beside the old ones */
	err = attach_programs(p);
	if (err)
		goto out;
	/* An unload of NAME waits until its pins are the new ones, or comes first */
	lock = pins_lock();
	err = update_link(p, name, link_fd, map_fd);
	if (err)
		goto out;

	p->step = STEP_PIN;
	snprintf(dir, sizeof(dir), "%s/%s", IOPF_PIN_ROOT, name);
	/* The old policy's programs and maps: all but the link */
	remove_pins(dir, true, NULL);
	err = pin_all(p, dir);
	if (err) {
		/* The policy is in place; only what stats reads or the pins hold is not */
		libiopf_err("%s replaced, but pinning under %s failed: %s", name, dir, strerror(-err));
		goto out;
	}
	p->step = STEP_NONE;
out:
	if (err && p->step != STEP_PIN)
		release_links(p);
	pins_unlock(lock);
	if (link_fd >= 0)
		close(link_fd);
	if (map_fd >= 0)
		close(map_fd);
	return err;
}

int iopf_policy_detach(struct iopf_policy *p)
{
	bool attached;
	int lock;

	if (!p) {
		libiopf_err("iopf_policy_detach: NULL argument");
		return -EINVAL;
	}
	attached = p->ops_link || p->ops_fd >= 0 || p->nr_links;
	if (!attached) {
		libiopf_err("%s is not attached by this handle", p->name);
		return -ENOENT;
	}
	if (p->pin_dir[0]) {
		lock = pins_lock();
		remove_pins(p->pin_dir, false, NULL);
		pins_unlock(lock);
		p->pin_dir[0] = 0;
	}
	release_links(p);
	return 0;
}

void iopf_policy_close(struct iopf_policy *p)
{
	if (!p)
		return;
	release_links(p);
	bpf_object__close(p->obj);
	params_free(p->ps);
	free(p);
}

const char *iopf_policy_name(const struct iopf_policy *p)
{
	return p ? p->name : NULL;
}

int iopf_policy_link_fd(const struct iopf_policy *p)
{
	if (!p)
		return -EINVAL;
	if (p->ops_link)
		return bpf_link__fd(p->ops_link);
	return p->ops_fd >= 0 ? p->ops_fd : -ENOENT;
}
