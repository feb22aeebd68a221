//go:build !unix

package node

// raiseDescriptorLimit knows no limit on this platform: the budget falls back to its default.
func raiseDescriptorLimit() (limit, raisedFrom int, err error) { return 0, 0, nil }
