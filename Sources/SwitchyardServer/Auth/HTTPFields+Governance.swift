import HTTPTypes

extension HTTPFields {
    /// Sets governance's headers (`x-ratelimit-*`, given by name as strings): each replaces a field of its name, and a
    /// name that is not a valid field name is skipped.
    mutating func set(_ pairs: [(String, String)]) {
        for (name, value) in pairs {
            if let field = HTTPField.Name(name) { self[field] = value }
        }
    }
}
