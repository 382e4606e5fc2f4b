#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# user space: make check runs it on the first kernel only (guest-tests)
# on demand: iopfctl.md's, tracing.md's and install.md's blocks took 3-5 min in
# the guest (2026-12-07), over make check's budget; make check-docs and make
# check-full run it
#
# Doc tests, VM side, of the documents whose blocks take minutes under TCG
# (DOCTEST_VM_MORE in selftests/lib/doctest.sh: iopfctl.md, tracing.md,
# install.md): vm/docs with those documents, and its claims again.
cd "$(dirname "$0")/../.." || exit 1
. selftests/lib/doctest.sh
DOCTEST_VM_DOCS=$DOCTEST_VM_MORE exec bash selftests/vm/docs.sh
