package io.redmesh.node.util;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Redis's ASCII sparklines (sparkline.c, from antirez/aspark), as LATENCY GRAPH draws them with
 * the fill style: each column is one sample, drawn over {@code rows} text rows of three steps
 * each ("_o#", with '|' below the top of a column), then the samples' labels written
 * vertically under a blank line. Integer arithmetic and quirks are Redis's, so the text is
 * byte for byte the same.
 */
public final class Sparkline {
    private static final String CHARSET_FILL = "_o#";
    private static final int LABEL_MARGIN_TOP = 1;

    private final List<Double> values = new ArrayList<>();
    private final List<String> labels = new ArrayList<>();
    private int labelCount;
    private double min;
    private double max;

    /** sparklineSequenceAddSample(); an empty label is none. */
    public void add(double value, String label) {
        if (values.isEmpty()) {
            min = max = value;
        } else if (value < min) {
            min = value;
        } else if (value > max) {
            max = value;
        }
        values.add(value);
        String l = label == null || label.isEmpty() ? null : label;
        labels.add(l);
        if (l != null) {
            labelCount++;
        }
    }

    /** sparklineRender(..., SPARKLINE_FILL): the samples in chunks of {@code columns}. */
    public String render(int columns, int rows) {
        StringBuilder out = new StringBuilder();
        for (int j = 0; j < values.size(); j += columns) {
            int len = Math.min(columns, values.size() - j);
            if (j != 0) {
                out.append('\n');
            }
            renderRange(out, rows, j, len);
        }
        return out.toString();
    }

    private void renderRange(StringBuilder out, int rows, int offset, int len) {
        int charsetLen = CHARSET_FILL.length();
        double relmax = max - min;
        if (relmax == 0) {
            relmax = 1;
        }
        int steps = charsetLen * rows;
        char[] chars = new char[len];
        int row = 0;
        boolean loop = true;
        while (loop) {
            loop = false;
            Arrays.fill(chars, ' ');
            for (int j = 0; j < len; j++) {
                double relval = values.get(j + offset) - min;
                // C: step = (int) (relval*steps)/relmax; the cast binds to the product only
                int step = (int) ((int) (relval * steps) / relmax);
                step = Math.max(0, Math.min(steps - 1, step));
                if (row < rows) {
                    int charidx = step - (rows - row - 1) * charsetLen;
                    loop = true;
                    if (charidx >= 0 && charidx < charsetLen) {
                        chars[j] = CHARSET_FILL.charAt(charidx);
                    } else if (charidx >= charsetLen) {
                        chars[j] = '|';
                    }
                } else {
                    if (labelCount > 0 && row - rows < LABEL_MARGIN_TOP) {
                        loop = true; // the blank line above the labels (Redis leaves the row empty)
                        break;
                    }
                    String label = labels.get(j + offset);
                    int labelChar = row - rows - LABEL_MARGIN_TOP;
                    if (label != null && label.length() > labelChar) {
                        loop = true;
                        chars[j] = label.charAt(labelChar);
                    }
                }
            }
            if (loop) {
                row++;
                out.append(chars).append('\n');
            }
        }
    }
}
