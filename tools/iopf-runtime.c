// SPDX-License-Identifier: GPL-2.0
/*
 * iopf-runtime: run a program as a tenant, the way a container runtime
 * would set one up for tenant policies (docs/tenant.md).
 *
 *   iopf-runtime --uid UID -- PROGRAM [ARG]...
 *
 * PROGRAM runs as UID on the host, root in a user namespace of its own,
 * with
 *   LIBBPF_BPF_TOKEN_PATH  a bpffs of its namespace with every BPF command,
 *                          map, program and attach type delegated (libbpf
 *                          creates its token from it)
 *   IOPF_IOMMUFD           an open /dev/iommu, as a runtime passes a device
 * iopf-runtime waits for it and exits with its status (128 + signal if it
 * was killed), or 125 if it could not start it.  Needs root.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <signal.h>
#include <unistd.h>

#include "tenant_rt.h"

static int usage(void)
{
	fprintf(stderr, "usage: iopf-runtime --uid UID -- PROGRAM [ARG]...\n");
	return 125;
}

static void tenant(int sock, uid_t uid, char **argv)
{
	char path[32], fd[16];
	int mnt, iommufd;

	mnt = rt_tenant_enter(sock, uid);
	if (mnt < 0) {
		fprintf(stderr, "iopf-runtime: entering the namespace: %s\n",
			strerror(errno));
		_exit(125);
	}
	iommufd = rt_recv_fd(sock);
	if (iommufd < 0) {
		fprintf(stderr, "iopf-runtime: no iommufd from the runtime\n");
		_exit(125);
	}
	close(sock);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", mnt);
	snprintf(fd, sizeof(fd), "%d", iommufd);
	setenv("LIBBPF_BPF_TOKEN_PATH", path, 1);
	setenv("IOPF_IOMMUFD", fd, 1);
	execvp(argv[0], argv);
	fprintf(stderr, "iopf-runtime: %s: %s\n", argv[0], strerror(errno));
	_exit(125);
}

int main(int argc, char **argv)
{
	int sv[2], status, err, iommufd;
	char *end;
	long uid;
	pid_t pid;

	if (argc < 5 || strcmp(argv[1], "--uid") || strcmp(argv[3], "--"))
		return usage();
	errno = 0;
	uid = strtol(argv[2], &end, 10);
	if (errno || *end || uid <= 0 || uid > 65534)
		return usage();
	if (geteuid()) {
		fprintf(stderr, "iopf-runtime: needs root (it plays the container runtime)\n");
		return 125;
	}
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv))
		return 125;
	pid = fork();
	if (pid < 0)
		return 125;
	if (!pid) {
		close(sv[0]);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		tenant(sv[1], uid, argv + 4);
	}
	close(sv[1]);
	err = rt_runtime_serve(sv[0], pid, uid);
	iommufd = err ? -1 : open("/dev/iommu", O_RDWR | O_CLOEXEC);
	if (err || iommufd < 0 || rt_send_fd(sv[0], iommufd)) {
		fprintf(stderr, "iopf-runtime: setting the tenant up: %s\n",
			strerror(err ? -err : errno));
		kill(pid, SIGKILL);
	}
	close(sv[0]);
	if (iommufd >= 0)
		close(iommufd);
	if (waitpid(pid, &status, 0) < 0)
		return 125;
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}
