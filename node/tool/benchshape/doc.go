// Package benchshape runs Wazuh's own cluster benchmark shape with real processes: one clusterd
// master, a number of clusterd workers on their own loopback addresses, and simulated agents
// (agentsim processes, one per worker) that report to the workers at Wazuh's default
// keepalive. It samples every node's CPU, unique memory and descriptors each second, reads each
// task's duration from the nodes' cluster.log, and reports the statistics Wazuh's release
// pipeline checks, per phase, in the layout of Wazuh's artifacts.
//
// The phases are Wazuh's: on each node the setup phase runs from its first to its last
// integrity sync, and the stable phase is what follows. A third window, "steady", is the last
// part of the run, after every agent is connected and its status has reached the master.
package benchshape
