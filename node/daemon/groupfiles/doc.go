// Package groupfiles manages the centralised-configuration folders of a Wazuh master: the group
// folders under etc/shared, the merged.mg file remoted pushes to agents for each group and each
// multigroup (var/multigroups/<hash>/merged.mg), the group-name checks authd applies at
// enrollment, and the agent-side split of a merged.mg back into its files.
package groupfiles
