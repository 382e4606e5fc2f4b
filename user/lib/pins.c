// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Pins: a policy outlives the process that attached it through its links
 * and maps pinned in IOPF_PIN_ROOT/NAME/ (iopfctl's layout, which its
 * stats, events and unload read): link (the struct_ops link), link_N (the
 * other programs'), map_NAME (.bss, .data and the named maps).  And
 * iopf_unload(), which detaches a policy by the link ID the kernel lists
 * and removes those pins.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "internal.h"

int pins_lock(void)
{
	int fd;

	if (mkdir(IOPF_PIN_ROOT, 0700) && errno != EEXIST)
		return -1;
	fd = open(IOPF_PIN_ROOT, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	/* Without it (ENOMEM) only the races it keeps out are back */
	if (fd >= 0 && flock(fd, LOCK_EX)) {
		close(fd);
		fd = -1;
	}
	return fd;
}

void pins_unlock(int fd)
{
	if (fd >= 0)
		close(fd);
}

int pin_all(struct iopf_policy *p, const char *dir)
{
	char path[512];
	struct bpf_map *map;
	int i;

	if (mkdir(IOPF_PIN_ROOT, 0700) && errno != EEXIST)
		return -errno;
	/*
	 * It may exist: replace adds to the directory of the link it updated,
	 * and files we did not pin survive remove_pins()
	 */
	if (mkdir(dir, 0700) && errno != EEXIST)
		return -errno;
	snprintf(path, sizeof(path), "%s/link", dir);
	if (p->ops_link && bpf_link__pin(p->ops_link, path))
		return -errno;
	if (p->ops_fd >= 0 && bpf_obj_pin(p->ops_fd, path))
		return -errno;
	for (i = 0; i < p->nr_links; i++) {
		snprintf(path, sizeof(path), "%s/link_%d", dir, i);
		if (bpf_link__pin(p->links[i], path))
			return -errno;
	}
	/* The policy's own maps and counters, for `iopfctl stats` */
	bpf_object__for_each_map(map, p->obj) {
		const char *name = bpf_map__name(map);
		const char *dot = strrchr(name, '.');

		if (bpf_map__type(map) == BPF_MAP_TYPE_STRUCT_OPS ||
		    (dot && strcmp(dot, ".bss") && strcmp(dot, ".data")))
			continue;
		snprintf(path, sizeof(path), "%s/map_%s", dir, dot ? dot + 1 : name);
		if (bpf_map__pin(map, path))
			return -errno;
	}
	snprintf(p->pin_dir, sizeof(p->pin_dir), "%s", dir);
	return 0;
}

/* The names pin_all() gives: link, link_N, map_NAME */
static bool own_pin(const char *name, bool keep_link)
{
	if (!strcmp(name, "link"))
		return !keep_link;
	return !strncmp(name, "link_", 5) || !strncmp(name, "map_", 4);
}

int remove_pins(const char *dir, bool keep_link, bool *kept)
{
	char path[512];
	struct dirent *de;
	int removed = 0;
	DIR *d = opendir(dir);

	while (d && (de = readdir(d))) {
		if (!own_pin(de->d_name, keep_link))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		removed += !unlink(path);
	}
	if (d)
		closedir(d);
	/* What someone else put there stays, and so does the directory */
	if (!keep_link && rmdir(dir) && errno != ENOENT && kept)
		*kept = true;
	return removed;
}

const char *pinned_link(const char *name, char buf[256])
{
	snprintf(buf, 256, "%s/%s/link", IOPF_PIN_ROOT, name);
	return access(buf, F_OK) ? NULL : buf;
}

int libiopf_unload_locked(const char *name)
{
	struct iopf_policy_info info;
	char dir[256];
	bool kept = false;
	int fd, err, removed;

	err = iopf_kernel_policy(name, &info);
	snprintf(dir, sizeof(dir), "%s/%s", IOPF_PIN_ROOT, name);
	if (err == -ENOENT) {
		/* Ejected and gone from the kernel's list: its pins may be left */
		removed = remove_pins(dir, false, &kept);
		/* None, or nothing of ours: someone else's directory */
		if (!removed) {
			libiopf_err("no policy named '%s' is attached", name);
			return -ENOENT;
		}
		return IOPF_UNLOAD_STALE_PINS | (kept ? IOPF_UNLOAD_PINS_KEPT : 0);
	}
	if (err) {
		libiopf_err("reading attached policies: %s", strerror(-err));
		return err;
	}
	err = 0;
	fd = bpf_link_get_fd_by_id(info.link_id);
	if (fd < 0 || bpf_link_detach(fd))
		err = -errno;
	if (fd >= 0)
		close(fd);
	/* Pinned links of its other programs go with the pins */
	remove_pins(dir, false, &kept);
	if (err && err != -ENOENT) {
		libiopf_err("detaching %s: %s", name, strerror(-err));
		return err;
	}
	return IOPF_UNLOAD_DETACHED | (kept ? IOPF_UNLOAD_PINS_KEPT : 0);
}

int iopf_unload(const char *name)
{
	int lock, ret;

	if (!name || !valid_name(name)) {
		libiopf_err("bad policy name '%s'", name ? name : "(null)");
		return -EINVAL;
	}
	/* A replace of NAME finishes its pins first, or sees NAME gone */
	lock = pins_lock();
	ret = libiopf_unload_locked(name);
	pins_unlock(lock);
	return ret;
}
