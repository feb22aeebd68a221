from collections.abc import MutableMapping


class AbstractWazuhResult(MutableMapping):
    """A mapping, not a dict: json.dumps hands it to WazuhJSONEncoder.default."""

    def __init__(self, dct):
        if not isinstance(dct, (dict, AbstractWazuhResult)):
            raise TypeError(f'dct param must be a dict or an AbstractWazuhResult subclass, not a {type(dct)}')
        self.dikt = dict(dct)

    def __getitem__(self, key):
        return self.dikt[key]

    def __setitem__(self, key, value):
        self.dikt[key] = value

    def __delitem__(self, key):
        del self.dikt[key]

    def __iter__(self):
        return iter(self.dikt)

    def __len__(self):
        return len(self.dikt)


class WazuhResult(AbstractWazuhResult):
    def __init__(self, dct, str_priority=None):
        super().__init__(dct)
        self._str_priority = str_priority

    def encode_json(self):
        return {'str_priority': self._str_priority, 'result': self.dikt}

    @classmethod
    def decode_json(cls, obj):
        return cls(obj['result'], str_priority=obj['str_priority'])
