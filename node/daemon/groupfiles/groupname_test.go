package groupfiles

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestValidateGroupList(t *testing.T) {
	long := strings.Repeat("g", 256)
	cases := []struct {
		in   string
		want []string
		err  string
	}{
		{"default", []string{"default"}, ""},
		{"web,default,web", []string{"web", "default"}, ""},
		{"a.b_c-d:e;f=g+h!i@j(k)", []string{"a.b_c-d:e;f=g+h!i@j(k)"}, ""},
		{strings.Repeat("g", 255), []string{strings.Repeat("g", 255)}, ""},
		{"", nil, "Invalid group name: Empty Group"},
		{long, nil, "Invalid group name: " + long[:255] + "... group is too large"},
		{"ok," + long, nil, "Invalid group name: " + long[:255] + "... group is too large"},
		{"web,,db", nil, "Invalid group name: web,,db... consecutive ',' are not allowed"},
		{",web", nil, "Invalid group name: ,web... cannot start or end with ','"},
		{"web,", nil, "Invalid group name: web,... cannot start or end with ','"},
		{",", nil, `Invalid group name: ,... characters '\/:*?"<>|,' are prohibited`},
		{",,", nil, "Invalid group name: ,,... consecutive ',' are not allowed"},
		{"web,my group", nil, "Invalid group name: web,my group... white spaces are not allowed"},
		{"my group", nil, `Invalid group name: my group... characters '\/:*?"<>|,' are prohibited`},
		{"a/b", nil, `Invalid group name: a/b... characters '\/:*?"<>|,' are prohibited`},
		{"web,a*b", nil, `Invalid group name: web,a*b... characters '\/:*?"<>|,' are prohibited`},
		{"é", nil, `Invalid group name: é... characters '\/:*?"<>|,' are prohibited`},
		{strings.Repeat("a,", 32768) + "a", nil, "Invalid group name: " + strings.Repeat("a,", 127) + "a... multigroup is too large"},
	}
	for _, c := range cases {
		got, err := ValidateGroupList(c.in)
		if c.err == "" {
			if err != nil || !reflect.DeepEqual(got, c.want) {
				t.Errorf("%.40q: got %v, %v", c.in, got, err)
			}
			continue
		}
		var gerr *GroupNameError
		if !errors.As(err, &gerr) || err.Error() != c.err || !errors.Is(err, ErrInvalidGroupName) {
			t.Errorf("%.40q:\n got %v\nwant %s", c.in, err, c.err)
		}
	}
}

func TestValidateGroupName(t *testing.T) {
	for _, ok := range []string{"default", "Web_01", "a.b-c", "...", strings.Repeat("x", 255)} {
		if err := ValidateGroupName(ok); err != nil {
			t.Errorf("%q: %v", ok, err)
		}
	}
	bad := map[string]string{
		"":                       "Invalid group name: Empty Group",
		".":                      "Invalid group name: .",
		"..":                     "Invalid group name: ..",
		"a:b":                    "Invalid group name: a:b",
		"a/b":                    "Invalid group name: a/b",
		"a,b":                    "Invalid group name: a,b",
		"a b":                    "Invalid group name: a b",
		strings.Repeat("x", 256): "Invalid group name: " + strings.Repeat("x", 255) + "... group is too large",
	}
	for in, want := range bad {
		err := ValidateGroupName(in)
		if err == nil || err.Error() != want || !errors.Is(err, ErrInvalidGroupName) {
			t.Errorf("%.30q: got %v, want %s", in, err, want)
		}
	}
}
