package dev.fastdraft.pipeline.prepare;

/**
 * Which documents are held out for validation: those whose index hashes below the fraction. Depends on the
 * index alone, so the split is the same for every thread count and every run, and a document's side does not
 * change when documents after it are added.
 */
public final class ValSplit {
    private ValSplit() {}

    public static boolean isValidation(long documentIndex, double fraction) {
        return unit(documentIndex) < fraction;
    }

    /** A uniform number in [0, 1) from the index (SplitMix64's finaliser, a bijection with full avalanche). */
    static double unit(long index) {
        long z = index + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z = z ^ (z >>> 31);
        return (z >>> 11) * 0x1.0p-53;
    }
}
