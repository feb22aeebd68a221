// Code generated from the Wazuh v4.14.7 sources (framework/wazuh and api/api, tests left out) by
// reading their syntax trees; DO NOT EDIT. See registry.go for what each table means.

package dapi

// exposedFunctions are the functions carrying __wazuh_exposed__ (decorated with
// @expose_resources or @dapi_allower), by module and qualified name.
var exposedFunctions = [...]Function{
	{Module: "api.authentication", Qualname: "check_token", Type: "function"},
	{Module: "api.authentication", Qualname: "check_user_master", Type: "function"},
	{Module: "api.authentication", Qualname: "get_security_conf", Type: "function"},
	{Module: "wazuh.active_response", Qualname: "run_command", Type: "function"},
	{Module: "wazuh.agent", Qualname: "add_agent", Type: "function"},
	{Module: "wazuh.agent", Qualname: "assign_agents_to_group", Type: "function", Async: true},
	{Module: "wazuh.agent", Qualname: "check_uninstall_permission", Type: "function"},
	{Module: "wazuh.agent", Qualname: "create_group", Type: "function"},
	{Module: "wazuh.agent", Qualname: "delete_agents", Type: "function"},
	{Module: "wazuh.agent", Qualname: "delete_groups", Type: "function"},
	{Module: "wazuh.agent", Qualname: "get_agent_conf", Type: "function"},
	{Module: "wazuh.agent", Qualname: "get_agent_config", Type: "function"},
	{Module: "wazuh.agent", Qualname: "get_agent_groups", Type: "function"},
	{Module: "wazuh.agent", Qualname: "get_agents", Type: "function"},
	{Module: "wazuh.agent", Qualname: "get_agents_in_group", Type: "function"},
	{Module: "wazuh.agent", Qualname: "get_agents_keys", Type: "function"},
	{Module: "wazuh.agent", Qualname: "get_agents_summary", Type: "function", Async: true},
	{Module: "wazuh.agent", Qualname: "get_agents_summary_os", Type: "function"},
	{Module: "wazuh.agent", Qualname: "get_agents_summary_status", Type: "function"},
	{Module: "wazuh.agent", Qualname: "get_agents_sync_group", Type: "function"},
	{Module: "wazuh.agent", Qualname: "get_distinct_agents", Type: "function"},
	{Module: "wazuh.agent", Qualname: "get_file_conf", Type: "function"},
	{Module: "wazuh.agent", Qualname: "get_group_files", Type: "function"},
	{Module: "wazuh.agent", Qualname: "get_outdated_agents", Type: "function"},
	{Module: "wazuh.agent", Qualname: "get_upgrade_result", Type: "function"},
	{Module: "wazuh.agent", Qualname: "reconnect_agents", Type: "function"},
	{Module: "wazuh.agent", Qualname: "remove_agent_from_group", Type: "function", Async: true},
	{Module: "wazuh.agent", Qualname: "remove_agent_from_groups", Type: "function", Async: true},
	{Module: "wazuh.agent", Qualname: "remove_agents_from_group", Type: "function", Async: true},
	{Module: "wazuh.agent", Qualname: "restart_agents", Type: "function", Async: true},
	{Module: "wazuh.agent", Qualname: "restart_agents_by_group", Type: "function", Async: true},
	{Module: "wazuh.agent", Qualname: "restart_agents_by_node", Type: "function", Async: true},
	{Module: "wazuh.agent", Qualname: "upgrade_agents", Type: "function"},
	{Module: "wazuh.agent", Qualname: "upload_group_file", Type: "function"},
	{Module: "wazuh.analysis", Qualname: "reload_ruleset", Type: "function", Async: true},
	{Module: "wazuh.cdb_list", Qualname: "delete_list_file", Type: "function"},
	{Module: "wazuh.cdb_list", Qualname: "get_list_file", Type: "function"},
	{Module: "wazuh.cdb_list", Qualname: "get_lists", Type: "function"},
	{Module: "wazuh.cdb_list", Qualname: "get_path_lists", Type: "function"},
	{Module: "wazuh.cdb_list", Qualname: "upload_list_file", Type: "function"},
	{Module: "wazuh.ciscat", Qualname: "get_ciscat_results", Type: "function"},
	{Module: "wazuh.cluster", Qualname: "get_health_nodes", Type: "function", Async: true},
	{Module: "wazuh.cluster", Qualname: "get_node_wrapper", Type: "function"},
	{Module: "wazuh.cluster", Qualname: "get_nodes_info", Type: "function", Async: true},
	{Module: "wazuh.cluster", Qualname: "get_ruleset_sync_status", Type: "function", Async: true},
	{Module: "wazuh.cluster", Qualname: "get_status_json", Type: "function"},
	{Module: "wazuh.cluster", Qualname: "read_config_wrapper", Type: "function"},
	{Module: "wazuh.core.agent", Qualname: "Agent.get_agents_overview", Type: "function"},
	{Module: "wazuh.core.cluster.control", Qualname: "get_node_ruleset_integrity", Type: "function", Async: true},
	{Module: "wazuh.core.security", Qualname: "revoke_tokens", Type: "function"},
	{Module: "wazuh.decoder", Qualname: "delete_decoder_file", Type: "function"},
	{Module: "wazuh.decoder", Qualname: "get_decoder_file", Type: "function"},
	{Module: "wazuh.decoder", Qualname: "get_decoders", Type: "function"},
	{Module: "wazuh.decoder", Qualname: "get_decoders_files", Type: "function"},
	{Module: "wazuh.decoder", Qualname: "upload_decoder_file", Type: "function"},
	{Module: "wazuh.event", Qualname: "send_event_to_analysisd", Type: "function"},
	{Module: "wazuh.logtest", Qualname: "end_logtest_session", Type: "function"},
	{Module: "wazuh.logtest", Qualname: "run_logtest", Type: "function"},
	{Module: "wazuh.manager", Qualname: "get_api_config", Type: "function"},
	{Module: "wazuh.manager", Qualname: "get_basic_info", Type: "function"},
	{Module: "wazuh.manager", Qualname: "get_config", Type: "function"},
	{Module: "wazuh.manager", Qualname: "get_status", Type: "function"},
	{Module: "wazuh.manager", Qualname: "ossec_log", Type: "function"},
	{Module: "wazuh.manager", Qualname: "ossec_log_summary", Type: "function"},
	{Module: "wazuh.manager", Qualname: "query_update_check_service", Type: "function", Async: true},
	{Module: "wazuh.manager", Qualname: "read_ossec_conf", Type: "function"},
	{Module: "wazuh.manager", Qualname: "restart", Type: "function"},
	{Module: "wazuh.manager", Qualname: "update_ossec_conf", Type: "function"},
	{Module: "wazuh.manager", Qualname: "validation", Type: "function"},
	{Module: "wazuh.mitre", Qualname: "mitre_groups", Type: "function"},
	{Module: "wazuh.mitre", Qualname: "mitre_metadata", Type: "function"},
	{Module: "wazuh.mitre", Qualname: "mitre_mitigations", Type: "function"},
	{Module: "wazuh.mitre", Qualname: "mitre_references", Type: "function"},
	{Module: "wazuh.mitre", Qualname: "mitre_software", Type: "function"},
	{Module: "wazuh.mitre", Qualname: "mitre_tactics", Type: "function"},
	{Module: "wazuh.mitre", Qualname: "mitre_techniques", Type: "function"},
	{Module: "wazuh.rbac.preprocessor", Qualname: "get_permissions", Type: "function"},
	{Module: "wazuh.rootcheck", Qualname: "clear", Type: "function"},
	{Module: "wazuh.rootcheck", Qualname: "get_last_scan", Type: "function"},
	{Module: "wazuh.rootcheck", Qualname: "get_rootcheck_agent", Type: "function"},
	{Module: "wazuh.rootcheck", Qualname: "run", Type: "function"},
	{Module: "wazuh.rule", Qualname: "delete_rule_file", Type: "function"},
	{Module: "wazuh.rule", Qualname: "get_groups", Type: "function"},
	{Module: "wazuh.rule", Qualname: "get_requirement", Type: "function"},
	{Module: "wazuh.rule", Qualname: "get_rule_file", Type: "function"},
	{Module: "wazuh.rule", Qualname: "get_rules", Type: "function"},
	{Module: "wazuh.rule", Qualname: "get_rules_files", Type: "function"},
	{Module: "wazuh.rule", Qualname: "upload_rule_file", Type: "function"},
	{Module: "wazuh.sca", Qualname: "get_sca_checks", Type: "function"},
	{Module: "wazuh.sca", Qualname: "get_sca_list", Type: "function"},
	{Module: "wazuh.security", Qualname: "add_policy", Type: "function"},
	{Module: "wazuh.security", Qualname: "add_role", Type: "function"},
	{Module: "wazuh.security", Qualname: "add_rule", Type: "function"},
	{Module: "wazuh.security", Qualname: "create_user", Type: "function"},
	{Module: "wazuh.security", Qualname: "edit_run_as", Type: "function"},
	{Module: "wazuh.security", Qualname: "get_policies", Type: "function"},
	{Module: "wazuh.security", Qualname: "get_rbac_actions", Type: "_lru_cache_wrapper"},
	{Module: "wazuh.security", Qualname: "get_rbac_resources", Type: "_lru_cache_wrapper"},
	{Module: "wazuh.security", Qualname: "get_roles", Type: "function"},
	{Module: "wazuh.security", Qualname: "get_rules", Type: "function"},
	{Module: "wazuh.security", Qualname: "get_security_config", Type: "function"},
	{Module: "wazuh.security", Qualname: "get_user_me", Type: "function"},
	{Module: "wazuh.security", Qualname: "get_users", Type: "function"},
	{Module: "wazuh.security", Qualname: "remove_policies", Type: "function"},
	{Module: "wazuh.security", Qualname: "remove_role_policy", Type: "function"},
	{Module: "wazuh.security", Qualname: "remove_role_rule", Type: "function"},
	{Module: "wazuh.security", Qualname: "remove_roles", Type: "function"},
	{Module: "wazuh.security", Qualname: "remove_rules", Type: "function"},
	{Module: "wazuh.security", Qualname: "remove_user_role", Type: "function"},
	{Module: "wazuh.security", Qualname: "remove_users", Type: "function"},
	{Module: "wazuh.security", Qualname: "revoke_current_user_tokens", Type: "function"},
	{Module: "wazuh.security", Qualname: "set_role_policy", Type: "function"},
	{Module: "wazuh.security", Qualname: "set_role_rule", Type: "function"},
	{Module: "wazuh.security", Qualname: "set_user_role", Type: "function"},
	{Module: "wazuh.security", Qualname: "update_policy", Type: "function"},
	{Module: "wazuh.security", Qualname: "update_role", Type: "function"},
	{Module: "wazuh.security", Qualname: "update_rule", Type: "function"},
	{Module: "wazuh.security", Qualname: "update_security_config", Type: "function"},
	{Module: "wazuh.security", Qualname: "update_user", Type: "function"},
	{Module: "wazuh.security", Qualname: "wrapper_revoke_tokens", Type: "function"},
	{Module: "wazuh.stats", Qualname: "deprecated_get_daemons_stats", Type: "function"},
	{Module: "wazuh.stats", Qualname: "get_agents_component_stats_json", Type: "function"},
	{Module: "wazuh.stats", Qualname: "get_daemons_stats", Type: "function"},
	{Module: "wazuh.stats", Qualname: "get_daemons_stats_agents", Type: "function"},
	{Module: "wazuh.stats", Qualname: "hourly", Type: "function"},
	{Module: "wazuh.stats", Qualname: "totals", Type: "function"},
	{Module: "wazuh.stats", Qualname: "weekly", Type: "function"},
	{Module: "wazuh.syscheck", Qualname: "clear", Type: "function"},
	{Module: "wazuh.syscheck", Qualname: "files", Type: "function"},
	{Module: "wazuh.syscheck", Qualname: "last_scan", Type: "function"},
	{Module: "wazuh.syscheck", Qualname: "run", Type: "function"},
	{Module: "wazuh.syscollector", Qualname: "get_item_agent", Type: "function"},
	{Module: "wazuh.task", Qualname: "get_task_status", Type: "function"},
}

