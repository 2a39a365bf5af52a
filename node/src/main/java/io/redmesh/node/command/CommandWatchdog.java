package io.redmesh.node.command;

import io.redmesh.node.config.ServerConfig;
import io.redmesh.node.util.ServerLog;

/**
 * Watches the command that holds the server lock. Commands run one at a time, so one that runs
 * long stops every client: the watchdog makes it visible (a log line naming the command and the
 * client once it has run longer than busy-reply-threshold, as Redis warns of a slow script) and
 * lets SHUTDOWN and signals stop it: they interrupt its thread, and the long loops (pattern
 * matching, key enumeration) end with {@link io.redmesh.node.util.CommandInterruptedException}.
 *
 * <p>{@link #started}/{@link #finished} bracket each request the dispatcher runs; an interrupt is
 * only ever sent while a request is registered, and {@link #finished} clears the thread's flag,
 * so an I/O thread never keeps an interrupt meant for a command.
 */
public final class CommandWatchdog {
    private static final long CHECK_MILLIS = 100;

    private Thread runner;
    private String command;
    private Session session;
    private long startNanos;
    private boolean reported;
    private volatile Thread watcher;
    /** Commands reported as busy so far (tests, INFO-like checks). */
    volatile long busyReports;

    /** The dispatcher begins a request on the current thread. */
    synchronized void started(Session s) {
        runner = Thread.currentThread();
        session = s;
        command = null;
        startNanos = System.nanoTime();
        reported = false;
    }

    /** The name of the command being run, once the dispatcher knows it. */
    synchronized void running(String name) {
        command = name;
    }

    /** The request ended; an interrupt sent for it is cleared from the thread. */
    void finished() {
        synchronized (this) {
            runner = null;
            session = null;
        }
        Thread.interrupted();
    }

    /** Milliseconds the current request has held the lock, or -1 when none runs. */
    public synchronized long busyMillis() {
        return runner == null ? -1 : (System.nanoTime() - startNanos) / 1_000_000;
    }

    /**
     * Interrupts the request running for at least {@code minMillis}; true if one was. Its long
     * loops end with an error reply and release the lock.
     */
    public synchronized boolean interruptRunning(long minMillis) {
        if (runner == null || (System.nanoTime() - startNanos) / 1_000_000 < minMillis) {
            return false;
        }
        ServerLog.warning("Interrupting '" + command + "' from client id=" + session.id + " addr="
                + session.transport.remoteAddress() + " after " + busyMillis() + " ms: the server is stopping");
        runner.interrupt();
        return true;
    }

    /** Starts the watching thread (the server calls this once it serves clients). */
    public void start(ServerConfig config) {
        Thread t = new Thread(() -> watch(config), "redmesh-watchdog");
        t.setDaemon(true);
        watcher = t;
        t.start();
    }

    public void stop() {
        Thread t = watcher;
        watcher = null;
        if (t != null) {
            t.interrupt();
        }
    }

    private void watch(ServerConfig config) {
        while (watcher == Thread.currentThread()) {
            try {
                Thread.sleep(CHECK_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
            check(config.getLong("busy-reply-threshold"));
        }
    }

    /** Logs, once per request, a request over the threshold (0: never). */
    synchronized void check(long thresholdMillis) {
        if (runner == null || reported || thresholdMillis <= 0) {
            return;
        }
        long ms = (System.nanoTime() - startNanos) / 1_000_000;
        if (ms >= thresholdMillis) {
            reported = true;
            busyReports++;
            ServerLog.warning("Busy command: '" + (command == null ? "?" : command) + "' from client id=" + session.id
                    + " addr=" + session.transport.remoteAddress() + " user=" + session.user
                    + " has held the server lock for " + ms + " ms (busy-reply-threshold " + thresholdMillis
                    + " ms); every other client waits");
        }
    }
}
