package control

import (
	"fmt"
	"sort"
	"strings"

	"github.com/clusterd/clusterd/messages"
)

// FormatHealth is what cluster_control -i (more == false) or -i more writes to stdout, exactly
// as print_health in Wazuh 4.14.7 cluster_control.py: a summary line per worker, or a detailed
// block per node, nodes sorted by name, with print's trailing newlines. It fails, as Python
// does, on a worker entry without status or on a date it cannot parse.
func FormatHealth(h messages.Health, clusterName string, more bool) (string, error) {
	var head, detail strings.Builder
	fmt.Fprintf(&head, "Cluster name: %s\n\n", clusterName)
	if more {
		fmt.Fprintf(&head, "Connected nodes (%d):", h.NConnectedNodes)
	} else {
		fmt.Fprintf(&head, "Last completed synchronization for connected nodes (%d):\n", h.NConnectedNodes)
	}

	names := make([]string, 0, len(h.Nodes))
	for name := range h.Nodes {
		names = append(names, name)
	}
	sort.Strings(names)

	for _, name := range names {
		node := h.Nodes[name]
		info := node.Info
		fmt.Fprintf(&detail, "\n    %s (%s)\n", name, info.IP)
		fmt.Fprintf(&detail, "        Version: %s\n", info.Version)
		fmt.Fprintf(&detail, "        Type: %s\n", info.Type)
		fmt.Fprintf(&detail, "        Active agents: %d\n", info.NActiveAgents)
		if info.Type == messages.NodeTypeMaster {
			continue
		}
		if node.Status == nil {
			return "", fmt.Errorf("%w: node %q has no status", ErrMalformedDocument, name)
		}
		st := node.Status
		if !more {
			fmt.Fprintf(&head, "    %s (%s): Integrity check: %s | Integrity sync: %s | Agents-info: %s | "+
				"Agent-groups: %s | Agent-groups full: %s | Last keep alive: %s.\n",
				name, info.IP, st.LastCheckIntegrity.DateEndMaster, st.LastSyncIntegrity.DateEndMaster,
				st.LastSyncAgentInfo.DateEndMaster, st.LastSyncAgentGroup.DateEnd,
				st.LastSyncFullAgentGroup.DateEnd, st.LastKeepAlive)
		}
		if err := writeWorkerStatus(&detail, st); err != nil {
			return "", fmt.Errorf("node %q: %w", name, err)
		}
	}

	out := head.String() + "\n"
	if more {
		out += detail.String() + "\n"
	}
	return out, nil
}

// writeWorkerStatus writes the "Status:" block of one worker. Python builds this block even
// for the summary, so a bad date fails both forms.
func writeWorkerStatus(w *strings.Builder, st *messages.WorkerStatus) error {
	w.WriteString("        Status:\n")

	w.WriteString("            Last keep Alive:\n")
	fmt.Fprintf(w, "                Last received: %s.\n", st.LastKeepAlive)

	check := st.LastCheckIntegrity
	total, err := spanSeconds(check.DateStartMaster, check.DateEndMaster)
	if err != nil {
		return err
	}
	w.WriteString("            Integrity check:\n")
	fmt.Fprintf(w, "                Last integrity check: %s (%s - %s).\n", total, check.DateStartMaster, check.DateEndMaster)
	fmt.Fprintf(w, "                Permission to check integrity: %s.\n", messages.PyStr(st.SyncIntegrityFree))

	sync := st.LastSyncIntegrity
	if total, err = spanSeconds(sync.DateStartMaster, sync.DateEndMaster); err != nil {
		return err
	}
	w.WriteString("            Integrity sync:\n")
	fmt.Fprintf(w, "                Last integrity synchronization: %s (%s - %s).\n", total, sync.DateStartMaster, sync.DateEndMaster)
	fmt.Fprintf(w, "                Synchronized files: Shared: %d | Missing: %d | Extra: %d.\n",
		sync.TotalFiles["shared"], sync.TotalFiles["missing"], sync.TotalFiles["extra"])

	info := st.LastSyncAgentInfo
	if total, err = spanSeconds(info.DateStartMaster, info.DateEndMaster); err != nil {
		return err
	}
	w.WriteString("            Agents-info:\n")
	fmt.Fprintf(w, "                Last synchronization: %s (%s - %s).\n", total, info.DateStartMaster, info.DateEndMaster)
	fmt.Fprintf(w, "                Number of synchronized chunks: %d.\n", info.NSyncedChunks)
	fmt.Fprintf(w, "                Permission to synchronize agent-info: %s.\n", messages.PyStr(st.SyncAgentInfoFree))

	for _, groups := range []struct {
		title string
		sync  messages.AgentGroupsSyncStatus
	}{
		{"Agents-groups", st.LastSyncAgentGroup},
		{"Agents-groups full", st.LastSyncFullAgentGroup},
	} {
		if total, err = spanSeconds(groups.sync.DateStart, groups.sync.DateEnd); err != nil {
			return err
		}
		fmt.Fprintf(w, "            %s:\n", groups.title)
		fmt.Fprintf(w, "                Last synchronization: %s (%s - %s).\n", total, groups.sync.DateStart, groups.sync.DateEnd)
		fmt.Fprintf(w, "                Number of synchronized chunks: %d.\n", groups.sync.NSyncedChunks)
	}
	return nil
}
