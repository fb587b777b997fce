extension MiniLMEncoder {
    /// Per block and dense layer: the largest magnitude of each input channel over a forward pass of `sequences`.
    ///
    /// - Parameter sequences: Token ids of calibration texts (see ``CalibrationText``).
    /// - Returns: One dictionary per block, from dense-layer kind to its per-channel peaks.
    func inputPeaks(_ sequences: [[Int32]]) -> [[QuantizationPlan.Kind: [Float]]] {
        var peaks = [[QuantizationPlan.Kind: [Float]]](repeating: [:], count: layers.count)
        _ = hiddenStates(sequences) { block, kind, input, rows, width in
            var channel = peaks[block][kind] ?? [Float](repeating: 0, count: width)
            for row in 0..<rows {
                for k in 0..<width { channel[k] = max(channel[k], abs(input[row * width + k])) }
            }
            peaks[block][kind] = channel
        }
        return peaks
    }
}
