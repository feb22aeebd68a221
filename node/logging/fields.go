package logging

import "github.com/sirupsen/logrus"

// Field names carrying Wazuh's "[tag] [subtag]" pair (ClusterFilter in
// framework/wazuh/core/cluster/utils.py).
const (
	FieldTag    = "tag"
	FieldSubtag = "subtag"
)

// Default tags given to third-party logs that arrive without one.
const (
	actorsTag     = "Actors"
	memberlistTag = "Memberlist"
)

// Tagged returns base with the tag and subtag fields set (the Wazuh "[Master] [Keep alive]" pair).
// An empty subtag clears one inherited from base, since empty values are not printed.
func Tagged(base *logrus.Entry, tag, subtag string) *logrus.Entry {
	return base.WithFields(logrus.Fields{FieldTag: tag, FieldSubtag: subtag})
}

// withDefaultTag sets tag on entry unless the entry already carries one.
func withDefaultTag(entry *logrus.Entry, tag string) *logrus.Entry {
	if _, ok := entry.Data[FieldTag]; ok {
		return entry
	}
	return entry.WithField(FieldTag, tag)
}
