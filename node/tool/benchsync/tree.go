// Package benchsync measures a full integrity sync between real clusterd processes: it
// generates the trees (Wazuh ruleset XML varied into about a gibibyte of rules and decoders,
// or random bytes), lays out a master's and a worker's home, starts both nodes and times the
// worker's first check and sync from its own log.
package benchsync

import (
	"bytes"
	"fmt"
	"io/fs"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
)

// Tree is one kind of synced tree, of about Total bytes in Files files of MinSize to MaxSize
// bytes (log-uniform), under etc/rules/ and etc/decoders/ of a home.
type Tree struct {
	Kind             string // "text" or "random"
	Total            int64
	MinSize, MaxSize int64
	Seed             uint64
}

// blocks are the rules and decoders of a Wazuh ruleset, one XML element each.
type blocks [][]byte

var blockStart = regexp.MustCompile(`(?m)^\s*<(rule|decoder)[\s>]`)

// LoadRuleset reads every .xml file below dir and cuts it into rule and decoder elements.
func LoadRuleset(dir string) (blocks, error) {
	var out blocks
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Ext(path) != ".xml" {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		idx := blockStart.FindAllIndex(b, -1)
		for i, loc := range idx {
			end := len(b)
			if i+1 < len(idx) {
				end = idx[i+1][0]
			}
			if blk := bytes.TrimSpace(b[loc[0]:end]); len(blk) > 0 && len(blk) < 64<<10 {
				out = append(out, blk)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read the ruleset under %s: %w", dir, err)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no rule or decoder in the .xml files under %s", dir)
	}
	return out, nil
}

var (
	idAttr = regexp.MustCompile(`(id|level|frequency|timeframe|if_sid|if_matched_sid)="[0-9]+"`)
	words  = regexp.MustCompile(`>[^<>]{4,}<`)
)

// Generate writes the tree under home (etc/rules/gen-*/ and etc/decoders/gen-*/), returns the
// number of files and bytes written. Text files are rules and decoders drawn from ruleset at
// random, each varied as a user's own would be: new ids and levels, and a few words of their
// text changed, so that no two files are copies.
func (t Tree) Generate(home string, ruleset blocks) (files int, total int64, err error) {
	rng := rand.New(rand.NewPCG(t.Seed, 0x6a09e667f3bcc908))
	buf := make([]byte, 0, t.MaxSize+(64<<10))
	for total < t.Total {
		size := logUniform(rng, t.MinSize, t.MaxSize)
		size = min(size, max(t.Total-total, t.MinSize))
		folder := "etc/rules"
		if files%3 == 2 {
			folder = "etc/decoders"
		}
		dir := filepath.Join(home, folder, fmt.Sprintf("gen-%02d", files/100))
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return files, total, err
		}
		buf = buf[:0]
		switch t.Kind {
		case "random":
			buf = buf[:size]
			fillRandom(rng, buf)
		default:
			buf = t.text(rng, buf, size, files, ruleset)
		}
		name := filepath.Join(dir, fmt.Sprintf("%s_%05d.xml", t.Kind, files))
		if err := os.WriteFile(name, buf, 0o640); err != nil {
			return files, total, err
		}
		files++
		total += int64(len(buf))
	}
	return files, total, nil
}

func (t Tree) text(rng *rand.Rand, buf []byte, size int64, n int, ruleset blocks) []byte {
	buf = fmt.Appendf(buf, "<!--\n  Generated rules %d: Wazuh ruleset elements, varied.\n-->\n<group name=\"gen%d,\">\n", n, n)
	id := 100000 + n*1000
	for int64(len(buf)) < size-16 {
		blk := ruleset[rng.IntN(len(ruleset))]
		blk = idAttr.ReplaceAllFunc(blk, func(m []byte) []byte {
			eq := bytes.IndexByte(m, '=')
			id++
			v := id
			if !bytes.HasPrefix(m, []byte("id=")) {
				v = rng.IntN(16) * (1 + rng.IntN(100))
			}
			return append(append(append([]byte{}, m[:eq+2]...), strconv.Itoa(v)...), '"')
		})
		blk = words.ReplaceAllFunc(blk, func(m []byte) []byte {
			if rng.IntN(4) != 0 {
				return m
			}
			out := append([]byte{}, m...)
			for i := 1 + rng.IntN(len(out)-2); i < len(out)-1 && rng.IntN(6) != 0; i++ {
				if c := out[i]; c >= 'a' && c <= 'z' {
					out[i] = 'a' + byte(rng.IntN(26))
				}
			}
			return out
		})
		buf = append(buf, "  "...)
		buf = append(buf, blk...)
		buf = append(buf, "\n\n"...)
	}
	return append(buf, "</group>\n"...)
}

func logUniform(rng *rand.Rand, lo, hi int64) int64 {
	if hi <= lo {
		return lo
	}
	l, h := math.Log(float64(lo)), math.Log(float64(hi))
	return int64(math.Exp(l + rng.Float64()*(h-l)))
}

func fillRandom(rng *rand.Rand, b []byte) {
	for len(b) >= 8 {
		v := rng.Uint64()
		for i := range 8 {
			b[i] = byte(v >> (8 * i))
		}
		b = b[8:]
	}
	for i := range b {
		b[i] = byte(rng.Uint32())
	}
}
