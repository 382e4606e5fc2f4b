// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * iopfctl inspect NAME|FILE.bpf.o: what a policy object offers, read from
 * its BTF without loading it (no privilege, no iopf-bpf kernel needed):
 * the callbacks of struct iopf_ops it implements, the parameters --set
 * takes (.rodata and .data globals with their defaults, and the maps keyed
 * by struct iopf_match), the counters stats shows (.bss), and the other
 * programs load attaches beside the policy.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "iopf_ops_map.h"
#include "iopfctl.h"

/* The type @id names, modifiers dropped: "__u64", "bool", "struct x", "char[16]" */
static const char *type_name(const struct btf *btf, __u32 id, char *buf, size_t size)
{
	const struct btf_type *t = btf__type_by_id(btf, id);
	const char *kind = "";
	char elem[64];

	while (t && (btf_is_const(t) || btf_is_volatile(t) || btf_is_restrict(t) ||
		     btf_is_type_tag(t))) {
		id = t->type;
		t = btf__type_by_id(btf, id);
	}
	if (!t)
		return "?";
	if (btf_is_array(t)) {
		snprintf(buf, size, "%s[%u]",
			 type_name(btf, btf_array(t)->type, elem, sizeof(elem)),
			 btf_array(t)->nelems);
		return buf;
	}
	if (btf_is_ptr(t))
		return "pointer";
	if (btf_is_struct(t))
		kind = "struct ";
	else if (btf_is_union(t))
		kind = "union ";
	else if (btf_is_any_enum(t))
		kind = "enum ";
	snprintf(buf, size, "%s%s", kind,
		 t->name_off ? btf__name_by_offset(btf, t->name_off) : "(anonymous)");
	return buf;
}

/*
 * The initial value at @data of a variable of type @t (resolved): false if
 * it is no number, which --set cannot set
 */
static bool var_default(const struct btf_type *t, const void *data,
			bool *is_bool, long long *sval, unsigned long long *uval,
			bool *is_signed)
{
	unsigned long long v = 0;

	if (!t || !(btf_is_int(t) || btf_is_any_enum(t)) || t->size > 8)
		return false;
	memcpy(&v, data, t->size);	/* little endian */
	*is_bool = btf_is_int(t) && (btf_int_encoding(t) & BTF_INT_BOOL);
	*is_signed = (btf_is_int(t) && (btf_int_encoding(t) & BTF_INT_SIGNED)) ||
		     (btf_is_any_enum(t) && btf_kflag(t));
	*uval = v;
	if (*is_signed && t->size < 8 && (v >> (t->size * 8 - 1)) & 1)
		v |= ~0ULL << (t->size * 8);	/* sign-extend */
	*sval = (long long)v;
	return true;
}

/* Each variable of section @sec, as a parameter (@settable) or a counter */
static int list_vars(struct json *j, const struct bpf_object *obj,
		     const char *sec, bool settable)
{
	const struct btf *btf = bpf_object__btf(obj);
	struct bpf_map *map = data_map(obj, sec);
	const struct btf_var_secinfo *vs;
	const struct btf_type *datasec, *var, *t;
	unsigned long long uval;
	bool is_bool, is_signed;
	char type[96], def[32];
	const void *data;
	long long sval;
	size_t size;
	int i;

	if (!btf || !map)
		return 0;
	data = bpf_map__initial_value(map, &size);
	datasec = btf__type_by_id(btf, bpf_map__btf_value_type_id(map));
	if (!datasec || !btf_is_datasec(datasec))
		return 0;
	for (i = 0, vs = btf_var_secinfos(datasec); i < btf_vlen(datasec); i++, vs++) {
		bool number;

		var = btf__type_by_id(btf, vs->type);
		t = btf__type_by_id(btf, btf__resolve_type(btf, var->type));
		type_name(btf, var->type, type, sizeof(type));
		/* .bss has no initial value in the object: all zeroes */
		number = var_default(t, data && vs->offset + vs->size <= size ?
				     (const char *)data + vs->offset : "\0\0\0\0\0\0\0\0",
				     &is_bool, &sval, &uval, &is_signed);
		if (json_output) {
			json_begin_obj(j, NULL);
			json_str(j, "name", btf__name_by_offset(btf, var->name_off));
			json_str(j, "type", type);
			if (!number)
				json_null(j, "default");
			else if (is_bool)
				json_bool(j, "default", uval);
			else if (is_signed)
				json_num(j, "default", sval);
			else
				json_unum(j, "default", uval);
			json_str(j, "section", sec);
			if (settable)
				json_bool(j, "settable", number);
			json_end_obj(j);
			continue;
		}
		if (!number)
			snprintf(def, sizeof(def), "-");
		else if (is_bool)
			snprintf(def, sizeof(def), "%s", uval ? "true" : "false");
		else if (is_signed)
			snprintf(def, sizeof(def), "%lld", sval);
		else
			snprintf(def, sizeof(def), "%llu", uval);
		if (settable && !number)
			printf("  %-20s %-16s %-12s(not a number: cannot be set)\n",
			       btf__name_by_offset(btf, var->name_off), type, def);
		else
			printf("  %-20s %-16s %s\n", btf__name_by_offset(btf, var->name_off),
			       type, def);
	}
	return btf_vlen(datasec);
}

