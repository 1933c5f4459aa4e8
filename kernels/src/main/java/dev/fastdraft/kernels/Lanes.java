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
    private static final int L = S.length();
    // one constant shuffle per fold (lane i takes lane i + w), so that each fold compiles to one permute
    private static final VectorShuffle<Float> BY_8 = VectorShuffle.iota(S, 8, 1, true);
    private static final VectorShuffle<Float> BY_4 = VectorShuffle.iota(S, 4, 1, true);
    private static final VectorShuffle<Float> BY_2 = VectorShuffle.iota(S, 2, 1, true);
    private static final VectorShuffle<Float> BY_1 = VectorShuffle.iota(S, 1, 1, true);

    private Lanes() {}

    /**
     * The sum of the lanes of a {@code SPECIES_PREFERRED} vector, in the fixed fold order. Written out
     * fold by fold rather than as a loop over shuffles: the loop compiled to a body too big for C2 to inline
     * into the kernels ("already compiled into a big method"), so every dot product boxed its vector and
     * made a call (a tenth of a small model's decode step).
     */
    public static float sum(FloatVector v) {
        if (v.species() != S || L > 16) return sumOther(v);
        FloatVector x = v;
        if (L == 16) x = x.add(x.rearrange(BY_8));
        if (L >= 8) x = x.add(x.rearrange(BY_4));
        if (L >= 4) x = x.add(x.rearrange(BY_2));
        if (L >= 2) x = x.add(x.rearrange(BY_1));
        return x.lane(0);
    }

    /** The same fold order for vectors of another species (rare: tails of half-width kernels), or wider than 16 lanes. */
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
