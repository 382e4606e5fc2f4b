// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Print a policy's pinned map by its BTF: global counters (.bss) as
 * name = value, other maps as key => value in C-like notation, or, in
 * JSON, each key and value as JSON values (integers as numbers, char
 * arrays as strings, arrays as arrays, structs and unions as objects).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>

#include "iopfctl.h"

struct strbuf {
	char s[1024];
	size_t len;
};

static void strbuf_printf(void *ctx, const char *fmt, va_list ap)
{
	struct strbuf *b = ctx;

	if (b->len < sizeof(b->s))
		b->len += vsnprintf(b->s + b->len, sizeof(b->s) - b->len, fmt, ap);
}

/*
 * libbpf 1.5 prints char arrays as ['i','o',...] and casts every scalar:
 * show strings as "io..." and drop the scalar casts.
 */
static void tidy(const char *in, char *out, size_t size)
{
	size_t o = 0;

	while (*in && o + 2 < size) {
		const char *close = *in == '(' ? strchr(in, ')') : NULL;

		if (close && !strncmp(in, "(char[", 6) && close[1] == '[') {
			out[o++] = '"';
			for (in = close + 2; *in && *in != ']' && o + 2 < size; in++)
				if (in[0] == '\'' && in[1] && in[2] == '\'') {
					out[o++] = in[1];
					in += 2;
				}
			out[o++] = '"';
			in += *in == ']';
			continue;
		}
		/* (scalar type)value: keep the value */
		if (close && close - in < 24 && !memchr(in, '{', close - in) &&
		    strncmp(in, "(struct", 7) && strncmp(in, "(union", 6) &&
		    (close[1] == '-' || (close[1] >= '0' && close[1] <= '9'))) {
			in = close + 1;
			continue;
		}
		out[o++] = *in++;
	}
	out[o] = 0;
}

/* Format into @out through @b, the buffer @d prints to */
static void format(struct btf_dump *d, struct strbuf *b, __u32 type_id,
		   const void *data, size_t size, char *out, size_t out_size)
{
	LIBBPF_OPTS(btf_dump_type_data_opts, opts, .compact = true);

	b->len = 0;
	b->s[0] = 0;
	if (btf_dump__dump_type_data(d, type_id, data, size, &opts) < 0)
		snprintf(b->s, sizeof(b->s), "?");
	/* Compact output still carries tabs and newlines in places */
	for (char *p = b->s; *p; p++)
		if (*p == '\n' || *p == '\t')
			*p = ' ';
	tidy(b->s, out, out_size);
}

/* Bits [@off, @off + @bits) of the little-endian integer at @p as a u64 */
static unsigned long long read_bits(const unsigned char *p, __u32 off, __u32 bits)
{
	unsigned long long v = 0;
	__u32 i;

	for (i = 0; i < bits; i++)
		if (p[(off + i) / 8] & (1u << ((off + i) % 8)))
			v |= 1ULL << i;
	return v;
}

/* An integer of BTF @t, @bits wide at bit @off of @p, as a JSON number */
static void json_btf_int(struct json *j, const char *key, const struct btf_type *t,
			 const unsigned char *p, __u32 off, __u32 bits)
{
	unsigned long long v = read_bits(p, off, bits);
	bool is_signed = btf_is_int(t) ? btf_int_encoding(t) & BTF_INT_SIGNED :
			 btf_is_enum(t) || btf_is_enum64(t) ? btf_kflag(t) : false;

	if (btf_is_int(t) && (btf_int_encoding(t) & BTF_INT_BOOL)) {
		json_bool(j, key, v);
		return;
	}
	if (is_signed && bits < 64 && (v & (1ULL << (bits - 1))))
		v |= ~0ULL << bits;
	if (is_signed)
		json_num(j, key, (long long)v);
	else
		json_unum(j, key, v);
}

