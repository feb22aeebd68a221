// Package nodetest runs a whole clusterd cluster inside one test process: a master and N
// workers, each a real node with its own loopback address (127.x.y.z), TCP and Unix sockets,
// memberlist and data directory, with fast timers. It also holds the polling helper the tests
// use instead of sleeps.
package nodetest
