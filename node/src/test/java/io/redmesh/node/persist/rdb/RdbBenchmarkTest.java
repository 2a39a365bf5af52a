package io.redmesh.node.persist.rdb;

import io.redmesh.node.db.Database;
import io.redmesh.node.db.HashValue;
import io.redmesh.node.db.Keyspace;
import io.redmesh.node.db.ListValue;
import io.redmesh.node.db.SetValue;
import io.redmesh.node.db.ZSetValue;
import io.redmesh.node.persist.io.DiskFiles;
import io.redmesh.node.persist.seal.FileKind;
import io.redmesh.node.util.Bytes;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Not a pass/fail test: prints SAVE and load times for 1M mixed keys when run with
 * {@code -Drdb.bench=true} (docs/PERFORMANCE.md compares them with redis-server's).
 */
class RdbBenchmarkTest {
    @TempDir
    Path dir;

    static Keyspace mixed(int n) {
        Keyspace ks = new Keyspace(16);
        Database d = ks.db(0);
        ZSetValue.Limits zl = new ZSetValue.Limits(128, 64);
        for (int i = 0; i < n; i++) {
            byte[] key = Bytes.of("key:" + i);
            switch (i % 10) {
                case 7: {
                    HashValue h = new HashValue();
                    for (int f = 0; f < 5; f++) {
                        h.set(Bytes.of("f" + f), Bytes.of("value-" + i), 128, 64);
                    }
                    d.add(key, h);
                    break;
                }
                case 8: {
                    ListValue l = new ListValue();
                    for (int f = 0; f < 5; f++) {
                        l.pushTail(Bytes.of("item-" + f));
                    }
                    d.add(key, l);
                    break;
                }
                case 9: {
                    if (i % 20 == 9) {
                        SetValue s = new SetValue();
                        for (int f = 0; f < 5; f++) {
                            s.add(Bytes.fromLong(i + f), 512);
                        }
                        d.add(key, s);
                    } else {
                        ZSetValue z = new ZSetValue();
                        for (int f = 0; f < 5; f++) {
                            z.insert(Bytes.of("m" + f), f * 1.5, zl);
                        }
                        d.add(key, z);
                    }
                    break;
                }
                default:
                    d.add(key, i % 2 == 0 ? Bytes.fromLong(i) : Bytes.of("value-value-value-" + i));
            }
        }
        return ks;
    }

    @Test
    void saveAndLoadOneMillionKeys() throws Exception {
        Assumptions.assumeTrue(Boolean.getBoolean("rdb.bench"), "run with -Drdb.bench=true");
        Keyspace ks = mixed(1_000_000);
        Path file = dir.resolve("bench.rdb");
        for (int round = 0; round < 3; round++) {
            long t0 = System.nanoTime();
            try (DiskFiles.AtomicFile f = DiskFiles.plain().createAtomic(dir.resolve("tmp.rdb"), file, FileKind.RDB)) {
                io.redmesh.node.db.Snapshot.copyNow(ks, new RdbWriter(f.stream(), new RdbWriter.Options()));
                f.commit();
            }
            long t1 = System.nanoTime();
            Keyspace dst = new Keyspace(16);
            try (InputStream in = DiskFiles.plain().open(file, FileKind.RDB)) {
                new RdbLoader(new RdbValueReader(128, 64, 512, 128, 64)).load(in, file.toString(), dst);
            }
            long t2 = System.nanoTime();
            System.out.printf("RDB 1M mixed keys: save %.0f ms, load %.0f ms, %d bytes%n", (t1 - t0) / 1e6,
                    (t2 - t1) / 1e6, Files.size(file));
        }
    }
}
