"""eAkte core: the record model, settings, errors, ports and the pipeline that ties the stages."""

__version__ = "0.1.0"
