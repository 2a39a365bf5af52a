package io.redmesh.node.db;

import java.util.Arrays;

/**
 * A Redis list: a growable circular array of byte strings. Pushes and pops at either end and
 * access by index are O(1); inserting or removing in the middle shifts the shorter side.
 *
 * <p>Redis 7.0 keeps every list in a quicklist and OBJECT ENCODING says so whatever the size;
 * here one flat array plays that part (one reference per element instead of Redis's linked
 * listpack nodes). The byte estimate is kept up to date on every change so used_memory never
 * has to walk the list.
 */
public final class ListValue implements Sized {
    private static final int MIN_CAPACITY = 8;
    /** This object (header, fields) plus the backing array's header. */
    private static final long FIXED_BYTES = MemoryEstimator.align(12 + 4 + 4 + 4 + 8) + 16;

    private byte[][] items;
    private int head;
    private int size;
    /** Sum of the elements' byte estimates. */
    private long elementBytes;

    public ListValue() {
        items = new byte[MIN_CAPACITY][];
    }

    private ListValue(ListValue o) {
        items = new byte[o.items.length][];
        for (int i = 0; i < o.size; i++) {
            items[i] = o.get(i); // elements are never mutated in place: sharing them is safe
        }
        size = o.size;
        elementBytes = o.elementBytes;
    }

    // ------------------------------------------------------------------ Sized

    @Override
    public long bytes() {
        return FIXED_BYTES + MemoryEstimator.align(4L * items.length) + elementBytes;
    }

    @Override
    public int length() {
        return size;
    }

    @Override
    public String encoding() {
        return "quicklist";
    }

    @Override
    public String typeName() {
        return "list";
    }

    @Override
    public ListValue copy() {
        return new ListValue(this);
    }

    public boolean isEmpty() {
        return size == 0;
    }

    // ------------------------------------------------------------------ ends

    public void pushHead(byte[] v) {
        ensureCapacity(size + 1);
        head = (head - 1) & (items.length - 1);
        items[head] = v;
        size++;
        elementBytes += MemoryEstimator.byteArray(v.length);
    }

    public void pushTail(byte[] v) {
        ensureCapacity(size + 1);
        items[slot(size)] = v;
        size++;
        elementBytes += MemoryEstimator.byteArray(v.length);
    }

    /** Removes and returns the first element, or null when empty. */
    public byte[] popHead() {
        if (size == 0) {
            return null;
        }
        byte[] v = items[head];
        items[head] = null;
        head = (head + 1) & (items.length - 1);
        size--;
        forget(v);
        maybeShrink();
        return v;
    }

    /** Removes and returns the last element, or null when empty. */
    public byte[] popTail() {
        if (size == 0) {
            return null;
        }
        int s = slot(size - 1);
        byte[] v = items[s];
        items[s] = null;
        size--;
        forget(v);
        maybeShrink();
        return v;
    }

    public void push(byte[] v, boolean head) {
        if (head) {
            pushHead(v);
        } else {
            pushTail(v);
        }
    }

    public byte[] pop(boolean head) {
        return head ? popHead() : popTail();
    }

    // ------------------------------------------------------------------ by index

    /** The element at {@code index} (0-based from the head; the caller checks bounds). */
    public byte[] get(int index) {
        return items[slot(index)];
    }

    /** Replaces the element at {@code index}; returns the old one. */
    public byte[] set(int index, byte[] v) {
        int s = slot(index);
        byte[] old = items[s];
        items[s] = v;
        elementBytes += MemoryEstimator.byteArray(v.length) - MemoryEstimator.byteArray(old.length);
        return old;
    }

    /** Inserts {@code v} so that it becomes element {@code index} (0..size). */
    public void insert(int index, byte[] v) {
        if (index == 0) {
            pushHead(v);
            return;
        }
        if (index == size) {
            pushTail(v);
            return;
        }
        ensureCapacity(size + 1);
        int mask = items.length - 1;
        if (index < size / 2) {
            // Shift the head side one slot left.
            head = (head - 1) & mask;
            for (int i = 0; i < index; i++) {
                items[(head + i) & mask] = items[(head + i + 1) & mask];
            }
        } else {
            for (int i = size; i > index; i--) {
                items[(head + i) & mask] = items[(head + i - 1) & mask];
            }
        }
        items[(head + index) & mask] = v;
        size++;
        elementBytes += MemoryEstimator.byteArray(v.length);
    }

