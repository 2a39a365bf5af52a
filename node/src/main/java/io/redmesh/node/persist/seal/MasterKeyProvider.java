package io.redmesh.node.persist.seal;

/**
 * A master key (key-encryption key) that wraps and unwraps the per-file data keys. The key file
 * provider ({@link KeyFileProvider}) holds the key in memory; a KMS or Vault provider would send
 * the data key to the service instead (AWS KMS Encrypt/Decrypt with an EncryptionContext, Vault
 * transit encrypt/decrypt with a context) and never see the master key at all.
 *
 * <p>{@code aad} is the sealed file's stable header (and the key id): a provider must bind it,
 * so a wrapped data key moved into another file's header does not unwrap.
 */
public interface MasterKeyProvider {
    /** The id written into every header this key seals (printable, at most 255 bytes UTF-8). */
    String keyId();

    /** Wraps a 32-byte data key; the result is stored in the header as is (at most 65535 bytes). */
    byte[] wrap(byte[] dataKey, byte[] aad) throws SealException;

    /**
     * Unwraps what {@link #wrap} produced. Throws {@link SealException} with reason WRONG_KEY when
     * the blob was made by other key material under the same id, HEADER_TAMPERED when it does
     * not authenticate.
     */
    byte[] unwrap(byte[] wrapped, byte[] aad) throws SealException;
}