/* The maps keyed by struct iopf_match: NAME=DEVICE[:PASID], repeatable */
static int list_match_maps(struct json *j, const struct bpf_object *obj)
{
	struct bpf_map *map;
	int n = 0;

	bpf_object__for_each_map(map, obj) {
		if (!is_match_map(obj, map))
			continue;
		n++;
		if (!json_output) {
			printf("  %-20s %-16s %-12s(map of struct iopf_match, repeatable)\n",
			       bpf_map__name(map), "DEVICE[:PASID]", "none");
			continue;
		}
		json_begin_obj(j, NULL);
		json_str(j, "name", bpf_map__name(map));
		json_str(j, "type", "DEVICE[:PASID]");
		json_null(j, "default");
		json_str(j, "map", bpf_map__name(map));
		json_bool(j, "repeatable", true);
		json_bool(j, "settable", true);
		json_end_obj(j);
	}
	return n;
}

/*
 * The members of struct iopf_ops a program of @obj fills.  libbpf matches
 * them when it opens the object, from the ELF relocations of the map's
 * value: in the initial value it gives out (the skeletons' "shadow" type),
 * each function pointer member is then that program's struct bpf_program.
 */
static void list_callbacks(struct json *j, const struct bpf_object *obj)
{
	const struct btf *btf = bpf_object__btf(obj);
	struct bpf_map *map = iopf_ops_map(obj);
	const struct btf_member *m;
	const struct btf_type *t, *mt;
	struct bpf_program *prog;
	size_t size, off;
	const char *value;
	int i, n = 0;

	t = btf__type_by_id(btf, bpf_map__btf_value_type_id(map));
	value = bpf_map__initial_value(map, &size);
	if (json_output)
		json_begin_arr(j, "callbacks");
	else
		printf("callbacks:  ");
	for (i = 0, m = btf_members(t); t && value && i < btf_vlen(t); i++, m++) {
		mt = btf__type_by_id(btf, btf__resolve_type(btf, m->type));
		off = btf_member_bit_offset(t, i) / 8;
		if (!mt || !btf_is_ptr(mt) || off + sizeof(prog) > size)
			continue;
		memcpy(&prog, value + off, sizeof(prog));
		if (!prog)
			continue;
		if (json_output) {
			json_begin_obj(j, NULL);
			json_str(j, "name", btf__name_by_offset(btf, m->name_off));
			json_str(j, "program", bpf_program__name(prog));
			json_end_obj(j);
		} else {
			printf("%s%s", n ? ", " : "", btf__name_by_offset(btf, m->name_off));
		}
		n++;
	}
	if (json_output)
		json_end_arr(j);
	else
		printf("%s\n", n ? "" : "(none)");
}

/* The object's other programs: load attaches each with its own link */
static void list_programs(struct json *j, const struct bpf_object *obj)
{
	struct bpf_program *prog;
	int n = 0;

	if (json_output)
		json_begin_arr(j, "programs");
	bpf_object__for_each_program(prog, obj) {
		if (bpf_program__type(prog) == BPF_PROG_TYPE_STRUCT_OPS)
			continue;
		if (json_output) {
			json_begin_obj(j, NULL);
			json_str(j, "name", bpf_program__name(prog));
			json_str(j, "section", bpf_program__section_name(prog));
			json_end_obj(j);
		} else {
			printf("%s%s (%s)", n ? ", " : "programs:   ", bpf_program__name(prog),
			       bpf_program__section_name(prog));
		}
		n++;
	}
	if (json_output)
		json_end_arr(j);
	else
		printf("%s\n", n ? "" : "programs:   (none)");
}

int cmd_inspect(int argc, char **argv)
{
	char from[PATH_MAX], name[IOPF_OPS_NAME_LEN] = "", scope[IOPF_DEV_NAME_LEN] = "";
	struct bpf_object *obj;
	struct json *j = NULL;
	bool shadow = false;
	int status, n;

	if (argc != 2)
		return usage_error();
	status = libiopf_open_object(argv[1], NULL, NULL, &obj, from, sizeof(from));
	if (status)
		return open_status(argv[1], status);
	iopf_ops_get_str(obj, "name", name, sizeof(name));
	iopf_ops_get_str(obj, "dev_name", scope, sizeof(scope));
	iopf_ops_get_bool(obj, "shadow", &shadow);

	if (json_output) {
		j = json_new();
		json_begin_obj(j, NULL);
		json_str(j, "object", from);
		json_str(j, "name", name);
		json_str(j, "scope", *scope ? scope : "*");
		json_str(j, "mode", shadow ? "shadow" : "live");
	} else {
		printf("object:     %s\n", from);
		printf("name:       %s\n", name);
		printf("scope:      %s\n", *scope ? scope : "* (all devices)");
		printf("mode:       %s\n", shadow ? "shadow" : "live");
	}
	list_callbacks(j, obj);
	list_programs(j, obj);
	if (json_output)
		json_begin_arr(j, "parameters");
	else
		printf("parameters (--set NAME=VALUE):\n");
	n = list_vars(j, obj, ".rodata", true);
	n += list_vars(j, obj, ".data", true);
	n += list_match_maps(j, obj);
	if (json_output) {
		json_end_arr(j);
		json_begin_arr(j, "counters");
	} else {
		printf("%scounters (iopfctl stats):\n", n ? "" : "  (none)\n");
	}
	n = list_vars(j, obj, ".bss", false);
	if (!json_output && !n)
		printf("  (none)\n");
	if (json_output) {
		json_end_arr(j);
		json_end_obj(j);
		json_done(j);
	}
	bpf_object__close(obj);
	return EXIT_OK;
}