    /** Removes and returns element {@code index}. */
    public byte[] removeAt(int index) {
        int mask = items.length - 1;
        byte[] v = items[(head + index) & mask];
        if (index < size / 2) {
            for (int i = index; i > 0; i--) {
                items[(head + i) & mask] = items[(head + i - 1) & mask];
            }
            items[head] = null;
            head = (head + 1) & mask;
        } else {
            for (int i = index; i < size - 1; i++) {
                items[(head + i) & mask] = items[(head + i + 1) & mask];
            }
            items[(head + size - 1) & mask] = null;
        }
        size--;
        forget(v);
        maybeShrink();
        return v;
    }

    /**
     * Keeps only elements {@code [from, to]} (inclusive, already clamped by the caller, or
     * {@code from > to} to empty the list). Returns how many elements were removed.
     */
    public int trim(int from, int to) {
        int keep = from > to ? 0 : to - from + 1;
        int removed = size - keep;
        if (removed == 0) {
            return 0;
        }
        int mask = items.length - 1;
        for (int i = 0; i < size; i++) {
            if (i < from || i > to || keep == 0) {
                int s = (head + i) & mask;
                forget(items[s]);
                items[s] = null;
            }
        }
        head = keep == 0 ? 0 : (head + from) & mask;
        size = keep;
        maybeShrink();
        return removed;
    }

    /**
     * LREM: removes up to {@code limit} elements equal to {@code v} (0 = all), scanning from the
     * head, or from the tail when {@code fromTail}. Returns how many were removed. One compacting
     * pass, so removing many matches stays O(n).
     */
    public int removeMatching(byte[] v, long limit, boolean fromTail) {
        int removed = 0;
        int mask = items.length - 1;
        if (!fromTail) {
            int w = 0;
            for (int r = 0; r < size; r++) {
                byte[] e = items[(head + r) & mask];
                if ((limit == 0 || removed < limit) && Arrays.equals(e, v)) {
                    removed++;
                    forget(e);
                } else {
                    items[(head + w) & mask] = e;
                    w++;
                }
            }
            for (int i = w; i < size; i++) {
                items[(head + i) & mask] = null;
            }
            size = w;
        } else {
            int w = size - 1;
            for (int r = size - 1; r >= 0; r--) {
                byte[] e = items[(head + r) & mask];
                if ((limit == 0 || removed < limit) && Arrays.equals(e, v)) {
                    removed++;
                    forget(e);
                } else {
                    items[(head + w) & mask] = e;
                    w--;
                }
            }
            for (int i = 0; i <= w; i++) {
                items[(head + i) & mask] = null;
            }
            head = (head + w + 1) & mask;
            size -= removed;
        }
        if (removed > 0) {
            maybeShrink();
        }
        return removed;
    }

    /** Index of the first element equal to {@code v}, or -1. */
    public int indexOf(byte[] v) {
        for (int i = 0; i < size; i++) {
            if (Arrays.equals(get(i), v)) {
                return i;
            }
        }
        return -1;
    }

    // ------------------------------------------------------------------ storage

    private int slot(int index) {
        return (head + index) & (items.length - 1);
    }

    private void forget(byte[] v) {
        elementBytes -= MemoryEstimator.byteArray(v.length);
    }

    private void ensureCapacity(int needed) {
        if (needed > items.length) {
            if (items.length >= 1 << 30) {
                throw new IllegalStateException("list too long");
            }
            resize(items.length << 1);
        }
    }

    /** Gives memory back once the list is a quarter full, so a drained queue does not hold it. */
    private void maybeShrink() {
        if (items.length > MIN_CAPACITY && size < items.length / 4) {
            resize(Math.max(MIN_CAPACITY, Integer.highestOneBit(Math.max(1, size)) << 1));
        }
    }

    private void resize(int capacity) {
        byte[][] n = new byte[capacity][];
        int mask = items.length - 1;
        for (int i = 0; i < size; i++) {
            n[i] = items[(head + i) & mask];
        }
        items = n;
        head = 0;
    }
}
