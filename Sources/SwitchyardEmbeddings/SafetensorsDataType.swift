/// The element types a safetensors header may name, and their conversion to `Float`.
public enum SafetensorsDataType: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// 64-bit IEEE float.
    case f64 = "F64"
    /// 32-bit IEEE float.
    case f32 = "F32"
    /// 16-bit IEEE half float.
    case f16 = "F16"
    /// bfloat16: the top half of a 32-bit float.
    case bf16 = "BF16"
    /// 8-bit float, 5 exponent bits.
    case f8e5m2 = "F8_E5M2"
    /// 8-bit float, 4 exponent bits.
    case f8e4m3 = "F8_E4M3"
    /// Signed integers.
    case i64 = "I64", i32 = "I32", i16 = "I16", i8 = "I8"
    /// Unsigned integers.
    case u64 = "U64", u32 = "U32", u16 = "U16", u8 = "U8"
    /// One byte per boolean.
    case bool = "BOOL"

    /// Bytes per element.
    public var byteSize: Int {
        switch self {
        case .f64, .i64, .u64: 8
        case .f32, .i32, .u32: 4
        case .f16, .bf16, .i16, .u16: 2
        case .f8e5m2, .f8e4m3, .i8, .u8, .bool: 1
        }
    }

    /// The name used in the file, e.g. `F32`.
    public var description: String { rawValue }

    /// Converts little-endian elements to `Float`; `nil` for types that are not floating point.
    static func convertToFloat(_ bytes: UnsafeRawBufferPointer, from type: Self) -> [Float]? {
        let count = bytes.count / type.byteSize
        switch type {
        case .f32:
            return [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
                #if _endian(little)
                    if count > 0 {
                        UnsafeMutableRawPointer(buffer.baseAddress!).copyMemory(
                            from: bytes.baseAddress!, byteCount: count * 4)
                    }
                #else
                    for i in 0..<count {
                        let bits = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self))
                        buffer[i] = Float(bitPattern: bits)
                    }
                #endif
                initialized = count
            }
        case .f64:
            return (0..<count).map { i in
                Float(
                    Double(
                        bitPattern: UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self))))
            }
        case .bf16:
            return (0..<count).map { i in
                let bits = UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: i * 2, as: UInt16.self))
                return Float(bitPattern: UInt32(bits) << 16)
            }
        case .f16:
            return (0..<count).map { i in
                halfToFloat(UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: i * 2, as: UInt16.self)))
            }
        default:
            return nil
        }
    }

    /// IEEE binary16 to binary32, exact (including subnormals, infinities and NaN).
    static func halfToFloat(_ half: UInt16) -> Float {
        let sign: Float = half & 0x8000 == 0 ? 1 : -1
        let exponent = Int((half >> 10) & 0x1F)
        let mantissa = Float(half & 0x3FF)
        switch exponent {
        case 0: return sign * mantissa * 0x1p-24
        case 31: return mantissa == 0 ? sign * .infinity : .nan
        default: return sign * (1 + mantissa / 1024) * Float(sign: .plus, exponent: exponent - 15, significand: 1)
        }
    }
}
