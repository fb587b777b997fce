#include "CSwitchyardKernels.h"
#include "row_scaling.h"

#include <math.h>
#include <string.h>

#if defined(__AVX2__)
#include <immintrin.h>
#endif

size_t sy_q8_packed_size(int outputs, int inputs) { return (size_t)outputs * (size_t)inputs; }

// Panel p, group g (inputs 4g..4g+3), channel j of the panel: byte (p·(K/4) + g)·64 + j·4 + (k − 4g).
void sy_q8_pack_weights(const float *weight, int outputs, int inputs, int levels, int8_t *packed, float *scales,
                        int32_t *sums) {
    const int groups = inputs / 4;
    for (int n = 0; n < outputs; n++) {
        const float *row = weight + (size_t)n * inputs;
        float peak = 0;
        for (int k = 0; k < inputs; k++) peak = fmaxf(peak, fabsf(row[k]));
        const float scale = peak / (float)levels;
        const float inverse = scale > 0 ? 1.0f / scale : 0;
        scales[n] = scale;
        const int panel = n / SY_Q8_PANEL_WIDTH, j = n % SY_Q8_PANEL_WIDTH;
        int32_t sum = 0;
        for (int k = 0; k < inputs; k++) {
            long v = lrintf(row[k] * inverse);
            v = v > levels ? levels : (v < -levels ? -levels : v);
            sum += (int32_t)v;
            packed[((size_t)panel * groups + k / 4) * 64 + j * 4 + (k % 4)] = (int8_t)v;
        }
        sums[n] = sum;
    }
}

void sy_q8_quantize_rows(const float *x, int rows, int inputs, const float *channelScales, int levels, uint8_t *q,
                         float *scales, float *buffer) {
    for (int r = 0; r < rows; r++) {
        const float *row = sy_scaled_row(x, r, inputs, channelScales, buffer);
        uint8_t *out = q + (size_t)r * inputs;
        const float peak = sy_row_peak(row, inputs);
        const float scale = peak / (float)levels;
        const float inverse = scale > 0 ? 1.0f / scale : 0;
        scales[r] = scale;
        int k = 0;
#if defined(__AVX2__)
        const __m256 vinv = _mm256_set1_ps(inverse);
        const __m256i order = _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7);
        for (; k + 32 <= inputs; k += 32) {
            __m256i a = _mm256_cvtps_epi32(_mm256_mul_ps(_mm256_loadu_ps(row + k), vinv));
            __m256i b = _mm256_cvtps_epi32(_mm256_mul_ps(_mm256_loadu_ps(row + k + 8), vinv));
            __m256i c = _mm256_cvtps_epi32(_mm256_mul_ps(_mm256_loadu_ps(row + k + 16), vinv));
            __m256i d = _mm256_cvtps_epi32(_mm256_mul_ps(_mm256_loadu_ps(row + k + 24), vinv));
            __m256i packed = _mm256_packs_epi16(_mm256_packs_epi32(a, b), _mm256_packs_epi32(c, d));
            packed = _mm256_permutevar8x32_epi32(packed, order);
            // |x| ≤ peak, so values are already in [-levels, levels]; adding 128 (flipping the top bit) makes them
            // unsigned.
            packed = _mm256_xor_si256(packed, _mm256_set1_epi8((char)0x80));
            _mm256_storeu_si256((__m256i *)(out + k), packed);
        }
#endif
        for (; k < inputs; k++) {
            long v = lrintf(row[k] * inverse);
            out[k] = (uint8_t)((v > levels ? levels : (v < -levels ? -levels : v)) + 128);
        }
    }
}

/// Scales one 16-wide block of int32 sums to floats and adds bias and residual.
static inline void finish(const int32_t *sums, float xScale, const float *wScales, const int32_t *wSums,
                          const float *bias, const float *residual, float *y) {
    for (int j = 0; j < SY_Q8_PANEL_WIDTH; j++) {
        float v = (float)(sums[j] - 128 * wSums[j]) * xScale * wScales[j] + bias[j];
        if (residual) v += residual[j];
        y[j] = v;
    }
}

#if defined(__AVX2__)

static inline void store(__m256i lo, __m256i hi, float xScale, const float *wScales, const int32_t *wSums,
                         const float *bias, const float *residual, float *y) {
    const __m256 s = _mm256_set1_ps(xScale);
    lo = _mm256_sub_epi32(lo, _mm256_slli_epi32(_mm256_loadu_si256((const __m256i *)wSums), 7));
    hi = _mm256_sub_epi32(hi, _mm256_slli_epi32(_mm256_loadu_si256((const __m256i *)(wSums + 8)), 7));
    __m256 v0 = _mm256_fmadd_ps(_mm256_cvtepi32_ps(lo), _mm256_mul_ps(s, _mm256_loadu_ps(wScales)),
                                _mm256_loadu_ps(bias));
    __m256 v1 = _mm256_fmadd_ps(_mm256_cvtepi32_ps(hi), _mm256_mul_ps(s, _mm256_loadu_ps(wScales + 8)),
                                _mm256_loadu_ps(bias + 8));
    if (residual) {
        v0 = _mm256_add_ps(v0, _mm256_loadu_ps(residual));
        v1 = _mm256_add_ps(v1, _mm256_loadu_ps(residual + 8));
    }
    _mm256_storeu_ps(y, v0);
    _mm256_storeu_ps(y + 8, v1);
}

