// Package authd implements Wazuh's agent enrollment service (wazuh-authd): the one-line TLS
// request on port 1515, the master-side decision with its force (replacement) rules, the
// worker-side forwarding to the master through the cluster, and the authd local JSON API
// (add, remove, get) that the master answers for workers, key requests and the API.
//
// The package keeps no keystore of its own: a master talks to a Store (client.keys order and id
// allocation are the store's business) and a worker to a Forwarder (the cluster's sendsync).
// Replies are byte-compatible with Wazuh v4.14.7 authd.
package authd
