class LocalClient:
    """The framework's client of the cluster's local socket; the stand-in connects nowhere."""
