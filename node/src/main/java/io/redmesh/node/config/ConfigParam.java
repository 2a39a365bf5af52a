package io.redmesh.node.config;

import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * One configuration directive, as Redis 7.0's standardConfig describes it: its name and alias,
 * its flags, how a value is parsed (with Redis's error texts) and rendered for CONFIG GET, its
 * default, and what to do when it changes. Values are held as the parsed Java object
 * ({@code Boolean}, {@code Long}, {@code String}).
 */
public final class ConfigParam {
    /** Redis's config flags (config.c). */
    public static final int IMMUTABLE = 1;
    public static final int SENSITIVE = 1 << 1;
    public static final int DEBUG = 1 << 2;
    public static final int MULTI_ARG = 1 << 3;
    public static final int HIDDEN = 1 << 4;
    public static final int PROTECTED = 1 << 5;
    public static final int DENY_LOADING = 1 << 6;
    /** Setting the same value still counts as a change (TLS files re-read from the same path). */
    public static final int VOLATILE = 1 << 7;

    /**
     * What CONFIG REWRITE writes for a directive: its lines (none: drop the ones in the file), and
     * whether to write them even when the file does not mention it (not at the default).
     */
    public record Rewrite(List<String> lines, boolean force, List<Boolean> forces) {
        public Rewrite(List<String> lines, boolean force) {
            this(lines, force, null);
        }

        /** Whether line {@code i} is written even when the file does not mention the directive. */
        public boolean force(int i) {
            return forces == null ? force : forces.get(i);
        }
    }

    /** Parses the argument words of a directive into a value, or throws ConfigException. */
    public interface Parser {
        Object parse(List<String> args);
    }

    public final String name;
    /** The other name Redis accepts ("slaveof" for "replicaof"), or null. */
    public final String alias;
    /** The alias as a list (empty or one name). */
    public final List<String> aliases;
    final int flags;
    /** The declaration's parser, or the owning package's (ServerConfig.parser). */
    Parser parser;
    final Function<Object, String> renderer;
    /** Whether CONFIG SET may change it. */
    public final boolean mutable;
    /** Whether the value is several words ("save", "bind"): CONFIG SET splits it on spaces. */
    final boolean multiArg;
    final Object defaultValue;
    Object value;
    Consumer<Object> onChange = v -> {};
    /** Validates against other settings at CONFIG SET time; throws ConfigException to refuse. */
    Consumer<Object> validator = v -> {};
    /** Shared by related directives: run once per CONFIG SET after all values are set (Redis's apply). */
    Runnable apply;
    /** Hidden directives are settable but only found by exact name (Redis's HIDDEN_CONFIG). */
    final boolean hidden;
    /** CONFIG REWRITE's rendering (rewriteConfig*Option); set by the declaration. */
    Function<ConfigParam, Rewrite> rewriter = p -> new Rewrite(List.of(p.name + " " + p.render()),
            !java.util.Objects.equals(p.value, p.defaultValue));

    ConfigParam(String name, String alias, int flags, Parser parser, Function<Object, String> renderer,
                Object defaultValue) {
        this.name = name;
        this.alias = alias;
        this.aliases = alias == null ? List.of() : List.of(alias);
        this.flags = flags;
        this.parser = parser;
        this.renderer = renderer;
        this.mutable = (flags & IMMUTABLE) == 0;
        this.multiArg = (flags & MULTI_ARG) != 0;
        this.hidden = (flags & HIDDEN) != 0;
        this.defaultValue = defaultValue;
        this.value = defaultValue;
    }

    public boolean has(int flag) {
        return (flags & flag) != 0;
    }

    public Object value() {
        return value;
    }

    /** The value as CONFIG GET shows it. */
    public String render() {
        return renderer.apply(value);
    }

    public String renderDefault() {
        return renderer.apply(defaultValue);
    }
}
