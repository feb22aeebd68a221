import datetime
import json
from importlib import import_module

from wazuh.core import exception, results

ALLOWED_CALLABLES_PACKAGES = ('wazuh', 'api')


class WazuhJSONEncoder(json.JSONEncoder):
    def default(self, obj):
        if callable(obj):
            return {'__callable__': {'__name__': obj.__name__, '__module__': obj.__module__,
                                     '__qualname__': obj.__qualname__, '__type__': type(obj).__name__}}
        if isinstance(obj, exception.WazuhException):
            return {'__wazuh_exception__': {'__class__': obj.__class__.__name__, '__object__': obj.to_dict()}}
        if isinstance(obj, results.AbstractWazuhResult):
            return {'__wazuh_result__': {'__class__': obj.__class__.__name__, '__object__': obj.encode_json()}}
        if isinstance(obj, (datetime.datetime, datetime.date)):
            return {'__wazuh_datetime__': obj.isoformat()}
        if isinstance(obj, Exception):
            return {'__unhandled_exc__': {'__class__': obj.__class__.__name__, '__args__': obj.args}}
        return json.JSONEncoder.default(self, obj)


def as_wazuh_object(dct):
    try:
        if '__callable__' in dct:
            encoded = dct['__callable__']
            module_path = encoded['__module__']
            if module_path.split('.')[0] not in ALLOWED_CALLABLES_PACKAGES:
                raise exception.WazuhInternalError(
                    1000, extra_message=f"Decoding callable from module '{module_path}' is not allowed", cmd_error=True)
            module = import_module(module_path)
            qualname = encoded['__qualname__'].split('.')
            func = getattr(module, encoded['__name__']) if len(qualname) == 1 else \
                getattr(getattr(module, qualname[0]), encoded['__name__'])
            if not getattr(getattr(func, '__func__', func), '__wazuh_exposed__', False):
                raise exception.WazuhInternalError(
                    1000, extra_message=f"Function '{encoded['__name__']}' from module '{module_path}' is not exposed "
                                        f"with @dapi_allower decorator", cmd_error=True)
            return func
        if '__wazuh_exception__' in dct:
            encoded = dct['__wazuh_exception__']
            return getattr(exception, encoded['__class__']).from_dict(encoded['__object__'])
        if '__wazuh_result__' in dct:
            encoded = dct['__wazuh_result__']
            return getattr(results, encoded['__class__']).decode_json(encoded['__object__'])
        if '__wazuh_datetime__' in dct:
            return datetime.datetime.fromisoformat(dct['__wazuh_datetime__'])
        return dct
    except (KeyError, AttributeError, TypeError, ValueError):
        raise exception.WazuhInternalError(1000, extra_message=f'Wazuh object cannot be decoded from JSON {dct}',
                                           cmd_error=True)
