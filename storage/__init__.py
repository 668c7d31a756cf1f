"""Object stores, the system of record: filesystem (embedded) now, MinIO later."""
