package io.redmesh.sentinel;

import io.redmesh.node.spi.NodeLog;
import io.redmesh.node.spi.ReplyWriter;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedList;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * The notification and client-reconfiguration scripts, run as Redis runs them: a queue of at most
 * 256 jobs (the oldest waiting one dropped beyond), at most 16 running, each killed after
 * script-max-runtime (60 s); exit code 1 or a signal means "retry" (up to 10 times, 30 s, 60 s,
 * 2 min ... apart), any other non-zero exit is a {@code -script-error} event. Scripts get Redis's
 * arguments and the sentinel's environment; their output is discarded. Polled by the sentinel
 * timer, under the node's lock.
 */
final class Scripts {
    static final int MAX_QUEUE = 256;
    static final int MAX_RUNNING = 16;
    static final int MAX_RETRY = 10;
    private static final int MAX_ARGS = 16;

    private static final class Job {
        final List<String> argv;
        boolean running;
        int retryNum;
        /** Running: when it started; waiting: not before this time (0: at once). */
        long startTime;
        Process process;

        Job(List<String> argv) {
            this.argv = argv;
        }
    }

    private final SentinelTimings timings;
    private final LinkedList<Job> queue = new LinkedList<>();
    private int running;
    /** Events about scripts (-script-error, -script-timeout): set once Events exists. */
    private BiConsumer<String, String> events = (type, msg) -> NodeLog.warning(type + " " + msg);

    Scripts(SentinelTimings timings) {
        this.timings = timings;
    }

    void events(BiConsumer<String, String> events) {
        this.events = events;
    }

    /** sentinelScheduleScriptExecution(). */
    void schedule(String path, String... args) {
        List<String> argv = new ArrayList<>();
        argv.add(path);
        for (String a : args) {
            if (argv.size() >= MAX_ARGS) {
                break;
            }
            argv.add(a);
        }
        queue.add(new Job(List.copyOf(argv)));
        if (queue.size() > MAX_QUEUE) {
            for (Iterator<Job> it = queue.iterator(); it.hasNext(); ) {
                if (!it.next().running) {
                    it.remove();
                    break;
                }
            }
        }
    }

    int running() {
        return running;
    }

    int queued() {
        return queue.size();
    }

    /** The timer's part: start what may start, collect what ended, kill what ran too long. */
    void tick() {
        runPending();
        collectTerminated();
        killTimedOut();
    }

    private void runPending() {
        long now = System.currentTimeMillis();
        for (Job j : queue) {
            if (running >= MAX_RUNNING) {
                return;
            }
            if (j.running || (j.startTime != 0 && j.startTime > now)) {
                continue;
            }
            j.running = true;
            j.startTime = now;
            j.retryNum++;
            try {
                j.process = new ProcessBuilder(j.argv).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                running++;
            } catch (IOException e) {
                // Redis's child exits with 2 when execve fails: not retried, reported
                j.running = false;
                j.process = null;
                events.accept("-script-error", j.argv.get(0) + " 0 2");
                j.startTime = -1; // marks it for removal below
            }
        }
        queue.removeIf(j -> j.startTime == -1);
    }

    private void collectTerminated() {
        for (Iterator<Job> it = queue.iterator(); it.hasNext(); ) {
            Job j = it.next();
            if (!j.running || j.process.isAlive()) {
                continue;
            }
            int exit = j.process.exitValue();
            // the JVM reports a death by signal N as 128 + N
            int signal = exit > 128 ? exit - 128 : 0;
            int code = signal != 0 ? 0 : exit;
            running--;
            j.running = false;
            j.process = null;
            if ((signal != 0 || code == 1) && j.retryNum != MAX_RETRY) {
                j.startTime = System.currentTimeMillis() + retryDelay(j.retryNum);
            } else {
                if (signal != 0 || code != 0) {
                    events.accept("-script-error", j.argv.get(0) + " " + signal + " " + code);
                }
                it.remove();
            }
        }
    }

    private void killTimedOut() {
        long now = System.currentTimeMillis();
        for (Job j : queue) {
            if (j.running && now - j.startTime > timings.scriptMaxRuntime && j.process.isAlive()) {
                events.accept("-script-timeout", j.argv.get(0) + " " + j.process.pid());
                j.process.destroyForcibly();
            }
        }
    }

    /** sentinelScriptRetryDelay(): 30 s doubled for every retry after the first. */
    long retryDelay(int retryNum) {
        long delay = timings.scriptRetryDelay;
        while (retryNum-- > 1) {
            delay *= 2;
        }
        return delay;
    }

    /** SENTINEL PENDING-SCRIPTS. */
    void reply(ReplyWriter r) {
        r.array(queue.size());
        long now = System.currentTimeMillis();
        for (Job j : queue) {
            r.map(5);
            r.bulk("argv");
            r.array(j.argv.size());
            for (String a : j.argv) {
                r.bulk(a);
            }
            r.bulk("flags");
            r.bulk(j.running ? "running" : "scheduled");
            r.bulk("pid");
            r.bulk(Long.toString(j.running ? j.process.pid() : 0));
            if (j.running) {
                r.bulk("run-time");
                r.bulk(Long.toString(now - j.startTime));
            } else {
                r.bulk("run-delay");
                r.bulk(Long.toString(j.startTime != 0 ? Math.max(0, j.startTime - now) : 0));
            }
            r.bulk("retry-num");
            r.bulk(Long.toString(j.retryNum));
        }
    }

    /** Stops every running script (the sentinel stops). */
    void killAll() {
        for (Job j : queue) {
            if (j.running && j.process != null) {
                j.process.destroyForcibly();
            }
        }
    }
}
