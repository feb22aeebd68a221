package integrity

import (
	"strings"
	"unicode/utf8"
)

// Every file the project writes whole (merged.mg, client.keys, agent.conf, the sender counter,
// certificates, files received from a peer) is first written to a temporary file in the
// destination's folder and renamed into place. A crash between the two leaves the temporary file
// behind, in a synchronised folder more often than not. Such a file must never be synchronised:
// half a file is no configuration, and a name containing ".merged" is a legacy merged entry
// that every worker refuses, so one piece of debris used to fail every sync for good.

// tempSuffix ends every temporary name the project makes today: ".tmp" is one of Wazuh's
// excluded_extensions, so neither a clusterd node nor a Wazuh node ever synchronises it.
const tempSuffix = ".tmp"

// maxTempRandom is the longest random part os.CreateTemp puts in place of "*" (a uint32 in
// decimal).
const maxTempRandom = 10

// tempMarker names the project in its temporary files, so that removing the debris of a crash
// can never take an operator's file.
const tempMarker = ".clusterd-"

// TempPattern is the os.CreateTemp pattern of a temporary file for the destination base:
// ".<base>.clusterd-<digits>.tmp", hidden, in the destination's folder. base is cut (on a
// character boundary) so that the name fits in a file name.
func TempPattern(base string) string {
	room := maxComponentLen - len("."+tempMarker+tempSuffix) - maxTempRandom
	if len(base) > room {
		// Never split a character (a name that is not UTF-8 is cut anywhere).
		for back := 0; back < utf8.UTFMax-1 && !utf8.RuneStart(base[room]); back++ {
			room--
		}
		base = base[:room]
	}
	return "." + base + tempMarker + "*" + tempSuffix
}

// IsTempName reports whether name (a base name) is a temporary file of the project, as this
// version or an earlier one names them:
//
//	.<base>.clusterd-<digits>.tmp    TempPattern (every writer of this version)
//	.<base>.tmp<digits>              the atomic writer of earlier versions
//	.<base>.tmp-<digits>             the merged.mg, client.keys and certificate writers of earlier versions
//	.clusterd-<16 hex digits>.tmp    a file received from a peer (wire's receiver)
//	.clusterd-segment-<digits>.tmp   a package's spill file
//
// The worker's integrity apply writes Wazuh's own ".<name>.tmp", which carries no random part:
// it is not recognised here (an operator's file may have that name), but ".tmp" keeps it out of
// every sync and the next write of the destination replaces it.
func IsTempName(name string) bool {
	inner, ok := strings.CutPrefix(name, ".")
	if !ok {
		return false
	}
	if stem, ok := strings.CutSuffix(inner, tempSuffix); ok {
		if rest, ok := strings.CutPrefix(stem, "clusterd-"); ok {
			if digits, ok := strings.CutPrefix(rest, "segment-"); ok && allDigits(digits) {
				return true
			}
			if len(rest) == 16 && allHex(rest) {
				return true
			}
		}
		i := strings.LastIndex(stem, tempMarker)
		return i > 0 && allDigits(stem[i+len(tempMarker):])
	}
	i := strings.LastIndex(inner, ".tmp")
	if i <= 0 {
		return false
	}
	return allDigits(strings.TrimPrefix(inner[i+len(".tmp"):], "-"))
}

func allDigits(s string) bool {
	if s == "" || len(s) > maxTempRandom {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func allHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}
