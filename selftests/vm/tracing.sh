#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# on demand: 90-100 s a kernel (13 bpftrace starts under TCG), over make
# check's budget; make check-full runs it on both kernels (guest-tests)
#
# The bpftrace tools against a known mix of faults fired through the mock
# IOMMU: handled, answered by a policy, bad setup, partial, aborted (no
# memory, by fault injection) and left pending until the device is removed,
# with and without a PASID.  Every count a tool prints must equal what was
# fired, unfiltered and with each tool's device and PASID filters; a report
# every INTERVAL, COUNT reports; "-" for a request without a PASID.
cd "$(dirname "$0")/../.." || exit 1
. selftests/lib/tap.sh
I=build/iopfctl
$I unload --all >/dev/null 2>&1
T=$(mktemp -d)

# dev0: handler (2 groups, 1 with 2 partials; 2 groups of PASID 0x42) + 1
# aborted; dev1: quarantined; dev2: no fault handler (one request of PASID
# 0x77); dev3: 3 groups pending at removal (one of PASID 0x42).  The setup
# writes the devices' names for the tools' filters, and waits for the
# tools to attach (the file go).
MIX=$T/mix.sh
cat >$MIX <<MIXEOF
cd $PWD
exec ${IOPF_FIRE:-build/iopf-fire} --devices 4 --no-handler 2 \\
	--setup '$I load quarantine --set deny=\$DEV1 >/dev/null &&
		echo \$DEV0 \$DEV1 \$DEV2 \$DEV3 >$T/devs.tmp && mv $T/devs.tmp $T/devs &&
		while [ ! -e $T/go ]; do sleep 0.1; done' \\
	0:last:grpid=1 0:last:grpid=2 0:partial:grpid=3:count=2 0:last:grpid=3 \\
	0:last:pasid=0x42:grpid=4:count=2 0:abort:grpid=40 \\
	1:storm:grpid=10:count=3 2:last:grpid=20:count=2 2:last:pasid=0x77:grpid=21 \\
	3:pending:grpid=30 3:pending:grpid=31 3:pending:pasid=0x42:grpid=32
MIXEOF
# expected per device index: fault events; and responses by path
FAULTS=(8 3 3 3)
PATHS="handler 8,policy 3,bad_setup 3,abort 1"

# All the tools start at once, once the devices exist (a start-up takes
# 3-8 s under TCG; one at a time, five took 38 s of this test,
# 2026-12-02), and the mix fires once each has run its BEGIN probe (its
# first line, which follows attaching)
declare -A PID CMD
started() {	# started FILE: bpftrace ran BEGIN (waits up to 60 s)
	for _ in $(seq 600); do
		grep -qE '^(Tracing|TIME)' "$1" && return 0
		sleep 0.1
	done
	return 1
}
timeout -k 5 180 /bin/bash $MIX >"$T/mix.out" 2>&1 &
mixpid=$!
for _ in $(seq 600); do
	[ -e "$T/devs" ] || ! kill -0 $mixpid 2>/dev/null && break
	sleep 0.1
