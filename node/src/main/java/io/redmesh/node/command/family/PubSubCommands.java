package io.redmesh.node.command.family;

import io.redmesh.node.command.ByteString;
import io.redmesh.node.command.CommandContext;
import io.redmesh.node.command.CommandFamily;
import io.redmesh.node.command.CommandTable;
import io.redmesh.node.command.PubSubRegistry;
import io.redmesh.node.command.Session;
import io.redmesh.node.resp.Reply;
import io.redmesh.node.util.Bytes;
import java.util.ArrayList;
import java.util.List;

/**
 * Pub/Sub.
 *
 * <pre>
 * SUBSCRIBE channel [channel ...]      UNSUBSCRIBE [channel ...]
 * PSUBSCRIBE pattern [pattern ...]     PUNSUBSCRIBE [pattern ...]
 * PUBLISH channel message
 * SSUBSCRIBE shardchannel [shardchannel ...]   SUNSUBSCRIBE [shardchannel ...]
 * SPUBLISH shardchannel message
 * PUBSUB CHANNELS [pattern] | NUMSUB [channel ...] | NUMPAT | SHARDCHANNELS [pattern]
 *        | SHARDNUMSUB [shardchannel ...] | HELP
 * </pre>
 * Shard channels (7.0) are a namespace apart: SPUBLISH reaches SSUBSCRIBErs only, and their
 * confirmations count shard subscriptions only. In cluster mode the router sends them to the
 * slot's node and cluster mode carries SPUBLISH to the rest of the shard.
 * Confirmations and messages are RESP3 push frames ({@code >}) on RESP3 connections, arrays on
 * RESP2, each carrying the session's subscription count as Redis does.
 */
final class PubSubCommands implements CommandFamily {
    @Override
    public void register(CommandTable.Binder b) {
        b.bind("subscribe", PubSubCommands::subscribe)
         .bind("unsubscribe", c -> unsubscribe(c, false))
         .bind("psubscribe", PubSubCommands::psubscribe)
         .bind("punsubscribe", c -> unsubscribe(c, true))
         .bind("publish", c -> {
             c.reply.integer(c.server.pubsub.publish(c.arg(1), c.arg(2)));
             c.server.pubsub.published(c.arg(1), c.arg(2)); // cluster mode: every node's subscribers
         })
         .bind("ssubscribe", PubSubCommands::ssubscribe)
         .bind("sunsubscribe", PubSubCommands::sunsubscribe)
         .bind("spublish", c -> {
             c.reply.integer(c.server.pubsub.spublish(c.arg(1), c.arg(2)));
             c.server.pubsub.shardPublished(c.arg(1), c.arg(2)); // cluster mode: the shard's other nodes
         })
         .bind("pubsub|shardchannels", c -> {
             if (c.argc() > 3) {
                 throw c.subcommandSyntaxError();
             }
             bulks(c, c.server.pubsub.shardChannels(c.argc() == 3 ? c.arg(2) : null));
         })
         .bind("pubsub|shardnumsub", c -> {
             c.reply.array(2 * (c.argc() - 2));
             for (int i = 2; i < c.argc(); i++) {
                 c.reply.bulk(c.arg(i));
                 c.reply.integer(c.server.pubsub.shardSubscribers(c.arg(i)));
             }
         })
         .bind("pubsub|channels", PubSubCommands::channels)
         .bind("pubsub|numsub", PubSubCommands::numsub)
         .bind("pubsub|numpat", c -> c.reply.integer(c.server.pubsub.patternCount()))
         .bind("pubsub|help", PubSubCommands::help);
    }

    /** A (un)subscribe confirmation: a push frame, so CLIENT REPLY OFF/SKIP let it through. */
    private static void confirm(Session s, String kind, byte[] name, int count) {
        s.push(r -> {
            r.push(3);
            r.bulk(kind);
            if (name == null) {
                r.nullBulk();
            } else {
                r.bulk(name);
            }
            r.integer(count);
        });
    }

    static void subscribe(CommandContext c) {
        PubSubRegistry ps = c.server.pubsub;
        for (int i = 1; i < c.argc(); i++) {
            ps.subscribe(c.session, c.arg(i));
            confirm(c.session, "subscribe", c.arg(i), c.session.subscriptionCount());
        }
    }

    static void psubscribe(CommandContext c) {
        PubSubRegistry ps = c.server.pubsub;
        for (int i = 1; i < c.argc(); i++) {
            ps.psubscribe(c.session, c.arg(i));
            confirm(c.session, "psubscribe", c.arg(i), c.session.subscriptionCount());
        }
    }

