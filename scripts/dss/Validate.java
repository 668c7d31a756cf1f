/*
 * EU DSS as a peer validator for eAkte's tests and benchmark: one JVM validates many
 * files, offline, and writes one JSON line per file on standard output.
 *
 * Why one JVM: starting DSS costs seconds; a corpus of hundreds of files must not pay
 * that per file. Why offline: the verdicts must be reproducible and the tests must not
 * reach the network, so no online CRL, OCSP or AIA source is set; revocation data comes
 * only from the signatures themselves and from CRL files given with --crl.
 *
 * Usage: java -cp LIB/*:CLASSES Validate [--trust CERT]... [--crl CRL]... < jobs
 * Each input line is a file path, optionally a TAB and the detached content's path.
 */

import eu.europa.esig.dss.diagnostic.CertificateWrapper;
import eu.europa.esig.dss.diagnostic.DiagnosticData;
import eu.europa.esig.dss.diagnostic.SignatureWrapper;
import eu.europa.esig.dss.diagnostic.TimestampWrapper;
import eu.europa.esig.dss.enumerations.Indication;
import eu.europa.esig.dss.enumerations.SignatureLevel;
import eu.europa.esig.dss.enumerations.SubIndication;
import eu.europa.esig.dss.model.DSSDocument;
import eu.europa.esig.dss.model.FileDocument;
import eu.europa.esig.dss.simplereport.SimpleReport;
import eu.europa.esig.dss.spi.DSSUtils;
import eu.europa.esig.dss.spi.validation.CommonCertificateVerifier;
import eu.europa.esig.dss.spi.x509.CommonTrustedCertificateSource;
import eu.europa.esig.dss.spi.x509.revocation.crl.ExternalResourcesCRLSource;
import eu.europa.esig.dss.validation.SignedDocumentValidator;
import eu.europa.esig.dss.validation.reports.Reports;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

public final class Validate {

    private Validate() {
    }