done
read -r -a DEV <"$T/devs"
[ ${#DEV[@]} = 4 ]; tap_result $? "the mix created its devices" "$(cat "$T/mix.out")"
# NAME ARGS: what the four tools are run with (the wrappers, tools/NAME)
CMD=(
	[snoop]="iopfsnoop"
	[top]="iopftop"
	[lat]="iopflat 1"
	[policy]="iopfpolicy 1"
	[snoop_d]="iopfsnoop -d ${DEV[0]}"
	[snoop_p]="iopfsnoop -P 0x42"
	[snoop_none]="iopfsnoop -P none"
	[top_d_none]="iopftop -d ${DEV[3]} -P none"
	[lat_d_p]="iopflat -d ${DEV[0]} -P 0x42"
	[policy_d_p]="iopfpolicy -d ${DEV[0]} -P 66"
)
# And INTERVAL COUNT ends a tool by itself: its exit status and its end
# are kept, so that waiting for the others does not count against it
# (90 s; 300 on the debug kernel, where the five start-ups at once took 92)
COUNTED="iopftop iopflat iopfpolicy"
bound=90
[ -z "${IOPF_DEBUG_KERNEL:-}" ] || bound=300
start=$SECONDS
for t in "${!CMD[@]}"; do
	tools/${CMD[$t]} >"$T/$t.out" 2>&1 &
	PID[$t]=$!
done
for t in $COUNTED; do
	(
		timeout -k 5 $bound tools/$t 4 2 >"$T/count_$t.out" 2>&1
		echo "$? $SECONDS" >"$T/count_$t.end"
	) &
	PID[count_$t]=$!
done
ready=1
for t in "${!CMD[@]}"; do started "$T/$t.out" || ready=; done
for t in $COUNTED; do started "$T/count_$t.out" || ready=; done
[ -n "$ready" ]; tap_result $? "the tools attached ($((SECONDS - start)) s)" "$(head -n 3 "$T"/*.out)"
touch "$T/go"
wait $mixpid
mix=$(cat "$T/mix.out")
[ "$(grep -c '^device ' <<<"$mix")" = 4 ]; tap_result $? "the mix ran" "$mix"
# SIGTERM, not SIGINT: bash starts background jobs of a script with SIGINT
# ignored, so a SIGINT that reaches bpftrace before it installs its own
# handler is lost.  bpftrace ends on either one the same way (its END
# probe and the maps).  bpftrace 0.17 under TCG has been seen to let a
# SIGTERM pass without ending (its event loop asleep in epoll_wait, 2026-12-03
# and on a new machine 2026-12-06): a tool still there after 20 s gets a
# SIGINT, which sets the same exit flag, and one still there 40 s after
# that is reported with where it sleeps, then killed, so that a hang is a
# failure, not a test timeout.  The wrappers exec bpftrace: PID is its pid.
stopped=
for t in "${!CMD[@]}"; do kill -TERM "${PID[$t]}"; done
for i in $(seq 600); do
	alive=
	for t in "${!CMD[@]}"; do kill -0 "${PID[$t]}" 2>/dev/null && alive+=" $t"; done
	[ -z "$alive" ] && { stopped=1; break; }
	if [ "$i" = 200 ]; then
		for t in $alive; do
			echo "# $t did not end 20 s after SIGTERM: sending SIGINT"
			kill -INT "${PID[$t]}"
		done
	fi
	sleep 0.1
done
hung=
for t in $alive; do
	hung+="$t (pid ${PID[$t]}): wchan $(cat /proc/${PID[$t]}/wchan 2>/dev/null)
$(cat /proc/${PID[$t]}/stack 2>/dev/null)
$(tail -n 5 "$T/$t.out")
"
	kill -KILL "${PID[$t]}" 2>/dev/null
done
for t in "${!PID[@]}"; do wait "${PID[$t]}"; done
[ -n "$stopped" ]; tap_result $? "the tools stopped on SIGTERM" "$hung"
# The samples of docs/tracing.md: build/vm/results/ on the host
samples=/run/results/tracing-samples.txt
[ -d /run/results ] || samples=$T/samples.txt
for t in snoop top lat policy top_d_none; do
	echo "=== ${CMD[$t]}"
	cat "$T/$t.out"
done >$samples
echo "=== iopf-fire" >>$samples
echo "$mix" >>$samples

lines() {	# lines FILE ERE: how many lines of FILE match
	grep -cE "$2" "$T/$1.out"
}
sum() {	# sum FILE ERE: the sum of the numbers ending the lines that match
	grep -E "$2" "$T/$1.out" | awk '{ n += $NF } END { print n + 0 }'
}
is() {	# is WHAT WANT HAVE: one case
	[ "$2" = "$3" ]; tap_result $? "$1" "want $2, saw $3"
}

# iopfsnoop, all: every fault and response; "-" for no PASID, 0x42 for one
for i in 0 1 2 3; do
	is "iopfsnoop: ${FAULTS[$i]} faults of device $i" "${FAULTS[$i]}" \
		"$(lines snoop "^[0-9]+ +fault +${DEV[$i]} ")"
done
IFS=, read -ra paths <<<"$PATHS"
for want in "${paths[@]}"; do
	set -- $want
	is "iopfsnoop: $2 responses by $1" "$2" "$(lines snoop "^[0-9]+ +resp .*path=$1 ")"
done
expect_match "resp +${DEV[0]} .*code=2 path=abort" "iopfsnoop: the aborted group got FAILURE" "$(cat "$T/snoop.out")"
expect_match "resp +${DEV[3]} .*code=1 path=handler" "iopfsnoop: groups pending at removal answered INVALID" "$(cat "$T/snoop.out")"
is "iopfsnoop: the 13 faults without a PASID print PASID -" 13 \
	"$(lines snoop "^[0-9]+ +fault +[^ ]+ +- +[0-9]+ +flags=[02] ")"
is "iopfsnoop: the 4 faults with one print it in hex" 4 \
	"$(lines snoop "^[0-9]+ +fault +[^ ]+ +0x(42 +[0-9]+ +flags=3|77 +21 +flags=3) ")"
is "iopfsnoop: the 11 responses to requests without a PASID print -" 11 \
	"$(lines snoop "^[0-9]+ +resp +[^ ]+ +- +[0-9]+ ")"
is "iopfsnoop: the 4 responses to requests with one print it" 4 \
	"$(lines snoop "^[0-9]+ +resp +[^ ]+ +0x(42 +(4|32)|77 +21) ")"

# iopfsnoop -d, -P PASID, -P none
is "iopfsnoop -d: ${FAULTS[0]} faults and 6 responses of device 0" "${FAULTS[0]} 6" \
	"$(lines snoop_d "^[0-9]+ +fault +${DEV[0]} ") $(lines snoop_d "^[0-9]+ +resp +${DEV[0]} ")"
is "iopfsnoop -d: no line of another device" 14 "$(lines snoop_d "^[0-9]+ +(fault|resp) ")"
is "iopfsnoop -P 0x42: 3 faults and 3 responses, of devices 0 and 3" "2 1 2 1" \
	"$(for e in fault resp; do for i in 0 3; do lines snoop_p "^[0-9]+ +$e +${DEV[$i]} +0x42 "; done; done | xargs)"
is "iopfsnoop -P 0x42: no line of another PASID" 6 "$(lines snoop_p "^[0-9]+ +(fault|resp) ")"
is "iopfsnoop -P none: the 13 faults and 11 responses without a PASID" "13 11" \
	"$(lines snoop_none "^[0-9]+ +fault +[^ ]+ +- ") $(lines snoop_none "^[0-9]+ +resp +[^ ]+ +- ")"
is "iopfsnoop -P none: no line with a PASID" 24 "$(lines snoop_none "^[0-9]+ +(fault|resp) ")"

# iopftop (a report every second): the reports add up to the totals;
# a request without a PASID is in @faults only
for i in 0 1 2 3; do
	is "iopftop: ${FAULTS[$i]} faults of device $i in total" "${FAULTS[$i]}" \
		"$(sum top "^@total_faults\[${DEV[$i]}\]: ")"
	is "iopftop: ${FAULTS[$i]} faults of device $i over the reports" "${FAULTS[$i]}" \
		"$(sum top "^@faults\[${DEV[$i]}\]: ")"
done
is "iopftop: by PASID, only the requests with one, in total" \
	"@total_faults_by_pasid[${DEV[0]}, 66]: 2 @total_faults_by_pasid[${DEV[2]}, 119]: 1 @total_faults_by_pasid[${DEV[3]}, 66]: 1" \
	"$(grep '^@total_faults_by_pasid\[' "$T/top.out" | sort | xargs)"
is "iopftop: 2 partial requests in total" 2 "$(sum top "^@total_partial\[${DEV[0]}\]: ")"
is "iopftop: reports every second" 0 "$(grep -c ' faults in [^1] s' "$T/top.out")"
# iopftop -d DEV3 -P none: device 3's 2 requests without a PASID
is "iopftop -d -P none: device 3's 2 faults without a PASID, and nothing else" \
	"@total_faults[${DEV[3]}]: 2" "$(grep '^@total_\(faults\|partial\)' "$T/top_d_none.out" | xargs)"

# iopflat (a report every second): the responses by path add up
for want in "${paths[@]}"; do
	set -- $want
	is "iopflat: $2 responses by $1 over the reports" "$2" "$(sum lat "^@responses\[$1\]: ")"
	expect_match "^@latency_us\[$1\]:" "iopflat: a latency histogram for $1" "$(cat "$T/lat.out")"
done
expect_match "^[0-9:]+ responses in 1 s:" "iopflat 1: a report every second" "$(cat "$T/lat.out")"
# iopflat -d DEV0 -P 0x42: the 2 groups of PASID 0x42 of device 0
is "iopflat -d -P: device 0's 2 responses to PASID 0x42, and nothing else" \
	"@responses[handler]: 2" "$(grep '^@\(responses\|untimed\)' "$T/lat_d_p.out" | xargs)"

# iopfpolicy (a report every second): quarantine asked about every request
is "iopfpolicy: quarantine answered 3 groups" 3 \
	"$(sum policy '^@decisions\[quarantine, answer_invalid, 4, obeyed\]: ')"
is "iopfpolicy: and let the other 14 requests through (17 asked)" 14 \
	"$(sum policy '^@decisions\[quarantine, default, 0, default\]: ')"
expect_match "^[0-9:]+ decisions in 1 s:" "iopfpolicy 1: a report every second" "$(cat "$T/policy.out")"
# iopfpolicy -d DEV0 -P 66 (decimal): the 2 requests of PASID 0x42 of device 0
is "iopfpolicy -d -P: device 0's 2 requests of PASID 0x42, and nothing else" \
	"@decisions[quarantine, default, 0, default]: 2" \
	"$(grep '^@decisions\[[^p]' "$T/policy_d_p.out" | sort | uniq | xargs)"

# TOOL 4 2: 2 reports, 4 s apart, then exit 0 by itself.  The bound is
# for a start that never ends
for t in $COUNTED; do
	read -r rc end <"$T/count_$t.end" || rc=none end=$SECONDS
	took=$((end - start))
	[ $rc = 0 ] && [ $took -lt $bound ]
	tap_result $? "$t 4 2 stops by itself" "rc=$rc after $took s: $(cat "$T/count_$t.out")"
	mapfile -t at < <(sed -nE 's/^([0-9]+):([0-9]+):([0-9]+) [a-z]+ in 4 s[: ].*/\1 \2 \3/p' "$T/count_$t.out")
	gap=none
	if [ ${#at[@]} = 2 ]; then
		read -r h m s <<<"${at[0]}"; a=$((10#$h * 3600 + 10#$m * 60 + 10#$s))
		read -r h m s <<<"${at[1]}"; b=$((10#$h * 3600 + 10#$m * 60 + 10#$s))
		gap=$(( (b - a + 86400) % 86400 ))
	fi
	[ ${#at[@]} = 2 ] && [ "$gap" -ge 3 ] && [ "$gap" -le 5 ]
	tap_result $? "$t 4 2: 2 reports, 4 s apart" "${#at[@]} reports, $gap s apart: $(cat "$T/count_$t.out")"
done

# An ejection shows as it happens, its PASID printed as iopfsnoop does.
# Its own bpftrace run, after the others: started with them and stopped
# by SIGTERM after the ejection, it once printed no maps (under
# timeout(1), which sends two SIGTERMs) and once did not stop in 60 s
# (7.3, 2026-12-03; not understood), where -c ends it with the command
# (which bpftrace splits at spaces, without a shell: a script).  The .bt
# itself, with its positional parameters: every device, every PASID.
$I unload --all >/dev/null 2>&1
cat >$T/eject.sh <<EJEOF
cd $PWD
exec ${IOPF_FIRE:-build/iopf-fire} --devices 2 \\
	--setup '$I load build/bpf/test_policy.bpf.o --name bogus --dev \$DEV0 --set last_action=42 >/dev/null &&
		$I load build/bpf/test_policy.bpf.o --name bogus1 --dev \$DEV1 --set last_action=42 >/dev/null' \\
	0:last:grpid=1 1:last:pasid=0x42:grpid=2
EJEOF
out=$(timeout -k 5 120 bpftrace -c "/bin/bash $T/eject.sh" tools/iopfpolicy.bt "" 0 2>&1)
expect_match 'EJECTED policy=bogus action=42 dev=[^ ]+ pasid=- grpid=1$' \
	"iopfpolicy: prints an ejection, PASID - for a request without one" "$out"
expect_match 'EJECTED policy=bogus1 action=42 dev=[^ ]+ pasid=0x42 grpid=2$' \
	"iopfpolicy: ... and 0x42 for PASID 0x42" "$out"
expect_match '^@decisions\[bogus, other, 42, ejected\]: 1$' "iopfpolicy: counts it" "$out"
rm -rf "$T"

$I unload --all >/dev/null 2>&1
tap_done
