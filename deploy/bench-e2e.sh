#!/usr/bin/env bash
# Real-process benchmarks: a full integrity sync from a clusterd master to an empty clusterd
# worker (two processes on loopback), over about 928 MiB of text varied from Wazuh's ruleset
# XML and over 1.1 GiB of random bytes. Prints one table row per run; docs/benchmarks.md holds
# the figures.
#
# Environment: RULESET (a folder of Wazuh ruleset .xml files) or WAZUH_REPO (a Wazuh git
# repository or git dir, read at tag WAZUH_TAG, default v4.14.7); RUNS (default 3); KINDS
# (default "text random"); DATA (default var/bench: generated trees, kept across runs).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-3}
kinds=${KINDS:-text random}
data=${DATA:-var/bench}
tag=${WAZUH_TAG:-v4.14.7}

make build >/dev/null
go build -o bin/benchsync ./cmd/benchsync

ruleset=${RULESET:-}
if [ -z "$ruleset" ] && [[ " $kinds " == *" text"* ]]; then
  repo=${WAZUH_REPO:?set RULESET to a folder of ruleset XML, or WAZUH_REPO to a Wazuh git repository}
  ruleset=$data/ruleset-$tag
  if [ ! -d "$ruleset" ]; then
    mkdir -p "$ruleset"
    git -C "$repo" ls-tree -r --name-only "$tag" ruleset/rules ruleset/decoders | grep '\.xml$' |
      while read -r f; do
        mkdir -p "$ruleset/$(dirname "$f")"
        git -C "$repo" show "$tag:$f" >"$ruleset/$f"
      done
  fi
fi

echo "machine: $(nproc) CPU, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load average $(cut -d' ' -f1-3 /proc/loadavg)"
for kind in $kinds; do
  case $kind in
    text) ./bin/benchsync -kind text -size 928 -ruleset "$ruleset" -data "$data" -runs "$runs" ;;
    random) ./bin/benchsync -kind random -size 1126 -data "$data" -runs "$runs" ;;
    text-over) # more than max_zip_size inflated: the fewest rounds is ceil(size / max_zip_size)
      ./bin/benchsync -kind text -size 928 -ruleset "$ruleset" -data "$data" -runs "$runs" -max-zip-size $((400 << 20)) ;;
  esac
done
