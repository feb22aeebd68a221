from wazuh.stub import behave, expose


@expose
def check_token(**kwargs):
    kwargs.pop('origin_node_type', None)
    return behave('api.authentication.check_token', kwargs)


@expose
def get_security_conf(**kwargs):
    return {'auth_token_exp_timeout': 900, 'rbac_mode': 'white'}
