#!/usr/bin/env bash
# A cluster on one machine with real link limits (DESIGN.md section 11): N
# "hosts" as network namespaces bvh0.. at 198.18.0.1.. (the RFC 2544
# benchmarking range, used only inside these namespaces and the bridge), each
# joined by a veth to the bridge bvbr0 (198.18.0.254/24) in the root
# namespace, with `tc tbf` on both ends of every veth, so each host's link
# carries at most --rate in each direction. Every host has its own host name
# (a UTS namespace), so node counts, run files and plots see N hosts.
# Needs root, iproute2 (ip, tc) and util-linux (unshare). On a real cluster
# none of this is needed: use your hostfile or Slurm.
#
#   jobs/emulated-cluster.sh up [--hosts N] [--rate R] [--slots S]
#                                  N hosts (default 4), R per direction as tc
#                                  reads it (default 1gbit: 100mbit, 10gbit, ...),
#                                  S MPI slots per host (default 1)
#   jobs/emulated-cluster.sh down        removes all that `up` made (namespaces and
#                                  the processes left in them, veths, bridge,
#                                  qdiscs, state); idempotent, also after a crash
#   jobs/emulated-cluster.sh status      what is up; exit 0 when a cluster is up
#   jobs/emulated-cluster.sh hostfile    path of the OpenMPI hostfile
#   jobs/emulated-cluster.sh mpirun-args the flags that launch ranks on it:
#       mpirun -np 4 $(jobs/emulated-cluster.sh mpirun-args) build/bitvote sweep ...
#
# Launching: ranks cannot just be wrapped in `ip netns exec` (OpenMPI's PMIx
# client reaches its daemon over the namespace's own loopback and MPI_Init
# fails). Instead mpirun starts one daemon per host through an rsh agent
# (jobs/emulated-rsh.sh) that enters the host's namespaces.
#
# Delay: `netem` is missing on these kernels (`up` says whether it is), so no
# delay is added; the latency of a link is what veth + bridge + tbf give, and
# `up` measures it (ping-pong of 1-byte messages between bvh0 and bvh1).
#
# State: BITVOTE_EMU_DIR (default build/emulated-cluster in the repository)
# holds the hostfile and settings.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
state=${BITVOTE_EMU_DIR:-$repo/build/emulated-cluster}
bridge=bvbr0
prefix=198.18.0
max_hosts=200

die() { echo "emulated-cluster: $*" >&2; exit 1; }
need_root() { [ "$(id -u)" = 0 ] || die "needs root (network namespaces, tc)"; }

namespaces() { ip netns list 2>/dev/null | awk '{print $1}' | grep -E '^bvh[0-9]+$' || true; }
host_links() { ip -o link show 2>/dev/null | awk -F': ' '{print $2}' | sed 's/@.*//' | grep -E '^bvv[0-9]+$' || true; }

# tc rate text -> bits per second (tc's units: bit, kbit, mbit, gbit, tbit; k = 1000).
rate_bits() {
    local r=${1,,} n unit
    [[ $r =~ ^([0-9]+(\.[0-9]+)?)([kmgt]?)(bit|bps)$ ]] || die "bad --rate '$1': expected e.g. 100mbit, 1gbit, 10gbit"
    n=${BASH_REMATCH[1]} unit=${BASH_REMATCH[3]}
    local mult=1
    case $unit in k) mult=1e3 ;; m) mult=1e6 ;; g) mult=1e9 ;; t) mult=1e12 ;; esac
    awk -v n="$n" -v m="$mult" -v b="${BASH_REMATCH[4]}" 'BEGIN { v = n * m * (b == "bps" ? 8 : 1); printf "%.0f\n", v }'
}

# tbf on one device: rate R, a bucket of 2 ms at R (at least 64 KiB, one GSO
# packet), and at most 50 ms of queue.
limit_link() {  # netns-or-empty device bits_per_s
    local ns=$1 dev=$2 bps=$3 burst
    burst=$(awk -v b="$bps" 'BEGIN { x = b / 8 * 0.002; if (x < 65536) x = 65536; printf "%.0f\n", x }')
    ${ns:+ip netns exec "$ns"} tc qdisc replace dev "$dev" root tbf rate "${bps}bit" burst "$burst" latency 50ms
}

netem_available() {
    ip link add bvnetem0 type dummy 2>/dev/null || return 1
    local ok=1
    tc qdisc add dev bvnetem0 root netem delay 1ms 2>/dev/null && ok=0
    ip link del bvnetem0 2>/dev/null || true
    return $ok
}

cmd_down() {
    need_root
    local ns pid link
    for ns in $(namespaces); do
        for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$pid" 2>/dev/null || true; done
    done
    for ns in $(namespaces); do ip netns del "$ns" 2>/dev/null || true; done
    for link in $(host_links); do ip link del "$link" 2>/dev/null || true; done
    ip link del "$bridge" 2>/dev/null || true
    rm -rf "$state"
    echo "emulated-cluster: down"
}

