package dev.fastdraft.kernels.gemm;

import static dev.fastdraft.kernels.gemm.SgemmMicroKernel.COLS;
import static dev.fastdraft.kernels.gemm.SgemmMicroKernel.KC;
import static dev.fastdraft.kernels.gemm.SgemmMicroKernel.ROWS;
import static dev.fastdraft.kernels.gemm.SgemmPacking.ceilDiv;

import dev.fastdraft.kernels.WorkerPool;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.function.IntConsumer;

/** The blocked, packed SGEMM for problems large enough to repay packing (arguments already checked). */
final class SgemmPacked {
    /**
     * mcMax: rows of op(A) packed at once; nc: columns of one packed B block; mcInner: rows walked
     * against one B micro-panel before moving to the next one. The depth of a block is KC.
     */
    record Blocking(int mcMax, int nc, int mcInner) {}

    /** Each B micro-panel against a group of 8 A micro-panels (32 rows on AVX2): the AVX2 tile's order. */
    static final Blocking B_PANEL_OUTER = new Blocking(4096, 1024, 32);
    /**
     * Each A micro-panel against every B micro-panel of a 256-column block (512 KiB at KC = 512, held in
     * L2): the AVX-512 tile's order, 3-7% faster on one thread of an AVX-512 Xeon than the other, as
     * shared/ANCHORS.md found on the target kind of machine (kernels/README.md).
     * On AVX2 the 4-row tile reads twice the B bytes per multiply-add, and this order lost.
     */
    static final Blocking A_PANEL_OUTER = new Blocking(4096, 256, ROWS);
    static final Blocking DEFAULT = ROWS == 8 ? A_PANEL_OUTER : B_PANEL_OUTER;

    /** Tasks per thread in each parallel step (see {@code run}). */
    private static final int TASKS_PER_THREAD = 4;

    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;

    private SgemmPacked() {}

    static void run(WorkerPool pool, int threads, Blocking blk, boolean transA, boolean transB, int m, int n, int k,
                    MemorySegment a, long aOff, int lda, MemorySegment b, long bOff, int ldb,
                    MemorySegment c, long cOff, int ldc, boolean accumulate) {
        SgemmBuffers caller = SgemmBuffers.ofThisThread();
        int panelsN = ceilDiv(n, COLS);
        // Several tasks per thread, claimed as threads come free: a vCPU whose host core is busy
        // elsewhere runs at half speed for seconds at a time, and with one equal share per thread the
        // whole call waited for it (two threads measured no faster than one). Columns are split first:
        // each task packs only its own part of B, and all share the packed A.
        int wanted = threads == 1 ? 1 : threads * TASKS_PER_THREAD;
        int colTasks = Math.min(wanted, panelsN);
        for (int ic = 0; ic < m; ic += blk.mcMax()) {
            int mc = Math.min(blk.mcMax(), m - ic);
            int panelsM = ceilDiv(mc, ROWS);
            int rowTasks = Math.min(panelsM, ceilDiv(wanted, colTasks));
            // equal blocks of at most KC: k = 600 runs as 300 + 300, not 512 + 88
            int depth = ceilDiv(k, ceilDiv(k, KC));
            for (int pc = 0; pc < k; pc += depth) {
                int kc = Math.min(depth, k - pc);
                boolean add = accumulate || pc > 0;
                float[] ap = caller.packedA(SgemmPacking.packedASize(mc));
                int fic = ic, fpc = pc;
                int packTasks = Math.min(wanted, panelsM);
                forEach(pool, packTasks, t -> SgemmPacking.packA(a, aOff, lda, transA, fic, mc, fpc, kc, ap,
                        split(panelsM, packTasks, t), split(panelsM, packTasks, t + 1),
                        SgemmBuffers.ofThisThread().stage(SgemmPacking.stageSize(kc))));
                forEach(pool, colTasks * rowTasks, t -> {
                    int cg = t / rowTasks, r = t % rowTasks;
                    int p0 = split(panelsM, rowTasks, r), p1 = split(panelsM, rowTasks, r + 1);
                    int j0 = split(panelsN, colTasks, cg) * COLS, j1 = Math.min(n, split(panelsN, colTasks, cg + 1) * COLS);
                    columns(blk, transB, b, bOff, ldb, fpc, kc, j0, j1, ap, fic, mc, p0, p1, c, cOff, ldc, add);
                });
            }
        }
    }

    private static void forEach(WorkerPool pool, int tasks, IntConsumer body) {
        if (tasks == 1 || pool == null) {
            for (int t = 0; t < tasks; t++) body.accept(t);
        } else {
            pool.parallelFor(tasks, body);
        }
    }

    private static int split(int total, int parts, int index) {
        return (int) ((long) total * index / parts);
    }

    /** Columns [j0, j1) of C for the A micro-panels [p0, p1) of the packed block (rows from ic). */
    private static void columns(Blocking blk, boolean transB, MemorySegment b, long bOff, int ldb, int pc, int kc,
                                int j0, int j1, float[] ap, int ic, int mc, int p0, int p1,
                                MemorySegment c, long cOff, int ldc, boolean add) {
        SgemmBuffers mine = SgemmBuffers.ofThisThread();
        long ldcBytes = (long) ldc * Float.BYTES;
        int inner = Math.max(1, blk.mcInner() / ROWS);
        for (int jc = j0; jc < j1; jc += blk.nc()) {
            int nc = Math.min(blk.nc(), j1 - jc);
            int panels = ceilDiv(nc, COLS);
            float[] bp = mine.packedB(SgemmPacking.packedBSize(kc, nc));
            SgemmPacking.packB(b, bOff, ldb, transB, pc, kc, jc, nc, bp, 0, panels, mine.stage(SgemmPacking.stageSize(kc)));
            for (int ib = p0; ib < p1; ib += inner) {
                int ie = Math.min(p1, ib + inner);
                for (int jr = 0; jr < panels; jr++) {
                    int col = jc + jr * COLS;
                    int w = Math.min(COLS, nc - jr * COLS);
                    for (int ir = ib; ir < ie; ir++) {
                        tile(kc, ap, ir, bp, jr, ic + ir * ROWS, Math.min(ROWS, mc - ir * ROWS), col, w,
                                c, cOff, ldc, ldcBytes, add, mine.tile);
                    }
                }
            }
        }
    }

    private static void tile(int kc, float[] ap, int ir, float[] bp, int jr, int row, int h, int col, int w,
                             MemorySegment c, long cOff, int ldc, long ldcBytes, boolean add, float[] buf) {
        int ai = ir * ROWS * KC;
        int bi = jr * COLS * kc;
        if (h == ROWS && w == COLS) {
            long pos = (cOff + (long) row * ldc + col) * Float.BYTES;
            SgemmMicroKernel.fullTile(kc, ap, ai, bp, bi, buf, c, pos, ldcBytes, add);
            return;
        }
        SgemmMicroKernel.toBuffer(kc, ap, ai, bp, bi, buf);
        for (int i = 0; i < h; i++) {
            long base = cOff + (long) (row + i) * ldc + col;
            for (int j = 0; j < w; j++) {
                float v = buf[SgemmMicroKernel.TILE_AT + i * COLS + j];
                c.setAtIndex(F, base + j, add ? c.getAtIndex(F, base + j) + v : v);
            }
        }
    }
}
