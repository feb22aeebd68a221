"""The local path of the framework's DistributedAPI, as docs/protocol/dapi.md §2.2 and §2.3 describe it."""
import asyncio
import json
import os
import time
from concurrent.futures import ProcessPoolExecutor
from functools import partial

import api.configuration as aconf
import wazuh.core.manager
from wazuh.core import common, exception
from wazuh.core.cluster import cluster, common as c_common, local_client, utils
from wazuh.core.results import AbstractWazuhResult, WazuhResult

authentication_funcs = {'check_token', 'check_user_master', 'get_permissions', 'get_security_conf'}

node_info = cluster.get_node()
pools = common.mp_pools.get()
if node_info['type'] == 'master':
    pools['authentication_pool'] = ProcessPoolExecutor(max_workers=aconf.api_conf['authentication_pool_size'])


class DistributedAPI:
    def __init__(self, f, logger, f_kwargs=None, node=None, debug=False, request_type='local_master',
                 current_user='', wait_for_complete=False, from_cluster=False, is_async=False, broadcasting=False,
                 basic_services=None, local_client_arg=None, rbac_permissions=None, nodes=None, api_timeout=None,
                 remove_denied_nodes=False):
        self.f = f
        self.logger = logger
        self.f_kwargs = f_kwargs if f_kwargs is not None else {}
        self.node = node if node is not None else local_client
        self.cluster_items = utils.get_cluster_items() if node is None else node.cluster_items
        self.node_info = node_info if node is None else node.get_node()
        self.request_type = request_type
        self.wait_for_complete = wait_for_complete
        self.from_cluster = from_cluster
        self.is_async = is_async
        self.broadcasting = broadcasting
        self.rbac_permissions = rbac_permissions if rbac_permissions is not None else {'rbac_mode': 'black'}
        self.current_user = current_user
        self.nodes = nodes if nodes is not None else []
        self.basic_services = basic_services or ('wazuh-modulesd', 'wazuh-analysisd', 'wazuh-execd', 'wazuh-db',
                                                 'wazuh-remoted')
        self.local_client_arg = local_client_arg
        request_timeout = aconf.api_conf['intervals']['request_timeout']
        self.api_request_timeout = max(api_timeout, request_timeout) if api_timeout else request_timeout

    async def distribute_function(self):
        try:
            if not self.cluster_items['distributed_api']['enabled'] or self.request_type == 'local_any' or \
                    (self.request_type == 'local_master' and self.node_info['type'] == 'master') or \
                    (self.request_type == 'distributed_master' and self.from_cluster):
                response = await self.execute_local_request()
            else:
                raise exception.WazuhClusterError(3009, extra_message='the stand-in does not forward requests')
            try:
                response = json.loads(response, object_hook=c_common.as_wazuh_object) \
                    if isinstance(response, str) else response
            except json.decoder.JSONDecodeError:
                response = {'message': response}
            return response if isinstance(response, (AbstractWazuhResult, exception.WazuhException)) \
                else WazuhResult(response)
        except exception.WazuhException as e:
            e.dapi_errors = self.get_error_info(e)
            return e
        except Exception as e:
            self.logger.error(f'Unhandled exception: {e}', exc_info=True)
            return exception.WazuhInternalError(1000, dapi_errors=self.get_error_info(e))

    def check_wazuh_status(self):
        status = wazuh.core.manager.status()
        not_ready = {k: status[k] for k in self.basic_services if status[k] in ('failed', 'restarting', 'stopped')}
        if not_ready:
            raise exception.WazuhInternalError(1017, extra_message={
                'node_name': self.node_info.get('node', 'UNKNOWN NODE'),
                'not_ready_daemons': ', '.join(f'{k}->{v}' for k, v in not_ready.items())})

    @staticmethod
    def run_local(f, f_kwargs, rbac_permissions, broadcasting, nodes, current_user, origin_module):
        common.rbac.set(rbac_permissions)
        token = common.broadcast.set(broadcasting)
        common.cluster_nodes.set(nodes)
        common.current_user.set(current_user)
        common.origin_module.set(origin_module)
        try:
            return f(**f_kwargs)
        finally:
            common.broadcast.reset(token)
            common.reset_context_cache()

    async def execute_local_request(self):
        try:
            if self.f_kwargs.get('agent_list') == '*':
                del self.f_kwargs['agent_list']
            self.check_wazuh_status()
            timeout = None if self.wait_for_complete else self.api_request_timeout
            if self.local_client_arg is not None:
                self.f_kwargs[self.local_client_arg] = local_client.LocalClient()
            args = (self.f, self.f_kwargs, self.rbac_permissions, self.broadcasting, self.nodes, self.current_user,
                    'API')
            if self.is_async:
                task = self.run_local(*args)
            else:
                pool = pools.get('authentication_pool') if self.f.__name__ in authentication_funcs else None
                task = asyncio.get_event_loop().run_in_executor(pool, partial(self.run_local, *args))
            try:
                return await asyncio.wait_for(task, timeout=timeout)
            except asyncio.TimeoutError:
                raise exception.WazuhInternalError(3021)
        except exception.WazuhInternalError as e:
            e.dapi_errors = self.get_error_info(e)
            self.logger.error(f'{e.message}')
            return json.dumps(e, cls=c_common.WazuhJSONEncoder)
        except exception.WazuhError as e:
            e.dapi_errors = self.get_error_info(e)
            return json.dumps(e, cls=c_common.WazuhJSONEncoder)
        except Exception as e:
            self.logger.error(f'Error executing API request locally: {e}', exc_info=True)
            return json.dumps(exception.WazuhInternalError(1000, dapi_errors=self.get_error_info(e)),
                              cls=c_common.WazuhJSONEncoder)

    def get_error_info(self, e):
        node = self.node_info['node']
        message = e.message if isinstance(e, exception.WazuhException) else \
            'Wazuh Internal Error. See log for more detail'
        result = {node: {'error': message}}
        if isinstance(e, exception.WazuhInternalError):
            log_filename = None
            for h in self.logger.handlers or self.logger.parent.handlers:
                if hasattr(h, 'baseFilename'):
                    log_filename = os.path.join('WAZUH_HOME', os.path.relpath(h.baseFilename, start=common.WAZUH_PATH))
            result[node]['logfile'] = log_filename
        return result
