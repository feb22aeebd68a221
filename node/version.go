package node

// Version is clusterd's own version, set at build time with
// -ldflags "-X github.com/clusterd/clusterd/node.Version=...".
var Version = "0.1.0-dev"
