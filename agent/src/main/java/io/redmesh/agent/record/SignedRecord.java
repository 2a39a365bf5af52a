package io.redmesh.agent.record;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/**
 * A record with the signature of the member that made it and that member's certificate chain
 * (leaf first, then intermediates; the root is not carried: the receiver's trust anchors are
 * the roots). The signature covers {@link RecordCodec#signedBytes(Record)}; the record's origin
 * must be the CN of the leaf (checked by {@link RecordVerifier}).
 */
public record SignedRecord(Record record, byte[] signature, List<X509Certificate> chain) {
    public SignedRecord {
        Objects.requireNonNull(record, "record");
        Objects.requireNonNull(signature, "signature");
        chain = List.copyOf(chain);
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("a signed record needs the signer's certificate");
        }
    }

    public X509Certificate signer() {
        return chain.get(0);
    }

    public RecordKind kind() {
        return record.kind();
    }

    public String key() {
        return record.key();
    }

    public Version version() {
        return record.version();
    }

    /** The wire form ({@link RecordCodec#encode}). */
    public byte[] encode() {
        return RecordCodec.encode(this);
    }

    /** Parses the wire form; never throws anything but {@link RecordFormatException}. */
    public static SignedRecord decode(byte[] bytes) throws RecordFormatException {
        return RecordCodec.decode(bytes);
    }

    @Override
    public String toString() {
        return record.toString();
    }
}
