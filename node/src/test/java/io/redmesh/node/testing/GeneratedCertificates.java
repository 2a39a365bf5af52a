package io.redmesh.node.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A static {@link TestCertificates} field the test class shares: generated (BouncyCastle, into a
 * temp directory) before the first test and deleted after the last.
 *
 * <pre>
 * &#64;GeneratedCertificates static TestCertificates certs;
 * </pre>
 */
@Target(ElementType.FIELD)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(ClassFixtures.class)
public @interface GeneratedCertificates {}
