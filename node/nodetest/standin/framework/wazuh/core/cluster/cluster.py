import os


def get_node():
    node_type = os.environ.get('STUB_NODE_TYPE', 'master')
    return {'node': os.environ.get('STUB_NODE_NAME', f'{node_type}-node'), 'cluster': 'wazuh', 'type': node_type}


def check_cluster_status():
    return True
