#!/bin/sh
# package.sh BIN_DIR OUT_DIR VERSION ARCH: the tarball an operator puts clusterd in place of a
# Wazuh 4.14.x manager's wazuh-clusterd with (see README.md, "In place of wazuh-clusterd"):
#
#   clusterd-VERSION-linux-ARCH/
#     bin/wazuh-clusterd    clusterd, under the name wazuh-control starts
#     bin/cluster_control   clusterd's cluster_control (Wazuh's options and output)
#     bin/actorctl          the actor tree of the running node
#     clusterd-swap.sh      install, rollback, status
#
# BIN_DIR holds the static binaries (make build). The tarball is OUT_DIR/clusterd-VERSION-linux-ARCH.tar.gz.
set -eu
[ $# -eq 4 ] || {
	sed -n '2,12s/^# \{0,1\}//p' "$0" >&2
	exit 2
}
bin=$1 out=$2 version=$3 arch=$4
here=$(cd "$(dirname "$0")" && pwd)
name=clusterd-$version-linux-$arch
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/$name/bin" "$out"
cp "$bin/clusterd" "$stage/$name/bin/wazuh-clusterd"
cp "$bin/cluster_control" "$stage/$name/bin/cluster_control"
cp "$bin/actorctl" "$stage/$name/bin/actorctl"
cp "$here/clusterd-swap.sh" "$stage/$name/clusterd-swap.sh"
chmod 750 "$stage/$name/bin/"*
chmod 755 "$stage/$name/clusterd-swap.sh"
tar -C "$stage" --owner=0 --group=0 -czf "$out/$name.tar.gz" "$name"
echo "$out/$name.tar.gz"
