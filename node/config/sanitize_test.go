package config

import "testing"

func TestSanitizeOSSECConf(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"<a_b>x</a_b>", "<a_b>x</a_b>"},
		{"<ossec_config/>", "<ossec_config/>"},
		{"</name>", "</name>"},
		{"a < b", "a &lt; b"},
		{"<1", "&lt;1"},
		{"<ab\n>", "&lt;ab\n>"},
		// Wazuh's regex needs a word character and one more character before ">": "<a>" alone
		// on its line is text to Wazuh, so it is here too.
		{"<a>", "&lt;a>"},
		{"<?xml version='1.0'?>", "&lt;?xml version='1.0'?>"},
		{"<!DOCTYPE x>", "&lt;!DOCTYPE x>"},
		{"<!-- a -- b -->", "<!-- a .. b -->"},
		{"<!-- <x & y -->", "<!-- <x & y -->"},
		{"<!-- open", "<!-- open"},
		{"a & b", "a &amp; b"},
		{"&amp;&lt;&gt;&apos;&quot;&backslash;", "&amp;&lt;&gt;&apos;&quot;&backslash;"},
		{"&nbsp; &#60;", "&amp;nbsp; &amp;#60;"},
		{"<nödé>x</nödé>", "<nödé>x</nödé>"},
		{"<a <b <c>", "<a <b &lt;c>"},
		{"<ab <cd\n<ef>>", "&lt;ab &lt;cd\n<ef>>"},
	} {
		if got := string(sanitizeOSSECConf([]byte(tc.in))); got != tc.want {
			t.Errorf("sanitize(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
