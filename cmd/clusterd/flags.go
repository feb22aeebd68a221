package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// options are the command line: wazuh-clusterd's flags (-f, -d, -V, -r, -t, -c, -h), then
// clusterd's own.
type options struct {
	foreground, version, root, test, help bool
	debug                                 int
	conf                                  string

	home, mode, pprof string
	faultSeed         int64
}

// debugLevel counts -d flags, as wazuh-clusterd's repeatable -d.
type debugLevel int

func (d *debugLevel) String() string   { return strconv.Itoa(int(*d)) }
func (d *debugLevel) IsBoolFlag() bool { return true }
func (d *debugLevel) Set(v string) error {
	if b, err := strconv.ParseBool(v); err == nil {
		if b {
			*d++
		}
		return nil
	}
	return errors.New("-d takes no value")
}

// errUsage is a command line that does not parse; the usage has been printed.
var errUsage = errors.New("bad command line")

// wazuhBoolFlags are wazuh-clusterd's one-letter flags without a value, which argparse lets a
// user group (-fd, -fdd, -td); -c takes one (-cFILE, -fc FILE).
const wazuhBoolFlags = "fdVrth"

// valueFlags take the next word as their value (unless written -flag=value).
var valueFlags = map[string]bool{"c": true, "home": true, "mode": true, "pprof": true, "fault-seed": true}

// expandShortFlags splits grouped one-letter flags as argparse reads them ("-fdd" is -f -d
// -d, "-fcFILE" is -f -c FILE) so that Go's flag package, which reads "-fd" as one flag
// named "fd", takes the same command lines as wazuh-clusterd. clusterd's long flags keep
// working with one dash: "-home" is not h, o, m, e.
func expandShortFlags(args []string) []string {
	out := make([]string, 0, len(args))
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			return append(out, args[i:]...)
		}
		name := strings.TrimLeft(a, "-")
		if strings.HasPrefix(a, "-") && !strings.Contains(name, "=") && valueFlags[name] {
			out = append(out, a) // its value follows, as it is
			if i+1 < len(args) {
				i++
				out = append(out, args[i])
			}
			continue
		}
		if len(a) <= 2 || a[0] != '-' || a[1] == '-' {
			out = append(out, a)
			continue
		}
		group, ok := splitGroup(a[1:])
		if !ok {
			out = append(out, a)
			continue
		}
		out = append(out, group...)
	}
	return out
}

// splitGroup reads "fdd" as -f -d -d and "fcFILE" as -f -c FILE; false when the word is not
// such a group (a long flag written with one dash).
func splitGroup(letters string) ([]string, bool) {
	var out []string
	for i := 0; i < len(letters); i++ {
		c := letters[i]
		switch {
		case c == 'c':
			out = append(out, "-c")
			if rest := letters[i+1:]; rest != "" {
				out = append(out, rest)
			}
			return out, true
		case strings.IndexByte(wazuhBoolFlags, c) >= 0:
			out = append(out, "-"+string(c))
		default:
			return nil, false
		}
	}
	return out, true
}

// parseArgs reads the command line. A line that does not parse prints the usage and the
// error as argparse does, and returns errUsage (exit status 2).
func parseArgs(prog string, args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet(prog, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	fs.BoolVar(&o.help, "h", false, "")
	fs.BoolVar(&o.help, "help", false, "")
	fs.BoolVar(&o.foreground, "f", false, "")
	var debug debugLevel
	fs.Var(&debug, "d", "")
	dd := fs.Bool("dd", false, "")
	fs.BoolVar(&o.version, "V", false, "")
	fs.BoolVar(&o.root, "r", false, "")
	fs.BoolVar(&o.test, "t", false, "")
	fs.StringVar(&o.conf, "c", "", "")
	fs.StringVar(&o.home, "home", "", "")
	fs.StringVar(&o.mode, "mode", "", "")
	fs.StringVar(&o.pprof, "pprof", "", "")
	fs.Int64Var(&o.faultSeed, "fault-seed", 0, "")
	err := fs.Parse(expandShortFlags(args))
	if err == nil && fs.NArg() > 0 {
		err = fmt.Errorf("unrecognized arguments: %s", strings.Join(fs.Args(), " "))
	}
	if err != nil {
		fmt.Fprint(stderr, usage(prog))
		fmt.Fprintf(stderr, "%s: error: %v\n", prog, err)
		return o, errUsage
	}
	o.debug = int(debug)
	if *dd {
		o.debug = 2
	}
	switch o.mode {
	case "", "auto", "wazuh", "standalone":
	default:
		fmt.Fprint(stderr, usage(prog))
		fmt.Fprintf(stderr, "%s: error: argument --mode: invalid choice: %q (choose from 'auto', 'wazuh', 'standalone')\n", prog, o.mode)
		return o, errUsage
	}
	return o, nil
}

// usage is the first line of the help, as argparse wraps it.
func usage(prog string) string {
	indent := strings.Repeat(" ", len("usage: ")+len(prog)+1)
	return "usage: " + prog + " [-h] [-f] [-d] [-V] [-r] [-t] [-c config]\n" +
		indent + "[--home DIR] [--mode {auto,wazuh,standalone}] [--pprof ADDR] [--fault-seed N]\n"
}

// help is wazuh-clusterd's help (its argparse text: the same options, in its order, with its
// words), then clusterd's own options.
func help(prog string) string {
	return usage(prog) + `
options:
  -h, --help        show this help message and exit
  -f                Run in foreground
  -d                Enable debug messages. Use twice to increase verbosity.
  -V                Print version
  -r                Run as root
  -t                Test configuration
  -c config         Configuration file to use

clusterd options:
  --home DIR        Wazuh installation folder (default: the folder above bin/ when run
                    from <home>/bin beside <home>/etc/ossec.conf, else /var/ossec)
  --mode MODE       wazuh: the cluster daemon of the Wazuh manager at the home;
                    standalone: with its own agent store, enrollment and agent listener;
                    auto: wazuh on a Wazuh manager install, else standalone (default:
                    clusterd.mode in cluster.json, auto)
  --pprof ADDR      serve Go runtime profiles on ADDR (e.g. 127.0.0.1:6060); off by default
  --fault-seed N    seed of the fault injector (chaos testing)
`
}
