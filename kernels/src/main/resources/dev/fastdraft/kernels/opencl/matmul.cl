// Matmul kernels for the device backends (OpenCL and Level Zero run the same code).
// OpenCL C 1.2, no extensions: compiled to SPIR-V for Level Zero and OpenCL 2.1+ drivers, to SPIR 1.2
// bitcode for drivers that take cl_khr_spir (PoCL 3.1), and built from this source as a last resort.
// Every operand arrives already offset by the host, so kernels index from 0.

// ---- SGEMM: C[m x n] = A[m x k] . B[k x n] (+ C when accumulate) ----
// A(i,p) = a[i*a_rs + p*a_cs] and B(p,j) = b[p*b_rs + j*b_cs]: transposed operands are just other
// strides, so A.B, A.B^T and A^T.B share one kernel and nothing is copied to transpose.
// A work group computes a TILE_M x TILE_N block of C; each work item a WORK_M x WORK_N register block,
// its rows and columns interleaved by the local size so neighbouring items touch neighbouring columns.
#define TILE_M 32
#define TILE_N 32
#define TILE_K 16
#define LOCAL_X 8
#define LOCAL_Y 8
#define WORK_M (TILE_M / LOCAL_Y)
#define WORK_N (TILE_N / LOCAL_X)

__kernel __attribute__((reqd_work_group_size(LOCAL_X, LOCAL_Y, 1)))
void sgemm_tiled(const int m, const int n, const int k,
                 __global const float *a, const int a_rs, const int a_cs,
                 __global const float *b, const int b_rs, const int b_cs,
                 __global float *c, const int ldc, const int accumulate)
{
    // k-major tiles: the inner loop reads a contiguous run of each. The +1 pad breaks bank conflicts
    // between the column-wise stores into a_tile.
    __local float a_tile[TILE_K][TILE_M + 1];
    __local float b_tile[TILE_K][TILE_N];

    const int lx = get_local_id(0);
    const int ly = get_local_id(1);
    const int lid = ly * LOCAL_X + lx;
    const int row0 = get_group_id(1) * TILE_M;
    const int col0 = get_group_id(0) * TILE_N;

    float acc[WORK_M][WORK_N];
    for (int i = 0; i < WORK_M; i++)
        for (int j = 0; j < WORK_N; j++)
            acc[i][j] = 0.0f;

    for (int p0 = 0; p0 < k; p0 += TILE_K) {
        // Tails are zero-filled, so the multiply loop below never needs a bounds check.
        for (int e = lid; e < TILE_M * TILE_K; e += LOCAL_X * LOCAL_Y) {
            const int r = e / TILE_K;
            const int q = e % TILE_K;
            const int gi = row0 + r;
            const int gp = p0 + q;
            a_tile[q][r] = (gi < m && gp < k) ? a[(long)gi * a_rs + (long)gp * a_cs] : 0.0f;
        }
        for (int e = lid; e < TILE_K * TILE_N; e += LOCAL_X * LOCAL_Y) {
            const int q = e / TILE_N;
            const int cc = e % TILE_N;
            const int gp = p0 + q;
            const int gj = col0 + cc;
            b_tile[q][cc] = (gp < k && gj < n) ? b[(long)gp * b_rs + (long)gj * b_cs] : 0.0f;
        }
        barrier(CLK_LOCAL_MEM_FENCE);

        for (int q = 0; q < TILE_K; q++) {
            float av[WORK_M];
            float bv[WORK_N];
            for (int i = 0; i < WORK_M; i++) av[i] = a_tile[q][ly + i * LOCAL_Y];
            for (int j = 0; j < WORK_N; j++) bv[j] = b_tile[q][lx + j * LOCAL_X];
            for (int i = 0; i < WORK_M; i++)
                for (int j = 0; j < WORK_N; j++)
                    acc[i][j] = mad(av[i], bv[j], acc[i][j]);
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }

    for (int i = 0; i < WORK_M; i++) {
        const int row = row0 + ly + i * LOCAL_Y;
        if (row >= m) continue;
        for (int j = 0; j < WORK_N; j++) {
            const int col = col0 + lx + j * LOCAL_X;
            if (col >= n) continue;
            const long at = (long)row * ldc + col;
            c[at] = accumulate ? c[at] + acc[i][j] : acc[i][j];
        }
    }
}

// ---- GEMV for decoding: Y[rows x n] = X[rows x k] . W^T (+ Y when accumulate) ----
// W is n x k, row-major, contiguous (a Linear layer's weight). One work group per output feature j:
// its items stride over k, so each weight row is read once for up to GEMV_ROWS input rows, then a
// tree reduction in local memory. rows is small (1 to a few drafted tokens), so W traffic dominates.
#define GEMV_LOCAL 64
#define GEMV_ROWS 4

#define GEMV_KERNEL(NAME, WTYPE, LOAD)                                                        \
__kernel __attribute__((reqd_work_group_size(GEMV_LOCAL, 1, 1)))                             \
void NAME(const int rows, const int n, const int k,                                          \
          __global const float *x, const int ldx,                                            \
          __global const WTYPE *w,                                                           \
          __global float *y, const int ldy, const int accumulate)                            \
{                                                                                            \
    __local float partial[GEMV_ROWS][GEMV_LOCAL];                                            \
    const int j = get_group_id(0);                                                           \
    const int lid = get_local_id(0);                                                         \
    __global const WTYPE *wrow = w + (long)j * k;                                            \
    for (int r0 = 0; r0 < rows; r0 += GEMV_ROWS) {                                           \
        const int count = min(GEMV_ROWS, rows - r0);                                         \
        float acc[GEMV_ROWS];                                                                \
        for (int r = 0; r < GEMV_ROWS; r++) acc[r] = 0.0f;                                   \
        for (int p = lid; p < k; p += GEMV_LOCAL) {                                          \
            const float wv = LOAD(wrow, p);                                                  \
            for (int r = 0; r < count; r++)                                                  \
                acc[r] = mad(x[(long)(r0 + r) * ldx + p], wv, acc[r]);                       \
        }                                                                                    \
        for (int r = 0; r < GEMV_ROWS; r++) partial[r][lid] = acc[r];                        \
        barrier(CLK_LOCAL_MEM_FENCE);                                                        \
        for (int half_width = GEMV_LOCAL / 2; half_width > 0; half_width >>= 1) {            \
            if (lid < half_width)                                                            \
                for (int r = 0; r < GEMV_ROWS; r++)                                          \
                    partial[r][lid] += partial[r][lid + half_width];                         \
            barrier(CLK_LOCAL_MEM_FENCE);                                                    \
        }                                                                                    \
        if (lid < count) {                                                                   \
            const long at = (long)(r0 + lid) * ldy + j;                                      \
            y[at] = accumulate ? y[at] + partial[lid][0] : partial[lid][0];                  \
        }                                                                                    \
        barrier(CLK_LOCAL_MEM_FENCE);                                                        \
    }                                                                                        \
}

#define LOAD_F32(row, p) ((row)[p])
// BF16 is the upper half of an F32: widening is a shift, exact.
#define LOAD_BF16(row, p) as_float(((uint)(row)[p]) << 16)
// vload_half is core OpenCL C: no cl_khr_fp16 needed to read F16 storage.
#define LOAD_F16(row, p) vload_half((p), (row))

GEMV_KERNEL(gemv_f32, float, LOAD_F32)
GEMV_KERNEL(gemv_bf16, ushort, LOAD_BF16)
GEMV_KERNEL(gemv_f16, half, LOAD_F16)
