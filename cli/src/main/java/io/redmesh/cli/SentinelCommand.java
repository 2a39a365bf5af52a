package io.redmesh.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Unmatched;

/**
 * {@code redmesh sentinel [--agent agent.conf] sentinel.conf [--directive value ...]}: a drop-in for
 * redis-sentinel (itself redis-server --sentinel): the same arguments, the same sentinel.conf,
 * which it rewrites with its state. {@code bin/redmesh-sentinel} runs it.
 */
@Command(name = "sentinel", description = "Run a sentinel, taking redis-sentinel's arguments: sentinel.conf [--directive value ...]")
public final class SentinelCommand implements Callable<Integer> {
    @Parameters(arity = "0..*", description = "sentinel.conf path and/or --directive value pairs")
    List<String> args = new ArrayList<>();

    @Unmatched
    List<String> unmatched = new ArrayList<>();

    @Override
    public Integer call() {
        List<String> all = new ArrayList<>(args);
        all.addAll(unmatched);
        all.add("--sentinel");
        return ServerCommand.run(all);
    }
}
