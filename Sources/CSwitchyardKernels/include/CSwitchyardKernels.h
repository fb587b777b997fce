// Integer matrix multiplies for the in-process embedding model (SwitchyardEmbeddings): int8 (`sy_q8_*`) and
// int16 (`sy_q16_*`, described at its functions).
//
// Int8:
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

/// Output columns per packed int16 weight panel.
#define SY_Q16_PANEL_WIDTH 16

/// Elements (int16) of a packed int16 weight matrix of `outputs` × `inputs` (outputs a multiple of 16, inputs even).
size_t sy_q16_packed_size(int outputs, int inputs);

/// Input pairs whose products can be summed in int32 without overflow for these levels (`sy_q16_gemm`'s `chunk`).
int sy_q16_chunk_groups(int weightLevels, int activationLevels);

/// Quantises a row-major float weight `[outputs, inputs]` symmetrically per output channel to [-levels, levels]
/// (levels ≤ 32767) and packs it as int16 into panels of 16 channels × 2 inputs; `scales` receives one
/// dequantisation scale per channel.
void sy_q16_pack_weights(const float *weight, int outputs, int inputs, int levels, int16_t *packed, float *scales);

/// Quantises each row of `x` (first multiplied channel by channel by `channelScales` when non-null; then `buffer`
/// holds `inputs` floats of scratch) symmetrically to int16 in [-levels, levels] with one scale per row:
/// `q[r, k] = round(x'[r, k] / scale[r])`, `scale[r] = max_k |x'[r, k]| / levels`.
void sy_q16_quantize_rows(
    const float *x, int rows, int inputs, const float *channelScales, int levels, int16_t *q, float *scales,
    float *buffer);

/// `y[r, n] = (Σ_k q[r, k] · w[n, k]) · xScale[r] · wScale[n] + bias[n] (+ residual[r, n] when non-null)`, with
/// int16 × int16 products (AVX2 `vpmaddwd`) summed in int32 over at most `chunk` input pairs at a time and then in
/// float (see `sy_q16_chunk_groups`).
void sy_q16_gemm(
    const int16_t *q, const float *xScales, int rows, int inputs, const int16_t *packed, const float *wScales,
    int chunk, const float *bias, int outputs, const float *residual, float *y);

/// Whether the AVX2 kernel was compiled in (otherwise the portable loop runs).
int sy_q8_uses_avx2(void);

#ifdef __cplusplus
}
#endif

#endif
