package io.redmesh.node.util;

import java.util.Comparator;

/**
 * Redis's pqsort() (pqsort.c: NetBSD's Bentley-McIlroy quicksort that only recurses into the
 * parts overlapping the requested range), step for step on an array of references. SORT with a
 * BY pattern and a LIMIT, and GEO searches with COUNT, use it in Redis; it is not stable, so
 * the elements that compare equal come out in its order, which a reply (or a stored result a
 * replica recomputes) shows. Only the range [lrange, rrange] is guaranteed sorted.
 */
public final class PartialQuickSort {
    private PartialQuickSort() {}

    public static <T> void sort(T[] a, Comparator<? super T> cmp, int lrange, int rrange) {
        sort(a, 0, a.length, cmp, lrange, rrange);
    }

    private static <T> int med3(T[] v, int a, int b, int c, Comparator<? super T> cmp) {
        return cmp.compare(v[a], v[b]) < 0
                ? (cmp.compare(v[b], v[c]) < 0 ? b : (cmp.compare(v[a], v[c]) < 0 ? c : a))
                : (cmp.compare(v[b], v[c]) > 0 ? b : (cmp.compare(v[a], v[c]) < 0 ? a : c));
    }

    private static <T> void swap(T[] v, int i, int j) {
        T t = v[i];
        v[i] = v[j];
        v[j] = t;
    }

    private static <T> void vecswap(T[] v, int i, int j, int n) {
        for (int k = 0; k < n; k++) {
            swap(v, i + k, j + k);
        }
    }

    /** _pqsort() on v[a, a + n), indexes instead of byte pointers (es = 1). */
    private static <T> void sort(T[] v, int a, int n, Comparator<? super T> cmp, int lrange, int rrange) {
        while (true) {
            if (n < 7) {
                for (int pm = a + 1; pm < a + n; pm++) {
                    for (int pl = pm; pl > a && cmp.compare(v[pl - 1], v[pl]) > 0; pl--) {
                        swap(v, pl, pl - 1);
                    }
                }
                return;
            }
            int pm = a + n / 2;
            if (n > 7) {
                int pl = a;
                int pn = a + n - 1;
                if (n > 40) {
                    int d = n / 8;
                    pl = med3(v, pl, pl + d, pl + 2 * d, cmp);
                    pm = med3(v, pm - d, pm, pm + d, cmp);
                    pn = med3(v, pn - 2 * d, pn - d, pn, cmp);
                }
                pm = med3(v, pl, pm, pn, cmp);
            }
            swap(v, a, pm);
            int pa = a + 1;
            int pb = pa;
            int pc = a + n - 1;
            int pd = pc;
            while (true) {
                int r;
                while (pb <= pc && (r = cmp.compare(v[pb], v[a])) <= 0) {
                    if (r == 0) {
                        swap(v, pa, pb);
                        pa++;
                    }
                    pb++;
                }
                while (pb <= pc && (r = cmp.compare(v[pc], v[a])) >= 0) {
                    if (r == 0) {
                        swap(v, pc, pd);
                        pd--;
                    }
                    pc--;
                }
                if (pb > pc) {
                    break;
                }
                swap(v, pb, pc);
                pb++;
                pc--;
            }
            int pn = a + n;
            int r = Math.min(pa - a, pb - pa);
            vecswap(v, a, pb - r, r);
            r = Math.min(pd - pc, pn - pd - 1);
            vecswap(v, pb, pn - r, r);
            if ((r = pb - pa) > 1 && overlaps(a, a + r - 1, lrange, rrange)) {
                sort(v, a, r, cmp, lrange, rrange);
            }
            if ((r = pd - pc) > 1) {
                a = pn - r; // iterate rather than recurse, as Redis does
                n = r;
                if (overlaps(a, a + r - 1, lrange, rrange)) {
                    continue;
                }
            }
            return;
        }
    }

    /** Not both ends of the range before the part, nor both after it. */
    private static boolean overlaps(int first, int last, int lrange, int rrange) {
        return !((lrange < first && rrange < first) || (lrange > last && rrange > last));
    }
}