    public static void main(String[] args) throws Exception {
        List<String> trust = new ArrayList<>();
        List<String> crls = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if ("--trust".equals(args[i]) && i + 1 < args.length) {
                trust.add(args[++i]);
            } else if ("--crl".equals(args[i]) && i + 1 < args.length) {
                crls.add(args[++i]);
            } else {
                throw new IllegalArgumentException("unknown argument: " + args[i]);
            }
        }
        CommonCertificateVerifier verifier = offlineVerifier(trust, crls);
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            if (line.isBlank()) {
                continue;
            }
            String[] parts = line.split("\t", 2);
            String detached = parts.length > 1 && !parts[1].isEmpty() ? parts[1] : null;
            out.println(validateOne(verifier, parts[0], detached));
        }
    }

    /** No online source at all: DSS would otherwise fetch AIA certificates by default. */
    static CommonCertificateVerifier offlineVerifier(List<String> trust, List<String> crls) {
        CommonCertificateVerifier verifier = new CommonCertificateVerifier();
        verifier.setAIASource(null);
        verifier.setOcspSource(null);
        verifier.setCrlSource(null);
        if (!crls.isEmpty()) {
            DSSDocument[] files = crls.stream().map(FileDocument::new).toArray(DSSDocument[]::new);
            verifier.setCrlSource(new ExternalResourcesCRLSource(files));
        }
        if (!trust.isEmpty()) {
            CommonTrustedCertificateSource anchors = new CommonTrustedCertificateSource();
            for (String path : trust) {
                anchors.addCertificate(DSSUtils.loadCertificate(new File(path)));
            }
            verifier.setTrustedCertSources(anchors);
        }
        return verifier;
    }

    static String validateOne(CommonCertificateVerifier verifier, String path, String detached) {
        long began = System.nanoTime();
        Json json = new Json().field("path", path);
        try {
            SignedDocumentValidator validator = SignedDocumentValidator.fromDocument(new FileDocument(path));
            validator.setCertificateVerifier(verifier);
            validator.setLocale(Locale.ENGLISH);
            if (detached != null) {
                validator.setDetachedContents(List.of(new FileDocument(detached)));
            }
            Reports reports = validator.validateDocument();
            describe(json, reports);
            evidenceRecords(json, reports);
        } catch (Exception | StackOverflowError | OutOfMemoryError exc) {
            json.field("error", exc.getClass().getSimpleName() + ": " + exc.getMessage());
        }
        json.number("seconds", (System.nanoTime() - began) / 1e9);
        return json.close();
    }

    /** Signatures and document timestamps as the simple report gives them, plus the
     * worst indication over all of them as the document's verdict. */
    static void describe(Json json, Reports reports) {
        SimpleReport simple = reports.getSimpleReport();
        DiagnosticData diagnostic = reports.getDiagnosticData();
        List<String> tokens = new ArrayList<>();
        for (String id : simple.getSignatureIdList()) {
            SignatureWrapper signature = diagnostic.getSignatureById(id);
            SignatureLevel format = simple.getSignatureFormat(id);
            Json one = new Json().field("id", id).field("kind", "signature")
                    .field("indication", String.valueOf(simple.getIndication(id)))
                    .field("sub_indication", name(simple.getSubIndication(id)))
                    .field("format", format == null ? null : format.toString())
                    .field("signed_by", simple.getSignedBy(id))
                    .field("counter_signature", signature != null && signature.isCounterSignature() ? "yes" : "no");
            signer(one, signature == null ? null : signature.getSigningCertificate());
            one.list("errors", messages(simple.getAdESValidationErrors(id)));
            one.list("warnings", messages(simple.getAdESValidationWarnings(id)));
            tokens.add(one.close());
        }
        for (String id : simple.getTimestampIdList()) {
            TimestampWrapper timestamp = diagnostic.getTimestampById(id);
            Json one = new Json().field("id", id).field("kind", "timestamp")
                    .field("indication", String.valueOf(simple.getIndication(id)))
                    .field("sub_indication", name(simple.getSubIndication(id)))
                    .field("format", timestamp == null ? null : String.valueOf(timestamp.getType()))
                    .field("signed_by", simple.getProducedBy(id))
                    .field("counter_signature", "no");
            signer(one, timestamp == null ? null : timestamp.getSigningCertificate());
            one.list("errors", messages(simple.getAdESValidationErrors(id)));
            one.list("warnings", messages(simple.getAdESValidationWarnings(id)));
            tokens.add(one.close());
        }
        json.raw("signatures", "[" + String.join(",", tokens) + "]");
        String worst = null;
        String worstSub = null;
        for (String id : simple.getSignatureIdList()) {
            String[] candidate = {total(simple.getIndication(id)), name(simple.getSubIndication(id))};
            if (rank(candidate[0]) > rank(worst)) {
                worst = candidate[0];
                worstSub = candidate[1];
            }
        }
        for (String id : simple.getTimestampIdList()) {
            String candidate = total(simple.getIndication(id));
            if (rank(candidate) > rank(worst)) {
                worst = candidate;
                worstSub = name(simple.getSubIndication(id));
            }
        }
        json.field("verdict", worst == null ? "UNSIGNED" : worst).field("sub_indication", worstSub);
    }

    /** Evidence records (RFC 4998) as the simple report gives them: indication, the
     * proof-of-existence time and each archive timestamp's production time. */
    static void evidenceRecords(Json json, Reports reports) {
        SimpleReport simple = reports.getSimpleReport();
        List<String> records = new ArrayList<>();
        for (String id : simple.getEvidenceRecordIdList()) {
            List<String> times = new ArrayList<>();
            List<String> verdicts = new ArrayList<>();
            for (eu.europa.esig.dss.simplereport.jaxb.XmlTimestamp timestamp : simple.getEvidenceRecordTimestamps(id)) {
                times.add(timestamp.getProductionTime() == null ? "" : timestamp.getProductionTime().toInstant().toString());
                verdicts.add(String.valueOf(timestamp.getIndication()));
            }
            java.util.Date poe = simple.getEvidenceRecordPOE(id);
            Json one = new Json().field("id", id)
                    .field("indication", String.valueOf(simple.getIndication(id)))
                    .field("sub_indication", name(simple.getSubIndication(id)))
                    .field("poe", poe == null ? null : poe.toInstant().toString());
            one.list("timestamps", times);
            one.list("timestamp_indications", verdicts);
            one.list("errors", messages(simple.getAdESValidationErrors(id)));
            one.list("warnings", messages(simple.getAdESValidationWarnings(id)));
            records.add(one.close());
        }
        json.raw("evidence_records", "[" + String.join(",", records) + "]");
    }

    static void signer(Json json, CertificateWrapper certificate) {
        json.field("signer_country", certificate == null ? null : certificate.getCountryName());
        json.field("signer_organization", certificate == null ? null : certificate.getOrganizationName());
    }

    /** A timestamp's PASSED/FAILED read as the signature indications they stand for. */
    static String total(Indication indication) {
        if (indication == null) {
            return "INDETERMINATE";
        }
        switch (indication) {
            case PASSED:
                return "TOTAL_PASSED";
            case FAILED:
                return "TOTAL_FAILED";
            default:
                return indication.name();
        }
    }

    static int rank(String indication) {
        if (indication == null) {
            return -1;
        }
        switch (indication) {
            case "TOTAL_PASSED":
                return 0;
            case "TOTAL_FAILED":
                return 2;
            default:
                return 1;
        }
    }

    static String name(SubIndication sub) {
        return sub == null ? null : sub.name();
    }

    static List<String> messages(List<eu.europa.esig.dss.jaxb.object.Message> messages) {
        List<String> texts = new ArrayList<>();
        if (messages != null) {
            for (eu.europa.esig.dss.jaxb.object.Message message : messages) {
                texts.add(message.getValue());
            }
        }
        return texts;
    }

    /** Just enough JSON writing for flat objects: no dependency to put on the class path. */
    static final class Json {
        private final StringBuilder text = new StringBuilder("{");

        Json field(String key, String value) {
            return raw(key, value == null ? "null" : quote(value));
        }

        Json number(String key, double value) {
            return raw(key, String.format(Locale.ROOT, "%.4f", value));
        }

        Json list(String key, List<String> values) {
            List<String> quoted = new ArrayList<>();
            for (String value : values) {
                quoted.add(quote(value));
            }
            return raw(key, "[" + String.join(",", quoted) + "]");
        }

        Json raw(String key, String json) {
            if (text.length() > 1) {
                text.append(',');
            }
            text.append(quote(key)).append(':').append(json);
            return this;
        }

        String close() {
            return text.append('}').toString();
        }

        static String quote(String value) {
            StringBuilder out = new StringBuilder("\"");
            for (char c : value.toCharArray()) {
                if (c == '"' || c == '\\') {
                    out.append('\\').append(c);
                } else if (c < 0x20) {
                    out.append(String.format("\\u%04x", (int) c));
                } else {
                    out.append(c);
                }
            }
            return out.append('"').toString();
        }
    }
}
