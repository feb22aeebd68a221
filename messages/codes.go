package messages

// The table of the Wazuh error codes this project raises, meets or relays: one row per code,
// each a named value (errors.Is matches any *WazuhError with its code) that also fills
// ErrorCodes. Code, message and remediation are those of the ERRORS table of Wazuh 4.14.7
// framework/wazuh/core/exception.py. The class is the one Wazuh raises the code with (its ERRORS
// table does not say: the raising site picks the class), and it decides the title and the REST
// API's HTTP status. Where Wazuh raises a code with several classes the row has the class of the
// cluster's code path: 3020 and 3036 are also raised as WazuhInternalError by the local client
// and the DAPI, 1013 and 1014 as WazuhError or WazuhException by some callers.
//
// A named value is only compared with (errors.Is(err, ErrWorkerNotConnected)); it is raised as a
// fresh exception, ErrWorkerNotConnected.New() or ErrRequestTimeout.With(extra). To add a code,
// add a row; the tests check that every row has a known class and a message.
var (
	// API: < 999. The DAPI executor raises them when the process that runs the framework breaks:
	// 900 when a request cannot be handed to it, 901 when it ends while running one.
	ErrAPIPoolBroken    = define(900, ClassWazuhInternalError, "One of the API child processes terminated abruptly. The API process pool is not usable anymore. Please restart the Wazuh API")
	ErrAPIExecutorBroke = define(901, ClassWazuhInternalError, "API executor subprocess broke. A service restart may be needed")

	// Wazuh: 0999 - 1099
	ErrIncompatiblePython = define(999, ClassWazuhInternalError, "Incompatible version of Python")
	ErrInternal           = define(1000, ClassWazuhInternalError, "Wazuh Internal Error",
		"Please, check `WAZUH_HOME/logs/ossec.log`, `WAZUH_HOME/logs/cluster.log` and `WAZUH_HOME/logs/api.log` to get more information about the error")
	ErrImportingModule        = define(1001, ClassWazuhException, "Error importing module") // never raised in 4.14.7: the base class
	ErrExecutingCommand       = define(1002, ClassWazuhException, "Error executing command")
	ErrCommandOutputNotJSON   = define(1003, ClassWazuhException, "Command output not in JSON")
	ErrMalformedCommandOutput = define(1004, ClassWazuhException, "Malformed command output ")
	ErrReadingFile            = define(1005, ClassWazuhInternalError, "Error reading file",
		"Please, ensure you have the right file permissions in Wazuh directories")
	ErrPathNotAccessible = define(1006, ClassWazuhError, "File/directory does not exist or there is a problem with the permissions",
		"Please, check if path to file/directory is correct and `wazuh` has the appropriate permissions")
	ErrQueueConnect        = define(1010, ClassWazuhInternalError, "Unable to connect to queue")
	ErrQueueCommunication  = define(1011, ClassWazuhInternalError, "Error communicating with queue")
	ErrInvalidQueueMessage = define(1012, ClassWazuhInternalError, "Invalid message to queue")
	ErrSocketConnect       = define(1013, ClassWazuhInternalError, "Unable to connect with socket",
		"Please, restart Wazuh to restore sockets")
	ErrSocketCommunication = define(1014, ClassWazuhInternalError, "Error communicating with socket",
		"Please, restart Wazuh to restore sockets")
	ErrAgentVersionNull = define(1015, ClassWazuhInternalError, "Agent version is null. Was the agent ever connected?")
	ErrMovingFile       = define(1016, ClassWazuhInternalError, "Error moving file",
		"Please, ensure you have the required file permissions in Wazuh directories")
	ErrDaemonsNotReady = define(1017, ClassWazuhInternalError, `Some Wazuh daemons are not ready yet in node "{node_name}" ({not_ready_daemons})`)
	ErrBodyNotJSON     = define(1018, ClassWazuhError, "Body request is not a valid JSON")
	ErrCreatingBackup  = define(1019, ClassWazuhError, "Error trying to create backup file")
	ErrNoLogFile       = define(1020, ClassWazuhInternalError, "Could not find any Wazuh log file",
		"Please check `WAZUH_HOME/logs`")

	// Configuration: 1100 - 1199
	ErrTmpPermissions = define(1119, ClassWazuhInternalError, "Directory '/tmp' needs read, write & execution permission for 'wazuh' user")
	// ErrSocketRefused is raised by WazuhSocket when a daemon's socket file exists but nobody
	// accepts on it (ConnectionRefusedError).
	ErrSocketRefused = define(1121, ClassWazuhInternalError, "Error connecting with socket",
		"Please ensure the selected module is running and properly configured")

	// Utils: 1400 - 1499
	ErrInvalidOffset        = define(1400, ClassWazuhError, "Invalid offset")
	ErrInvalidLimit         = define(1401, ClassWazuhError, "Invalid limit")
	ErrInvalidSortAscending = define(1402, ClassWazuhError, "Invalid sort_ascending field",
		"Please, use only true if ascending or false if descending")
	ErrInvalidSortField = define(1403, ClassWazuhError, "Not a valid sort field",
		"Please, use only allowed sort fields")
	ErrLimitTooLarge = define(1405, ClassWazuhError, "Specified limit exceeds maximum allowed",
		"Please select a limit between 1 and 1000")
	ErrZeroLimit = define(1406, ClassWazuhError, "0 is not a valid limit",
		"Please select a limit between 1 and 1000")
	ErrQueryFormat        = define(1407, ClassWazuhError, "Query does not match expected format")
	ErrFieldNotFound      = define(1408, ClassWazuhError, "Field does not exist")
	ErrQueryOperator      = define(1409, ClassWazuhError, "Invalid query operator")
	ErrDistinctManyFields = define(1410, ClassWazuhError, "Selecting more than one field in distinct mode")
	ErrInvalidTimeframe   = define(1411, ClassWazuhError, "TimeFrame is not valid")
	ErrInvalidDateFilter  = define(1412, ClassWazuhError, "Date filter not valid. Valid formats are YYYY-MM-DD HH:mm:ss, YYYY-MM-DDTHH:mm:ssZ or YYYY-MM-DD")

	// Agents: 1700 - 1799
	ErrAgentNotFound = define(1701, ClassWazuhResourceNotFound, "Agent does not exist",
		"Please, use `GET /agents?select=id,name` to find all available agents")
	ErrManagerAgent = define(1703, ClassWazuhError, "Action not available for Manager (agent 000)",
		"Please, use `GET /agents?select=id,name` to find all available agents and make sure you select an agent other than 000")
	ErrAgentNotActive = define(1707, ClassWazuhError, "Cannot send request, agent is not active",
		"Please, check non-active agents connection and try again. Visit https://documentation.wazuh.com/4.14/user-manual/registering/index.html and https://documentation.wazuh.com/4.14/user-manual/agents/agent-connection.html to obtain more information on registering and connecting agents")
	ErrGroupNotFound = define(1710, ClassWazuhResourceNotFound, "The group does not exist",
		"Please, use `GET /agents/groups` to find all available groups")
	ErrInvalidGroupID = define(1722, ClassWazuhError, "Incorrect format for group_id",
		"Characters supported  a-z, A-Z, 0-9, ., _ and -. Max length is 255")
	ErrHashAlgorithm      = define(1723, ClassWazuhError, "Hash algorithm not available")
	ErrInvalidSelectField = define(1724, ClassWazuhError, "Not a valid select field",
		"Please, use only allowed select fields")
	ErrInvalidNodeType = define(1728, ClassWazuhError, "Invalid node type",
		"Valid types are `master` and `worker`. Please, visit https://documentation.wazuh.com/4.14/user-manual/configuring-cluster/index.html to get more information about cluster configuration")
	ErrNodeNotFound = define(1730, ClassWazuhResourceNotFound, "Node does not exist",
		"Make sure the name is correct and that the node is up. You can check it using `cluster_control -l` (https://documentation.wazuh.com/4.14/user-manual/reference/tools/cluster_control.html#get-connected-nodes)")
	ErrAgentNotInGroup = define(1734, ClassWazuhError, "Error removing agent from group",
		"Agent does not belong to specified group, to assign the agent to a group follow: https://documentation.wazuh.com/4.14/user-manual/agents/grouping-agents.html")
	ErrTooManyGroups = define(1737, ClassWazuhError, "Maximum number of groups per multigroup is 128",
		"Please choose another group or remove an agent from the target group")
	ErrOnlyDefaultGroup = define(1745, ClassWazuhError, "Agent only belongs to 'default' and it cannot be unassigned from this group.")
	ErrAgentInGroup     = define(1751, ClassWazuhError, "Could not assign agent to group",
		"Agent already belongs to specified group, please select another agent")
	ErrForceSingleGroup = define(1752, ClassWazuhError, "Could not force single group for the agent")

	// Manager: 1900 - 1999
	ErrManagerStatus = define(1913, ClassWazuhInternalError, "Error getting manager status, directory /proc is not found or permissions to see its status are not granted",
		"Please, ensure /proc exists and permissions are granted")

	// Database: 2000 - 2099
	ErrNoDatabaseFile = define(2000, ClassWazuhException, "No such database file") // never raised by the framework in 4.14.7: the base class
	ErrWazuhDBRequest = define(2003, ClassWazuhError, "Error in wazuhdb request",
		"Make sure the request is correct")
	ErrInvalidDBQuery            = define(2004, ClassWazuhError, "Database query not valid")
	ErrWazuhDBConnect            = define(2005, ClassWazuhInternalError, "Could not connect to wdb socket")
	ErrWazuhDBBadJSON            = define(2006, ClassWazuhError, "Received JSON from Wazuh DB is not correctly formatted")
	ErrWazuhDBRetrieve           = define(2007, ClassWazuhInternalError, "Error retrieving data from Wazuh DB")
	ErrWazuhDBPagination         = define(2009, ClassWazuhInternalError, "Pagination error. Response from wazuh-db was over the maximum socket buffer size")
	ErrWazuhDBIncompleteRead     = define(2010, ClassWazuhInternalError, "The requested read operation did not complete fully")
	ErrWazuhDBSocketConnect      = define(2011, ClassWazuhInternalError, "Could not connect to the wazuh-db unix socket")
	ErrWazuhDBInvalidHTTPRequest = define(2012, ClassWazuhError, "Invalid wazuh-db HTTP request")
	ErrWazuhDBSendingHTTP        = define(2013, ClassWazuhError, "Error sending HTTP request")
	ErrWazuhDBTimeout            = define(2014, ClassWazuhInternalError, "The wazuh-db client connection timeout has been exceeded")
	ErrWazuhDBURLScheme          = define(2015, ClassWazuhInternalError, "Invalid request URL scheme")
	ErrWazuhDBSocketPath         = define(2016, ClassWazuhInternalError, "Invalid unix socket path")
	ErrAgentSyncInfo             = define(2017, ClassWazuhException, "Could not retrieve agents synchronization information from wazuh-db") // worker.py raises the base class

	// Cluster: 3000 - 3099
	ErrCluster         = define(3000, ClassWazuhClusterError, "Cluster")
	ErrCreatingZip     = define(3001, ClassWazuhError, "Error creating zip file")
	ErrCreatingPIDFile = define(3002, ClassWazuhInternalError, "Error creating PID file")
	ErrFileHandling    = define(3003, ClassWazuhInternalError, "Error during file handling")
	ErrClusterConfig   = define(3004, ClassWazuhError, "Error in cluster configuration",
		"Please, visit the official documentation (https://documentation.wazuh.com/4.14/user-manual/configuring-cluster/index.html) to get more information about how to configure a cluster")
	ErrReadingClusterJSON   = define(3005, ClassWazuhError, "Error reading cluster JSON file")
	ErrReadingClusterConfig = define(3006, ClassWazuhError, "Error reading cluster configuration",
		"Please, visit the official documentation (https://documentation.wazuh.com/4.14/user-manual/configuring-cluster/index.html) to get more information about how to configure a cluster")
	ErrClientKeysOnMaster = define(3007, ClassWazuhClusterError, "Client.keys file received in master node")
	ErrDistributedAPI     = define(3009, ClassWazuhInternalError, "Error executing distributed API request",
		"")
	ErrClusterNotRunning = define(3012, ClassWazuhInternalError, "Cluster is not running")
	ErrClusterDisabled   = define(3013, ClassWazuhError, "Cluster is not running, it might be disabled in `WAZUH_HOME/etc/ossec.conf`",
		"Please, visit the official documentation (https://documentation.wazuh.com/4.14/user-manual/configuring-cluster/index.html) to get more information about how to configure a cluster")
	ErrDirectoryAccess       = define(3015, ClassWazuhInternalError, "Cannot access directory")
	ErrReceivedErrorResponse = define(3016, ClassWazuhClusterError, "Received an error response")
	ErrSendingRequest        = define(3018, ClassWazuhClusterError, "Error sending request")
	ErrMasterOnlyTool        = define(3019, ClassWazuhException, "Wazuh is running in cluster mode: {EXECUTABLE_NAME} is not available in worker nodes. Please, try again in the master node: {MASTER_IP}") // never raised in 4.14.7: the base class
	ErrRequestTimeout        = define(3020, ClassWazuhClusterError, "Timeout sending request",
		"Please, try to make the request again")
	ErrAPITimeout  = define(3021, ClassWazuhInternalError, "Timeout executing API request") // dapi.py; master.py raises it as a WazuhClusterError
	ErrUnknownNode = define(3022, ClassWazuhClusterError, "Unknown node ID",
		"Check the name of the node")
	ErrWorkerNotConnected = define(3023, ClassWazuhClusterError, "Worker node is not connected to master",
		"Check the cluster.log located at WAZUH_HOME/logs/cluster.log file to see if there are connection errors. Restart the `wazuh-manager` service.")
	ErrCommandTooLong = define(3024, ClassWazuhClusterError, "Length of command exceeds limit defined in wazuh.cluster.common.Handler.cmd_len.")
	ErrDecrypt        = define(3025, ClassWazuhClusterError, "Could not decrypt message",
		"Check the cluster key is correct in the worker's [ossec.conf](https://documentation.wazuh.com/4.14/user-manual/reference/ossec-conf/cluster.html#key), ensure it is the same that the master's.")
	ErrChunkHalved         = define(3026, ClassWazuhClusterError, "Error sending request: Memory error. Request chunk size divided by 2.")
	ErrUnknownTask         = define(3027, ClassWazuhClusterError, "Unknown received task name")
	ErrDuplicateWorkerName = define(3028, ClassWazuhClusterError, "Worker node ID already exists",
		"Check and fix [worker names](https://documentation.wazuh.com/4.14/user-manual/reference/ossec-conf/cluster.html#node-name) and restart the `wazuh-manager` service.")
	ErrWorkerNamedAsMaster = define(3029, ClassWazuhClusterError, "Connected worker with same name as the master",
		"Check and fix the [worker name](https://documentation.wazuh.com/4.14/user-manual/reference/ossec-conf/cluster.html#node-name) and restart the `wazuh-manager` service in the node")
	ErrClusterNameMismatch = define(3030, ClassWazuhClusterError, "Worker does not belong to the same cluster",
		"Change the [cluster name](https://documentation.wazuh.com/4.14/user-manual/reference/ossec-conf/cluster.html#name) in the worker configuration to match the master's and restart the `wazuh-manager` service")
	ErrVersionMismatch = define(3031, ClassWazuhClusterError, "Worker and master versions are not the same",
		"[Update](https://documentation.wazuh.com/4.14/upgrade-guide/index.html) master and workers to the same version.")
	ErrDAPIForward           = define(3032, ClassWazuhClusterError, "Could not forward DAPI request. Connection not available.")
	ErrSendFileNotFound      = define(3034, ClassWazuhClusterError, "Error sending file. File not found.")
	ErrStringNotFound        = define(3035, ClassWazuhClusterError, "String couldn't be found")
	ErrJSONNotLoaded         = define(3036, ClassWazuhClusterError, "JSON couldn't be loaded")
	ErrAgentInfoChunks       = define(3037, ClassWazuhClusterError, "Error while processing Agent-info chunks")
	ErrExtraValidFiles       = define(3038, ClassWazuhClusterError, "Error while processing extra-valid files")
	ErrFileReceiveTimeout    = define(3039, ClassWazuhClusterError, "Timeout while waiting to receive a file")
	ErrFileReceive           = define(3040, ClassWazuhClusterError, "Error while waiting to receive a file")
	ErrHAPServerCheckTimeout = define(3041, ClassWazuhHAPHelperError, "Server status check timed out after adding new servers")
	ErrHAPUserConfig         = define(3042, ClassWazuhHAPHelperError, "User configuration is not valid")
	ErrHAPProxyInit          = define(3043, ClassWazuhHAPHelperError, "Could not initialize Proxy API")
	ErrHAPDataplaneConnect   = define(3044, ClassWazuhHAPHelperError, "Could not connect to the HAProxy dataplane API")
	ErrHAPConnect            = define(3045, ClassWazuhHAPHelperError, "Could not connect to HAProxy")
	ErrHAPCredentials        = define(3046, ClassWazuhHAPHelperError, "Invalid credentials for the Proxy API")
	ErrHAPSpecification      = define(3047, ClassWazuhHAPHelperError, "Invalid HAProxy Dataplane API specification configured")
	ErrHAPProcess            = define(3048, ClassWazuhHAPHelperError, "Could not detect a valid HAProxy process linked to the Dataplane API")
	ErrHAPUnexpectedResponse = define(3049, ClassWazuhHAPHelperError, "Unexpected response from HAProxy Dataplane API")
	ErrPayloadTooLarge       = define(3050, ClassWazuhClusterError, "Payload size exceeds maximum allowed limit")
	ErrTooManyDivided        = define(3051, ClassWazuhClusterError, "Too many concurrent divided messages")
	ErrClusterFileParameter  = define(3052, ClassWazuhException, "Invalid cluster file parameter")                         // cluster.py raises the base class
	ErrDecompressedTooLarge  = define(3053, ClassWazuhInternalError, "Decompressed file exceeds the maximum allowed size") // cluster.py; the same 500 as a WazuhClusterError
	ErrInvalidNodeName       = define(3060, ClassWazuhClusterError, "Invalid node name format",
		"Check and fix [worker names](https://documentation.wazuh.com/4.14/user-manual/reference/ossec-conf/cluster.html#node-name) and restart the `wazuh-manager` service.")

	// RBAC
	ErrPermissionDenied = define(4000, ClassWazuhPermissionError, "Permission denied",
		"Please, make sure you have permissions to execute the current request. For more information on how to set up permissions, please visit https://documentation.wazuh.com/4.14/user-manual/api/rbac/configuration.html")
)
