import os
from contextvars import ContextVar

WAZUH_PATH = os.environ.get('STUB_WAZUH_PATH', '')

rbac = ContextVar('rbac', default={'rbac_mode': 'black'})
current_user = ContextVar('current_user', default='')
broadcast = ContextVar('broadcast', default=False)
cluster_nodes = ContextVar('cluster_nodes', default=[])
origin_module = ContextVar('origin_module', default='framework')
mp_pools = ContextVar('mp_pools', default={})


def reset_context_cache():
    pass
