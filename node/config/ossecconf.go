package config

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// ossecReader walks the token stream of an ossec.conf and keeps the last <cluster> block.
type ossecReader struct {
	dec      *xml.Decoder
	last     *clusterBlock
	warnings []string
}

// LoadOSSECConf reads the <cluster> section of the ossec.conf at path; see ParseOSSECConf.
func LoadOSSECConf(path string) (Cluster, []string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Cluster{}, nil, fmt.Errorf("read ossec.conf: %w", err)
	}
	c, warnings, err := ParseOSSECConf(data)
	if err != nil {
		return Cluster{}, warnings, fmt.Errorf("%s: %w", path, err)
	}
	return c, warnings, nil
}

// ParseOSSECConf reads the <cluster> section from ossec.conf content as Wazuh does.
//
// ossec.conf is not one XML document: it may hold several top-level <ossec_config> blocks with
// text and comments between them, so it is decoded as a token stream after Wazuh's own clean-up
// (see sanitizeOSSECConf). Element names are matched case-insensitively, as Wazuh's Python reader
// lowercases them. The last <cluster> block wins; inside it the last occurrence of a single-valued
// option wins and every <nodes><node> adds to the list. With no <cluster> section the result is
// DefaultCluster() with Disabled set, which is what Wazuh does.
//
// Unknown elements inside <cluster> are refused (ErrUnknownOption). Deprecated ones (<interval>,
// <socket_timeout>, <connection_timeout>) and <haproxy_helper> are accepted with a warning.
// A non-numeric port or a yes/no option with another value is a *ValidationError (3004).
// The returned warnings are meant for the log; semantic checks are left to Cluster.Validate.
func ParseOSSECConf(data []byte) (Cluster, []string, error) {
	dec := xml.NewDecoder(bytes.NewReader(sanitizeOSSECConf(data)))
	dec.Strict = true
	dec.Entity = map[string]string{"backslash": `\`}
	r := &ossecReader{dec: dec}
	if err := r.readTopLevel(); err != nil {
		return Cluster{}, r.warnings, err
	}
	if r.last == nil {
		c := DefaultCluster()
		c.Disabled = true
		return c, r.warnings, nil
	}
	c, err := r.last.toCluster(&r.warnings)
	if err != nil {
		return Cluster{}, r.warnings, err
	}
	return c, r.warnings, nil
}

func (r *ossecReader) readTopLevel() error {
	for {
		tok, err := r.token()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		start, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		if elementName(start.Name) != "ossec_config" {
			if err := r.skip(); err != nil {
				return err
			}
			continue
		}
		if err := r.readOSSECConfig(); err != nil {
			return err
		}
	}
}

func (r *ossecReader) readOSSECConfig() error {
	for {
		tok, err := r.next()
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.EndElement:
			return nil
		case xml.StartElement:
			if elementName(t.Name) != "cluster" {
				if err := r.skip(); err != nil {
					return err
				}
				continue
			}
			block, err := r.readCluster()
			if err != nil {
				return err
			}
			if r.last != nil {
				r.warnings = append(r.warnings, warnMultipleSections)
			}
			r.last = block
		}
	}
}

func (r *ossecReader) readCluster() (*clusterBlock, error) {
	block := &clusterBlock{values: make(map[string]string)}
	for {
		tok, err := r.next()
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.EndElement:
			return block, nil
		case xml.StartElement:
			if err := r.readClusterOption(block, elementName(t.Name)); err != nil {
				return nil, err
			}
		}
	}
}

func (r *ossecReader) readClusterOption(block *clusterBlock, name string) error {
	switch {
	case textOptions[name]:
		value, err := r.readText(name)
		if err != nil {
			return err
		}
		block.values[name] = value
	case name == "nodes":
		nodes, err := r.readNodes()
		if err != nil {
			return err
		}
		block.nodes = append(block.nodes, nodes...)
	case name == "haproxy_helper":
		if err := r.readHAProxyHelper(); err != nil {
			return err
		}
		r.warnings = append(r.warnings, warnHAProxyIgnored)
	case deprecatedOptions[name] != "":
		if err := r.skip(); err != nil {
			return err
		}
		r.warnings = append(r.warnings, deprecatedOptions[name])
	default:
		return fmt.Errorf("%w: '%s' in <cluster>", ErrUnknownOption, name)
	}
	return nil
}

// readNodes returns the texts of the <node> children of <nodes>, leaving out empty ones as
// Wazuh's reader does.
func (r *ossecReader) readNodes() ([]string, error) {
	var nodes []string
	for {
		tok, err := r.next()
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.EndElement:
			return nodes, nil
		case xml.StartElement:
			name := elementName(t.Name)
			if name != "node" {
				return nil, fmt.Errorf("%w: '%s' in <cluster><nodes>", ErrUnknownOption, name)
			}
			node, err := r.readText("node")
			if err != nil {
				return nil, err
			}
			if node != "" {
				nodes = append(nodes, node)
			}
		}
	}
}

func (r *ossecReader) readHAProxyHelper() error {
	for {
		tok, err := r.next()
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.EndElement:
			return nil
		case xml.StartElement:
			name := elementName(t.Name)
			if !haproxyHelperOptions[name] {
				return fmt.Errorf("%w: '%s' in <cluster><haproxy_helper>", ErrUnknownOption, name)
			}
			if err := r.skip(); err != nil {
				return err
			}
		}
	}
}

// readText returns the character data of the element just opened, trimmed of surrounding
// white space (a value split over lines by an editor must still work).
func (r *ossecReader) readText(name string) (string, error) {
	var text strings.Builder
	for {
		tok, err := r.next()
		if err != nil {
			return "", err
		}
		switch t := tok.(type) {
		case xml.CharData:
			text.Write(t)
		case xml.StartElement:
			return "", fmt.Errorf("%w: <%s> takes a value, found element <%s>",
				ErrMalformedOption, name, elementName(t.Name))
		case xml.EndElement:
			return strings.TrimSpace(text.String()), nil
		}
	}
}

func (r *ossecReader) token() (xml.Token, error) {
	tok, err := r.dec.Token()
	if errors.Is(err, io.EOF) {
		return nil, io.EOF
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMalformedXML, err)
	}
	return tok, nil
}

// next is token for readers inside an element, where the end of the input is always an error.
func (r *ossecReader) next() (xml.Token, error) {
	tok, err := r.token()
	if errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%w: %w", ErrMalformedXML, io.ErrUnexpectedEOF)
	}
	return tok, err
}

func (r *ossecReader) skip() error {
	if err := r.dec.Skip(); err != nil {
		return fmt.Errorf("%w: %w", ErrMalformedXML, err)
	}
	return nil
}

// elementName is the lowercased name Wazuh's reader compares; a namespace prefix stays part of
// it, so <x:cluster> is not <cluster>.
func elementName(n xml.Name) string {
	if n.Space != "" {
		return strings.ToLower(n.Space + ":" + n.Local)
	}
	return strings.ToLower(n.Local)
}