/* The value of BTF type @id at @data as a JSON value */
static void json_btf(struct json *j, const char *key, const struct btf *btf,
		     __u32 id, const unsigned char *data, int depth)
{
	const struct btf_type *t = btf__type_by_id(btf, btf__resolve_type(btf, id));
	__u32 i;

	if (!t || depth > 8) {
		json_null(j, key);
		return;
	}
	if (btf_is_int(t)) {
		__u32 bits = btf_int_bits(t);

		if (bits > 64) {	/* __int128: two halves as a hex string */
			char hex[40];

			snprintf(hex, sizeof(hex), "0x%016llx%016llx",
				 *(const unsigned long long *)(data + 8),
				 *(const unsigned long long *)data);
			json_str(j, key, hex);
			return;
		}
		json_btf_int(j, key, t, data, btf_int_offset(t), bits);
	} else if (btf_is_enum(t) || btf_is_enum64(t) || btf_is_ptr(t)) {
		json_btf_int(j, key, t, data, 0, 8 * (btf_is_ptr(t) ? 8 : t->size));
	} else if (btf_is_array(t)) {
		const struct btf_array *a = btf_array(t);
		const struct btf_type *et = btf__type_by_id(btf, btf__resolve_type(btf, a->type));
		__s64 esize = btf__resolve_size(btf, a->type);

		if (esize <= 0) {
			json_null(j, key);
			return;
		}
		/* char[N]: a string, to its first NUL */
		if (et && btf_is_int(et) && esize == 1 &&
		    (btf_int_encoding(et) & BTF_INT_CHAR ||
		     !strcmp(btf__name_by_offset(btf, et->name_off), "char"))) {
			char s[512];

			snprintf(s, sizeof(s), "%.*s", (int)a->nelems, (const char *)data);
			json_str(j, key, s);
			return;
		}
		json_begin_arr(j, key);
		for (i = 0; i < a->nelems; i++)
			json_btf(j, NULL, btf, a->type, data + i * esize, depth + 1);
		json_end_arr(j);
	} else if (btf_is_composite(t)) {
		const struct btf_member *m = btf_members(t);

		json_begin_obj(j, key);
		for (i = 0; i < btf_vlen(t); i++, m++) {
			const char *name = btf__name_by_offset(btf, m->name_off);
			__u32 off = btf_member_bit_offset(t, i);
			__u32 bits = btf_member_bitfield_size(t, i);
			char anon[16];

			if (!name || !*name) {
				snprintf(anon, sizeof(anon), "_%u", i);
				name = anon;
			}
			if (bits) {
				json_btf_int(j, name, btf__type_by_id(btf, btf__resolve_type(btf, m->type)),
					     data, off, bits);
				continue;
			}
			json_btf(j, name, btf, m->type, data + off / 8, depth + 1);
		}
		json_end_obj(j);
	} else {
		json_null(j, key);	/* float, func: none in our maps */
	}
}

static long long read_int(const void *p, __u32 size)
{
	switch (size) {
	case 1: return *(const __u8 *)p;
	case 2: return *(const __u16 *)p;
	case 4: return *(const __u32 *)p;
	default: return *(const long long *)p;
	}
}

static void dump_globals(const struct btf *btf, const struct btf_type *sec,
			 const char *value, struct json *j)
{
	const struct btf_var_secinfo *vs = btf_var_secinfos(sec);
	int i;

	for (i = 0; i < btf_vlen(sec); i++, vs++) {
		const struct btf_type *var = btf__type_by_id(btf, vs->type);
		const char *name = btf__name_by_offset(btf, var->name_off);
		long long v = read_int(value + vs->offset, vs->size);

		if (j)
			json_num(j, name, v);
		else
			printf("  %-24s %lld\n", name, v);
	}
}

int dump_pinned_map(const char *path, const char *label, struct json *j)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);
	struct btf_dump *d = NULL;
	struct btf *btf = NULL;
	void *key = NULL, *next = NULL, *value = NULL;
	struct strbuf buf;
	char ks[512], vs[512];
	int fd, err = 0, ncpu = 1;

	fd = bpf_obj_get(path);
	if (fd < 0 || bpf_map_get_info_by_fd(fd, &info, &len) || !info.btf_id) {
		err = -errno;
		goto out;
	}
	btf = btf__load_from_kernel_by_id(info.btf_id);
	if (!btf) {
		err = -errno;
		goto out;
	}
	if (info.type == BPF_MAP_TYPE_PERCPU_ARRAY || info.type == BPF_MAP_TYPE_PERCPU_HASH)
		ncpu = libbpf_num_possible_cpus();
	key = calloc(1, info.key_size);
	next = calloc(1, info.key_size);
	value = calloc(ncpu, (info.value_size + 7) & ~7u);
	d = btf_dump__new(btf, strbuf_printf, &buf, NULL);
	if (!key || !next || !value || !d) {
		err = -ENOMEM;
		goto out;
	}

	if (btf_is_datasec(btf__type_by_id(btf, info.btf_value_type_id))) {
		if (!bpf_map_lookup_elem(fd, key, value))
			dump_globals(btf, btf__type_by_id(btf, info.btf_value_type_id), value, j);
		goto out;
	}

	if (j)
		json_begin_arr(j, label);
	else
		printf("  %s:\n", label);
	for (bool first = true; !bpf_map_get_next_key(fd, first ? NULL : key, next);
	     first = false) {
		memcpy(key, next, info.key_size);
		if (bpf_map_lookup_elem(fd, key, value))
			continue;
		/* Per-CPU 64-bit counters: their sum */
		if (ncpu > 1 && info.value_size == 8)
			for (int c = 1; c < ncpu; c++)
				((__u64 *)value)[0] += ((__u64 *)value)[c];
		format(d, &buf, info.btf_key_type_id, key, info.key_size, ks, sizeof(ks));
		format(d, &buf, info.btf_value_type_id, value, info.value_size, vs, sizeof(vs));
		if (j) {
			json_begin_obj(j, NULL);
			json_btf(j, "key", btf, info.btf_key_type_id, key, 0);
			json_btf(j, "value", btf, info.btf_value_type_id, value, 0);
			json_end_obj(j);
		} else {
			printf("    %s => %s\n", ks, vs);
		}
	}
	if (j)
		json_end_arr(j);
out:
	btf_dump__free(d);
	btf__free(btf);
	free(key);
	free(next);
	free(value);
	if (fd >= 0)
		close(fd);
	return err;
}
