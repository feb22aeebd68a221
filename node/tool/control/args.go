package control

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/clusterd/clusterd/messages"
)

// DefaultHome is the installation directory clusterd and Wazuh use unless told otherwise.
const DefaultHome = "/var/ossec"

// Options are cluster_control's arguments, named after the attributes of Wazuh's argparse
// namespace, plus clusterd's Home.
type Options struct {
	// Help is -h/--help: print the argparse help and exit 0.
	Help bool
	// Debug is -d/--debug: log at DEBUG level and fail with exit status 1 on errors.
	Debug bool
	// FilterNode is -fn/--filter-node NODE...: nil when the flag is absent (Python's None,
	// JSON null), empty but not nil when it is given without names.
	FilterNode []string
	// FilterStatus is -fs/--filter-agent-status STATUS..., with the same nil convention.
	FilterStatus []string
	// ListAgents, ListNodes, Health and Usage form Wazuh's mutually exclusive group.
	ListAgents bool
	ListNodes  bool
	// Health is the value of -i/--health: "" when absent, "health" when given alone, the given
	// word otherwise ("more", in any case, asks for the detailed report).
	Health string
	Usage  bool
	// Home is the installation directory holding queue/cluster/c-internal.sock (--home DIR).
	Home string
}

// HealthMore reports whether -i asked for the detailed report (args.health.lower() == 'more').
func (o Options) HealthMore() bool { return strings.ToLower(o.Health) == "more" }

// ArgumentError is a command line argparse would refuse; Run prints it after the short usage,
// as "<prog>: error: <message>", and exits with status 2.
type ArgumentError struct{ Message string }

func (e *ArgumentError) Error() string { return e.Message }

// arity is how many values an option takes, in argparse's terms.
type arity int

const (
	noValue       arity = iota // store_true / store_const
	anyValues                  // nargs='*'
	optionalValue              // nargs='?'
	oneValue                   // nargs=None
)

// option is one argparse argument of cluster_control.
type option struct {
	flags     []string // short first, as in the parser definition
	arity     arity
	exclusive bool // member of the mutually exclusive group
	constant  string
	apply     func(o *Options, values []string)
}

// name is argparse's name for an option in error messages ("-l/--list-nodes").
func (opt *option) name() string { return strings.Join(opt.flags, "/") }

// options are declared in the order of Wazuh's parser (-h first, as argparse adds it), which
// is the order ambiguity messages list them in. --home comes last and is not advertised in the
// help, so that the help stays Wazuh's.
var options = []*option{
	{flags: []string{"-h", "--help"}, apply: func(o *Options, _ []string) { o.Help = true }},
	{flags: []string{"-d", "--debug"}, apply: func(o *Options, _ []string) { o.Debug = true }},
	{flags: []string{"-fn", "--filter-node"}, arity: anyValues,
		apply: func(o *Options, v []string) { o.FilterNode = append([]string{}, v...) }},
	{flags: []string{"-fs", "--filter-agent-status"}, arity: anyValues,
		apply: func(o *Options, v []string) { o.FilterStatus = append([]string{}, v...) }},
	{flags: []string{"-a", "--list-agents"}, exclusive: true, apply: func(o *Options, _ []string) { o.ListAgents = true }},
	{flags: []string{"-l", "--list-nodes"}, exclusive: true, apply: func(o *Options, _ []string) { o.ListNodes = true }},
	{flags: []string{"-i", "--health"}, arity: optionalValue, exclusive: true, constant: "health",
		apply: func(o *Options, v []string) { o.Health = v[0] }},
	{flags: []string{"-u", "--usage"}, exclusive: true, apply: func(o *Options, _ []string) { o.Usage = true }},
	{flags: []string{"--home"}, arity: oneValue, apply: func(o *Options, v []string) { o.Home = v[0] }},
}

// optionByFlag indexes options by every spelling.
var optionByFlag = func() map[string]*option {
	m := make(map[string]*option)
	for _, opt := range options {
		for _, f := range opt.flags {
			m[f] = opt
		}
	}
	return m
}()

// negativeNumber is argparse's _negative_number_matcher: such words are values, not options.
var negativeNumber = regexp.MustCompile(`^-\d+$|^-\d*\.\d+$`)

