package agentproto

// MaxMessage is OS_MAXSTR: the largest TCP frame payload, UDP datagram and
// inflated message.
const MaxMessage = 65536

// Method is the encryption method of one secure payload.
type Method int

const (
	// AES is AES-256-CBC, wire prefix "#AES:" (the agent default).
	AES Method = iota
	// Blowfish is legacy Blowfish-CBC, wire prefix ":".
	Blowfish
)

// String returns "aes" or "blowfish", the spelling of <crypto_method>.
func (m Method) String() string {
	switch m {
	case AES:
		return "aes"
	case Blowfish:
		return "blowfish"
	default:
		return "unknown"
	}
}

const (
	aesPrefix      = "#AES:"
	blowfishPrefix = ":"
)

func (m Method) prefix() string {
	if m == Blowfish {
		return blowfishPrefix
	}
	return aesPrefix
}
