/// The components of θ a building block receives: all of them, or a contiguous range (so that one
/// flat θ can hold an objective's parameters and a regulariser's strengths side by side).
@inlinable
func selectParameters<S>(_ θ: [S], _ range: Range<Int>?) -> [S] {
  guard let range else { return θ }
  precondition(range.upperBound <= θ.count,
               "parameter range \(range) outside θ of \(θ.count) components")
  return Array(θ[range])
}