cmd_up() {
    need_root
    local hosts=4 rate=1gbit slots=1
    while [ $# -gt 0 ]; do
        case $1 in
        --hosts) hosts=${2:?--hosts needs a value}; shift 2 ;;
        --rate) rate=${2:?--rate needs a value}; shift 2 ;;
        --slots) slots=${2:?--slots needs a value}; shift 2 ;;
        *) die "unknown flag '$1' (up takes --hosts N --rate R --slots S)" ;;
        esac
    done
    [[ $hosts =~ ^[0-9]+$ ]] && [ "$hosts" -ge 1 ] && [ "$hosts" -le $max_hosts ] ||
        die "bad --hosts '$hosts': expected 1..$max_hosts"
    [[ $slots =~ ^[0-9]+$ ]] && [ "$slots" -ge 1 ] || die "bad --slots '$slots': expected an integer >= 1"
    local bps
    bps=$(rate_bits "$rate")
    for tool in ip tc unshare; do command -v $tool >/dev/null || die "$tool missing (apt-get install iproute2 util-linux)"; done
    [ -z "$(namespaces)" ] && ! ip link show "$bridge" >/dev/null 2>&1 ||
        die "a cluster is already up (jobs/emulated-cluster.sh status; down first)"

    trap 'echo "emulated-cluster: up failed; removing what it made" >&2; cmd_down >/dev/null' ERR
    mkdir -p "$state"
    ip link add "$bridge" type bridge
    ip addr add "$prefix.254/24" dev "$bridge"
    ip link set "$bridge" up
    : >"$state/hostfile"
    local i ns veth
    for ((i = 0; i < hosts; i++)); do
        ns=bvh$i veth=bvv$i
        ip netns add "$ns"
        ip link add "$veth" type veth peer name eth0 netns "$ns"
        ip link set "$veth" master "$bridge" up
        ip -n "$ns" addr add "$prefix.$((i + 1))/24" dev eth0
        ip -n "$ns" link set lo up
        ip -n "$ns" link set eth0 up
        limit_link "" "$veth" "$bps"   # bridge -> host: what the host receives
        limit_link "$ns" eth0 "$bps"   # host -> bridge: what the host sends
        echo "$prefix.$((i + 1)) slots=$slots" >>"$state/hostfile"
    done
    trap - ERR
    local delay="none (netem missing on this kernel)"
    netem_available && delay="none added (netem exists but is not used)"
    printf 'hosts=%s\nrate=%s\nrate_bits=%s\nslots=%s\ndelay=%s\n' "$hosts" "$rate" "$bps" "$slots" "$delay" >"$state/settings"
    echo "emulated-cluster: up: $hosts hosts bvh0..bvh$((hosts - 1)) at $prefix.1..$prefix.$hosts, $rate per direction" \
        "per host (tbf), $slots slot(s) each; added delay: $delay"
    echo "  launch with: mpirun -np $((hosts * slots)) \$(jobs/emulated-cluster.sh mpirun-args) \$PWD/build/bitvote ..."
}

cmd_status() {
    local ns
    if [ -z "$(namespaces)" ]; then echo "emulated-cluster: not up"; return 1; fi
    [ -s "$state/settings" ] && sed 's/^/  /' "$state/settings"
    for ns in $(namespaces); do
        printf '  %s %s pids:%s\n' "$ns" "$(ip -n "$ns" -o -4 addr show dev eth0 2>/dev/null | awk '{print $4}')" \
            "$(ip netns pids "$ns" 2>/dev/null | wc -l)"
        ip netns exec "$ns" tc -s qdisc show dev eth0 2>/dev/null | sed -n '1,2p' | sed 's/^/    out: /'
    done
    ip -o link show "$bridge" >/dev/null 2>&1 && echo "  bridge $bridge: $(host_links | wc -l) veths"
}

cmd_hostfile() {
    [ -s "$state/hostfile" ] || die "not up (jobs/emulated-cluster.sh up)"
    echo "$state/hostfile"
}

cmd_mpirun_args() {
    local hostfile
    hostfile=$(cmd_hostfile)
    # mpi_yield_when_idle: the hosts share this machine's cores, and a rank
    # spinning in MPI starves the kernel's forwarding of the emulated links
    # (measured: every exchange then waits a scheduler tick, ping-pong alpha
    # 4000 us instead of 157 us). A real cluster needs no such flag.
    echo "--hostfile $hostfile --mca plm_rsh_agent $repo/jobs/emulated-rsh.sh --mca plm_rsh_no_tree_spawn 1" \
        "--mca btl self,vader,tcp --mca btl_tcp_if_include $prefix.0/24 --mca oob_tcp_if_include $prefix.0/24" \
        "--mca mpi_yield_when_idle 1 --wdir $PWD"
}

case ${1:-} in
up) shift; cmd_up "$@" ;;
down) cmd_down ;;
status) cmd_status ;;
hostfile) cmd_hostfile ;;
mpirun-args) cmd_mpirun_args ;;
*) die "usage: jobs/emulated-cluster.sh up [--hosts N] [--rate R] [--slots S] | down | status | hostfile | mpirun-args" ;;
esac
