// Int8 matrix multiply for the in-process embedding model (SwitchyardEmbeddings).
//
// y[M, N] = x[M, K] · Wᵀ + b with W quantised to int8 per output channel (at load time) and x quantised to int8
// per row (per token, at run time), products summed in int32 and scaled back to float. Activations are stored
// unsigned (offset by 128) so that AVX2's vpmaddubsw (u8 × s8) applies; the offset is removed with per-channel
// weight sums. vpmaddubsw adds pairs of products into int16 with saturation, so weight and activation levels must
// satisfy 2 · (128 + activationLevels) · weightLevels ≤ 32767: 127 activation levels with 63 weight levels
// (7-bit weights) do. Elsewhere than x86-64 with AVX2, a portable C loop computes the same integers.
#ifndef CSWITCHYARD_KERNELS_H
#define CSWITCHYARD_KERNELS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Output columns per packed weight panel.
#define SY_Q8_PANEL_WIDTH 16

/// Bytes of a packed weight matrix of `outputs` × `inputs` (outputs a multiple of 16, inputs of 4).
size_t sy_q8_packed_size(int outputs, int inputs);

/// Quantises a row-major float weight `[outputs, inputs]` symmetrically per output channel to
/// [-levels, levels] and packs it into panels of 16 channels × 4 inputs. `scales` receives one dequantisation
/// scale per channel, `sums` the sum of each channel's quantised weights.
void sy_q8_pack_weights(
    const float *weight, int outputs, int inputs, int levels, int8_t *packed, float *scales, int32_t *sums);

/// Quantises each of `rows` rows of `x` (`inputs` floats each, row-major), first multiplied channel by channel by
/// `channelScales` when non-null (then `buffer` holds `inputs` floats of scratch), symmetrically to
/// [-levels, levels] and stores them offset by 128: `q[r, k] = round(x'[r, k] / scale[r]) + 128`,
/// `scale[r] = max_k |x'[r, k]| / levels` (0 for an all-zero row).
void sy_q8_quantize_rows(
    const float *x, int rows, int inputs, const float *channelScales, int levels, uint8_t *q, float *scales,
    float *buffer);

/// `y[r, n] = (Σ_k (q[r, k] − 128) · w[n, k]) · xScale[r] · wScale[n] + bias[n] (+ residual[r, n] when
/// non-null)`, with the sum computed as `Σ_k q[r, k] · w[n, k] − 128 · wSums[n]`.
void sy_q8_gemm(
    const uint8_t *q, const float *xScales, int rows, int inputs, const int8_t *packed, const float *wScales,
    const int32_t *wSums, const float *bias, int outputs, const float *residual, float *y);

/// Whether the AVX2 kernel was compiled in (otherwise the portable loop runs).
int sy_q8_uses_avx2(void);

#ifdef __cplusplus
}
#endif

#endif
