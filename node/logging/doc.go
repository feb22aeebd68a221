// Package logging gives a clusterd node the logs of wazuh-clusterd: lines in the format of Wazuh's
// logs/cluster.log ("2024/05/01 10:00:00 INFO: [Master] [Keep alive] message"), a cluster.log that
// is rotated at local midnight into logs/cluster/<YYYY>/<Mon>/cluster.log-<DD>.gz, and adapters that
// bring the logs of protoactor-go (log/slog) and memberlist (a std log.Logger writer) into the same
// logrus root.
//
// Wazuh's sources for this behaviour are scripts/wazuh_clusterd.py (set_logging),
// framework/wazuh/core/wlogging.py (the rotating handler) and framework/wazuh/core/cluster/utils.py
// (ClusterFilter, which supplies the tag and subtag).
//
// Nothing here uses logrus' package-level logger: callers build one root with New (or
// NewWriterLogger) and pass *logrus.Entry values down.
package logging
