package io.redmesh.replication.testing;

import java.util.Map;
import java.util.Random;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Transaction;

/**
 * Writes of every type the node stores, with TTLs (relative, absolute, some already about to
 * pass), across several databases, in plain commands and MULTI/EXEC: what a replica must end up
 * holding exactly. Seeded, bounded.
 */
public final class MixedWrites {
    private MixedWrites() {}

    public static void run(Jedis j, long seed, int rounds, int databases) {
        Random r = new Random(seed);
        for (int i = 0; i < rounds; i++) {
            int db = r.nextInt(databases);
            j.select(db);
            String k = "k" + r.nextInt(rounds / 2 + 1);
            switch (r.nextInt(14)) {
                case 0 -> j.set("s:" + k, "v" + r.nextInt(1_000_000));
                case 1 -> j.setex("s:" + k, 100 + r.nextInt(1000), "ttl" + i);
                case 2 -> j.incrBy("n:" + k, r.nextInt(100));
                case 3 -> j.rpush("l:" + k, "a" + i, "b" + i);
                case 4 -> j.lpop("l:" + k);
                case 5 -> j.sadd("set:" + k, "m" + r.nextInt(50), "x" + i);
                case 6 -> j.srem("set:" + k, "m" + r.nextInt(50));
                case 7 -> j.hset("h:" + k, Map.of("f" + r.nextInt(20), "v" + i, "g", Integer.toString(i)));
                case 8 -> j.zadd("z:" + k, r.nextDouble() * 100, "m" + r.nextInt(30));
                case 9 -> j.pexpire("s:" + k, 50_000 + r.nextInt(50_000));
                case 10 -> j.del("n:" + k);
                case 11 -> {
                    Transaction t = j.multi();
                    t.incr("n:" + k);
                    t.rpush("l:" + k, "tx" + i);
                    t.expire("l:" + k, 500);
                    t.exec();
                }
                case 12 -> j.set("big:" + k, "x".repeat(100 + r.nextInt(3000)));
                default -> j.hincrBy("h:" + k, "count", 1);
            }
        }
        j.select(0);
    }
}
