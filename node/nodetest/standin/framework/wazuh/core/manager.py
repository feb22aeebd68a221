import glob
import os

from wazuh.core import common


def status():
    """Each daemon is running when a var/run/<daemon>-<pid>.pid names a live process."""
    daemons = ['wazuh-modulesd', 'wazuh-analysisd', 'wazuh-execd', 'wazuh-db', 'wazuh-remoted', 'wazuh-clusterd']
    result = {}
    for daemon in daemons:
        result[daemon] = 'stopped'
        for pid_file in glob.glob(os.path.join(common.WAZUH_PATH, 'var', 'run', f'{daemon}-*.pid')):
            pid = pid_file.rsplit('-', 1)[1][:-len('.pid')]
            if os.path.exists(os.path.join('/proc', pid)):
                result[daemon] = 'running'
    return result
