package dev.fastdraft.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Horizontal sums in one fixed order.
 *
 * <p>{@code reduceLanes(ADD)} adds lanes left to right when interpreted but in a tree order once C2
 * compiles it, so the same call gives different bits cold and hot, and a training run cannot be repeated
 * bit for bit. Here the order is the same everywhere: lanes are folded in halves (lane i plus lane i + w,
 * for w = L/2, L/4, ..., 1), which C2 turns into a few permutes and adds, as fast as the intrinsic.
 */
public final class Lanes {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final VectorShuffle<Float>[] FOLD = folds(S);

    private Lanes() {}

    @SuppressWarnings("unchecked")
    private static VectorShuffle<Float>[] folds(VectorSpecies<Float> s) {
        int n = Integer.numberOfTrailingZeros(s.length());
        VectorShuffle<Float>[] f = new VectorShuffle[n];
        for (int i = 0, w = s.length() / 2; w >= 1; i++, w /= 2) f[i] = VectorShuffle.iota(s, w, 1, true);
        return f;
    }

    /** The sum of the lanes of a {@code SPECIES_PREFERRED} vector, in the fixed fold order. */
    public static float sum(FloatVector v) {
        if (v.species() != S) return sumOther(v);
        FloatVector x = v;
        for (VectorShuffle<Float> f : FOLD) x = x.add(x.rearrange(f));
        return x.lane(0);
    }

    /** The same fold order for vectors of another species (rare: tails of half-width kernels). */
    private static float sumOther(FloatVector v) {
        float[] a = v.toArray();
        for (int w = a.length / 2; w >= 1; w /= 2) {
            for (int i = 0; i < w; i++) a[i] = a[i] + a[i + w];
        }
        return a[0];
    }

    /** Scalar model of {@link #sum}: the order tests compare against. */
    public static float sumReference(float[] lanes) {
        float[] a = lanes.clone();
        for (int w = a.length / 2; w >= 1; w /= 2) {
            for (int i = 0; i < w; i++) a[i] = a[i] + a[i + w];
        }
        return a[0];
    }
}
