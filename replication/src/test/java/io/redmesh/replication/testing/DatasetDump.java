package io.redmesh.replication.testing;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;
import redis.clients.jedis.resps.Tuple;

/**
 * Every key of every database of a server as comparable text: "db:key" -> type, value in a
 * canonical order (set members and hash fields sorted) and the absolute expiry (PEXPIRETIME), so
 * two servers holding the same data compare equal whatever their encodings and orders.
 */
public final class DatasetDump {
    private DatasetDump() {}

    public static Map<String, String> of(int port, int databases) {
        Map<String, String> out = new TreeMap<>();
        try (Jedis j = new Jedis("127.0.0.1", port, 30_000)) {
            for (int db = 0; db < databases; db++) {
                j.select(db);
                String cursor = "0";
                do {
                    ScanResult<String> r = j.scan(cursor, new ScanParams().count(1000));
                    for (String k : r.getResult()) {
                        out.put(db + ":" + k, describe(j, k));
                    }
                    cursor = r.getCursor();
                } while (!cursor.equals("0"));
            }
        }
        return out;
    }

    private static String describe(Jedis j, String k) {
        String type = j.type(k);
        String value = switch (type) {
            case "string" -> j.get(k);
            case "list" -> j.lrange(k, 0, -1).toString();
            case "set" -> sorted(new ArrayList<>(j.smembers(k)));
            case "hash" -> new TreeMap<>(j.hgetAll(k)).toString();
            case "zset" -> {
                List<String> z = new ArrayList<>();
                for (Tuple t : j.zrangeWithScores(k, 0, -1)) {
                    z.add(t.getElement() + "=" + t.getScore());
                }
                yield z.toString();
            }
            default -> "?";
        };
        Object exp = j.sendCommand(redis.clients.jedis.Protocol.Command.PEXPIRETIME, k);
        return type + " " + value + " exp=" + exp;
    }

    private static String sorted(List<String> l) {
        Collections.sort(l);
        return l.toString();
    }
}
