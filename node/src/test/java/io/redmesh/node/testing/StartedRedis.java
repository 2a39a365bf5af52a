package io.redmesh.node.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A static {@link RedisProcess} field the test class shares: a real redis-server started before
 * the first test with these directives and stopped after the last. The class is skipped where
 * redis-server is not installed (CI installs it). With a {@link StartedNode} beside it, this is
 * the differential tests' pair: same requests to both, replies compared byte for byte.
 *
 * <pre>
 * &#64;StartedRedis static RedisProcess redis;
 * &#64;StartedNode static ServerFixture node;
 * </pre>
 */
@Target(ElementType.FIELD)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(ClassFixtures.class)
public @interface StartedRedis {
    String[] value() default {};

    /** Leave the field null where redis-server is not installed instead of skipping the class. */
    boolean optional() default false;
}
