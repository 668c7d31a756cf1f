"""Signature values pyHanko's validator cannot check, checked with ``cryptography``.

pyhanko-certvalidator reports an algorithm it does not know as an *invalid* signature
(``AlgorithmNotSupported`` is an ``InvalidSignature``), which would make a genuine
signature ``SIG_CRYPTO_FAILURE``. Real signatures use a few such algorithms: ECDSA with
plain ``r‖s`` values (BSI TR-03111, German qualified signatures on brainpool curves),
RSA with SHA-3, and RSA values whose DigestInfo omits the hash's NULL parameters
(RFC 5754 §2: accepted, as Bouncy Castle and EU DSS do). We verify those ourselves;
what neither can verify is ``UnverifiableAlgorithm`` (INDETERMINATE,
CRYPTO_CONSTRAINTS_FAILURE), never a failed signature.

Signed attributes are verified over their DER encoding only (RFC 5652 §5.3/§5.4), as
EU DSS and Bouncy Castle do: a file that carries them unsorted is checked in DER order,
and a value that verifies only over the unsorted bytes fails (ETSI plugtest
"HASH_FAILURE" cases). OpenSSL and pyHanko verify them in the order received.
"""

from __future__ import annotations

from asn1crypto import algos, cms, core, keys
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa, utils
from pyhanko.sign.ades.report import AdESIndeterminate
from pyhanko_certvalidator.sig_validate import (
    DEFAULT_VALIDATION_CONTEXT,
    DefaultSignatureValidator,
    SignatureValidationContext,
)

_HASHES: dict[str, type[hashes.HashAlgorithm]] = {
    "sha1": hashes.SHA1,
    "sha224": hashes.SHA224,
    "sha256": hashes.SHA256,
    "sha384": hashes.SHA384,
    "sha512": hashes.SHA512,
    "sha3_224": hashes.SHA3_224,
    "sha3_256": hashes.SHA3_256,
    "sha3_384": hashes.SHA3_384,
    "sha3_512": hashes.SHA3_512,
}
# BSI TR-03111 ecdsa-plain-* and the NIST SHA-3 signature algorithms, by OID
_PLAIN_ECDSA = {f"0.4.0.127.0.7.1.1.4.1.{n}": h for n, h in
                [(1, "sha1"), (2, "sha224"), (3, "sha256"), (4, "sha384"), (5, "sha512"),
                 (8, "sha3_224"), (9, "sha3_256"), (10, "sha3_384"), (11, "sha3_512")]}  # fmt: skip
_SHA3_ECDSA = {f"2.16.840.1.101.3.4.3.{9 + i}": h for i, h in
               enumerate(["sha3_224", "sha3_256", "sha3_384", "sha3_512"])}  # fmt: skip
_SHA3_RSA = {f"2.16.840.1.101.3.4.3.{13 + i}": h for i, h in
             enumerate(["sha3_224", "sha3_256", "sha3_384", "sha3_512"])}  # fmt: skip


class UnverifiableAlgorithm(Exception):
    """Neither pyHanko nor we can check this signature value: not a verdict on it."""

    ades_subindication = AdESIndeterminate.CRYPTO_CONSTRAINTS_FAILURE


class TolerantSignatureValidator(DefaultSignatureValidator):
    """pyHanko's validator first; if it refuses, our own check over the same bytes."""

    def validate_signature(
        self,
        signature: bytes,
        signed_data: bytes,
        public_key_info: keys.PublicKeyInfo,
        signature_algorithm: algos.SignedDigestAlgorithm,
        context: SignatureValidationContext = DEFAULT_VALIDATION_CONTEXT,
    ) -> None:
        message = der_signed_attributes(signed_data, context)
        try:
            super().validate_signature(
                signature, message, public_key_info, signature_algorithm, context
            )
            return
        except InvalidSignature as exc:
            refused: Exception = exc
        except Exception as exc:  # an algorithm pyHanko cannot even set up
            refused = exc
        verdict = verify_value(signature, message, public_key_info, signature_algorithm, context)
        if verdict is None:
            name = signature_algorithm["algorithm"].dotted
            raise UnverifiableAlgorithm(
                f"Signaturverfahren {name} nicht prüfbar ({type(refused).__name__})"
            ) from refused
        if not verdict:
            raise InvalidSignature("signature value does not verify") from refused


def verify_value(
    signature: bytes,
    signed_data: bytes,
    public_key_info: keys.PublicKeyInfo,
    signature_algorithm: algos.SignedDigestAlgorithm,
    context: SignatureValidationContext,
) -> bool | None:
    """True or False when the value could be checked, None when it could not."""
    oid = signature_algorithm["algorithm"].dotted
    try:
        key = serialization.load_der_public_key(public_key_info.dump())
    except (ValueError, UnsupportedAlgorithm):
        return None
    names = _hash_candidates(oid, signature_algorithm, context)
    if not names:
        return None
    checked = False
    for name in names:
        outcome = _verify(key, oid, signature, signed_data, name, context.prehashed)
        if outcome:
            return True
        checked = checked or outcome is False
    return False if checked else None


