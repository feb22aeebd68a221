"""What the stand-in's exposed functions do: what their stub_* keyword arguments say."""
import os
import threading
import time

from wazuh.core import common
from wazuh.core.exception import WazuhError
from wazuh.core.results import WazuhResult


def expose(f):
    f.__wazuh_exposed__ = True
    return f


def behave(name, kwargs):
    if 'stub_sleep' in kwargs:
        time.sleep(kwargs['stub_sleep'])
    if 'stub_exit' in kwargs:
        os._exit(kwargs['stub_exit'])
    if kwargs.get('stub_raise') == 'runtime':
        raise RuntimeError('the stand-in failed')
    if isinstance(kwargs.get('stub_raise'), int):
        raise WazuhError(kwargs['stub_raise'], extra_message='stub')
    if kwargs.get('stub_print'):
        print('a stray line on stdout')
    if 'stub_size' in kwargs:
        return WazuhResult({'data': 'x' * kwargs['stub_size']})
    return WazuhResult({'function': name, 'kwargs': {k: v for k, v in kwargs.items() if k != 'lc'},
                        'rbac': common.rbac.get(), 'current_user': common.current_user.get(),
                        'nodes': common.cluster_nodes.get(), 'origin_module': common.origin_module.get(),
                        'pid': os.getpid(), 'main_thread': threading.current_thread() is threading.main_thread()})