// ParseArgs parses cluster_control's arguments (without the program name) following Python
// 3.10 argparse: unambiguous prefixes of long options, "--opt=value" and "-oVALUE" forms,
// bundled single-letter flags ("-dl"), options taking all the values that follow them, an
// optional value for -i, and the mutually exclusive group -a | -l | -i | -u. Parsing stops at
// -h, as argparse prints the help as soon as it meets it.
func ParseArgs(args []string) (Options, error) {
	words, err := classifyWords(args)
	if err != nil {
		return Options{}, err
	}
	opts := Options{Home: DefaultHome}
	var extras []string
	var seenExclusive *option
	for i := 0; i < len(words); {
		w := words[i]
		i++
		if w.kind != 'O' || w.opt == nil {
			extras = append(extras, w.text)
			continue
		}
		actions, consumed, err := collectActions(w, words[i:])
		if err != nil {
			return Options{}, err
		}
		i += consumed
		for _, act := range actions {
			if act.opt.exclusive {
				if seenExclusive != nil && seenExclusive != act.opt {
					return Options{}, &ArgumentError{Message: fmt.Sprintf("argument %s: not allowed with argument %s",
						act.opt.name(), seenExclusive.name())}
				}
				seenExclusive = act.opt
			}
			act.opt.apply(&opts, act.values)
			if opts.Help {
				return Options{Help: true, Home: DefaultHome}, nil
			}
		}
	}
	if len(extras) > 0 {
		return Options{}, &ArgumentError{Message: "unrecognized arguments: " + strings.Join(extras, " ")}
	}
	if opts.Home == "" {
		// --home is ours, not Wazuh's: an empty directory would silently mean the current
		// one, so it is refused like a missing value.
		return Options{}, &ArgumentError{Message: "argument --home: expected a directory, got an empty string"}
	}
	return opts, nil
}

// word is one command-line word with argparse's verdict on it: kind 'O' for an option (opt is
// nil when unknown), 'A' for a value, '-' for the "--" separator.
type word struct {
	text     string
	kind     byte
	opt      *option
	flag     string
	explicit *string
}

// classifyWords reproduces argparse's first pass, which resolves every option word up front;
// an ambiguous abbreviation is refused even if it comes after -h. Every word after "--" is a
// value.
func classifyWords(args []string) ([]word, error) {
	words := make([]word, len(args))
	afterSeparator := false
	for i, arg := range args {
		words[i].text = arg
		switch {
		case afterSeparator:
			words[i].kind = 'A'
		case arg == "--":
			words[i].kind = '-'
			afterSeparator = true
		case looksLikeOption(arg):
			opt, flag, explicit, err := resolveOption(arg)
			if err != nil {
				return nil, err
			}
			words[i] = word{text: arg, kind: 'O', opt: opt, flag: flag, explicit: explicit}
		default:
			words[i].kind = 'A'
		}
	}
	return words, nil
}

// action is one option to apply with its values.
type action struct {
	opt    *option
	values []string
}

// collectActions is argparse's consume_optional: it unbundles "-dl" into -d and -l, takes a
// glued value ("-imore", "--health=more") or the values that follow, and reports how many of
// the following words it consumed. Errors come before any action is applied, as in argparse.
func collectActions(w word, ahead []word) ([]action, int, error) {
	var actions []action
	opt, flag, explicit := w.opt, w.flag, w.explicit
	for {
		switch {
		case explicit == nil:
			n := countValues(opt.arity, ahead)
			if opt.arity == oneValue && n == 0 {
				return nil, 0, &ArgumentError{Message: fmt.Sprintf("argument %s: expected one argument", opt.name())}
			}
			values := make([]string, n)
			for k := range n {
				values[k] = ahead[k].text
			}
			return append(actions, action{opt, withConstant(opt, values)}), n, nil
		case opt.arity != noValue:
			return append(actions, action{opt, []string{*explicit}}), 0, nil
		case strings.HasPrefix(flag, "--") || *explicit == "":
			return nil, 0, ignoredExplicit(opt, *explicit)
		}
		// "-dl": the rest of the word is more single-letter options.
		actions = append(actions, action{opt: opt})
		bundled := "-" + (*explicit)[:1]
		next := optionByFlag[bundled]
		if next == nil {
			return nil, 0, ignoredExplicit(opt, *explicit)
		}
		rest := (*explicit)[1:]
		opt, flag, explicit = next, bundled, &rest
		if rest == "" {
			explicit = nil
		}
	}
}

