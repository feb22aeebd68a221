#!/bin/sh
# clusterd-swap.sh: put clusterd in place of wazuh-clusterd on one Wazuh 4.14.x manager, or
# put Wazuh's back. It ships in the clusterd package, beside the bin/ folder it installs.
#
#   clusterd-swap.sh install  [--home DIR] [--no-restart]   clusterd in place of wazuh-clusterd
#   clusterd-swap.sh rollback [--home DIR] [--no-restart]   Wazuh's wazuh-clusterd back
#   clusterd-swap.sh status   [--home DIR]                  what is installed, what runs
#
# install replaces bin/wazuh-clusterd and bin/cluster_control (Wazuh's Python launchers) with
# the package's, adds bin/actorctl, and keeps the originals in var/clusterd-backup/ with a
# manifest of what it did; rollback undoes exactly that. Both can be run again safely: an
# install already in place, or a rollback with nothing to undo, changes nothing. A cluster
# daemon that was running is stopped before the swap (SIGTERM, as wazuh-control stops it) and
# started again after (as wazuh-control starts it: bin/wazuh-clusterd, which goes to the
# background); the manager's other daemons are not touched. Run as root.
set -eu

PKG_DIR=$(cd "$(dirname "$0")" && pwd)
WAZUH_HOME=/var/ossec
RESTART=yes
FILES="bin/wazuh-clusterd bin/cluster_control bin/actorctl"
STOP_TRIES=30 # seconds, as wazuh-control's MAX_KILL_TRIES

say() { echo "clusterd-swap: $*"; }
die() {
	echo "clusterd-swap: $*" >&2
	exit 1
}
usage() { sed -n '2,16s/^# \{0,1\}//p' "$0"; }

action=${1:-}
case $action in
install | rollback | status) shift ;;
-h | --help | help)
	usage
	exit 0
	;;
*)
	usage >&2
	exit 2
	;;
esac
while [ $# -gt 0 ]; do
	case $1 in
	--home)
		[ $# -ge 2 ] || die "--home needs a folder"
		WAZUH_HOME=$2
		shift 2
		;;
	--home=*)
		WAZUH_HOME=${1#--home=}
		shift
		;;
	--no-restart)
		RESTART=no
		shift
		;;
	-h | --help)
		usage
		exit 0
		;;
	*) die "unknown argument: $1 (see --help)" ;;
	esac
done
[ -d "$WAZUH_HOME" ] || die "no such folder: $WAZUH_HOME"
WAZUH_HOME=$(cd "$WAZUH_HOME" && pwd)
BACKUP=$WAZUH_HOME/var/clusterd-backup
MANIFEST=$BACKUP/manifest
RUN=$WAZUH_HOME/var/run

# The installation variables wazuh-control carries (VERSION="v4.14.7", TYPE="server").
control_var() { sed -n "s/^$1=\"\\(.*\\)\"\$/\\1/p" "$WAZUH_HOME/bin/wazuh-control" | head -n 1; }

# check_manager refuses anything but a Wazuh manager; with "4.14", one of 4.14.x.
check_manager() {
	[ -f "$WAZUH_HOME/bin/wazuh-control" ] || die "$WAZUH_HOME is not a Wazuh install (no bin/wazuh-control)"
	type=$(control_var TYPE)
	version=$(control_var VERSION)
	[ "$type" = server ] || die "$WAZUH_HOME is a Wazuh ${type:-unknown} install, not a manager"
	if [ "${1:-}" = 4.14 ]; then
		case $version in
		v4.14.*) ;;
		*) die "the Wazuh manager at $WAZUH_HOME is ${version:-of an unknown version}; this clusterd replaces the wazuh-clusterd of Wazuh 4.14.x only" ;;
		esac
	fi
}

# is_wazuh_launcher: Wazuh installs its Python commands as copies of generic_wrapper.sh.
is_wazuh_launcher() {
	[ -f "$1" ] && [ "$(head -c 2 "$1")" = '#!' ] && grep -q 'WPYTHON_BIN="framework/python/bin/python3"' "$1"
}

# alive: the process exists and is not a zombie waiting for its reaper.
alive() {
	kill -0 "$1" 2>/dev/null || return 1
	[ -r "/proc/$1/stat" ] || return 0
	[ "$(sed 's/.*) \(.\).*/\1/' "/proc/$1/stat")" != Z ]
}

running_pids() {
	for f in "$RUN"/wazuh-clusterd-*.pid; do
		[ -f "$f" ] || continue
		pid=$(cat "$f" 2>/dev/null) || continue
		case $pid in '' | *[!0-9]*) continue ;; esac
		alive "$pid" && echo "$pid"
	done
	return 0
}

stop_cluster() {
	pids=$(running_pids)
	[ -n "$pids" ] || return 0
	for pid in $pids; do
		say "stopping the cluster daemon (pid $pid)"
		kill "$pid" 2>/dev/null || true
	done
	for pid in $pids; do
		i=0
		while alive "$pid"; do
			i=$((i + 1))
			if [ "$i" -gt "$STOP_TRIES" ]; then
				say "pid $pid did not stop within ${STOP_TRIES}s; killing it"
				kill -9 "$pid" 2>/dev/null || true
				break
			fi
			sleep 1
		done
	done
	# wazuh-clusterd's pool children end with it; one left behind would hold its pid file.
	for f in "$RUN"/wazuh-clusterd_child_*-*.pid "$RUN"/wazuh-clusterd-*.pid; do
		[ -f "$f" ] || continue
		pid=$(cat "$f" 2>/dev/null) || pid=
		case $pid in '' | *[!0-9]*) ;; *) alive "$pid" && kill -9 "$pid" 2>/dev/null ;; esac
		rm -f "$f"
	done
}

