package dev.fastdraft.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

class LanesTest {
    /** Same bits as the scalar fold, cold (interpreted) and hot (after C2 compiled the loop). */
    @Test
    void foldOrderIsFixedAcrossJitTiers() {
        int l = FloatVector.SPECIES_PREFERRED.length();
        SplittableRandom r = new SplittableRandom(1);
        float[][] cases = new float[64][l];
        for (float[] c : cases) for (int i = 0; i < l; i++) c[i] = (float) (r.nextGaussian() * Math.pow(10, r.nextInt(-3, 4)));
        int[] cold = new int[cases.length];
        for (int k = 0; k < cases.length; k++) cold[k] = Float.floatToRawIntBits(Lanes.sum(FloatVector.fromArray(FloatVector.SPECIES_PREFERRED, cases[k], 0)));
        float sink = 0;
        for (int rep = 0; rep < 200_000; rep++) sink += Lanes.sum(FloatVector.fromArray(FloatVector.SPECIES_PREFERRED, cases[rep & 63], 0));
        for (int k = 0; k < cases.length; k++) {
            float hot = Lanes.sum(FloatVector.fromArray(FloatVector.SPECIES_PREFERRED, cases[k], 0));
            assertEquals(Float.floatToRawIntBits(Lanes.sumReference(cases[k])), cold[k], "cold, case " + k);
            assertEquals(Float.floatToRawIntBits(Lanes.sumReference(cases[k])), Float.floatToRawIntBits(hot), "hot, case " + k + " " + sink);
        }
    }
}
