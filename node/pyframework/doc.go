// Package pyframework runs Distributed API requests with the Wazuh manager's own Python
// framework (Wazuh mode): the second dapi.Executor, for the functions clusterd does not
// execute natively (node/framework answers them dapi.NotExecuted; dapi.Fallback chains the
// two). References are DAPI §n (docs/protocol/dapi.md).
//
// helper.py, embedded in the binary, is the program the framework's process runs: the
// manager's interpreter (<home>/framework/python/bin/python3, whose site-packages hold the
// wazuh and api packages, as for wazuh-clusterd) started with a -c bootstrap that reads the
// program from stdin. It imports the framework once and runs each request as wazuh-clusterd's
// request queue does (DAPI §2.2, §2.3): json.loads with as_wazuh_object,
// DistributedAPI(...).distribute_function() forced to its local path (clusterd routed the
// request already), json.dumps with WazuhJSONEncoder. Requests run concurrently, each an
// asyncio task.
//
// Launcher starts that process (actors.FrameworkLauncher); node/framework, an actor, owns it:
// restarts it, answers the calls it was running when it ends, stops it. Executor sends a
// request through actors.FrameworkClient and turns the answer into a dapi.Result: the
// framework's encoded answer as dapi.Raw, a Wazuh exception it refused the request with, or
// 901 (the process ended while running the request), 900 (no process runs).
//
// Frames (frame.go) carry requests and answers on the process's stdin and stdout: a 4-byte
// big-endian length, an 8-byte call id, a kind, the payload. A request is at most 64 MiB, an
// answer at most Options.MaxAnswer (256 MiB): a frame announcing more is refused before
// anything is allocated, and the process is replaced. Its stderr carries its log records, one
// line per line (level, tag, subtag, text), logged at their level and clipped.
package pyframework
