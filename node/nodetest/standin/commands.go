package standin

import (
	"fmt"
	"strings"
)

// Command answers one request of queue/db/wdb as wazuh-db does ("ok <payload>", "due
// <payload>", "err <text>"), without the socket. Only the global database's commands the
// cluster uses are known; the others are answered as wazuh-db answers a syntax error.
func (w *WazuhDB) Command(request string) string {
	w.count(request)
	if answer, ok := w.faults.command(request); ok {
		return answer
	}
	actor, rest, _ := strings.Cut(request, " ")
	if actor != "global" {
		return fmt.Sprintf("err Invalid DB query actor: '%.32s'", actor)
	}
	verb, args, hasArgs := strings.Cut(rest, " ")
	w.mu.Lock()
	defer w.mu.Unlock()
	switch verb {
	case "sql":
		if !hasArgs {
			return fmt.Sprintf("err Invalid DB query syntax, near '%.32s'", verb)
		}
		return w.sql(args)
	case "sync-agent-groups-get":
		if !hasArgs {
			return fmt.Sprintf("err Invalid DB query syntax, near '%.32s'", verb)
		}
		return w.syncAgentGroupsGet(args)
	case "set-agent-groups":
		if !hasArgs {
			return fmt.Sprintf("err Invalid DB query syntax, near '%.32s'", verb)
		}
		return w.setAgentGroups(args)
	case "recalculate-agent-group-hashes":
		return w.recalculateAgentGroupHashes()
	}
	return fmt.Sprintf("err Invalid DB query syntax, near '%.32s'", verb)
}

func (w *WazuhDB) count(request string) {
	words := strings.SplitN(request, " ", 3)
	key := strings.Join(words[:min(2, len(words))], " ")
	w.counters.mu.Lock()
	w.counters.commands[key]++
	w.counters.mu.Unlock()
}

// Commands is how many requests began with the two words of command ("global
// sync-agent-groups-get") since the stand-in started.
func (w *WazuhDB) Commands(command string) int {
	w.counters.mu.Lock()
	defer w.counters.mu.Unlock()
	return w.counters.commands[command]
}