def _hash_candidates(
    oid: str, signature_algorithm: algos.SignedDigestAlgorithm, context: SignatureValidationContext
) -> list[str]:
    """The hash the algorithm names; only an algorithm that names none (rsaEncryption)
    takes the signer's digest algorithm, as pyHanko and EU DSS do. A value made with
    another hash than the one named does not verify (DSS: SIG_CRYPTO_FAILURE)."""
    named = _PLAIN_ECDSA.get(oid) or _SHA3_ECDSA.get(oid) or _SHA3_RSA.get(oid)
    if named is None:
        try:
            named = signature_algorithm.hash_algo
        except (ValueError, KeyError):
            named = context.contextual_md_algorithm
    return [named] if named in _HASHES else []


def _verify(
    key: object, oid: str, signature: bytes, message: bytes, name: str, prehashed: bool
) -> bool | None:
    algorithm = _HASHES[name]()
    chosen: hashes.HashAlgorithm | utils.Prehashed = (
        utils.Prehashed(algorithm) if prehashed else algorithm
    )
    try:
        if isinstance(key, ec.EllipticCurvePublicKey):
            value = _plain_to_der(signature) if oid in _PLAIN_ECDSA else signature
            key.verify(value, message, ec.ECDSA(chosen))
        elif isinstance(key, rsa.RSAPublicKey):
            key.verify(signature, message, padding.PKCS1v15(), chosen)
        else:
            return None
    except InvalidSignature:
        if isinstance(key, rsa.RSAPublicKey):
            return _digest_info_without_null(key, signature, message, name, prehashed)
        return False
    except (ValueError, UnsupportedAlgorithm, TypeError):
        return None
    return True


def _plain_to_der(signature: bytes) -> bytes:
    """TR-03111 plain format: r and s as fixed-size big-endian halves."""
    half = len(signature) // 2
    r = int.from_bytes(signature[:half], "big")
    s = int.from_bytes(signature[half:], "big")
    return utils.encode_dss_signature(r, s)


def _digest_info_without_null(
    key: rsa.RSAPublicKey, signature: bytes, message: bytes, name: str, prehashed: bool
) -> bool:
    """PKCS#1 v1.5 with the DigestInfo's AlgorithmIdentifier lacking its NULL
    parameters: the same hash, signed with the same key (RFC 5754 §2 absent parameters;
    Bouncy Castle, and so EU DSS, accept it; OpenSSL and ``cryptography`` do not)."""
    try:
        recovered = key.recover_data_from_signature(signature, padding.PKCS1v15(), None)
    except (InvalidSignature, ValueError):
        return False
    if prehashed:
        digest = message
    else:
        hasher = hashes.Hash(_HASHES[name]())
        hasher.update(message)
        digest = hasher.finalize()
    algorithm = core.Sequence(contents=algos.DigestAlgorithmId(name).dump()).dump()
    digest_info = core.Sequence(contents=algorithm + core.OctetString(digest).dump()).dump()
    return bool(recovered == digest_info)


def der_signed_attributes(signed_data: bytes, context: SignatureValidationContext) -> bytes:
    """Signed attributes as DER requires them (SET OF sorted by encoding): RFC 5652 signs
    the DER encoding, whatever order the file carries. Anything else (no attributes, a
    certificate, a CRL) is returned as it is."""
    if context.prehashed or not signed_data.startswith(b"\x31"):
        return signed_data
    try:
        attributes = cms.CMSAttributes.load(signed_data, strict=True)
        encoded = sorted(attribute.dump() for attribute in attributes)
    except (ValueError, TypeError):
        return signed_data
    return bytes(core.SetOf(contents=b"".join(encoded)).dump())


def verifies_only_as_stored(signer: cms.SignerInfo, public_key: keys.PublicKeyInfo) -> bool:
    """Whether the value fails over the DER encoding of the signed attributes but
    verifies over them as the file stores them (out of DER order): then the signer's
    software signed non-DER bytes, which RFC 5652 and EU DSS do not accept, and the
    report must say so instead of calling the value forged."""
    try:
        attributes = signer["signed_attrs"]
        if not attributes:
            return False
        stored = attributes.untag().dump()
        context = SignatureValidationContext(
            contextual_md_algorithm=signer["digest_algorithm"]["algorithm"].native
        )
        if der_signed_attributes(stored, context) == stored:
            return False
        algorithm = signer["signature_algorithm"]
        value = signer["signature"].native
    except (ValueError, TypeError, KeyError):
        return False
    try:
        DefaultSignatureValidator().validate_signature(
            value, stored, public_key, algorithm, context
        )
        return True
    except Exception:  # pyHanko refuses: our own check over the same bytes decides
        return bool(verify_value(value, stored, public_key, algorithm, context))
