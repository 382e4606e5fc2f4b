// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The policy library (bpf/), built into libiopf (and so iopfctl) as skeleton ELF bytes */
#include <string.h>

#include "internal.h"
#include "audit.skel.h"
#include "observe.skel.h"
#include "partial_cap.skel.h"
#include "pasid_fallback.skel.h"
#include "quarantine.skel.h"
#include "storm_guard.skel.h"

static const struct builtin_param no_params[] = { { NULL } };

static const struct builtin_param quarantine_params[] = {
	{ "deny=DEVICE[:PASID]", "answer INVALID for this device, or one PASID of it (repeatable)" },
	{ NULL }
};

static const struct builtin_param storm_guard_params[] = {
	{ "rate=N", "groups per second handled per PASID (or device) (default 1000)" },
	{ "burst=N", "bucket size (default 100)" },
	{ "answer_failure=0|1", "answer FAILURE instead of INVALID: the device disables PRI (default 0)" },
	{ "per_pasid=0|1", "one bucket per device and PASID (1, default) or per device (0)" },
	{ NULL }
};

static const struct builtin_param audit_params[] = {
	{ "last_only=0|1", "record only a group's last request (default 0)" },
	{ NULL }
};

static const struct builtin_param partial_cap_params[] = {
	{ "max_per_device=N", "parked partial requests per device (default 256)" },
	{ "max_per_grpid=N", "parked partial requests per device and group id (default 32)" },
	{ NULL }
};

const struct builtin builtins[] = {
	{ "observe", "count requests and responses per device, PASID, code and path; never decide",
	  observe__elf_bytes, no_params },
	{ "quarantine", "answer INVALID at once for denied devices or (device, PASID) pairs",
	  quarantine__elf_bytes, quarantine_params },
	{ "storm_guard", "token bucket per device and PASID: groups beyond the rate are answered at once",
	  storm_guard__elf_bytes, storm_guard_params },
	{ "pasid_fallback", "route faults of PASIDs without a handle to the device's RID handle",
	  pasid_fallback__elf_bytes, no_params },
	{ "partial_cap", "drop partial requests past a limit per device and group id",
	  partial_cap__elf_bytes, partial_cap_params },
	{ "audit", "write every request it is asked about to a ring buffer for iopfctl events; never decide",
	  audit__elf_bytes, audit_params },
	{ NULL }
};

const struct builtin *builtin_find(const char *name)
{
	const struct builtin *b;

	for (b = builtins; b->name; b++)
		if (!strcmp(b->name, name))
			return b;
	return NULL;
}
