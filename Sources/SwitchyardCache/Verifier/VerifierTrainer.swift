import Foundation
import SwitchyardCore

/// Fits a ``Verifier`` to labelled feature rows with mini-batch Adam on the logistic loss plus L2.
public struct VerifierTrainer: Sendable {
    /// Hidden units (0: logistic regression).
    public var hidden: Int
    /// Passes over the data.
    public var epochs: Int
    /// Adam step size.
    public var learningRate: Float
    /// L2 penalty on the weights.
    public var l2: Float
    /// Seed for initialisation and shuffling.
    public var seed: UInt64

    /// Creates a trainer.
    public init(hidden: Int = 16, epochs: Int = 4, learningRate: Float = 0.003, l2: Float = 1e-4, seed: UInt64 = 42) {
        self.hidden = hidden
        self.epochs = epochs
        self.learningRate = learningRate
        self.l2 = l2
        self.seed = seed
    }

    /// Trains on rows of features with 0/1 labels.
    ///
    /// - Parameters:
    ///   - rows: Feature rows, all of one length.
    ///   - labels: One label per row.
    ///   - blocks: The ``PairFeatures`` setting the rows were made with (stored in the result).
    /// - Returns: A verifier with threshold 0.5 and minimum cosine 0; the caller calibrates both.
    public func train(rows: [[Float]], labels: [Bool], blocks: Int) -> Verifier {
        let n = rows[0].count
        var mean = [Float](repeating: 0, count: n)
        var scale = [Float](repeating: 0, count: n)
        for row in rows { for i in 0..<n { mean[i] += row[i] } }
        for i in 0..<n { mean[i] /= Float(rows.count) }
        for row in rows { for i in 0..<n { scale[i] += (row[i] - mean[i]) * (row[i] - mean[i]) } }
        for i in 0..<n { scale[i] = max(1e-6, (scale[i] / Float(rows.count)).squareRoot()) }
        let data = rows.map { row in (0..<n).map { (row[$0] - mean[$0]) / scale[$0] } }

        var random = SplitMix(seed: seed)
        let units = max(hidden, 1)
        var params = Parameters(
            w1: (0..<(units * n)).map { _ in hidden == 0 ? 0 : random.gaussian() * (2 / Float(n)).squareRoot() },
            b1: [Float](repeating: 0, count: units),
            w2: (0..<hidden).map { _ in random.gaussian() * (1 / Float(units)).squareRoot() },
            b2: 0)
        var adam = Adam(count: params.count)
        var order = Array(0..<data.count)
        let batch = 128
        for _ in 0..<epochs {
            random.shuffle(&order)
            var start = 0
            while start < order.count {
                let end = min(start + batch, order.count)
                var gradient = Parameters(zeroLike: params)
                for index in order[start..<end] {
                    accumulate(&gradient, params, data[index], labels[index] ? 1 : 0)
                }
                let weight = 1 / Float(end - start)
                gradient.scale(weight, plusL2: l2, of: params)
                adam.step(&params, gradient, learningRate: learningRate)
                start = end
            }
        }
        return Verifier(
            blocks: blocks, hidden: hidden, mean: mean, scale: scale, weights1: params.w1, bias1: params.b1,
            weights2: params.w2, bias2: params.b2, threshold: 0.5, minimumCosine: 0, provenance: [:])
    }

    private func accumulate(_ g: inout Parameters, _ p: Parameters, _ x: [Float], _ y: Float) {
        let n = x.count
        if hidden == 0 {
            var z = p.b1[0]
            for i in 0..<n { z += p.w1[i] * x[i] }
            let error = Verifier.sigmoid(z) - y
            for i in 0..<n { g.w1[i] += error * x[i] }
            g.b1[0] += error
            return
        }
        var activation = [Float](repeating: 0, count: hidden)
        var z = p.b2
        for h in 0..<hidden {
            var sum = p.b1[h]
            let row = h * n
            for i in 0..<n { sum += p.w1[row + i] * x[i] }
            activation[h] = max(0, sum)
            z += p.w2[h] * activation[h]
        }
        let error = Verifier.sigmoid(z) - y
        g.b2 += error
        for h in 0..<hidden where activation[h] > 0 {
            g.w2[h] += error * activation[h]
            let back = error * p.w2[h]
            g.b1[h] += back
            let row = h * n
            for i in 0..<n { g.w1[row + i] += back * x[i] }
        }
    }
}

struct Parameters {
    var w1: [Float]
    var b1: [Float]
    var w2: [Float]
    var b2: Float

    init(w1: [Float], b1: [Float], w2: [Float], b2: Float) {
        self.w1 = w1
        self.b1 = b1
        self.w2 = w2
        self.b2 = b2
    }

    init(zeroLike other: Parameters) {
        self.init(
            w1: [Float](repeating: 0, count: other.w1.count), b1: [Float](repeating: 0, count: other.b1.count),
            w2: [Float](repeating: 0, count: other.w2.count), b2: 0)
    }

    var count: Int { w1.count + b1.count + w2.count + 1 }

    mutating func scale(_ factor: Float, plusL2 l2: Float, of params: Parameters) {
        for i in 0..<w1.count { w1[i] = w1[i] * factor + l2 * params.w1[i] }
        for i in 0..<b1.count { b1[i] *= factor }
        for i in 0..<w2.count { w2[i] = w2[i] * factor + l2 * params.w2[i] }
        b2 *= factor
    }
}

struct Adam {
    var m: [Float]
    var v: [Float]
    var t: Float = 0

    init(count: Int) {
        m = [Float](repeating: 0, count: count)
        v = [Float](repeating: 0, count: count)
    }

    mutating func step(_ p: inout Parameters, _ g: Parameters, learningRate: Float) {
        t += 1
        let correction1 = 1 - pow(0.9, t)
        let correction2 = 1 - pow(0.999, t)
        var offset = 0
        func update(_ values: inout [Float], _ grads: [Float]) {
            for i in 0..<values.count {
                let k = offset + i
                m[k] = 0.9 * m[k] + 0.1 * grads[i]
                v[k] = 0.999 * v[k] + 0.001 * grads[i] * grads[i]
                values[i] -= learningRate * (m[k] / correction1) / ((v[k] / correction2).squareRoot() + 1e-8)
            }
            offset += values.count
        }
        update(&p.w1, g.w1)
        update(&p.b1, g.b1)
        update(&p.w2, g.w2)
        var last = [p.b2]
        update(&last, [g.b2])
        p.b2 = last[0]
    }
}

/// A small deterministic generator for initialisation and shuffling.
struct SplitMix {
    private var bits: SplitMix64

    init(seed: UInt64) { bits = SplitMix64(seed: seed) }

    mutating func next() -> UInt64 { bits.next() }

    mutating func uniform() -> Float { Float(next() >> 40) / Float(1 << 24) }

    mutating func gaussian() -> Float {
        let u = max(uniform(), 1e-7)
        let v = uniform()
        return (-2 * log(u)).squareRoot() * cos(2 * .pi * v)
    }

    mutating func shuffle(_ values: inout [Int]) {
        guard values.count > 1 else { return }
        for i in stride(from: values.count - 1, to: 0, by: -1) {
            values.swapAt(i, Int(next() % UInt64(i + 1)))
        }
    }
}
