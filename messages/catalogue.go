package messages

// Catalogue maps a Wazuh error code to its message text, as in the ERRORS table of Wazuh
// 4.14.7 framework/wazuh/core/exception.py (remediation texts left out). It covers the codes
// the cluster, its node queries and the distributed API raise; a code missing here is rendered
// as Wazuh renders a code missing from ERRORS: the extra message alone. Treat it as read-only.
var Catalogue = map[int]string{
	// Wazuh: 0999 - 1099
	999:  "Incompatible version of Python",
	1000: "Wazuh Internal Error",
	1001: "Error importing module",
	1002: "Error executing command",
	1003: "Command output not in JSON",
	1004: "Malformed command output ",
	1005: "Error reading file",
	1006: "File/directory does not exist or there is a problem with the permissions",
	1010: "Unable to connect to queue",
	1011: "Error communicating with queue",
	1012: "Invalid message to queue",
	1013: "Unable to connect with socket",
	1014: "Error communicating with socket",
	1015: "Agent version is null. Was the agent ever connected?",
	1016: "Error moving file",
	1017: `Some Wazuh daemons are not ready yet in node "{node_name}" ({not_ready_daemons})`,
	1018: "Body request is not a valid JSON",
	1019: "Error trying to create backup file",
	1020: "Could not find any Wazuh log file",

	// Configuration: 1100 - 1199 (the one a cluster_control session can meet)
	1119: "Directory '/tmp' needs read, write & execution permission for 'wazuh' user",

	// Utils: 1400 - 1499 (pagination, sorting and selection of framework results)
	1400: "Invalid offset",
	1401: "Invalid limit",
	1402: "Invalid sort_ascending field",
	1403: "Not a valid sort field ",
	1405: "Specified limit exceeds maximum allowed",
	1406: "0 is not a valid limit",
	1407: "Query does not match expected format",
	1408: "Field does not exist.",
	1409: "Invalid query operator",
	1410: "Selecting more than one field in distinct mode",

	// Agents: 1700 - 1799 (those the cluster and its node queries raise)
	1701: "Agent does not exist",
	1703: "Action not available for Manager (agent 000)",
	1707: "Cannot send request, agent is not active",
	1724: "Not a valid select field",
	1728: "Invalid node type",
	1730: "Node does not exist",

	// Database: 2000 - 2099
	2000: "No such database file",
	2003: "Error in wazuhdb request",
	2004: "Database query not valid",
	2005: "Could not connect to wdb socket",
	2006: "Received JSON from Wazuh DB is not correctly formatted",
	2007: "Error retrieving data from Wazuh DB",
	2009: "Pagination error. Response from wazuh-db was over the maximum socket buffer size",
	2010: "The requested read operation did not complete fully",
	2011: "Could not connect to the wazuh-db unix socket",
	2012: "Invalid wazuh-db HTTP request",
	2013: "Error sending HTTP request",
	2014: "The wazuh-db client connection timeout has been exceeded",
	2015: "Invalid request URL scheme",
	2016: "Invalid unix socket path",
	2017: "Could not retrieve agents synchronization information from wazuh-db",

	// Cluster: 3000 - 3099
	3000: "Cluster",
	3001: "Error creating zip file",
	3002: "Error creating PID file",
	3004: "Error in cluster configuration",
	3005: "Error reading cluster JSON file",
	3006: "Error reading cluster configuration",
	3007: "Client.keys file received in master node",
	3009: "Error executing distributed API request",
	3012: "Cluster is not running",
	3013: "Cluster is not running, it might be disabled in `WAZUH_HOME/etc/ossec.conf`",
	3015: "Cannot access directory",
	3016: "Received an error response",
	3018: "Error sending request",
	3019: "Wazuh is running in cluster mode: {EXECUTABLE_NAME} is not available in worker nodes. " +
		"Please, try again in the master node: {MASTER_IP}",
	3020: "Timeout sending request",
	3021: "Timeout executing API request",
	3022: "Unknown node ID",
	3023: "Worker node is not connected to master",
	3024: "Length of command exceeds limit defined in wazuh.cluster.common.Handler.cmd_len.",
	3025: "Could not decrypt message",
	3026: "Error sending request: Memory error. Request chunk size divided by 2.",
	3027: "Unknown received task name",
	3028: "Worker node ID already exists",
	3029: "Connected worker with same name as the master",
	3030: "Worker does not belong to the same cluster",
	3031: "Worker and master versions are not the same",
	3032: "Could not forward DAPI request. Connection not available.",
	3034: "Error sending file. File not found.",
	3035: "String couldn't be found",
	3036: "JSON couldn't be loaded",
	3037: "Error while processing Agent-info chunks",
	3038: "Error while processing extra-valid files",
	3039: "Timeout while waiting to receive a file",
	3040: "Error while waiting to receive a file",
	3041: "Server status check timed out after adding new servers",
	3042: "User configuration is not valid",
	3043: "Could not initialize Proxy API",
	3044: "Could not connect to the HAProxy dataplane API",
	3045: "Could not connect to HAProxy",
	3046: "Invalid credentials for the Proxy API",
	3047: "Invalid HAProxy Dataplane API specification configured",
	3048: "Could not detect a valid HAProxy process linked to the Dataplane API",
	3049: "Unexpected response from HAProxy Dataplane API",
	3050: "Payload size exceeds maximum allowed limit",
	3051: "Too many concurrent divided messages",
	3052: "Invalid cluster file parameter",
	3053: "Decompressed file exceeds the maximum allowed size",
	3060: "Invalid node name format",

	// RBAC
	4000: "Permission denied",
}

