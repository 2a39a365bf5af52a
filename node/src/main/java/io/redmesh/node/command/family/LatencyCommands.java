package io.redmesh.node.command.family;

import io.redmesh.node.command.CommandContext;
import io.redmesh.node.command.CommandFamily;
import io.redmesh.node.command.CommandSpec;
import io.redmesh.node.command.CommandTable;
import io.redmesh.node.command.LatencyHistogram;
import io.redmesh.node.command.LatencyMonitor;
import io.redmesh.node.command.LatencyReport;
import io.redmesh.node.resp.Reply;
import io.redmesh.node.util.Bytes;
import io.redmesh.node.util.RedisException;
import java.util.ArrayList;
import java.util.List;

/**
 * The latency monitor's commands, thin over {@link LatencyMonitor} (Redis 7.0.15's latency.c).
 *
 * <pre>
 * LATENCY LATEST                 each event: [name, time of its last sample, its latency, worst ever]
 * LATENCY HISTORY event          [[time, latency] ...] oldest first (160 at most)
 * LATENCY GRAPH event            an ASCII graph of the event's samples (verbatim text)
 * LATENCY DOCTOR                 a report with advice (verbatim text)
 * LATENCY RESET [event ...]      forgets events; answers how many
 * LATENCY HISTOGRAM [command ...] per command: calls and the cumulative latency distribution
 * LATENCY HELP
 * </pre>
 */
final class LatencyCommands implements CommandFamily {
    @Override
    public void register(CommandTable.Binder b) {
        b.bind("latency|latest", LatencyCommands::latest)
         .bind("latency|history", LatencyCommands::history)
         .bind("latency|graph", LatencyCommands::graph)
         .bind("latency|doctor", c -> c.reply.verbatim(LatencyReport.doctor(c.server.latency, c.server.config)))
         .bind("latency|reset", LatencyCommands::reset)
         .bind("latency|histogram", LatencyCommands::histogram)
         .bind("latency|help", c -> Help.reply(c, "LATENCY",
                 "DOCTOR",
                 "    Return a human readable latency analysis report.",
                 "GRAPH <event>",
                 "    Return an ASCII latency graph for the <event> class.",
                 "HISTORY <event>",
                 "    Return time-latency samples for the <event> class.",
                 "LATEST",
                 "    Return the latest latency samples for all events.",
                 "RESET [<event> ...]",
                 "    Reset latency data of one or more <event> classes.",
                 "    (default: reset all data for all event classes)",
                 "HISTOGRAM [COMMAND ...]",
                 "    Return a cumulative distribution of latencies in the format of a histogram for the specified "
                         + "command names.",
                 "    If no commands are specified then all histograms are replied."));
    }

    private static void latest(CommandContext c) {
        LatencyMonitor m = c.server.latency;
        List<String> events = m.eventNames();
        c.reply.array(events.size());
        for (String e : events) {
            LatencyMonitor.Sample last = m.latest(e);
            c.reply.array(4);
            c.reply.bulk(e);
            c.reply.integer(last.timeSeconds());
            c.reply.integer(last.latencyMillis());
            c.reply.integer(m.allTimeMax(e));
        }
    }

    private static void history(CommandContext c) {
        List<LatencyMonitor.Sample> samples = c.server.latency.history(cString(c.arg(2)));
        c.reply.array(samples.size());
        for (LatencyMonitor.Sample s : samples) {
            c.reply.array(2);
            c.reply.integer(s.timeSeconds());
            c.reply.integer(s.latencyMillis());
        }
    }

    private static void graph(CommandContext c) {
        String event = cString(c.arg(2));
        if (!c.server.latency.has(event)) {
            throw RedisException.err("No samples available for event '" + event + "'");
        }
        c.reply.verbatim(LatencyReport.graph(c.server.latency, event));
    }

    private static void reset(CommandContext c) {
        if (c.argc() == 2) {
            c.reply.integer(c.server.latency.reset(null));
            return;
        }
        int resets = 0;
        for (int j = 2; j < c.argc(); j++) {
            resets += c.server.latency.reset(cString(c.arg(j)));
        }
        c.reply.integer(resets);
    }

    /** A C string's view of an argument: Redis's %s and strcasecmp stop at a NUL byte. */
    private static String cString(byte[] b) {
        String s = Bytes.latin1(b);
        int nul = s.indexOf('\0');
        return nul < 0 ? s : s.substring(0, nul);
    }

    /**
     * Every command (and subcommand) with samples, or those named ("get", "config|get"; a
     * container names its subcommands; unknown names are skipped, repeats repeated).
     */
    private static void histogram(CommandContext c) {
        List<CommandSpec> shown = new ArrayList<>();
        if (c.argc() == 2) {
            for (CommandSpec top : c.server.table().topLevel()) {
                withSamples(top, shown);
            }
        } else {
            for (int j = 2; j < c.argc(); j++) {
                CommandSpec cmd = c.server.table().find(c.argString(j));
                if (cmd != null) {
                    withSamples(cmd, shown);
                }
            }
        }
        Reply r = c.reply;
        r.map(shown.size());
        for (CommandSpec cmd : shown) {
            LatencyHistogram h = cmd.latency;
            List<long[]> cdf = h.cumulativeMicros();
            r.bulk(cmd.fullName);
            r.map(2);
            r.bulk("calls");
            r.integer(h.count());
            r.bulk("histogram_usec");
            r.map(cdf.size());
            for (long[] point : cdf) {
                r.integer(point[0]);
                r.integer(point[1]);
            }
        }
    }

    /** The command if it has samples, then its subcommands that have. */
    private static void withSamples(CommandSpec cmd, List<CommandSpec> out) {
        if (cmd.latency != null) {
            out.add(cmd);
        }
        for (CommandSpec sub : cmd.subcommands().values()) {
            if (sub.latency != null) {
                out.add(sub);
            }
        }
    }
}
