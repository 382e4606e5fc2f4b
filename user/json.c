// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Just enough JSON for iopfctl's --json output, on stdout */
#include <stdio.h>
#include <stdlib.h>

#include "iopfctl.h"

struct json {
	int depth;
	bool first[16];
};

struct json *json_new(void)
{
	struct json *j = calloc(1, sizeof(*j));

	if (j)
		j->first[0] = true;
	return j;
}

static void put_string(const char *s)
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

static void next(struct json *j, const char *key)
{
	if (!j->first[j->depth])
		putchar(',');
	j->first[j->depth] = false;
	if (key) {
		put_string(key);
		putchar(':');
	}
}

static void open_(struct json *j, const char *key, char c)
{
	next(j, key);
	putchar(c);
	if (j->depth < 15)
		j->first[++j->depth] = true;
}

void json_begin_obj(struct json *j, const char *key) { open_(j, key, '{'); }
void json_begin_arr(struct json *j, const char *key) { open_(j, key, '['); }

void json_end_obj(struct json *j)
{
	putchar('}');
	j->depth--;
}

void json_end_arr(struct json *j)
{
	putchar(']');
	j->depth--;
}

void json_str(struct json *j, const char *key, const char *value)
{
	next(j, key);
	put_string(value);
}

void json_num(struct json *j, const char *key, long long value)
{
	next(j, key);
	printf("%lld", value);
}

void json_done(struct json *j)
{
	putchar('\n');
	free(j);
}
