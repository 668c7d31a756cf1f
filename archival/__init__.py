"""Archival description for the city archive (Stadtarchiv): the archive's CSV table,
its datings, and EAD 2002 for the archive portals; the core keeps the description in the
manifest (``eakte.record.ArchivalDescription``)."""
