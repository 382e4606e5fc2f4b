// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * iopfctl stats NAME: the kernel's counters for one attached policy and,
 * for a policy iopfctl pinned, its own globals and maps read through BTF
 * from the pins; once, or with --watch every few seconds until Ctrl-C.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "iopf_kernel.h"
#include "iopfctl.h"

static void stats_once(const struct iopf_policy_info *p, const char *dir)
{
	struct dirent *de;
	struct json *j = NULL;
	char path[512];
	DIR *d;

	if (json_output) {
		j = json_new();
		json_begin_obj(j, NULL);
		print_policy_json(j, p);
		json_begin_obj(j, "counters");
	} else {
		printf("policy %s: scope %s, order %llu, %s%s\n", p->name, p->scope, p->order,
		       p->state, strcmp(p->mode, "shadow") ? "" : ", in shadow");
		printf("  decide   calls %llu, obeyed %llu, overridden %llu, shadowed %llu\n",
		       p->calls, p->obeyed, p->overridden, p->shadowed);
	}
	d = opendir(dir);
	/* Global counters first, then the maps */
	snprintf(path, sizeof(path), "%s/map_bss", dir);
	if (d && !access(path, F_OK))
		dump_pinned_map(path, "bss", j);
	if (j) {
		json_end_obj(j);
		json_begin_obj(j, "maps");
	}
	while (d && (de = readdir(d))) {
		if (strncmp(de->d_name, "map_", 4) || !strcmp(de->d_name, "map_bss"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		dump_pinned_map(path, de->d_name + 4, j);
	}
	if (d)
		closedir(d);
	else if (!j)
		printf("  (no pinned maps: loaded by another tool, or with --foreground)\n");
	if (j) {
		json_end_obj(j);
		json_end_obj(j);
		json_done(j);
	}
	fflush(stdout);
}

int cmd_stats(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "watch", required_argument, NULL, 'w' },
		{ }
	};
	struct iopf_policy_info p;
	char dir[256], *end;
	int watch = 0, status, i, c;

	while ((c = getopt_long(argc, argv, "w:", opts, NULL)) != -1) {
		switch (c) {
		case 'w':
			watch = strtol(optarg, &end, 10);
			if (*end || watch <= 0)
				return fail(EXIT_USAGE, "bad --watch '%s': expected seconds", optarg);
			break;
		default: return usage_error();
		}
	}
	i = optind;
	if (i != argc - 1)
		return usage_error();
	snprintf(dir, sizeof(dir), "%s/%s", IOPF_PIN_ROOT, argv[i]);
	signal(SIGINT, on_stop_signal);
	do {
		status = find_policy(argv[i], &p);
		if (status)
			return status;
		stats_once(&p, dir);
		if (watch > 0 && !stop_requested)
			sleep(watch);
	} while (watch > 0 && !stop_requested);
	return EXIT_OK;
}
