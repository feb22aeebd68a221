package pyframework

import (
	_ "embed" // the helper's source
	"encoding/json"
)

// helperSource is the program the framework's process runs (helper.py, shipped in the
// binary): it reads requests, runs them with the framework's DistributedAPI and writes the
// answers.
//
//go:embed helper.py
var helperSource []byte

// helperName is the file name tracebacks give the helper's source.
const helperName = "<clusterd>/framework_helper.py"

// bootstrap is the interpreter's -c program: it reads the helper's source from the first
// frame of stdin (a 4-byte big-endian length and the text), unbuffered so that nothing after
// it is read ahead, and runs it as __main__. Nothing is written to disk, and the command line
// stays short.
const bootstrap = `import os
def _clusterd_read(n):
    b = b''
    while len(b) < n:
        c = os.read(0, n - len(b))
        if not c:
            raise SystemExit(1)
        b += c
    return b
exec(compile(_clusterd_read(int.from_bytes(_clusterd_read(4), 'big')), '` + helperName + `', 'exec'))
`

// helperConfig is the helper's configuration, its argv[1].
type helperConfig struct {
	MaxRequest int      `json:"max_request"` // the largest request frame it reads
	MaxAnswer  int      `json:"max_answer"`  // the largest answer frame it writes (a larger result is an error)
	Debug      int      `json:"debug"`       // 0 INFO, 1 and 2 DEBUG
	Path       []string `json:"path"`        // put first on sys.path
	LogFile    string   `json:"log_file"`    // the file dapi_errors names (where clusterd writes the helper's logs)
}

func (c helperConfig) encode() string {
	b, err := json.Marshal(c)
	if err != nil {
		panic(err) // plain strings and numbers
	}
	return string(b)
}
