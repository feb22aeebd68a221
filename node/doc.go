// Package node assembles one clusterd node: it reads the configuration (the <cluster> section
// of ossec.conf and the internal options of cluster.json), sets up logging and the data
// directory, binds the sockets, starts memberlist for liveness and the actor tree, and stops
// them again in order.
package node
