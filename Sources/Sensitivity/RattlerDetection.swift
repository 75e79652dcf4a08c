/// Rattlers: particles with fewer than d + 1 contacts, which the rigid network does not hold in
/// place. Each adds d zero modes to the Hessian (its rows and columns vanish), and its position is
/// not a differentiable function of θ, so it is excluded and given zero sensitivity.
///
/// The search is iterative: once a rattler is removed, its contacts no longer count for its
/// neighbours, which may then become rattlers themselves; it stops when no particle changes.
public enum RattlerDetection {
  /// Indices of the rattlers, ascending. `minimumContacts` defaults to d + 1.
  public static func rattlers(in network: ContactNetwork, dimension: Int, minimumContacts: Int? = nil) -> [Int] {
    let threshold = minimumContacts ?? dimension + 1
    var isRattler = [Bool](repeating: false, count: network.particleCount)
    var partners = [[Int]](repeating: [], count: network.particleCount)
    for pair in network.pairs {
      partners[pair.first].append(pair.second)
      partners[pair.second].append(pair.first)
    }
    var counts = partners.map(\.count)
    var pending = Array(0..<network.particleCount)
    while let particle = pending.popLast() {
      guard !isRattler[particle], counts[particle] < threshold else { continue }
      isRattler[particle] = true
      // Its contacts no longer hold anyone: re-examine the partners that lose one.
      for partner in partners[particle] where !isRattler[partner] {
        counts[partner] -= 1
        pending.append(partner)
      }
    }
    return isRattler.indices.filter { isRattler[$0] }
  }
}
