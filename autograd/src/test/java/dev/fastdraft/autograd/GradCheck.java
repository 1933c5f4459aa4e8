package dev.fastdraft.autograd;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastdraft.engine.Tensor;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

/**
 * Central finite differences against the tape's gradients. The scalar probed is sum(f(inputs) * R) for a
 * fixed random R, so every output element contributes with a distinct weight.
 */
final class GradCheck {
    private GradCheck() {}

    static Tensor random(Random rnd, float scale, int... shape) {
        Tensor t = Tensor.zeros(shape);
        float[] v = new float[(int) t.numel()];
        for (int i = 0; i < v.length; i++) v[i] = (float) (rnd.nextGaussian() * scale);
        return Tensor.of(v, shape);
    }

    /** Checks d sum(f*R)/d input for every element of every input; eps in input units, tol relative to max |grad|. */
    static void check(String what, List<Var> inputs, Function<List<Var>, Var> f, double eps, double tol) {
        Random rnd = new Random(7);
        Var probeOut;
        Tensor weights;
        try (Tape tape = Tape.record()) {
            probeOut = f.apply(inputs);
            weights = random(rnd, 1f, probeOut.shape());
            Var loss = Elementwise.sum(Elementwise.mul(probeOut, Var.constant(weights)));
            tape.backward(loss);
        }
        for (int k = 0; k < inputs.size(); k++) {
            Var in = inputs.get(k);
            if (!in.requiresGrad()) continue;
            float[] analytic = in.grad() == null ? new float[(int) in.value().numel()] : in.grad().toFloatArray();
            Tensor x = in.value();
            float[] base = x.toFloatArray();
            double maxAbs = 1e-6;
            for (float a : analytic) maxAbs = Math.max(maxAbs, Math.abs(a));
            for (int i = 0; i < base.length; i++) {
                double plus = probe(inputs, f, weights, x, base, i, base[i] + eps);
                double minus = probe(inputs, f, weights, x, base, i, base[i] - eps);
                x.copyFrom(Tensor.of(base.clone(), x.shape()));
                double numeric = (plus - minus) / (2 * eps);
                double err = Math.abs(numeric - analytic[i]) / maxAbs;
                assertTrue(err <= tol, what + ": input " + k + " element " + i + " analytic " + analytic[i] + " numeric " + numeric + " (rel err " + err + ")");
            }
            in.zeroGrad();
        }
    }

    private static double probe(List<Var> inputs, Function<List<Var>, Var> f, Tensor weights, Tensor x, float[] base, int i, double value) {
        float[] v = base.clone();
        v[i] = (float) value;
        x.copyFrom(Tensor.of(v, x.shape()));
        float[] out = f.apply(inputs).value().toFloatArray();
        float[] w = weights.toFloatArray();
        double s = 0;
        for (int j = 0; j < out.length; j++) s += (double) out[j] * w[j];
        return s;
    }
}
