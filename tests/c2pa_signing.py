"""Sign test media with Content Credentials as a named organisation (the certificate subject O= a
vendor signs with), the way genflag's C2PA probe sees real vendors' files."""

from __future__ import annotations

import datetime
import io
from typing import Any

IPTC = "http://cv.iptc.org/newscodes/digitalsourcetype/"


def cert_chain(organization: str, common_name: str) -> tuple[bytes, bytes]:
    """(PEM chain leaf+CA, PEM key) of a throwaway ES256 signer whose subject is ``organization``."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    def name(cn: str, org: str) -> x509.Name:
        return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn), x509.NameAttribute(NameOID.ORGANIZATION_NAME, org)])

    def usage(sign: bool, ca: bool) -> x509.KeyUsage:
        return x509.KeyUsage(digital_signature=sign, content_commitment=False, key_encipherment=False,
                             data_encipherment=False, key_agreement=False, key_cert_sign=ca, crl_sign=ca,
                             encipher_only=False, decipher_only=False)

    now = datetime.datetime.now(datetime.timezone.utc)
    ca_key, leaf_key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())

    def base(subject: x509.Name, issuer: x509.Name, key: Any) -> x509.CertificateBuilder:
        return (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer).public_key(key.public_key())
                .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
                .not_valid_after(now + datetime.timedelta(days=30))
                .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False))

    ca_name = name(f"{organization} test CA", organization)
    ca = (base(ca_name, ca_name, ca_key).add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
          .add_extension(usage(False, True), critical=True).sign(ca_key, hashes.SHA256()))
    leaf = (base(name(common_name, organization), ca.subject, leaf_key)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(usage(True, False), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256()))
    pem = serialization.Encoding.PEM
    key = leaf_key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    return leaf.public_bytes(pem) + ca.public_bytes(pem), key


def created(source_type: str | None, agent: Any = None, description: str | None = None,
            parameters: dict[str, Any] | None = None) -> dict[str, Any]:
    """A c2pa.created action."""
    action: dict[str, Any] = {"action": "c2pa.created"}
    if source_type:
        action["digitalSourceType"] = IPTC + source_type
    if agent is not None:
        action["softwareAgent"] = agent
    if description:
        action["description"] = description
    if parameters:
        action["parameters"] = parameters
    return action


def definition(claim_generator: str, actions: list[dict[str, Any]], title: str = "asset") -> dict[str, Any]:
    """A manifest definition with one c2pa.actions.v2 assertion."""
    return {"claim_generator_info": [{"name": claim_generator, "version": "1.0"}], "title": title,
            "assertions": [{"label": "c2pa.actions.v2", "data": {"actions": actions}}]}


def sign_as(organization: str, asset: bytes, manifest: dict[str, Any], mime: str = "image/jpeg",
            common_name: str = "C2PA signer") -> bytes:
    """Sign ``asset`` with ``manifest`` as ``organization``; return the signed bytes."""
    import c2pa

    chain, key = cert_chain(organization, common_name)
    signer = c2pa.Signer.from_info(c2pa.C2paSignerInfo(c2pa.C2paSigningAlg.ES256, chain, key, None))
    context = c2pa.Context.from_dict({"verify": {"remote_manifest_fetch": False, "ocsp_fetch": False},
                                      "builder": {"thumbnail": {"enabled": False}}})
    out = io.BytesIO()
    c2pa.Builder(manifest, context=context).sign(signer, mime, io.BytesIO(asset), out)
    return out.getvalue()
