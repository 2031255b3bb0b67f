#!/usr/bin/env bash
# Test hosts for multi-host runs on one machine (needs root): network namespaces tdp-h0 (the
# controller) .. tdp-hN (workers), each with one link (a veth pair) into a switch namespace tdp-sw
# that bridges them. Every host shapes what it sends with tc — the rate with tbf, the one-way delay
# with netem where the kernel has it — so each packet crosses one shaped link. Addresses are
# 198.18.0.(10+I)/24, from the benchmarking range (RFC 2544), which is never routed: the namespaces
# have no route anywhere else, and nothing is added to the machine's own namespace.
#   scripts/hosts.sh up N --link RATE[,DELAY]   e.g. up 2 --link 25gbit   or   up 4 --link 1gbit,0.2ms
#   scripts/hosts.sh addr I                     host I's address
#   scripts/hosts.sh exec I CMD...              run CMD in host I
#   scripts/hosts.sh down                       remove every tdp- namespace (also after a crash)
#   scripts/hosts.sh status                     the hosts and their links
set -euo pipefail
PREFIX=tdp
SWITCH=$PREFIX-sw
MAX_HOSTS=16

die() {
  echo "hosts.sh: $*" >&2
  exit 2
}

host_ns() { echo "$PREFIX-h$1"; }
addr() { echo "198.18.0.$((10 + $1))"; }

require_root() {
  [ "$(id -u)" -eq 0 ] || die "needs root (network namespaces and tc)"
  command -v ip > /dev/null && command -v tc > /dev/null || die "needs ip and tc (Debian: iproute2)"
}

require_host() {
  [[ "$1" =~ ^[0-9]+$ ]] || die "host must be a number, got '$1'"
  ip netns list | grep -q "^$(host_ns "$1")\b" || die "no host $1 (run: scripts/hosts.sh up N --link RATE)"
}

# whether tc can delay packets here: tried on the loopback of a namespace made for the purpose
has_netem() {
  local probe=$PREFIX-probe ok=1
  ip netns add "$probe"
  ip netns exec "$probe" tc qdisc add dev lo root netem delay 1ms 2> /dev/null || ok=0
  ip netns del "$probe"
  [ "$ok" -eq 1 ]
}

down() {
  for ns in $(ip netns list | awk '{print $1}' | grep "^$PREFIX-" || true); do
    ip netns del "$ns"
  done
}

# tc wants rates like 25gbit, 100mbit, 800kbit and delays like 0.2ms, 5ms
shape() {
  local ns=$1 rate=$2 delay=$3 bits burst
  case "$rate" in
    *gbit) bits=$(awk "BEGIN {print ${rate%gbit} * 1e9}") ;;
    *mbit) bits=$(awk "BEGIN {print ${rate%mbit} * 1e6}") ;;
    *kbit) bits=$(awk "BEGIN {print ${rate%kbit} * 1e3}") ;;
    *) die "link rate must look like 25gbit, 100mbit or 800kbit, got '$rate'" ;;
  esac
  # a burst of 1 ms at the rate (at least 32 KiB), a queue of 100 ms
  burst=$(awk "BEGIN {b = $bits / 8 / 1000; print (b < 32768 ? 32768 : int(b))}")
  if [ -n "$delay" ]; then
    [[ "$delay" =~ ^[0-9.]+(us|ms|s)$ ]] || die "link delay must look like 0.2ms, got '$delay'"
    ip netns exec "$ns" tc qdisc add dev eth0 root handle 1: netem delay "$delay"
    ip netns exec "$ns" tc qdisc add dev eth0 parent 1:1 handle 10: tbf rate "$rate" burst "$burst" latency 100ms
  else
    ip netns exec "$ns" tc qdisc add dev eth0 root tbf rate "$rate" burst "$burst" latency 100ms
  fi
}

up() {
  local n=${1:-} link=
  shift || true
  [[ "$n" =~ ^[0-9]+$ ]] && [ "$n" -ge 1 ] && [ "$n" -le $MAX_HOSTS ] || die "up takes 1..$MAX_HOSTS worker hosts, got '$n'"
  [ "${1:-}" = "--link" ] && [ -n "${2:-}" ] || die "usage: up N --link RATE[,DELAY]"
  link=$2
  local rate=${link%%,*} delay=
  [[ "$link" == *,* ]] && delay=${link#*,}
  down
  if [ -n "$delay" ] && ! has_netem; then
    die "this kernel has no netem qdisc (module sch_netem): links can be rate-limited here but not delayed"
  fi
  trap 'down' EXIT # a failure half way leaves nothing behind
  ip netns add "$SWITCH"
  ip -n "$SWITCH" link set lo up
  ip -n "$SWITCH" link add br0 type bridge
  ip -n "$SWITCH" link set br0 up
  for i in $(seq 0 "$n"); do
    local ns
    ns=$(host_ns "$i")
    ip netns add "$ns"
    ip -n "$ns" link set lo up
    ip -n "$SWITCH" link add "p$i" type veth peer name eth0 netns "$ns"
    ip -n "$SWITCH" link set "p$i" master br0 up
    ip -n "$ns" addr add "$(addr "$i")/24" dev eth0
    ip -n "$ns" link set eth0 up
    shape "$ns" "$rate" "$delay"
  done
  trap - EXIT
  echo "hosts 0..$n up, links $rate${delay:+ + $delay one way}: $(for i in $(seq 0 "$n"); do printf '%s ' "$(addr "$i")"; done)"
}

status() {
  for ns in $(ip netns list | awk '{print $1}' | grep "^$PREFIX-h" | sort -V || true); do
    echo "$ns $(ip -n "$ns" -4 -brief addr show dev eth0 | awk '{print $3}') $(ip netns exec "$ns" tc qdisc show dev eth0 | tr '\n' ' ')"
  done
}

command=${1:-}
shift || true
case "$command" in
  up) require_root; up "$@" ;;
  down) require_root; down ;;
  addr) [ $# -eq 1 ] && [[ "$1" =~ ^[0-9]+$ ]] || die "usage: addr I"; addr "$1" ;;
  exec) require_root; [ $# -ge 2 ] || die "usage: exec I CMD..."; require_host "$1"; ns=$(host_ns "$1"); shift; exec ip netns exec "$ns" "$@" ;;
  status) require_root; status ;;
  *) die "usage: hosts.sh up N --link RATE[,DELAY] | addr I | exec I CMD... | down | status" ;;
esac
