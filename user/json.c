// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Just enough JSON for iopfctl's --json output, on stdout: compact, or
 * indented by two spaces with --pretty.
 */
#include <stdio.h>
#include <stdlib.h>

#include "iopfctl.h"

bool json_pretty;

#define JSON_MAX_DEPTH	16

struct json {
	int depth;
	bool first[JSON_MAX_DEPTH];
};

struct json *json_new(void)
{
	struct json *j = calloc(1, sizeof(*j));

	if (!j) {
		/* Nothing sensible to print: JSON output needs this much */
		fputs("iopfctl: out of memory\n", stderr);
		exit(EXIT_KERNEL_ERROR);
	}
	j->first[0] = true;
	return j;
}

void json_put_string(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			printf("\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			printf("\\u%04x", *s);
		else
			putchar(*s);
	}
	putchar('"');
}

static void indent(const struct json *j)
{
	if (json_pretty)
		printf("\n%*s", 2 * j->depth, "");
}

static void next(struct json *j, const char *key)
{
	if (!j->first[j->depth])
		putchar(',');
	if (j->depth)
		indent(j);
	j->first[j->depth] = false;
	if (key) {
		json_put_string(key);
		fputs(json_pretty ? ": " : ":", stdout);
	}
}

static void open_(struct json *j, const char *key, char c)
{
	next(j, key);
	putchar(c);
	if (j->depth < JSON_MAX_DEPTH - 1)
		j->first[++j->depth] = true;
}

static void close_(struct json *j, char c)
{
	bool empty = j->first[j->depth];

	j->depth--;
	if (!empty)
		indent(j);
	putchar(c);
}

void json_begin_obj(struct json *j, const char *key) { open_(j, key, '{'); }
void json_begin_arr(struct json *j, const char *key) { open_(j, key, '['); }
void json_end_obj(struct json *j) { close_(j, '}'); }
void json_end_arr(struct json *j) { close_(j, ']'); }

void json_str(struct json *j, const char *key, const char *value)
{
	next(j, key);
	json_put_string(value);
}

void json_num(struct json *j, const char *key, long long value)
{
	next(j, key);
	printf("%lld", value);
}

void json_unum(struct json *j, const char *key, unsigned long long value)
{
	next(j, key);
	printf("%llu", value);
}

/* @value with @decimals digits after the point */
void json_fixed(struct json *j, const char *key, double value, int decimals)
{
	next(j, key);
	printf("%.*f", decimals, value);
}

void json_bool(struct json *j, const char *key, bool value)
{
	next(j, key);
	fputs(value ? "true" : "false", stdout);
}

void json_null(struct json *j, const char *key)
{
	next(j, key);
	fputs("null", stdout);
}

void name_list_add(struct name_list *l, const char *name)
{
	if (l->n < (int)(sizeof(l->names) / sizeof(l->names[0])))
		snprintf(l->names[l->n++], sizeof(l->names[0]), "%s", name);
}

void json_name_list(struct json *j, const char *key, const struct name_list *l)
{
	int i;

	json_begin_arr(j, key);
	for (i = 0; i < l->n; i++)
		json_str(j, NULL, l->names[i]);
	json_end_arr(j);
}

void json_done(struct json *j)
{
	putchar('\n');
	fflush(stdout);
	free(j);
}
