package io.redmesh.node.config;

import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * One configuration directive: its names, how its value is parsed and rendered, whether CONFIG
 * SET may change it at runtime, and what to do when it changes. Values are held as the parsed
 * Java object ({@code Boolean}, {@code Long}, {@code String}, {@code List<String>}...).
 */
public final class ConfigParam {
    /** Parses the argument words of a directive into a value, or throws ConfigException. */
    public interface Parser {
        Object parse(List<String> args);
    }

    public final String name;
    public final List<String> aliases;
    final Parser parser;
    final Function<Object, String> renderer;
    public final boolean mutable;
    /** Whether the directive may be repeated in a file (e.g. "save", "bind" take several words). */
    final boolean multiArg;
    final Object defaultValue;
    Object value;
    Consumer<Object> onChange = v -> {};
    /** Validates against other settings at CONFIG SET time; throws ConfigException to refuse. */
    Consumer<Object> validator = v -> {};
    /** Shared by related directives: run once per CONFIG SET after all values are set (Redis's apply). */
    Runnable apply;
    /** Hidden directives are settable but not listed by CONFIG GET * (Redis's HIDDEN_CONFIG). */
    final boolean hidden;

    ConfigParam(String name, List<String> aliases, Parser parser, Function<Object, String> renderer,
                boolean mutable, boolean multiArg, Object defaultValue, boolean hidden) {
        this.name = name;
        this.aliases = aliases;
        this.parser = parser;
        this.renderer = renderer;
        this.mutable = mutable;
        this.multiArg = multiArg;
        this.defaultValue = defaultValue;
        this.value = defaultValue;
        this.hidden = hidden;
    }

    public Object value() {
        return value;
    }

    public String render() {
        return renderer.apply(value);
    }

    public String renderDefault() {
        return renderer.apply(defaultValue);
    }
}
