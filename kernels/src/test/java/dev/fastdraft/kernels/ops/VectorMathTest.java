package dev.fastdraft.kernels.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

class VectorMathTest {
    private static float lane0(FloatVector v) {
        return v.lane(0);
    }

    private static FloatVector of(float x) {
        return FloatVector.broadcast(Simd.S, x);
    }

    /** 2 ulp of the float result over the normal range, in a dense sweep. */
    @Test
    void expWithinTwoUlpOnNormalResults() {
        float[] xs = new float[Simd.L];
        double worst = 0;
        for (float x = -87f; x < 88.7f; x += 0.00731f) {
            for (int j = 0; j < xs.length; j++) xs[j] = x + j * 1e-4f;
            FloatVector v = VectorMath.exp(FloatVector.fromArray(Simd.S, xs, 0));
            for (int j = 0; j < xs.length; j++) {
                double exact = Math.exp(xs[j]);
                if (exact > Float.MAX_VALUE) continue;
                double ulps = Math.abs(v.lane(j) - exact) / Math.ulp((float) exact);
                worst = Math.max(worst, ulps);
                assertEquals(VectorMath.exp(xs[j]), v.lane(j), 0f, "scalar twin at " + xs[j]);
            }
        }
        assertTrue(worst <= 2.0, "worst exp error " + worst + " ulp");
    }

    @Test
    void expSpecialValues() {
        assertEquals(0f, lane0(VectorMath.exp(of(Float.NEGATIVE_INFINITY))));
        assertEquals(0f, lane0(VectorMath.exp(of(-200f))));
        assertEquals(Float.POSITIVE_INFINITY, lane0(VectorMath.exp(of(Float.POSITIVE_INFINITY))));
        assertEquals(Float.POSITIVE_INFINITY, lane0(VectorMath.exp(of(89f))));
        assertTrue(Float.isNaN(lane0(VectorMath.exp(of(Float.NaN)))));
        assertEquals(1f, lane0(VectorMath.exp(of(0f))));
        // Subnormal results are kept down to about 1e-45 (relative error grows as precision runs out).
        assertEquals(Math.exp(-100), lane0(VectorMath.exp(of(-100f))), 1e-45);
    }

    /** The fitted erfc: relative error below 1e-6 on [0, 9] (results down to 4e-37). */
    @Test
    void erfcRelativeErrorBelowOneInAMillion() {
        double worst = 0;
        for (float z = 0f; z < 9f; z += 0.000917f) {
            double exact = ActivationsReference.erfc(z);
            float got = lane0(VectorMath.erfc(of(z)));
            worst = Math.max(worst, Math.abs(got - exact) / exact);
            assertEquals(VectorMath.erfc(z), got, Math.ulp(got), "scalar twin at " + z);
        }
        assertTrue(worst < 1e-6, "worst erfc relative error " + worst);
        assertEquals(0f, lane0(VectorMath.erfc(of(Float.POSITIVE_INFINITY))));
        assertEquals(0f, lane0(VectorMath.erfc(of(30f))));
    }

    @Test
    void referenceErfAgreesWithKnownValues() {
        // Values from tables of the error function (15 digits).
        assertEquals(0.520499877813047, ActivationsReference.erf(0.5), 1e-15);
        assertEquals(0.999977909503001, ActivationsReference.erf(3.0), 1e-15);
        assertEquals(1.53745979442803e-12, ActivationsReference.erfc(5.0), 1e-25);
        assertEquals(-0.842700792949715, ActivationsReference.erf(-1.0), 1e-15);
    }

    @Test
    void sigmoidEnds() {
        assertEquals(0f, lane0(VectorMath.sigmoid(of(Float.NEGATIVE_INFINITY))));
        assertEquals(1f, lane0(VectorMath.sigmoid(of(Float.POSITIVE_INFINITY))));
        assertEquals(0.5f, lane0(VectorMath.sigmoid(of(0f))));
    }
}
