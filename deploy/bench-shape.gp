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
# rows(w): the data lines of the runs with w workers, so that each line joins only its own points.
rows(w) = sprintf("< awk -F'\t' 'NR > 1 && $1 == %s' '%s'", w, data)
set multiplot layout 1,3 title "clusterd master, Wazuh's benchmark shape, real processes (2 vCPU)"
set title "CPU, mean (% of one core)"
plot for [w in "5 10 25"] rows(w) using 2:5 with linespoints title w." workers"
set title "USS, max (MB)"
plot for [w in "5 10 25"] rows(w) using 2:8 with linespoints title w." workers"
set title "agent-info sync on the master, max (s)"
plot for [w in "5 10 25"] rows(w) using 2:11 with linespoints title w." workers"
unset multiplot
