#include "CSwitchyardKernels.h"
#include "row_scaling.h"

#include <math.h>
#include <string.h>

#if defined(__AVX2__)
#include <immintrin.h>
#endif

size_t sy_q16_packed_size(int outputs, int inputs) { return (size_t)outputs * (size_t)inputs; }

int sy_q16_chunk_groups(int weightLevels, int activationLevels) {
    const long long perGroup = 2LL * weightLevels * activationLevels;
    const long long groups = perGroup > 0 ? 2147483647LL / perGroup : 1 << 30;
    return groups > (1 << 30) ? (1 << 30) : (int)groups;
}

// Panel p, group g (inputs 2g, 2g+1), channel j of the panel: element (p·(K/2) + g)·32 + j·2 + (k − 2g).
void sy_q16_pack_weights(const float *weight, int outputs, int inputs, int levels, int16_t *packed, float *scales) {
    const int groups = inputs / 2;
    for (int n = 0; n < outputs; n++) {
        const float *row = weight + (size_t)n * inputs;
        float peak = 0;
        for (int k = 0; k < inputs; k++) peak = fmaxf(peak, fabsf(row[k]));
        const float scale = peak / (float)levels;
        const float inverse = scale > 0 ? 1.0f / scale : 0;
        scales[n] = scale;
        const int panel = n / SY_Q16_PANEL_WIDTH, j = n % SY_Q16_PANEL_WIDTH;
        for (int k = 0; k < inputs; k++) {
            long v = lrintf(row[k] * inverse);
            v = v > levels ? levels : (v < -levels ? -levels : v);
            packed[((size_t)panel * groups + k / 2) * 32 + j * 2 + (k % 2)] = (int16_t)v;
        }
    }
}

void sy_q16_quantize_rows(const float *x, int rows, int inputs, const float *channelScales, int levels, int16_t *q,
                          float *scales, float *buffer) {
    for (int r = 0; r < rows; r++) {
        const float *row = sy_scaled_row(x, r, inputs, channelScales, buffer);
        int16_t *out = q + (size_t)r * inputs;
        const float peak = sy_row_peak(row, inputs);
        const float scale = peak / (float)levels;
        const float inverse = scale > 0 ? 1.0f / scale : 0;
        scales[r] = scale;
        int k = 0;
#if defined(__AVX2__)
        const __m256 vinv = _mm256_set1_ps(inverse);
        for (; k + 16 <= inputs; k += 16) {
            __m256i a = _mm256_cvtps_epi32(_mm256_mul_ps(_mm256_loadu_ps(row + k), vinv));
            __m256i b = _mm256_cvtps_epi32(_mm256_mul_ps(_mm256_loadu_ps(row + k + 8), vinv));
            // packs works within 128-bit lanes: [a0-3 b0-3 | a4-7 b4-7] → reorder the 64-bit quarters.
            __m256i packed = _mm256_permute4x64_epi64(_mm256_packs_epi32(a, b), 0xD8);
            _mm256_storeu_si256((__m256i *)(out + k), packed);
        }
#endif
        for (; k < inputs; k++) {
            long v = lrintf(row[k] * inverse);
            out[k] = (int16_t)(v > levels ? levels : (v < -levels ? -levels : v));
        }
    }
}

#if defined(__AVX2__)

static inline void store16(__m256 lo, __m256 hi, float xScale, const float *wScales, const float *bias,
                           const float *residual, float *y) {
    const __m256 s = _mm256_set1_ps(xScale);
    __m256 v0 = _mm256_fmadd_ps(lo, _mm256_mul_ps(s, _mm256_loadu_ps(wScales)), _mm256_loadu_ps(bias));
    __m256 v1 = _mm256_fmadd_ps(hi, _mm256_mul_ps(s, _mm256_loadu_ps(wScales + 8)), _mm256_loadu_ps(bias + 8));
    if (residual) {
        v0 = _mm256_add_ps(v0, _mm256_loadu_ps(residual));
        v1 = _mm256_add_ps(v1, _mm256_loadu_ps(residual + 8));
    }
    _mm256_storeu_ps(y, v0);
    _mm256_storeu_ps(y + 8, v1);
}

// One step of one row: 2 inputs of the row against 2 inputs of 16 channels. vpmaddwd multiplies int16 pairs and
// adds each pair into int32 (16 multiply-adds per instruction); the caller flushes the int32 sums to float before
// they can overflow (every `chunk` groups).
#define SY_Q16_STEP(ROW, ACC0, ACC1)                                                                        \
    do {                                                                                                    \
        const __m256i a = _mm256_set1_epi32(*(const int32_t *)(q + (size_t)(ROW) * inputs + 2 * g));       \
        ACC0 = _mm256_add_epi32(ACC0, _mm256_madd_epi16(a, w0));                                           \
        ACC1 = _mm256_add_epi32(ACC1, _mm256_madd_epi16(a, w1));                                           \
    } while (0)

