ERRORS = {
    1000: 'Wazuh Internal Error',
    1017: 'Some Wazuh daemons are not ready yet in node "{node_name}" ({not_ready_daemons})',
    1724: 'Not a valid select field',
    3021: 'Timeout executing API request',
    3036: "JSON couldn't be loaded",
}


class WazuhException(Exception):
    def __init__(self, code, extra_message=None, extra_remediation=None, cmd_error=False, dapi_errors=None,
                 title=None, type=None):
        self._type = type or 'about:blank'
        self._title = title or self.__class__.__name__
        self._code = code
        self._extra_message = extra_message
        self._extra_remediation = extra_remediation
        self._cmd_error = cmd_error
        self.dapi_errors = dict(dapi_errors or {})
        base = ERRORS.get(code, '')
        if cmd_error:
            self.message = extra_message
        elif isinstance(extra_message, dict):
            self.message = base.format(**extra_message)
        elif extra_message:
            self.message = f'{base}: {extra_message}'
        else:
            self.message = base

    @property
    def code(self):
        return self._code

    def __str__(self):
        return f'Error {self._code} - {self.message}'

    def to_dict(self):
        return {'type': self._type, 'title': self._title, 'code': self._code, 'extra_message': self._extra_message,
                'extra_remediation': self._extra_remediation, 'cmd_error': self._cmd_error,
                'dapi_errors': self.dapi_errors}

    @classmethod
    def from_dict(cls, dct):
        return cls(**dct)


class WazuhInternalError(WazuhException):
    def __init__(self, code, extra_message=None, extra_remediation=None, cmd_error=False, dapi_errors=None,
                 ids=None, title=None, type=None):
        super().__init__(code, extra_message, extra_remediation, cmd_error, dapi_errors,
                         title or 'Wazuh Internal Error', type)


class WazuhClusterError(WazuhInternalError):
    pass


class WazuhError(WazuhException):
    def __init__(self, code, extra_message=None, extra_remediation=None, cmd_error=False, dapi_errors=None,
                 ids=None, title=None, type=None):
        super().__init__(code, extra_message, extra_remediation, cmd_error, dapi_errors, title or 'Bad Request', type)
        self.ids = sorted(ids or [])

    def to_dict(self):
        return dict(super().to_dict(), ids=self.ids)