// One step of one row: 4 inputs of the row (unsigned, offset by 128) against 4 inputs of 16 channels. vpmaddubsw
// multiplies u8 by s8 and adds pairs into int16 with saturation; the callers' levels keep 2 · max(u8) · max|w|
// within int16, so it never saturates. vpmaddwd against ones then adds the pairs into int32.
#define SY_Q8_STEP(ROW, ACC0, ACC1)                                                                         \
    do {                                                                                                    \
        const __m256i a = _mm256_set1_epi32(*(const int32_t *)(q + (size_t)(ROW) * inputs + 4 * g));       \
        ACC0 = _mm256_add_epi32(ACC0, _mm256_madd_epi16(_mm256_maddubs_epi16(a, w0), ones));                \
        ACC1 = _mm256_add_epi32(ACC1, _mm256_madd_epi16(_mm256_maddubs_epi16(a, w1), ones));                \
    } while (0)

void sy_q8_gemm(const uint8_t *q, const float *xScales, int rows, int inputs, const int8_t *packed,
                const float *wScales, const int32_t *wSums, const float *bias, int outputs, const float *residual,
                float *y) {
    const int groups = inputs / 4;
    const __m256i ones = _mm256_set1_epi16(1);
    for (int panel = 0; panel < outputs / SY_Q8_PANEL_WIDTH; panel++) {
        const int8_t *w = packed + (size_t)panel * groups * 64;
        const int col = panel * SY_Q8_PANEL_WIDTH;
        int r = 0;
        for (; r + 4 <= rows; r += 4) {
            __m256i c00 = _mm256_setzero_si256(), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00,
                    c30 = c00, c31 = c00;
            for (int g = 0; g < groups; g++) {
                const __m256i w0 = _mm256_loadu_si256((const __m256i *)(w + g * 64));
                const __m256i w1 = _mm256_loadu_si256((const __m256i *)(w + g * 64 + 32));
                SY_Q8_STEP(r, c00, c01);
                SY_Q8_STEP(r + 1, c10, c11);
                SY_Q8_STEP(r + 2, c20, c21);
                SY_Q8_STEP(r + 3, c30, c31);
            }
            const __m256i sums[4][2] = {{c00, c01}, {c10, c11}, {c20, c21}, {c30, c31}};
            for (int i = 0; i < 4; i++) {
                const size_t at = (size_t)(r + i) * outputs + col;
                store(sums[i][0], sums[i][1], xScales[r + i], wScales + col, wSums + col, bias + col,
                      residual ? residual + at : NULL, y + at);
            }
        }
        for (; r < rows; r++) {
            __m256i c0 = _mm256_setzero_si256(), c1 = c0;
            for (int g = 0; g < groups; g++) {
                const __m256i w0 = _mm256_loadu_si256((const __m256i *)(w + g * 64));
                const __m256i w1 = _mm256_loadu_si256((const __m256i *)(w + g * 64 + 32));
                SY_Q8_STEP(r, c0, c1);
            }
            const size_t at = (size_t)r * outputs + col;
            store(c0, c1, xScales[r], wScales + col, wSums + col, bias + col, residual ? residual + at : NULL, y + at);
        }
    }
}

int sy_q8_uses_avx2(void) { return 1; }

#else

void sy_q8_gemm(const uint8_t *q, const float *xScales, int rows, int inputs, const int8_t *packed,
                const float *wScales, const int32_t *wSums, const float *bias, int outputs, const float *residual,
                float *y) {
    const int groups = inputs / 4;
    for (int panel = 0; panel < outputs / SY_Q8_PANEL_WIDTH; panel++) {
        const int8_t *w = packed + (size_t)panel * groups * 64;
        const int col = panel * SY_Q8_PANEL_WIDTH;
        for (int r = 0; r < rows; r++) {
            const uint8_t *a = q + (size_t)r * inputs;
            int32_t sums[SY_Q8_PANEL_WIDTH] = {0};
            for (int g = 0; g < groups; g++) {
                const int8_t *block = w + g * 64;
                for (int j = 0; j < SY_Q8_PANEL_WIDTH; j++) {
                    for (int i = 0; i < 4; i++) sums[j] += (int32_t)a[4 * g + i] * (int32_t)block[j * 4 + i];
                }
            }
            const size_t at = (size_t)r * outputs + col;
            finish(sums, xScales[r], wScales + col, wSums + col, bias + col, residual ? residual + at : NULL, y + at);
        }
    }
}

int sy_q8_uses_avx2(void) { return 0; }

#endif