#define SY_Q16_ROWS 6

void sy_q16_gemm(const int16_t *q, const float *xScales, int rows, int inputs, const int16_t *packed,
                 const float *wScales, int chunk, const float *bias, int outputs, const float *residual, float *y) {
    const int groups = inputs / 2;
    if (chunk < 1) chunk = 1;
    for (int panel = 0; panel < outputs / SY_Q16_PANEL_WIDTH; panel++) {
        const int16_t *w = packed + (size_t)panel * groups * 32;
        const int col = panel * SY_Q16_PANEL_WIDTH;
        int r = 0;
        for (; r + SY_Q16_ROWS <= rows; r += SY_Q16_ROWS) {
            __m256 f[SY_Q16_ROWS][2];
            for (int i = 0; i < SY_Q16_ROWS; i++) f[i][0] = f[i][1] = _mm256_setzero_ps();
            for (int start = 0; start < groups; start += chunk) {
                const int end = start + chunk < groups ? start + chunk : groups;
                __m256i c00 = _mm256_setzero_si256(), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00,
                        c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
                for (int g = start; g < end; g++) {
                    const __m256i w0 = _mm256_loadu_si256((const __m256i *)(w + g * 32));
                    const __m256i w1 = _mm256_loadu_si256((const __m256i *)(w + g * 32 + 16));
                    SY_Q16_STEP(r, c00, c01);
                    SY_Q16_STEP(r + 1, c10, c11);
                    SY_Q16_STEP(r + 2, c20, c21);
                    SY_Q16_STEP(r + 3, c30, c31);
                    SY_Q16_STEP(r + 4, c40, c41);
                    SY_Q16_STEP(r + 5, c50, c51);
                }
                const __m256i sums[SY_Q16_ROWS][2] = {{c00, c01}, {c10, c11}, {c20, c21},
                                                      {c30, c31}, {c40, c41}, {c50, c51}};
                for (int i = 0; i < SY_Q16_ROWS; i++) {
                    f[i][0] = _mm256_add_ps(f[i][0], _mm256_cvtepi32_ps(sums[i][0]));
                    f[i][1] = _mm256_add_ps(f[i][1], _mm256_cvtepi32_ps(sums[i][1]));
                }
            }
            for (int i = 0; i < SY_Q16_ROWS; i++) {
                const size_t at = (size_t)(r + i) * outputs + col;
                store16(f[i][0], f[i][1], xScales[r + i], wScales + col, bias + col, residual ? residual + at : NULL,
                        y + at);
            }
        }
        for (; r < rows; r++) {
            __m256 f0 = _mm256_setzero_ps(), f1 = f0;
            for (int start = 0; start < groups; start += chunk) {
                const int end = start + chunk < groups ? start + chunk : groups;
                __m256i c0 = _mm256_setzero_si256(), c1 = c0;
                for (int g = start; g < end; g++) {
                    const __m256i w0 = _mm256_loadu_si256((const __m256i *)(w + g * 32));
                    const __m256i w1 = _mm256_loadu_si256((const __m256i *)(w + g * 32 + 16));
                    SY_Q16_STEP(r, c0, c1);
                }
                f0 = _mm256_add_ps(f0, _mm256_cvtepi32_ps(c0));
                f1 = _mm256_add_ps(f1, _mm256_cvtepi32_ps(c1));
            }
            const size_t at = (size_t)r * outputs + col;
            store16(f0, f1, xScales[r], wScales + col, bias + col, residual ? residual + at : NULL, y + at);
        }
    }
}

#else

void sy_q16_gemm(const int16_t *q, const float *xScales, int rows, int inputs, const int16_t *packed,
                 const float *wScales, int chunk, const float *bias, int outputs, const float *residual, float *y) {
    const int groups = inputs / 2;
    (void)chunk;
    for (int panel = 0; panel < outputs / SY_Q16_PANEL_WIDTH; panel++) {
        const int16_t *w = packed + (size_t)panel * groups * 32;
        const int col = panel * SY_Q16_PANEL_WIDTH;
        for (int r = 0; r < rows; r++) {
            const int16_t *a = q + (size_t)r * inputs;
            long long sums[SY_Q16_PANEL_WIDTH] = {0};
            for (int g = 0; g < groups; g++) {
                const int16_t *block = w + g * 32;
                for (int j = 0; j < SY_Q16_PANEL_WIDTH; j++) {
                    sums[j] += (long long)a[2 * g] * block[j * 2] + (long long)a[2 * g + 1] * block[j * 2 + 1];
                }
            }
            const size_t at = (size_t)r * outputs + col;
            for (int j = 0; j < SY_Q16_PANEL_WIDTH; j++) {
                float v = (float)sums[j] * xScales[r] * wScales[col + j] + bias[col + j];
                if (residual) v += residual[at + j];
                y[at + j] = v;
            }
        }
    }
}

#endif
