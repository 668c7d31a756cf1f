"""Evidence records (RFC 4998, the ArchiSig scheme of BSI TR-ESOR): proof that a closed
Akte's documents existed unchanged at a time, kept provable over decades by renewal."""
