package dev.fastdraft.kernels.ops;

import java.lang.foreign.MemorySegment;

/**
 * Rotary-embedding cos/sin tables, each [maxPositions x halfDim] row-major: entry (p, i) is
 * cos/sin of the angle p * invFreq[i], already multiplied by any attention scaling factor.
 * The caller builds invFreq for its scaling scheme (default, llama3, longrope, ...).
 */
public record RopeTable(int maxPositions, int halfDim, MemorySegment cos, MemorySegment sin) {
    public RopeTable {
        if (maxPositions < 1 || halfDim < 1) throw OpChecks.fail("RopeTable",
                "need maxPositions >= 1 and halfDim >= 1, got " + maxPositions + " x " + halfDim);
        OpChecks.vector("RopeTable", "cos", cos, 0, (long) maxPositions * halfDim);
        OpChecks.vector("RopeTable", "sin", sin, 0, (long) maxPositions * halfDim);
    }

    /**
     * Tables as Hugging Face computes them: the angle is the float32 product invFreq[i] * p (as its
     * float32 matmul does, which matters at large p), cos/sin are taken of that float, and both
     * are multiplied by {@code attentionScaling} (1 for default RoPE; longrope's and yarn's mscale).
     */
    public static RopeTable fromInvFreq(float[] invFreq, int maxPositions, float attentionScaling) {
        if (invFreq == null || invFreq.length == 0) throw OpChecks.fail("RopeTable.fromInvFreq", "invFreq must be non-empty");
        int half = invFreq.length;
        float[] c = new float[Math.multiplyExact(maxPositions, half)];
        float[] s = new float[c.length];
        for (int p = 0; p < maxPositions; p++) {
            for (int i = 0; i < half; i++) {
                float angle = invFreq[i] * (float) p;
                c[p * half + i] = (float) Math.cos(angle) * attentionScaling;
                s[p * half + i] = (float) Math.sin(angle) * attentionScaling;
            }
        }
        return new RopeTable(maxPositions, half, MemorySegment.ofArray(c), MemorySegment.ofArray(s));
    }

    /** Default (unscaled) inverse frequencies theta^(-2i/rotaryDim), computed in float32 like HF. */
    public static float[] defaultInvFreq(int rotaryDim, double theta) {
        if (rotaryDim < 2 || rotaryDim % 2 != 0) throw OpChecks.fail("RopeTable.defaultInvFreq",
                "rotaryDim must be even and >= 2, got " + rotaryDim);
        float[] f = new float[rotaryDim / 2];
        for (int i = 0; i < f.length; i++) {
            float exponent = (float) (2 * i) / (float) rotaryDim;
            f[i] = 1f / (float) Math.pow(theta, exponent);
        }
        return f;
    }
}
