package nodetest

import "errors"

// errNotEnrolling means the member runs no enrollment listener (stopped, or started without a
// store).
var errNotEnrolling = errors.New("enrollment is not running")
