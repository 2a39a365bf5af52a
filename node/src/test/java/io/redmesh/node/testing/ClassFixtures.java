package io.redmesh.node.testing;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The JUnit 5 extension behind {@link StartedNode}, {@link StartedRedis} and
 * {@link GeneratedCertificates}: before the first test of a class it fills the class's
 * annotated static fields in declaration order (superclass fields first), and after the last
 * it closes what it made in reverse order, whatever happened. It replaces the copied
 * {@code @BeforeAll}/{@code @AfterAll} blocks of the test classes.
 */
public final class ClassFixtures implements BeforeAllCallback, AfterAllCallback {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(ClassFixtures.class);

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        Deque<AutoCloseable> made = new ArrayDeque<>();
        context.getStore(NS).put(context.getRequiredTestClass(), made);
        for (Field f : annotatedStaticFields(context.getRequiredTestClass())) {
            AutoCloseable fixture = make(f);
            if (fixture == null) {
                continue; // an optional redis-server that is not installed
            }
            made.push(fixture);
            f.set(null, fixture);
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        @SuppressWarnings("unchecked")
        Deque<AutoCloseable> made = (Deque<AutoCloseable>) context.getStore(NS).remove(context.getRequiredTestClass());
        if (made == null) {
            return;
        }
        Exception first = null;
        while (!made.isEmpty()) {
            try {
                made.pop().close();
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        for (Field f : annotatedStaticFields(context.getRequiredTestClass())) {
            f.set(null, null); // the next class with the same base starts from nothing
        }
        if (first != null) {
            throw first;
        }
    }

    private static AutoCloseable make(Field f) {
        StartedNode node = f.getAnnotation(StartedNode.class);
        if (node != null) {
            expect(f, ServerFixture.class);
            return ServerFixture.start(node.value());
        }
        StartedRedis redis = f.getAnnotation(StartedRedis.class);
        if (redis != null) {
            expect(f, RedisProcess.class);
            if (redis.optional() && !RedisProcess.available()) {
                return null;
            }
            org.junit.jupiter.api.Assumptions.assumeTrue(RedisProcess.available(), "redis-server not installed");
            return RedisProcess.start(redis.value());
        }
        expect(f, TestCertificates.class);
        return TestCertificates.create();
    }

    private static void expect(Field f, Class<?> type) {
        if (!f.getType().isAssignableFrom(type)) {
            throw new IllegalStateException(f + " must be of type " + type.getSimpleName());
        }
    }

    /** Static fields with one of the three annotations, superclass fields first, in declaration order. */
    static List<Field> annotatedStaticFields(Class<?> testClass) {
        List<Field> all = new ArrayList<>();
        Deque<Class<?>> chain = new ArrayDeque<>();
        for (Class<?> c = testClass; c != null && c != Object.class; c = c.getSuperclass()) {
            chain.push(c);
        }
        for (Class<?> c : chain) {
            for (Field f : c.getDeclaredFields()) {
                boolean annotated = f.isAnnotationPresent(StartedNode.class) || f.isAnnotationPresent(StartedRedis.class)
                        || f.isAnnotationPresent(GeneratedCertificates.class);
                if (!annotated) {
                    continue;
                }
                f.setAccessible(true);
                if (!Modifier.isStatic(f.getModifiers())) {
                    throw new IllegalStateException(f + ": class fixtures are static fields");
                }
                all.add(f);
            }
        }
        return all;
    }
}
