// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * iopfctl: load, list, inspect and unload iopf-bpf policies.
 *
 * What is attached is always read from the kernel (debugfs), never from
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

static const struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	bool privileged;	/* check CAP_SYS_ADMIN before anything else */
} commands[] = {
	{ "load", cmd_load, false },	/* checks it after its arguments */
	{ "list", cmd_list, true },
	{ "stats", cmd_stats, true },
	{ "replace", cmd_replace, false },	/* like load */
	{ "unload", cmd_unload, true },
	{ "policies", cmd_policies, false },
	{ }
};

int usage(FILE *f, int status)
{
	fprintf(f,
		"usage: iopfctl load NAME|FILE.bpf.o [--dev DEVICE] [--name NAME] [--set KEY=VALUE]... [--shadow] [--foreground|--dry-run]\n"
		"       iopfctl replace NAME NAME|FILE.bpf.o [--dev DEVICE] [--set KEY=VALUE]... [--shadow] [--json]\n"
		"       iopfctl list [--json]\n"
		"       iopfctl stats NAME [--json] [--watch SECONDS]\n"
		"       iopfctl unload NAME|--all\n"
		"       iopfctl policies [--json]\n"
		"See iopfctl(8).\n");
	return status;
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
	if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help") || !strcmp(cmd, "help"))
		return usage(stdout, EXIT_OK);
	for (i = 2; i < argc; i++)
		if (!strcmp(argv[i], "--json") || !strcmp(argv[i], "-j"))
			json_output = true;

	for (c = commands; c->name; c++) {
		if (strcmp(cmd, c->name))
			continue;
		if (c->privileged) {
			status = check_privilege();
			if (status)
				return status;
		}
		return c->run(argc - 1, argv + 1);
	}
	fail(EXIT_USAGE, "unknown command '%s'", cmd);
	return usage(stderr, EXIT_USAGE);
}
