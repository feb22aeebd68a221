import os

api_conf = {'intervals': {'request_timeout': int(os.environ.get('STUB_REQUEST_TIMEOUT', '10'))},
            'authentication_pool_size': 1}
