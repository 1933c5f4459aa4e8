package dev.fastdraft.autograd;

import dev.fastdraft.engine.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/** Elementwise ops on same-shaped Vars, with their gradients. */
public final class Elementwise {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;

    private Elementwise() {}

    public static Var add(Var a, Var b) {
        sameShape("add", a, b);
        Tensor out = a.value().contiguousF32();
        Tensor o = Tensor.zeros(a.shape());
        o.copyFrom(out);
        addInPlace(o, b.value().contiguousF32());
        return Tape.output(o, g -> {
            if (a.requiresGrad()) Views.addInto(a.gradBuffer(), g);
            if (b.requiresGrad()) Views.addInto(b.gradBuffer(), g);
        }, a, b);
    }

    public static Var mul(Var a, Var b) {
        sameShape("mul", a, b);
        Tensor x = a.value().contiguousF32(), y = b.value().contiguousF32();
        Tensor o = Tensor.zeros(a.shape());
        long n = o.numel();
        MemorySegment xs = x.segment(), ys = y.segment(), os = o.segment();
        for (long i = 0; i < n; i++) os.setAtIndex(F, i, xs.getAtIndex(F, x.offset() + i) * ys.getAtIndex(F, y.offset() + i));
        return Tape.output(o, g -> {
            Tensor gc = g.contiguousF32();
            if (a.requiresGrad()) accumulateProduct(a.gradBuffer(), gc, y);
            if (b.requiresGrad()) accumulateProduct(b.gradBuffer(), gc, x);
        }, a, b);
    }

    public static Var scale(Var a, float alpha) {
        Tensor x = a.value().contiguousF32();
        Tensor o = Tensor.zeros(a.shape());
        MemorySegment xs = x.segment(), os = o.segment();
        for (long i = 0, n = o.numel(); i < n; i++) os.setAtIndex(F, i, xs.getAtIndex(F, x.offset() + i) * alpha);
        return Tape.output(o, g -> {
            Tensor gc = g.contiguousF32();
            Tensor d = Tensor.zeros(a.shape());
            MemorySegment gs = gc.segment(), ds = d.segment();
            for (long i = 0, n = d.numel(); i < n; i++) ds.setAtIndex(F, i, gs.getAtIndex(F, gc.offset() + i) * alpha);
            a.accumulateGrad(d);
        }, a);
    }

    /** Sum of all elements, as a one-element Var (accumulated in double). */
    public static Var sum(Var a) {
        Tensor x = a.value().contiguousF32();
        double s = 0;
        for (long i = 0, n = x.numel(); i < n; i++) s += x.segment().getAtIndex(F, x.offset() + i);
        Tensor o = Tensor.of(new float[] {(float) s}, 1);
        int[] shape = a.shape();
        return Tape.output(o, g -> {
            Tensor full = Tensor.zeros(shape);
            full.fill(g.get(0));
            Views.addInto(a.gradBuffer(), full);
        }, a);
    }

    /** dst += src, both contiguous F32 with the same number of elements. */
    static void addInPlace(Tensor dst, Tensor src) {
        MemorySegment d = dst.segment(), s = src.segment();
        long n = dst.numel();
        for (long i = 0; i < n; i++) d.setAtIndex(F, dst.offset() + i, d.getAtIndex(F, dst.offset() + i) + s.getAtIndex(F, src.offset() + i));
    }

    /** dst += g * other */
    private static void accumulateProduct(Tensor dst, Tensor g, Tensor other) {
        MemorySegment d = dst.segment(), gs = g.segment(), os = other.segment();
        for (long i = 0, n = dst.numel(); i < n; i++) {
            d.setAtIndex(F, dst.offset() + i, d.getAtIndex(F, dst.offset() + i) + gs.getAtIndex(F, g.offset() + i) * os.getAtIndex(F, other.offset() + i));
        }
    }

    static void sameShape(String op, Var a, Var b) {
        if (!Arrays.equals(a.shape(), b.shape())) throw new IllegalArgumentException(op + ": shapes " + Arrays.toString(a.shape()) + " and " + Arrays.toString(b.shape()) + " differ");
    }
}
