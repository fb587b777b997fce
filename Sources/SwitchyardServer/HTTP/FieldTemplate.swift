import HTTPTypes
import SwitchyardCore

/// The fields of a connection's last origin-form request, line by line, for the next request, which mostly sends the
/// same names in the same order and most of the same values (an SDK's client sends a dozen fields, all but
/// `Content-Length` the same from one request to the next), for ``HTTP1RequestParser``.
///
/// A field made anew is decoded into strings, checked byte by byte by `HTTPField`, and appended through
/// `HTTPFields`' generic `insert(_:at:)`: about 900 instructions a field under callgrind. A line that is byte for
/// byte the template's at its position keeps the template's field, so the template never answers for another field.
struct FieldTemplate {
    /// Each field's line (`name: value`, as received, without its CRLF).
    fileprivate var lines: [[UInt8]]
    /// The fields made from them, in order.
    fileprivate var fields: HTTPFields

    /// Builds a request's fields, line by line, from the last request's template when there is one.
    struct Builder {
        private var lines: [[UInt8]]
        private var fields: HTTPFields
        /// How many fields the request has so far.
        private var position = 0
        /// Whether the lines so far each matched the template's at their position (by name, at least): the fields
        /// are the template's from `position` on, until replaced.
        private var reusing: Bool
        /// Whether the lines are kept for a template (``finish()`` gives none otherwise).
        private let recording: Bool

        /// A builder that starts from `template` (taken: its lists are changed in place); it records the lines for
        /// the next request's template when `recording`.
        init(template: consuming FieldTemplate?, recording: Bool) {
            self.recording = recording || template != nil
            if let template {
                lines = template.lines
                fields = template.fields
                reusing = true
            } else {
                lines = []
                if recording { lines.reserveCapacity(6) }
                // Room for a usual request's fields, so that the list is not copied as it grows.
                fields = HTTPFields()
                fields.reserveCapacity(6)
                reusing = false
            }
        }

        /// Adds the field on `line` (its name and its value, trimmed, within it); `false` when the name is not a
        /// token. `knownName` gives the library's own name for common fields.
        mutating func add(
            line: UnsafeRawBufferPointer, name: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer,
            knownName: (UnsafeRawBufferPointer) -> HTTPField.Name?
        ) -> Bool {
            if reusing {
                if position < lines.count {
                    if lines[position].withUnsafeBytes({ HTTP1Syntax.equal($0, line) }) {
                        position += 1
                        return true
                    }
                    if Self.startsWithName(lines[position], name) {
                        // The same name with another value: replaced in place.
                        fields[position] = HTTPField(
                            name: fields[position].name, value: String(decoding: value, as: UTF8.self))
                        lines[position] = Array(line)
                        position += 1
                        return true
                    }
                }
                // The fields differ from here on: the ones before are kept, the rest made anew.
                dropTemplateRest()
            }
            guard let fieldName = knownName(name) ?? HTTPField.Name(String(decoding: name, as: UTF8.self)) else {
                return false
            }
            fields.append(HTTPField(name: fieldName, value: String(decoding: value, as: UTF8.self)))
            if recording { lines.append(Array(line)) }
            position += 1
            return true
        }

        /// The request's fields, and the template for the next request (when recording).
        consuming func finish() -> (HTTPFields, FieldTemplate?) {
            if reusing { dropTemplateRest() }
            return (fields, recording ? FieldTemplate(lines: lines, fields: fields) : nil)
        }

        /// Stops reusing, and forgets the template's fields past the ones the request has.
        private mutating func dropTemplateRest() {
            reusing = false
            if position < lines.count {
                lines.removeSubrange(position...)
                fields.removeSubrange(position...)
            }
        }

        /// Whether `stored` is a line of the field `name` (the same bytes, then the colon).
        private static func startsWithName(_ stored: [UInt8], _ name: UnsafeRawBufferPointer) -> Bool {
            guard stored.count > name.count, stored[name.count] == UInt8(ascii: ":") else { return false }
            return stored.withUnsafeBytes { HTTP1Syntax.equal(UnsafeRawBufferPointer(rebasing: $0[..<name.count]), name) }
        }
    }
}
