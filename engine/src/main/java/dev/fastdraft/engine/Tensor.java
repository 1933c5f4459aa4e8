package dev.fastdraft.engine;

import dev.fastdraft.kernels.convert.HalfFloats;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * An n-dimensional view over a {@link MemorySegment}: dtype, shape, strides and offset in elements.
 *
 * <p>Views (reshape, transpose, narrow, select) share storage and never copy. Storage is either a heap
 * {@code float[]} (activations, gradients: cheap to allocate, collected by the GC), off-heap memory
 * (native backends can use it as is), or a memory-mapped file region (weights, opened without a copy).
 * Every view is checked against its segment when made, and segment accesses are bounds-checked by the
 * FFM API, so a bad index raises an exception, never a crash.
 */
public final class Tensor {
    static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;
    static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED;

    private final DType dtype;
    private final MemorySegment data;
    private final long offset;
    private final int[] shape;
    private final long[] strides;

    private Tensor(DType dtype, MemorySegment data, long offset, int[] shape, long[] strides) {
        this.dtype = dtype;
        this.data = data;
        this.offset = offset;
        this.shape = shape;
        this.strides = strides;
    }

    // ---- creation ----

    /** A new zero-filled F32 tensor on the heap. */
    public static Tensor zeros(int... shape) {
        int[] s = Shape.checked("zeros", shape);
        long n = Shape.numel(s);
        if (n > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("zeros: shape " + Shape.str(s) + " has " + n + " elements, more than a heap array holds; use allocate() off-heap");
        return new Tensor(DType.F32, MemorySegment.ofArray(new float[(int) n]), 0, s, Shape.contiguousStrides(s));
    }

    /** Wraps {@code values} (no copy) as an F32 tensor of the given shape. */
    public static Tensor of(float[] values, int... shape) {
        int[] s = Shape.checked("of", shape);
        if (Shape.numel(s) != values.length) throw new IllegalArgumentException("of: " + values.length + " values do not fill shape " + Shape.str(s));
        return new Tensor(DType.F32, MemorySegment.ofArray(values), 0, s, Shape.contiguousStrides(s));
    }

    /** A new zero-filled tensor in off-heap memory owned by {@code arena}. */
    public static Tensor allocate(Arena arena, DType dtype, int... shape) {
        int[] s = Shape.checked("allocate", shape);
        MemorySegment seg = arena.allocate(Shape.numel(s) * dtype.byteSize(), 64);
        return new Tensor(dtype, seg, 0, s, Shape.contiguousStrides(s));
    }

    /** A contiguous tensor over existing memory (e.g. a mapped file), starting {@code byteOffset} bytes in. */
    public static Tensor wrap(DType dtype, MemorySegment segment, long byteOffset, int... shape) {
        int[] s = Shape.checked("wrap", shape);
        if (byteOffset % dtype.byteSize() != 0) {
            // element offsets must be whole elements: view the segment from the byte offset instead
            segment = segment.asSlice(byteOffset);
            byteOffset = 0;
        }
        Tensor t = new Tensor(dtype, segment, byteOffset / dtype.byteSize(), s, Shape.contiguousStrides(s));
        t.checkInside("wrap");
        return t;
    }

    // ---- accessors ----

    public DType dtype() { return dtype; }
    public MemorySegment segment() { return data; }
    /** Offset of element [0,...,0] in elements of this tensor's dtype. */
    public long offset() { return offset; }
    public int rank() { return shape.length; }
    public int[] shape() { return shape.clone(); }
    public int dim(int d) { return shape[axis("dim", d)]; }
    public long stride(int d) { return strides[axis("stride", d)]; }
    public long numel() { return Shape.numel(shape); }
    public long byteSize() { return numel() * dtype.byteSize(); }

    public boolean isContiguous() {
        long expect = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            if (shape[i] != 1 && strides[i] != expect) return false;
            expect *= shape[i];
        }
        return true;
    }

