package io.redmesh.node.command.family;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A SORT whose weights include NaN ("-nan") answers Redis's conversion error. NaN makes the
 * numeric comparison inconsistent (" 100" < "-nan" < "9" < " 100": NaN elements compare by their
 * bytes), and this arrangement of 70 elements makes TimSort detect it and throw, which surfaced
 * as "ERR internal error: IllegalArgumentException" instead of the error Redis replies.
 */
class SortNanWeightsDiffTest extends DiffTestBase {
    @Override
    protected String[] resetCommands() {
        return new String[0];
    }

    @Test
    void nanWeightsAnswerTheConversionErrorWhateverTheirOrder() {
        String[] pool = {" 100", "-nan", "9", " 200", "-nan", "8", "  50", "7"};
        String order = "2261556213156211502556361377532512510201535655525373037207521261313156";
        List<String> push = new ArrayList<>(List.of("RPUSH", "nl"));
        List<String> weights = new ArrayList<>(List.of("RPUSH", "byl"));
        List<String> mset = new ArrayList<>(List.of("MSET"));
        for (int i = 0; i < order.length(); i++) {
            String v = pool[order.charAt(i) - '0'];
            push.add(v);
            weights.add(Integer.toString(i));
            mset.add("w_" + i);
            mset.add(v);
        }
        bothProtocols(() -> {
            d.same(push.toArray(new String[0]));
            d.same(weights.toArray(new String[0]));
            d.same(mset.toArray(new String[0]));
            d.sameAll("SORT nl", "SORT nl DESC", "SORT nl STORE dst", "EXISTS dst", "SORT byl BY w_*",
                    "SORT byl BY w_* LIMIT 0 3", "SORT nl ALPHA LIMIT 0 3");
        });
    }
}
