import asyncio

from wazuh.stub import behave, expose


@expose
async def get_nodes_info(lc=None, **kwargs):
    await asyncio.sleep(kwargs.pop('stub_async_sleep', 0))
    return behave('wazuh.cluster.get_nodes_info', dict(kwargs, local_client=type(lc).__name__))