// frameworkModules are the modules of the packages wazuh and api, each with the names it
// defines at its top level (functions, classes, assignments, imports): an attribute lookup
// finds these and nothing else.
var frameworkModules = map[string]moduleInfo{
	"api": {pkg: true, attrs: ""},
	"api.alogging": {pkg: false, attrs: "APIError APILoggerSize UNKNOWN_USER_STRING WazuhJsonFormatter api_conf collections " +
		"custom_logging json jsonlogger logger logging re request_pattern set_logging"},
	"api.api_exception": {pkg: false, attrs: "APIError APIException BlockedIPException DOCU_VERSION ExpectFailedException MaxRequestsException " +
		"PayloadTooLargeException ProblemException RELATIVE_CONFIG_FILE_PATH RELATIVE_SECURITY_PATH " +
		"WazuhTooManyRequests"},
	"api.authentication": {pkg: false, attrs: "AuthenticationManager DistributedAPI EXPIRED_TOKEN INVALID_TOKEN JWT_ALGORITHM JWT_ISSUER " +
		"SECURITY_CONFIG_PATH SECURITY_PATH ThreadPoolExecutor TokenManager Unauthorized Union " +
		"UserRolesManager WazuhInternalError _keypair _keypair_lock _private_key_path _public_key_path " +
		"asyncio change_keypair check_token check_user check_user_master clear_keypair conf core_utils " +
		"dapi_allower decode_token ec generate_keypair generate_token get_security_conf hashlib json jwt " +
		"logging login_pool optimize_resources os raise_if_exc rbac_pool rbac_utils read_config " +
		"serialization threading token_pool wazuh_gid wazuh_uid"},
	"api.configuration": {pkg: false, attrs: "APIError API_SSL_PATH Any CACHE_DEPRECATED_MESSAGE CONFIG_FILE_PATH Dict List NameOID " +
		"PRESERVE_CASE_SENSITIVITY_FIELDS SECURITY_CONFIG_PATH Tuple ValidationError api_conf " +
		"api_config_schema append_wazuh_prefixes copy core_utils crypto_default_backend datetime " +
		"default_api_configuration default_security_configuration dict_to_lowercase fill_dict " +
		"generate_private_key generate_self_signed_certificate hashes init_auth_worker logging os " +
		"read_yaml_config rsa security_conf security_config_schema serialization signal validate x509 " +
		"yaml"},
	"api.constants": {pkg: false, attrs: "API_LOG_PATH API_PATH API_SSL_PATH CONFIG_FILE_PATH CONFIG_PATH INSTALLATION_UID_KEY " +
		"INSTALLATION_UID_PATH RELATIVE_CONFIG_FILE_PATH RELATIVE_SECURITY_PATH SECURITY_CONFIG_PATH " +
		"SECURITY_PATH UPDATE_INFORMATION_KEY common os"},
	"api.controllers": {pkg: true, attrs: ""},
	"api.controllers.active_response_controller": {pkg: false, attrs: "ActiveResponseModel Body ConnexionResponse DistributedAPI JSON_CONTENT_TYPE active_response " +
		"json_response logger logging raise_if_exc remove_nones_to_dict request run_command"},
	"api.controllers.agent_controller": {pkg: false, attrs: "AffectedItemsWazuhResult AgentAddedModel AgentInsertedModel Body ConnexionResponse " +
		"DATABASE_LIMIT DistributedAPI GroupAddedModel JSON_CONTENT_TYPE Union add_agent agent " +
		"check_component_configuration_pair delete_agents delete_groups " +
		"delete_multiple_agent_single_group delete_single_agent_multiple_groups " +
		"delete_single_agent_single_group deprecate_endpoint get_agent_config get_agent_fields " +
		"get_agent_key get_agent_no_group get_agent_outdated get_agent_summary_os " +
		"get_agent_summary_status get_agent_uninstall_permission get_agent_upgrade get_agents " +
		"get_agents_in_group get_agents_summary get_component_stats get_daemon_stats get_group_config " +
		"get_group_file get_group_files get_list_group get_sync_agent get_system_nodes insert_agent " +
		"json_response logger logging mimetypes parse_api_param post_group post_new_agent " +
		"put_agent_single_group put_group_config put_multiple_agent_single_group put_upgrade_agents " +
		"put_upgrade_custom_agents raise_if_exc reconnect_agents remove_nones_to_dict request " +
		"restart_agent restart_agents restart_agents_by_group restart_agents_by_node stats"},
	"api.controllers.cdb_list_controller": {pkg: false, attrs: "AffectedItemsWazuhResult Body ConnexionResponse DistributedAPI cdb_list delete_file get_file " +
		"get_lists get_lists_files json_response logger logging parse_api_param put_file raise_if_exc " +
		"remove_nones_to_dict request"},
	"api.controllers.ciscat_controller": {pkg: false, attrs: "ConnexionResponse DistributedAPI List ciscat get_agents_ciscat_results json_response logger " +
		"logging parse_api_param raise_if_exc remove_nones_to_dict request"},
	"api.controllers.cluster_controller": {pkg: false, attrs: "AffectedItemsWazuhResult Body ConnexionResponse DistributedAPI XML_CONTENT_TYPE analysis " +
		"check_component_configuration_pair cluster common datetime deprecate_endpoint deserialize_date " +
		"get_api_config get_cluster_node get_cluster_nodes get_conf_validation get_config " +
		"get_configuration_node get_daemon_stats_node get_healthcheck get_info_node get_log_node " +
		"get_log_summary_node get_node_config get_nodes_ruleset_sync_status get_stats_analysisd_node " +
		"get_stats_hourly_node get_stats_node get_stats_remoted_node get_stats_weekly_node get_status " +
		"get_status_node get_system_nodes json_response logger logging manager parse_api_param " +
		"put_reload_analysisd put_restart raise_if_exc remove_nones_to_dict request stats " +
		"update_configuration"},
	"api.controllers.decoder_controller": {pkg: false, attrs: "AffectedItemsWazuhResult Body ConnexionResponse DistributedAPI XML_CONTENT_TYPE " +
		"decoder_framework delete_file get_decoders get_decoders_files get_decoders_parents get_file " +
		"json_response logger logging parse_api_param put_file raise_if_exc remove_nones_to_dict request"},
	"api.controllers.default_controller": {pkg: false, attrs: "BasicInfo ConnexionResponse DATE_FORMAT WazuhResult datetime default_info get_utc_now " +
		"json_response load_spec logger logging socket"},
	"api.controllers.event_controller": {pkg: false, attrs: "Body ConnexionResponse DistributedAPI EventIngestModel JSON_CONTENT_TYPE forward_event " +
		"json_response logger logging raise_if_exc remove_nones_to_dict request send_event_to_analysisd"},
	"api.controllers.experimental_controller": {pkg: false, attrs: "ConnexionResponse DistributedAPI WazuhResourceNotFound check_experimental_feature_value ciscat " +
		"clear_rootcheck_database clear_syscheck_database configuration get_cis_cat_results " +
		"get_hardware_info get_hotfixes_info get_network_address_info get_network_interface_info " +
		"get_network_protocol_info get_os_info get_packages_info get_ports_info get_processes_info " +
		"json_response logger logging parse_api_param raise_if_exc remove_nones_to_dict request rootcheck " +
		"syscheck syscollector wraps"},
	"api.controllers.logtest_controller": {pkg: false, attrs: "Body ConnexionResponse DistributedAPI JSON_CONTENT_TYPE LogtestModel end_logtest_session " +
		"json_response logger logging logtest raise_if_exc remove_nones_to_dict request run_logtest_tool"},
	"api.controllers.manager_controller": {pkg: false, attrs: "AffectedItemsWazuhResult Body ConnexionResponse DistributedAPI INSTALLATION_UID_KEY " +
		"UPDATE_INFORMATION_KEY XML_CONTENT_TYPE analysis check_available_version " +
		"check_component_configuration_pair common configuration cti_context datetime deprecate_endpoint " +
		"deserialize_date get_api_config get_conf_validation get_configuration get_daemon_stats get_info " +
		"get_log get_log_summary get_manager_config_ondemand get_stats get_stats_analysisd " +
		"get_stats_hourly get_stats_remoted get_stats_weekly get_status json_response logger logging " +
		"manager only_master_endpoint parse_api_param put_reload_analysisd put_restart raise_if_exc " +
		"remove_nones_to_dict request stats update_configuration"},
	"api.controllers.mitre_controller": {pkg: false, attrs: "ConnexionResponse DistributedAPI get_groups get_metadata get_mitigations get_references " +
		"get_software get_tactics get_techniques json_response logger logging mitre parse_api_param " +
		"raise_if_exc remove_nones_to_dict request"},
	"api.controllers.overview_controller": {pkg: false, attrs: "ConnexionResponse DistributedAPI get_full_overview get_overview_agents json_response logger " +
		"logging raise_if_exc remove_nones_to_dict request"},
	"api.controllers.rootcheck_controller": {pkg: false, attrs: "ConnexionResponse DistributedAPI delete_rootcheck get_last_scan_agent get_rootcheck_agent " +
		"json_response logger logging parse_api_param put_rootcheck raise_if_exc remove_nones_to_dict " +
		"request rootcheck"},
	"api.controllers.rule_controller": {pkg: false, attrs: "AffectedItemsWazuhResult Body ConnexionResponse DistributedAPI XML_CONTENT_TYPE delete_file " +
		"get_file get_rules get_rules_files get_rules_groups get_rules_requirement json_response logger " +
		"logging parse_api_param put_file raise_if_exc remove_nones_to_dict request rule_framework"},
	"api.controllers.sca_controller": {pkg: false, attrs: "ConnexionResponse DATABASE_LIMIT DistributedAPI get_sca_agent get_sca_checks json_response " +
		"logger logging parse_api_param raise_if_exc remove_nones_to_dict request sca"},
	"api.controllers.security_controller": {pkg: false, attrs: "AffectedItemsWazuhResult Body ConnexionResponse CreateUserModel DistributedAPI JSON_CONTENT_TYPE " +
		"PolicyModel RoleModel RuleModel SecurityConfigurationModel TokenResponseModel UpdateUserModel " +
		"WazuhException WazuhPermissionError WazuhResult __version__ add_policy add_role add_rule auth_re " +
		"create_user default_security_configuration delete_security_config delete_users " +
		"deprecate_endpoint deprecated_login_user dumps edit_run_as generate_token get_policies " +
		"get_rbac_actions get_rbac_resources get_roles get_rules get_security_config " +
		"get_system_nodes_or_none get_user_me get_user_me_policies get_users json_response logger logging " +
		"login_user logout_user parse_api_param preprocessor put_security_config raise_if_exc re " +
		"remove_nones_to_dict remove_policies remove_role_policy remove_role_rule remove_roles " +
		"remove_rules remove_user_role request revoke_all_tokens revoke_tokens run_as_login security " +
		"security_revoke_tokens set_role_policy set_role_rule set_user_role update_policy update_role " +
		"update_rule update_user"},
	"api.controllers.syscheck_controller": {pkg: false, attrs: "ConnexionResponse DistributedAPI clear delete_syscheck_agent files get_last_scan_agent " +
		"get_syscheck_agent json_response last_scan logger logging parse_api_param put_syscheck " +
		"raise_if_exc remove_nones_to_dict request run"},
	"api.controllers.syscollector_controller": {pkg: false, attrs: "ConnexionResponse DistributedAPI get_browser_extensions_info get_group_info get_hardware_info " +
		"get_hotfix_info get_network_address_info get_network_interface_info get_network_protocol_info " +
		"get_os_info get_packages_info get_ports_info get_processes_info get_services_info get_user_info " +
		"json_response logger logging parse_api_param raise_if_exc remove_nones_to_dict request " +
		"syscollector"},
	"api.controllers.task_controller": {pkg: false, attrs: "ConnexionResponse DATABASE_LIMIT DistributedAPI get_task_status get_tasks_status json_response " +
		"logger logging parse_api_param raise_if_exc remove_nones_to_dict request"},
	"api.controllers.util": {pkg: false, attrs: "ConnexionResponse ERROR_CONTENT_TYPE JSON_CONTENT_TYPE XML_CONTENT_TYPE " +
		"build_recursion_error_response dumps json_response prettify"},
	"api.encoder": {pkg: false, attrs: "AbstractWazuhResult JSONEncoder Model WazuhAPIJSONEncoder dumps json prettify six"},
	"api.error_handler": {pkg: false, attrs: "BlockedIPException ConnexionRequest ConnexionResponse ContentSizeExceeded ERROR_CONTENT_TYPE " +
		"ExpectFailedException LOGIN_ENDPOINT MaxRequestsException RUN_AS_LOGIN_ENDPOINT " +
		"_cleanup_detail_field build_recursion_error_response configuration content_size_handler " +
		"exceptions expect_failed_error_handler get_utc_now http_error_handler ip_block ip_lock ip_stats " +
		"json_response jwt prevent_bruteforce_attack problem_error_handler recursion_error_handler " +
		"unauthorized_error_handler"},
	"api.middlewares": {pkg: false, attrs: "AUTH_CONTEXT_MAX_PAYLOAD_SIZE AbstractSecurityHandler BaseHTTPMiddleware BlockedIPException " +
		"CheckAuthContextSizeMiddleware CheckBlockedIP CheckExpectHeaderMiddleware " +
		"CheckRateLimitsMiddleware ConnexionRequest ContentSecurityPolicy ExpectFailedException " +
		"HASH_AUTH_CONTEXT_KEY JWT_ALGORITHM LOGIN_ENDPOINT MAX_REQUESTS_EVENTS_DEFAULT " +
		"MaxRequestsException OAuthProblem PayloadTooLargeException RUN_AS_LOGIN_ENDPOINT Request " +
		"RequestResponseEndpoint Response Secure SecureHeadersMiddleware Server UNKNOWN_USER_STRING " +
		"WazuhAccessLoggerMiddleware XFrameOptions access_log asyncio base64 binascii " +
		"build_recursion_error_response check_blocked_ip check_rate_limit configuration csp " +
		"custom_logging events_current_time events_request_counter general_current_time " +
		"general_request_counter generate_keypair get_utc_now hashlib ip_block ip_lock ip_stats json jwt " +
		"logger logging secure_headers server start_stop_logger time xfo"},
	"api.models":                         {pkg: true, attrs: "BasicInfo TokenResponseModel"},
	"api.models.active_response_model":   {pkg: false, attrs: "ActiveResponseModel Body List date datetime"},
	"api.models.agent_added_model":       {pkg: false, attrs: "AgentAddedModel AgentForce Body Dict DisconnectedTime List Model date datetime"},
	"api.models.agent_group_added_model": {pkg: false, attrs: "Body Dict GroupAddedModel List date datetime"},
	"api.models.agent_inserted_model":    {pkg: false, attrs: "AgentForce AgentInsertedModel Body Dict"},
	"api.models.base_model_": {pkg: false, attrs: "AllOf Body Data Dict Items JSONDecodeError List Model ProblemException T WazuhError " +
		"WazuhNotAcceptable get_invalid_keys pprint raise_if_exc six typing util"},
	"api.models.basic_info_model":              {pkg: false, attrs: "BasicInfo Model util"},
	"api.models.configuration_model":           {pkg: false, attrs: "Body SecurityConfigurationModel"},
	"api.models.event_ingest_model":            {pkg: false, attrs: "Body EventIngestModel List MAX_EVENTS_PER_REQUEST Optional ProblemException"},
	"api.models.logtest_model":                 {pkg: false, attrs: "Body Dict List LogtestModel date datetime"},
	"api.models.security_model":                {pkg: false, attrs: "Body CreateUserModel PolicyModel RoleModel RuleModel UpdateUserModel"},
	"api.models.security_token_response_model": {pkg: false, attrs: "Dict List Model TokenResponseModel date datetime util"},
	"api.signals": {pkg: false, attrs: "Callable ConnexionMiddleware INSTALLATION_UID_KEY INSTALLATION_UID_PATH Inotify Mask " +
		"ONE_DAY_SLEEP SECURITY_PATH UPDATE_INFORMATION_KEY _private_key_path _public_key_path asyncio " +
		"cancel_signal_handler clean_auth_keys_cache clear_keypair configuration contextlib cti_context " +
		"get_installation_uid get_update_information lifespan_handler load_installation_uid logger " +
		"logging os query_update_check_service running_in_master_node update_check_is_enabled wraps"},
	"api.uri_parser": {pkg: false, attrs: "APIUriParser LOWER_FIELDS OpenAPIURIParser"},
	"api.util": {pkg: false, attrs: "ProblemException Union _create_problem _deserialize _deserialize_dict _deserialize_list " +
		"_deserialize_object _deserialize_primitive _parse_q_param _parse_search_param _parse_sort_param " +
		"common datetime deprecate_endpoint deserialize_date deserialize_datetime deserialize_model " +
		"exception get_invalid_keys logger logging only_master_endpoint os parse_api_param raise_if_exc " +
		"remove_nones_to_dict running_in_master_node serialize six to_relative_path typing wraps"},
	"api.validator": {pkg: false, attrs: "Dict Draft4Validator ET List MappingProxyType WAZUH_COMPONENT_CONFIGURATION_MAPPING WazuhError " +
		"_active_response_command _alphanumeric_param _array_names _array_numbers _base64 _boolean " +
		"_cdb_filename_path _dates _empty_boolean _get_dirnames_path _group_names _group_names_or_all " +
		"_hashes _ips _iso8601_date _iso8601_date_time _names _numbers _numbers_or_all _paths " +
		"_query_param _ranges _search_param _sort_param _symbols_alphanumeric_param _timeframe_type " +
		"_type_format _wazuh_key _wazuh_version _wpk_path _xml_filename _xml_filename_path " +
		"_yes_no_boolean allowed_fields api_config_schema check_component_configuration_pair check_exp " +
		"check_xml common format_active_response_command format_alphanumeric format_alphanumeric_symbols " +
		"format_base64 format_cdb_filename_path format_date format_datetime format_datetime_or_empty " +
		"format_get_dirnames_path format_group_names format_group_names_or_all format_hash " +
		"format_hash_or_empty format_names format_names_or_empty format_numbers format_numbers_or_all " +
		"format_numbers_or_empty format_path format_query format_range format_search format_sort " +
		"format_timeframe format_wazuh_key format_wazuh_version format_wpk_path format_xml_filename " +
		"format_xml_filename_path is_safe_path os re security_config_schema"},
	"wazuh": {pkg: true, attrs: "Wazuh WazuhDBConnection WazuhError WazuhException WazuhInternalError __version__ common " +
		"get_installation_uid main msg python_version strftime"},
	"wazuh.__main__": {pkg: false, attrs: "main"},
	"wazuh.active_response": {pkg: false, attrs: "AffectedItemsWazuhResult WazuhDBQueryAgents WazuhError WazuhException WazuhQueue " +
		"WazuhResourceNotFound active_response common expose_resources get_agents_info get_rbac_filters " +
		"run_command"},
	"wazuh.agent": {pkg: false, attrs: "AffectedItemsWazuhResult Agent COUNT ERROR_CODES_UPGRADE_SOCKET " +
		"ERROR_CODES_UPGRADE_SOCKET_BAD_REQUEST ERROR_CODES_UPGRADE_SOCKET_GET_UPGRADE_RESULT " +
		"GROUP_CONFIG_STATUS GROUP_FIELDS GROUP_FILES_FIELDS GROUP_FILES_REQUIRED_FIELDS " +
		"GROUP_REQUIRED_FIELDS InputValidator STATUS UPGRADE_CHUNK_SIZE UPGRADE_RESULT_CHUNK_SIZE Union " +
		"WazuhDBQueryAgents WazuhDBQueryGroup WazuhDBQueryGroupByAgents WazuhError WazuhException " +
		"WazuhInternalError WazuhQueue WazuhResourceNotFound WazuhResult add_agent assign_agents_to_group " +
		"async_list_handler check_if_wazuh_agent_version check_uninstall_permission chmod chmod_r chown_r " +
		"clear_temporary_caches cluster_enabled common configuration contextlib create_group " +
		"create_upgrade_tasks delete_agents delete_groups expose_resources full_copy get_agent_conf " +
		"get_agent_config get_agent_groups get_agents get_agents_in_group get_agents_info get_agents_keys " +
		"get_agents_summary get_agents_summary_os get_agents_summary_status get_agents_sync_group " +
		"get_distinct_agents get_file_conf get_full_overview get_group_files get_groups get_hash get_node " +
		"get_outdated_agents get_rbac_filters get_upgrade_result get_wdb_http_client hashlib listdir md5 " +
		"mkdir_with_mode node_id operator parse_wazuh_agent_version path process_array " +
		"read_cluster_config reconnect_agents remove_agent_from_group remove_agent_from_groups " +
		"remove_agents_from_group restart_agents restart_agents_by_group restart_agents_by_node " +
		"send_restart_command upgrade_agents upload_group_file"},
	"wazuh.analysis": {pkg: false, attrs: "AffectedItemsWazuhResult WazuhError _reload_ruleset_default_result_kwargs async_list_handler " +
		"cluster_enabled expose_resources get_node local_client node_id node_type read_cluster_config " +
		"reload_ruleset send_reload_ruleset_and_get_results set_reload_ruleset_flag"},
	"wazuh.cdb_list": {pkg: false, attrs: "AffectedItemsWazuhResult LIST_FIELDS REQUIRED_FIELDS SORT_FIELDS WazuhError common " +
		"delete_file_with_backup delete_list delete_list_file exists expose_resources get_filenames_paths " +
		"get_list_file get_list_from_file get_lists get_path_lists isfile iterate_lists join path_dirname " +
		"process_array remove safe_move split to_relative_path upload_file upload_list_file " +
		"validate_cdb_list"},
	"wazuh.ciscat": {pkg: false, attrs: "AffectedItemsWazuhResult WazuhDBQuerySyscollector WazuhResourceNotFound common expose_resources " +
		"get_agents_info get_ciscat_results merge"},
	"wazuh.cluster": {pkg: false, attrs: "AffectedItemsWazuhResult Union WazuhError WazuhResourceNotFound WazuhResult async_list_handler " +
		"cluster_enabled common expose_resources get_cluster_status get_health get_health_nodes get_node " +
		"get_node_ruleset_integrity get_node_wrapper get_nodes get_nodes_info get_ruleset_sync_status " +
		"get_status_json local_client mask_sensitive_config node_id node_type read_cluster_config " +
		"read_config read_config_wrapper"},
	"wazuh.core":                {pkg: true, attrs: ""},
	"wazuh.core.InputValidator": {pkg: false, attrs: "InputValidator _group_names operator re reduce"},
	"wazuh.core.active_response": {pkg: false, attrs: "ARJsonMessage ARMessageBuilder ARStrMessage Agent WazuhError WazuhQueue WazuhVersion common " +
		"create_wazuh_socket_message get_commands get_node json read_cluster_config send_ar_message " +
		"shell_escape"},
	"wazuh.core.agent": {pkg: false, attrs: "AGENT_COMPONENT_STATS_REQUIRED_VERSION Agent DATE_FORMAT GROUP_FIELDS GROUP_FILES_FIELDS " +
		"GROUP_FILES_REQUIRED_FIELDS GROUP_REQUIRED_FIELDS InputValidator WazuhDBBackend " +
		"WazuhDBConnection WazuhDBQuery WazuhDBQueryAgents WazuhDBQueryDistinct " +
		"WazuhDBQueryDistinctAgents WazuhDBQueryGroup WazuhDBQueryGroupBy WazuhDBQueryGroupByAgents " +
		"WazuhDBQueryMultigroups WazuhError WazuhException WazuhInternalError WazuhQueue " +
		"WazuhResourceNotFound WazuhSocket WazuhSocketJSON WazuhVersion agent_regex b64encode common " +
		"configuration core_upgrade_agents create_upgrade_tasks create_wazuh_socket_message dapi_allower " +
		"datetime detect_valid_lines detect_wrong_lines dumps expand_group format_fields get_agents_info " +
		"get_date_from_timestamp get_fields_to_nest get_groups get_manager_name get_manager_status " +
		"get_rbac_filters get_utc_now get_utc_strptime get_wdb_http_client ipaddress json listdir loads " +
		"lock_acquired lock_file lru_cache mutex path plain_dict_to_nested_dict re resource_cache rmtree " +
		"send_restart_command stats threading timezone unify_wazuh_upgrade_version_format " +
		"unify_wazuh_version_format"},
	"wazuh.core.analysis": {pkg: false, attrs: "AffectedItemsWazuhResult List Logger RELOAD_RULESET_COMMAND RulesetReloadResponse " +
		"WazuhAsyncSocket WazuhError common create_wazuh_socket_message dumps is_ruleset_file loads " +
		"log_ruleset_reload_response os send_reload_ruleset_and_get_results send_reload_ruleset_msg"},
	"wazuh.core.cdb_list": {pkg: false, attrs: "LIST_FIELDS Path REQUIRED_FIELDS SORT_FIELDS Union WazuhError _pattern_path _regex_path " +
		"check_path chmod common create_list_file delete_list delete_wazuh_file find_nth " +
		"get_filenames_paths get_list_from_file iterate_lists listdir path re remove " +
		"split_key_value_with_quotes to_relative_path validate_cdb_list"},
	"wazuh.core.cluster": {pkg: true, attrs: "__author__ __licence__ __revision__ __version__ __wazuh_name__"},
	"wazuh.core.cluster.client": {pkg: false, attrs: "AbstractClient AbstractClientManager Dict List Tuple asyncio common context_tag itertools " +
		"logging perf_counter traceback uvloop"},
	"wazuh.core.cluster.cluster": {pkg: false, attrs: "AGENT_CHUNK_SIZE AGENT_RECONNECTION_STABILITY_TIME AGENT_RECONNECTION_TIME FILE_SEP FREQUENCY " +
		"HAPROXY_HELPER HAPROXY_HELPER_SCHEMA HAPROXY_PORT HAPROXY_PROTOCOL IMBALANCE_TOLERANCE " +
		"InputValidator MAX_PORT MIN_PORT PATH_SEP REMOVE_DISCONNECTED_NODE_AFTER ValidationError " +
		"WazuhError WazuhException WazuhInternalError async_decompress_files blake2b check_cluster_config " +
		"check_cluster_status clean_up common compare_files compress_files decompress_files " +
		"decompress_to_file defaultdict eq errno get_cluster_items get_date_from_timestamp " +
		"get_files_status get_node get_ruleset_status get_utc_now itertools json listdir logger logging " +
		"merge_info mkdir_with_mode os partial path read_config remove run_in_pool safe_join shutil stat " +
		"to_relative_path unmerge_info update_cluster_control uuid4 validate " +
		"validate_haproxy_helper_config validators wait_for walk walk_dir zlib"},
	"wazuh.core.cluster.common": {pkg: false, attrs: "ALLOWED_CALLABLES_PACKAGES Any AsyncWazuhDBConnection Callable Dict Handler " +
		"IGNORED_WDB_EXCEPTIONS InBuffer Iterable List MAX_CHUNK_SIZE MAX_CONCURRENT_DIVIDED_MSGS " +
		"MAX_TOTAL_SIZE PRE_AUTH_PAYLOAD_TIMEOUT ReceiveFileTask ReceiveStringTask Response " +
		"SendStringTask SyncFiles SyncTask SyncWazuhdb Tuple Union Wazuh WazuhClusterError WazuhCommon " +
		"WazuhDBConnection WazuhJSONEncoder _ALLOWED_PREFIXES as_wazuh_object ast asyncio " +
		"asyncio_exception_handler base64 cluster cluster_utils common contextlib cryptography datetime " +
		"end_sending_agent_information error_receiving_agent_information exception get_wdb_http_client " +
		"hashlib import_module json logging os random re send_data_to_wdb struct time traceback utils " +
		"uuid4 wresults"},
	"wazuh.core.cluster.control": {pkg: false, attrs: "Agent Optional WazuhError WazuhInternalError WazuhJSONEncoder as_wazuh_object common " +
		"dapi_allower filter_array_by_query get_agents get_health get_node get_node_ruleset_integrity " +
		"get_nodes get_system_nodes get_system_nodes_or_none json local_client set_reload_ruleset_flag"},
	"wazuh.core.cluster.dapi": {pkg: true, attrs: ""},
	"wazuh.core.cluster.dapi.dapi": {pkg: false, attrs: "APIRequestQueue API_AUTHENTICATION_PROCESS Callable Dict DistributedAPI List OperationalError " +
		"ProcessPoolExecutor SendSyncRequestQueue Tuple WazuhClusterError WazuhError WazuhException " +
		"WazuhRequestQueue aconf agent asyncio authentication_funcs c_common check_cluster_status common " +
		"contextlib copy deepcopy defaultdict events_funcs exception get_node_wrapper get_nodes_info " +
		"itertools json local_client logging node_info operator or_ os partial pools process reduce " +
		"spawn_process_pool_worker time wazuh wazuh_sendsync wresults"},
	"wazuh.core.cluster.hap_helper": {pkg: true, attrs: ""},
	"wazuh.core.cluster.hap_helper.hap_helper": {pkg: false, attrs: "AGENT_CHUNK_SIZE AGENT_RECONNECTION_STABILITY_TIME AGENT_RECONNECTION_TIME CLIENT_CERT " +
		"CLIENT_CERT_KEY CLIENT_CERT_PASSWORD CONNECTION_PORT ClusterFilter EXCLUDED_NODES FREQUENCY " +
		"HAPHelper HAPROXY_ADDRESS HAPROXY_BACKEND HAPROXY_CERT HAPROXY_PASSWORD HAPROXY_PORT " +
		"HAPROXY_PROTOCOL HAPROXY_RESOLVER HAPROXY_USER HELPER_DEFAULTS IMBALANCE_TOLERANCE Proxy " +
		"ProxyAPI ProxyServerState REMOVE_DISCONNECTED_NODE_AFTER WazuhAgent WazuhDAPI WazuhException " +
		"WazuhHAPHelperError asyncio ceil context_tag floor get_cluster_items get_ossec_conf logging " +
		"read_cluster_config"},
	"wazuh.core.cluster.hap_helper.proxy": {pkg: false, attrs: "ClusterFilter CommunicationProtocol Enum HTTP_PROTOCOL JSON_TYPE Literal Optional " +
		"PROXY_API_RESPONSE Proxy ProxyAPI ProxyAPIMethod ProxyBalanceAlgorithm ProxyServerState " +
		"TypeAlias WazuhHAPHelperError _convert_to_milliseconds _convert_to_seconds context_tag httpx " +
		"ipaddress join json logging"},
	"wazuh.core.cluster.hap_helper.wazuh": {pkg: false, attrs: "Callable ClusterFilter DistributedAPI Optional WazuhAgent WazuhDAPI context_tag defaultdict " +
		"get_agents get_nodes_info get_system_nodes logging re reconnect_agents"},
	"wazuh.core.cluster.local_client": {pkg: false, attrs: "LocalClient LocalClientHandler Tuple asyncio client common exception logging os time uvloop " +
		"wazuh"},
	"wazuh.core.cluster.local_server": {pkg: false, attrs: "Dict LocalServer LocalServerHandler LocalServerHandlerMaster LocalServerHandlerWorker " +
		"LocalServerMaster LocalServerWorker Tuple Union WazuhClusterError asyncio c_common client " +
		"cluster common context_tag dapi functools json logging os random server uvloop"},
	"wazuh.core.cluster.master": {pkg: false, attrs: "Agent AsyncWazuhDBConnection Callable DECIMALS_DATE_FORMAT DEFAULT_DATE Dict Master " +
		"MasterHandler ProcessPoolExecutor ReceiveAgentInfoTask ReceiveExtraValidTask " +
		"ReceiveIntegrityTask SendEntireAgentGroupsTask Tuple asyncio c_common cluster common context_tag " +
		"dapi datetime defaultdict exception functools get_utc_now json log_subprocess_execution metadata " +
		"operator os perf_counter safe_join server shutil timegm timezone utils uuid4"},
	"wazuh.core.cluster.server": {pkg: false, attrs: "AbstractServer AbstractServerHandler ClusterFilter Dict MAX_CONNECTIONS_PER_IP Tuple asyncio " +
		"c_common common context_tag contextlib exception functools inspect itertools logging " +
		"perf_counter re traceback utils uuid4 uvloop"},
	"wazuh.core.cluster.utils": {pkg: false, attrs: "AGENT_CHUNK_SIZE AGENT_RECONNECTION_STABILITY_TIME AGENT_RECONNECTION_TIME CLIENT_CERT " +
		"CLIENT_CERT_KEY CLIENT_CERT_PASSWORD ClusterFilter ClusterLogger ContextVar DISABLED " +
		"EXCLUDED_NODES FREQUENCY HAPROXY_ADDRESS HAPROXY_BACKEND HAPROXY_CERT HAPROXY_DISABLED " +
		"HAPROXY_HELPER HAPROXY_PASSWORD HAPROXY_PORT HAPROXY_PROTOCOL HAPROXY_RESOLVER HAPROXY_USER " +
		"HELPER_DEFAULTS IMBALANCE_TOLERANCE NO REMOVE_DISCONNECTED_NODE_AFTER WazuhError WazuhException " +
		"WazuhHAPHelperError WazuhInternalError WazuhLogger WazuhResult YES " +
		"_parse_haproxy_helper_float_values _parse_haproxy_helper_integer_values common context_tag " +
		"create_wazuh_socket_message execq_lockfile fcntl forward_function get_cluster_items " +
		"get_cluster_status get_manager_status get_ossec_conf glob json log_subprocess_execution logger " +
		"logging lru_cache manager_restart os parse_haproxy_helper_config process_spawn_sleep " +
		"pyDaemonModule raise_if_exc re read_cluster_config read_config running_in_master_node safe_join " +
		"setitem signal socket temporary_cache time typing"},
	"wazuh.core.cluster.worker": {pkg: false, attrs: "AsyncReloadRulesetFlag AsyncWazuhDBConnection Callable Dict List ReceiveAgentGroupsTask " +
		"ReceiveEntireAgentGroupsTask ReceiveIntegrityTask Tuple Union WazuhClusterError WazuhException " +
		"Worker WorkerHandler analysis asyncio c_common client cluster common contextlib dapi datetime " +
		"defaultdict errno exception get_utc_now json log_subprocess_execution logging metadata os " +
		"perf_counter safe_join safe_move shutil timezone utils"},
	"wazuh.core.common": {pkg: false, attrs: "ACTIVE_CONFIG_VERSION AGENT_COMPONENT_STATS_REQUIRED_VERSION AGENT_NAME_LEN_LIMIT " +
		"ANALYSISD_SOCKET ANALYSISD_STATS AR_CONF AR_LEGACY_VERSION AR_SOCKET AUTHD_SOCKET Any " +
		"BACKUP_PATH CHECK_CONFIG_COMMAND CLIENT_KEYS COMPILED_LISTS_EXTENSION ContextVar DATABASE_LIMIT " +
		"DATABASE_PATH DATABASE_PATH_GLOBAL DATE_FORMAT DECIMALS_DATE_FORMAT DECODERS_EXTENSION " +
		"DECODERS_PATH DEFAULT_RBAC_RESOURCES Dict EXECQ_SOCKET Event GROUP_NAME INSTALLATION_UID_PATH " +
		"INTERNAL_OPTIONS_CONF LISTS_EXTENSION LISTS_PATH LOCAL_INTERNAL_OPTIONS_CONF LOGTEST_SOCKET " +
		"MAXIMUM_DATABASE_LIMIT MAX_GROUPS_PER_MULTIGROUP MAX_QUERY_FILTERS_RESERVED_SIZE " +
		"MAX_SOCKET_BUFFER_SIZE MULTI_GROUPS_PATH OSSEC_CONF OSSEC_PIDFILE_PATH OSSEC_TMP_PATH " +
		"OS_PIDFILE_PATH QUEUE_SOCKET REMOTED_SOCKET REMOTED_STATS RESTART_WAZUH_COMMAND RULESET_PATH " +
		"RULES_EXTENSION RULES_PATH SECURITY_PATH SHARED_PATH STATS_PATH TASKS_SOCKET UPGRADE_SOCKET " +
		"USER_DECODERS_PATH USER_LISTS_PATH USER_NAME USER_RULES_PATH WAZUH_LOCALTIME_PATH WAZUH_LOG " +
		"WAZUH_LOGS WAZUH_LOG_JSON WAZUH_PATH WCOM_SOCKET WDB_HTTP_SOCKET WDB_PATH WDB_SOCKET " +
		"WMODULES_SOCKET WPK_REPO_URL_4_X _WAZUH_GID _WAZUH_UID _context_cache broadcast cluster_nodes " +
		"context_cached current_user deepcopy find_wazuh_path get_context_cache get_installation_uid " +
		"getgrnam getpwnam json lru_cache mp_pools origin_module os rbac reset_context_cache " +
		"token_cache_event uuid wazuh_gid wazuh_uid wraps"},
	"wazuh.core.configuration": {pkg: false, attrs: "CONF_SECTIONS CTI_URL_FIELD DEFAULT_CTI_URL GETCONFIG_COMMAND GLOBAL_KEY List MappingProxyType " +
		"NoOptionError RawConfigParser StringIO UPDATE_CHECK_OSSEC_FIELD Union WazuhError " +
		"WazuhInternalError WazuhResourceNotFound YES_VALUE _agentconf2json _ar_conf2json _conf2json " +
		"_insert _insert_section _merged_mg2json _ossecconf2json _rcl2json _read_option " +
		"_replace_custom_values _rootkit_files2json _rootkit_trojans2json common cut_array " +
		"get_active_configuration get_agent_conf get_agent_conf_multigroup get_cti_url get_file_conf " +
		"get_internal_options_value get_ossec_conf json load_wazuh_xml logger logging os os_path " +
		"parseString parse_internal_options re remove safe_move subprocess sys tempfile tostring " +
		"update_check_is_enabled upload_group_configuration upload_group_file wazuh_socket " +
		"write_ossec_conf"},
	"wazuh.core.decoder": {pkg: false, attrs: "DECODER_FIELDS DECODER_FILES_FIELDS DECODER_FILES_REQUIRED_FIELDS DYNAMIC_OPTIONS Enum " +
		"REQUIRED_FIELDS SORT_FIELDS Status WazuhError WazuhInternalError add_detail add_dynamic_detail " +
		"check_status common load_decoders_from_file load_wazuh_xml os"},
	"wazuh.core.decorators": {pkg: false, attrs: "dapi_allower wraps"},
	"wazuh.core.exception": {pkg: false, attrs: "AGENT_NAME_LEN_LIMIT DOCU_VERSION GENERIC_ERROR_MSG MAX_GROUPS_PER_MULTIGROUP " +
		"MAX_SOCKET_BUFFER_SIZE Union WazuhClusterError WazuhError WazuhException WazuhHAPHelperError " +
		"WazuhInternalError WazuhNotAcceptable WazuhPermissionError WazuhResourceNotFound " +
		"WazuhTooManyRequests __version__ deepcopy"},
	"wazuh.core.logtest": {pkg: false, attrs: "DECIMALS_DATE_FORMAT LOGTEST_SOCKET WazuhError WazuhSocketJSON create_wazuh_socket_message " +
		"datetime origin_module pytz send_logtest_msg validate_dummy_logtest"},
	"wazuh.core.manager": {pkg: false, attrs: "CTI_URL Dict Enum LoggingFormat ONE_DAY_SLEEP OSSEC_LOG_FIELDS Optional OrderedDict " +
		"RELEASE_UPDATES_URL USER_AGENT_KEY Union WAZUH_TAG_KEY WAZUH_UID_KEY WazuhError WazuhException " +
		"WazuhInternalError WazuhSocket _get_ssl_context _re_logtest certifi common configuration copy " +
		"datetime exists get_active_configuration get_api_conf get_cti_url get_logs_summary " +
		"get_manager_status get_ossec_log_fields get_ossec_logs get_update_information_template " +
		"get_utc_now get_utc_strptime get_wazuh_active_logging_format httpx json os parse_execd_output " +
		"query_update_check_service re socket ssl status tail timezone validate_ossec_conf wazuh"},
	"wazuh.core.mitre": {pkg: false, attrs: "ABC DEFAULT_PK DEFAULT_REQUEST_SLICE EXTRA_FIELDS GROUPS_REQUEST_SLICE MAIN_TABLES_PKS " +
		"MITIGATIONS_REQUEST_SLICE REFERENCES_REQUEST_SLICE RELATIONAL_REQUEST_SLICE_TECHNIQUE_GROUPS " +
		"SELECT_FIELDS_REFERENCES SOFTWARE_REQUEST_SLICE TECHNIQUES_REQUEST_SLICE Union WazuhDBBackend " +
		"WazuhDBQuery WazuhDBQueryMitre WazuhDBQueryMitreGroups WazuhDBQueryMitreMetadata " +
		"WazuhDBQueryMitreMitigations WazuhDBQueryMitreReferences WazuhDBQueryMitreRelational " +
		"WazuhDBQueryMitreRelationalMitigate WazuhDBQueryMitreRelationalPhase " +
		"WazuhDBQueryMitreRelationalUse WazuhDBQueryMitreSoftware WazuhDBQueryMitreTactics " +
		"WazuhDBQueryMitreTechniques common copy datetime get_mitre_items get_results_with_select " +
		"get_utc_strptime lru_cache process_array"},
	"wazuh.core.pyDaemonModule": {pkg: false, attrs: "API_AUTHENTICATION_PROCESS API_LOCAL_REQUEST_PROCESS API_MAIN_PROCESS " +
		"API_SECURITY_EVENTS_PROCESS WazuhInternalError common create_pid delete_child_pids delete_pid " +
		"glob logging os path psutil pyDaemon signal spawn_process_pool_worker sys"},
	"wazuh.core.results": {pkg: false, attrs: "AbstractWazuhResult AffectedItemsWazuhResult DATABASE_LIMIT Iterable Number Union WazuhResult " +
		"_goes_before_than builtins collections current_module deepcopy merge nested_itemgetter re sys " +
		"utils wexception"},
	"wazuh.core.rootcheck": {pkg: false, attrs: "Agent DATE_FORMAT WazuhDBBackend WazuhDBConnection WazuhDBQuery WazuhDBQueryRootcheck " +
		"WazuhException get_date_from_timestamp last_scan rootcheck_delete_agent"},
	"wazuh.core.rule": {pkg: false, attrs: "DYNAMIC_OPTIONS Enum REQUIRED_FIELDS RULE_FIELDS RULE_FILES_FIELDS RULE_FILES_REQUIRED_FIELDS " +
		"RULE_REQUIREMENTS SORT_FIELDS Status WazuhError _create_dict _create_rule_decoder_dir_dict " +
		"_remove_files add_detail add_dynamic_detail check_status common format_rule_decoder_file glob " +
		"item_format load_rules_from_file load_wazuh_xml os re set_groups"},
	"wazuh.core.sca": {pkg: false, attrs: "Agent MappingProxyType SCA_CHECK_COMPLIANCE_DB_FIELDS SCA_CHECK_DB_FIELDS " +
		"SCA_CHECK_RULES_DB_FIELDS Union WazuhDBBackend WazuhDBQuery WazuhDBQueryDistinctSCACheck " +
		"WazuhDBQuerySCA WazuhDBQuerySCACheck WazuhDBQuerySCACheckIDs WazuhDBQuerySCACheckRelational " +
		"WazuhError get_date_from_timestamp"},
	"wazuh.core.security": {pkg: false, attrs: "DB_FILE REQUIRED_FIELDS RolesManager SECURITY_CONFIG_PATH SORT_FIELDS SORT_FIELDS_GET_USERS " +
		"TokenManager WazuhError WazuhInternalError api_path change_keypair check_database_integrity " +
		"check_relationships dapi_allower invalid_roles_tokens invalid_run_as_tokens invalid_users_tokens " +
		"load_spec lru_cache middlewares os rbac_db_factory_reset revoke_tokens sanitize_rbac_policy " +
		"update_security_conf yaml"},
	"wazuh.core.stats": {pkg: false, attrs: "DAYS MONTHS PaginatedDataHandler Union WazuhError WazuhException WazuhInternalError " +
		"check_if_daemon_exists_in_agent common contextlib create_stats_command datetime " +
		"get_daemons_stats_ get_daemons_stats_from_socket get_daemons_stats_socket get_stats_socket_path " +
		"hourly_ is_agent_a_manager json os re send_command_to_socket totals_ utils wazuh_socket weekly_"},
	"wazuh.core.syscheck": {pkg: false, attrs: "JSONDecodeError WazuhDBBackend WazuhDBConnection WazuhDBQuery WazuhDBQuerySyscheck " +
		"get_date_from_timestamp get_fields_to_nest loads plain_dict_to_nested_dict syscheck_delete_agent"},
	"wazuh.core.syscollector": {pkg: false, attrs: "Agent Enum Type WazuhDBBackend WazuhDBQuery WazuhDBQuerySyscollector get_fields_to_nest " +
		"get_valid_fields plain_dict_to_nested_dict"},
	"wazuh.core.task": {pkg: false, attrs: "WazuhDBBackend WazuhDBQuery WazuhDBQueryTask WazuhInternalError WazuhSocket common dumps " +
		"get_date_from_timestamp loads send_to_tasks_socket tasks_fields"},
	"wazuh.core.utils": {pkg: false, attrs: "AbstractDatabaseBackend Element Error ExpatError SIGALRM SIGKILL TTLCache Timeout WazuhDBBackend " +
		"WazuhDBConnection WazuhDBQuery WazuhDBQueryDistinct WazuhDBQueryGroupBy WazuhError " +
		"WazuhInternalError WazuhVersion _filemode_table _get_hashing_algorithm add_dynamic_detail alarm " +
		"blake2b cached chain check_agents_allow_higher_versions check_if_wazuh_agent_version " +
		"check_indexer check_remote_commands check_virustotal_integration check_wazuh_limits_unchanged " +
		"chmod chmod_r chown chown_r clean_pid_files clear_temporary_caches common configuration copy2 " +
		"curdir cut_array datetime deepcopy delete_file_with_backup delete_wazuh_file errno exceptions " +
		"filemode filter_array_by_query find_nth fromstring full_copy get get_date_from_timestamp " +
		"get_fields_to_nest get_hash get_hash_str get_localtime get_timeframe_in_seconds get_utc_now " +
		"get_utc_strptime get_values gettz groupby hashlib json listdir load_wazuh_xml md5 mkdir " +
		"mkdir_with_mode move normalize operator os parseString parse_wazuh_agent_version path " +
		"plain_dict_to_nested_dict previous_month process_array psutil re remove rename " +
		"replace_in_comments results safe_move search_array select_array signal sort_array stat sys " +
		"t_cache tail tempfile temporary_cache timedelta timezone to_relative_path typing tzinfo unicode " +
		"upload_file utime validate_wazuh_xml wraps xml_to_dict"},
	"wazuh.core.wazuh_queue": {pkg: false, attrs: "Any BaseQueue WazuhAnalysisdQueue WazuhError WazuhInternalError WazuhQueue " +
		"create_wazuh_queue_socket_msg create_wazuh_socket_message json origin_module socket"},
	"wazuh.core.wazuh_socket": {pkg: false, attrs: "SOCKET_COMMUNICATION_PROTOCOL_VERSION WazuhAsyncProtocol WazuhAsyncSocket WazuhAsyncSocketJSON " +
		"WazuhException WazuhInternalError WazuhSocket WazuhSocketJSON asyncio common " +
		"create_wazuh_socket_message daemons dumps loads os pack socket unpack wazuh_sendasync " +
		"wazuh_sendsync"},
	"wazuh.core.wdb": {pkg: false, attrs: "AsyncWazuhDBConnection DATE_FORMAT List MAX_SOCKET_BUFFER_SIZE Union WazuhDBConnection " +
		"WazuhError WazuhInternalError asyncio common contextlib datetime json re socket struct"},
	"wazuh.core.wdb_http": {pkg: false, attrs: "APPLICATION_JSON AgentIDGroups AgentStatus AgentsSummary Any AsyncClient AsyncHTTPTransport " +
		"AsyncIterator ConnectError RequestError Timeout TimeoutException UnsupportedProtocol " +
		"WazuhDBHTTPClient WazuhError WazuhInternalError asynccontextmanager common get_wdb_http_client"},
	"wazuh.core.wlogging": {pkg: false, attrs: "CustomFilter SizeBasedFileRotatingHandler TimeBasedFileRotatingHandler WazuhLogger calendar " +
		"common date glob gzip logging os re shutil utils"},
	"wazuh.decoder": {pkg: false, attrs: "AffectedItemsWazuhResult DECODER_FIELDS DECODER_FILES_FIELDS DECODER_FILES_REQUIRED_FIELDS " +
		"ExpatError REQUIRED_FIELDS SORT_FIELDS Tuple Union WazuhError WazuhInternalError check_status " +
		"common commonpath configuration delete_decoder_file exists expose_resources " +
		"format_rule_decoder_file full_copy get_decoder_file get_decoder_file_path get_decoders " +
		"get_decoders_files join load_decoders_from_file normpath process_array remove safe_move " +
		"to_relative_path upload_decoder_file upload_file validate_dummy_logtest " +
		"validate_upload_delete_dir validate_wazuh_xml xmltodict"},
	"wazuh.event": {pkg: false, attrs: "AffectedItemsWazuhResult MSG_HEADER QUEUE_SOCKET WazuhAnalysisdQueue WazuhError WazuhResult " +
		"expose_resources send_event_to_analysisd"},
	"wazuh.logtest": {pkg: false, attrs: "WazuhError end_logtest_session expose_resources run_logtest send_logtest_msg"},
	"wazuh.manager": {pkg: false, attrs: "AffectedItemsWazuhResult OSSEC_LOG_FIELDS Wazuh WazuhError WazuhInternalError WazuhResult " +
		"_get_config_default_result_kwargs _restart_default_result_kwargs " +
		"_update_config_default_result_kwargs _validation_default_result_kwargs cluster_enabled common " +
		"configuration exists expose_resources full_copy get_api_conf get_api_config get_basic_info " +
		"get_config get_logs_summary get_node get_ossec_conf get_ossec_logs get_status " +
		"get_update_information get_update_information_template manager_restart mask_sensitive_config " +
		"node_id ossec_log ossec_log_summary process_array query_update_check_service " +
		"query_update_check_service_core read_cluster_config read_ossec_conf remove restart " +
		"running_in_master_node safe_move status update_ossec_conf validate_ossec_conf validate_wazuh_xml " +
		"validation write_ossec_conf"},
	"wazuh.mitre": {pkg: false, attrs: "AffectedItemsWazuhResult common expose_resources mitre mitre_groups mitre_metadata " +
		"mitre_mitigations mitre_references mitre_software mitre_tactics mitre_techniques"},
	"wazuh.rbac": {pkg: true, attrs: ""},
	"wazuh.rbac.auth_context": {pkg: false, attrs: "AuthContextDepthExceeded MAX_FIND_ITEM_DEPTH RBAChecker REGEX_TIME_LIMIT Union defaultdict " +
		"get_policies_from_roles json logger logging orm regex"},
	"wazuh.rbac.decorators": {pkg: false, attrs: "AffectedItemsWazuhResult AuthenticationManager MASK_DEFAULT PoliciesManager RolesManager " +
		"RulesManager SENSITIVE_FIELD_PATHS WazuhPermissionError _black_expansion _build_xml_mask_pattern " +
		"_combination_defined_rbac _combination_processor _expand_resource _get_denied " +
		"_get_required_permissions _has_update_permissions _mask_all_sensitive_fields " +
		"_mask_paths_in_object _mask_payload _mask_xml_by_path _match_permissions _optimize_resources " +
		"_process_effect _single_processor async_list_handler asyncio broadcast cluster_nodes defaultdict " +
		"expand_decoders expand_group expand_lists expand_rules expose_resources get_agents_info " +
		"get_groups integer_resources list_handler mask_sensitive_config rbac re wraps"},
	"wazuh.rbac.orm": {pkg: false, attrs: "AuthenticationManager Boolean CLOUD_RESERVED_RANGE CURRENT_ORM_VERSION CheckConstraint Column " +
		"DB_FILE DB_FILE_TMP DEFAULT_RBAC_RESOURCES DatabaseManager DateTime ForeignKey IntEnum Integer " +
		"IntegrityError InvalidRequestError MAX_ID_RESERVED OperationalError Policies PoliciesManager " +
		"RBACManager REQUIRED_RULE_FOR_ROLE Roles RolesManager RolesPolicies RolesPoliciesManager " +
		"RolesRules RolesRulesManager RolesTokenBlacklist Rules RulesManager RunAsTokenBlacklist " +
		"SECURITY_PATH SecurityError Session String TEXT TokenManager Union UniqueConstraint " +
		"UnmappedInstanceError User UserRoles UserRolesManager UsersTokenBlacklist WAZUH_USER_ID " +
		"WAZUH_WUI_USER_ID _Base _DUMMY_HASH _engine _new_columns check_database_integrity " +
		"check_password_hash chown clear_tokens_cache create_engine datetime db_manager declarative_base " +
		"delete desc generate_password_hash get_utc_now json logger logging or_ os partial re " +
		"relationship required_rules safe_move security_conf select sessionmaker text time wazuh_gid " +
		"wazuh_uid yaml"},
	"wazuh.rbac.preprocessor": {pkg: false, attrs: "AuthenticationManager PreProcessor RBAChecker Union WazuhError WazuhPermissionError WazuhResult " +
		"dapi_allower get_permissions get_policies_from_roles get_roles optimize_resources re"},
	"wazuh.rbac.utils": {pkg: false, attrs: "RESOURCES_CACHE TOKENS_CACHE TTLCache cached clear_tokens_cache common expand_decoders " +
		"expand_lists expand_rules hashkey partial resource_cache security_conf token_cache walk wraps"},
	"wazuh.rootcheck": {pkg: false, attrs: "AffectedItemsWazuhResult WazuhDBConnection WazuhDBQueryAgents WazuhDBQueryRootcheck WazuhError " +
		"WazuhQueue WazuhResourceNotFound clear common expose_resources get_agents_info get_last_scan " +
		"get_rbac_filters get_rootcheck_agent last_scan rootcheck_delete_agent run"},
	"wazuh.rule": {pkg: false, attrs: "AffectedItemsWazuhResult ExpatError REQUIRED_FIELDS RULE_FIELDS RULE_FILES_FIELDS " +
		"RULE_FILES_REQUIRED_FIELDS RULE_REQUIREMENTS SORT_FIELDS Tuple Union WazuhError check_status " +
		"cluster_enabled common commonpath configuration delete_rule_file exists expose_resources " +
		"format_rule_decoder_file full_copy get_groups get_node get_requirement get_rule_file " +
		"get_rule_file_path get_rules get_rules_files join load_rules_from_file node_id normpath " +
		"process_array read_cluster_config remove safe_move to_relative_path upload_file upload_rule_file " +
		"validate_dummy_logtest validate_upload_delete_dir validate_wazuh_xml xmltodict"},
	"wazuh.sca": {pkg: false, attrs: "AffectedItemsWazuhResult SCA_CHECK_COMPLIANCE_DB_FIELDS SCA_CHECK_DB_FIELDS " +
		"SCA_CHECK_RULES_DB_FIELDS WazuhDBQueryDistinctSCACheck WazuhDBQuerySCA WazuhDBQuerySCACheck " +
		"WazuhDBQuerySCACheckIDs WazuhDBQuerySCACheckRelational WazuhResourceNotFound common " +
		"expose_resources get_agents_info get_sca_checks get_sca_list"},
	"wazuh.security": {pkg: false, attrs: "AffectedItemsWazuhResult AuthenticationManager MAX_ID_RESERVED PoliciesManager REQUIRED_FIELDS " +
		"RolesManager RolesPoliciesManager RolesRulesManager RulesManager SORT_FIELDS " +
		"SORT_FIELDS_GET_USERS SecurityError UserRolesManager WazuhError WazuhResourceNotFound " +
		"WazuhResult _user_password add_policy add_role add_rule common create_user dapi_allower deepcopy " +
		"edit_run_as expose_resources get_api_endpoints get_policies get_rbac_actions get_rbac_resources " +
		"get_role get_roles get_rules get_security_conf get_security_config get_user_me get_username " +
		"get_users invalid_roles_tokens invalid_run_as_tokens invalid_users_tokens load_spec lru_cache " +
		"process_array re remove_policies remove_role_policy remove_role_rule remove_roles remove_rules " +
		"remove_user_role remove_users revoke_current_user_tokens revoke_tokens sanitize_rbac_policy " +
		"set_role_policy set_role_rule set_user_role update_policy update_role update_rule " +
		"update_security_conf update_security_config update_user wrapper_revoke_tokens"},
	"wazuh.stats": {pkg: false, attrs: "AffectedItemsWazuhResult Agent WazuhDBQueryAgents WazuhException WazuhResourceNotFound " +
		"cluster_enabled common contextlib datetime deprecated_get_daemons_stats exception " +
		"expose_resources get_agents_component_stats_json get_agents_info get_daemons_stats " +
		"get_daemons_stats_ get_daemons_stats_agents get_daemons_stats_socket get_node get_rbac_filters " +
		"hourly hourly_ node_id read_cluster_config totals totals_ weekly weekly_"},
	"wazuh.syscheck": {pkg: false, attrs: "AffectedItemsWazuhResult Agent Union WazuhDBConnection WazuhDBQueryAgents WazuhDBQuerySyscheck " +
		"WazuhError WazuhInternalError WazuhQueue WazuhResourceNotFound WazuhVersion clear common " +
		"expose_resources files get_agents_info get_rbac_filters glob last_scan run syscheck_delete_agent"},
	"wazuh.syscollector": {pkg: false, attrs: "AffectedItemsWazuhResult Type WazuhDBQuerySyscollector WazuhResourceNotFound common " +
		"expose_resources get_agents_info get_item_agent get_valid_fields merge"},
	"wazuh.task": {pkg: false, attrs: "AffectedItemsWazuhResult DATABASE_LIMIT WazuhDBQueryTask expose_resources get_task_status logger " +
		"logging"},
}

