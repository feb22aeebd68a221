package clientkeys

import "errors"

// ErrMalformed is returned for a client.keys text or entry list that breaks the format.
var ErrMalformed = errors.New("bad client.keys")
