package authd

import (
	"crypto/x509"
	"net"
	"strings"
)

// certificateNamesIP is authd's check_x509_cert for <ssl_verify_host>: the agent's certificate
// must name the address the agent connected from. subjectAltName entries are checked first (an
// IP address equal to ip, or a DNS name spelling it), then the subject common name. An IPv6
// address may be spelt compact or in Wazuh's expanded form.
func certificateNamesIP(cert *x509.Certificate, ip net.IP) bool {
	if cert == nil || ip == nil {
		return false
	}
	for _, san := range cert.IPAddresses {
		if san.Equal(ip) {
			return true
		}
	}
	spellings := []string{sourceIPString(ip), ip.String()}
	names := append(append([]string{}, cert.DNSNames...), cert.Subject.CommonName)
	for _, name := range names {
		for _, s := range spellings {
			if name != "" && strings.EqualFold(name, s) {
				return true
			}
		}
	}
	return false
}
