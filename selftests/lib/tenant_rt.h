/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A container runtime's part in tenant policies, and its tenant's: a
 * tenant process drops to an unprivileged uid in a user namespace of its
 * own; the runtime (root on the host) maps it and makes it a bpffs with
 * BPF token delegation.  Shared by selftests/iopf/tenant.c and
 * tools/iopf-runtime.c; docs/tenant.md explains the steps.
 */
#ifndef TENANT_RT_H
#define TENANT_RT_H

#include <sys/types.h>

/* One fd over a unix socket (SCM_RIGHTS): 0 or -1 */
int rt_send_fd(int sock, int fd);
/* The fd received, or -1 */
int rt_recv_fd(int sock);

/*
 * The tenant's side, in a fresh child: drop to @uid for good, unshare a
 * user and a mount namespace, wait for the runtime's mapping, become root
 * in the namespace, open a bpffs there and send it to the runtime.  Returns
 * the delegated bpffs' mount fd (for the token: /proc/self/fd/N), or -1
 * with errno set.
 */
int rt_tenant_enter(int sock, uid_t uid);

/*
 * The runtime's side, for the child @pid that called rt_tenant_enter():
 * map its root to @uid, delegate every BPF command, map, program and
 * attach type on the bpffs it sends, and send back the mount.  0, or
 * -errno.
 */
int rt_runtime_serve(int sock, pid_t pid, uid_t uid);

/* A bpffs with every command, map, program and attach type delegated */
int rt_delegated_bpffs(int fs);

#endif