// Exception classes of Wazuh's framework/wazuh/core/exception.py.
const (
	ClassWazuhException        = "WazuhException"        // the base class
	ClassWazuhInternalError    = "WazuhInternalError"    // unexpected framework errors
	ClassWazuhClusterError     = "WazuhClusterError"     // cluster errors (a WazuhInternalError)
	ClassWazuhHAPHelperError   = "WazuhHAPHelperError"   // HAProxy helper errors (a WazuhClusterError)
	ClassWazuhEngineError      = "WazuhEngineError"      // engine client errors (a WazuhInternalError)
	ClassWazuhError            = "WazuhError"            // bad requests
	ClassWazuhPermissionError  = "WazuhPermissionError"  // RBAC refusals (a WazuhError)
	ClassWazuhResourceNotFound = "WazuhResourceNotFound" // missing resources (a WazuhError)
	ClassWazuhTooManyRequests  = "WazuhTooManyRequests"  // rate limits (a WazuhError)
	ClassWazuhNotAcceptable    = "WazuhNotAcceptable"    // unacceptable requests (a WazuhError)
)

// exceptionClasses gives each class its _default_title; the base class has none and falls back
// to its class name, as WazuhException.__init__ does.
var exceptionClasses = map[string]struct {
	title string
	ids   bool // WazuhError subclasses carry "ids" in their JSON
}{
	ClassWazuhException:        {title: "WazuhException"},
	ClassWazuhInternalError:    {title: "Wazuh Internal Error"},
	ClassWazuhClusterError:     {title: "Wazuh Cluster Error"},
	ClassWazuhHAPHelperError:   {title: "HAProxy Helper Error"},
	ClassWazuhEngineError:      {title: "Wazuh Engine Error"},
	ClassWazuhError:            {title: "Bad Request", ids: true},
	ClassWazuhPermissionError:  {title: "Permission Denied", ids: true},
	ClassWazuhResourceNotFound: {title: "Resource Not Found", ids: true},
	ClassWazuhTooManyRequests:  {title: "Too Many Requests", ids: true},
	ClassWazuhNotAcceptable:    {title: "Not Acceptable", ids: true},
}
