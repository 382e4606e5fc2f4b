// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Policies found by name: `iopfctl load NAME` (iopf_policy_open() of a
 * name) opens NAME.bpf.o from the
 * first directory of the search path that has it, so that a policy
 * installed as a file is loaded like a built-in one, with no change to
 * iopfctl.  The search path is the caller's (iopf_open_opts.policy_path),
 * else $IOPF_POLICY_PATH (directories separated by colons) if set, else two
 * directories found from where the running program (iopfctl) is, so that neither a build tree nor a PREFIX is compiled in:
 *
 *   DIR/bpf                        the build tree (build/iopfctl, build/user/iopfctl)
 *   DIR/../lib/iopf-bpf/policies   make install's (PREFIX/sbin/iopfctl)
 *
 * where DIR is the directory of /proc/self/exe.  A name no directory has
 * falls back to the copy built into the library (builtin.c), if there is one.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

int policy_dirs(const char *path, char dirs[][PATH_MAX], int max)
{
	static const char *const rel[] = { "bpf", "../lib/iopf-bpf/policies" };
	const char *env = path ? path : getenv("IOPF_POLICY_PATH");
	char exe[PATH_MAX], *slash;
	ssize_t len;
	int n = 0;
	size_t i;

	if (env) {
		while (*env && n < max) {
			len = strcspn(env, ":");
			/* An empty component is no directory (not ".": no surprise loads) */
			if (len && len < PATH_MAX) {
				memcpy(dirs[n], env, len);
				dirs[n++][len] = 0;
			}
			env += len + (env[len] == ':');
		}
		return n;
	}
	len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (len <= 0)
		return 0;
	exe[len] = 0;
	slash = strrchr(exe, '/');
	if (!slash)
		return 0;
	*slash = 0;
	for (i = 0; i < sizeof(rel) / sizeof(rel[0]) && n < max; i++)
		if (snprintf(dirs[n], PATH_MAX, "%s/%s", exe, rel[i]) < PATH_MAX)
			n++;
	return n;
}

int policy_file(const char *search, const char *name, char *path, size_t size)
{
	char dirs[POLICY_DIRS_MAX][PATH_MAX];
	int i, n;

	/* A name, not a path: no '/' can take the lookup out of the directories */
	if (!valid_name(name) || strchr(name, '/'))
		return -EINVAL;
	n = policy_dirs(search, dirs, POLICY_DIRS_MAX);
	for (i = 0; i < n; i++) {
		if (snprintf(path, size, "%s/%s.bpf.o", dirs[i], name) >= (int)size)
			continue;
		/* Whatever is there is the policy: a bad file fails as a path would */
		if (!access(path, F_OK))
			return 0;
	}
	return -ENOENT;
}

/* "DIR:DIR..." of the search path in @buf, for an error message */
const char *policy_path_text(const char *path, char *buf, size_t size)
{
	char dirs[POLICY_DIRS_MAX][PATH_MAX];
	size_t len = 0;
	int i, n = policy_dirs(path, dirs, POLICY_DIRS_MAX);

	buf[0] = 0;
	for (i = 0; i < n && len < size; i++)
		len += snprintf(buf + len, size - len, "%s%s", i ? ":" : "", dirs[i]);
	return n ? buf : "(no directory)";
}
