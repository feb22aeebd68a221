#!/usr/bin/env bash
# Starts a master and two workers on loopback, each with its own Wazuh-like home under var/,
# waits until both workers are connected, shows cluster_control -l and -i, and keeps the
# cluster running until Ctrl-C, which stops every node gracefully.
#
# Environment: CLUSTER_PORT (default 1516), GOSSIP_PORT (default 1517), IP_PREFIX (default
# 127.0.0.1 → nodes on 127.0.0.11, .12, .13).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
bin=$root/bin
var=$root/var
port=${CLUSTER_PORT:-1516}
gossip=${GOSSIP_PORT:-1517}
prefix=${IP_PREFIX:-127.0.0.1}
master_ip=${prefix}1

mkdir -p "$var"
if [ ! -s "$var/cluster.key" ]; then
  # A fresh 32-character key for this local cluster, kept across runs.
  head -c 256 /dev/urandom | LC_ALL=C tr -dc 'A-Za-z0-9' | head -c 32 >"$var/cluster.key"
fi
key=$(cat "$var/cluster.key")

write_home() { # name type ip
  local home=$var/$1
  mkdir -p "$home/etc" "$home/logs" "$home/queue/cluster"
  cat >"$home/etc/ossec.conf" <<XML
<ossec_config>
  <cluster>
    <name>wazuh</name>
    <node_name>$1</node_name>
    <node_type>$2</node_type>
    <key>$key</key>
    <port>$port</port>
    <bind_addr>$3</bind_addr>
    <nodes>
      <node>$master_ip</node>
    </nodes>
    <hidden>no</hidden>
    <disabled>no</disabled>
  </cluster>
</ossec_config>
XML
  cat >"$home/etc/cluster.json" <<JSON
{
  "intervals": {
    "worker": {"keep_alive": 10, "connection_retry": 2},
    "master": {"check_worker_lastkeepalive": 10, "max_allowed_time_without_keepalive": 30}
  },
  "clusterd": {"gossip": {"port": $gossip}}
}
JSON
}

write_home master master "$master_ip"
write_home worker1 worker "${prefix}2"
write_home worker2 worker "${prefix}3"

pids=()
stop_all() {
  trap - INT TERM
  echo
  echo "Stopping the cluster..."
  # Workers first, then the master, so that nobody tries to reconnect to a node on its way out.
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
    kill -TERM "${pids[i]}" 2>/dev/null || true
    wait "${pids[i]}" 2>/dev/null || true
  done
  echo "Stopped. Logs are in var/<node>/logs/cluster.log."
  exit 0
}
trap stop_all INT TERM

for node in master worker1 worker2; do
  # Each node in its own session: Ctrl-C reaches only this script, which stops them in order.
  setsid "$bin/clusterd" --home "$var/$node" -f 2>"$var/$node/logs/stderr.log" &
  pids+=($!)
  echo "Started $node (pid $!), home var/$node"
  if [ "$node" = master ]; then
    for _ in $(seq 100); do [ -S "$var/master/queue/cluster/c-internal.sock" ] && break; sleep 0.1; done
  fi
done

echo "Waiting for both workers to connect..."
connected=0
for _ in $(seq 300); do
  if "$bin/cluster_control" --home "$var/master" -l 2>/dev/null | grep -q worker2 &&
     "$bin/cluster_control" --home "$var/master" -l 2>/dev/null | grep -q worker1; then
    connected=1; break
  fi
  for pid in "${pids[@]}"; do
    kill -0 "$pid" 2>/dev/null || { echo "A node exited; see var/*/logs/"; stop_all; }
  done
  sleep 0.1
done
[ "$connected" = 1 ] || { echo "Workers did not connect within 30 s; see var/*/logs/cluster.log"; stop_all; }

echo
echo "\$ cluster_control -l"
"$bin/cluster_control" --home "$var/master" -l
echo
echo "\$ cluster_control -i"
"$bin/cluster_control" --home "$var/master" -i
echo
echo "\$ cluster_control -l   (asked on worker1, relayed to the master)"
"$bin/cluster_control" --home "$var/worker1" -l
# Ten simulated agents enroll (through worker1, which forwards to the master), report to the
# workers and send an event every few seconds for as long as the cluster runs.
echo
echo "Starting 10 simulated agents (enrolled through worker1, reporting to worker1 and worker2)..."
# Their keys are kept in var/agentsim.keys, so the next run reuses them instead of enrolling again.
if [ -s "$var/agentsim.keys" ]; then keys=(-keys "$var/agentsim.keys"); else keys=(-enroll "${prefix}2:1515" -keys-out "$var/agentsim.keys"); fi
setsid "$bin/agentsim" -servers "${prefix}2:1514,${prefix}3:1514" "${keys[@]}" \
  -prefix demo -agents 10 -eps 0.2 -notify 5s -retry 1s -report 0 >"$var/agentsim.log" 2>&1 &
pids+=($!)
for _ in $(seq 300); do
  [ "$("$bin/cluster_control" --home "$var/master" -a -fs active 2>/dev/null | grep -c demo)" -ge 10 ] && break
  sleep 0.1
done
echo
echo "\$ cluster_control -a   (asked on worker2)"
"$bin/cluster_control" --home "$var/worker2" -a
echo
echo "Cluster running. Try: bin/actorctl --home var/worker1   |   bin/cluster_control --home var/master -i more"
echo "                      bin/agent_groups --home var/worker1 -l   |   tail -f var/worker1/logs/archives/archives.log"
echo "Press Ctrl-C to stop."
while true; do
  for pid in "${pids[@]}"; do
    kill -0 "$pid" 2>/dev/null || { echo "A node exited unexpectedly; see var/*/logs/"; stop_all; }
  done
  sleep 1
done