# cluster_enabled is wazuh-control's test: a <cluster> section without <disabled>yes.
cluster_enabled() {
	conf=$WAZUH_HOME/etc/ossec.conf
	start=$(grep -n "<cluster>" "$conf" 2>/dev/null | cut -d: -f1 | head -n 1)
	end=$(grep -n "</cluster>" "$conf" 2>/dev/null | cut -d: -f1 | head -n 1)
	[ -n "$start" ] && [ -n "$end" ] || return 1
	! sed -n "${start},${end}p" "$conf" | grep -q "<disabled>yes"
}

start_cluster() {
	if ! cluster_enabled; then
		say "the cluster is disabled in etc/ossec.conf: not starting it"
		return 0
	fi
	say "starting bin/wazuh-clusterd"
	"$WAZUH_HOME/bin/wazuh-clusterd" || die "bin/wazuh-clusterd did not start (see $WAZUH_HOME/logs/cluster.log)"
	i=0
	while [ -z "$(running_pids)" ]; do
		i=$((i + 1))
		[ "$i" -le "$STOP_TRIES" ] || die "bin/wazuh-clusterd wrote no pid file in ${STOP_TRIES}s (see $WAZUH_HOME/logs/cluster.log)"
		sleep 1
	done
	say "the cluster daemon runs (pid $(running_pids | tr '\n' ' '| sed 's/ $//'))"
}

recorded() { [ -f "$MANIFEST" ] && grep -qx "$1" "$MANIFEST"; }
record() { recorded "$1" || echo "$1" >>"$MANIFEST"; }

# put_in_place copies src over dst through a temporary file in dst's folder (a crash leaves
# the old file or the new one), with the owner and mode of ref.
put_in_place() {
	src=$1 dst=$2 ref=$3
	tmp=$dst.clusterd-swap.tmp
	cp "$src" "$tmp"
	chown --reference="$ref" "$tmp" 2>/dev/null || true
	chmod --reference="$ref" "$tmp"
	mv -f "$tmp" "$dst"
}

install() {
	check_manager 4.14
	for f in $FILES; do
		[ -f "$PKG_DIR/$f" ] || die "the package is incomplete: $PKG_DIR/$f is missing"
	done
	changed=
	for f in $FILES; do
		cmp -s "$PKG_DIR/$f" "$WAZUH_HOME/$f" || changed="$changed $f"
	done
	if [ -z "$changed" ]; then
		say "clusterd is already installed at $WAZUH_HOME; nothing to do"
		return 0
	fi
	# Refuse before touching anything: a file that is neither Wazuh's launcher nor one this
	# script put there is someone else's.
	for f in $changed; do
		target=$WAZUH_HOME/$f
		if [ -e "$target" ] && ! is_wazuh_launcher "$target" && [ ! -e "$BACKUP/$f" ] && ! recorded "added $f"; then
			die "$target is neither Wazuh's launcher nor a file this script installed; not touching it"
		fi
	done
	was_running=
	[ "$RESTART" = yes ] && was_running=$(running_pids)
	[ -n "$was_running" ] && stop_cluster
	mkdir -p "$BACKUP/bin"
	chmod 750 "$BACKUP" "$BACKUP/bin"
	for f in $changed; do
		target=$WAZUH_HOME/$f
		if is_wazuh_launcher "$target"; then
			cp -p "$target" "$BACKUP/$f" # a Wazuh upgrade's launcher replaces an older backup
			record "replaced $f"
		elif [ ! -e "$target" ]; then
			record "added $f"
		fi
		ref=$BACKUP/$f
		[ -e "$ref" ] || ref=$BACKUP/bin/wazuh-clusterd
		[ -e "$ref" ] || ref=$WAZUH_HOME/bin/wazuh-control
		put_in_place "$PKG_DIR/$f" "$target" "$ref"
		say "installed $f"
	done
	[ -n "$was_running" ] && start_cluster
	say "done; the originals are in $BACKUP. Check with: $WAZUH_HOME/bin/cluster_control -l"
}

rollback() {
	check_manager
	if [ ! -f "$MANIFEST" ]; then
		say "nothing to roll back at $WAZUH_HOME: no clusterd installed by this script"
		return 0
	fi
	while read -r kind f; do
		if [ "$kind" = replaced ] && [ ! -f "$BACKUP/$f" ]; then
			die "the backup of $f is missing from $BACKUP; not rolling back"
		fi
	done <"$MANIFEST"
	was_running=
	[ "$RESTART" = yes ] && was_running=$(running_pids)
	[ -n "$was_running" ] && stop_cluster
	while read -r kind f; do
		case $kind in
		replaced)
			put_in_place "$BACKUP/$f" "$WAZUH_HOME/$f" "$BACKUP/$f"
			say "restored Wazuh's $f"
			;;
		added)
			rm -f "$WAZUH_HOME/$f"
			say "removed $f"
			;;
		esac
	done <"$MANIFEST"
	rm -rf "$BACKUP"
	[ -n "$was_running" ] && start_cluster
	say "done; Wazuh's wazuh-clusterd is back"
}

status() {
	check_manager
	say "Wazuh manager $(control_var VERSION) at $WAZUH_HOME"
	if [ -f "$MANIFEST" ]; then
		say "clusterd is installed (backup in $BACKUP):"
		sed 's/^/  /' "$MANIFEST"
	else
		say "Wazuh's own wazuh-clusterd is installed"
	fi
	pids=$(running_pids | tr '\n' ' ' | sed 's/ $//')
	if [ -n "$pids" ]; then say "the cluster daemon runs (pid $pids)"; else say "the cluster daemon is not running"; fi
}

case $action in
install) install ;;
rollback) rollback ;;
status) status ;;
esac
