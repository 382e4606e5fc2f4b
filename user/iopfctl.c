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
#include <unistd.h>

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
	  "NAME NAME|FILE.bpf.o [--dev DEVICE] [--set KEY=VALUE]... [--shadow]" },
	{ "list", cmd_list, false, "" },
	{ "show", cmd_show, false, "NAME" },
	{ "stats", cmd_stats, true, "NAME [--watch SECONDS]" },
	{ "unload", cmd_unload, true, "NAME|--all" },
	{ "policies", cmd_policies, false, "" },
	{ "inspect", cmd_inspect, false, "NAME|FILE.bpf.o" },
	{ "events", cmd_events, true, "[--count N]" },
	{ "top", cmd_top, true, "[--interval SECONDS] [--count N]" },
	{ }
};

static int json_help(void);

/* "NAME ARGS" of @c (its usage, after "iopfctl "), in @buf */
static const char *command_usage(const struct command *c, char buf[256])
{
	snprintf(buf, 256, "%s%s%s", c->name, *c->args ? " " : "", c->args);
	return buf;
}

int usage(FILE *f, int status)
{
	const struct command *c;
	char line[256];

	/* A command's own error: its usage line only */
	if (f == stderr && current_usage) {
		if (json_output)
			return fail(status, "usage: iopfctl %s", current_usage);
		fprintf(f, "usage: iopfctl %s\nSee iopfctl help.\n", current_usage);
		return status;
	}
	if (json_output && f == stderr)
		return fail(status, "usage: iopfctl COMMAND [ARGS]; see iopfctl help");
	if (json_output)
		return json_help();
	for (c = commands; c->name; c++)
		fprintf(f, "%s iopfctl %s\n", c == commands ? "usage:" : "      ",
			command_usage(c, line));
	fprintf(f, "       iopfctl help [COMMAND] | COMMAND --help | --version\n"
		"Options anywhere: --json (-j), --pretty (-p, JSON indented).\n"
		"See iopfctl(8).\n");
	return status;
}

int usage_error(void)
{
	return usage(stderr, EXIT_USAGE);
}

static const struct command *find_command(const char *name)
{
	const struct command *c;

	for (c = commands; c->name; c++)
		if (!strcmp(name, c->name))
			return c;
	return NULL;
}

/* {"command": NAME, "usage": "iopfctl NAME ARGS"} of @c */
static void command_json(struct json *j, const struct command *c)
{
	char line[256], full[272];

	snprintf(full, sizeof(full), "iopfctl %s", command_usage(c, line));
	json_begin_obj(j, NULL);
	json_str(j, "command", c->name);
	json_str(j, "usage", full);
	json_end_obj(j);
}

/* One command's usage on stdout */
static int command_help(const struct command *c)
{
	char line[256];
	struct json *j;

	if (!json_output) {
		printf("usage: iopfctl %s\nSee iopfctl(8).\n", command_usage(c, line));
		return EXIT_OK;
	}
	j = json_new();
	command_json(j, c);
	json_done(j);
	return EXIT_OK;
}

/* Help on stdout as JSON: every command's usage */
static int json_help(void)
{
	const struct command *c;
	struct json *j = json_new();

	json_begin_arr(j, NULL);
	for (c = commands; c->name; c++)
		command_json(j, c);
	json_end_arr(j);
	json_done(j);
	return EXIT_OK;
}

static bool is_help(const char *arg)
{
	return !strcmp(arg, "-h") || !strcmp(arg, "--help");
}

/* Take the options of every command (--json, -j, --pretty, -p) out of argv */
static int global_options(int argc, char **argv)
{
	int i, n = 1;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json") || !strcmp(argv[i], "-j")) {
			json_output = true;
		} else if (!strcmp(argv[i], "--pretty") || !strcmp(argv[i], "-p")) {
			json_output = true;
			json_pretty = true;
		} else {
			argv[n++] = argv[i];
		}
	}
	argv[n] = NULL;
	return n;
}

static int print_version(void)
{
	struct json *j;

	if (!json_output) {
		printf("iopfctl %s\n", IOPF_VERSION);
		return EXIT_OK;
	}
	j = json_new();
	json_begin_obj(j, NULL);
	json_str(j, "version", IOPF_VERSION);
	json_end_obj(j);
	json_done(j);
	return EXIT_OK;
}

static int run(int argc, char **argv)
{
	static char usage_line[256];
	const struct command *c;
	const char *cmd;
	int i, status;

	if (argc < 2)
		return usage(stderr, EXIT_USAGE);
	cmd = argv[1];
	if (!strcmp(cmd, "--version")) {
		if (argc > 2)
			return usage(stderr, EXIT_USAGE);
		return print_version();
	}
	if (is_help(cmd) || (!strcmp(cmd, "help") && argc == 2))
		return usage(stdout, EXIT_OK);
	if (!strcmp(cmd, "help")) {
		c = argc == 3 ? find_command(argv[2]) : NULL;
		if (!c)
			return usage(stderr, fail(EXIT_USAGE, "help: unknown command '%s'",
						  argv[2]));
		return command_help(c);
	}
	c = find_command(cmd);
	if (!c)
		return usage(stderr, fail(EXIT_USAGE, "unknown command '%s'", cmd));
	/* Help needs no privilege and no kernel */
	for (i = 2; i < argc; i++)
		if (is_help(argv[i]))
			return command_help(c);

	current_usage = command_usage(c, usage_line);
	if (c->privileged) {
		status = check_privilege();
		if (status)
			return status;
	}
	return c->run(argc - 1, argv + 1);
}

int main(int argc, char **argv)
{
	int status;

	setup_libbpf_print();
	argc = global_options(argc, argv);
	/* Our errors name a bad option; getopt's own line would be a second */
	opterr = !json_output;
	status = run(argc, argv);
	if (json_output && status)
		json_print_error();
	return status;
}
