package io.redmesh.node.command.family;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Where Redis sorts only part of the result with its pqsort() (SORT with a BY pattern and a
 * LIMIT, GEO searches whose COUNT is below the number of matches), elements that compare equal
 * come out in pqsort's order, not in the stable order of a full sort: the reply, and the result
 * GEOSEARCHSTORE / SORT ... STORE write (which a redis-server replica recomputes), show it.
 */
class PartialSortTieOrderDiffTest extends DiffTestBase {
    @Override
    protected String[] resetCommands() {
        return new String[0];
    }

    @Test
    void sortByPatternWithLimitKeepsPqsortsTieOrder() {
        List<String> script = new ArrayList<>();
        script.add("RPUSH al c a b e d f g h i j k l m n o p q r s t u v w x y z 7 3 1 9 8 2 0 4 5 6 aa ab ba bb ca cb");
        for (String limit : new String[] {"0 5", "3 7", "0 1", "10 20", "40 3", "1 46"}) {
            script.add("SORT al BY nokey_* ALPHA LIMIT " + limit);
            script.add("SORT al BY nokey_* ALPHA DESC LIMIT " + limit);
            script.add("SORT al BY nokey_* ALPHA LIMIT " + limit + " GET #");
        }
        script.add("SORT al BY nokey_* ALPHA LIMIT 2 9 STORE dst");
        script.add("LRANGE dst 0 -1");
        bothProtocols(() -> d.sameAll(script.toArray(new String[0])));
    }

    @Test
    void geoCountBelowTheMatchesKeepsPqsortsTieOrder() {
        StringBuilder add = new StringBuilder("GEOADD t");
        for (int i = 1; i <= 60; i++) {
            add.append(" 10 10 m").append(i);
        }
        List<String> script = new ArrayList<>();
        script.add(add.toString());
        script.add("GEOADD t 10.001 10 far1 10.002 10 far2 9.999 10 far3");
        for (String count : new String[] {"1", "5", "7", "41", "62"}) {
            script.add("GEOSEARCH t FROMLONLAT 10 10 BYRADIUS 1 km COUNT " + count);
            script.add("GEOSEARCH t FROMLONLAT 10 10 BYRADIUS 1 km COUNT " + count + " DESC");
            script.add("GEORADIUS t 10 10 1 km COUNT " + count + " ASC");
        }
        script.add("GEOSEARCHSTORE dst t FROMLONLAT 10 10 BYRADIUS 1 km COUNT 5");
        script.add("ZRANGE dst 0 -1");
        bothProtocols(() -> d.sameAll(script.toArray(new String[0])));
    }
}
