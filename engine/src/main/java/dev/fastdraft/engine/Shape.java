package dev.fastdraft.engine;

import java.util.Arrays;

/** Helpers for int[] shapes and row-major strides. */
public final class Shape {
    private Shape() {}

    public static long numel(int[] shape) {
        long n = 1;
        for (int d : shape) n *= d;
        return n;
    }

    public static long[] contiguousStrides(int[] shape) {
        long[] s = new long[shape.length];
        long acc = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            s[i] = acc;
            acc *= shape[i];
        }
        return s;
    }

    public static String str(int[] shape) {
        return Arrays.toString(shape);
    }

    static int[] checked(String op, int[] shape) {
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] < 0) throw new IllegalArgumentException(op + ": negative size " + shape[i] + " at dim " + i + " of shape " + str(shape));
        }
        return shape.clone();
    }
}
