from wazuh.stub import behave, expose


@expose
def get_basic_info(**kwargs):
    return behave('wazuh.manager.get_basic_info', kwargs)


def get_update_information(**kwargs):
    """Defined but not exposed."""
    return behave('wazuh.manager.get_update_information', kwargs)
