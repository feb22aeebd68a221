import logging


def get_cluster_items():
    return {'distributed_api': {'enabled': True}, 'intervals': {'communication': {'timeout_dapi_request': 200}}}


class ClusterFilter(logging.Filter):
    def __init__(self, tag, subtag, name=''):
        super().__init__(name=name)
        self.tag = tag
        self.subtag = subtag

    def filter(self, record):
        record.tag = self.tag
        record.subtag = self.subtag
        return True
