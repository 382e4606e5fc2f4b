// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * iopfctl: load, list, inspect and unload iopf-bpf policies.
 *
 * What is attached is always read from the kernel (sysfs), never from
 * the loader's own bookkeeping, so policies attached by bpftool or another
 * loader show up and can be unloaded here too.  A loaded policy outlives
 * iopfctl through its link pinned in IOPF_PIN_ROOT/NAME/.
 *
 * This file only finds the command and runs it: each command family is in
 * its own cmd_*.c, and what they share is in core.c.
 */
#include <stdio.h>
#include <string.h>

#include "iopfctl.h"

#ifndef IOPF_VERSION
#error "IOPF_VERSION: the build passes the VERSION file's"
#endif

static const struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	bool privileged;	/* check CAP_SYS_ADMIN before anything else */
	const char *args;	/* its usage, after its name */
} commands[] = {
	/* load and replace check it after their arguments */
	{ "load", cmd_load, false,
	  "NAME|FILE.bpf.o [--dev DEVICE] [--name NAME] [--set KEY=VALUE]... [--shadow] [--foreground|--dry-run]" },
	{ "replace", cmd_replace, false,
	  "NAME NAME|FILE.bpf.o [--dev DEVICE] [--set KEY=VALUE]... [--shadow] [--json]" },
	{ "list", cmd_list, false, "[--json]" },
	{ "stats", cmd_stats, true, "NAME [--json] [--watch SECONDS]" },
	{ "unload", cmd_unload, true, "NAME|--all" },
	{ "policies", cmd_policies, false, "[--json]" },
	{ }
};

int usage(FILE *f, int status)
{
	const struct command *c;

	for (c = commands; c->name; c++)
		fprintf(f, "%s iopfctl %s %s\n", c == commands ? "usage:" : "      ",
			c->name, c->args);
	fprintf(f, "       iopfctl help [COMMAND] | COMMAND --help | --version\n"
		"See iopfctl(8).\n");
	return status;
}

static const struct command *find_command(const char *name)
{
	const struct command *c;

	for (c = commands; c->name; c++)
		if (!strcmp(name, c->name))
			return c;
	return NULL;
}

/* One command's usage on stdout */
static int command_help(const struct command *c)
{
	printf("usage: iopfctl %s %s\nSee iopfctl(8).\n", c->name, c->args);
	return EXIT_OK;
}

static bool is_help(const char *arg)
{
	return !strcmp(arg, "-h") || !strcmp(arg, "--help");
}

int main(int argc, char **argv)
{
	const struct command *c;
	const char *cmd;
	int i, status;

	setup_libbpf_print();
	if (argc < 2)
		return usage(stderr, EXIT_USAGE);
	cmd = argv[1];
	if (!strcmp(cmd, "--version")) {
		printf("iopfctl %s\n", IOPF_VERSION);
		return EXIT_OK;
	}
	if (is_help(cmd) || (!strcmp(cmd, "help") && argc == 2))
		return usage(stdout, EXIT_OK);
	if (!strcmp(cmd, "help")) {
		c = argc == 3 ? find_command(argv[2]) : NULL;
		if (!c) {
			fail(EXIT_USAGE, "help: unknown command '%s'", argv[2]);
			return usage(stderr, EXIT_USAGE);
		}
		return command_help(c);
	}
	c = find_command(cmd);
	if (!c) {
		fail(EXIT_USAGE, "unknown command '%s'", cmd);
		return usage(stderr, EXIT_USAGE);
	}
	/* Help needs no privilege and no kernel */
	for (i = 2; i < argc; i++)
		if (is_help(argv[i]))
			return command_help(c);
	for (i = 2; i < argc; i++)
		if (!strcmp(argv[i], "--json") || !strcmp(argv[i], "-j"))
			json_output = true;

	if (c->privileged) {
		status = check_privilege();
		if (status)
			return status;
	}
	return c->run(argc - 1, argv + 1);
}
