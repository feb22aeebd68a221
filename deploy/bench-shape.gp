# Growth of the master's cost with workers and agents, from deploy/bench-shape.sh's growth.tsv
# (steady window: every agent connected and reported). Call with -e "data='…'; out='…'".
set terminal pngcairo size 1200,420 font ",10"
set output out
set datafile separator "\t"
set key top left
set grid
set logscale x
set xtics ("10k" 10000, "50k" 50000, "100k" 100000)
set xrange [8000:125000]
set yrange [0:*]
set xlabel "agents"
set multiplot layout 1,3 title "clusterd master, Wazuh's benchmark shape, real processes (2 vCPU)"
set title "CPU, mean (% of one core)"
plot for [w in "5 10 25"] data using 2:($1==w+0 ? $5 : NaN) skip 1 with linespoints title w." workers"
set title "USS, max (MB)"
plot for [w in "5 10 25"] data using 2:($1==w+0 ? $8 : NaN) skip 1 with linespoints title w." workers"
set title "agent-info sync on the master, max (s)"
plot for [w in "5 10 25"] data using 2:($1==w+0 ? $11 : NaN) skip 1 with linespoints title w." workers"
unset multiplot