// withConstant gives -i its constant when it is used without a value.
func withConstant(opt *option, values []string) []string {
	if opt.arity == optionalValue && len(values) == 0 {
		return []string{opt.constant}
	}
	return values
}

// ignoredExplicit is argparse's error for a value glued to an option that takes none.
func ignoredExplicit(opt *option, explicit string) error {
	return &ArgumentError{Message: fmt.Sprintf("argument %s: ignored explicit argument %s", opt.name(), messages.PyStrRepr(explicit))}
}

// countValues is how many of the words ahead an option consumes: argparse matches its nargs
// pattern against the following run of values, which stops at the next option or at "--".
func countValues(a arity, ahead []word) int {
	run := 0
	for run < len(ahead) && ahead[run].kind == 'A' {
		run++
	}
	switch a {
	case anyValues:
		return run
	case optionalValue, oneValue:
		return min(run, 1)
	default:
		return 0
	}
}

// looksLikeOption is argparse's first test in _parse_optional: does the word start an option
// (known or not), or is it a value?
func looksLikeOption(arg string) bool {
	if arg == "" || arg[0] != '-' || arg == "-" {
		return false
	}
	if _, ok := optionByFlag[arg]; ok {
		return true
	}
	if name, _, found := strings.Cut(arg, "="); found {
		if _, ok := optionByFlag[name]; ok {
			return true
		}
	}
	if len(prefixMatches(arg)) > 0 {
		return true
	}
	if negativeNumber.MatchString(arg) || strings.Contains(arg, " ") {
		return false
	}
	return true
}

// resolveOption finds the option a word names, with the value glued to it if any. A nil option
// without error is an unknown option, which argparse reports among the unrecognized arguments.
func resolveOption(arg string) (opt *option, flag string, explicit *string, err error) {
	if opt, ok := optionByFlag[arg]; ok {
		return opt, arg, nil, nil
	}
	if name, value, found := strings.Cut(arg, "="); found {
		if opt, ok := optionByFlag[name]; ok {
			return opt, name, &value, nil
		}
	}
	matches := prefixMatches(arg)
	switch len(matches) {
	case 0:
		return nil, "", nil, nil
	case 1:
		return matches[0].opt, matches[0].flag, matches[0].explicit, nil
	}
	flags := make([]string, len(matches))
	for i, m := range matches {
		flags[i] = m.flag
	}
	return nil, "", nil, &ArgumentError{Message: fmt.Sprintf("ambiguous option: %s could match %s",
		arg, strings.Join(flags, ", "))}
}

// prefixMatch is one candidate of argparse's _get_option_tuples.
type prefixMatch struct {
	opt      *option
	flag     string
	explicit *string
}

// prefixMatches reproduces argparse's _get_option_tuples: "--pre[=value]" matches every flag
// starting with "--pre"; "-xyz" matches the flag "-x" with "yz" glued to it, and every flag
// starting with "-xyz".
func prefixMatches(arg string) []prefixMatch {
	var out []prefixMatch
	if len(arg) < 2 || arg[0] != '-' {
		return nil
	}
	if arg[1] == '-' {
		prefix, value, found := strings.Cut(arg, "=")
		var explicit *string
		if found {
			explicit = &value
		}
		for _, opt := range options {
			for _, f := range opt.flags {
				if strings.HasPrefix(f, prefix) {
					out = append(out, prefixMatch{opt: opt, flag: f, explicit: explicit})
				}
			}
		}
		return out
	}
	short, glued := arg[:2], arg[2:]
	for _, opt := range options {
		for _, f := range opt.flags {
			switch {
			case f == short:
				g := glued
				out = append(out, prefixMatch{opt: opt, flag: f, explicit: &g})
			case strings.HasPrefix(f, arg):
				out = append(out, prefixMatch{opt: opt, flag: f})
			}
		}
	}
	return out
}
