package control

import (
	"errors"
	"reflect"
	"testing"
)

// The expectations below were produced by running Wazuh's argparse definition
// (framework/scripts/cluster_control.py main) under CPython's argparse on each command line.
func TestParseArgsMatchesArgparse(t *testing.T) {
	cases := []struct {
		args []string
		want Options
		err  string
	}{
		{args: nil, want: Options{Home: DefaultHome}},
		{args: []string{"-l"}, want: Options{ListNodes: true, Home: DefaultHome}},
		{args: []string{"-a"}, want: Options{ListAgents: true, Home: DefaultHome}},
		{args: []string{"-u"}, want: Options{Usage: true, Home: DefaultHome}},
		{args: []string{"-i"}, want: Options{Health: "health", Home: DefaultHome}},
		{args: []string{"-i", "more"}, want: Options{Health: "more", Home: DefaultHome}},
		{args: []string{"-i", "MORE"}, want: Options{Health: "MORE", Home: DefaultHome}},
		{args: []string{"-imore"}, want: Options{Health: "more", Home: DefaultHome}},
		{args: []string{"-i=more"}, want: Options{Health: "more", Home: DefaultHome}},
		{args: []string{"--health=more"}, want: Options{Health: "more", Home: DefaultHome}},
		{args: []string{"--health", "more"}, want: Options{Health: "more", Home: DefaultHome}},
		{args: []string{"--hea", "more"}, want: Options{Health: "more", Home: DefaultHome}},
		{args: []string{"-i", "-fn", "w1"}, want: Options{FilterNode: []string{"w1"}, Health: "health", Home: DefaultHome}},
		{args: []string{"-fn", "w1", "w2", "-i"}, want: Options{FilterNode: []string{"w1", "w2"}, Health: "health", Home: DefaultHome}},
		{args: []string{"-i", "w1"}, want: Options{Health: "w1", Home: DefaultHome}},
		{args: []string{"-fn"}, want: Options{FilterNode: []string{}, Home: DefaultHome}},
		{args: []string{"-fn", "-l"}, want: Options{FilterNode: []string{}, ListNodes: true, Home: DefaultHome}},
		{args: []string{"-l", "-fn", "a", "b", "c"}, want: Options{FilterNode: []string{"a", "b", "c"}, ListNodes: true, Home: DefaultHome}},
		{args: []string{"-fn=a", "b"}, err: "unrecognized arguments: b"},
		{args: []string{"--filter-node=a"}, want: Options{FilterNode: []string{"a"}, Home: DefaultHome}},
		{args: []string{"--filter-n", "x"}, want: Options{FilterNode: []string{"x"}, Home: DefaultHome}},
		{args: []string{"-fs", "active", "disconnected", "-a"}, want: Options{FilterStatus: []string{"active", "disconnected"}, ListAgents: true, Home: DefaultHome}},
		{args: []string{"-a", "-fs"}, want: Options{FilterStatus: []string{}, ListAgents: true, Home: DefaultHome}},
		{args: []string{"-dl"}, want: Options{Debug: true, ListNodes: true, Home: DefaultHome}},
		{args: []string{"-ld"}, want: Options{Debug: true, ListNodes: true, Home: DefaultHome}},
		{args: []string{"-da"}, want: Options{Debug: true, ListAgents: true, Home: DefaultHome}},
		{args: []string{"-dimore"}, want: Options{Debug: true, Health: "more", Home: DefaultHome}},
		{args: []string{"-di", "more"}, want: Options{Debug: true, Health: "more", Home: DefaultHome}},
		{args: []string{"-al"}, err: "argument -l/--list-nodes: not allowed with argument -a/--list-agents"},
		{args: []string{"-a", "-l"}, err: "argument -l/--list-nodes: not allowed with argument -a/--list-agents"},
		{args: []string{"-l", "-l"}, want: Options{ListNodes: true, Home: DefaultHome}},
		{args: []string{"-i", "-u"}, err: "argument -u/--usage: not allowed with argument -i/--health"},
		{args: []string{"--list"}, err: "ambiguous option: --list could match --list-agents, --list-nodes"},
		{args: []string{"--l"}, err: "ambiguous option: --l could match --list-agents, --list-nodes"},
		{args: []string{"-f"}, err: "ambiguous option: -f could match -fn, -fs"},
		{args: []string{"--fil"}, err: "ambiguous option: --fil could match --filter-node, --filter-agent-status"},
		{args: []string{"--de"}, want: Options{Debug: true, Home: DefaultHome}},
		{args: []string{"--debug=1"}, err: "argument -d/--debug: ignored explicit argument '1'"},
		{args: []string{"-d=1"}, err: "argument -d/--debug: ignored explicit argument '1'"},
		{args: []string{"-dx"}, err: "argument -d/--debug: ignored explicit argument 'x'"},
		{args: []string{"-fnx"}, err: "unrecognized arguments: -fnx"},
		{args: []string{"-x"}, err: "unrecognized arguments: -x"},
		{args: []string{"foo"}, err: "unrecognized arguments: foo"},
		{args: []string{"-l", "foo"}, err: "unrecognized arguments: foo"},
		{args: []string{"-fn", "a", "--", "b"}, err: "unrecognized arguments: -- b"},
		{args: []string{"--"}, err: "unrecognized arguments: --"},
		{args: []string{"-fn", "-5"}, want: Options{FilterNode: []string{"-5"}, Home: DefaultHome}},
		{args: []string{"-fn", "a b"}, want: Options{FilterNode: []string{"a b"}, Home: DefaultHome}},
		{args: []string{"-fn", "-a b"}, err: "argument -a/--list-agents: ignored explicit argument ' b'"},
		{args: []string{"-h", "-a", "-l"}, want: Options{Help: true, Home: DefaultHome}},
		{args: []string{"-a", "-l", "-h"}, err: "argument -l/--list-nodes: not allowed with argument -a/--list-agents"},
		{args: []string{"-x", "-h"}, want: Options{Help: true, Home: DefaultHome}},
		{args: []string{"-hx"}, err: "argument -h/--help: ignored explicit argument 'x'"},
		{args: []string{"-hd"}, want: Options{Help: true, Home: DefaultHome}},
		{args: []string{"-fn", "a", "-fn", "b"}, want: Options{FilterNode: []string{"b"}, Home: DefaultHome}},
		{args: []string{"-i", ""}, want: Options{Health: "", Home: DefaultHome}},
		{args: []string{"-fn", "-"}, want: Options{FilterNode: []string{"-"}, Home: DefaultHome}},
		{args: []string{"-l", "--list-nodes"}, want: Options{ListNodes: true, Home: DefaultHome}},
		{args: []string{"--list-n"}, want: Options{ListNodes: true, Home: DefaultHome}},
		{args: []string{"-lfoo"}, err: "argument -l/--list-nodes: ignored explicit argument 'foo'"},
		{args: []string{"-i", "-5"}, want: Options{Health: "-5", Home: DefaultHome}},
		{args: []string{"--usage"}, want: Options{Usage: true, Home: DefaultHome}},
		{args: []string{"--u"}, want: Options{Usage: true, Home: DefaultHome}},
		{args: []string{"-d", "--debug"}, want: Options{Debug: true, Home: DefaultHome}},
		{args: []string{"--health"}, want: Options{Health: "health", Home: DefaultHome}},
		{args: []string{"-fs=x"}, want: Options{FilterStatus: []string{"x"}, Home: DefaultHome}},
		{args: []string{"-fs="}, want: Options{FilterStatus: []string{""}, Home: DefaultHome}},
		{args: []string{"--filter-agent-status", "a", "b"}, want: Options{FilterStatus: []string{"a", "b"}, Home: DefaultHome}},
		// clusterd's own option.
		{args: []string{"--home", "/opt/wazuh", "-l"}, want: Options{ListNodes: true, Home: "/opt/wazuh"}},
		{args: []string{"--home=/opt/wazuh"}, want: Options{Home: "/opt/wazuh"}},
		{args: []string{"--home"}, err: "argument --home: expected one argument"},
		{args: []string{"--home", "-l"}, err: "argument --home: expected one argument"},
		{args: []string{"--ho", ""}, err: "argument --home: expected a directory, got an empty string"},
		{args: []string{"--home="}, err: "argument --home: expected a directory, got an empty string"},
		{args: []string{"--h"}, err: "ambiguous option: --h could match --help, --health, --home"},
	}
	for _, tc := range cases {
		got, err := ParseArgs(tc.args)
		if tc.err != "" {
			var argErr *ArgumentError
			if !errors.As(err, &argErr) || argErr.Message != tc.err {
				t.Errorf("ParseArgs(%q) error = %v, want %q", tc.args, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseArgs(%q) unexpected error: %v", tc.args, err)
			continue
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("ParseArgs(%q) = %+v, want %+v", tc.args, got, tc.want)
		}
	}
}

func TestHealthMoreIgnoresCase(t *testing.T) {
	for health, want := range map[string]bool{"more": true, "MORE": true, "More": true, "health": false, "": false, "mores": false} {
		if got := (Options{Health: health}).HealthMore(); got != want {
			t.Errorf("Options{Health: %q}.HealthMore() = %v, want %v", health, got, want)
		}
	}
}
