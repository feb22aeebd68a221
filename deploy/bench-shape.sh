#!/usr/bin/env bash
# Wazuh's cluster benchmark shape with real processes: one clusterd master, W clusterd workers
# on their own loopback addresses and A simulated agents (agentsim, one process per worker,
# keepalive every 20 s), for each shape WxA in SHAPES. Prints each run's table (per phase, the
# master and the worst worker beside Wazuh's thresholds), collects one line per run in
# $DATA/growth.tsv and draws docs/benchmarks-growth.png from it with gnuplot.
#
# Environment: SHAPES (default "25x50000"; the growth grid is
# "5x10000 10x10000 25x10000 5x50000 10x50000 25x50000 10x100000 25x100000"), STEADY (default
# 3m), DATA (default var/bench-shape), PLOT (default docs/benchmarks-growth.png; "" for none),
# OTHERS_NICE (default 0: the niceness of the workers and agent simulators, which in Wazuh's shape
# each have a host of their own; 10 lets the master run first, as on a host of its own).
set -euo pipefail
cd "$(dirname "$0")/.."
shapes=${SHAPES:-25x50000}
steady=${STEADY:-3m}
data=${DATA:-var/bench-shape}
plot=${PLOT-docs/benchmarks-growth.png}
others_nice=${OTHERS_NICE:-0}

make build >/dev/null
go build -o bin/benchshape ./cmd/benchshape
mkdir -p "$data"
summary=$data/growth.tsv
rm -f "$summary"

echo "machine: $(nproc) CPU, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load average $(cut -d' ' -f1-3 /proc/loadavg)"
for shape in $shapes; do
  workers=${shape%x*} agents=${shape#*x}
  echo "== $workers workers, $agents agents"
  ./bin/benchshape -workers "$workers" -agents "$agents" -steady "$steady" -others-nice "$others_nice" -data "$data/run" -summary "$summary"
done
echo
column -t -s $'\t' "$summary"
if [ -n "$plot" ] && [ "$(wc -l <"$summary")" -gt 2 ]; then
  command -v gnuplot >/dev/null || { echo "gnuplot is not installed: no plot (apt-get install gnuplot-nox)"; exit 0; }
  gnuplot -e "data='$summary'; out='$plot'" deploy/bench-shape.gp
  echo "plot: $plot"
fi
