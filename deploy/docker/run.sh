#!/usr/bin/env bash
# Runs a master and two workers in containers on a private bridge network.
#
#   deploy/docker/run.sh [up]   build the binaries and the image, write each node's
#                               configuration, start the cluster, wait for both workers
#   deploy/docker/run.sh status cluster_control -l and -i, asked on the master
#   deploy/docker/run.sh down   stop and remove the containers, network and log volumes
#
# Environment: CLUSTERD_PROJECT (compose project, default clusterd), CLUSTERD_IMAGE (default
# clusterd:local), CLUSTERD_SUBNET (first three octets of the /24, default 172.28.0),
# CLUSTERD_STATE (configuration folder, default deploy/docker/state).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)

project=${CLUSTERD_PROJECT:-clusterd}
export CLUSTERD_IMAGE=${CLUSTERD_IMAGE:-clusterd:local}
export CLUSTERD_SUBNET=${CLUSTERD_SUBNET:-172.28.0}
export CLUSTERD_STATE=${CLUSTERD_STATE:-$here/state}
nodes=(master worker1 worker2)

if docker compose version >/dev/null 2>&1; then
  compose=(docker compose)
else
  compose=(docker-compose)
fi
compose+=(-p "$project" -f "$here/compose.yml")

# The container user. As root, the daemon runs as 1000:1000 and reads its configuration through
# the group, as wazuh-clusterd reads a root:wazuh 0640 ossec.conf; otherwise it runs as the
# caller, who owns the configuration.
if [ "$(id -u)" = 0 ]; then
  uid=1000 gid=1000
else
  uid=$(id -u) gid=$(id -g)
fi

build_ctx=
trap '[ -z "$build_ctx" ] || rm -rf "$build_ctx"' EXIT

build() {
  build_ctx=$(mktemp -d)
  local ctx=$build_ctx
  echo "Building static binaries..."
  (cd "$root" && CGO_ENABLED=0 go build -trimpath -o "$ctx/bin/" ./cmd/clusterd ./cmd/cluster_control ./cmd/actorctl ./cmd/agent_groups ./cmd/manage_agents)
  mkdir -p "$ctx/ossec/etc" "$ctx/ossec/logs" "$ctx/ossec/queue/cluster" "$ctx/ossec/var/db"
  chmod 0750 "$ctx/ossec/etc" "$ctx/ossec/logs" "$ctx/ossec/queue" "$ctx/ossec/queue/cluster" "$ctx/ossec/var" "$ctx/ossec/var/db"
  echo "Building image $CLUSTERD_IMAGE..."
  local old new
  old=$(docker image inspect -f '{{.Id}}' "$CLUSTERD_IMAGE" 2>/dev/null || true)
  DOCKER_BUILDKIT=0 docker build -q --build-arg "CLUSTERD_UID=$uid" --build-arg "CLUSTERD_GID=$gid" \
    -t "$CLUSTERD_IMAGE" -f "$here/Dockerfile" "$ctx" >/dev/null
  new=$(docker image inspect -f '{{.Id}}' "$CLUSTERD_IMAGE")
  if [ -n "$old" ] && [ "$old" != "$new" ]; then
    # The previous build, now untagged; still in use by a running container, it stays.
    docker image rm "$old" >/dev/null 2>&1 || true
  fi
}

write_configs() {
  # Owner-only: the configuration holds the cluster key. The containers do not need to reach
  # this folder, only the etc/ folders mounted into them.
  mkdir -p "$CLUSTERD_STATE"
  chmod 0700 "$CLUSTERD_STATE"
  if [ ! -s "$CLUSTERD_STATE/cluster.key" ]; then
    # A fresh 32-character key for this cluster, kept across runs.
    (umask 077 && head -c 256 /dev/urandom | LC_ALL=C tr -dc 'A-Za-z0-9' | head -c 32 >"$CLUSTERD_STATE/cluster.key")
  fi
  local key master_ip=$CLUSTERD_SUBNET.10 i=10 node type etc
  key=$(cat "$CLUSTERD_STATE/cluster.key")
  for node in "${nodes[@]}"; do
    type=worker
    [ "$node" = master ] && type=master
    etc=$CLUSTERD_STATE/$node/etc
    mkdir -p "$etc"
    cat >"$etc/ossec.conf" <<XML
<ossec_config>
  <cluster>
    <name>wazuh</name>
    <node_name>$node</node_name>
    <node_type>$type</node_type>
    <key>$key</key>
    <port>1516</port>
    <bind_addr>$CLUSTERD_SUBNET.$i</bind_addr>
    <nodes>
      <node>$master_ip</node>
    </nodes>
    <hidden>no</hidden>
    <disabled>no</disabled>
  </cluster>
</ossec_config>
XML
    # Wazuh's intervals, shortened so that a worker is back within seconds; the memberlist
    # timers keep their production defaults.
    cat >"$etc/cluster.json" <<JSON
{
  "intervals": {
    "worker": {"keep_alive": 10, "connection_retry": 2},
    "master": {"check_worker_lastkeepalive": 10, "max_allowed_time_without_keepalive": 30}
  },
  "clusterd": {"gossip": {"port": 1517}}
}
JSON
    chmod 0750 "$etc"
    chmod 0640 "$etc/ossec.conf" "$etc/cluster.json"
    if [ "$(id -u)" = 0 ]; then
      chgrp -R "$gid" "$etc"
    fi
    i=$((i + 1))
  done
}

master_control() {
  local id
  id=$("${compose[@]}" ps -q master 2>/dev/null)
  if [ -z "$id" ]; then
    echo "The master is not running (project $project)." >&2
    return 1
  fi
  docker exec "$id" /usr/bin/cluster_control --home /var/ossec "$@"
}

workers_listed() {
  local out
  out=$(master_control -l 2>/dev/null) || return 1
  awk '$2 == "worker" {print $1}' <<<"$out" | sort | tr '\n' ' ' | grep -qx 'worker1 worker2 '
}

up() {
  build
  write_configs
  "${compose[@]}" up -d
  echo "Waiting for both workers to connect..."
  for _ in $(seq 150); do
    if workers_listed; then
      status
      echo
      echo "Cluster running (project $project). Stop it with: $0 down"
      return 0
    fi
    sleep 0.2
  done
  echo "Workers did not connect within 30 s. Last lines of each node:" >&2
  "${compose[@]}" logs --tail 20 >&2
  return 1
}

status() {
  echo "\$ cluster_control -l"
  master_control -l
  echo
  echo "\$ cluster_control -i"
  master_control -i
}

down() {
  "${compose[@]}" down -v --remove-orphans
}

case ${1:-up} in
  up) up ;;
  status) status ;;
  down) down ;;
  *) echo "usage: $0 [up|status|down]" >&2; exit 2 ;;
esac