    /** SSUBSCRIBE: refused inside MULTI, as 7.0 refuses it to a client that cannot block. */
    static void ssubscribe(CommandContext c) {
        if (c.session.inExec()) {
            c.reply.error("ERR SSUBSCRIBE isn't allowed for a DENY BLOCKING client");
            return;
        }
        PubSubRegistry ps = c.server.pubsub;
        for (int i = 1; i < c.argc(); i++) {
            ps.ssubscribe(c.session, c.arg(i));
            confirm(c.session, "ssubscribe", c.arg(i), c.session.shardChannels().size());
        }
    }

    static void sunsubscribe(CommandContext c) {
        PubSubRegistry ps = c.server.pubsub;
        Session s = c.session;
        List<ByteString> names = new ArrayList<>();
        if (c.argc() == 1) {
            names.addAll(s.shardChannels());
            if (names.isEmpty()) {
                confirm(s, "sunsubscribe", null, 0);
                return;
            }
        } else {
            for (int i = 1; i < c.argc(); i++) {
                names.add(new ByteString(c.arg(i)));
            }
        }
        for (ByteString n : names) {
            ps.sunsubscribe(s, n);
            confirm(s, "sunsubscribe", n.bytes, s.shardChannels().size());
        }
    }

    private static void bulks(CommandContext c, List<byte[]> list) {
        c.reply.array(list.size());
        for (byte[] b : list) {
            c.reply.bulk(b);
        }
    }

    static void unsubscribe(CommandContext c, boolean patterns) {
        if (c.argc() == 1) {
            unsubscribeAll(c, patterns);
            return;
        }
        PubSubRegistry ps = c.server.pubsub;
        Session s = c.session;
        for (int i = 1; i < c.argc(); i++) {
            ByteString name = new ByteString(c.arg(i));
            if (patterns) {
                ps.punsubscribe(s, name);
            } else {
                ps.unsubscribe(s, name);
            }
            confirm(c.session, patterns ? "punsubscribe" : "unsubscribe", c.arg(i), s.subscriptionCount());
        }
    }

    /**
     * UNSUBSCRIBE / PUNSUBSCRIBE without arguments: one confirmation per dropped subscription, or
     * a single one with a null name when there was none. RESET calls it silently for both kinds.
     */
    static void unsubscribeAll(CommandContext c, boolean patterns) {
        Session s = c.session;
        PubSubRegistry ps = c.server.pubsub;
        boolean silent = c.spec.fullName.equals("reset");
        if (silent) {
            for (ByteString ch : new ArrayList<>(s.channels())) {
                ps.unsubscribe(s, ch);
            }
            for (ByteString p : new ArrayList<>(s.patterns())) {
                ps.punsubscribe(s, p);
            }
            for (ByteString ch : new ArrayList<>(s.shardChannels())) {
                ps.sunsubscribe(s, ch);
            }
            return;
        }
        List<ByteString> names = new ArrayList<>(patterns ? s.patterns() : s.channels());
        if (names.isEmpty()) {
            confirm(c.session, patterns ? "punsubscribe" : "unsubscribe", null, s.subscriptionCount());
            return;
        }
        for (ByteString n : names) {
            if (patterns) {
                ps.punsubscribe(s, n);
            } else {
                ps.unsubscribe(s, n);
            }
            confirm(c.session, patterns ? "punsubscribe" : "unsubscribe", n.bytes, s.subscriptionCount());
        }
    }

    static void channels(CommandContext c) {
        if (c.argc() > 3) {
            throw c.subcommandSyntaxError();
        }
        List<byte[]> list = c.server.pubsub.channels(c.argc() == 3 ? c.arg(2) : null);
        c.reply.array(list.size());
        for (byte[] ch : list) {
            c.reply.bulk(ch);
        }
    }

    static void numsub(CommandContext c) {
        // a flat array even on RESP3, as Redis 7.0 replies (clients such as Jedis rely on it)
        c.reply.array(2 * (c.argc() - 2));
        for (int i = 2; i < c.argc(); i++) {
            c.reply.bulk(c.arg(i));
            c.reply.integer(c.server.pubsub.subscribers(c.arg(i)));
        }
    }

    static void help(CommandContext c) {
        Help.reply(c, "PUBSUB",
                "CHANNELS [<pattern>]",
                "    Return the currently active channels matching a <pattern> (default: '*').",
                "NUMPAT",
                "    Return number of subscriptions to patterns.",
                "NUMSUB [<channel> ...]",
                "    Return the number of subscribers for the specified channels, excluding",
                "    pattern subscriptions(default: no channels).",
                "SHARDCHANNELS [<pattern>]",
                "    Return the currently active shard level channels matching a <pattern> (default: '*').",
                "SHARDNUMSUB [<shardchannel> ...]",
                "    Return the number of subscribers for the specified shard level channel(s)");
    }

    static byte[] b(String s) {
        return Bytes.of(s);
    }
}
