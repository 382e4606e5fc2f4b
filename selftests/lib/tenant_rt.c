// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tenant_rt.h"

int rt_send_fd(int sock, int fd)
{
	char buf[CMSG_SPACE(sizeof(int))] = { 0 }, c = 0;
	struct iovec iov = { .iov_base = &c, .iov_len = 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = buf, .msg_controllen = sizeof(buf),
	};
	struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);

	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	return sendmsg(sock, &msg, 0) == 1 ? 0 : -1;
}

int rt_recv_fd(int sock)
{
	char buf[CMSG_SPACE(sizeof(int))], c;
	struct iovec iov = { .iov_base = &c, .iov_len = 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = buf, .msg_controllen = sizeof(buf),
	};
	struct cmsghdr *cm;
	int fd;

	if (recvmsg(sock, &msg, 0) != 1)
		return -1;
	cm = CMSG_FIRSTHDR(&msg);
	if (!cm || cm->cmsg_type != SCM_RIGHTS)
		return -1;
	memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	return fd;
}

int rt_tenant_enter(int sock, uid_t uid)
{
	gid_t gid = uid;
	char c = 0;
	int fs, mnt;

	if (setgroups(1, &gid) || setresgid(gid, gid, gid) ||
	    setresuid(uid, uid, uid))
		return -1;
	if (unshare(CLONE_NEWUSER | CLONE_NEWNS))
		return -1;
	/* The runtime maps us now */
	if (send(sock, &c, 1, 0) != 1 || recv(sock, &c, 1, 0) != 1)
		return -1;
	if (setresgid(0, 0, 0) || setresuid(0, 0, 0))
		return -1;
	/* A bpffs of our user namespace: a token needs one */
	fs = fsopen("bpf", FSOPEN_CLOEXEC);
	if (fs < 0)
		return -1;
	if (rt_send_fd(sock, fs)) {
		close(fs);
		return -1;
	}
	close(fs);
	mnt = rt_recv_fd(sock);
	if (mnt < 0)
		errno = EPROTO;
	return mnt;
}

int rt_delegated_bpffs(int fs)
{
	static const char * const opts[] = {
		"delegate_cmds", "delegate_maps", "delegate_progs",
		"delegate_attachs",
	};
	unsigned int i;

	for (i = 0; i < sizeof(opts) / sizeof(opts[0]); i++)
		if (fsconfig(fs, FSCONFIG_SET_STRING, opts[i], "any", 0))
			return -errno;
	if (fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0))
		return -errno;
	return fsmount(fs, FSMOUNT_CLOEXEC, 0);
}

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, text, strlen(text));
	close(fd);
	return n == (ssize_t)strlen(text) ? 0 : -EIO;
}

int rt_runtime_serve(int sock, pid_t pid, uid_t uid)
{
	char path[64], map[32], c;
	int fs, mnt, err;

	if (recv(sock, &c, 1, 0) != 1)
		return -EPROTO;
	snprintf(map, sizeof(map), "0 %u 1", (unsigned int)uid);
	snprintf(path, sizeof(path), "/proc/%d/setgroups", (int)pid);
	err = write_file(path, "deny");
	snprintf(path, sizeof(path), "/proc/%d/uid_map", (int)pid);
	err = err ?: write_file(path, map);
	snprintf(path, sizeof(path), "/proc/%d/gid_map", (int)pid);
	err = err ?: write_file(path, map);
	if (err)
		return err;
	if (send(sock, &c, 1, 0) != 1)
		return -EPROTO;
	fs = rt_recv_fd(sock);
	if (fs < 0)
		return -EPROTO;
	mnt = rt_delegated_bpffs(fs);
	close(fs);
	if (mnt < 0)
		return mnt;
	err = rt_send_fd(sock, mnt) ? -EPROTO : 0;
	close(mnt);
	return err;
}
