// SPDX-License-Identifier: GPL-2.0
/*
 * fail-nth: run a command with its nth fault-injection point failing, and
 * say whether it got that far.
 *
 *   fail-nth [-r FILE] N COMMAND [ARG...]
 *
 * The command's task gets N in /proc/thread-self/fail-nth just before its
 * execve, so the count includes the execve, the dynamic loader and libc's
 * start (fail-nth survives execve; a fork starts at 0).  Address space
 * randomization is off, so that those take the same points on every run.
 * With failslab's ignore-gfp-wait off, the nth slab allocation fails.
 *
 * Exits with the command's status, or 128 + the signal that killed it.
 * -r FILE gets one line: "injected" if the nth point failed, or
 * "passed M" if the command passed only M < N points.  It is read from the
 * command's /proc entry while it is a zombie, after its exit.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/personality.h>
#include <sys/wait.h>

static int usage(void)
{
	fprintf(stderr, "usage: fail-nth [-r FILE] N COMMAND [ARG...]\n");
	return 2;
}

int main(int argc, char **argv)
{
	const char *report = NULL;
	unsigned long nth, left;
	char path[64], buf[32], *end;
	siginfo_t si = {};
	int fd, status, n, c;
	pid_t pid;
	FILE *f;

	while ((c = getopt(argc, argv, "+r:")) != -1) {
		if (c != 'r')
			return usage();
		report = optarg;
	}
	if (argc - optind < 2)
		return usage();
	nth = strtoul(argv[optind], &end, 10);
	if (*end || !nth)
		return usage();

	pid = fork();
	if (pid < 0) {
		perror("fail-nth: fork");
		return 125;
	}
	if (!pid) {
		personality(ADDR_NO_RANDOMIZE);
		fd = open("/proc/thread-self/fail-nth", O_WRONLY | O_CLOEXEC);
		n = snprintf(buf, sizeof(buf), "%lu", nth);
		if (fd < 0 || write(fd, buf, n) != n) {
			perror("fail-nth: /proc/thread-self/fail-nth");
			_exit(125);
		}
		/* From here on every injection point counts */
		execvp(argv[optind + 1], argv + optind + 1);
		_exit(127);
	}

	/* Exited, not reaped: its fail-nth says what is left of N */
	if (waitid(P_PID, pid, &si, WEXITED | WNOWAIT)) {
		perror("fail-nth: waitid");
		return 125;
	}
	snprintf(path, sizeof(path), "/proc/%d/task/%d/fail-nth", pid, pid);
	fd = open(path, O_RDONLY);
	n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
	if (fd >= 0)
		close(fd);
	if (n <= 0) {
		perror(path);
		return 125;
	}
	buf[n] = 0;
	left = strtoul(buf, NULL, 10);
	if (report) {
		f = fopen(report, "w");
		if (!f) {
			perror(report);
			return 125;
		}
		if (left)
			fprintf(f, "passed %lu\n", nth - left);
		else
			fprintf(f, "injected\n");
		fclose(f);
	}

	if (waitpid(pid, &status, 0) != pid) {
		perror("fail-nth: waitpid");
		return 125;
	}
	return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
}
