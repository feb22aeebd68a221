package wire

import (
	"encoding/base64"
	"encoding/binary"
)

// Fernet tokens are URL-safe base64 with padding. encoding/base64 is correct but handles one
// symbol per step; these table-driven loops handle whole groups and make base64 cost about half
// as much, which matters because every byte on a TCP connection passes through it. The standard
// encoder still handles the padded tail, and the standard decoder handles anything unusual
// (line breaks, bad characters) so that errors and leniency are exactly the library's.

const tokenAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

var tokenEncoding = base64.URLEncoding

// tokenSymbolPairs maps 12 bits to their two symbols, the first in the high byte.
var tokenSymbolPairs = func() (t [1 << 12]uint16) {
	for i := range t {
		t[i] = uint16(tokenAlphabet[i>>6])<<8 | uint16(tokenAlphabet[i&63])
	}
	return t
}()

// badSymbol is set in the decode tables for bytes outside the alphabet; no valid 24-bit group
// can reach it.
const badSymbol = 1 << 24

// tokenSymbolValues holds, for each symbol position in a 4-symbol group, the symbol's 6 bits
// already shifted into place, so that a group decodes with four lookups and three ORs.
var tokenSymbolValues = func() (t [4][256]uint32) {
	for pos := range t {
		for b := range t[pos] {
			t[pos][b] = badSymbol
		}
	}
	for v, c := range []byte(tokenAlphabet) {
		for pos := range t {
			t[pos][c] = uint32(v) << (18 - 6*pos)
		}
	}
	return t
}()

// encodeToken writes the padded URL-safe base64 of src into dst, which must be exactly
// tokenEncoding.EncodedLen(len(src)) bytes.
func encodeToken(dst, src []byte) {
	n := encodeGroups(dst, src)
	tokenEncoding.Encode(dst[n/3*4:], src[n:])
}

// encodeGroups encodes the longest prefix of src made of whole 3-byte groups and returns its
// length in src bytes.
func encodeGroups(dst, src []byte) int {
	i, o := 0, 0
	// Six bytes become eight symbols; reading eight bytes at a time needs two spare bytes.
	for ; i+8 <= len(src); i, o = i+6, o+8 {
		v := binary.BigEndian.Uint64(src[i:]) >> 16
		binary.BigEndian.PutUint64(dst[o:o+8],
			uint64(tokenSymbolPairs[v>>36&0xfff])<<48|uint64(tokenSymbolPairs[v>>24&0xfff])<<32|
				uint64(tokenSymbolPairs[v>>12&0xfff])<<16|uint64(tokenSymbolPairs[v&0xfff]))
	}
	for ; i+3 <= len(src); i, o = i+3, o+4 {
		v := uint(src[i])<<16 | uint(src[i+1])<<8 | uint(src[i+2])
		binary.BigEndian.PutUint16(dst[o:o+2], tokenSymbolPairs[v>>12])
		binary.BigEndian.PutUint16(dst[o+2:o+4], tokenSymbolPairs[v&0xfff])
	}
	return i
}

// decodeToken decodes src, whose length is a multiple of 4, into dst, which must hold
// tokenEncoding.DecodedLen(len(src)) bytes, and returns the decoded length. It accepts and
// refuses exactly what tokenEncoding.Decode does.
func decodeToken(dst, src []byte) (int, error) {
	if len(src) < 4 || len(src)%4 != 0 {
		return tokenEncoding.Decode(dst, src)
	}
	// Every group but the last has no padding; the last one goes to the standard decoder.
	body := len(src) - 4
	if !decodeGroups(dst, src[:body]) {
		return tokenEncoding.Decode(dst, src)
	}
	n, err := tokenEncoding.Decode(dst[body/4*3:], src[body:])
	if err != nil {
		// Report the error with its position in the whole token.
		return tokenEncoding.Decode(dst, src)
	}
	return body/4*3 + n, nil
}

// decodeGroups decodes src (a multiple of 4 symbols, no padding) into dst and reports whether
// every symbol was in the alphabet.
func decodeGroups(dst, src []byte) bool {
	t := &tokenSymbolValues
	i, o := 0, 0
	// Eight symbols become six bytes, written as one eight-byte store while two bytes of room
	// remain after them.
	for ; i+8 <= len(src) && o+8 <= len(dst); i, o = i+8, o+6 {
		s := src[i : i+8 : i+8]
		a := t[0][s[0]] | t[1][s[1]] | t[2][s[2]] | t[3][s[3]]
		b := t[0][s[4]] | t[1][s[5]] | t[2][s[6]] | t[3][s[7]]
		if (a|b)&badSymbol != 0 {
			return false
		}
		binary.BigEndian.PutUint64(dst[o:o+8], uint64(a)<<40|uint64(b)<<16)
	}
	for ; i+4 <= len(src); i, o = i+4, o+3 {
		s := src[i : i+4 : i+4]
		a := t[0][s[0]] | t[1][s[1]] | t[2][s[2]] | t[3][s[3]]
		if a&badSymbol != 0 {
			return false
		}
		dst[o], dst[o+1], dst[o+2] = byte(a>>16), byte(a>>8), byte(a)
	}
	return true
}