// frameworkClasses are the members a class with an exposed method defines in its body, by
// module.Class.
var frameworkClasses = map[string]string{
	"wazuh.core.agent.Agent": "__init__ __str__ _add _add_authd _remove_authd add_group_to_agent check_if_delete_agent " +
		"compute_key delete_single_group fields get_agent_groups get_agent_os_name get_agents_overview " +
		"get_basic_information get_config get_key get_stats group_exists load_info_from_db reconnect " +
		"remove set_agent_group_relationship to_dict unset_single_group_agent",
}

// importedNames are the names a module imports from another module of the framework, by
// module.name, when they are an exposed function or a class with an exposed method: the name
// finds that function or class as the module that defines it does.
var importedNames = map[string]string{
	"api.controllers.event_controller.send_event_to_analysisd": "wazuh.event.send_event_to_analysisd",
	"api.controllers.security_controller.revoke_tokens":        "wazuh.core.security.revoke_tokens",
	"api.controllers.syscheck_controller.clear":                "wazuh.syscheck.clear",
	"api.controllers.syscheck_controller.files":                "wazuh.syscheck.files",
	"api.controllers.syscheck_controller.last_scan":            "wazuh.syscheck.last_scan",
	"api.controllers.syscheck_controller.run":                  "wazuh.syscheck.run",
	"api.controllers.task_controller.get_task_status":          "wazuh.task.get_task_status",
	"wazuh.agent.Agent":                                        "wazuh.core.agent.Agent",
	"wazuh.cluster.get_node_ruleset_integrity":                 "wazuh.core.cluster.control.get_node_ruleset_integrity",
	"wazuh.core.active_response.Agent":                         "wazuh.core.agent.Agent",
	"wazuh.core.cluster.control.Agent":                         "wazuh.core.agent.Agent",
	"wazuh.core.cluster.dapi.dapi.get_node_wrapper":            "wazuh.cluster.get_node_wrapper",
	"wazuh.core.cluster.dapi.dapi.get_nodes_info":              "wazuh.cluster.get_nodes_info",
	"wazuh.core.cluster.hap_helper.wazuh.get_agents":           "wazuh.agent.get_agents",
	"wazuh.core.cluster.hap_helper.wazuh.get_nodes_info":       "wazuh.cluster.get_nodes_info",
	"wazuh.core.cluster.hap_helper.wazuh.reconnect_agents":     "wazuh.agent.reconnect_agents",
	"wazuh.core.cluster.master.Agent":                          "wazuh.core.agent.Agent",
	"wazuh.core.rootcheck.Agent":                               "wazuh.core.agent.Agent",
	"wazuh.core.sca.Agent":                                     "wazuh.core.agent.Agent",
	"wazuh.core.syscollector.Agent":                            "wazuh.core.agent.Agent",
	"wazuh.security.get_security_conf":                         "api.authentication.get_security_conf",
	"wazuh.security.revoke_tokens":                             "wazuh.core.security.revoke_tokens",
	"wazuh.stats.Agent":                                        "wazuh.core.agent.Agent",
	"wazuh.syscheck.Agent":                                     "wazuh.core.agent.Agent",
}
