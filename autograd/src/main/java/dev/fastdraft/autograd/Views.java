package dev.fastdraft.autograd;

import dev.fastdraft.engine.Tensor;

/** Shape ops on Vars: the forward is a view (no copy) where possible; gradients flow back through the same view. */
public final class Views {
    private Views() {}

    public static Var reshape(Var x, int... shape) {
        Tensor out = x.value().contiguousF32().reshape(shape);
        int[] in = x.shape();
        return Tape.output(out, g -> addInto(x.gradBuffer(), g.contiguousF32().reshape(in)), x);
    }

    public static Var transpose(Var x, int d0, int d1) {
        Tensor out = x.value().transpose(d0, d1);
        return Tape.output(out, g -> addInto(x.gradBuffer(), g.transpose(d0, d1)), x);
    }

    /** Elements [start, start+length) along {@code dim}. */
    public static Var narrow(Var x, int dim, int start, int length) {
        Tensor out = x.value().narrow(dim, start, length);
        return Tape.output(out, g -> addInto(x.gradBuffer().narrow(dim, start, length), g), x);
    }

    /** Concatenation along {@code dim}; all other dimensions must agree. */
    public static Var concat(int dim, Var... parts) {
        int[] shape = parts[0].shape();
        int d = dim < 0 ? dim + shape.length : dim;
        int total = 0;
        for (Var p : parts) {
            int[] s = p.shape();
            if (s.length != shape.length) throw new IllegalArgumentException("concat: rank mismatch " + java.util.Arrays.toString(s) + " vs " + java.util.Arrays.toString(shape));
            for (int i = 0; i < s.length; i++) {
                if (i != d && s[i] != shape[i]) throw new IllegalArgumentException("concat: shapes " + java.util.Arrays.toString(s) + " and " + java.util.Arrays.toString(shape) + " differ outside dim " + d);
            }
            total += s[d];
        }
        shape[d] = total;
        Tensor out = Tensor.zeros(shape);
        int at = 0;
        for (Var p : parts) {
            out.narrow(d, at, p.dim(d)).copyFrom(p.value());
            at += p.dim(d);
        }
        return Tape.output(out, g -> {
            int pos = 0;
            for (Var p : parts) {
                if (p.requiresGrad()) addInto(p.gradBuffer(), g.narrow(d, pos, p.dim(d)));
                pos += p.dim(d);
            }
        }, parts);
    }

    /** dst += src, elementwise over any strides. */
    static void addInto(Tensor dst, Tensor src) {
        if (dst.isContiguous() && src.isContiguous()) {
            Elementwise.addInPlace(dst, src);
            return;
        }
        float[] a = dst.toFloatArray(), b = src.toFloatArray();
        for (int i = 0; i < a.length; i++) a[i] += b[i];
        dst.copyFrom(Tensor.of(a, dst.shape()));
    }
}
