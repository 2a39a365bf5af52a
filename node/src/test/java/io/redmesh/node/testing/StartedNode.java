package io.redmesh.node.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A static {@link ServerFixture} field the test class shares: a node started before the first
 * test with these directives ("--name", "value" ...) and stopped after the last.
 *
 * <pre>
 * &#64;StartedNode({"--maxmemory", "1mb"}) static ServerFixture node;
 * </pre>
 */
@Target(ElementType.FIELD)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(ClassFixtures.class)
public @interface StartedNode {
    String[] value() default {};
}