    /** For a 2-D view whose rows are contiguous: the distance between rows in elements (a BLAS leading dimension). */
    public int rowStride(String op) {
        if (shape.length != 2) throw new IllegalArgumentException(op + ": expected a 2-D tensor, got shape " + Shape.str(shape));
        if (shape[1] > 1 && strides[1] != 1) throw new IllegalArgumentException(op + ": rows of the view " + this + " are not contiguous; call contiguous() first");
        long ld = shape[0] <= 1 ? Math.max(1, shape[1]) : strides[0];
        if (ld < shape[1] || ld > Integer.MAX_VALUE) throw new IllegalArgumentException(op + ": unsupported row stride " + ld + " for " + this);
        return (int) ld;
    }

    // ---- views ----

    /** Same data, new shape; one dimension may be -1. Needs a contiguous tensor. */
    public Tensor reshape(int... newShape) {
        int[] s = newShape.clone();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < s.length; i++) {
            if (s[i] == -1) {
                if (infer >= 0) throw new IllegalArgumentException("reshape: more than one -1 in " + Shape.str(newShape));
                infer = i;
            } else if (s[i] < 0) {
                throw new IllegalArgumentException("reshape: bad size " + s[i] + " in " + Shape.str(newShape));
            } else {
                known *= s[i];
            }
        }
        if (infer >= 0) {
            if (known == 0 || numel() % known != 0) throw new IllegalArgumentException("reshape: cannot infer -1 reshaping " + Shape.str(shape) + " to " + Shape.str(newShape));
            s[infer] = (int) (numel() / known);
        }
        if (Shape.numel(s) != numel()) throw new IllegalArgumentException("reshape: " + Shape.str(shape) + " (" + numel() + " elements) cannot become " + Shape.str(newShape));
        if (!isContiguous()) throw new IllegalArgumentException("reshape: view " + this + " is not contiguous; call contiguous() first");
        return new Tensor(dtype, data, offset, s, Shape.contiguousStrides(s));
    }

    public Tensor transpose(int d0, int d1) {
        d0 = axis("transpose", d0);
        d1 = axis("transpose", d1);
        int[] s = shape.clone();
        long[] st = strides.clone();
        s[d0] = shape[d1]; s[d1] = shape[d0];
        st[d0] = strides[d1]; st[d1] = strides[d0];
        return new Tensor(dtype, data, offset, s, st);
    }

    /** Elements [start, start+length) along {@code dim}. */
    public Tensor narrow(int dim, int start, int length) {
        dim = axis("narrow", dim);
        if (start < 0 || length < 0 || (long) start + length > shape[dim]) {
            throw new IndexOutOfBoundsException("narrow: range [" + start + ", " + ((long) start + length) + ") outside dim " + dim + " of size " + shape[dim] + " in shape " + Shape.str(shape));
        }
        int[] s = shape.clone();
        s[dim] = length;
        return new Tensor(dtype, data, offset + start * strides[dim], s, strides.clone());
    }

    /** Elements [start, end) along {@code dim}. */
    public Tensor slice(int dim, int start, int end) {
        return narrow(dim, start, end - start);
    }

    /** The sub-tensor at {@code index} along {@code dim}, with that dimension removed. */
    public Tensor select(int dim, int index) {
        dim = axis("select", dim);
        if (index < 0 || index >= shape[dim]) throw new IndexOutOfBoundsException("select: index " + index + " outside dim " + dim + " of size " + shape[dim] + " in shape " + Shape.str(shape));
        int[] s = new int[shape.length - 1];
        long[] st = new long[shape.length - 1];
        for (int i = 0, j = 0; i < shape.length; i++) {
            if (i == dim) continue;
            s[j] = shape[i];
            st[j++] = strides[i];
        }
        return new Tensor(dtype, data, offset + index * strides[dim], s, st);
    }

    // ---- element access (bounds-checked; for tests, I/O and small work, not inner loops) ----

    public float get(int... index) {
        return read(flatIndex("get", index));
    }

    public void set(float value, int... index) {
        write(flatIndex("set", index), value);
    }

    private long flatIndex(String op, int[] index) {
        if (index.length != shape.length) throw new IllegalArgumentException(op + ": " + index.length + " indices for shape " + Shape.str(shape));
        long e = offset;
        for (int i = 0; i < index.length; i++) {
            if (index[i] < 0 || index[i] >= shape[i]) throw new IndexOutOfBoundsException(op + ": index " + Arrays.toString(index) + " outside shape " + Shape.str(shape) + " at dim " + i);
            e += index[i] * strides[i];
        }
        return e;
    }

    private float read(long element) {
        return switch (dtype) {
            case F32 -> data.getAtIndex(F32, element);
            case BF16 -> Float.intBitsToFloat(data.getAtIndex(I16, element) << 16);
            case F16 -> Float.float16ToFloat(data.getAtIndex(I16, element));
        };
    }

    private void write(long element, float v) {
        switch (dtype) {
            case F32 -> data.setAtIndex(F32, element, v);
            case BF16 -> data.setAtIndex(I16, element, HalfFloats.floatToBf16(v));
            case F16 -> data.setAtIndex(I16, element, Float.floatToFloat16(v));
        }
    }

    /** Calls {@code visit} with the element index (in storage) of every element, in row-major order. */
    private void forEachElement(ElementVisitor visit) {
        int r = shape.length;
        if (numel() == 0) return;
        if (r == 0) { visit.at(0, offset); return; }
        int[] idx = new int[r];
        long n = numel();
        long e = offset;
        for (long i = 0; i < n; i++) {
            visit.at(i, e);
            for (int d = r - 1; d >= 0; d--) {
                if (++idx[d] < shape[d]) { e += strides[d]; break; }
                e -= (long) (shape[d] - 1) * strides[d];
                idx[d] = 0;
            }
        }
    }

    @FunctionalInterface
    private interface ElementVisitor {
        void at(long flat, long element);
    }

    /** A new contiguous F32 heap copy of the values (converting BF16/F16). */
    public float[] toFloatArray() {
        long n = numel();
        if (n > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("toFloatArray: " + n + " elements do not fit a Java array");
        float[] out = new float[(int) n];
        if (dtype == DType.F32 && isContiguous()) {
            MemorySegment.copy(data, F32, offset * 4, out, 0, (int) n);
            return out;
        }
        forEachElement((flat, e) -> out[(int) flat] = read(e));
        return out;
    }

    /** This tensor if it is contiguous F32, else a contiguous F32 heap copy. */
    public Tensor contiguousF32() {
        if (dtype == DType.F32 && isContiguous()) return this;
        return of(toFloatArray(), shape);
    }

    /** A contiguous copy in {@code target} dtype on the heap (F32) or in {@code arena} (any dtype). */
    public Tensor to(DType target, Arena arena) {
        Tensor out = allocate(arena, target, shape);
        out.copyFrom(this);
        return out;
    }

    /** Copies {@code src} into this tensor element by element, converting dtypes; shapes must match. */
    public void copyFrom(Tensor src) {
        if (!Arrays.equals(shape, src.shape)) throw new IllegalArgumentException("copyFrom: shape " + Shape.str(src.shape) + " into " + Shape.str(shape));
        if (dtype == src.dtype && isContiguous() && src.isContiguous()) {
            MemorySegment.copy(src.data, src.offset * dtype.byteSize(), data, offset * dtype.byteSize(), byteSize());
            return;
        }
        float[] values = src.toFloatArray();
        forEachElement((flat, e) -> write(e, values[(int) flat]));
    }

    public void fill(float v) {
        forEachElement((flat, e) -> write(e, v));
    }

    private int axis(String op, int d) {
        int a = d < 0 ? d + shape.length : d;
        if (a < 0 || a >= shape.length) throw new IndexOutOfBoundsException(op + ": dimension " + d + " out of range for shape " + Shape.str(shape));
        return a;
    }

    private void checkInside(String op) {
        if (numel() == 0) return;
        long last = offset;
        for (int i = 0; i < shape.length; i++) last += (long) (shape[i] - 1) * strides[i];
        long endByte = (last + 1) * dtype.byteSize();
        if (offset < 0 || endByte > data.byteSize()) {
            throw new IndexOutOfBoundsException(op + ": " + dtype + " shape " + Shape.str(shape) + " at element offset " + offset + " needs " + endByte + " bytes, segment has " + data.byteSize());
        }
    }

    @Override
    public String toString() {
        return "Tensor(" + dtype + " " + Shape.str(shape) + (isContiguous() ? "" : " strides " + Arrays.toString(strides)) + ")";
    }
}
