// Messages quote what a user typed or a file contains; hostile input must not turn a message into a
// flood (a whole file on one "line") or into terminal control sequences.

/// The longest quotation of input, in characters, that a message carries.
let maximumExcerptLength = 80

/// `text` as it may appear inside a message: control characters (including a stray `\r` or `\n`)
/// escaped, and cut to ``maximumExcerptLength`` characters with "…" when longer.
func excerpt<Text: StringProtocol>(_ text: Text, limit: Int = maximumExcerptLength) -> String {
  var result = ""
  var length = 0
  for scalar in text.unicodeScalars {
    if length >= limit {
      result += "…"
      break
    }
    switch scalar {
    case "\n": result += "\\n"
    case "\r": result += "\\r"
    case "\t": result += "\\t"
    default:
      if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar.properties.generalCategory == .format {
        result += "\\u{\(String(scalar.value, radix: 16))}"
      } else {
        result.unicodeScalars.append(scalar)
      }
    }
    length += 1
  }
  return result
}

/// A list of values from a file, quoted briefly: at most `limit` entries, each an excerpt.
func excerpt<Value>(list values: [Value], limit: Int = 8) -> String {
  let shown = values.prefix(limit).map { excerpt(String(describing: $0), limit: 24) }
  let more = values.count > limit ? ", … (\(values.count) in all)" : ""
  return "[" + shown.joined(separator: ", ") + more + "]"
}
