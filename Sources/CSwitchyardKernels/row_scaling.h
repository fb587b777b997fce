// Shared by the int8 and int16 kernels: one activation row, optionally scaled per input channel (SmoothQuant),
// and its largest magnitude, from which the row's quantisation scale follows.
#ifndef SY_ROW_SCALING_H
#define SY_ROW_SCALING_H

#include <math.h>

#if defined(__AVX2__)
#include <immintrin.h>
#endif

/// Row `r` of `x` (rows of `inputs` floats), multiplied by `channelScales` into `buffer` when they are given.
static inline const float *sy_scaled_row(const float *x, int r, int inputs, const float *channelScales, float *buffer) {
    const float *row = x + (size_t)r * inputs;
    if (!channelScales) return row;
    for (int k = 0; k < inputs; k++) buffer[k] = row[k] * channelScales[k];
    return buffer;
}

/// The largest |value| of the row.
static inline float sy_row_peak(const float *row, int inputs) {
    int k = 0;
    float peak = 0;
#if defined(__AVX2__)
    const __m256 signMask = _mm256_set1_ps(-0.0f);
    __m256 vpeak = _mm256_setzero_ps();
    for (; k + 8 <= inputs; k += 8) {
        vpeak = _mm256_max_ps(vpeak, _mm256_andnot_ps(signMask, _mm256_loadu_ps(row + k)));
    }
    float lanes[8];
    _mm256_storeu_ps(lanes, vpeak);
    for (int i = 0; i < 8; i++) peak = fmaxf(peak, lanes[i]);
#endif
    for (; k < inputs; k++) peak = fmaxf(peak, fabsf(row[k]));
    return peak;
}

#endif
