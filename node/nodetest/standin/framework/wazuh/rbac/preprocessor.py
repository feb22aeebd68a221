from wazuh.stub import behave, expose


@expose
def get_permissions(user_id=None, **kwargs):
    return behave('wazuh.rbac.preprocessor.get_permissions', dict(kwargs, user_id=user_id))
