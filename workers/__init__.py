"""Celery app and thin tasks over the same stage functions as ``eakte.local_runner``.

Empty until the distributed-mode issue.
"""
